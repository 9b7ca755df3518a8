//! Late-payment interest: simple interest on the outstanding principal, day by day, at the rate
//! in force on each day (actual days over the days of that day's year), never on interest or fees.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

use super::money::{Currency, Money};

/// A statutory rate that takes effect on `from` and holds until the next entry. As read from
/// the configuration (`[law.no] late_interest`): `{ from = "2026-07-01", percent = "12.00" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatePeriod {
    pub from: NaiveDate,
    /// Percent a year, e.g. `12.00`.
    #[serde(deserialize_with = "super::mandate::decimal_input::deserialize")]
    pub percent: Decimal,
}

/// The highest rate a configured half-year may have, in percent a year (a typo guard: the
/// statutory rate has been 8–12.5 % since 2016).
pub const MAX_CONFIGURED_PERCENT: Decimal = Decimal::from_parts(30, 0, 0, false, 0);

/// What is wrong with a configured rate: `(index, field, message)` for each problem. A period
/// starts on 1 January or 1 July, its rate is 0–30 %, each half-year is given once, and the
/// configured half-years after `built_in_until` follow it without a gap (a gap would silently
/// take the previous half-year's rate).
pub fn check_configured_rates(
    extra: &[RatePeriod],
    built_in_until: NaiveDate,
) -> Vec<(usize, &'static str, String)> {
    let mut issues = Vec::new();
    for (i, p) in extra.iter().enumerate() {
        if p.from.day() != 1 || !matches!(p.from.month(), 1 | 7) {
            issues.push((i, "from", "must be 1 January or 1 July".to_owned()));
        }
        if p.percent < Decimal::ZERO || p.percent > MAX_CONFIGURED_PERCENT {
            issues.push((
                i,
                "percent",
                format!("must be between 0 and {MAX_CONFIGURED_PERCENT} (percent a year)"),
            ));
        }
        if extra[..i].iter().any(|q| q.from == p.from) {
            issues.push((i, "from", format!("{} is given twice", p.from)));
        }
    }
    let mut expected = built_in_until;
    let mut later: Vec<(usize, NaiveDate)> = extra
        .iter()
        .enumerate()
        .filter(|(_, p)| p.from >= built_in_until)
        .map(|(i, p)| (i, p.from))
        .collect();
    later.sort_by_key(|(_, from)| *from);
    later.dedup_by_key(|(_, from)| *from);
    for (i, from) in later {
        if from > expected {
            issues.push((
                i,
                "from",
                format!("the half-year from {expected} is missing before it"),
            ));
            break;
        }
        expected = from
            .checked_add_months(chrono::Months::new(6))
            .unwrap_or(NaiveDate::MAX);
    }
    issues
}

/// The rates in force over time, oldest first. Each entry holds until the next one; the last
/// entry holds only until `known_until` (exclusive): past it, no rate is known yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    periods: Vec<RatePeriod>,
    known_until: NaiveDate,
}

/// Interest could not be computed because the table has no rate for a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no late-payment interest rate is known for {0}")]
pub struct MissingRate(pub NaiveDate);

impl RateTable {
    /// Sorts the periods by start; a later entry for the same start wins (configuration
    /// overrides the built-in table).
    pub fn new(mut periods: Vec<RatePeriod>, known_until: NaiveDate) -> RateTable {
        periods.sort_by_key(|p| p.from);
        let mut merged: Vec<RatePeriod> = Vec::with_capacity(periods.len());
        for period in periods {
            match merged.last_mut() {
                Some(last) if last.from == period.from => *last = period,
                _ => merged.push(period),
            }
        }
        RateTable {
            periods: merged,
            known_until,
        }
    }

    pub fn periods(&self) -> &[RatePeriod] {
        &self.periods
    }

    /// The first day no rate is known for.
    pub fn known_until(&self) -> NaiveDate {
        self.known_until
    }

    /// The rate in force on `day`.
    pub fn rate_on(&self, day: NaiveDate) -> Result<Decimal, MissingRate> {
        if day >= self.known_until {
            return Err(MissingRate(day));
        }
        self.periods
            .iter()
            .rev()
            .find(|p| p.from <= day)
            .map(|p| p.percent)
            .ok_or(MissingRate(day))
    }

    /// The first day after `day` on which the rate may change (a period start, the end of the
    /// known table), if any.
    fn next_change_after(&self, day: NaiveDate) -> NaiveDate {
        self.periods
            .iter()
            .map(|p| p.from)
            .chain(std::iter::once(self.known_until))
            .filter(|from| *from > day)
            .min()
            .unwrap_or(NaiveDate::MAX)
    }
}

