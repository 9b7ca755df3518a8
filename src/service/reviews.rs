//! The agency's answer to a debtor request that needs a person: approve it (as asked or with
//! other terms; approving a dispute upholds it) or decline it with a reason the debtor reads.
//! The debtor is told by a receipt.

use chrono::{DateTime, NaiveDate, Utc};

use super::receipts::queue_receipt;
use super::self_service::assign_kids;
use crate::context::AppContext;
use crate::domain::case::{Case, CaseStatus, NOTE_TO_DEBTOR};
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::jurisdiction::no;
use crate::domain::message::Template;
use crate::domain::open_request::{self, PlanRecheck};
use crate::domain::plan::{PlanShape, limited_schedule, schedule};
use crate::domain::self_service::{PendingRequest, ReviewReason};
use crate::domain::text::agency_text;
use crate::store::StoreError;

/// The part of an answer an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewField {
    NewDueDate,
    Months,
    Note,
    Reason,
    /// The request as a whole: it no longer fits the case as it now is.
    Request,
}

impl ReviewField {
    pub fn name(self) -> &'static str {
        match self {
            ReviewField::NewDueDate => "new_due_date",
            ReviewField::Months => "months",
            ReviewField::Note => "note",
            ReviewField::Reason => "reason",
            ReviewField::Request => "request_id",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{}: {message}", .field.name())]
    Invalid { field: ReviewField, message: String },
    /// The case's creditor is no longer configured.
    #[error("no case with this id")]
    CaseNotFound,
    /// No such request waits on the case (e.g. it was answered).
    #[error("no pending request with this id on this case")]
    RequestNotFound,
    #[error("the case changed while this request ran; try again")]
    Conflict,
    #[error("storage is unavailable")]
    Store(#[source] StoreError),
}

impl From<StoreError> for ReviewError {
    fn from(e: StoreError) -> ReviewError {
        match e {
            StoreError::Conflict => ReviewError::Conflict,
            other => ReviewError::Store(other),
        }
    }
}

fn invalid(field: ReviewField, message: impl std::fmt::Display) -> ReviewError {
    ReviewError::Invalid {
        field,
        message: message.to_string(),
    }
}

/// Other terms for an approval; all optional.
#[derive(Debug, Clone, Default)]
pub struct Approval {
    /// For a deferral: grant this date instead of the one asked for.
    pub new_due_date: Option<NaiveDate>,
    /// For a plan: grant this many months instead.
    pub months: Option<u32>,
    /// For a dispute: a note the debtor reads, checked by [`Approval::note`].
    note: Option<String>,
}

impl Approval {
    /// An approval with a note checked as the debtor will read it (empty means none); checked
    /// before anything is looked up, so a bad note is refused whatever the request is.
    pub fn new(
        new_due_date: Option<NaiveDate>,
        months: Option<u32>,
        note: Option<&str>,
    ) -> Result<Approval, ReviewError> {
        let note = note
            .map(|n| agency_text(n, NOTE_TO_DEBTOR))
            .transpose()
            .map_err(|e| invalid(ReviewField::Note, e))?
            .filter(|n| !n.is_empty());
        Ok(Approval {
            new_due_date,
            months,
            note,
        })
    }
}

/// A decline's reason, checked as the debtor will read it.
pub fn decline_reason(raw: &str) -> Result<String, ReviewError> {
    agency_text(raw, NOTE_TO_DEBTOR.required()).map_err(|e| invalid(ReviewField::Reason, e))
}

fn with_ids(case: &Case, mut data: serde_json::Value) -> serde_json::Value {
    if let Some(map) = data.as_object_mut() {
        map.insert("case_id".into(), serde_json::json!(case.id));
        map.insert("external_ref".into(), serde_json::json!(case.external_ref));
        map.insert("by".into(), serde_json::json!("agency"));
    }
    data
}

/// Approves the request `request_id` waiting on `case`; returns the case as written.
pub async fn approve(
    ctx: &AppContext,
    case: Case,
    request_id: &str,
    approval: Approval,
    now: DateTime<Utc>,
) -> Result<Case, ReviewError> {
    approve_by(ctx, case, request_id, approval, &Actor::Agency, now).await
}

/// As [`approve`], with `actor` in the audit trail (a staff user in the console).
pub async fn approve_by(
    ctx: &AppContext,
    mut case: Case,
    request_id: &str,
    approval: Approval,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Case, ReviewError> {
    let creditor = ctx
        .creditor(&case.creditor_id)
        .await?
        .ok_or(ReviewError::CaseNotFound)?;
    let request = case
        .take_review(request_id)
        .ok_or(ReviewError::RequestNotFound)?;
    let audit_before = case.audit.len();
    // The creditor's today, and what is owed then (with the interest innfri accrues, if it does).
    let owed = crate::service::owed::owed_on(&creditor, now);
    let today = owed.day;
    // Re-checked against the case as it is now, not as it was when the debtor asked: a payment,
    // the agency's update or a plan agreed meanwhile would otherwise be silently undone.
    let recheck = open_request::recheck(&case, &request, &owed)
        .map_err(|e| invalid(ReviewField::Request, e))?;
    let (kind, receipt, data) = match request {
        PendingRequest::Deferral { new_due_date, .. } => {
            let date = no::business_day_on_or_after(approval.new_due_date.unwrap_or(new_due_date));
            if date <= case.due_date || date <= today {
                return Err(invalid(
                    ReviewField::NewDueDate,
                    "must be after the current due date and today",
                ));
            }
            case.grant_deferral(actor.clone(), date, now);
            (
                EventKind::DeferralGranted,
                Template::DeferralReceipt,
                serde_json::json!({"new_due_date": date}),
            )
        }
        PendingRequest::Plan { plan, .. } => {
            let months = match (approval.months, recheck) {
                (None, Some(PlanRecheck::AsAsked)) => None,
                (Some(months), _) => Some(months),
                (None, _) => Some(plan.months()),
            };
            let rules = &creditor.mandate.plan;
            let mut plan = match months {
                None => plan,
                // A further limited period keeps its small monthly amount, for at most the
                // mandate's limited months: scheduled as an ordinary plan, the rest would fall
                // due in those few months.
                Some(months) if plan.limited.is_some() => {
                    if months > rules.limited.max_months {
                        return Err(invalid(
                            ReviewField::Months,
                            format!(
                                "a limited agreement lasts at most {} months under the mandate",
                                rules.limited.max_months
                            ),
                        ));
                    }
                    limited_schedule(case.balance(&owed), plan.monthly(), months, rules, today)
                        .map_err(|e| invalid(ReviewField::Months, e))?
                }
                // From what is still owed (payments taken off), starting today.
                Some(months) => {
                    schedule(case.balance(&owed), PlanShape::Months(months), rules, today)
                        .map_err(|e| invalid(ReviewField::Months, e))?
                }
            };
            assign_kids(ctx, &creditor, &case.id, &mut plan).await?;
            let data = serde_json::json!({"plan": plan});
            case.agree_plan(actor.clone(), plan, now);
            (EventKind::PlanGranted, Template::PlanReceipt, data)
        }
        PendingRequest::Dispute { .. } => {
            let note = approval.note.as_deref();
            case.uphold_dispute_by(actor.clone(), note, now);
            (
                EventKind::DisputeUpheld,
                Template::DisputeUpheld,
                serde_json::json!({"note": note}),
            )
        }
    };
    let mut data = with_ids(&case, data);
    super::setting_versions::note_mandate_version(
        &mut case,
        audit_before,
        creditor.mandate_version,
        &mut data,
    );
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        kind,
        data,
        now,
    );
    let saved = ctx.store.update_case_with_events(&case, &[event]).await?;
    queue_receipt(ctx, &saved, receipt, now).await;
    // A deferral moves the journey, a plan pauses it, an upheld dispute ends it.
    Ok(super::journey::followed(ctx, saved, now).await)
}

/// Declines the request `request_id` waiting on `case` with `reason` (from
/// [`decline_reason`]); a declined dispute resumes collection. Returns the case as written.
pub async fn decline(
    ctx: &AppContext,
    case: Case,
    request_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Case, ReviewError> {
    decline_by(ctx, case, request_id, reason, &Actor::Agency, now).await
}

/// As [`decline`], with `actor` in the audit trail (a staff user in the console).
pub async fn decline_by(
    ctx: &AppContext,
    mut case: Case,
    request_id: &str,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Case, ReviewError> {
    let request = case
        .take_review(request_id)
        .ok_or(ReviewError::RequestNotFound)?;
    case.decline_by(actor.clone(), &request, reason, now);
    // Declining the proposal at a limited agreement's review ends the agreement: left on the
    // case, it would keep the journey and late-payment interest paused with nothing to pay.
    let limited_ended = matches!(
        request,
        PendingRequest::Plan {
            reason: ReviewReason::LimitedAgreementEnded,
            ..
        }
    ) && {
        let creditor = ctx
            .creditor(&case.creditor_id)
            .await?
            .ok_or(ReviewError::CaseNotFound)?;
        let today = crate::service::owed::owed_on(&creditor, now).day;
        case.end_limited_agreement(actor.clone(), today, now)
    };
    let data = with_ids(
        &case,
        serde_json::json!({
            "request_id": request_id,
            "reason": reason,
            "limited_agreement_ended": limited_ended,
        }),
    );
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::RequestDeclined,
        data,
        now,
    );
    let saved = ctx.store.update_case_with_events(&case, &[event]).await?;
    if saved.status == CaseStatus::Open {
        let template = if limited_ended {
            Template::LimitedAgreementEnded
        } else {
            Template::RequestDeclined
        };
        queue_receipt(ctx, &saved, template, now).await;
    }
    // A declined dispute resumes the journey where it stood.
    Ok(super::journey::followed(ctx, saved, now).await)
}
