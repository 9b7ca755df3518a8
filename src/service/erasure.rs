//! Erasing a case's personal data (GDPR art. 17), on the agency's request or by the retention
//! schedule: everything the store holds that could name the debtor goes, and what the books
//! need stays (amounts, dates, payments, KID, pseudonymised ids).
//!
//! What goes, step by step (each step is safe to repeat, so erasing again finishes a run that
//! failed part-way):
//! 1. the case record: name, contact data, identity facts, every free text ([`Case::erase`]);
//! 2. its links (revoked) and messages (deleted: they hold the number or address);
//! 3. the routes that tie the debtor's numbers to the case for SMS replies, and the entries
//!    that find the case by the debtor's addresses (`debtor_cases`);
//! 4. the free text in its events, rewritten in place in the outbox ([`Event::redact`]), so
//!    neither the pull API nor a webhook replay serves it again;
//! 5. saved `Idempotency-Key` answers about the case (they may repeat the debtor's data);
//! 6. its documents: every object under the case's prefix in object storage, once before the
//!    record is touched (so a failure leaves the case to be erased again, by retention too)
//!    and once at the end (an upload that raced the erasure); their metadata goes in step 1.
//!
//! An opt-out (STOP) is kept: it is a pseudonym without the number, and forgetting it would
//! let reminders reach the number again.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::CaseId;
use crate::domain::message::Recipient;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    #[error("no such case")]
    NotFound,
    /// The case kept changing under the erasure; nothing is lost by trying again.
    #[error("the case changed while it was erased; try again")]
    Conflict,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ErasureError {
    fn from(e: StoreError) -> ErasureError {
        match e {
            StoreError::Conflict => ErasureError::Conflict,
            other => ErasureError::Store(other),
        }
    }
}

/// What an erasure removed, for the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    pub messages: usize,
    pub events_redacted: usize,
    pub answers_forgotten: usize,
    pub documents: usize,
}

/// Object storage out of reach stops the erasure like the store would: it is tried again.
fn documents_failed(e: super::documents::DocumentError) -> ErasureError {
    match e {
        super::documents::DocumentError::Store(e) => ErasureError::Store(e),
        other => ErasureError::Store(StoreError::Unavailable(format!("object storage: {other}"))),
    }
}

/// Erases the case's personal data (see the module documentation); erasing an erased case
/// again finishes whatever a failed earlier run left. Returns the erased case.
pub async fn erase(
    ctx: &AppContext,
    id: &CaseId,
    now: DateTime<Utc>,
) -> Result<(Case, Erased), ErasureError> {
    erase_by(ctx, id, &Actor::Agency, now).await
}

/// [`erase`] by `actor` (a staff user), named in the case's audit trail.
pub async fn erase_by(
    ctx: &AppContext,
    id: &CaseId,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Case, Erased), ErasureError> {
    let store = &ctx.store;
    // The numbers replies may come from: the debtor's, and any an earlier message went to.
    let mut phones: Vec<String> = Vec::new();
    // Behind a lock only because each try is its own future; tries run one after another.
    let seen = Mutex::new(Vec::new());
    let seen = &seen;

    let mut documents = super::documents::erase_all(ctx, id)
        .await
        .map_err(documents_failed)?;
    let erased = retry::on_conflict::<Case, ErasureError, _, _>(|| async move {
        let mut case = store.case(id).await?.ok_or(ErasureError::NotFound)?;
        if case.is_erased() {
            return Ok(Attempt::Done(case));
        }
        if let Some(phone) = &case.debtor.phone {
            lock(seen).push(phone.e164().to_owned());
        }
        // Before the record loses them, so a run that fails after the write leaves no entry
        // a second run could not find (a case left standing only drops out of the listing).
        for address in super::debtor_cases::addresses(&case.debtor) {
            store
                .unindex_debtor_case(&case.agency_id, &address, &case.id)
                .await?;
        }
        case.erase_by(actor.clone(), now);
        let event = Event::new(
            case.agency_id.clone(),
            Some(case.id.clone()),
            EventKind::CaseErased,
            serde_json::json!({"case_id": case.id, "status": case.status}),
            now,
        );
        Ok(written(
            store.update_case_with_events(&case, &[event]).await,
        )?)
    })
    .await?;
    let case = erased.ok_or(ErasureError::Conflict)?;
    phones.append(&mut lock(seen));

    store.revoke_links(&case.id).await?;
    let mut addresses: Vec<Recipient> = Vec::new();
    for message in store.case_messages(&case.id).await? {
        if let Recipient::Sms(phone) = &message.recipient {
            phones.push(phone.e164().to_owned());
        }
        // An address a message went to may be one a later change replaced.
        if !addresses.contains(&message.recipient) {
            addresses.push(message.recipient);
        }
    }
    // Before the messages go, so a second run still finds these.
    for address in &addresses {
        store
            .unindex_debtor_case(&case.agency_id, address, &case.id)
            .await?;
    }
    let messages = store.delete_case_messages(&case.id).await?;
    // After the delete: a send in flight until the messages went may have tied the number to
    // this case again; once they are gone nothing writes it back.
    phones.sort();
    phones.dedup();
    for phone in &phones {
        store.forget_sms_case(phone, &case.id).await?;
    }
    let events_redacted = store.redact_case_events(&case.agency_id, &case.id).await?;
    let answers_forgotten = store.forget_case_answers(&case.id).await?;
    documents += super::documents::erase_all(ctx, &case.id)
        .await
        .map_err(documents_failed)?;
    let report = Erased {
        messages,
        events_redacted,
        answers_forgotten,
        documents,
    };
    tracing::info!(
        case = %case.id,
        agency = %case.agency_id,
        messages = report.messages,
        events = report.events_redacted,
        answers = report.answers_forgotten,
        documents = report.documents,
        "personal data erased"
    );
    Ok((case, report))
}

/// A poisoned lock still holds the numbers seen: a panic elsewhere must not lose them.
fn lock(seen: &Mutex<Vec<String>>) -> MutexGuard<'_, Vec<String>> {
    seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
