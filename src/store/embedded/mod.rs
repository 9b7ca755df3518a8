//! The embedded backend: everything in one process under one lock, with the same semantics as Redis.
//!
//! This file holds the state and the store; each concern's trait is implemented in its own
//! file beside it. What Redis expires by a time to live expires here after the same time
//! ([`crate::store::lifetimes`]), seen on the store's clock.
//!
//! Opened on a file ([`EmbeddedStore::open`]) the store is durable: the state stays the working
//! set in memory, its collections ([`tables`]) remember what each call changed, and
//! [`EmbeddedStore::write`] commits exactly that to the file ([`file`]) under the same lock
//! before the call returns. Reads never touch the file.

mod cases;
mod contact;
mod debtor_cases;
mod events;
mod file;
mod idempotency;
mod journey_counts;
mod links;
mod messages;
mod payments;
mod staff;
mod tables;
mod tallies;
mod tenants;
mod webhooks;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ApiKeyRecord, Health, Pseudonyms, SavedResponse, StoreError, StoreResult};
use crate::clock::{SharedClock, SystemClock};
use crate::domain::case::Case;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, Event};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::journey::Journey;
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::mandate::Mandate;
use crate::domain::message::{Message, MessageStatus};
use crate::domain::setting_history::Version;
use crate::domain::staff::{AccessEntry, Invitation, LoginFailures, StaffSession, StaffUser};
use crate::domain::webhook_endpoint::WebhookSetting;
use crate::links::TokenDigest;

use self::file::StoreFile;
use self::tables::{Durable, Lists, Outboxes, Set, Table};

#[derive(Default)]
struct Inner {
    cases: Table<CaseId, Case>,
    case_refs: Table<(AgencyId, ExternalRef), CaseId>,
    kid_sequences: Table<CreditorId, u64>,
    links: Table<TokenDigest, ShortLink>,
    case_links: Table<CaseId, Vec<Digest>>,
    /// Each session until its idle time (or its end) runs out.
    sessions: Table<TokenDigest, Expiring<DebtorSession>>,
    messages: Table<MessageId, Message>,
    case_messages: Table<CaseId, Vec<MessageId>>,
    /// (due time in ms, id): the queue of scheduled messages, with each id's entry for updates
    /// (the queue is rebuilt from the entries when the file is read).
    due: BTreeSet<(i64, MessageId)>,
    due_at: Table<MessageId, i64>,
    /// id → lease end in ms.
    leased: Table<MessageId, i64>,
    events: Outboxes,
    kids: Table<(CreditorId, String), CaseId>,
    applied_payments: Set<String>,
    deliveries: Table<AgencyId, DeliveryState>,
    webhook_settings: Table<AgencyId, WebhookSetting>,
    /// A provider's id → its message, until the index lapses (`lifetimes::PROVIDER_ID`).
    provider_ids: Table<String, Expiring<MessageId>>,
    /// Phone pseudonym → the case its last SMS was about (`lifetimes::REPLY_ROUTE`).
    sms_cases: Table<String, Expiring<CaseId>>,
    /// Pseudonyms of the numbers that answered STOP.
    opted_out: Set<String>,
    /// Addresses that used an e-mail's one-click unsubscribe (lower-cased).
    opted_out_emails: Set<String>,
    /// (scope, key) → (fingerprint, saved response once finished, when the claim lapses).
    idempotency: Table<(String, String), IdempotencyEntry>,
    /// Each agency's cases in the order they were created.
    agency_cases: Lists<AgencyId, CaseId>,
    /// Reminders sent per (agency, pseudonym of the debtor address), for the frequency cap.
    contact_slots: Table<(AgencyId, String), Vec<SentReminder>>,
    /// Idempotency keys whose saved response is about a case, per case.
    case_answers: Table<CaseId, Vec<(String, String)>>,
    /// Erased cases: no response about them is saved any more.
    answers_closed: Set<CaseId>,
    /// Per creditor, (ms when collection ended, case) for the cases awaiting erasure …
    settled: HashMap<CreditorId, BTreeSet<(i64, CaseId)>>,
    /// … and each indexed case's entry there (from which the above is rebuilt on reading).
    settled_entry: Table<CaseId, (CreditorId, i64)>,
    agencies: Table<AgencyId, Agency>,
    api_keys: Table<[u8; 32], ApiKeyRecord>,
    mandates: Table<CreditorId, Mandate>,
    journeys: Table<CreditorId, Journey>,
    /// Each creditor's mandate and journey versions, oldest first (the last is in force; the
    /// two tables above hold what was saved before versions were kept).
    mandate_versions: Table<CreditorId, Vec<Version<Mandate>>>,
    journey_versions: Table<CreditorId, Vec<Version<Journey>>>,
    /// Staff users by id, and the id of each by its address's pseudonym.
    staff_users: Table<String, StaffUser>,
    staff_emails: Table<String, String>,
    invitations: Table<TokenDigest, Invitation>,
    staff_sessions: Table<TokenDigest, StaffSession>,
    /// Failed logins by the login name's pseudonym.
    login_failures: Table<String, LoginFailures>,
    /// The access log, as one growing list (under the key "all").
    access_log: Lists<String, AccessEntry>,
    /// The overview's day counts by "agency tally scope day" (`store::tallies`).
    tallies: Table<String, i64>,
    /// The journeys' A/B counts by "agency creditor", a field per step, variant and count
    /// (`store::journey_counts`).
    journey_counts: Table<String, std::collections::BTreeMap<String, i64>>,
    /// The agency's cases by the pseudonym of a debtor address they were given
    /// (`store::debtor_cases`).
    debtor_cases: Table<(AgencyId, String), BTreeSet<CaseId>>,
    /// An erasure ended: the next commit rewrites the file, so the erased data's old bytes
    /// do not stay in pages the file freed.
    rewrite_due: bool,
}