fn days_in_year(year: i32) -> i64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

fn first_of_next_year(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year() + 1, 1, 1).unwrap_or(NaiveDate::MAX)
}

/// The exact (unrounded) interest on `principal` for every day `d` with `from <= d < to`.
///
/// Each day earns `principal × rate(d) / 100 / days_in_year(d)`; the loop walks in stretches
/// over which both the rate and the year are constant, so a long period costs a handful of
/// steps rather than one per day, with the same result as summing day by day.
pub fn exact_interest(
    principal: Decimal,
    from: NaiveDate,
    to: NaiveDate,
    rates: &RateTable,
) -> Result<Decimal, MissingRate> {
    let mut total = Decimal::ZERO;
    let mut day = from;
    while day < to {
        let rate = rates.rate_on(day)?;
        let end = to
            .min(rates.next_change_after(day))
            .min(first_of_next_year(day));
        let days = Decimal::from((end - day).num_days());
        total += principal * rate * days
            / Decimal::ONE_HUNDRED
            / Decimal::from(days_in_year(day.year()));
        day = end;
    }
    Ok(total)
}

/// Rounds an exact amount to the currency's minor unit, half away from zero.
pub fn round(amount: Decimal, currency: Currency) -> Money {
    Money::round_to_minor(amount, currency)
}

/// A change of the outstanding principal on a day (a payment that reached the principal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrincipalChange {
    pub on: NaiveDate,
    /// The principal still owed from that day on.
    pub outstanding: Decimal,
}

/// Interest from `from` (the due date) to `to` (exclusive) on a principal that starts at
/// `principal` and steps to each `changes[i].outstanding` on its day (changes in date order).
pub fn exact_interest_on_changing_principal(
    principal: Decimal,
    changes: &[PrincipalChange],
    from: NaiveDate,
    to: NaiveDate,
    rates: &RateTable,
) -> Result<Decimal, MissingRate> {
    let mut total = Decimal::ZERO;
    let mut outstanding = principal;
    let mut day = from;
    for change in changes {
        // A change on or before the due date only sets the starting principal.
        if change.on <= from {
            outstanding = change.outstanding;
            continue;
        }
        if change.on >= to {
            break;
        }
        total += exact_interest(outstanding, day, change.on, rates)?;
        outstanding = change.outstanding;
        day = change.on;
    }
    total += exact_interest(outstanding, day, to, rates)?;
    Ok(total)
}

/// What one more day adds on `principal` at the rate of `day`, rounded.
pub fn per_day(principal: Money, day: NaiveDate, rates: &RateTable) -> Result<Money, MissingRate> {
    let next = day + Duration::days(1);
    exact_interest(principal.amount(), day, next, rates).map(|i| round(i, principal.currency()))
}

/// The first day of the half-year `day` falls in (the statutory rate is set per half-year).
pub fn half_year_of(day: NaiveDate) -> NaiveDate {
    let month = if day.month() <= 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

/// The warnings about the rate tables of `creditors` that have innfri accrue interest, judged
/// on `now` (each on its own calendar day); none while every such table covers today.
pub fn accrual_warnings<'a>(
    creditors: impl IntoIterator<Item = &'a super::creditor::Creditor>,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    let mut out: Vec<String> = creditors
        .into_iter()
        .filter(|c| c.interest == super::creditor::InterestAccrual::Innfri)
        .filter_map(|c| {
            missing_rate_warning(&c.late_interest_rates(), c.today(now))
                .map(|w| format!("creditor {}: {w}", c.id))
        })
        .collect();
    out.sort();
    out
}

