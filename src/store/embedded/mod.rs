//! The embedded backend: everything in one process under one lock, with the same semantics as Redis.
//!
//! This file holds the state and the store; each concern's trait is implemented in its own
//! file beside it. What Redis expires by a time to live expires here after the same time
//! ([`crate::store::lifetimes`]), seen on the store's clock.

mod cases;
mod contact;
mod events;
mod idempotency;
mod links;
mod messages;
mod payments;
mod tenants;
mod webhooks;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ApiKeyRecord, Health, Pseudonyms, SavedResponse, StoreError, StoreResult};
use crate::clock::{SharedClock, SystemClock};
use crate::domain::case::Case;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, Event};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::mandate::Mandate;
use crate::domain::message::{Message, MessageStatus};
use crate::links::TokenDigest;

#[derive(Default)]
struct Inner {
    cases: HashMap<CaseId, Case>,
    case_refs: HashMap<(AgencyId, ExternalRef), CaseId>,
    kid_sequences: HashMap<CreditorId, u64>,
    links: HashMap<TokenDigest, ShortLink>,
    case_links: HashMap<CaseId, Vec<TokenDigest>>,
    /// Each session until its idle time (or its end) runs out.
    sessions: HashMap<TokenDigest, Expiring<DebtorSession>>,
    messages: HashMap<MessageId, Message>,
    case_messages: HashMap<CaseId, Vec<MessageId>>,
    /// (due time in ms, id): the queue of scheduled messages, with each id's entry for updates.
    due: BTreeSet<(i64, MessageId)>,
    due_at: HashMap<MessageId, i64>,
    /// id → lease end in ms.
    leased: HashMap<MessageId, i64>,
    events: HashMap<AgencyId, Outbox>,
    kids: HashMap<(CreditorId, String), CaseId>,
    applied_payments: HashSet<String>,
    deliveries: HashMap<AgencyId, DeliveryState>,
    /// A provider's id → its message, until the index lapses (`lifetimes::PROVIDER_ID`).
    provider_ids: HashMap<String, Expiring<MessageId>>,
    /// Phone pseudonym → the case its last SMS was about (`lifetimes::REPLY_ROUTE`).
    sms_cases: HashMap<String, Expiring<CaseId>>,
    /// Pseudonyms of the numbers that answered STOP.
    opted_out: HashSet<String>,
    /// Addresses that used an e-mail's one-click unsubscribe (lower-cased).
    opted_out_emails: HashSet<String>,
    /// (scope, key) → (fingerprint, saved response once finished, when the claim lapses).
    idempotency: HashMap<(String, String), IdempotencyEntry>,
    /// Each agency's cases in the order they were created.
    agency_cases: HashMap<AgencyId, Vec<CaseId>>,
    /// Reminders sent per (agency, pseudonym of the debtor address), for the frequency cap.
    contact_slots: HashMap<(AgencyId, String), Vec<SentReminder>>,
    /// Idempotency keys whose saved response is about a case, per case.
    case_answers: HashMap<CaseId, Vec<(String, String)>>,
    /// Erased cases: no response about them is saved any more.
    answers_closed: HashSet<CaseId>,
    /// Per creditor, (ms when collection ended, case) for the cases awaiting erasure …
    settled: HashMap<CreditorId, BTreeSet<(i64, CaseId)>>,
    /// … and each indexed case's entry there.
    settled_entry: HashMap<CaseId, (CreditorId, i64)>,
    agencies: HashMap<AgencyId, Agency>,
    api_keys: HashMap<[u8; 32], ApiKeyRecord>,
    mandates: HashMap<CreditorId, Mandate>,
}

/// An agency's events in order; `first` is the position of the oldest still kept, so cursors
/// (positions) stay valid when old events are trimmed.
#[derive(Default)]
struct Outbox {
    first: usize,
    events: VecDeque<Event>,
}

/// In-process store for the demo and a laptop. Data lives as long as the process.
pub struct EmbeddedStore {
    inner: Mutex<Inner>,
    /// A key of this process's own: the pseudonyms live no longer than the data.
    pseudonyms: Pseudonyms,
    /// What expires, expires by this clock (as Redis expires keys by its own).
    clock: SharedClock,
}

impl Default for EmbeddedStore {
    fn default() -> EmbeddedStore {
        EmbeddedStore::new()
    }
}

