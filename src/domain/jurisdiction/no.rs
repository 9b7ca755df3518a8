//! Norway: public holidays, business days, contact hours and the fee caps tied to the
//! inkassosats (inkassoloven / inkassoforskriften). Figures that change by date are tables.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Europe::Oslo;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

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

/// A day banks settle payments on: Monday to Friday and not a public holiday.
pub fn is_business_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(date)
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

/// The late-payment interest rate (forsinkelsesrente, percent a year) in force on a date,
/// set per half-year; the newest known figure applies until a newer one is added here.
pub fn late_interest_rate(on: NaiveDate) -> Decimal {
    let table = [
        ((2024, 1, 1), dec!(12.5)),
        ((2025, 7, 1), dec!(12.25)),
        ((2026, 1, 1), dec!(12.00)),
    ];
    table
        .iter()
        .rev()
        .find(|((y, m, d), _)| NaiveDate::from_ymd_opt(*y, *m, *d).is_some_and(|from| on >= from))
        .map_or(dec!(12.5), |(_, rate)| *rate)
}

/// Minimum days a debtor gets to pay after a reminder, inkassovarsel or betalingsoppfordring.
pub const MIN_DEADLINE_DAYS: i64 = 14;

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
        assert_eq!(business_day_on_or_after(d(2026, 12, 24)), d(2026, 12, 24));
        assert_eq!(business_day_on_or_after(d(2026, 12, 25)), d(2026, 12, 28));
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
        assert_eq!(late_interest_rate(d(2025, 6, 30)), dec!(12.5));
        assert_eq!(late_interest_rate(d(2025, 7, 1)), dec!(12.25));
        assert_eq!(late_interest_rate(d(2026, 11, 23)), dec!(12.00));
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
}
