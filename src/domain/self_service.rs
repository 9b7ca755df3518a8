//! The debtor's requests (more time, a payment plan, a dispute) and the one pure function that
//! decides them under the creditor's mandate and the law: granted, needs review, or refused
//! with the nearest offer the mandate does allow.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::jurisdiction::no;
use super::mandate::Mandate;
use super::money::Money;
use super::plan::{InstalmentPlan, PlanShape, limited_schedule, schedule};

/// What the debtor asks for on the case page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebtorRequest {
    Deferral { new_due_date: NaiveDate },
    Plan(PlanShape),
}

/// Why a request went to a person; each has a text the debtor reads (Fluent id `review-…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    /// Longer than the creditor grants without a person.
    LongerThanAutoGrant,
    /// The balance is outside the range the creditor's rules cover.
    BalanceOutsideRange,
    /// A limited agreement's period is over: the agency takes a new look (`plan.review_due`).
    LimitedAgreementEnded,
}

/// Why a request cannot be granted at all; the debtor reads a plain explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    NotOffered,
    NoMoreDeferrals,
    DateNotLater,
    TooLong,
    InstalmentTooSmall,
    TooFewInstalments,
    NothingOwed,
}

/// The nearest thing the mandate does allow, offered for one tap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    Deferral { latest: NaiveDate },
    Plan(InstalmentPlan),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Terms {
    Deferral { new_due_date: NaiveDate },
    Plan(InstalmentPlan),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Granted(Terms),
    NeedsReview {
        terms: Terms,
        reason: ReviewReason,
    },
    Refused {
        reason: RefusalReason,
        offer: Option<Offer>,
    },
}

/// What the rules need to know about the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub balance: Money,
    pub due_date: NaiveDate,
    pub deferrals_granted: u32,
}

/// The due date the debtor is shown and more time counts from: the agency's date, or the next
/// business day when the agency sent a weekend, a public holiday or a day banks are closed
/// (24 and 31 December).
///
/// Shown as the next business day rather than refused: the agency's letters already carry the
/// date, a payment due on a day banks are closed is on time on the next day they open, and
/// refusing the case would leave the debtor with no page at all for a date that was never wrong
/// for them, only unpayable on the day itself.
pub fn effective_due_date(agency_date: NaiveDate) -> NaiveDate {
    no::business_day_on_or_after(agency_date)
}

/// Decides a debtor's request. Pure: the same facts, mandate and day always give the same answer.
pub fn evaluate(
    facts: &CaseFacts,
    mandate: &Mandate,
    request: &DebtorRequest,
    today: NaiveDate,
) -> Decision {
    match request {
        DebtorRequest::Deferral { new_due_date } => {
            evaluate_deferral(facts, mandate, *new_due_date, today)
        }
        DebtorRequest::Plan(shape) => evaluate_plan(facts, mandate, *shape, today),
    }
}

/// Whether any more time can be offered at all (cheaper than listing the dates).
pub fn can_defer(facts: &CaseFacts, mandate: &Mandate, today: NaiveDate) -> bool {
    let rules = &mandate.deferral;
    rules.allowed
        && facts.deferrals_granted < rules.max_per_case
        && (1..=i64::from(rules.max_days))
            .map(|d| facts.due_date + Duration::days(d))
            .any(|day| day > facts.due_date.max(today) && no::is_business_day(day))
}

/// The dates a debtor may pick for more time: business days after the current due date (and
/// after today), up to the mandate's longest extension. `true` marks dates granted at once.
pub fn deferral_options(
    facts: &CaseFacts,
    mandate: &Mandate,
    today: NaiveDate,
) -> Vec<(NaiveDate, bool)> {
    let rules = &mandate.deferral;
    if !rules.allowed || facts.deferrals_granted >= rules.max_per_case {
        return Vec::new();
    }
    let start = facts.due_date.max(today);
    (1..=i64::from(rules.max_days))
        .map(|d| facts.due_date + Duration::days(d))
        .filter(|day| *day > start && no::is_business_day(*day))
        .map(|day| {
            (
                day,
                (day - facts.due_date).num_days() <= i64::from(rules.auto_grant_days),
            )
        })
        .collect()
}