/// What `check-config` and `/readyz` say when the table has no rate for the half-year of
/// `today`: interest cannot be computed until one is added.
pub fn missing_rate_warning(rates: &RateTable, today: NaiveDate) -> Option<String> {
    rates.rate_on(today).err().map(|_| {
        format!(
            "no late-payment interest rate is known for the half-year from {}: interest accrues only up to {} until it is added",
            half_year_of(today),
            rates.known_until()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn table() -> RateTable {
        RateTable::new(
            vec![
                RatePeriod {
                    from: d(2023, 7, 1),
                    percent: dec!(11.75),
                },
                RatePeriod {
                    from: d(2024, 1, 1),
                    percent: dec!(12.50),
                },
                RatePeriod {
                    from: d(2025, 7, 1),
                    percent: dec!(12.25),
                },
                RatePeriod {
                    from: d(2026, 1, 1),
                    percent: dec!(12.00),
                },
            ],
            d(2026, 7, 1),
        )
    }

    /// The independent reading: one day at a time.
    fn day_by_day(
        principal: Decimal,
        from: NaiveDate,
        to: NaiveDate,
        rates: &RateTable,
    ) -> Decimal {
        let mut total = Decimal::ZERO;
        let mut day = from;
        while day < to {
            let rate = rates.rate_on(day).expect("rate");
            total += principal * rate / dec!(100) / Decimal::from(days_in_year(day.year()));
            day += Duration::days(1);
        }
        total
    }

    #[test]
    fn a_full_ordinary_year_at_one_rate_is_the_rate() {
        let rates = RateTable::new(
            vec![RatePeriod {
                from: d(2020, 1, 1),
                percent: dec!(10),
            }],
            d(2030, 1, 1),
        );
        let i = exact_interest(dec!(1000), d(2025, 1, 1), d(2026, 1, 1), &rates).expect("rate");
        assert_eq!(round(i, Currency::NOK).amount(), dec!(100.00));
    }

    #[test]
    fn a_leap_year_divides_by_366() {
        let rates = RateTable::new(
            vec![RatePeriod {
                from: d(2020, 1, 1),
                percent: dec!(10),
            }],
            d(2030, 1, 1),
        );
        // 2024 has 366 days: a whole year is still exactly the rate, one day is 1/366 of it.
        let year = exact_interest(dec!(1000), d(2024, 1, 1), d(2025, 1, 1), &rates).expect("rate");
        assert_eq!(round(year, Currency::NOK).amount(), dec!(100.00));
        let day = exact_interest(dec!(36600), d(2024, 2, 29), d(2024, 3, 1), &rates).expect("rate");
        assert_eq!(day, dec!(10));
    }

    #[test]
    fn interest_across_a_half_year_boundary_uses_each_rate_for_its_days() {
        // 10 000 kr from 2025-06-21 to 2025-07-11: 10 days at 12.50 % and 10 days at 12.25 %.
        let i =
            exact_interest(dec!(10000), d(2025, 6, 21), d(2025, 7, 11), &table()).expect("rate");
        let by_hand = dec!(10000) * dec!(12.50) * dec!(10) / dec!(100) / dec!(365)
            + dec!(10000) * dec!(12.25) * dec!(10) / dec!(100) / dec!(365);
        assert_eq!(round(i, Currency::NOK), round(by_hand, Currency::NOK));
        assert_eq!(round(i, Currency::NOK).amount(), dec!(67.81));
    }

    #[test]
    fn interest_across_new_year_into_a_leap_year_changes_the_divisor() {
        let rates = RateTable::new(
            vec![RatePeriod {
                from: d(2020, 1, 1),
                percent: dec!(12),
            }],
            d(2030, 1, 1),
        );
        // 2027-12-22 .. 2028-01-11: 10 days over 365, 10 days over 366.
        let i = exact_interest(dec!(5000), d(2027, 12, 22), d(2028, 1, 11), &rates).expect("rate");
        let by_hand = dec!(5000) * dec!(12) * dec!(10) / dec!(100) / dec!(365)
            + dec!(5000) * dec!(12) * dec!(10) / dec!(100) / dec!(366);
        assert_eq!(i, by_hand);
    }

    #[test]
    fn nothing_accrues_on_the_due_date_itself() {
        let i = exact_interest(dec!(1000), d(2026, 3, 2), d(2026, 3, 2), &table()).expect("rate");
        assert_eq!(i, Decimal::ZERO);
    }

    #[test]
    fn a_day_past_the_known_table_is_reported() {
        assert_eq!(
            exact_interest(dec!(1000), d(2026, 6, 1), d(2026, 7, 2), &table()),
            Err(MissingRate(d(2026, 7, 1)))
        );
        assert_eq!(
            table().rate_on(d(2020, 1, 1)),
            Err(MissingRate(d(2020, 1, 1)))
        );
    }

    #[test]
    fn a_later_entry_for_the_same_start_replaces_the_built_in_one() {
        let mut periods = table().periods().to_vec();
        periods.push(RatePeriod {
            from: d(2026, 1, 1),
            percent: dec!(11.5),
        });
        let rates = RateTable::new(periods, d(2026, 7, 1));
        assert_eq!(rates.rate_on(d(2026, 3, 1)), Ok(dec!(11.5)));
    }

    #[test]
    fn a_payment_that_reduces_the_principal_reduces_the_interest_from_its_day() {
        let changes = [PrincipalChange {
            on: d(2026, 2, 1),
            outstanding: dec!(500),
        }];
        let i = exact_interest_on_changing_principal(
            dec!(1000),
            &changes,
            d(2026, 1, 1),
            d(2026, 3, 1),
            &table(),
        )
        .expect("rate");
        let by_hand = day_by_day(dec!(1000), d(2026, 1, 1), d(2026, 2, 1), &table())
            + day_by_day(dec!(500), d(2026, 2, 1), d(2026, 3, 1), &table());
        assert_eq!(round(i, Currency::NOK), round(by_hand, Currency::NOK));
        assert_eq!(round(i, Currency::NOK).amount(), dec!(14.79));
    }

    #[test]
    fn one_more_day_is_shown_rounded() {
        let day = per_day(
            Money::from_minor(1_000_000, Currency::NOK),
            d(2026, 3, 1),
            &table(),
        )
        .expect("rate");
        // 10 000 × 12 % / 365 = 3.2876…
        assert_eq!(day.amount(), dec!(3.29));
    }

    proptest! {
        #[test]
        fn stretches_agree_with_summing_day_by_day(
            principal in 1u32..5_000_000,
            start in 0i64..900,
            len in 0i64..400,
        ) {
            let rates = table();
            let from = d(2023, 7, 1) + Duration::days(start);
            let to = (from + Duration::days(len)).min(d(2026, 7, 1));
            let principal = Decimal::from(principal) / dec!(100);
            let fast = exact_interest(principal, from, to, &rates).expect("rate");
            let slow = day_by_day(principal, from, to, &rates);
            // Compared before rounding: both are sums of 28-digit quotients, so they agree to
            // far below an øre, but a total that lands exactly on half an øre may round either
            // way (a proptest run found 799,10 against 799,09).
            prop_assert!((fast - slow).abs() < dec!(0.000000001), "{fast} vs {slow}");
        }

        #[test]
        fn interest_never_shrinks_with_more_days(
            principal in 1u32..5_000_000,
            start in 0i64..900,
            len in 0i64..200,
        ) {
            let rates = table();
            let from = d(2023, 7, 1) + Duration::days(start);
            let to = (from + Duration::days(len)).min(d(2026, 6, 30));
            let principal = Decimal::from(principal) / dec!(100);
            let a = exact_interest(principal, from, to, &rates).expect("rate");
            let b = exact_interest(principal, from, to + Duration::days(1), &rates).expect("rate");
            prop_assert!(b >= a);
        }
    }

    #[test]
    fn a_missing_rate_for_the_current_half_year_is_warned_about() {
        assert_eq!(missing_rate_warning(&table(), d(2026, 6, 30)), None);
        let warning = missing_rate_warning(&table(), d(2026, 12, 2)).expect("warned");
        assert!(warning.contains("from 2026-07-01"), "{warning}");
        assert_eq!(half_year_of(d(2024, 2, 29)), d(2024, 1, 1));
    }

    #[test]
    fn configured_rates_start_a_half_year_stay_in_range_and_leave_no_gap() {
        let p = |y, m, day, percent| RatePeriod {
            from: d(y, m, day),
            percent,
        };
        let end = d(2026, 7, 1);
        assert!(check_configured_rates(&[], end).is_empty());
        assert!(
            check_configured_rates(&[p(2026, 7, 1, dec!(12.25)), p(2027, 1, 1, dec!(0))], end)
                .is_empty()
        );
        // A correction of a built-in half-year is fine too.
        assert!(check_configured_rates(&[p(2025, 7, 1, dec!(12.25))], end).is_empty());
        let fields = |extra: &[RatePeriod]| {
            check_configured_rates(extra, end)
                .into_iter()
                .map(|(i, f, _)| (i, f))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(&[p(2026, 7, 2, dec!(12))]),
            [(0, "from"), (0, "from")]
        );
        assert_eq!(fields(&[p(2026, 4, 1, dec!(12))]), [(0, "from")]);
        assert_eq!(fields(&[p(2026, 7, 1, dec!(30.01))]), [(0, "percent")]);
        assert_eq!(fields(&[p(2026, 7, 1, dec!(-1))]), [(0, "percent")]);
        assert_eq!(fields(&[p(2026, 7, 1, dec!(30))]), []);
        assert_eq!(
            fields(&[p(2026, 7, 1, dec!(12)), p(2026, 7, 1, dec!(13))]),
            [(1, "from")]
        );
        // 2027-01-01 without 2026-07-01 would run the first half of 2026's rate on silently.
        let gap = check_configured_rates(&[p(2027, 1, 1, dec!(12))], end);
        assert_eq!(gap.len(), 1);
        assert!(gap[0].2.contains("2026-07-01 is missing"), "{gap:?}");
    }
}
