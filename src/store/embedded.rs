//! The embedded backend: everything in one process under one lock, with the same semantics as Redis.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Mutex;

use super::{
    ApiKeyRecord, CaseInsert, CaseStore, EventStore, Health, IdempotencyBegin, IdempotencyStore,
    LinkStore, MessageStore, PaymentStore, SavedResponse, SendStart, StoreError, StoreResult,
    TenantStore, WebhookStore,
};
use crate::domain::case::Case;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, Event, EventCursor};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::mandate::Mandate;
use crate::domain::message::{ContactCap, Message, MessageStatus, Recipient};
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
    events: HashMap<AgencyId, Vec<Event>>,
    kids: HashMap<(CreditorId, String), CaseId>,
    applied_payments: HashSet<String>,
    deliveries: HashMap<AgencyId, DeliveryState>,
    provider_ids: HashMap<String, MessageId>,
    sms_cases: HashMap<String, CaseId>,
    opted_out: HashSet<String>,
    /// (scope, key) → (fingerprint, saved response once finished, when the claim lapses).
    idempotency: HashMap<(String, String), IdempotencyEntry>,
    /// Each agency's cases in the order they were created.
    agency_cases: HashMap<AgencyId, Vec<CaseId>>,
    /// Reminders sent per (agency, debtor address), for the frequency cap.
    contact_slots: HashMap<(AgencyId, String), Vec<SentReminder>>,
    agencies: HashMap<AgencyId, Agency>,
    api_keys: HashMap<[u8; 32], ApiKeyRecord>,
    mandates: HashMap<CreditorId, Mandate>,
}

/// In-process store for the demo and a laptop. Data lives as long as the process.
#[derive(Default)]
pub struct EmbeddedStore {
    inner: Mutex<Inner>,
}

impl EmbeddedStore {
    pub fn new() -> EmbeddedStore {
        EmbeddedStore::default()
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
        Ok(next)
    }

    fn append(&mut self, events: &[Event]) {
        for event in events {
            self.events
                .entry(event.agency_id.clone())
                .or_default()
                .push(event.clone());
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
        let mut inner = self.lock()?;
        if inner.sms_cases.get(phone) == Some(case) {
            inner.sms_cases.remove(phone);
        }
        Ok(())
    }

    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<SendStart>> {
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
            opted_out: match &message.recipient {
                Recipient::Sms(phone) => inner.opted_out.contains(phone.e164()),
                Recipient::Email(_) => false,
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
        provider_id: &str,
        sms_to: Option<&str>,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if inner.save_leased(message) {
            inner
                .provider_ids
                .insert(provider_id.to_owned(), message.id.clone());
            if let Some(phone) = sms_to {
                inner
                    .sms_cases
                    .insert(phone.to_owned(), message.case_id.clone());
            }
        }
        Ok(())
    }

    async fn index_provider_id(&self, provider_id: &str, message: &MessageId) -> StoreResult<()> {
        self.lock()?
            .provider_ids
            .insert(provider_id.to_owned(), message.clone());
        Ok(())
    }

    async fn message_by_provider_id(&self, provider_id: &str) -> StoreResult<Option<Message>> {
        let inner = self.lock()?;
        Ok(inner
            .provider_ids
            .get(provider_id)
            .and_then(|id| inner.messages.get(id))
            .cloned())
    }

    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        self.lock()?
            .sms_cases
            .insert(phone.to_owned(), case.clone());
        Ok(())
    }

    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>> {
        Ok(self.lock()?.sms_cases.get(phone).cloned())
    }

    async fn opt_out(&self, phone: &str) -> StoreResult<()> {
        self.lock()?.opted_out.insert(phone.to_owned());
        Ok(())
    }

    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool> {
        Ok(self.lock()?.opted_out.contains(phone))
    }

    async fn claim_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
        now: DateTime<Utc>,
        cap: &ContactCap,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let mut inner = self.lock()?;
        let sent = inner
            .contact_slots
            .entry((agency.clone(), address.to_owned()))
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
        if let Some(sent) = self
            .lock()?
            .contact_slots
            .get_mut(&(agency.clone(), address.to_owned()))
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
            .map(|list| {
                list.iter()
                    .enumerate()
                    .skip(start)
                    .take(limit)
                    .map(|(i, e)| (cursor(i), e.clone()))
                    .collect()
            })
            .unwrap_or_default())
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
            inner.idempotency.retain(|_, e| e.until > now);
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
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if let Some(entry) = inner
            .idempotency
            .get_mut(&(scope.to_owned(), key.to_owned()))
            .filter(|e| e.claim == claim && e.saved.is_none())
        {
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
