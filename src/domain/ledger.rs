//! What a debtor owes on a day: principal, interest (fixed lines and interest innfri accrues)
//! and fees, less the payments received, each payment covering fees first, then interest, then
//! principal (the usual order in Norwegian collection; UNVERIFIED as a statutory rule).

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::interest::{MissingRate, RateTable, exact_interest, round};
use super::money::{Currency, Money};

/// The day a balance is asked for, and the late-payment interest rates when the creditor has
/// innfri accrue interest (`None`: the claim less the payments, exactly as the agency sent it).
/// Built by `service::owed` from the creditor, never by hand outside tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedOn {
    pub day: NaiveDate,
    pub rates: Option<RateTable>,
}

impl OwedOn {
    /// The balance on `day` without accrued interest (a creditor whose agency sends interest
    /// lines).
    pub fn without_interest(day: NaiveDate) -> OwedOn {
        OwedOn { day, rates: None }
    }
}

/// A sum added to (fee) or taken from (payment) the claim on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub on: NaiveDate,
    pub amount: Money,
}

/// Everything the balance depends on.
#[derive(Debug, Clone)]
pub struct Ledger<'a> {
    pub currency: Currency,
    /// Interest runs from this day.
    pub due_date: NaiveDate,
    /// The principal lines of the claim.
    pub principal: Money,
    /// Interest lines the agency sent (accrued before the case came to innfri).
    pub fixed_interest: Money,
    /// Fees: the agency's lines (dated when the case arrived) and those innfri added with a
    /// notice (dated when it was sent). A fee counts from its day on.
    pub fees: &'a [Dated],
    /// Interest fixed later than the case came (an agreed plan's interest), from its day on.
    pub interest_charges: &'a [Dated],
    /// Payments received, on the day the money arrived.
    pub payments: &'a [Dated],
    /// Late-payment interest innfri accrues on the principal; `None` when the agency sends
    /// interest lines itself.
    pub rates: Option<&'a RateTable>,
    /// Stretches without accrual (an agreed plan: its own terms apply instead).
    pub paused: &'a [Pause],
}

/// A stretch of days on which no late-payment interest accrues: from `from` (inclusive) until
/// `until` (exclusive; `None`: still paused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Pause {
    fn end(&self) -> NaiveDate {
        self.until.unwrap_or(NaiveDate::MAX)
    }
}

/// The parts of `from..to` outside every pause and inside the days `rates` knows a rate for:
/// a day without a known rate accrues nothing (a rate is never invented; `check-config` and
/// `/readyz` warn when the current half-year is missing).
fn accruing_stretches(
    from: NaiveDate,
    to: NaiveDate,
    paused: &[Pause],
    rates: &RateTable,
) -> Vec<(NaiveDate, NaiveDate)> {
    let first_known = rates.periods().first().map_or(NaiveDate::MAX, |p| p.from);
    let (from, to) = (from.max(first_known), to.min(rates.known_until()));
    let mut pauses: Vec<(NaiveDate, NaiveDate)> = paused
        .iter()
        .map(|p| (p.from, p.end()))
        .filter(|(start, end)| start < end)
        .collect();
    pauses.sort();
    let mut out = Vec::new();
    let mut day = from;
    for (start, end) in pauses {
        if day >= to {
            break;
        }
        if start > day {
            out.push((day, start.min(to)));
        }
        day = day.max(end);
    }
    if day < to {
        out.push((day, to));
    }
    out
}

/// What is owed at the start of a day (interest for every earlier day included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    pub principal: Money,
    /// Interest still owed: fixed lines and accrued interest, less what payments covered.
    pub interest: Money,
    pub fees: Money,
    /// All of it; negative when the debtor paid more than was owed.
    pub total: Money,
    /// All the interest innfri has accrued up to the day (paid or not).
    pub accrued_interest: Money,
    /// What one more day adds (zero when innfri does not accrue).
    pub per_day: Money,
    /// All payments received up to the day.
    pub paid: Money,
}

struct Running {
    principal: i64,
    interest: i64,
    fees: i64,
    credit: i64,
    accrued: i64,
    /// All interest accrued so far, unrounded: each stretch adds what moves its rounded value,
    /// so splitting the time at payments and fees never drifts an øre from the whole.
    exact: Decimal,
}

impl Running {
    /// Applies a payment: fees, then interest, then principal; the rest is a credit.
    fn pay(&mut self, amount: i64) {
        let mut left = amount;
        for bucket in [&mut self.fees, &mut self.interest, &mut self.principal] {
            let take = left.min(*bucket).max(0);
            *bucket -= take;
            left -= take;
        }
        self.credit += left;
    }
}

