//! The message queue: scheduled reminders and receipts, their leases, the fenced start of a
//! send, and the provider ids that receipts find them by.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::case::Case;
use crate::domain::ids::{CaseId, MessageId};
use crate::domain::message::{Message, ProviderRef};

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

/// How full the message queue is at a moment, for the worker's gauges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueDepth {
    /// Queued and due (may go now).
    pub due: u64,
    /// Queued for later.
    pub scheduled: u64,
    /// Held by a worker (a lease that ran out counts until the next claim takes it back).
    pub leased: u64,
    /// When the longest-waiting due message became due.
    pub oldest_due: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait MessageStore: Send + Sync {
    /// How many messages are due at `now`, queued for later and leased, and since when the
    /// oldest due one has waited.
    async fn queue_depth(&self, now: DateTime<Utc>) -> StoreResult<QueueDepth>;
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
    /// Starts an attempt on a claimed message: writes it (status `sending`, `starts` one up) and,
    /// with `renew_lease`, renews its lease to that time (without, the claim's lease stands),
    /// but only if the stored `starts` is still
    /// `expected_starts` and the message is not final. `None` means another worker took the
    /// message over (its lease ran out while this one held it), so this one must not send.
    /// A won start returns, read in the same step, what the send depends on (see [`SendStart`]).
    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        renew_lease: Option<DateTime<Utc>>,
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
    /// Remembers which message a provider's id (Twilio's `SM…` sid) belongs to, for receipts;
    /// within the provider's namespace, so another provider's id never finds it. Kept for
    /// [`PROVIDER_ID`](super::lifetimes::PROVIDER_ID).
    async fn index_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
        message: &MessageId,
    ) -> StoreResult<()>;
    async fn message_by_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
    ) -> StoreResult<Option<Message>>;
    /// A message the provider accepted: saved as sent and released, with the provider id
    /// indexed for receipts when given (`None` for a provider whose reports name our message
    /// id themselves) and, for an SMS, its number remembered for replies (`sms_to`).
    /// All in one step, and nothing at all for a message that is no longer stored (its case was
    /// erased during the send): no number or provider id of an erased case is written back.
    async fn record_sent(
        &self,
        message: &Message,
        provider_id: Option<ProviderRef<'_>>,
        sms_to: Option<&str>,
    ) -> StoreResult<()>;
}
