//! Storage: the operations innfri needs, in the domain's words, with a Redis and an embedded backend.
//!
//! Each backend makes each operation atomic in its own way (Lua / MULTI on Redis, one lock in the
//! embedded store). The shared conformance suite in `tests/store_conformance.rs` runs against both.

mod embedded;
mod outage;
mod pseudonym;
mod redis;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::case::Case;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, Event};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::mandate::Mandate;
use crate::domain::message::{ContactCap, Message, ProviderRef};
use crate::links::TokenDigest;

pub use self::embedded::EmbeddedStore;
pub use self::outage::OutageLog;
pub use self::pseudonym::{PseudonymKeyError, Pseudonyms};
pub use self::redis::RedisStore;
pub use self::redis::RedisTimeouts;

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
    /// A caller's event cursor is not one the store hands out (`EventCursor::parse`).
    #[error("the event cursor {0}")]
    InvalidCursor(crate::domain::event::BadCursor),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What a worker reads when it wins the start of a send, in the same step as the win, so the
/// decision to send rests on the case and opt-out as they were at that moment.
#[derive(Debug, Clone)]
pub struct SendStart {
    /// The message's case; `None` when it has been erased.
    pub case: Option<Case>,
    /// The recipient opted out of its channel: an SMS to a number that answered STOP, or an
    /// e-mail to an address that used the one-click unsubscribe.
    pub opted_out: bool,
}

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
    /// The agency's cases in the order they were created, `count` from position `start`.
    async fn agency_cases(
        &self,
        agency: &AgencyId,
        start: usize,
        count: usize,
    ) -> StoreResult<Vec<Case>>;

    // Retention: every write of a case keeps an index, per creditor, of the cases waiting for
    // automatic erasure by when collection ended (`Case::retention_clock`), so finding those
    // due costs in proportion to how many are due, not to how many cases exist.

    /// Up to `max` of the creditor's cases whose collection ended before `before`, oldest first.
    async fn cases_settled_before(
        &self,
        creditor: &CreditorId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<CaseId>>;
    /// The creditors with cases in the retention index (also ones no longer configured).
    async fn retention_creditors(&self) -> StoreResult<Vec<CreditorId>>;
    /// Takes a case out of the retention index (its record is gone, so nothing is left to erase).
    async fn unindex_settled(&self, creditor: &CreditorId, case: &CaseId) -> StoreResult<()>;
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
    /// Ends a session at once (its case was closed or erased).
    async fn end_session(&self, digest: &TokenDigest) -> StoreResult<()>;
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
    /// Starts an attempt on a claimed message: writes it (status `sending`, `starts` one up) and
    /// renews its lease to `lease_until`, but only if the stored `starts` is still
    /// `expected_starts` and the message is not final. `None` means another worker took the
    /// message over (its lease ran out while this one held it), so this one must not send.
    /// A won start returns, read in the same step, what the send depends on (see [`SendStart`]).
    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<SendStart>>;
    /// Writes a leased message's new state: queued again at `not_before` when still scheduled,
    /// kept leased while sending, otherwise released for good. A message that is no longer
    /// stored (its case was erased while a worker held it) is not written back.
    async fn save_leased_message(&self, message: &Message) -> StoreResult<()>;
    /// Cancels a message that waits in the queue (not one a worker holds): `Some` with the
    /// cancelled message, `None` when it is being sent or already final.
    async fn cancel_queued_message(&self, id: &MessageId) -> StoreResult<Option<Message>>;
    /// Erasure: removes every message of the case (they hold the debtor's number or address)
    /// and returns how many there were.
    async fn delete_case_messages(&self, case: &CaseId) -> StoreResult<usize>;
    /// Forgets that SMS replies from this number belong to this case.
    ///
    /// Phone numbers and addresses given to this trait are kept only as keyed pseudonyms
    /// (see [`Pseudonyms`]): never in a key name, a set or a value.
    async fn forget_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()>;
    /// Remembers which message a provider's id (Twilio's `SM…` sid) belongs to, for receipts;
    /// within the provider's namespace, so another provider's id never finds it.
    async fn index_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
        message: &MessageId,
    ) -> StoreResult<()>;
    async fn message_by_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
    ) -> StoreResult<Option<Message>>;
    /// Remembers the case an SMS to this number (E.164) was last about, so a reply finds it.
    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()>;
    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>>;
    /// A message the provider accepted: saved as sent and released, with the provider id
    /// indexed for receipts and, for an SMS, its number remembered for replies (`sms_to`).
    /// All in one step, and nothing at all for a message that is no longer stored (its case was
    /// erased during the send): no number or provider id of an erased case is written back.
    async fn record_sent(
        &self,
        message: &Message,
        provider_id: ProviderRef<'_>,
        sms_to: Option<&str>,
    ) -> StoreResult<()>;
    /// The debtor answered STOP: no more SMS to this number, from any agency.
    async fn opt_out(&self, phone: &str) -> StoreResult<()>;
    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool>;
    /// The debtor answered START: SMS to this number again.
    async fn opt_in(&self, phone: &str) -> StoreResult<()>;
    /// The address used an e-mail's one-click unsubscribe: no more e-mail to it, from any
    /// agency. Addresses compare case-insensitively (see [`email_opt_out_member`]) and are
    /// kept as pseudonyms like numbers.
    async fn opt_out_email(&self, address: &str) -> StoreResult<()>;
    async fn is_email_opted_out(&self, address: &str) -> StoreResult<bool>;
    /// Takes a place for a reminder to one debtor address (normalised: E.164 or lower case;
    /// kept as its pseudonym, never the address itself) from one agency under the frequency
    /// cap, atomically (several workers): `None` when taken (recorded under the message id;
    /// taking it again for the same message is a no-op), otherwise the earliest time one frees.
    async fn claim_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
        now: DateTime<Utc>,
        cap: &ContactCap,
    ) -> StoreResult<Option<DateTime<Utc>>>;
    /// Gives a place back when the reminder was not sent after all.
    async fn release_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
    ) -> StoreResult<()>;
}

