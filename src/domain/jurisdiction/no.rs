//! Norway: public holidays, business days, contact hours and the fee caps tied to the
//! inkassosats (inkassoloven / inkassoforskriften). Figures that change by date are tables.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Europe::Oslo;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::domain::interest::{RatePeriod, RateTable};
use crate::domain::journey::{Collector, Journey, JourneyIssue, SentNotice, StepKind};

/// Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" algorithm).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The public holidays (helligdager and 1 and 17 May) of a year, in date order.
pub fn public_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed = [(1, 1), (5, 1), (5, 17), (12, 25), (12, 26)];
    let mut days: Vec<NaiveDate> = fixed
        .iter()
        .filter_map(|(m, d)| NaiveDate::from_ymd_opt(year, *m, *d))
        .collect();
    if let Some(easter) = easter_sunday(year) {
        // Maundy Thursday, Good Friday, Easter Sunday and Monday, Ascension, Whit Sunday and Monday.
        for offset in [-3, -2, 0, 1, 39, 49, 50] {
            days.push(easter + Duration::days(offset));
        }
    }
    days.sort();
    days.dedup();
    days
}

/// Allocation-free: every page that offers dates asks this many times.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    if matches!(
        (date.month(), date.day()),
        (1, 1) | (5, 1) | (5, 17) | (12, 25) | (12, 26)
    ) {
        return true;
    }
    // The moving holidays all fall between Maundy Thursday (March at the earliest) and Whit Monday (June at the latest).
    if !(3..=6).contains(&date.month()) {
        return false;
    }
    easter_sunday(date.year())
        .is_some_and(|easter| matches!((date - easter).num_days(), -3 | -2 | 0 | 1 | 39 | 49 | 50))
}

/// Days Norwegian banks are closed although they are not public holidays: Christmas Eve and
/// New Year's Eve (no settlement, so nothing can fall due on them).
pub fn is_bank_closed_day(date: NaiveDate) -> bool {
    matches!((date.month(), date.day()), (12, 24) | (12, 31))
}

/// A day banks settle payments on: Monday to Friday, not a public holiday and not a day banks
/// close (24 and 31 December).
pub fn is_business_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && !is_public_holiday(date)
        && !is_bank_closed_day(date)
}

/// The date itself if it is a business day, otherwise the next one (due dates are moved forward).
pub fn business_day_on_or_after(date: NaiveDate) -> NaiveDate {
    let mut day = date;
    // At most a handful of steps (Easter is the longest run of closed days).
    for _ in 0..10 {
        if is_business_day(day) {
            return day;
        }
        day += Duration::days(1);
    }
    day
}

/// Hours in which a debtor may be contacted, in local time: weekdays 08–21, Saturdays 09–15,
/// never on Sundays or public holidays (the proposed new inkassolov; applied to SMS and e-mail
/// as the conservative reading).
pub fn contact_window(date: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
    if is_public_holiday(date) {
        return None;
    }
    let hm = |h| NaiveTime::from_hms_opt(h, 0, 0);
    match date.weekday() {
        Weekday::Sun => None,
        Weekday::Sat => hm(9).zip(hm(15)),
        _ => hm(8).zip(hm(21)),
    }
}

/// The earliest local moment at or after `at` inside a contact window.
pub fn next_contact_time(at: NaiveDateTime) -> NaiveDateTime {
    let mut date = at.date();
    for day in 0..14 {
        if let Some((open, close)) = contact_window(date) {
            let start = if day == 0 { at.time().max(open) } else { open };
            if start < close {
                return date.and_time(start);
            }
        }
        date += Duration::days(1);
    }
    at
}

/// The earliest moment at or after `now` a debtor may be contacted, in Oslo time rules.
pub fn next_contact_instant(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Oslo).naive_local();
    let next = next_contact_time(local);
    if next <= local {
        return now;
    }
    // Windows open at 08:00 or 09:00, never inside a daylight-saving jump.
    Oslo.from_local_datetime(&next)
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc))
}