fn evaluate_deferral(
    facts: &CaseFacts,
    mandate: &Mandate,
    asked: NaiveDate,
    today: NaiveDate,
) -> Decision {
    let rules = &mandate.deferral;
    let refuse = |reason, offer| Decision::Refused { reason, offer };
    if !rules.allowed {
        return refuse(RefusalReason::NotOffered, None);
    }
    if facts.deferrals_granted >= rules.max_per_case {
        return refuse(RefusalReason::NoMoreDeferrals, None);
    }
    let options = deferral_options(facts, mandate, today);
    let latest = options.last().map(|(d, _)| Offer::Deferral { latest: *d });
    // Due dates never fall on a closed day: a weekend or holiday pick moves to the next business day.
    let new_due_date = no::business_day_on_or_after(asked);
    if new_due_date <= facts.due_date || new_due_date <= today {
        return refuse(RefusalReason::DateNotLater, latest);
    }
    let extension = (new_due_date - facts.due_date).num_days();
    if extension > i64::from(rules.max_days) {
        return refuse(RefusalReason::TooLong, latest);
    }
    let terms = Terms::Deferral { new_due_date };
    let balance = facts.balance.amount();
    if rules.min_balance.is_some_and(|min| balance < min)
        || rules.max_balance.is_some_and(|max| balance > max)
    {
        return Decision::NeedsReview {
            terms,
            reason: ReviewReason::BalanceOutsideRange,
        };
    }
    if extension > i64::from(rules.auto_grant_days) {
        return Decision::NeedsReview {
            terms,
            reason: ReviewReason::LongerThanAutoGrant,
        };
    }
    Decision::Granted(terms)
}

/// Whether every instalment but the last reaches the mandate's minimum.
fn meets_minimum(plan: &InstalmentPlan, mandate: &Mandate) -> bool {
    let n = plan.instalments.len();
    plan.instalments[..n.saturating_sub(1)]
        .iter()
        .all(|i| i.principal.amount() + i.interest.amount() >= mandate.plan.min_instalment)
}

/// The longest plan the mandate grants at once (or at all, if nothing is granted at once).
pub fn best_plan(facts: &CaseFacts, mandate: &Mandate, today: NaiveDate) -> Option<InstalmentPlan> {
    let rules = &mandate.plan;
    if !rules.allowed {
        return None;
    }
    let longest = if rules.auto_grant_months >= 2 {
        rules.auto_grant_months
    } else {
        rules.max_months
    };
    (2..=longest)
        .rev()
        .filter_map(|n| schedule(facts.balance, PlanShape::Months(n), rules, today).ok())
        .find(|plan| meets_minimum(plan, mandate))
}

/// The range of months the plan form offers: 2 up to the longest plan that meets the minimum.
pub fn plan_month_range(
    facts: &CaseFacts,
    mandate: &Mandate,
    today: NaiveDate,
) -> Option<(u32, u32)> {
    let rules = &mandate.plan;
    if !rules.allowed {
        return None;
    }
    (2..=rules.max_months)
        .rev()
        .find(|n| {
            schedule(facts.balance, PlanShape::Months(*n), rules, today)
                .is_ok_and(|plan| meets_minimum(&plan, mandate))
        })
        .map(|longest| (2, longest))
}

