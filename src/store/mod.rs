//! Storage: the operations innfri needs, in the domain's words, with a Redis and an embedded backend.
//!
//! One trait per concern (a file each: cases, links and sessions, the message queue, contact
//! policy, the outbox, payments, webhooks, idempotency, tenants, tallies, journey counts and the debtor-address index); [`Store`] is all of them.
//! Each backend makes each operation atomic in its own way (Lua / MULTI on Redis, one lock in
//! the embedded store); how long either keeps what expires is in [`lifetimes`]. The shared
//! conformance suite in `tests/it/store_conformance.rs` runs against each (memory, file, Redis).

mod cases;
mod contact;
pub mod debtor_cases;
mod embedded;
mod events;
mod idempotency;
mod journey_counts;
pub mod lifetimes;
mod links;
mod messages;
mod outage;
mod payments;
mod pseudonym;
mod redis;
mod staff;
mod tallies;
mod tenants;
mod webhooks;

use std::sync::Arc;

use async_trait::async_trait;

pub use self::cases::{CaseInsert, CaseStore};
pub use self::contact::{ContactStore, email_opt_out_member};
pub use self::debtor_cases::DebtorCaseIndex;
pub use self::embedded::EmbeddedStore;
pub use self::events::EventStore;
pub use self::idempotency::{IdempotencyBegin, IdempotencyStore, SavedResponse};
pub use self::journey_counts::JourneyCountStore;
pub use self::links::{LinkStore, SessionRef};
pub use self::messages::{MessageStore, QueueDepth, SendStart};
pub use self::outage::OutageLog;
pub use self::payments::PaymentStore;
pub use self::pseudonym::{PseudonymKeyError, Pseudonyms};
pub use self::redis::{DEFAULT_QUEUE_SHARDS, RedisOptions, RedisStore, RedisTarget, RedisTimeouts};
pub use self::staff::StaffStore;
pub use self::tallies::{Tally, TallyStore, tally_scope};
pub use self::tenants::{ApiKeyRecord, TenantStore};
pub use self::webhooks::WebhookStore;

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

#[async_trait]
pub trait Health: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
}

/// Everything the program stores; one object per process, shared by web and worker.
pub trait Store:
    CaseStore
    + LinkStore
    + MessageStore
    + ContactStore
    + EventStore
    + PaymentStore
    + WebhookStore
    + IdempotencyStore
    + TenantStore
    + StaffStore
    + TallyStore
    + JourneyCountStore
    + DebtorCaseIndex
    + Health
{
}
impl<
    T: CaseStore
        + LinkStore
        + MessageStore
        + ContactStore
        + EventStore
        + PaymentStore
        + WebhookStore
        + IdempotencyStore
        + TenantStore
        + StaffStore
        + TallyStore
        + JourneyCountStore
        + DebtorCaseIndex
        + Health,
> Store for T
{
}

pub type SharedStore = Arc<dyn Store>;

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}