/// The inkassosats in force on a date (kr). Before 2017 innfri has no cases to collect.
pub fn inkassosats(on: NaiveDate) -> Decimal {
    if on >= NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(NaiveDate::MIN) {
        dec!(750)
    } else {
        dec!(700)
    }
}

/// Highest reminder (purring) or inkassovarsel fee on the day it is sent: 1/20 of the sats.
pub fn max_reminder_fee(sent_on: NaiveDate) -> Decimal {
    inkassosats(sent_on) / dec!(20)
}

/// Extra collection cost allowed for a payment plan of more than four instalments (§ 2-4):
/// 1.5 × the inkassosats; nothing for four or fewer.
pub fn max_plan_fee(agreed_on: NaiveDate, instalments: u32) -> Decimal {
    if instalments > 4 {
        inkassosats(agreed_on) * dec!(1.5)
    } else {
        Decimal::ZERO
    }
}

/// Minimum days a debtor gets to pay after a reminder, inkassovarsel or betalingsoppfordring.
pub const MIN_DEADLINE_DAYS: i64 = 14;

/// The late-payment interest rates (forsinkelsesrente) by half-year: Norges Bank's policy rate
/// on 1 January / 1 July plus 8 points. Verified figures: 2016-07 8.50, 2019-07 9.25,
/// 2022-07 9.25, 2023-01 10.75, 2024-01 12.50, 2025-01 12.50, 2026-01 12.00; the others are
/// the policy rate + 8 and 2025-07 is "probably 12.25" (DOMAIN.md). The table holds until
/// [`LATE_INTEREST_KNOWN_UNTIL`]; an operator adds a newer half-year in the configuration
/// (`[law.no] late_interest`) without waiting for a release.
pub const LATE_INTEREST: [((i32, u32, u32), Decimal); 20] = [
    ((2016, 7, 1), dec!(8.50)),
    ((2017, 1, 1), dec!(8.50)),
    ((2017, 7, 1), dec!(8.50)),
    ((2018, 1, 1), dec!(8.50)),
    ((2018, 7, 1), dec!(8.50)),
    ((2019, 1, 1), dec!(8.75)),
    ((2019, 7, 1), dec!(9.25)),
    ((2020, 1, 1), dec!(9.50)),
    ((2020, 7, 1), dec!(8.00)),
    ((2021, 1, 1), dec!(8.00)),
    ((2021, 7, 1), dec!(8.00)),
    ((2022, 1, 1), dec!(8.50)),
    ((2022, 7, 1), dec!(9.25)),
    ((2023, 1, 1), dec!(10.75)),
    ((2023, 7, 1), dec!(11.75)),
    ((2024, 1, 1), dec!(12.50)),
    ((2024, 7, 1), dec!(12.50)),
    ((2025, 1, 1), dec!(12.50)),
    ((2025, 7, 1), dec!(12.25)),
    ((2026, 1, 1), dec!(12.00)),
];

/// The day after the last half-year the built-in table covers.
pub const LATE_INTEREST_KNOWN_UNTIL: (i32, u32, u32) = (2026, 7, 1);

/// The built-in rate table, extended (or corrected) by `extra` periods from configuration; a
/// period the configuration adds after the built-in ones extends the known range by half a year.
pub fn late_interest_rates(extra: &[RatePeriod]) -> RateTable {
    let date =
        |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    let mut periods: Vec<RatePeriod> = LATE_INTEREST
        .iter()
        .map(|(from, percent)| RatePeriod {
            from: date(*from),
            percent: *percent,
        })
        .collect();
    periods.extend_from_slice(extra);
    let built_in = date(LATE_INTEREST_KNOWN_UNTIL);
    // Each configured half-year covers six months from its start.
    let known_until = extra
        .iter()
        .filter_map(|p| p.from.checked_add_months(chrono::Months::new(6)))
        .fold(built_in, NaiveDate::max);
    RateTable::new(periods, known_until)
}