fn evaluate_plan(
    facts: &CaseFacts,
    mandate: &Mandate,
    shape: PlanShape,
    today: NaiveDate,
) -> Decision {
    let rules = &mandate.plan;
    if !rules.allowed {
        return Decision::Refused {
            reason: RefusalReason::NotOffered,
            offer: None,
        };
    }
    let offer = || best_plan(facts, mandate, today).map(Offer::Plan);
    let plan = match schedule(facts.balance, shape, rules, today) {
        Ok(plan) => plan,
        Err(super::plan::PlanError::NothingOwed) => {
            return Decision::Refused {
                reason: RefusalReason::NothingOwed,
                offer: None,
            };
        }
        Err(_) => {
            return Decision::Refused {
                reason: RefusalReason::TooFewInstalments,
                offer: offer(),
            };
        }
    };
    // Below the usual minimum: a limited agreement when the mandate allows one.
    if !meets_minimum(&plan, mandate)
        && let Some(limited) = limited_plan(facts, mandate, &plan, today)
    {
        return limited;
    }
    if plan.months() > rules.max_months {
        return Decision::Refused {
            reason: RefusalReason::TooLong,
            offer: offer(),
        };
    }
    if !meets_minimum(&plan, mandate) {
        return Decision::Refused {
            reason: RefusalReason::InstalmentTooSmall,
            offer: offer(),
        };
    }
    if plan.months() > rules.auto_grant_months {
        return Decision::NeedsReview {
            terms: Terms::Plan(plan),
            reason: ReviewReason::LongerThanAutoGrant,
        };
    }
    Decision::Granted(Terms::Plan(plan))
}

/// The limited agreement for a debtor whose `asked` plan falls below the usual minimum: its
/// usual instalment for the mandate's period, granted when it reaches the limited minimum;
/// refused with a limited agreement at that minimum when it does not. `None` when the mandate
/// allows no limited agreements.
fn limited_plan(
    facts: &CaseFacts,
    mandate: &Mandate,
    asked: &InstalmentPlan,
    today: NaiveDate,
) -> Option<Decision> {
    let rules = &mandate.plan;
    let limited = &rules.limited;
    if !rules.allowed || !limited.allowed {
        return None;
    }
    let currency = facts.balance.currency();
    let minimum = Money::round_to_minor(limited.min_instalment, currency);
    let monthly = asked.monthly();
    let at = |amount: Money| {
        limited_schedule(facts.balance, amount, limited.max_months, rules, today).ok()
    };
    if monthly.minor_units() >= minimum.minor_units() {
        return at(monthly).map(|plan| Decision::Granted(Terms::Plan(plan)));
    }
    Some(Decision::Refused {
        reason: RefusalReason::InstalmentTooSmall,
        offer: at(minimum).map(Offer::Plan),
    })
}

/// A dispute ("I disagree" or "I have already paid"): collection pauses while it is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dispute {
    pub text: String,
    pub paid_on: Option<NaiveDate>,
    pub paid_amount: Option<Money>,
    pub paid_reference: Option<String>,
}

/// How long before its due date a claim can at the earliest have been invoiced: a year (annual
/// billing is the longest period in use), so a payment dated earlier cannot be for this claim.
pub const INVOICED_AT_MOST_DAYS_BEFORE_DUE: i64 = 366;

/// Why an "already paid" answer cannot be right; each names the field it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaidClaimError {
    /// `paid_on` is after today.
    PaidOnInFuture,
    /// `paid_on` is before the claim could exist (before `earliest`).
    PaidOnBeforeClaim { earliest: NaiveDate },
    /// `paid_amount` is more than the claim's total.
    PaidAmountAboveTotal { total: Money },
}

impl PaidClaimError {
    /// The form field the error is about.
    pub fn field(self) -> &'static str {
        match self {
            PaidClaimError::PaidOnInFuture | PaidClaimError::PaidOnBeforeClaim { .. } => "paid_on",
            PaidClaimError::PaidAmountAboveTotal { .. } => "paid_amount",
        }
    }
}

