//! The A/B statistics of a creditor's journey for one agency: the counts are kept as the cases
//! change (a step sent, a message delivered, the link opened, a payment applied), so the
//! report reads one record of counts, however many cases the agency has. The rules of what
//! each change adds are in `domain::journey_stats`.

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::ids::{AgencyId, CaseId, CreditorId};
use crate::domain::journey_engine::local_day;
use crate::domain::journey_stats::{
    CountAdd, Paid, VariantStats, on_delivered, on_link_opened, opens_unseen, variant_stats,
};
use crate::domain::message::Message;
use crate::store::StoreError;

/// Per step and variant, for `creditor`'s cases of `agency`.
pub async fn stats(
    ctx: &AppContext,
    agency: &AgencyId,
    creditor: &CreditorId,
) -> Result<Vec<VariantStats>, StoreError> {
    Ok(variant_stats(
        ctx.store.journey_counts(agency, creditor).await?,
    ))
}

/// Adds what a change to `case` counts. Counted after the change is written; a store failure
/// here is logged and never undoes or fails the change.
pub async fn count(ctx: &AppContext, case: &Case, adds: &[CountAdd]) {
    if adds.is_empty() {
        return;
    }
    if let Err(e) = ctx
        .store
        .add_journey_counts(&case.agency_id, &case.creditor_id, adds)
        .await
    {
        tracing::warn!(case = %case.id, error = %e, "journey statistics not counted");
    }
}

/// The case's payments as the counts see them.
pub fn paid(case: &Case) -> Vec<Paid> {
    case.payments
        .iter()
        .map(|p| Paid {
            on: p.received_on,
            amount_minor: p.amount.minor_units(),
        })
        .collect()
}

/// A journey message was reported delivered: its step's notice is marked (once) and counted.
pub async fn delivered(ctx: &AppContext, message: &Message) {
    let Some(step) = &message.journey else {
        return;
    };
    let marked = mark(
        ctx,
        &message.case_id,
        None,
        Reached::Delivered(&step.step_id),
    )
    .await;
    if let Err(e) = marked {
        tracing::warn!(message_id = %message.id, error = %e, "a delivery was not counted for the journey statistics");
    }
}

/// The debtor opened `case`'s link at `now`: each notice sent by then and not yet opened is
/// marked and counted. Writes the case only when there is such a notice, so a second look
/// costs nothing; the first look after a notice costs one case write.
pub async fn link_opened(ctx: &AppContext, case: &Case, now: DateTime<Utc>) {
    // Sent on the creditor's local day, never after it: a notice of tomorrow (UTC) is
    // not yet out, so this cheap test keeps the common case from reading the creditor.
    let tomorrow = now.date_naive().succ_opt().unwrap_or(now.date_naive());
    if !opens_unseen(&case.journey.sent, tomorrow) {
        return;
    }
    let marked = mark(ctx, &case.id, Some(case.clone()), Reached::Opened(now)).await;
    if let Err(e) = marked {
        tracing::warn!(case = %case.id, error = %e, "a link opening was not counted for the journey statistics");
    }
}

/// What reached the debtor.
#[derive(Clone, Copy)]
enum Reached<'a> {
    /// A message of this step was delivered.
    Delivered(&'a str),
    /// The link was opened at this time.
    Opened(DateTime<Utc>),
}

/// Marks what `reached` on the case's notices, writes the case when something was marked,
/// and then counts what was. `read` is the case as the caller already has it, used for the
/// first try (a conflict reads it again).
async fn mark(
    ctx: &AppContext,
    id: &CaseId,
    read: Option<Case>,
    reached: Reached<'_>,
) -> Result<(), StoreError> {
    let first = std::sync::Mutex::new(read);
    let first = &first;
    let done = retry::on_conflict::<(), StoreError, _, _>(|| async move {
        let taken = first.lock().ok().and_then(|mut c| c.take());
        let Some(mut case) = (match taken {
            Some(case) => Some(case),
            None => ctx.store.case(id).await?,
        }) else {
            return Ok(Attempt::Done(()));
        };
        let adds = match reached {
            Reached::Delivered(step_id) => on_delivered(&mut case.journey.sent, step_id),
            Reached::Opened(at) => {
                let Some(creditor) = ctx.creditor(&case.creditor_id).await? else {
                    return Ok(Attempt::Done(()));
                };
                on_link_opened(&mut case.journey.sent, local_day(creditor.jurisdiction, at))
            }
        };
        if adds.is_empty() {
            return Ok(Attempt::Done(()));
        }
        Ok(match written(ctx.store.update_case(&case).await)? {
            Attempt::Done(saved) => {
                count(ctx, &saved, &adds).await;
                Attempt::Done(())
            }
            Attempt::Conflicted => Attempt::Conflicted,
        })
    })
    .await?;
    done.ok_or(StoreError::Conflict)
}