/// Lett salær (an agency's collection fee for a consumer debtor, inkassoforskriften § 2-2) by
/// the size of the principal, as multiples of the inkassosats: 0.25 up to 500 kr, 0.35 up to
/// 1,000, 0.4 up to 2,500, 0.8 up to 10,000, 1.6 up to 50,000, 3.6 up to 250,000, 7.2 above.
/// (At the 700 kr sats these are the published 175 … 5,040 kr; that they follow the 2026 sats
/// is UNVERIFIED.)
pub fn lett_salaer(principal: Decimal, on: NaiveDate) -> Decimal {
    let steps = [
        (dec!(500), dec!(0.25)),
        (dec!(1000), dec!(0.35)),
        (dec!(2500), dec!(0.4)),
        (dec!(10000), dec!(0.8)),
        (dec!(50000), dec!(1.6)),
        (dec!(250000), dec!(3.6)),
    ];
    let factor = steps
        .iter()
        .find(|(limit, _)| principal <= *limit)
        .map_or(dec!(7.2), |(_, f)| *f);
    inkassosats(on) * factor
}

/// The statutory fee for a notice of `kind` sent on `sent_on` (kr), or `None` for a kind
/// that carries none: 1/20 of the sats for a purring or inkassovarsel; for a
/// betalingsoppfordring 3/20 when the creditor sends it itself, the agency's lett salær otherwise.
pub fn notice_fee(
    kind: StepKind,
    collector: Collector,
    sent_on: NaiveDate,
    principal: Decimal,
) -> Option<Decimal> {
    match kind {
        StepKind::Purring | StepKind::Inkassovarsel => Some(max_reminder_fee(sent_on)),
        StepKind::Betalingsoppfordring => Some(match collector {
            Collector::Creditor => inkassosats(sent_on) * dec!(3) / dec!(20),
            Collector::Agency => lett_salaer(principal, sent_on),
        }),
        StepKind::Nudge | StepKind::FinalNotice => None,
    }
}

/// § 1-3: fees may be charged for at most two purringer and one betalingsoppfordring, or one
/// purring, one inkassovarsel and one betalingsoppfordring.
pub fn fee_combination_allowed(kinds: &[StepKind]) -> bool {
    let count = |k| kinds.iter().filter(|x| **x == k).count();
    let (purring, varsel, oppfordring) = (
        count(StepKind::Purring),
        count(StepKind::Inkassovarsel),
        count(StepKind::Betalingsoppfordring),
    );
    let others = kinds.len() - purring - varsel - oppfordring;
    others == 0
        && oppfordring <= 1
        && ((purring <= 2 && varsel == 0) || (purring <= 1 && varsel <= 1))
}

/// Why a fee may not be charged with a notice sent on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeRefusal {
    /// Nudges and final notices carry no fee.
    NotAFeeNotice,
    /// Less than 14 days after the due date (§ 1-2, inkassoloven § 9).
    TooEarly,
    /// Beyond the combinations of § 1-3.
    TooMany,
    /// The earlier fee's notice set no deadline of at least 14 days, or it has not passed.
    EarlierDeadlineNotMissed,
}

/// Whether a notice of `kind` sent on `sent_on` may carry its fee, given the notices with a
/// fee the case already had (`charged`, oldest first) and its due date.
pub fn fee_allowed(
    kind: StepKind,
    sent_on: NaiveDate,
    due_date: NaiveDate,
    charged: &[&SentNotice],
) -> Result<(), FeeRefusal> {
    if !matches!(
        kind,
        StepKind::Purring | StepKind::Inkassovarsel | StepKind::Betalingsoppfordring
    ) {
        return Err(FeeRefusal::NotAFeeNotice);
    }
    if sent_on < due_date + Duration::days(MIN_DEADLINE_DAYS) {
        return Err(FeeRefusal::TooEarly);
    }
    let mut kinds: Vec<StepKind> = charged.iter().map(|n| n.kind).collect();
    kinds.push(kind);
    if !fee_combination_allowed(&kinds) {
        return Err(FeeRefusal::TooMany);
    }
    if let Some(previous) = charged.last() {
        let missed = previous.deadline.is_some_and(|deadline| {
            deadline >= previous.sent_on + Duration::days(MIN_DEADLINE_DAYS) && sent_on > deadline
        });
        if !missed {
            return Err(FeeRefusal::EarlierDeadlineNotMissed);
        }
    }
    Ok(())
}