/// Checks the "already paid" part of a dispute against the case: paid no later than `today`,
/// no earlier than a claim due on `due_date` can have been invoiced, and no more than the
/// claim's `total`. (The text and reference are free; the agency reads them.)
pub fn check_paid_claim(
    dispute: &Dispute,
    today: NaiveDate,
    due_date: NaiveDate,
    total: Money,
) -> Result<(), PaidClaimError> {
    if let Some(paid_on) = dispute.paid_on {
        if paid_on > today {
            return Err(PaidClaimError::PaidOnInFuture);
        }
        let earliest = due_date - Duration::days(INVOICED_AT_MOST_DAYS_BEFORE_DUE);
        if paid_on < earliest {
            return Err(PaidClaimError::PaidOnBeforeClaim { earliest });
        }
    }
    if let Some(amount) = dispute.paid_amount
        && amount.currency() == total.currency()
        && amount.minor_units() > total.minor_units()
    {
        return Err(PaidClaimError::PaidAmountAboveTotal { total });
    }
    Ok(())
}

/// A request waiting for the agency, with the id the agency answers it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Review {
    pub id: String,
    #[serde(flatten)]
    pub request: PendingRequest,
}

/// A request that waits for the agency, kept on the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PendingRequest {
    Deferral {
        new_due_date: NaiveDate,
        reason: ReviewReason,
        at: DateTime<Utc>,
    },
    Plan {
        plan: InstalmentPlan,
        reason: ReviewReason,
        at: DateTime<Utc>,
    },
    Dispute {
        dispute: Dispute,
        at: DateTime<Utc>,
    },
}

/// What the debtor asked for, in the numbers a refusal shows beside the mandate's own
/// ("13 months; the creditor allows 12").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// More time: the date as it would be granted (moved off a closed day) and how many days
    /// after the due date that is.
    Deferral { date: NaiveDate, days: i64 },
    /// A plan: how many instalments it makes and the usual instalment.
    Plan { months: u32, monthly: Money },
}

