//! Closing a case on the agency's word: the case is closed with its reason, and everything
//! that could still reach the debtor stops (links revoked, queued messages cancelled).

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::{CLOSE_REASON, Case};
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::message::MessageStatus;
use crate::domain::text::{TextError, agency_text};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    /// About the reason given.
    #[error("{0}")]
    Reason(TextError),
    /// No such case for this agency.
    #[error("no case with this id")]
    NotFound,
    #[error("the case changed while this request ran; try again")]
    Conflict,
    #[error("storage is unavailable")]
    Store(#[source] StoreError),
}

impl From<StoreError> for CloseError {
    fn from(e: StoreError) -> CloseError {
        match e {
            StoreError::Conflict => CloseError::Conflict,
            other => CloseError::Store(other),
        }
    }
}

/// The reason for closing, checked as it is kept.
pub fn reason(raw: &str) -> Result<String, CloseError> {
    agency_text(raw, CLOSE_REASON).map_err(CloseError::Reason)
}

/// Closes `agency`'s case `id` for `reason` (from [`reason`]). Closing a closed case again
/// finishes what a failed earlier call left undone. Returns the case as stored.
pub async fn close(
    ctx: &AppContext,
    agency: &AgencyId,
    id: &CaseId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Case, CloseError> {
    close_by(ctx, agency, id, reason, &Actor::Agency, now).await
}

/// As [`close`], with `actor` in the audit trail (a staff user in the console).
pub async fn close_by(
    ctx: &AppContext,
    agency: &AgencyId,
    id: &CaseId,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Case, CloseError> {
    let closed = retry::on_conflict::<Case, CloseError, _, _>(|| async move {
        let mut case = ctx
            .store
            .case(id)
            .await?
            .filter(|c| c.agency_id == *agency)
            .ok_or(CloseError::NotFound)?;
        if !case.close_by(actor.clone(), reason, now) {
            return Ok(Attempt::Done(case));
        }
        let event = Event::new(
            case.agency_id.clone(),
            Some(case.id.clone()),
            EventKind::CaseClosed,
            serde_json::json!({"case_id": case.id, "status": case.status}),
            case.updated_at,
        );
        Ok(written(
            ctx.store.update_case_with_events(&case, &[event]).await,
        )?)
    })
    .await?
    .ok_or(CloseError::Conflict)?;
    // Also when it was closed already: a retry after a failure part-way finishes the job.
    stop_contact(ctx, &closed).await?;
    let closed = crate::service::journey::followed(ctx, closed, now).await;
    tracing::info!(case = %closed.id, %agency, "case closed");
    Ok(closed)
}

/// Stops everything that could still reach the debtor: links and queued messages.
async fn stop_contact(ctx: &AppContext, case: &Case) -> Result<(), StoreError> {
    ctx.store.revoke_links(&case.id).await?;
    for message in ctx.store.case_messages(&case.id).await? {
        if message.status == MessageStatus::Scheduled {
            ctx.store.cancel_queued_message(&message.id).await?;
        }
    }
    Ok(())
}