/// The legal rules a Norwegian journey must keep, step by step (on top of its shape):
/// fees only on written notices at least 14 days after the due date and within § 1-3, a second
/// fee only after a missed deadline of at least 14 days, an inkassovarsel after the due date
/// with at least 14 days to pay, a betalingsoppfordring only after the varsel's deadline with at
/// least 14 days to pay or object, and every deadline at least 14 days.
pub fn check_journey(journey: &Journey) -> Vec<JourneyIssue> {
    let mut issues = Vec::new();
    let offsets = journey.earliest_offsets();
    let min = MIN_DEADLINE_DAYS;
    let mut fee_steps: Vec<usize> = Vec::new();
    let mut last_varsel: Option<usize> = None;
    for (i, step) in journey.steps.iter().enumerate() {
        let mut issue =
            |rule, message: String| issues.push(JourneyIssue::at(i, journey, rule, message));
        let offset = offsets[i];
        if let Some(days) = step.deadline_days
            && i64::from(days) < min
        {
            issue(
                "deadline_too_short",
                format!("sets a deadline of {days} days; the law requires at least {min}"),
            );
        }
        let needs_deadline = matches!(
            step.kind,
            StepKind::Purring | StepKind::Inkassovarsel | StepKind::Betalingsoppfordring
        );
        if needs_deadline && step.deadline_days.is_none() {
            issue(
                "deadline_missing",
                format!(
                    "a {} must set a payment deadline (deadline_days)",
                    step.kind.as_str()
                ),
            );
        }
        match step.kind {
            StepKind::Inkassovarsel if offset.is_some_and(|o| o < 1) => issue(
                "varsel_before_due",
                "an inkassovarsel may only be sent after the due date (inkassoloven § 9)".into(),
            ),
            StepKind::Betalingsoppfordring => match last_varsel {
                None => issue(
                    "oppfordring_without_varsel",
                    "a betalingsoppfordring needs an inkassovarsel before it (inkassoloven § 10)"
                        .into(),
                ),
                Some(v) => {
                    let varsel_deadline = offsets[v]
                        .zip(journey.steps[v].deadline_days)
                        .map(|(o, d)| o + i64::from(d));
                    if let (Some(deadline), Some(own)) = (varsel_deadline, offset)
                        && own <= deadline
                    {
                        issue(
                            "oppfordring_before_varsel_deadline",
                            format!(
                                "is sent on day {own}, not after the inkassovarsel's deadline (day {deadline})"
                            ),
                        );
                    }
                }
            },
            _ => {}
        }
        if step.kind == StepKind::Inkassovarsel {
            last_varsel = Some(i);
        }
        if !step.fee {
            continue;
        }
        if notice_fee(step.kind, journey.collector, NaiveDate::MIN, Decimal::ZERO).is_none() {
            issue(
                "fee_on_non_notice",
                format!(
                    "a {} carries no fee; only a purring, inkassovarsel or betalingsoppfordring does",
                    step.kind.as_str()
                ),
            );
            continue;
        }
        if let Some(o) = offset
            && o < min
        {
            issue(
                "fee_too_early",
                format!(
                    "carries a fee but is sent on day {o} after the due date; a fee needs at least {min} (inkassoforskriften § 1-2)"
                ),
            );
        }
        let mut kinds: Vec<StepKind> = fee_steps.iter().map(|f| journey.steps[*f].kind).collect();
        kinds.push(step.kind);
        if !fee_combination_allowed(&kinds) {
            issue(
                "fee_count",
                "one fee too many: at most two purringer and a betalingsoppfordring, or a purring, an inkassovarsel and a betalingsoppfordring (inkassoforskriften § 1-3)".into(),
            );
        }
        if let Some(&previous) = fee_steps.last() {
            let prev = &journey.steps[previous];
            let deadline = offsets[previous]
                .zip(prev.deadline_days)
                .map(|(o, d)| o + i64::from(d));
            let ok = prev.deadline_days.is_some_and(|d| i64::from(d) >= min)
                && matches!((deadline, offset), (Some(dl), Some(own)) if own > dl);
            if !ok {
                issue(
                    "second_fee_before_deadline",
                    format!(
                        "a further fee needs the deadline of at least {min} days set by step \"{}\" to have passed",
                        prev.id
                    ),
                );
            }
        }
        fee_steps.push(i);
    }
    issues
}

