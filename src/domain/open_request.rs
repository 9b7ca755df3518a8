//! One open request at a time: what waits for the agency on a case, and whether a waiting
//! request still fits the case as it is now when the agency approves it.
//!
//! Both halves, because each alone lets a grant vanish. Refusing a second request while one
//! waits keeps the debtor's own requests from overtaking each other (a deferral granted at once,
//! then a plan approved from the older request, moved the due date back and the deferral was
//! gone). The re-check on approval covers what the debtor does not control: a payment, the
//! agency's own update of the claim, a plan agreed some other way, a dispute, time passing.

use chrono::{DateTime, Utc};

use super::case::{Case, CaseStatus};
use super::ledger::OwedOn;
use super::money::Money;
use super::self_service::PendingRequest;

/// The request that waits for the agency on `case`, if any, with the time it was made. A
/// debtor's new deferral or plan request is refused while there is one.
pub fn waiting(case: &Case) -> Option<(&PendingRequest, DateTime<Utc>)> {
    case.pending.first().map(|review| {
        let at = match &review.request {
            PendingRequest::Deferral { at, .. }
            | PendingRequest::Plan { at, .. }
            | PendingRequest::Dispute { at, .. } => *at,
        };
        (&review.request, at)
    })
}

/// Why a waiting request cannot be granted as the case now is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stale {
    #[error("the case is {0:?} now; only an open case can be granted more time or a plan")]
    NotOpen(CaseStatus),
    #[error("a payment plan was agreed after this request; it would replace that plan")]
    PlanAgreed,
}

/// How a waiting plan is granted on the case as it now is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanRecheck {
    /// Nothing the plan was made from has changed: the plan the debtor saw is granted.
    AsAsked,
    /// The balance changed (a payment, the agency's update) or the first instalment would
    /// already be due: the same number of months is scheduled again from the balance and today,
    /// so the plan adds up to what is owed and no instalment starts out late.
    Reschedule,
}

/// Checks a waiting deferral or plan against the case as it is now (`case` without the
/// request) on `on.day`, with the interest accrued by then when the creditor has innfri accrue
/// it. A dispute is always answerable: upholding it closes the case whatever it holds.
pub fn recheck(
    case: &Case,
    request: &PendingRequest,
    on: &OwedOn,
) -> Result<Option<PlanRecheck>, Stale> {
    let today = on.day;
    if matches!(request, PendingRequest::Dispute { .. }) {
        return Ok(None);
    }
    if case.status != CaseStatus::Open {
        return Err(Stale::NotOpen(case.status));
    }
    // A limited agreement stays on the case until its review is answered.
    if case.plan.as_ref().is_some_and(|p| p.limited.is_none()) {
        return Err(Stale::PlanAgreed);
    }
    let PendingRequest::Plan { plan, .. } = request else {
        return Ok(None);
    };
    let balance: Money = case.balance(on);
    let starts_late = plan.instalments.first().is_none_or(|i| i.due_date < today);
    if plan.principal != balance || starts_late {
        return Ok(Some(PlanRecheck::Reschedule));
    }
    Ok(Some(PlanRecheck::AsAsked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mandate::PlanRules;
    use crate::domain::money::Currency;
    use crate::domain::plan::{PlanShape, schedule};
    use crate::domain::self_service::ReviewReason;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default()
    }

    fn plan_request(balance: i64, made_on: NaiveDate) -> PendingRequest {
        let plan = schedule(
            Money::from_minor(balance, Currency::NOK),
            PlanShape::Months(6),
            &PlanRules::default(),
            made_on,
        )
        .expect("a plan");
        PendingRequest::Plan {
            plan,
            reason: ReviewReason::LongerThanAutoGrant,
            at: Utc::now(),
        }
    }

    /// An open case owing 1 249,50 kr.
    fn open_case() -> Case {
        crate::domain::case::tests::sample_case()
    }

    #[test]
    fn a_plan_made_from_the_balance_as_it_still_is_is_granted_as_asked() {
        let case = open_case();
        let request = plan_request(124_950, today());
        assert_eq!(
            recheck(&case, &request, &OwedOn::without_interest(today())),
            Ok(Some(PlanRecheck::AsAsked))
        );
    }

    #[test]
    fn a_plan_after_a_payment_or_whose_first_instalment_passed_is_scheduled_again() {
        // Asked when 1 749,50 kr was owed; 500 kr has come in since.
        let before_a_payment = plan_request(174_950, today());
        assert_eq!(
            recheck(
                &open_case(),
                &before_a_payment,
                &OwedOn::without_interest(today())
            ),
            Ok(Some(PlanRecheck::Reschedule))
        );
        let request = plan_request(124_950, today());
        let much_later = today() + chrono::Duration::days(90);
        assert_eq!(
            recheck(
                &open_case(),
                &request,
                &OwedOn::without_interest(much_later)
            ),
            Ok(Some(PlanRecheck::Reschedule))
        );
    }

    #[test]
    fn nothing_but_a_dispute_is_granted_on_a_case_that_is_no_longer_open_or_has_a_plan() {
        let request = plan_request(124_950, today());
        let mut disputed = open_case();
        disputed.status = CaseStatus::Disputed;
        assert_eq!(
            recheck(&disputed, &request, &OwedOn::without_interest(today())),
            Err(Stale::NotOpen(CaseStatus::Disputed))
        );
        let mut with_plan = open_case();
        if let PendingRequest::Plan { plan, .. } = &request {
            with_plan.plan = Some(plan.clone());
        }
        assert_eq!(
            recheck(&with_plan, &request, &OwedOn::without_interest(today())),
            Err(Stale::PlanAgreed)
        );
        let deferral = PendingRequest::Deferral {
            new_due_date: today() + chrono::Duration::days(30),
            reason: ReviewReason::LongerThanAutoGrant,
            at: Utc::now(),
        };
        assert_eq!(
            recheck(&with_plan, &deferral, &OwedOn::without_interest(today())),
            Err(Stale::PlanAgreed)
        );
        let dispute = PendingRequest::Dispute {
            dispute: crate::domain::self_service::Dispute {
                text: "Betalt".into(),
                paid_on: None,
                paid_amount: None,
                paid_reference: None,
            },
            at: Utc::now(),
        };
        assert_eq!(
            recheck(&disputed, &dispute, &OwedOn::without_interest(today())),
            Ok(None)
        );
    }

    #[test]
    fn the_first_waiting_request_is_the_open_one() {
        let mut case = open_case();
        assert!(waiting(&case).is_none());
        let first = plan_request(124_950, today());
        case.request_review(first.clone(), Utc::now());
        let (request, _) = waiting(&case).expect("waits");
        assert_eq!(request, &first);
    }
}
