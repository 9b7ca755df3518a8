//! Jurisdiction rule packs: the legal limits no creditor setting may exceed, chosen by the
//! creditor's jurisdiction through [`LawPack`].

pub mod no;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::creditor::Jurisdiction;
use super::interest::{RatePeriod, RateTable};
use super::journey::{Collector, Journey, JourneyIssue, SentNotice, StepKind};

/// Minimum days a debtor gets to pay after a notice, in every pack so far.
pub const MIN_DEADLINE_DAYS: i64 = no::MIN_DEADLINE_DAYS;

pub use no::FeeRefusal;

/// What the rest of innfri asks of a country's law. One implementation per jurisdiction;
/// callers get it from [`law`] and never name a country.
pub trait LawPack: Send + Sync {
    /// A day banks settle payments on.
    fn is_business_day(&self, date: NaiveDate) -> bool;
    /// The date itself if banks are open, otherwise the next day they are.
    fn business_day_on_or_after(&self, date: NaiveDate) -> NaiveDate;
    /// The earliest moment at or after `now` a debtor may be contacted.
    fn next_contact_instant(&self, now: DateTime<Utc>) -> DateTime<Utc>;
    /// Highest fee for a reminder on the day it is sent.
    fn max_reminder_fee(&self, sent_on: NaiveDate) -> Decimal;
    /// Highest extra cost of an instalment plan agreed on a day.
    fn max_plan_fee(&self, agreed_on: NaiveDate, instalments: u32) -> Decimal;
    /// The late-payment interest rates, with configured additions.
    fn late_interest_rates(&self, extra: &[RatePeriod]) -> RateTable;
    /// Every legal problem of a journey.
    fn check_journey(&self, journey: &Journey) -> Vec<JourneyIssue>;
    /// The fee a notice carries when sent on a day.
    fn notice_fee(
        &self,
        kind: StepKind,
        collector: Collector,
        sent_on: NaiveDate,
        principal: Decimal,
    ) -> Option<Decimal>;
    /// Whether a notice may carry its fee, given the fees already charged.
    fn fee_allowed(
        &self,
        kind: StepKind,
        sent_on: NaiveDate,
        due_date: NaiveDate,
        charged: &[&SentNotice],
    ) -> Result<(), FeeRefusal>;
    /// The Fluent variables a notice's text must use to say what the law requires.
    fn required_notice_variables(&self, kind: StepKind) -> &'static [&'static str];
}

/// Norway: inkassoloven, inkassoforskriften, forsinkelsesrenteloven.
pub struct Norway;

impl LawPack for Norway {
    fn is_business_day(&self, date: NaiveDate) -> bool {
        no::is_business_day(date)
    }
    fn business_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        no::business_day_on_or_after(date)
    }
    fn next_contact_instant(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        no::next_contact_instant(now)
    }
    fn max_reminder_fee(&self, sent_on: NaiveDate) -> Decimal {
        no::max_reminder_fee(sent_on)
    }
    fn max_plan_fee(&self, agreed_on: NaiveDate, instalments: u32) -> Decimal {
        no::max_plan_fee(agreed_on, instalments)
    }
    fn late_interest_rates(&self, extra: &[RatePeriod]) -> RateTable {
        no::late_interest_rates(extra)
    }
    fn check_journey(&self, journey: &Journey) -> Vec<JourneyIssue> {
        no::check_journey(journey)
    }
    fn notice_fee(
        &self,
        kind: StepKind,
        collector: Collector,
        sent_on: NaiveDate,
        principal: Decimal,
    ) -> Option<Decimal> {
        no::notice_fee(kind, collector, sent_on, principal)
    }
    fn fee_allowed(
        &self,
        kind: StepKind,
        sent_on: NaiveDate,
        due_date: NaiveDate,
        charged: &[&SentNotice],
    ) -> Result<(), FeeRefusal> {
        no::fee_allowed(kind, sent_on, due_date, charged)
    }
    fn required_notice_variables(&self, kind: StepKind) -> &'static [&'static str] {
        no::required_notice_variables(kind)
    }
}

/// What `check-config` and `/readyz` say about the late-payment interest tables of every law
/// pack (the built-in table with the configured additions `extra`), each judged on its own
/// calendar day of `now`: one line per pack that has no rate for the current half-year, for
/// every installation (a creditor may switch to innfri accruing at any time).
pub fn late_interest_warnings<'a>(
    extra: impl Fn(Jurisdiction) -> &'a [RatePeriod],
    now: DateTime<Utc>,
) -> Vec<String> {
    Jurisdiction::ALL
        .into_iter()
        .filter_map(|j| {
            let rates = law(j).late_interest_rates(extra(j));
            let today = now.with_timezone(&j.time_zone()).date_naive();
            super::interest::missing_rate_warning(&rates, today).map(|w| {
                format!(
                    "law {}: {w} (add it under [{}] late_interest)",
                    j.code(),
                    j.config_section()
                )
            })
        })
        .collect()
}

/// The configured additions to each law pack's tables that are invalid: `(key, message)`.
pub fn check_configured_law<'a>(
    extra: impl Fn(Jurisdiction) -> &'a [RatePeriod],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for j in Jurisdiction::ALL {
        let built_in_until = match j {
            Jurisdiction::Norway => {
                let (y, m, d) = no::LATE_INTEREST_KNOWN_UNTIL;
                NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
            }
        };
        for (i, field, message) in super::interest::check_configured_rates(extra(j), built_in_until)
        {
            out.push((
                format!("{}.late_interest[{i}].{field}", j.config_section()),
                message,
            ));
        }
    }
    out
}

/// The rule pack of a jurisdiction.
pub fn law(jurisdiction: Jurisdiction) -> &'static dyn LawPack {
    match jurisdiction {
        Jurisdiction::Norway => &Norway,
    }
}