/// The numbers of `request` on the case: `None` for a plan that cannot be scheduled at all.
pub fn asked(
    facts: &CaseFacts,
    mandate: &Mandate,
    request: &DebtorRequest,
    today: NaiveDate,
) -> Option<Asked> {
    match request {
        DebtorRequest::Deferral { new_due_date } => {
            let date = no::business_day_on_or_after(*new_due_date);
            Some(Asked::Deferral {
                date,
                days: (date - facts.due_date).num_days(),
            })
        }
        DebtorRequest::Plan(shape) => schedule(facts.balance, *shape, &mandate.plan, today)
            .ok()
            .map(|plan| Asked::Plan {
                months: plan.months(),
                monthly: plan.monthly(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_already_paid_answer_must_fit_the_case() {
        let nok = |minor| Money::from_minor(minor, Currency::NOK);
        let paid = |on: Option<NaiveDate>, amount: Option<Money>| Dispute {
            text: "Betalt".into(),
            paid_on: on,
            paid_amount: amount,
            paid_reference: None,
        };
        let (today, due, total) = (d(2026, 12, 2), d(2026, 12, 14), nok(125_200));
        let check = |dispute: &Dispute| check_paid_claim(dispute, today, due, total);
        assert_eq!(check(&paid(Some(today), Some(total))), Ok(()));
        assert_eq!(check(&paid(None, None)), Ok(()));
        assert_eq!(
            check(&paid(Some(d(2030, 1, 1)), None)),
            Err(PaidClaimError::PaidOnInFuture)
        );
        assert_eq!(
            check(&paid(Some(d(2026, 12, 3)), None)),
            Err(PaidClaimError::PaidOnInFuture)
        );
        assert_eq!(
            check(&paid(Some(d(2025, 12, 12)), None)),
            Err(PaidClaimError::PaidOnBeforeClaim {
                earliest: d(2025, 12, 13)
            })
        );
        assert_eq!(check(&paid(Some(d(2025, 12, 13)), None)), Ok(()));
        assert_eq!(
            check(&paid(None, Some(nok(125_201)))),
            Err(PaidClaimError::PaidAmountAboveTotal { total })
        );
        assert_eq!(
            PaidClaimError::PaidAmountAboveTotal { total }.field(),
            "paid_amount"
        );
    }
    use crate::domain::mandate::tests::generous;
    use crate::domain::money::Currency;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// Monday 23 Nov 2026; the case is due Tuesday 1 Dec.
    fn today() -> NaiveDate {
        d(2026, 11, 23)
    }

    fn facts(balance: i64) -> CaseFacts {
        CaseFacts {
            balance: Money::from_minor(balance, Currency::NOK),
            due_date: d(2026, 12, 1),
            deferrals_granted: 0,
        }
    }

    fn defer(to: NaiveDate) -> DebtorRequest {
        DebtorRequest::Deferral { new_due_date: to }
    }

    #[test]
    fn deferral_exactly_at_the_auto_grant_limit_is_granted() {
        // 1 Dec + 14 days = Tuesday 15 Dec
        let decision = evaluate(
            &facts(500_000),
            &generous(),
            &defer(d(2026, 12, 15)),
            today(),
        );
        assert_eq!(
            decision,
            Decision::Granted(Terms::Deferral {
                new_due_date: d(2026, 12, 15)
            })
        );
    }

    #[test]
    fn deferral_one_day_over_the_auto_grant_limit_goes_to_review() {
        let decision = evaluate(
            &facts(500_000),
            &generous(),
            &defer(d(2026, 12, 16)),
            today(),
        );
        assert_eq!(
            decision,
            Decision::NeedsReview {
                terms: Terms::Deferral {
                    new_due_date: d(2026, 12, 16)
                },
                reason: ReviewReason::LongerThanAutoGrant
            }
        );
    }

    #[test]
    fn deferral_beyond_the_longest_extension_is_refused_with_the_latest_allowed_date() {
        // max 30 days: 30 Dec is allowed, 4 Jan is not; 31 Dec is a bank-closed day, so the
        // latest business day within is 30 Dec and a pick of 31 Dec moves past the limit.
        let decision = evaluate(
            &facts(500_000),
            &generous(),
            &defer(d(2026, 12, 30)),
            today(),
        );
        assert!(matches!(decision, Decision::NeedsReview { .. }));
        let too_long = Decision::Refused {
            reason: RefusalReason::TooLong,
            offer: Some(Offer::Deferral {
                latest: d(2026, 12, 30),
            }),
        };
        let decision = evaluate(&facts(500_000), &generous(), &defer(d(2027, 1, 4)), today());
        assert_eq!(decision, too_long);
        let decision = evaluate(
            &facts(500_000),
            &generous(),
            &defer(d(2026, 12, 31)),
            today(),
        );
        assert_eq!(decision, too_long);
    }

    #[test]
    fn a_deferral_to_a_weekend_moves_to_the_next_business_day() {
        // Saturday 12 Dec → Monday 14 Dec
        let decision = evaluate(
            &facts(500_000),
            &generous(),
            &defer(d(2026, 12, 12)),
            today(),
        );
        assert_eq!(
            decision,
            Decision::Granted(Terms::Deferral {
                new_due_date: d(2026, 12, 14)
            })
        );
    }

    #[test]
    fn no_deferral_when_the_mandate_allows_none_or_they_are_used_up() {
        let mut mandate = generous();
        let mut f = facts(500_000);
        f.deferrals_granted = 2;
        assert!(matches!(
            evaluate(&f, &mandate, &defer(d(2026, 12, 8)), today()),
            Decision::Refused {
                reason: RefusalReason::NoMoreDeferrals,
                ..
            }
        ));
        mandate.deferral.allowed = false;
        assert!(matches!(
            evaluate(&facts(1), &mandate, &defer(d(2026, 12, 8)), today()),
            Decision::Refused {
                reason: RefusalReason::NotOffered,
                offer: None
            }
        ));
        assert!(deferral_options(&f, &generous(), today()).is_empty());
    }

    #[test]
    fn a_date_before_the_current_due_date_is_refused() {
        let decision = evaluate(
            &facts(500_000),
            &generous(),
            &defer(d(2026, 11, 30)),
            today(),
        );
        assert!(matches!(
            decision,
            Decision::Refused {
                reason: RefusalReason::DateNotLater,
                offer: Some(_)
            }
        ));
    }

    #[test]
    fn a_balance_outside_the_range_goes_to_review() {
        let mut mandate = generous();
        mandate.deferral.max_balance = Some(dec!(1000));
        let decision = evaluate(&facts(100_001), &mandate, &defer(d(2026, 12, 8)), today());
        assert!(matches!(
            decision,
            Decision::NeedsReview {
                reason: ReviewReason::BalanceOutsideRange,
                ..
            }
        ));
        let decision = evaluate(&facts(100_000), &mandate, &defer(d(2026, 12, 8)), today());
        assert!(matches!(decision, Decision::Granted(_)));
    }

    #[test]
    fn deferral_options_are_business_days_marked_by_whether_they_are_granted_at_once() {
        let options = deferral_options(&facts(500_000), &generous(), today());
        assert!(can_defer(&facts(500_000), &generous(), today()));
        let mut used_up = facts(500_000);
        used_up.deferrals_granted = 2;
        assert!(!can_defer(&used_up, &generous(), today()));
        assert!(options.iter().all(|(day, _)| no::is_business_day(*day)));
        assert_eq!(options.first(), Some(&(d(2026, 12, 2), true)));
        assert_eq!(options.last(), Some(&(d(2026, 12, 30), false)));
        assert!(!options.iter().any(|(day, _)| *day == d(2026, 12, 24)));
        assert!(
            options.contains(&(d(2026, 12, 15), true))
                && options.contains(&(d(2026, 12, 16), false))
        );
    }

    fn months(n: u32) -> DebtorRequest {
        DebtorRequest::Plan(PlanShape::Months(n))
    }

    #[test]
    fn a_plan_exactly_at_the_auto_grant_limit_is_granted_and_one_more_month_goes_to_review() {
        let six = evaluate(&facts(600_000), &generous(), &months(6), today());
        assert!(matches!(&six, Decision::Granted(Terms::Plan(p)) if p.months() == 6));
        let seven = evaluate(&facts(600_000), &generous(), &months(7), today());
        assert!(matches!(
            seven,
            Decision::NeedsReview {
                reason: ReviewReason::LongerThanAutoGrant,
                ..
            }
        ));
    }

    #[test]
    fn a_plan_longer_than_the_mandate_is_refused_with_the_longest_plan_granted_at_once() {
        let twelve = evaluate(&facts(600_000), &generous(), &months(12), today());
        assert!(
            matches!(twelve, Decision::NeedsReview { .. }),
            "exactly at max_months still goes to a person"
        );
        let decision = evaluate(&facts(600_000), &generous(), &months(13), today());
        let Decision::Refused {
            reason: RefusalReason::TooLong,
            offer: Some(Offer::Plan(offer)),
        } = decision
        else {
            panic!("expected a refusal with an offer, got {decision:?}");
        };
        assert_eq!(offer.months(), 6);
        assert_eq!(offer.monthly(), Money::from_minor(100_000, Currency::NOK));
    }

    #[test]
    fn instalments_below_the_minimum_are_refused_with_a_plan_that_meets_it() {
        // 1 500 kr over 6 months is 250 kr a month, below the 300 kr minimum; 5 months is 300 kr.
        let decision = evaluate(&facts(150_000), &generous(), &months(6), today());
        let Decision::Refused {
            reason: RefusalReason::InstalmentTooSmall,
            offer: Some(Offer::Plan(offer)),
        } = decision
        else {
            panic!("expected a refusal with an offer, got {decision:?}");
        };
        assert_eq!(offer.months(), 5);
        assert!(matches!(
            evaluate(&facts(150_000), &generous(), &months(5), today()),
            Decision::Granted(_)
        ));
    }

    fn with_limited() -> Mandate {
        let mut m = generous();
        m.plan.limited = crate::domain::mandate::LimitedPlanRules {
            allowed: true,
            min_instalment: dec!(100),
            max_months: 6,
        };
        m
    }

    #[test]
    fn below_the_usual_minimum_a_limited_agreement_is_granted_for_the_period() {
        let monthly = |minor| {
            DebtorRequest::Plan(PlanShape::Monthly(Money::from_minor(minor, Currency::NOK)))
        };
        // 50 000 kr at 200 kr a month: below the 300 kr minimum, and 250 months.
        let decision = evaluate(
            &facts(5_000_000),
            &with_limited(),
            &monthly(20_000),
            today(),
        );
        let Decision::Granted(Terms::Plan(plan)) = decision else {
            panic!("expected a limited agreement, got {decision:?}");
        };
        assert_eq!(plan.months(), 6);
        assert_eq!(plan.monthly(), Money::from_minor(20_000, Currency::NOK));
        assert_eq!(
            plan.limited.map(|l| l.left_after),
            Some(Money::from_minor(4_880_000, Currency::NOK))
        );
        // Without it in the mandate the same request is refused, as before.
        assert!(matches!(
            evaluate(&facts(5_000_000), &generous(), &monthly(20_000), today()),
            Decision::Refused { .. }
        ));
        // Below the limited minimum too: refused, with a limited agreement at that minimum.
        let decision = evaluate(&facts(5_000_000), &with_limited(), &monthly(5_000), today());
        let Decision::Refused {
            reason: RefusalReason::InstalmentTooSmall,
            offer: Some(Offer::Plan(offer)),
        } = decision
        else {
            panic!("expected a refusal with an offer, got {decision:?}");
        };
        assert_eq!(offer.monthly(), Money::from_minor(10_000, Currency::NOK));
        assert!(offer.limited.is_some());
        // A plan that reaches the usual minimum is an ordinary one.
        let decision = evaluate(&facts(600_000), &with_limited(), &months(3), today());
        assert!(matches!(&decision, Decision::Granted(Terms::Plan(p)) if p.limited.is_none()));
    }

    #[test]
    fn the_month_range_offered_stops_where_the_minimum_would_be_broken() {
        assert_eq!(
            plan_month_range(&facts(150_000), &generous(), today()),
            Some((2, 5))
        );
        assert_eq!(
            plan_month_range(&facts(10_000_000), &generous(), today()),
            Some((2, 12))
        );
        assert_eq!(plan_month_range(&facts(50_000), &generous(), today()), None);
    }

    #[test]
    fn no_plan_when_the_mandate_allows_none() {
        let mut mandate = generous();
        mandate.plan.allowed = false;
        assert_eq!(
            evaluate(&facts(600_000), &mandate, &months(3), today()),
            Decision::Refused {
                reason: RefusalReason::NotOffered,
                offer: None
            }
        );
    }

    #[test]
    fn a_refusal_knows_the_months_and_days_asked_for() {
        let m = generous();
        let by_amount =
            DebtorRequest::Plan(PlanShape::Monthly(Money::from_minor(25_000, Currency::NOK)));
        match asked(&facts(204_950), &m, &by_amount, today()) {
            Some(Asked::Plan { months, monthly }) => {
                assert_eq!(months, 9, "2 049,50 at 250 a month");
                assert_eq!(monthly.minor_units(), 25_000);
            }
            other => panic!("{other:?}"),
        }
        let thirteen = DebtorRequest::Plan(PlanShape::Months(13));
        assert!(matches!(
            asked(&facts(604_950), &m, &thirteen, today()),
            Some(Asked::Plan { months: 13, .. })
        ));
        // Saturday 2 January 2027 is granted as Monday 4 January: 34 days after 1 December.
        assert_eq!(
            asked(&facts(100_000), &m, &defer(d(2027, 1, 2)), today()),
            Some(Asked::Deferral {
                date: d(2027, 1, 4),
                days: 34
            })
        );
    }
}
