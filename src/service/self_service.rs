//! The debtor's self-service requests behind a link: more time, an instalment plan, a dispute.
//! Each is decided by `domain::self_service::evaluate` under the creditor's mandate and written
//! with its audit line and event in one step; a granted request is confirmed by a receipt.

use chrono::{DateTime, Utc};

use super::receipts::queue_receipt;
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::creditor::Creditor;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::CaseId;
use crate::domain::kid::Kid;
use crate::domain::message::Template;
use crate::domain::open_request;
use crate::domain::plan::InstalmentPlan;
use crate::domain::self_service::{
    DebtorRequest, Decision, Dispute, PendingRequest, Terms, evaluate,
};
use crate::store::StoreError;

/// Gives each instalment of an agreed plan its own KID from the creditor's sequence.
pub async fn assign_kids(
    ctx: &AppContext,
    creditor: &Creditor,
    case: &CaseId,
    plan: &mut InstalmentPlan,
) -> Result<(), StoreError> {
    for instalment in &mut plan.instalments {
        let mut kid = None;
        while kid.is_none() {
            let sequence = ctx.store.next_kid_sequence(&creditor.id).await?;
            kid = Kid::for_sequence(sequence, creditor.kid_length, creditor.kid_algorithm);
            if kid.is_none() && sequence >= 10_u64.saturating_pow(creditor.kid_length as u32) {
                return Err(StoreError::Corrupt(
                    "the creditor's KID range is used up".into(),
                ));
            }
        }
        if let Some(kid) = &kid {
            // Bank files name the instalment's KID: it must lead back to this case.
            ctx.store
                .index_kid(&creditor.id, kid.as_str(), case)
                .await?;
        }
        instalment.kid = kid;
    }
    Ok(())
}

/// Why a debtor's request was not decided.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// Another request waits for the agency (made at the time given): one open request at a
    /// time (`domain::open_request`), nothing written.
    #[error("another request waits for the agency")]
    Waiting(PendingRequest, DateTime<Utc>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What became of a debtor's request.
#[derive(Debug)]
pub struct Decided {
    pub decision: Decision,
    /// The case as written; `None` when the request was refused (nothing is written then).
    pub saved: Option<Case>,
}

/// Decides `request` on `case` (as the debtor's page read it) under `creditor`'s mandate,
/// records the outcome with its event and queues a receipt for a grant. While another request
/// waits for the agency it is [`DecideError::Waiting`]. A concurrent change to the case is
/// `StoreError::Conflict` (the write is compare-and-set on the version the page read, so a
/// request made meanwhile in another tab is never overtaken either): nothing was written, the
/// debtor sees the page anew.
pub async fn decide(
    ctx: &AppContext,
    case: &Case,
    creditor: &Creditor,
    request: DebtorRequest,
    now: DateTime<Utc>,
) -> Result<Decided, DecideError> {
    if let Some((waiting, at)) = open_request::waiting(case) {
        return Err(DecideError::Waiting(waiting.clone(), at));
    }
    // What is owed on the creditor's today, late-payment interest included when innfri accrues
    // it: a plan made now takes that as its principal.
    let owed = super::owed::owed_on(creditor, now);
    let today = owed.day;
    let decision = evaluate(&case.facts(&owed), &creditor.mandate, &request, today);
    let mut case: Case = case.clone();
    let audit_before = case.audit.len();
    let (kind, receipt, data) = match &decision {
        Decision::Refused { .. } => {
            return Ok(Decided {
                decision,
                saved: None,
            });
        }
        Decision::Granted(Terms::Deferral { new_due_date }) => {
            case.grant_deferral(Actor::Debtor, *new_due_date, now);
            (
                EventKind::DeferralGranted,
                Some(Template::DeferralReceipt),
                serde_json::json!({"new_due_date": new_due_date}),
            )
        }
        Decision::Granted(Terms::Plan(plan)) => {
            let mut plan = plan.clone();
            assign_kids(ctx, creditor, &case.id, &mut plan).await?;
            let data = serde_json::json!({"plan": plan});
            case.agree_plan(Actor::Debtor, plan, now);
            (EventKind::PlanGranted, Some(Template::PlanReceipt), data)
        }
        Decision::NeedsReview { terms, reason } => {
            let (pending, kind, data) = match terms {
                Terms::Deferral { new_due_date } => (
                    PendingRequest::Deferral {
                        new_due_date: *new_due_date,
                        reason: *reason,
                        at: now,
                    },
                    EventKind::DeferralRequested,
                    serde_json::json!({"new_due_date": new_due_date, "reason": reason}),
                ),
                Terms::Plan(plan) => (
                    PendingRequest::Plan {
                        plan: plan.clone(),
                        reason: *reason,
                        at: now,
                    },
                    EventKind::PlanRequested,
                    serde_json::json!({"plan": plan, "reason": reason}),
                ),
            };
            case.request_review(pending, now);
            (kind, None, data)
        }
    };
    let mut data = data;
    if let Some(map) = data.as_object_mut() {
        map.insert("case_id".into(), serde_json::json!(case.id));
        map.insert("external_ref".into(), serde_json::json!(case.external_ref));
    }
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
    tracing::info!(case = %saved.id, outcome = kind.name(), "debtor request decided");
    // A deferral moves the journey to the new due date; a plan pauses it.
    let saved = super::journey::followed(ctx, saved, now).await;
    if let Some(template) = receipt {
        queue_receipt(ctx, &saved, template, now).await;
    }
    Ok(Decided {
        decision,
        saved: Some(saved),
    })
}

/// Opens the debtor's dispute on `case` (as the page read it): collection pauses until the
/// agency answers. A concurrent change is `StoreError::Conflict`, nothing written.
pub async fn open_dispute(
    ctx: &AppContext,
    case: &Case,
    dispute: Dispute,
    now: DateTime<Utc>,
) -> Result<Case, StoreError> {
    open_dispute_with_document(ctx, case, dispute, None, now).await
}

/// As [`open_dispute`], with the receipt the debtor sent (already on the case): the event
/// names it (`document_id`, to fetch through the API), never carries its bytes.
pub async fn open_dispute_with_document(
    ctx: &AppContext,
    case: &Case,
    dispute: Dispute,
    document: Option<&crate::domain::document::DocumentMeta>,
    now: DateTime<Utc>,
) -> Result<Case, StoreError> {
    let mut case = case.clone();
    case.open_dispute(dispute.clone(), now);
    let mut data = serde_json::json!({"case_id": case.id, "external_ref": case.external_ref, "paid_on": dispute.paid_on, "paid_amount": dispute.paid_amount});
    if let Some(document) = document {
        data["document_id"] = serde_json::json!(document.id);
    }
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::DisputeOpened,
        data,
        now,
    );
    let saved = ctx.store.update_case_with_events(&case, &[event]).await?;
    tracing::info!(case = %saved.id, "dispute opened; collection paused");
    let saved = super::journey::followed(ctx, saved, now).await;
    Ok(saved)
}