/// A token digest inside a stored value, as hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Digest(TokenDigest);

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let hex = <String as serde::Deserialize>::deserialize(d)?;
        TokenDigest::from_hex(&hex)
            .map(Digest)
            .ok_or_else(|| serde::de::Error::custom("not a token digest"))
    }
}

/// The store's state and, for a durable store, its file: one lock for both, so each change
/// reaches the file before the next change (or read) begins.
struct Locked {
    data: Inner,
    file: Option<StoreFile>,
}

/// The embedded store: in-process, for the demo and a laptop (data lives as long as the
/// process), or durable in one file (`store.path`) for a single-binary installation.
pub struct EmbeddedStore {
    locked: Mutex<Locked>,
    /// A key of this process's own (or, with a file, of the file's): the pseudonyms live no
    /// longer than the data.
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

/// Read access to the state under the lock; changes go through [`EmbeddedStore::write`].
struct Reading<'a>(std::sync::MutexGuard<'a, Locked>);

impl std::ops::Deref for Reading<'_> {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0.data
    }
}

impl EmbeddedStore {
    /// An in-memory store: everything goes with the process.
    pub fn new() -> EmbeddedStore {
        EmbeddedStore {
            locked: Mutex::new(Locked {
                data: Inner::default(),
                file: None,
            }),
            pseudonyms: Pseudonyms::random(),
            clock: Arc::new(SystemClock),
        }
    }

    /// A durable store in the file at `path` (made if missing): everything it holds is read
    /// now, and each change is committed to it before the call that made it returns. Another
    /// process (or store) holding the file is an error. The pseudonyms are `pseudonyms` when
    /// the installation configures a key, else the file's own (made with the file).
    pub fn open(path: &Path, pseudonyms: Option<Pseudonyms>) -> StoreResult<EmbeddedStore> {
        let file = StoreFile::open(path)?;
        let mut data = Inner::default();
        for (name, table) in data.durables() {
            file.load(name, table)?;
            table.track();
        }
        data.rebuild_indexes();
        let pseudonyms = match pseudonyms {
            Some(configured) => configured,
            None => file.pseudonyms()?,
        };
        file.check_pseudonym_key(&pseudonyms)?;
        Ok(EmbeddedStore {
            locked: Mutex::new(Locked {
                data,
                file: Some(file),
            }),
            pseudonyms,
            clock: Arc::new(SystemClock),
        })
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

    fn locked(&self) -> StoreResult<std::sync::MutexGuard<'_, Locked>> {
        // A poisoned lock means a panic mid-change; refuse rather than serve half-written state.
        let locked = self
            .locked
            .lock()
            .map_err(|_| StoreError::Unavailable("embedded store lock poisoned".into()))?;
        if let Some(file) = &locked.file {
            file.usable()?;
        }
        Ok(locked)
    }