/// What a notice of each kind must say, as the Fluent variables its `-notice` text must use:
/// the amount and what the claim is for on every fee notice (§ 1-2), the deadline on a varsel
/// (§ 9), and on a betalingsoppfordring the creditor, what the claim is for, principal and
/// additional amounts apart, the interest rate and the date it runs from, and the deadline (§ 10).
pub fn required_notice_variables(kind: StepKind) -> &'static [&'static str] {
    match kind {
        StepKind::Nudge => &[],
        StepKind::Purring => &["amount", "claim_for", "deadline"],
        StepKind::Inkassovarsel => &["amount", "claim_for", "deadline", "creditor"],
        StepKind::Betalingsoppfordring => &[
            "creditor",
            "claim_for",
            "principal",
            "additional",
            "interest_rate",
            "interest_from",
            "deadline",
        ],
        StepKind::FinalNotice => &["amount", "deadline"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn easter_falls_on_known_dates() {
        assert_eq!(easter_sunday(2024), Some(d(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(d(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(d(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(d(2027, 3, 28)));
    }

    #[test]
    fn norway_has_twelve_holidays_including_the_moving_ones() {
        let days = public_holidays(2026);
        assert_eq!(days.len(), 12);
        for day in [
            d(2026, 4, 2),
            d(2026, 4, 3),
            d(2026, 4, 6),
            d(2026, 5, 14),
            d(2026, 5, 25),
            d(2026, 5, 17),
        ] {
            assert!(days.contains(&day), "{day}");
        }
    }

    #[test]
    fn the_quick_holiday_check_agrees_with_the_full_list_for_decades() {
        let mut day = d(2000, 1, 1);
        while day < d(2060, 1, 1) {
            assert_eq!(
                is_public_holiday(day),
                public_holidays(day.year()).contains(&day),
                "{day}"
            );
            day += Duration::days(1);
        }
    }

    #[test]
    fn due_dates_move_past_weekends_and_easter() {
        assert_eq!(business_day_on_or_after(d(2026, 11, 21)), d(2026, 11, 23));
        assert_eq!(business_day_on_or_after(d(2026, 4, 2)), d(2026, 4, 7));
        // Christmas Eve (a Thursday) is a bank-closed day: past the 25th, 26th and Sunday.
        assert_eq!(business_day_on_or_after(d(2026, 12, 24)), d(2026, 12, 28));
        assert_eq!(business_day_on_or_after(d(2026, 12, 25)), d(2026, 12, 28));
        assert_eq!(business_day_on_or_after(d(2026, 12, 23)), d(2026, 12, 23));
        // New Year's Eve (a Thursday) and New Year's Day: the first business day is 4 January.
        assert_eq!(business_day_on_or_after(d(2026, 12, 31)), d(2027, 1, 4));
    }

    #[test]
    fn contact_hours_wait_for_the_next_open_window() {
        let at = |y, m, dd, h, min| d(y, m, dd).and_hms_opt(h, min, 0).expect("time");
        // Monday 23:00 → Tuesday 08:00
        assert_eq!(
            next_contact_time(at(2026, 11, 23, 23, 0)),
            at(2026, 11, 24, 8, 0)
        );
        // Saturday 15:30 → Monday 08:00 (never on Sunday)
        assert_eq!(
            next_contact_time(at(2026, 11, 28, 15, 30)),
            at(2026, 11, 30, 8, 0)
        );
        // Saturday 08:00 → 09:00 the same day
        assert_eq!(
            next_contact_time(at(2026, 11, 28, 8, 0)),
            at(2026, 11, 28, 9, 0)
        );
        // Inside the window: unchanged; exactly at closing: next day
        assert_eq!(
            next_contact_time(at(2026, 11, 24, 12, 5)),
            at(2026, 11, 24, 12, 5)
        );
        assert_eq!(
            next_contact_time(at(2026, 11, 24, 21, 0)),
            at(2026, 11, 25, 8, 0)
        );
        // Christmas Eve (a Thursday) 22:00 → past the 25th and 26th and Sunday → Monday 28th
        assert_eq!(
            next_contact_time(at(2026, 12, 24, 22, 0)),
            at(2026, 12, 28, 8, 0)
        );
    }

    #[test]
    fn late_interest_follows_the_half_year_table() {
        let rates = late_interest_rates(&[]);
        assert_eq!(rates.rate_on(d(2025, 6, 30)), Ok(dec!(12.5)));
        assert_eq!(rates.rate_on(d(2025, 7, 1)), Ok(dec!(12.25)));
        assert_eq!(rates.rate_on(d(2026, 6, 30)), Ok(dec!(12.00)));
        // The built-in table ends with the first half of 2026: no rate is invented after it.
        assert!(rates.rate_on(d(2026, 11, 23)).is_err());
        // Configuration extends it by the half-years it adds (and may correct one).
        let extended = late_interest_rates(&[
            RatePeriod {
                from: d(2026, 7, 1),
                percent: dec!(12.25),
            },
            RatePeriod {
                from: d(2026, 1, 1),
                percent: dec!(11.90),
            },
        ]);
        assert_eq!(extended.rate_on(d(2026, 11, 23)), Ok(dec!(12.25)));
        assert_eq!(extended.rate_on(d(2026, 3, 1)), Ok(dec!(11.90)));
        assert_eq!(extended.known_until(), d(2027, 1, 1));
        assert!(extended.rate_on(d(2027, 1, 1)).is_err());
    }

    #[test]
    fn a_message_due_at_23_oslo_time_waits_for_8_the_next_morning() {
        // Monday 23 Nov 2026 23:00 in Oslo (CET, UTC+1) is 22:00 UTC.
        let late = Utc
            .with_ymd_and_hms(2026, 11, 23, 22, 0, 0)
            .single()
            .expect("time");
        assert_eq!(
            next_contact_instant(late),
            Utc.with_ymd_and_hms(2026, 11, 24, 7, 0, 0)
                .single()
                .expect("time")
        );
        let noon = Utc
            .with_ymd_and_hms(2026, 11, 24, 11, 0, 0)
            .single()
            .expect("time");
        assert_eq!(next_contact_instant(noon), noon);
        // Summer time (UTC+2): Saturday 27 June 2026 15:00 local is closed; Monday 08:00 local = 06:00 UTC.
        let saturday = Utc
            .with_ymd_and_hms(2026, 6, 27, 13, 0, 0)
            .single()
            .expect("time");
        assert_eq!(
            next_contact_instant(saturday),
            Utc.with_ymd_and_hms(2026, 6, 29, 6, 0, 0)
                .single()
                .expect("time")
        );
    }

    #[test]
    fn fees_follow_the_inkassosats_of_the_day() {
        assert_eq!(max_reminder_fee(d(2025, 12, 31)), dec!(35));
        assert_eq!(max_reminder_fee(d(2026, 1, 1)), dec!(37.5));
        assert_eq!(max_plan_fee(d(2026, 3, 1), 4), Decimal::ZERO);
        assert_eq!(max_plan_fee(d(2026, 3, 1), 5), dec!(1125));
    }

    mod journeys {
        use super::*;
        use crate::domain::journey::StepTiming;
        use crate::domain::journey::tests::{step, typical};

        fn rules(j: &Journey) -> Vec<(Option<usize>, &'static str)> {
            check_journey(j)
                .into_iter()
                .map(|i| (i.step, i.rule))
                .collect()
        }

        #[test]
        fn a_typical_journey_is_lawful() {
            assert_eq!(rules(&typical()), vec![]);
        }

        #[test]
        fn a_fee_earlier_than_14_days_after_the_due_date_is_refused() {
            let mut j = typical();
            j.steps[1].when = StepTiming::AfterDueDate(10);
            assert!(rules(&j).contains(&(Some(1), "fee_too_early")));
        }

        #[test]
        fn a_nudge_with_a_fee_is_refused() {
            let mut j = typical();
            j.steps[0].fee = true;
            assert!(rules(&j).contains(&(Some(0), "fee_on_non_notice")));
        }

        #[test]
        fn three_purring_fees_are_one_too_many() {
            let mut j = typical();
            j.steps[2] = step(
                "purring-2",
                StepKind::Purring,
                StepTiming::AfterPreviousDeadline(1),
                true,
                Some(14),
            );
            j.steps.insert(
                3,
                step(
                    "purring-3",
                    StepKind::Purring,
                    StepTiming::AfterPreviousDeadline(1),
                    true,
                    Some(14),
                ),
            );
            // Betalingsoppfordring now has no varsel; the third purring fee breaks § 1-3.
            let found = rules(&j);
            assert!(found.contains(&(Some(3), "fee_count")), "{found:?}");
            assert!(
                found.contains(&(Some(4), "oppfordring_without_varsel")),
                "{found:?}"
            );
        }

        #[test]
        fn two_purringer_and_a_varsel_with_fees_break_the_combinations() {
            let mut j = typical();
            j.steps.insert(
                2,
                step(
                    "purring-2",
                    StepKind::Purring,
                    StepTiming::AfterPreviousDeadline(1),
                    true,
                    Some(14),
                ),
            );
            assert!(rules(&j).contains(&(Some(3), "fee_count")));
        }

        #[test]
        fn a_second_fee_before_the_first_deadline_is_refused() {
            let mut j = typical();
            j.steps[2].when = StepTiming::AfterDueDate(20);
            assert!(rules(&j).contains(&(Some(2), "second_fee_before_deadline")));
        }

        #[test]
        fn a_deadline_under_14_days_is_refused() {
            let mut j = typical();
            j.steps[2].deadline_days = Some(10);
            assert!(rules(&j).contains(&(Some(2), "deadline_too_short")));
        }

        #[test]
        fn a_varsel_on_the_due_date_is_refused() {
            let mut j = typical();
            j.steps[0] = step(
                "varsel",
                StepKind::Inkassovarsel,
                StepTiming::AfterDueDate(0),
                false,
                Some(14),
            );
            assert!(rules(&j).contains(&(Some(0), "varsel_before_due")));
        }

        #[test]
        fn an_oppfordring_before_the_varsel_deadline_is_refused() {
            let mut j = typical();
            j.steps[3].when = StepTiming::AfterDueDate(30);
            assert!(rules(&j).contains(&(Some(3), "oppfordring_before_varsel_deadline")));
        }

        #[test]
        fn fee_combinations_follow_section_1_3() {
            use StepKind::*;
            assert!(fee_combination_allowed(&[
                Purring,
                Purring,
                Betalingsoppfordring
            ]));
            assert!(fee_combination_allowed(&[
                Purring,
                Inkassovarsel,
                Betalingsoppfordring
            ]));
            assert!(fee_combination_allowed(&[
                Inkassovarsel,
                Betalingsoppfordring
            ]));
            assert!(!fee_combination_allowed(&[Purring, Purring, Inkassovarsel]));
            assert!(!fee_combination_allowed(&[Purring, Purring, Purring]));
            assert!(!fee_combination_allowed(&[
                Betalingsoppfordring,
                Betalingsoppfordring
            ]));
            assert!(!fee_combination_allowed(&[Nudge]));
        }

        #[test]
        fn fees_follow_the_sats_and_who_sends() {
            let day = d(2026, 3, 1);
            assert_eq!(
                notice_fee(StepKind::Purring, Collector::Agency, day, dec!(1000)),
                Some(dec!(37.5))
            );
            assert_eq!(
                notice_fee(
                    StepKind::Betalingsoppfordring,
                    Collector::Creditor,
                    day,
                    dec!(1000)
                ),
                Some(dec!(112.5))
            );
            // Lett salær for a claim up to 1 000 kr: 0.35 × 750.
            assert_eq!(
                notice_fee(
                    StepKind::Betalingsoppfordring,
                    Collector::Agency,
                    day,
                    dec!(1000)
                ),
                Some(dec!(262.5))
            );
            assert_eq!(lett_salaer(dec!(1000), d(2025, 6, 1)), dec!(245));
            assert_eq!(lett_salaer(dec!(300000), d(2025, 6, 1)), dec!(5040));
            assert_eq!(
                notice_fee(StepKind::Nudge, Collector::Agency, day, dec!(1000)),
                None
            );
        }

        #[test]
        fn a_notice_fee_follows_the_sats_in_force_on_the_sending_day() {
            let (old, new) = (d(2025, 12, 31), d(2026, 1, 1));
            for kind in [StepKind::Purring, StepKind::Inkassovarsel] {
                assert_eq!(
                    notice_fee(kind, Collector::Agency, old, dec!(500)),
                    Some(dec!(35))
                );
                assert_eq!(
                    notice_fee(kind, Collector::Agency, new, dec!(500)),
                    Some(dec!(37.5))
                );
            }
            let own = |on| {
                notice_fee(
                    StepKind::Betalingsoppfordring,
                    Collector::Creditor,
                    on,
                    dec!(500),
                )
            };
            assert_eq!(own(old), Some(dec!(105)));
            assert_eq!(own(new), Some(dec!(112.5)));
        }

        fn sent(kind: StepKind, on: NaiveDate, deadline_days: i64) -> SentNotice {
            SentNotice {
                step_id: None,
                kind,
                sent_on: on,
                deadline: Some(on + Duration::days(deadline_days)),
                fee: Some(crate::domain::money::Money::from_minor(
                    3750,
                    crate::domain::money::Currency::NOK,
                )),
                variant: None,
                message_id: None,
                reach: crate::domain::journey::NoticeReach::default(),
            }
        }

        #[test]
        fn at_send_time_a_second_fee_waits_for_the_missed_deadline() {
            let due = d(2026, 3, 2);
            let first = sent(StepKind::Purring, d(2026, 3, 16), 14);
            assert_eq!(
                fee_allowed(StepKind::Purring, d(2026, 3, 15), due, &[]),
                Err(FeeRefusal::TooEarly)
            );
            assert_eq!(
                fee_allowed(StepKind::Purring, d(2026, 3, 16), due, &[]),
                Ok(())
            );
            assert_eq!(
                fee_allowed(StepKind::Inkassovarsel, d(2026, 3, 30), due, &[&first]),
                Err(FeeRefusal::EarlierDeadlineNotMissed)
            );
            assert_eq!(
                fee_allowed(StepKind::Inkassovarsel, d(2026, 3, 31), due, &[&first]),
                Ok(())
            );
            let short = sent(StepKind::Purring, d(2026, 3, 16), 10);
            assert_eq!(
                fee_allowed(StepKind::Purring, d(2026, 4, 30), due, &[&short]),
                Err(FeeRefusal::EarlierDeadlineNotMissed)
            );
            let varsel = sent(StepKind::Inkassovarsel, d(2026, 3, 31), 14);
            assert_eq!(
                fee_allowed(StepKind::Purring, d(2026, 5, 1), due, &[&first, &varsel]),
                Err(FeeRefusal::TooMany)
            );
            assert_eq!(
                fee_allowed(StepKind::FinalNotice, d(2026, 5, 1), due, &[]),
                Err(FeeRefusal::NotAFeeNotice)
            );
        }

        #[test]
        fn the_rate_table_covers_until_the_configured_half_year() {
            let built_in = late_interest_rates(&[]);
            assert_eq!(built_in.rate_on(d(2026, 6, 30)), Ok(dec!(12.00)));
            assert!(built_in.rate_on(d(2026, 7, 1)).is_err());
            let extended = late_interest_rates(&[RatePeriod {
                from: d(2026, 7, 1),
                percent: dec!(11.75),
            }]);
            assert_eq!(extended.rate_on(d(2026, 12, 31)), Ok(dec!(11.75)));
            assert!(extended.rate_on(d(2027, 1, 1)).is_err());
            assert_eq!(built_in.rate_on(d(2023, 3, 1)), Ok(dec!(10.75)));
        }
    }
}
