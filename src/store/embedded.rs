//! The embedded backend: everything in one process under one lock, with the same semantics as Redis.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Mutex;

use super::{
    ApiKeyRecord, CaseInsert, CaseStore, EventStore, Health, IdempotencyBegin, IdempotencyStore,
    LinkStore, MessageStore, PaymentStore, Pseudonyms, SavedResponse, SendStart, StoreError,
    StoreResult, TenantStore, WebhookStore,
};
use crate::domain::case::Case;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, Event, EventCursor};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::mandate::Mandate;
use crate::domain::message::{ContactCap, Message, MessageStatus, ProviderRef, Recipient};
use crate::links::TokenDigest;

#[derive(Default)]
struct Inner {
    cases: HashMap<CaseId, Case>,
    case_refs: HashMap<(AgencyId, ExternalRef), CaseId>,
    kid_sequences: HashMap<CreditorId, u64>,
    links: HashMap<TokenDigest, ShortLink>,
    case_links: HashMap<CaseId, Vec<TokenDigest>>,
    sessions: HashMap<TokenDigest, (DebtorSession, DateTime<Utc>)>,
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
    provider_ids: HashMap<String, MessageId>,
    /// Phone pseudonym → the case its last SMS was about.
    sms_cases: HashMap<String, CaseId>,
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
        }
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