/// The outbox: events are appended in the same atomic step as the change they report.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// `update_case` and appending `events` (all of the case's agency) as one atomic step.
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case>;
    /// Appends events that report no case change (a delivery receipt, say).
    async fn append_events(&self, events: &[Event]) -> StoreResult<()>;
    /// The agency's events after `cursor` (None: from the first), oldest first, each with its
    /// own opaque cursor to continue from. A cursor `EventCursor::parse` refuses is
    /// `StoreError::InvalidCursor`.
    async fn events_after(
        &self,
        agency: &AgencyId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Event)>>;
    /// Erasure: rewrites every stored event of the case as [`Event::redact`] leaves it, in
    /// place (same id, same cursor), so the pull API and a webhook replay serve the redacted
    /// payload. Returns how many changed.
    async fn redact_case_events(&self, agency: &AgencyId, case: &CaseId) -> StoreResult<usize>;
    /// Retention: removes up to `max` of the agency's events that happened before `before`,
    /// oldest first; returns how many went (fewer than `max`: none older are left).
    async fn trim_events(
        &self,
        agency: &AgencyId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<usize>;
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

/// A response kept for an `Idempotency-Key`, replayed when the same request comes again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    /// Other headers the handler set (`Location` of a created case, `Allow`, …).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

/// What an `Idempotency-Key` is found to be when a request starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// First use: the request runs (and its response is saved at the end).
    Started,
    /// Done before with the same request: answer with this.
    Replay(SavedResponse),
    /// The key was used for a different request.
    Mismatch,
    /// The same request is still running.
    InFlight,
}

/// Idempotency keys per agency (`scope`), with the fingerprint of the request that used them.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims the key for a request with `fingerprint` (atomically: of two racing requests one
    /// starts, the other sees it in flight). A started claim lapses after a minute if the
    /// request never finishes, so a crash does not block the key for good.
    /// `claim` is the caller's random token: only the request holding it may finish or
    /// abandon the key, so a request that outlived its claim cannot overwrite a retry's.
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        claim: &str,
    ) -> StoreResult<IdempotencyBegin>;
    /// Saves the final response for 24 hours, if `claim` still holds the key. A response about
    /// a `case` is remembered with it, so erasing the case forgets it; one about a case erased
    /// while the request ran is not saved at all (the key is let go).
    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
        case: Option<&CaseId>,
    ) -> StoreResult<()>;
    /// Lets the key go (the request failed in a way worth retrying), if `claim` holds it.
    async fn idempotency_abandon(&self, scope: &str, key: &str, claim: &str) -> StoreResult<()>;
    /// Erasure: forgets every saved response about the case (they may hold its personal data),
    /// and from now on saves none about it. Their keys are free again: a retry runs anew and
    /// meets the erased case. Returns how many were forgotten.
    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize>;
}

/// An API key as stored: never the key, only what it grants and whether it still does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiKeyRecord {
    pub agency: AgencyId,
    /// A short name for the key (from its hash): what `innfri agency keys` lists and revokes by.
    pub key_id: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Seeded from `api_key_sha256` in the configuration (not made with `innfri agency key`):
    /// such a key stops working once the configuration no longer lists it.
    #[serde(default)]
    pub from_config: bool,
}

/// Agencies, their API keys (by SHA-256) and creditors' mandates as replaced through the API.
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Creates or replaces an agency.
    async fn save_agency(&self, agency: &Agency) -> StoreResult<()>;
    async fn agency(&self, id: &AgencyId) -> StoreResult<Option<Agency>>;
    async fn agencies(&self) -> StoreResult<Vec<Agency>>;
    /// Adds a key; an existing record under the same hash is kept as it is (a revoked key
    /// stays revoked when the configuration seeds it again). Returns whether it was added.
    async fn add_api_key(&self, hash: &[u8; 32], record: &ApiKeyRecord) -> StoreResult<bool>;
    async fn api_key(&self, hash: &[u8; 32]) -> StoreResult<Option<ApiKeyRecord>>;
    async fn agency_api_keys(&self, agency: &AgencyId) -> StoreResult<Vec<ApiKeyRecord>>;
    /// Marks the agency's key `key_id` revoked; false when it has no such key.
    async fn revoke_api_key(
        &self,
        agency: &AgencyId,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The mandate that replaced the configured one, if any.
    async fn mandate(&self, creditor: &CreditorId) -> StoreResult<Option<Mandate>>;
    async fn save_mandate(&self, creditor: &CreditorId, mandate: &Mandate) -> StoreResult<()>;
}

#[async_trait]
pub trait Health: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
}

/// Everything the program stores; one object per process, shared by web and worker.
pub trait Store:
    CaseStore
    + LinkStore
    + MessageStore
    + EventStore
    + PaymentStore
    + WebhookStore
    + IdempotencyStore
    + TenantStore
    + Health
{
}
impl<
    T: CaseStore
        + LinkStore
        + MessageStore
        + EventStore
        + PaymentStore
        + WebhookStore
        + IdempotencyStore
        + TenantStore
        + Health,
> Store for T
{
}

pub type SharedStore = Arc<dyn Store>;

/// How an e-mail address is normalised before its pseudonym is taken for the opt-out set:
/// lower-cased, since mailboxes that differ only in case are one person's in practice.
pub fn email_opt_out_member(address: &str) -> String {
    address.to_lowercase()
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}