impl Ledger<'_> {
    /// The balance at the start of `day`: payments and fees dated before or on `day` count,
    /// interest counts for every day before `day`.
    pub fn balance_on(&self, day: NaiveDate) -> Result<Balance, MissingRate> {
        let currency = self.currency;
        let mut run = Running {
            principal: self.principal.minor_units(),
            interest: self.fixed_interest.minor_units(),
            fees: 0,
            credit: 0,
            accrued: 0,
            exact: Decimal::ZERO,
        };
        // 0: a fee, 1: fixed interest, 2: a payment; on the same day charges come first, so a
        // payment that day covers them.
        let mut changes: Vec<(NaiveDate, u8, i64)> = self
            .fees
            .iter()
            .map(|f| (f.on, 0, f.amount.minor_units()))
            .chain(
                self.interest_charges
                    .iter()
                    .map(|c| (c.on, 1, c.amount.minor_units())),
            )
            .chain(
                self.payments
                    .iter()
                    .map(|p| (p.on, 2, p.amount.minor_units())),
            )
            .filter(|(on, _, _)| *on <= day)
            .collect();
        changes.sort_by_key(|(on, kind, _)| (*on, *kind));
        let mut accrued_to = self.due_date;
        let mut paid = 0i64;
        for (on, kind, amount) in changes {
            self.accrue(&mut run, &mut accrued_to, on)?;
            let bucket = match kind {
                2 => {
                    paid += amount;
                    run.pay(amount);
                    continue;
                }
                0 => &mut run.fees,
                _ => &mut run.interest,
            };
            *bucket += amount;
            // A credit left from an earlier payment covers a later charge.
            let covered = run.credit.min(amount);
            *bucket -= covered;
            run.credit -= covered;
        }
        self.accrue(&mut run, &mut accrued_to, day)?;
        let tomorrow = day + Duration::days(1);
        let per_day = match self.rates {
            Some(rates)
                if day >= self.due_date
                    && run.principal > 0
                    && !accruing_stretches(day, tomorrow, self.paused, rates).is_empty() =>
            {
                round(
                    exact_interest(
                        Decimal::new(run.principal, currency.minor_unit_digits()),
                        day,
                        tomorrow,
                        rates,
                    )?,
                    currency,
                )
            }
            _ => Money::zero(currency),
        };
        let m = |minor| Money::from_minor(minor, currency);
        Ok(Balance {
            principal: m(run.principal),
            interest: m(run.interest),
            fees: m(run.fees),
            total: m(run.principal + run.interest + run.fees - run.credit),
            accrued_interest: m(run.accrued),
            per_day,
            paid: m(paid),
        })
    }

    /// Adds the interest on the outstanding principal from `*from` up to `to` (each stretch ends
    /// at a payment or a fee), so that the accrued total is always the exact total rounded.
    fn accrue(
        &self,
        run: &mut Running,
        from: &mut NaiveDate,
        to: NaiveDate,
    ) -> Result<(), MissingRate> {
        let Some(rates) = self.rates else {
            return Ok(());
        };
        if to <= *from {
            return Ok(());
        }
        if run.principal > 0 {
            let principal = Decimal::new(run.principal, self.currency.minor_unit_digits());
            for (start, end) in accruing_stretches(*from, to, self.paused, rates) {
                run.exact += exact_interest(principal, start, end, rates)?;
            }
            let interest = round(run.exact, self.currency).minor_units() - run.accrued;
            run.interest += interest;
            run.accrued += interest;
            let covered = run.credit.min(run.interest);
            run.interest -= covered;
            run.credit -= covered;
        }
        *from = to;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interest::RatePeriod;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn kr(amount: Decimal) -> Money {
        Money::new(amount, Currency::NOK).expect("money")
    }

    fn rates() -> RateTable {
        RateTable::new(
            vec![
                RatePeriod {
                    from: d(2025, 1, 1),
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

    fn ledger<'a>(
        fees: &'a [Dated],
        payments: &'a [Dated],
        rates: Option<&'a RateTable>,
    ) -> Ledger<'a> {
        Ledger {
            currency: Currency::NOK,
            due_date: d(2026, 1, 15),
            principal: kr(dec!(10000)),
            fixed_interest: kr(dec!(20)),
            fees,
            interest_charges: &[],
            payments,
            rates,
            paused: &[],
        }
    }

    #[test]
    fn without_accrual_the_balance_is_the_claim_less_payments() {
        let fees = [Dated {
            on: d(2026, 1, 1),
            amount: kr(dec!(35)),
        }];
        let payments = [Dated {
            on: d(2026, 2, 1),
            amount: kr(dec!(1000)),
        }];
        let b = ledger(&fees, &payments, None)
            .balance_on(d(2026, 3, 1))
            .expect("balance");
        assert_eq!(b.total, kr(dec!(9055)));
        // 1000 covered the fee (35) and the interest line (20) first.
        assert_eq!(b.fees, kr(dec!(0)));
        assert_eq!(b.interest, kr(dec!(0)));
        assert_eq!(b.principal, kr(dec!(9055)));
        assert_eq!(b.per_day, kr(dec!(0)));
    }

    #[test]
    fn interest_accrues_on_the_principal_only_from_the_due_date() {
        let r = rates();
        let b = ledger(&[], &[], Some(&r))
            .balance_on(d(2026, 1, 25))
            .expect("balance");
        // 10 days × 10 000 × 12 % / 365 = 32.876… → 32.88
        assert_eq!(b.accrued_interest, kr(dec!(32.88)));
        assert_eq!(b.interest, kr(dec!(52.88)));
        assert_eq!(b.total, kr(dec!(10052.88)));
        assert_eq!(b.per_day, kr(dec!(3.29)));
        let before = ledger(&[], &[], Some(&r))
            .balance_on(d(2026, 1, 10))
            .expect("balance");
        assert_eq!(before.accrued_interest, kr(dec!(0)));
    }

    #[test]
    fn a_payment_covers_fees_then_interest_then_principal_and_lowers_later_interest() {
        let r = rates();
        let fees = [Dated {
            on: d(2026, 2, 1),
            amount: kr(dec!(37.50)),
        }];
        let payments = [Dated {
            on: d(2026, 2, 15),
            amount: kr(dec!(5000)),
        }];
        let b = ledger(&fees, &payments, Some(&r))
            .balance_on(d(2026, 3, 15))
            .expect("balance");
        // 31 days on 10 000 → 101.92; then the payment leaves 10 000 − (5000 − 37.50 − 20 − 101.92).
        let first = round(
            dec!(10000) * dec!(12) * dec!(31) / dec!(100) / dec!(365),
            Currency::NOK,
        );
        assert_eq!(first, kr(dec!(101.92)));
        let principal_after = dec!(10000) - (dec!(5000) - dec!(37.50) - dec!(20) - dec!(101.92));
        assert_eq!(b.principal, kr(principal_after));
        let second = round(
            principal_after * dec!(12) * dec!(28) / dec!(100) / dec!(365),
            Currency::NOK,
        );
        assert_eq!(
            b.accrued_interest.minor_units(),
            first.minor_units() + second.minor_units()
        );
        assert_eq!(b.interest, second);
        assert_eq!(b.fees, kr(dec!(0)));
    }

    #[test]
    fn an_overpayment_shows_as_a_negative_total_and_stops_interest() {
        let r = rates();
        let payments = [Dated {
            on: d(2026, 1, 15),
            amount: kr(dec!(10100)),
        }];
        let b = ledger(&[], &payments, Some(&r))
            .balance_on(d(2026, 4, 1))
            .expect("balance");
        assert_eq!(b.principal, kr(dec!(0)));
        assert_eq!(b.total, kr(dec!(-80)));
        assert_eq!(b.accrued_interest, kr(dec!(0)));
        assert_eq!(b.per_day, kr(dec!(0)));
    }

    #[test]
    fn a_credit_covers_a_fee_added_later() {
        let payments = [Dated {
            on: d(2026, 1, 10),
            amount: kr(dec!(10100)),
        }];
        let fees = [Dated {
            on: d(2026, 2, 1),
            amount: kr(dec!(35)),
        }];
        let b = ledger(&fees, &payments, None)
            .balance_on(d(2026, 3, 1))
            .expect("balance");
        assert_eq!(b.fees, kr(dec!(0)));
        assert_eq!(b.total, kr(dec!(-45)));
    }

    #[test]
    fn a_day_without_a_known_rate_accrues_nothing_rather_than_a_guess() {
        let r = rates();
        // The table ends on 2026-07-01: interest runs 2026-01-15 .. 2026-07-01 only, 167 days
        // (17 + 28 + 31 + 30 + 31 + 30): 10 000 × 12 % × 167 / 365 = 549.041… → 549.04.
        let later = ledger(&[], &[], Some(&r))
            .balance_on(d(2026, 8, 1))
            .expect("balance");
        assert_eq!(later.accrued_interest, kr(dec!(549.04)));
        assert_eq!(later.per_day, kr(dec!(0)));
        let at_the_end = ledger(&[], &[], Some(&r))
            .balance_on(d(2026, 7, 1))
            .expect("balance");
        assert_eq!(at_the_end.total, later.total);
    }

    #[test]
    fn nothing_accrues_while_paused() {
        let r = rates();
        let paused = [Pause {
            from: d(2026, 2, 14),
            until: Some(d(2026, 3, 16)),
        }];
        let l = Ledger {
            paused: &paused,
            ..ledger(&[], &[], Some(&r))
        };
        // 2026-01-15 .. 02-14 (30 days) and 03-16 .. 03-25 (9 days): 39 days at 12 %:
        // 10 000 × 0.12 × 39 / 365 = 128.219… → 128.22.
        let b = l.balance_on(d(2026, 3, 25)).expect("balance");
        assert_eq!(b.accrued_interest, kr(dec!(128.22)));
        let during = l.balance_on(d(2026, 3, 1)).expect("balance");
        assert_eq!(during.per_day, kr(dec!(0)));
        // Still paused, open-ended: nothing after 2026-02-14.
        let open = [Pause {
            from: d(2026, 2, 14),
            until: None,
        }];
        let b = Ledger {
            paused: &open,
            ..ledger(&[], &[], Some(&r))
        }
        .balance_on(d(2026, 6, 1))
        .expect("balance");
        // 30 days: 10 000 × 0.12 × 30 / 365 = 98.630… → 98.63.
        assert_eq!(b.accrued_interest, kr(dec!(98.63)));
    }

    #[test]
    fn the_statutory_table_by_hand_across_a_half_year_boundary_and_into_a_leap_year() {
        let r = crate::domain::jurisdiction::no::late_interest_rates(&[]);
        let l = Ledger {
            due_date: d(2023, 6, 21),
            fixed_interest: kr(dec!(0)),
            ..ledger(&[], &[], Some(&r))
        };
        // 10 000 kr due 2023-06-21, owed at the start of 2024-01-11:
        //   2023-06-21 .. 07-01:  10 days at 10.75 % / 365 = 10 750 / 365  =  29.452054…
        //   2023-07-01 .. 2024-01-01: 184 days at 11.75 % / 365 = 216 200 / 365 = 592.328767…
        //   2024-01-01 .. 01-11:  10 days at 12.50 % / 366 (2024 is a leap year)
        //                                                  = 12 500 / 366 =  34.153005…
        //   together 655.933827… → 655.93
        let b = l.balance_on(d(2024, 1, 11)).expect("balance");
        assert_eq!(b.accrued_interest, kr(dec!(655.93)));
        assert_eq!(b.total, kr(dec!(10655.93)));
        // One more day in 2024: 10 000 × 12.5 % / 366 = 3.415… → 3.42.
        assert_eq!(b.per_day, kr(dec!(3.42)));
        // Over 29 February 2024: 2024-02-01 .. 03-01 is 29 days, all over 366:
        // 10 000 × 12.5 % × 29 / 366 = 36 250 / 366 = 99.043715… → 99.04 more.
        let feb = l.balance_on(d(2024, 2, 1)).expect("balance");
        let mar = l.balance_on(d(2024, 3, 1)).expect("balance");
        assert_eq!(
            mar.accrued_interest.minor_units() - feb.accrued_interest.minor_units(),
            9904
        );
    }

    #[test]
    fn an_interest_charge_counts_from_its_day() {
        // A plan's interest fixed on 2026-02-01: a payment on 2026-01-20 went to the interest
        // line and the principal as they were then, not to it.
        let payments = [Dated {
            on: d(2026, 1, 20),
            amount: kr(dec!(20)),
        }];
        let charges = [Dated {
            on: d(2026, 2, 1),
            amount: kr(dec!(50)),
        }];
        let b = Ledger {
            interest_charges: &charges,
            ..ledger(&[], &payments, None)
        }
        .balance_on(d(2026, 3, 1))
        .expect("balance");
        assert_eq!(b.principal, kr(dec!(10000)));
        assert_eq!(b.interest, kr(dec!(50)));
        assert_eq!(b.total, kr(dec!(10050)));
    }
}
