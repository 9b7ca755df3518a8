//! Storage: the operations innfri needs, in the domain's words, with a Redis and an embedded backend.
//!
//! Each backend makes each operation atomic in its own way (Lua / MULTI on Redis, one lock in the
//! embedded store). The shared conformance suite in `tests/store_conformance.rs` runs against both.

mod embedded;
mod redis;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::case::Case;
use crate::domain::event::{DeliveryState, Event};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::message::Message;
use crate::links::TokenDigest;

pub use self::embedded::EmbeddedStore;
pub use self::redis::RedisStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend cannot be reached; callers back off instead of spinning.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Someone else changed the record since it was read.
    #[error("the record was changed concurrently")]
    Conflict,
    #[error("stored record is unreadable: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What became of an attempt to create a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseInsert {
    Created,
    /// The agency already has a case with this external reference.
    Exists(CaseId),
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores `case` unless its agency already has one with the same external reference.
    async fn insert_case(&self, case: &Case) -> StoreResult<CaseInsert>;
    /// Writes `case` if the stored version still equals `case.version`; returns the case with the new version.
    async fn update_case(&self, case: &Case) -> StoreResult<Case>;
    async fn case(&self, id: &CaseId) -> StoreResult<Option<Case>>;
    async fn case_by_ref(
        &self,
        agency: &AgencyId,
        external_ref: &ExternalRef,
    ) -> StoreResult<Option<Case>>;
    /// Next running number for the creditor's KIDs (never repeats).
    async fn next_kid_sequence(&self, creditor: &CreditorId) -> StoreResult<u64>;
}

#[async_trait]
pub trait LinkStore: Send + Sync {
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()>;
    async fn link(&self, digest: &TokenDigest) -> StoreResult<Option<ShortLink>>;
    /// Marks every link of the case revoked; returns how many.
    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize>;
    async fn save_session(
        &self,
        digest: &TokenDigest,
        session: &DebtorSession,
        idle: std::time::Duration,
    ) -> StoreResult<()>;
    /// The session, if it exists and has not been idle too long (each read extends the idle timer).
    async fn session(
        &self,
        digest: &TokenDigest,
        idle: std::time::Duration,
    ) -> StoreResult<Option<DebtorSession>>;
    /// The session (as [`LinkStore::session`]) with its case, in one step: every debtor page
    /// needs both, so the Redis backend reads them in one round trip.
    async fn session_with_case(
        &self,
        digest: &TokenDigest,
        idle: std::time::Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>>;
}

#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a new message and queues it for its `not_before` time.
    async fn schedule_message(&self, message: &Message) -> StoreResult<()>;
    async fn message(&self, id: &MessageId) -> StoreResult<Option<Message>>;
    async fn case_messages(&self, case: &CaseId) -> StoreResult<Vec<Message>>;
    /// Leases up to `max` messages due at `now` until `lease_until`; leases that ran out are claimable again.
    async fn claim_due_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<Message>>;
    /// Writes a leased message's new state: queued again at `not_before` when still scheduled,
    /// kept leased while sending, otherwise released for good.
    async fn save_leased_message(&self, message: &Message) -> StoreResult<()>;
    /// Remembers which message a provider's id (Twilio's `SM…` sid) belongs to, for receipts.
    async fn index_provider_id(&self, provider_id: &str, message: &MessageId) -> StoreResult<()>;
    async fn message_by_provider_id(&self, provider_id: &str) -> StoreResult<Option<Message>>;
    /// Remembers the case an SMS to this number (E.164) was last about, so a reply finds it.
    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()>;
    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>>;
    /// The debtor answered STOP: no more SMS to this number, from any agency.
    async fn opt_out(&self, phone: &str) -> StoreResult<()>;
    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool>;
}

/// The outbox: events are appended in the same atomic step as the change they report.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// `update_case` and appending `events` (all of the case's agency) as one atomic step.
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case>;
    /// Appends events that report no case change (a delivery receipt, say).
    async fn append_events(&self, events: &[Event]) -> StoreResult<()>;
    /// The agency's events after `cursor` (None: from the first), oldest first, each with its
    /// own opaque cursor to continue from.
    async fn events_after(
        &self,
        agency: &AgencyId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Event)>>;
}

/// Payments: each provider or bank reference is applied at most once, atomically with the
/// balance change and its events.
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Writes `case` (already carrying the payment; compare-and-set on its version) with
    /// `events`, unless `reference` was applied before. `Ok(false)`: a duplicate, nothing written.
    async fn apply_payment(
        &self,
        case: &Case,
        reference: &str,
        events: &[Event],
    ) -> StoreResult<bool>;
    /// Remembers that `kid` (an instalment's, say) pays into `case`.
    async fn index_kid(&self, creditor: &CreditorId, kid: &str, case: &CaseId) -> StoreResult<()>;
    /// The case a creditor's KID belongs to.
    async fn case_by_kid(&self, creditor: &CreditorId, kid: &str) -> StoreResult<Option<CaseId>>;
}

/// Where each agency's webhook delivery stands.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn delivery_state(&self, agency: &AgencyId) -> StoreResult<DeliveryState>;
    async fn save_delivery_state(
        &self,
        agency: &AgencyId,
        state: &DeliveryState,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait Health: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
}

/// Everything the program stores; one object per process, shared by web and worker.
pub trait Store:
    CaseStore + LinkStore + MessageStore + EventStore + PaymentStore + WebhookStore + Health
{
}
impl<T: CaseStore + LinkStore + MessageStore + EventStore + PaymentStore + WebhookStore + Health>
    Store for T
{
}

pub type SharedStore = Arc<dyn Store>;

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}