/// A recipient's pseudonym in its channel's opt-out set.
enum OptOutMember {
    Sms(String),
    Email(String),
}

impl EmbeddedStore {
    pub fn new() -> EmbeddedStore {
        EmbeddedStore {
            inner: Mutex::new(Inner::default()),
            pseudonyms: Pseudonyms::random(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same store with its time read from `clock` (the system clock unless set), so a
    /// test can move time past a lifetime instead of waiting for it.
    pub fn with_clock(mut self, clock: SharedClock) -> EmbeddedStore {
        self.clock = clock;
        self
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn lock(&self) -> StoreResult<std::sync::MutexGuard<'_, Inner>> {
        // A poisoned lock means a panic mid-change; refuse rather than serve half-written state.
        self.inner
            .lock()
            .map_err(|_| StoreError::Unavailable("embedded store lock poisoned".into()))
    }
}

/// An idempotency key's request fingerprint, its response once done, and its expiry.
struct IdempotencyEntry {
    fingerprint: String,
    claim: String,
    saved: Option<SavedResponse>,
    until: DateTime<Utc>,
}

/// A reminder counted by the frequency cap: which message, and when it went.
type SentReminder = (MessageId, DateTime<Utc>);

/// A value kept until a moment, as a Redis key with a time to live.
#[derive(Debug, Clone)]
struct Expiring<T> {
    value: T,
    until: DateTime<Utc>,
}

impl<T> Expiring<T> {
    fn new(value: T, now: DateTime<Utc>, lifetime: std::time::Duration) -> Expiring<T> {
        Expiring {
            value,
            until: super::lifetimes::deadline(now, lifetime),
        }
    }

    /// The value, unless it has expired by `now`.
    fn live(&self, now: DateTime<Utc>) -> Option<&T> {
        (self.until > now).then_some(&self.value)
    }
}

impl Inner {
    /// Queues (or re-queues) a message at `at_ms`, like ZADD on a sorted set.
    fn enqueue(&mut self, id: &MessageId, at_ms: i64) {
        self.dequeue(id);
        self.due.insert((at_ms, id.clone()));
        self.due_at.insert(id.clone(), at_ms);
    }

    fn update_case(&mut self, case: &Case) -> StoreResult<Case> {
        let stored = self.cases.get_mut(&case.id).ok_or(StoreError::Conflict)?;
        if stored.version != case.version {
            return Err(StoreError::Conflict);
        }
        let mut next = case.clone();
        next.version += 1;
        *stored = next.clone();
        self.index_settled(&next);
        Ok(next)
    }

    /// Keeps the retention index in step with the case just written.
    fn index_settled(&mut self, case: &Case) {
        if let Some((creditor, at)) = self.settled_entry.remove(&case.id)
            && let Some(set) = self.settled.get_mut(&creditor)
        {
            set.remove(&(at, case.id.clone()));
        }
        if let Some(since) = case.retention_clock() {
            let at = since.timestamp_millis();
            self.settled
                .entry(case.creditor_id.clone())
                .or_default()
                .insert((at, case.id.clone()));
            self.settled_entry
                .insert(case.id.clone(), (case.creditor_id.clone(), at));
        }
    }

    fn append(&mut self, events: &[Event]) {
        for event in events {
            self.events
                .entry(event.agency_id.clone())
                .or_default()
                .events
                .push_back(event.clone());
        }
    }

    fn dequeue(&mut self, id: &MessageId) {
        if let Some(at) = self.due_at.remove(id) {
            self.due.remove(&(at, id.clone()));
        }
    }

    /// A leased message's new state, unless it was erased meanwhile: then nothing of it is
    /// written back. Returns whether it was written.
    fn save_leased(&mut self, message: &Message) -> bool {
        if !self.messages.contains_key(&message.id) {
            return false;
        }
        match message.status {
            MessageStatus::Sending => {}
            MessageStatus::Scheduled => {
                self.leased.remove(&message.id);
                self.enqueue(&message.id, message.not_before.timestamp_millis());
            }
            _ => {
                self.leased.remove(&message.id);
                self.dequeue(&message.id);
            }
        }
        self.messages.insert(message.id.clone(), message.clone());
        true
    }
}

#[async_trait]
impl Health for EmbeddedStore {
    async fn ping(&self) -> StoreResult<()> {
        self.lock().map(|_| ())
    }
}