fn idle_deadline(idle: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(idle).unwrap_or(chrono::Duration::minutes(30))
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
impl CaseStore for EmbeddedStore {
    async fn insert_case(&self, case: &Case) -> StoreResult<CaseInsert> {
        let mut inner = self.lock()?;
        let key = (case.agency_id.clone(), case.external_ref.clone());
        if let Some(existing) = inner.case_refs.get(&key) {
            return Ok(CaseInsert::Exists(existing.clone()));
        }
        inner.case_refs.insert(key, case.id.clone());
        inner.kids.insert(
            (case.creditor_id.clone(), case.kid.as_str().to_owned()),
            case.id.clone(),
        );
        inner.cases.insert(case.id.clone(), case.clone());
        inner
            .agency_cases
            .entry(case.agency_id.clone())
            .or_default()
            .push(case.id.clone());
        Ok(CaseInsert::Created)
    }

    async fn update_case(&self, case: &Case) -> StoreResult<Case> {
        self.lock()?.update_case(case)
    }

    async fn agency_cases(
        &self,
        agency: &AgencyId,
        start: usize,
        count: usize,
    ) -> StoreResult<Vec<Case>> {
        let inner = self.lock()?;
        Ok(inner
            .agency_cases
            .get(agency)
            .map(|ids| {
                ids.iter()
                    .skip(start)
                    .take(count)
                    .filter_map(|id| inner.cases.get(id).cloned())
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn case(&self, id: &CaseId) -> StoreResult<Option<Case>> {
        Ok(self.lock()?.cases.get(id).cloned())
    }

    async fn case_by_ref(
        &self,
        agency: &AgencyId,
        external_ref: &ExternalRef,
    ) -> StoreResult<Option<Case>> {
        let inner = self.lock()?;
        let id = inner.case_refs.get(&(agency.clone(), external_ref.clone()));
        Ok(id.and_then(|id| inner.cases.get(id)).cloned())
    }

    async fn next_kid_sequence(&self, creditor: &CreditorId) -> StoreResult<u64> {
        let mut inner = self.lock()?;
        let seq = inner.kid_sequences.entry(creditor.clone()).or_insert(0);
        *seq += 1;
        Ok(*seq)
    }

    async fn cases_settled_before(
        &self,
        creditor: &CreditorId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<CaseId>> {
        let inner = self.lock()?;
        let before = before.timestamp_millis();
        Ok(inner
            .settled
            .get(creditor)
            .map(|set| {
                set.iter()
                    .take_while(|(at, _)| *at < before)
                    .take(max)
                    .map(|(_, id)| id.clone())
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn retention_creditors(&self) -> StoreResult<Vec<CreditorId>> {
        let inner = self.lock()?;
        let mut creditors: Vec<CreditorId> = inner.settled.keys().cloned().collect();
        creditors.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(creditors)
    }

    async fn unindex_settled(&self, creditor: &CreditorId, case: &CaseId) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if let Some((_, at)) = inner.settled_entry.remove(case)
            && let Some(set) = inner.settled.get_mut(creditor)
        {
            set.remove(&(at, case.clone()));
        }
        Ok(())
    }
}

#[async_trait]
impl LinkStore for EmbeddedStore {
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let now = Utc::now();
        // Forget expired links as new ones arrive, as Redis does with its TTLs.
        inner.links.retain(|_, l| l.expires_at > now);
        inner.links.insert(*digest, link.clone());
        inner
            .case_links
            .entry(link.case_id.clone())
            .or_default()
            .push(*digest);
        Ok(())
    }

    async fn link(&self, digest: &TokenDigest) -> StoreResult<Option<ShortLink>> {
        Ok(self.lock()?.links.get(digest).cloned())
    }

    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize> {
        let mut inner = self.lock()?;
        let digests = inner.case_links.get(case).cloned().unwrap_or_default();
        let mut count = 0;
        for digest in digests {
            if let Some(link) = inner.links.get_mut(&digest)
                && !link.revoked
            {
                link.revoked = true;
                count += 1;
            }
        }
        Ok(count)
    }

    async fn save_session(
        &self,
        digest: &TokenDigest,
        session: &DebtorSession,
        idle: Duration,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let now = Utc::now();
        inner
            .sessions
            .retain(|_, (s, idle_end)| *idle_end > now && s.expires_at > now);
        inner
            .sessions
            .insert(*digest, (session.clone(), idle_deadline(idle)));
        Ok(())
    }

    async fn session(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<DebtorSession>> {
        let mut inner = self.lock()?;
        let now = Utc::now();
        match inner.sessions.get_mut(digest) {
            Some((session, idle_end)) if *idle_end > now && session.is_usable(now) => {
                *idle_end = idle_deadline(idle);
                Ok(Some(session.clone()))
            }
            _ => Ok(None),
        }
    }

    async fn session_with_case(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        self.session_then_case(digest, idle).await
    }

    async fn end_session(&self, digest: &TokenDigest) -> StoreResult<()> {
        self.lock()?.sessions.remove(digest);
        Ok(())
    }
}

impl EmbeddedStore {
    async fn session_then_case(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        let Some(session) = self.session(digest, idle).await? else {
            return Ok(None);
        };
        Ok(self
            .case(&session.case_id)
            .await?
            .map(|case| (session, case)))
    }
}

#[async_trait]
impl MessageStore for EmbeddedStore {
    async fn schedule_message(&self, message: &Message) -> StoreResult<()> {
        let mut inner = self.lock()?;
        inner.messages.insert(message.id.clone(), message.clone());
        inner
            .case_messages
            .entry(message.case_id.clone())
            .or_default()
            .push(message.id.clone());
        inner.enqueue(&message.id, message.not_before.timestamp_millis());
        Ok(())
    }

    async fn message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        Ok(self.lock()?.messages.get(id).cloned())
    }

    async fn case_messages(&self, case: &CaseId) -> StoreResult<Vec<Message>> {
        let inner = self.lock()?;
        let ids = inner.case_messages.get(case).cloned().unwrap_or_default();
        Ok(ids
            .iter()
            .filter_map(|id| inner.messages.get(id).cloned())
            .collect())
    }

    async fn claim_due_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<Message>> {
        let mut inner = self.lock()?;
        let now_ms = now.timestamp_millis();
        let expired: Vec<MessageId> = inner
            .leased
            .iter()
            .filter(|(_, until)| **until <= now_ms)
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            inner.leased.remove(&id);
            inner.enqueue(&id, now_ms);
        }
        let claimed: Vec<(i64, MessageId)> = inner
            .due
            .iter()
            .take_while(|(at, _)| *at <= now_ms)
            .take(max)
            .cloned()
            .collect();
        let mut out = Vec::with_capacity(claimed.len());
        for entry in claimed {
            inner.dequeue(&entry.1);
            inner
                .leased
                .insert(entry.1.clone(), lease_until.timestamp_millis());
            if let Some(message) = inner.messages.get(&entry.1) {
                out.push(message.clone());
            }
        }
        Ok(out)
    }

    async fn cancel_queued_message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        let mut inner = self.lock()?;
        if !inner.due_at.contains_key(id) || inner.leased.contains_key(id) {
            return Ok(None);
        }
        inner.dequeue(id);
        let Some(message) = inner.messages.get_mut(id) else {
            return Ok(None);
        };
        message.status = MessageStatus::Cancelled;
        message.updated_at = Utc::now();
        Ok(Some(message.clone()))
    }

    async fn delete_case_messages(&self, case: &CaseId) -> StoreResult<usize> {
        let mut inner = self.lock()?;
        let ids = inner.case_messages.remove(case).unwrap_or_default();
        for id in &ids {
            inner.dequeue(id);
            inner.leased.remove(id);
            inner.messages.remove(id);
        }
        inner.provider_ids.retain(|_, id| !ids.contains(id));
        Ok(ids.len())
    }

    async fn forget_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        let mut inner = self.lock()?;
        if inner.sms_cases.get(&phone) == Some(case) {
            inner.sms_cases.remove(&phone);
        }
        Ok(())
    }

    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<SendStart>> {
        let opt_out = match &message.recipient {
            Recipient::Sms(phone) => OptOutMember::Sms(self.pseudonyms.of(phone.e164())),
            Recipient::Email(email) => OptOutMember::Email(
                self.pseudonyms
                    .of(&super::email_opt_out_member(email.as_str())),
            ),
        };
        let mut inner = self.lock()?;
        let current = inner.messages.get(&message.id);
        if !current.is_some_and(|m| m.starts == expected_starts && !m.status.is_final()) {
            return Ok(None);
        }
        inner
            .leased
            .insert(message.id.clone(), lease_until.timestamp_millis());
        inner.dequeue(&message.id);
        inner.messages.insert(message.id.clone(), message.clone());
        Ok(Some(SendStart {
            case: inner.cases.get(&message.case_id).cloned(),
            opted_out: match opt_out {
                OptOutMember::Sms(p) => inner.opted_out.contains(&p),
                OptOutMember::Email(p) => inner.opted_out_emails.contains(&p),
            },
        }))
    }

    async fn save_leased_message(&self, message: &Message) -> StoreResult<()> {
        let mut inner = self.lock()?;
        inner.save_leased(message);
        Ok(())
    }

    async fn record_sent(
        &self,
        message: &Message,
        provider_id: ProviderRef<'_>,
        sms_to: Option<&str>,
    ) -> StoreResult<()> {
        let sms_to = sms_to.map(|phone| self.pseudonyms.of(phone));
        let mut inner = self.lock()?;
        if inner.save_leased(message) {
            inner
                .provider_ids
                .insert(provider_id.key(), message.id.clone());
            if let Some(phone) = sms_to {
                inner.sms_cases.insert(phone, message.case_id.clone());
            }
        }
        Ok(())
    }

    async fn index_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
        message: &MessageId,
    ) -> StoreResult<()> {
        self.lock()?
            .provider_ids
            .insert(provider_id.key(), message.clone());
        Ok(())
    }

    async fn message_by_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
    ) -> StoreResult<Option<Message>> {
        let inner = self.lock()?;
        Ok(inner
            .provider_ids
            .get(&provider_id.key())
            .and_then(|id| inner.messages.get(id))
            .cloned())
    }

    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        self.lock()?.sms_cases.insert(phone, case.clone());
        Ok(())
    }

    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>> {
        let phone = self.pseudonyms.of(phone);
        Ok(self.lock()?.sms_cases.get(&phone).cloned())
    }

    async fn opt_out(&self, phone: &str) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        self.lock()?.opted_out.insert(phone);
        Ok(())
    }

    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool> {
        let phone = self.pseudonyms.of(phone);
        Ok(self.lock()?.opted_out.contains(&phone))
    }

    async fn opt_in(&self, phone: &str) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        self.lock()?.opted_out.remove(&phone);
        Ok(())
    }

    async fn opt_out_email(&self, address: &str) -> StoreResult<()> {
        let member = self.pseudonyms.of(&super::email_opt_out_member(address));
        self.lock()?.opted_out_emails.insert(member);
        Ok(())
    }

    async fn is_email_opted_out(&self, address: &str) -> StoreResult<bool> {
        let member = self.pseudonyms.of(&super::email_opt_out_member(address));
        Ok(self.lock()?.opted_out_emails.contains(&member))
    }

    async fn claim_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
        now: DateTime<Utc>,
        cap: &ContactCap,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let address = self.pseudonyms.of(address);
        let mut inner = self.lock()?;
        let sent = inner
            .contact_slots
            .entry((agency.clone(), address))
            .or_default();
        sent.retain(|(_, at)| *at > now - cap.window);
        if sent.iter().any(|(id, _)| id == message) {
            return Ok(None);
        }
        let times: Vec<DateTime<Utc>> = sent.iter().map(|(_, at)| *at).collect();
        if let Some(later) = cap.next_allowed(&times, now) {
            return Ok(Some(later));
        }
        sent.push((message.clone(), now));
        Ok(None)
    }

    async fn release_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
    ) -> StoreResult<()> {
        let address = self.pseudonyms.of(address);
        if let Some(sent) = self
            .lock()?
            .contact_slots
            .get_mut(&(agency.clone(), address))
        {
            sent.retain(|(id, _)| id != message);
        }
        Ok(())
    }
}