    /// The state, to read.
    fn lock(&self) -> StoreResult<Reading<'_>> {
        self.locked().map(Reading)
    }

    /// Runs `change` on the state under the lock, then commits what it changed to the file
    /// (if there is one) before answering: what a caller is told is done, is on disk.
    fn write<T>(&self, change: impl FnOnce(&mut Inner) -> StoreResult<T>) -> StoreResult<T> {
        let mut locked = self.locked()?;
        let Locked { data, file } = &mut *locked;
        let result = change(data);
        if let Some(file) = file {
            file.commit(data)?;
        }
        result
    }
}

/// An idempotency key's request fingerprint, its response once done, and its expiry.
#[derive(serde::Serialize, serde::Deserialize)]
struct IdempotencyEntry {
    fingerprint: String,
    claim: String,
    saved: Option<SavedResponse>,
    until: DateTime<Utc>,
}

/// A reminder counted by the frequency cap: which message, and when it went.
type SentReminder = (MessageId, DateTime<Utc>);

/// A value kept until a moment, as a Redis key with a time to live.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
            self.events.append(event);
        }
    }

    /// The indexes the file does not hold, made again from what it does.
    fn rebuild_indexes(&mut self) {
        self.due = self
            .due_at
            .iter()
            .map(|(id, at)| (*at, id.clone()))
            .collect();
        self.settled.clear();
        for (case, (creditor, at)) in self.settled_entry.iter() {
            self.settled
                .entry(creditor.clone())
                .or_default()
                .insert((*at, case.clone()));
        }
    }

    /// Every collection the file holds, by its table's name (the names are the file format).
    fn durables(&mut self) -> [(&'static str, &mut dyn Durable); 40] {
        [
            ("cases", &mut self.cases),
            ("case_refs", &mut self.case_refs),
            ("kid_sequences", &mut self.kid_sequences),
            ("links", &mut self.links),
            ("case_links", &mut self.case_links),
            ("sessions", &mut self.sessions),
            ("messages", &mut self.messages),
            ("case_messages", &mut self.case_messages),
            ("due_at", &mut self.due_at),
            ("leased", &mut self.leased),
            ("events", &mut self.events),
            ("kids", &mut self.kids),
            ("applied_payments", &mut self.applied_payments),
            ("deliveries", &mut self.deliveries),
            ("provider_ids", &mut self.provider_ids),
            ("sms_cases", &mut self.sms_cases),
            ("opted_out", &mut self.opted_out),
            ("opted_out_emails", &mut self.opted_out_emails),
            ("idempotency", &mut self.idempotency),
            ("agency_cases", &mut self.agency_cases),
            ("contact_slots", &mut self.contact_slots),
            ("case_answers", &mut self.case_answers),
            ("answers_closed", &mut self.answers_closed),
            ("settled_entry", &mut self.settled_entry),
            ("agencies", &mut self.agencies),
            ("api_keys", &mut self.api_keys),
            ("mandates", &mut self.mandates),
            ("journeys", &mut self.journeys),
            ("mandate_versions", &mut self.mandate_versions),
            ("journey_versions", &mut self.journey_versions),
            ("staff_users", &mut self.staff_users),
            ("staff_emails", &mut self.staff_emails),
            ("invitations", &mut self.invitations),
            ("staff_sessions", &mut self.staff_sessions),
            ("login_failures", &mut self.login_failures),
            ("access_log", &mut self.access_log),
            ("tallies", &mut self.tallies),
            ("journey_counts", &mut self.journey_counts),
            ("debtor_cases", &mut self.debtor_cases),
            ("webhook_settings", &mut self.webhook_settings),
        ]
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