/// Cursors are `0-<position>` in the agency's list: the shape of a Redis stream id, so both
/// stores parse them with `EventCursor::parse`.
fn cursor(position: usize) -> String {
    EventCursor {
        major: 0,
        minor: position as u64,
    }
    .to_string()
}

/// The position to continue from after `after`; `usize::MAX` (nothing) for a cursor past every
/// position this store can hand out.
fn start_after(after: &str) -> StoreResult<usize> {
    let cursor = EventCursor::parse(after).map_err(StoreError::InvalidCursor)?;
    if cursor.major > 0 {
        return Ok(usize::MAX);
    }
    Ok(usize::try_from(cursor.successor().minor).unwrap_or(usize::MAX))
}

#[async_trait]
impl EventStore for EmbeddedStore {
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case> {
        let mut inner = self.lock()?;
        let saved = inner.update_case(case)?;
        inner.append(events);
        Ok(saved)
    }

    async fn append_events(&self, events: &[Event]) -> StoreResult<()> {
        self.lock()?.append(events);
        Ok(())
    }

    async fn events_after(
        &self,
        agency: &AgencyId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Event)>> {
        let start = after.map_or(Ok(0), start_after)?;
        let inner = self.lock()?;
        Ok(inner
            .events
            .get(agency)
            .map(|outbox| {
                outbox
                    .events
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (outbox.first + i, e))
                    .skip_while(|(position, _)| *position < start)
                    .take(limit)
                    .map(|(position, e)| (cursor(position), e.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn redact_case_events(&self, agency: &AgencyId, case: &CaseId) -> StoreResult<usize> {
        let mut inner = self.lock()?;
        let Some(outbox) = inner.events.get_mut(agency) else {
            return Ok(0);
        };
        Ok(outbox
            .events
            .iter_mut()
            .filter(|e| e.case_id.as_ref() == Some(case))
            .map(Event::redact)
            .filter(|changed| *changed)
            .count())
    }

    async fn trim_events(
        &self,
        agency: &AgencyId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<usize> {
        let mut inner = self.lock()?;
        let Some(outbox) = inner.events.get_mut(agency) else {
            return Ok(0);
        };
        let mut trimmed = 0;
        while trimmed < max
            && outbox
                .events
                .front()
                .is_some_and(|e| e.occurred_at < before)
        {
            outbox.events.pop_front();
            outbox.first += 1;
            trimmed += 1;
        }
        Ok(trimmed)
    }
}

#[async_trait]
impl PaymentStore for EmbeddedStore {
    async fn apply_payment(
        &self,
        case: &Case,
        reference: &str,
        events: &[Event],
    ) -> StoreResult<bool> {
        let mut inner = self.lock()?;
        if inner.applied_payments.contains(reference) {
            return Ok(false);
        }
        inner.update_case(case)?;
        inner.append(events);
        inner.applied_payments.insert(reference.to_owned());
        Ok(true)
    }

    async fn index_kid(&self, creditor: &CreditorId, kid: &str, case: &CaseId) -> StoreResult<()> {
        self.lock()?
            .kids
            .insert((creditor.clone(), kid.to_owned()), case.clone());
        Ok(())
    }

    async fn case_by_kid(&self, creditor: &CreditorId, kid: &str) -> StoreResult<Option<CaseId>> {
        Ok(self
            .lock()?
            .kids
            .get(&(creditor.clone(), kid.to_owned()))
            .cloned())
    }
}

#[async_trait]
impl WebhookStore for EmbeddedStore {
    async fn delivery_state(&self, agency: &AgencyId) -> StoreResult<DeliveryState> {
        Ok(self
            .lock()?
            .deliveries
            .get(agency)
            .cloned()
            .unwrap_or_default())
    }

    async fn save_delivery_state(
        &self,
        agency: &AgencyId,
        state: &DeliveryState,
    ) -> StoreResult<()> {
        self.lock()?
            .deliveries
            .insert(agency.clone(), state.clone());
        Ok(())
    }
}

#[async_trait]
impl IdempotencyStore for EmbeddedStore {
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        claim: &str,
    ) -> StoreResult<IdempotencyBegin> {
        let mut inner = self.lock()?;
        let now = Utc::now();
        // Lapsed keys go now and then, so a long-running demo does not keep them all.
        if inner.idempotency.len() > 4096 {
            let Inner {
                idempotency,
                case_answers,
                ..
            } = &mut *inner;
            idempotency.retain(|_, e| e.until > now);
            case_answers.retain(|_, slots| {
                slots.retain(|slot| idempotency.contains_key(slot));
                !slots.is_empty()
            });
        }
        let slot = (scope.to_owned(), key.to_owned());
        if let Some(entry) = inner.idempotency.get(&slot)
            && entry.until > now
        {
            return Ok(if entry.fingerprint != fingerprint {
                IdempotencyBegin::Mismatch
            } else {
                match &entry.saved {
                    Some(response) => IdempotencyBegin::Replay(response.clone()),
                    None => IdempotencyBegin::InFlight,
                }
            });
        }
        inner.idempotency.insert(
            slot,
            IdempotencyEntry {
                fingerprint: fingerprint.to_owned(),
                claim: claim.to_owned(),
                saved: None,
                until: now + chrono::Duration::seconds(60),
            },
        );
        Ok(IdempotencyBegin::Started)
    }

    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
        case: Option<&CaseId>,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let slot = (scope.to_owned(), key.to_owned());
        if !inner
            .idempotency
            .get(&slot)
            .is_some_and(|e| e.claim == claim && e.saved.is_none())
        {
            return Ok(());
        }
        if let Some(case) = case {
            if inner.answers_closed.contains(case) {
                // Erased while the request ran: what it answered may be what erasure removed.
                inner.idempotency.remove(&slot);
                return Ok(());
            }
            inner
                .case_answers
                .entry(case.clone())
                .or_default()
                .push(slot.clone());
        }
        if let Some(entry) = inner.idempotency.get_mut(&slot) {
            entry.saved = Some(response.clone());
            entry.until = Utc::now() + chrono::Duration::hours(24);
        }
        Ok(())
    }

    async fn idempotency_abandon(&self, scope: &str, key: &str, claim: &str) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let slot = (scope.to_owned(), key.to_owned());
        if inner
            .idempotency
            .get(&slot)
            .is_some_and(|e| e.claim == claim && e.saved.is_none())
        {
            inner.idempotency.remove(&slot);
        }
        Ok(())
    }

    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize> {
        let mut inner = self.lock()?;
        inner.answers_closed.insert(case.clone());
        let slots = inner.case_answers.remove(case).unwrap_or_default();
        Ok(slots
            .iter()
            .filter(|slot| inner.idempotency.remove(*slot).is_some())
            .count())
    }
}

#[async_trait]
impl TenantStore for EmbeddedStore {
    async fn save_agency(&self, agency: &Agency) -> StoreResult<()> {
        self.lock()?
            .agencies
            .insert(agency.id.clone(), agency.clone());
        Ok(())
    }

    async fn agency(&self, id: &AgencyId) -> StoreResult<Option<Agency>> {
        Ok(self.lock()?.agencies.get(id).cloned())
    }

    async fn agencies(&self) -> StoreResult<Vec<Agency>> {
        let mut all: Vec<Agency> = self.lock()?.agencies.values().cloned().collect();
        all.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(all)
    }

    async fn add_api_key(&self, hash: &[u8; 32], record: &ApiKeyRecord) -> StoreResult<bool> {
        let mut inner = self.lock()?;
        if inner.api_keys.contains_key(hash) {
            return Ok(false);
        }
        inner.api_keys.insert(*hash, record.clone());
        Ok(true)
    }

    async fn api_key(&self, hash: &[u8; 32]) -> StoreResult<Option<ApiKeyRecord>> {
        Ok(self.lock()?.api_keys.get(hash).cloned())
    }

    async fn agency_api_keys(&self, agency: &AgencyId) -> StoreResult<Vec<ApiKeyRecord>> {
        let mut keys: Vec<ApiKeyRecord> = self
            .lock()?
            .api_keys
            .values()
            .filter(|r| &r.agency == agency)
            .cloned()
            .collect();
        keys.sort_by_key(|r| r.created_at);
        Ok(keys)
    }

    async fn revoke_api_key(
        &self,
        agency: &AgencyId,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut inner = self.lock()?;
        let mut found = false;
        for record in inner.api_keys.values_mut() {
            if &record.agency == agency && record.key_id == key_id {
                record.revoked_at.get_or_insert(at);
                found = true;
            }
        }
        Ok(found)
    }

    async fn mandate(&self, creditor: &CreditorId) -> StoreResult<Option<Mandate>> {
        Ok(self.lock()?.mandates.get(creditor).cloned())
    }

    async fn save_mandate(&self, creditor: &CreditorId, mandate: &Mandate) -> StoreResult<()> {
        self.lock()?
            .mandates
            .insert(creditor.clone(), mandate.clone());
        Ok(())
    }
}

#[async_trait]
impl Health for EmbeddedStore {
    async fn ping(&self) -> StoreResult<()> {
        self.lock().map(|_| ())
    }
}
