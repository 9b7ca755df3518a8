//! The Redis backend: JSON records under a namespace, Lua scripts where a change spans keys.
//!
//! Keys of one case carry the case id as hash tag (`{cs_…}`) so they stay on one Cluster slot.
//! Indexes keyed by something else (external reference, queue) live on their own keys.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    ApiKeyRecord, CaseInsert, CaseStore, EventStore, Health, IdempotencyBegin, IdempotencyStore,
    LinkStore, MessageStore, PaymentStore, SavedResponse, SendStart, StoreError, StoreResult,
    TenantStore, WebhookStore, corrupt,
};
use crate::domain::case::Case;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, Event, EventCursor};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::mandate::Mandate;
use crate::domain::message::{ContactCap, Message, MessageStatus, Recipient};
use crate::links::TokenDigest;

/// Creates a case and its indexes unless the external reference is taken. Returns the owner's id.
const INSERT_CASE: &str = r#"
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'v', ARGV[2], 'json', ARGV[3])
redis.call('SET', KEYS[3], ARGV[1])
redis.call('RPUSH', KEYS[4], ARGV[1])
return ARGV[1]
"#;

/// Compare-and-set on the case version.
const UPDATE_CASE: &str = r#"
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
return 1
"#;

/// Compare-and-set on the case version, and the events that report the change, in one step.
const UPDATE_CASE_WITH_EVENTS: &str = r#"
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
for i = 4, #ARGV do
  redis.call('XADD', KEYS[2], '*', 'event', ARGV[i])
end
return 1
"#;

/// A debtor page's two reads in one round trip: the session (refreshing its idle timer) and
/// the case it is bound to. The case key is derived inside, so this script assumes one Redis
/// (not Cluster) — as do the other cross-key scripts here.
const SESSION_WITH_CASE: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local case_id = cjson.decode(raw).case_id
local case = redis.call('HGET', ARGV[2] .. '{' .. case_id .. '}', 'json')
if not case then return false end
return {raw, case}
"#;

/// Applies a payment once: refuses a known reference, then compare-and-sets the case and
/// appends its events, all in one step.
const APPLY_PAYMENT: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
if redis.call('HGET', KEYS[2], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'v', ARGV[2], 'json', ARGV[3])
redis.call('SET', KEYS[1], ARGV[4])
for i = 5, #ARGV do
  redis.call('XADD', KEYS[3], '*', 'event', ARGV[i])
end
return 1
"#;

/// Moves run-out leases back to the queue, then leases up to ARGV[3] due ids; returns their records.
const CLAIM_DUE: &str = r#"
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], ARGV[1], id)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], ARGV[2], id)
  local raw = redis.call('GET', ARGV[4] .. id)
  if raw then table.insert(out, raw) end
end
return out
"#;

/// The frequency cap in one step: forgets reminders older than the window, then either records
/// this one (ARGV[5]) at ARGV[1] and returns 0, or returns the earliest time (ms) one may go.
/// Same rule as `ContactCap::next_allowed`.
const CLAIM_CONTACT_SLOT: &str = r#"
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local cooldown = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[5]) then return 0 end
if max == 0 then return now + window end
local allowed = now
local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #last > 0 and tonumber(last[2]) + cooldown > allowed then allowed = tonumber(last[2]) + cooldown end
local count = redis.call('ZCARD', KEYS[1])
if count >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
  if tonumber(oldest[2]) + window > allowed then allowed = tonumber(oldest[2]) + window end
end
if allowed > now then return allowed end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window)
return 0
"#;

/// Writes a message the store still holds (one erased meanwhile stays erased, with nothing of it
/// written back) and moves it in the queue by ARGV[2]: `due` queues it again at ARGV[3] (ms),
/// `done` releases it, anything else keeps it leased.
const SAVE_LEASED: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] == 'due' then
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
elseif ARGV[2] == 'done' then
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('ZREM', KEYS[3], ARGV[4])
end
return 1
"#;

/// A sent message in one step, unless it was erased while it was being sent: saved and released,
/// the provider's id indexed (KEYS[4], 31 days) and, for an SMS, its number's case remembered
/// for replies (KEYS[5], 92 days).
const RECORD_SENT: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], ARGV[2], 'EX', 2678400)
if #KEYS == 5 then redis.call('SET', KEYS[5], ARGV[3], 'EX', 7948800) end
return 1
"#;

/// Fencing for a send: writes the message (ARGV[1]) and renews its lease (ARGV[3], ms) only if
/// the stored start count (`starts`) is ARGV[2] and the message is not final; then returns what
/// the send depends on, read in the same step: `{case json or '', 1 if ARGV[5] (an SMS number)
/// opted out}`. Returns nil when the start is lost.
///
/// The two fields are found by pattern, not `cjson.decode` (which cost more than the rest of the
/// script). Both serde_json and cjson (CANCEL_QUEUED re-encodes, keys in any order) write JSON
/// without spaces and escape every quote inside a string value, so `"status":"` and `"starts":`
/// match only the keys themselves, never text inside `last_error`; `Message` has no nested
/// field of either name. A message stored before `starts` existed reads 0.
const BEGIN_SEND: &str = r#"
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local starts = tonumber(string.match(raw, '"starts":(%d+)') or '0')
local status = string.match(raw, '"status":"(%a+)"')
local final = {sent = true, delivered = true, failed = true, cancelled = true}
if starts ~= tonumber(ARGV[2]) or final[status] then return false end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local case = redis.call('HGET', KEYS[4], 'json') or ''
local opted_out = 0
if ARGV[5] ~= '' then opted_out = redis.call('SISMEMBER', KEYS[5], ARGV[5]) end
return {case, opted_out}
"#;

/// Cancels a queued message: only if it is still in the due queue (no worker holds it).
const CANCEL_QUEUED: &str = r#"
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return false end
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local message = cjson.decode(raw)
message.status = 'cancelled'
message.updated_at = ARGV[2]
local out = cjson.encode(message)
redis.call('SET', KEYS[1], out)
return out
"#;

/// Claims an idempotency key: returns 'started', 'mismatch', 'inflight' or the saved response.
const IDEMPOTENCY_BEGIN: &str = r#"
local fp = redis.call('HGET', KEYS[1], 'fp')
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'claim', ARGV[2])
  redis.call('EXPIRE', KEYS[1], 60)
  return 'started'
end
if fp ~= ARGV[1] then return 'mismatch' end
local saved = redis.call('HGET', KEYS[1], 'response')
if not saved then return 'inflight' end
return saved
"#;

/// Saves the response (ARGV[2]) for 24 h, only while the claim (ARGV[1]) still holds the key
/// and nothing is saved yet; a request that outlived its claim changes nothing.
const IDEMPOTENCY_FINISH: &str = r#"
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'response') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'response', ARGV[2])
redis.call('EXPIRE', KEYS[1], 86400)
return 1
"#;

/// Lets the key go, only while the claim (ARGV[1]) holds it and nothing is saved.
const IDEMPOTENCY_ABANDON: &str = r#"
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'response') == 1 then return 0 end
return redis.call('DEL', KEYS[1])
"#;

/// Revokes every live link of a case by rewriting its record with `revoked` set.
const REVOKE_LINKS: &str = r#"
local digests = redis.call('SMEMBERS', KEYS[1])
local count = 0
for _, d in ipairs(digests) do
  local key = ARGV[1] .. d
  local raw = redis.call('GET', key)
  if raw then
    local link = cjson.decode(raw)
    if not link.revoked then
      link.revoked = true
      redis.call('SET', key, cjson.encode(link), 'KEEPTTL')
      count = count + 1
    end
  end
end
return count
"#;

thread_local! {
    /// One multiplexed connection per single-threaded runtime (each actix worker has its own),
    /// keyed by URL: a request then talks to Redis without hopping to another thread and back.
    static LOCAL_CONNECTIONS: RefCell<HashMap<String, ConnectionManager>> = RefCell::new(HashMap::new());
    static CONNECTING: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

pub struct RedisStore {
    client: redis::Client,
    url: String,
    /// Used from multi-threaded runtimes, and until a thread's own connection is up.
    conn: ConnectionManager,
    ns: String,
    insert_case: Script,
    update_case: Script,
    update_case_with_events: Script,
    claim_due: Script,
    claim_contact_slot: Script,
    begin_send: Script,
    save_leased: Script,
    record_sent: Script,
    cancel_queued: Script,
    idempotency_begin: Script,
    idempotency_finish: Script,
    idempotency_abandon: Script,
    session_with_case: Script,
    apply_payment: Script,
    revoke_links: Script,
}

fn unavailable(e: redis::RedisError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(corrupt)
}

fn from_json<T: DeserializeOwned>(raw: &str) -> StoreResult<T> {
    serde_json::from_str(raw).map_err(corrupt)
}

impl RedisStore {
    /// Connects (and keeps reconnecting) to `url`; every key starts with `namespace:`.
    pub async fn connect(url: &str, namespace: &str) -> StoreResult<RedisStore> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let conn = ConnectionManager::new(client.clone())
            .await
            .map_err(unavailable)?;
        Ok(RedisStore {
            client,
            url: url.to_owned(),
            conn,
            ns: namespace.to_owned(),
            insert_case: Script::new(INSERT_CASE),
            update_case: Script::new(UPDATE_CASE),
            update_case_with_events: Script::new(UPDATE_CASE_WITH_EVENTS),
            claim_due: Script::new(CLAIM_DUE),
            claim_contact_slot: Script::new(CLAIM_CONTACT_SLOT),
            begin_send: Script::new(BEGIN_SEND),
            save_leased: Script::new(SAVE_LEASED),
            record_sent: Script::new(RECORD_SENT),
            cancel_queued: Script::new(CANCEL_QUEUED),
            idempotency_begin: Script::new(IDEMPOTENCY_BEGIN),
            idempotency_finish: Script::new(IDEMPOTENCY_FINISH),
            idempotency_abandon: Script::new(IDEMPOTENCY_ABANDON),
            session_with_case: Script::new(SESSION_WITH_CASE),
            apply_payment: Script::new(APPLY_PAYMENT),
            revoke_links: Script::new(REVOKE_LINKS),
        })
    }

    fn case_key(&self, id: &CaseId) -> String {
        format!("{}:case:{{{}}}", self.ns, id)
    }
    /// `address` is already a digest: no phone number or e-mail address in key names.
    fn contact_key(&self, agency: &AgencyId, address: &str) -> String {
        format!("{}:contacts:{agency}:{address}", self.ns)
    }
    fn case_links_key(&self, id: &CaseId) -> String {
        format!("{}:case:{{{}}}:links", self.ns, id)
    }
    fn case_messages_key(&self, id: &CaseId) -> String {
        format!("{}:case:{{{}}}:messages", self.ns, id)
    }
    fn agency_cases_key(&self, agency: &AgencyId) -> String {
        format!("{}:agency:{}:cases", self.ns, agency)
    }
    fn ref_key(&self, agency: &AgencyId, external_ref: &ExternalRef) -> String {
        format!("{}:ref:{}:{}", self.ns, agency, external_ref)
    }
    fn kid_sequence_key(&self, creditor: &CreditorId) -> String {
        format!("{}:kidseq:{}", self.ns, creditor)
    }
    fn kid_key(&self, creditor: &CreditorId, kid: &str) -> String {
        format!("{}:kid:{}:{}", self.ns, creditor, kid)
    }
    fn link_prefix(&self) -> String {
        format!("{}:link:", self.ns)
    }
    fn session_key(&self, digest: &TokenDigest) -> String {
        format!("{}:session:{}", self.ns, digest.to_hex())
    }
    fn message_prefix(&self) -> String {
        format!("{}:msg:", self.ns)
    }
    fn due_key(&self) -> String {
        format!("{}:queue:due", self.ns)
    }
    fn optout_key(&self) -> String {
        format!("{}:optout", self.ns)
    }
    fn lease_key(&self) -> String {
        format!("{}:queue:leased", self.ns)
    }

    /// One Redis stream per agency: its entry ids are the event cursors.
    fn events_key(&self, agency: &AgencyId) -> String {
        format!("{}:events:{}", self.ns, agency)
    }

    fn conn(&self) -> ConnectionManager {
        if let Some(local) = LOCAL_CONNECTIONS.with(|l| l.borrow().get(&self.url).cloned()) {
            return local;
        }
        self.connect_this_thread();
        self.conn.clone()
    }

    /// On a single-threaded runtime, opens this thread's own connection in the background.
    fn connect_this_thread(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if runtime.runtime_flavor() != tokio::runtime::RuntimeFlavor::CurrentThread {
            return;
        }
        if !CONNECTING.with(|c| c.borrow_mut().insert(self.url.clone())) {
            return;
        }
        let (client, url) = (self.client.clone(), self.url.clone());
        runtime.spawn(async move {
            match ConnectionManager::new(client).await {
                Ok(conn) => LOCAL_CONNECTIONS.with(|l| {
                    l.borrow_mut().insert(url, conn);
                }),
                // Keep using the shared connection; try again on a later request.
                Err(_) => CONNECTING.with(|c| {
                    c.borrow_mut().remove(&url);
                }),
            }
        });
    }
}

fn ttl_ms(until: DateTime<Utc>) -> u64 {
    (until - Utc::now()).num_milliseconds().max(1) as u64
}

#[async_trait]
impl CaseStore for RedisStore {
    async fn insert_case(&self, case: &Case) -> StoreResult<CaseInsert> {
        let owner: String = self
            .insert_case
            .key(self.ref_key(&case.agency_id, &case.external_ref))
            .key(self.case_key(&case.id))
            .key(self.kid_key(&case.creditor_id, case.kid.as_str()))
            .key(self.agency_cases_key(&case.agency_id))
            .arg(case.id.as_str())
            .arg(case.version)
            .arg(to_json(case)?)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if owner == case.id.as_str() {
            Ok(CaseInsert::Created)
        } else {
            let id = CaseId::parse(&owner).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(CaseInsert::Exists(id))
        }
    }

    async fn update_case(&self, case: &Case) -> StoreResult<Case> {
        let mut next = case.clone();
        next.version += 1;
        let written: i64 = self
            .update_case
            .key(self.case_key(&case.id))
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if written == 1 {
            Ok(next)
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn agency_cases(
        &self,
        agency: &AgencyId,
        start: usize,
        count: usize,
    ) -> StoreResult<Vec<Case>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = self
            .conn()
            .lrange(
                self.agency_cases_key(agency),
                start as isize,
                (start + count - 1) as isize,
            )
            .await
            .map_err(unavailable)?;
        let mut pipe = redis::pipe();
        for id in &ids {
            let id = CaseId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            pipe.hget(self.case_key(&id), "json");
        }
        let raws: Vec<Option<String>> = pipe
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raws.into_iter().flatten().map(|r| from_json(&r)).collect()
    }

    async fn case(&self, id: &CaseId) -> StoreResult<Option<Case>> {
        let raw: Option<String> = self
            .conn()
            .hget(self.case_key(id), "json")
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn case_by_ref(
        &self,
        agency: &AgencyId,
        external_ref: &ExternalRef,
    ) -> StoreResult<Option<Case>> {
        let id: Option<String> = self
            .conn()
            .get(self.ref_key(agency, external_ref))
            .await
            .map_err(unavailable)?;
        match id {
            None => Ok(None),
            Some(id) => {
                let id = CaseId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                self.case(&id).await
            }
        }
    }

    async fn next_kid_sequence(&self, creditor: &CreditorId) -> StoreResult<u64> {
        self.conn()
            .incr(self.kid_sequence_key(creditor), 1u64)
            .await
            .map_err(unavailable)
    }
}

#[async_trait]
impl LinkStore for RedisStore {
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        let ttl = ttl_ms(link.expires_at);
        let case_links = self.case_links_key(&link.case_id);
        redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(format!("{}{}", self.link_prefix(), digest.to_hex()))
            .arg(to_json(link)?)
            .arg("PX")
            .arg(ttl)
            .ignore()
            .sadd(&case_links, digest.to_hex())
            .ignore()
            // The index outlives no link by much: it is refreshed to the newest link's lifetime.
            .pexpire(&case_links, ttl as i64)
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn link(&self, digest: &TokenDigest) -> StoreResult<Option<ShortLink>> {
        let raw: Option<String> = self
            .conn()
            .get(format!("{}{}", self.link_prefix(), digest.to_hex()))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize> {
        let count: usize = self
            .revoke_links
            .key(self.case_links_key(case))
            .arg(self.link_prefix())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(count)
    }

    async fn save_session(
        &self,
        digest: &TokenDigest,
        session: &DebtorSession,
        idle: Duration,
    ) -> StoreResult<()> {
        let idle_ms = idle.as_millis().min(u128::from(u32::MAX)) as u64;
        let ttl = idle_ms.min(ttl_ms(session.expires_at));
        self.conn()
            .pset_ex(self.session_key(digest), to_json(session)?, ttl)
            .await
            .map_err(unavailable)
    }

    async fn session(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<DebtorSession>> {
        let key = self.session_key(digest);
        let idle_ms = idle.as_millis().min(u128::from(u32::MAX)) as i64;
        // GET and the idle-timer refresh in one round trip.
        let (raw, _): (Option<String>, i64) = redis::pipe()
            .get(&key)
            .pexpire(&key, idle_ms)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let session: Option<DebtorSession> = raw.map(|r| from_json(&r)).transpose()?;
        Ok(session.filter(|s| s.is_usable(Utc::now())))
    }

    async fn session_with_case(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        let idle_ms = idle.as_millis().min(u128::from(u32::MAX)) as u64;
        let found: Option<(String, String)> = self
            .session_with_case
            .key(self.session_key(digest))
            .arg(idle_ms)
            .arg(format!("{}:case:", self.ns))
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let Some((raw_session, raw_case)) = found else {
            return Ok(None);
        };
        let session: DebtorSession = from_json(&raw_session)?;
        if !session.is_usable(Utc::now()) {
            return Ok(None);
        }
        Ok(Some((session, from_json(&raw_case)?)))
    }
}

#[async_trait]
impl MessageStore for RedisStore {
    async fn schedule_message(&self, message: &Message) -> StoreResult<()> {
        let id = message.id.as_str();
        redis::pipe()
            .atomic()
            .set(
                format!("{}{}", self.message_prefix(), id),
                to_json(message)?,
            )
            .ignore()
            .zadd(
                self.case_messages_key(&message.case_id),
                id,
                message.created_at.timestamp_millis(),
            )
            .ignore()
            .zadd(self.due_key(), id, message.not_before.timestamp_millis())
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        let raw: Option<String> = self
            .conn()
            .get(format!("{}{}", self.message_prefix(), id))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn case_messages(&self, case: &CaseId) -> StoreResult<Vec<Message>> {
        let ids: Vec<String> = self
            .conn()
            .zrange(self.case_messages_key(case), 0, -1)
            .await
            .map_err(unavailable)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids
            .iter()
            .map(|id| format!("{}{}", self.message_prefix(), id))
            .collect();
        let raws: Vec<Option<String>> = self.conn().mget(keys).await.map_err(unavailable)?;
        raws.into_iter().flatten().map(|r| from_json(&r)).collect()
    }

    async fn claim_due_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<Message>> {
        let raws: Vec<String> = self
            .claim_due
            .key(self.due_key())
            .key(self.lease_key())
            .arg(now.timestamp_millis())
            .arg(lease_until.timestamp_millis())
            .arg(max)
            .arg(self.message_prefix())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raws.iter().map(|r| from_json(r)).collect()
    }

    async fn cancel_queued_message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        let raw: Option<String> = self
            .cancel_queued
            .key(format!("{}{}", self.message_prefix(), id))
            .key(self.due_key())
            .arg(id.as_str())
            .arg(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn delete_case_messages(&self, case: &CaseId) -> StoreResult<usize> {
        let messages = self.case_messages(case).await?;
        let mut pipe = redis::pipe();
        pipe.atomic();
        for m in &messages {
            let id = m.id.as_str();
            pipe.del(format!("{}{}", self.message_prefix(), id))
                .ignore()
                .zrem(self.due_key(), id)
                .ignore()
                .zrem(self.lease_key(), id)
                .ignore();
            if let Some(provider_id) = &m.provider_id {
                pipe.del(format!("{}:provider:{}", self.ns, provider_id))
                    .ignore();
            }
        }
        pipe.del(self.case_messages_key(case)).ignore();
        pipe.query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(messages.len())
    }

    async fn forget_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        let key = format!("{}:smscase:{}", self.ns, phone);
        let current: Option<String> = self.conn().get(&key).await.map_err(unavailable)?;
        if current.as_deref() == Some(case.as_str()) {
            self.conn().del::<_, ()>(&key).await.map_err(unavailable)?;
        }
        Ok(())
    }

    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<SendStart>> {
        let id = message.id.as_str();
        let sms_to = match &message.recipient {
            Recipient::Sms(phone) => phone.e164(),
            Recipient::Email(_) => "",
        };
        let started: Option<(String, i64)> = self
            .begin_send
            .key(format!("{}{}", self.message_prefix(), id))
            .key(self.lease_key())
            .key(self.due_key())
            .key(self.case_key(&message.case_id))
            .key(self.optout_key())
            .arg(to_json(message)?)
            .arg(expected_starts)
            .arg(lease_until.timestamp_millis())
            .arg(id)
            .arg(sms_to)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let Some((case, opted_out)) = started else {
            return Ok(None);
        };
        Ok(Some(SendStart {
            case: (!case.is_empty()).then(|| from_json(&case)).transpose()?,
            opted_out: opted_out == 1,
        }))
    }

    async fn save_leased_message(&self, message: &Message) -> StoreResult<()> {
        let id = message.id.as_str();
        let queue = match message.status {
            MessageStatus::Sending => "leased",
            MessageStatus::Scheduled => "due",
            _ => "done",
        };
        self.save_leased
            .key(format!("{}{}", self.message_prefix(), id))
            .key(self.lease_key())
            .key(self.due_key())
            .arg(to_json(message)?)
            .arg(queue)
            .arg(message.not_before.timestamp_millis())
            .arg(id)
            .invoke_async::<i64>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn record_sent(
        &self,
        message: &Message,
        provider_id: &str,
        sms_to: Option<&str>,
    ) -> StoreResult<()> {
        let id = message.id.as_str();
        // One step, all or nothing: a message is never sent without being recorded as sent,
        // nor recorded without the indexes receipts and replies look it up by.
        let mut script = self
            .record_sent
            .key(format!("{}{}", self.message_prefix(), id));
        script
            .key(self.lease_key())
            .key(self.due_key())
            .key(format!("{}:provider:{}", self.ns, provider_id))
            .arg(to_json(message)?)
            .arg(id)
            .arg(message.case_id.as_str());
        if let Some(phone) = sms_to {
            script.key(format!("{}:smscase:{}", self.ns, phone));
        }
        script
            .invoke_async::<i64>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn index_provider_id(&self, provider_id: &str, message: &MessageId) -> StoreResult<()> {
        // Receipts arrive within days; the index need not outlive a month.
        self.conn()
            .set_ex(
                format!("{}:provider:{}", self.ns, provider_id),
                message.as_str(),
                31 * 24 * 3600,
            )
            .await
            .map_err(unavailable)
    }

    async fn message_by_provider_id(&self, provider_id: &str) -> StoreResult<Option<Message>> {
        let id: Option<String> = self
            .conn()
            .get(format!("{}:provider:{}", self.ns, provider_id))
            .await
            .map_err(unavailable)?;
        match id {
            None => Ok(None),
            Some(id) => {
                self.message(
                    &MessageId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )
                .await
            }
        }
    }
    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        // Replies come within days of a message; three months is plenty.
        self.conn()
            .set_ex(
                format!("{}:smscase:{}", self.ns, phone),
                case.as_str(),
                92 * 24 * 3600,
            )
            .await
            .map_err(unavailable)
    }

    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>> {
        let id: Option<String> = self
            .conn()
            .get(format!("{}:smscase:{}", self.ns, phone))
            .await
            .map_err(unavailable)?;
        id.map(|id| CaseId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    async fn opt_out(&self, phone: &str) -> StoreResult<()> {
        self.conn()
            .sadd(self.optout_key(), phone)
            .await
            .map_err(unavailable)
    }

    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool> {
        self.conn()
            .sismember(self.optout_key(), phone)
            .await
            .map_err(unavailable)
    }

    async fn claim_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
        now: DateTime<Utc>,
        cap: &ContactCap,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let later: i64 = self
            .claim_contact_slot
            .key(self.contact_key(agency, address))
            .arg(now.timestamp_millis())
            .arg(cap.window.num_milliseconds())
            .arg(cap.max)
            .arg(cap.cooldown.num_milliseconds())
            .arg(message.as_str())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok((later > 0)
            .then(|| DateTime::from_timestamp_millis(later))
            .flatten())
    }

    async fn release_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
    ) -> StoreResult<()> {
        self.conn()
            .zrem(self.contact_key(agency, address), message.as_str())
            .await
            .map_err(unavailable)
    }
}

#[async_trait]
impl EventStore for RedisStore {
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case> {
        let mut next = case.clone();
        next.version += 1;
        let mut invocation = self.update_case_with_events.key(self.case_key(&case.id));
        invocation.key(self.events_key(&case.agency_id));
        invocation
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?);
        for event in events {
            if event.agency_id != case.agency_id {
                return Err(StoreError::Corrupt(
                    "an event for another agency than the case's".into(),
                ));
            }
            invocation.arg(to_json(event)?);
        }
        let written: i64 = invocation
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if written == 1 {
            Ok(next)
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn append_events(&self, events: &[Event]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        pipe.atomic();
        for event in events {
            pipe.cmd("XADD")
                .arg(self.events_key(&event.agency_id))
                .arg("*")
                .arg("event")
                .arg(to_json(event)?)
                .ignore();
        }
        pipe.query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn events_after(
        &self,
        agency: &AgencyId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Event)>> {
        // The id right after the cursor, as an inclusive start: parsed first, so a malformed
        // cursor is the caller's error and never reaches Redis.
        let start = match cursor {
            None => "-".to_owned(),
            Some(c) => EventCursor::parse(c)
                .map_err(StoreError::InvalidCursor)?
                .successor()
                .to_string(),
        };
        let reply: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
            .arg(self.events_key(agency))
            .arg(start)
            .arg("+")
            .arg("COUNT")
            .arg(limit)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        reply
            .ids
            .into_iter()
            .map(|entry| {
                let raw: String = entry
                    .get("event")
                    .ok_or_else(|| StoreError::Corrupt("event entry without payload".into()))?;
                Ok((entry.id, from_json(&raw)?))
            })
            .collect()
    }
}

#[async_trait]
impl PaymentStore for RedisStore {
    async fn apply_payment(
        &self,
        case: &Case,
        reference: &str,
        events: &[Event],
    ) -> StoreResult<bool> {
        let mut next = case.clone();
        next.version += 1;
        let mut invocation = self
            .apply_payment
            .key(format!("{}:payment:{}", self.ns, reference));
        invocation
            .key(self.case_key(&case.id))
            .key(self.events_key(&case.agency_id));
        invocation
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?)
            .arg(case.id.as_str());
        for event in events {
            invocation.arg(to_json(event)?);
        }
        let outcome: i64 = invocation
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        match outcome {
            1 => Ok(true),
            2 => Ok(false),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn index_kid(&self, creditor: &CreditorId, kid: &str, case: &CaseId) -> StoreResult<()> {
        self.conn()
            .set(self.kid_key(creditor, kid), case.as_str())
            .await
            .map_err(unavailable)
    }

    async fn case_by_kid(&self, creditor: &CreditorId, kid: &str) -> StoreResult<Option<CaseId>> {
        let id: Option<String> = self
            .conn()
            .get(self.kid_key(creditor, kid))
            .await
            .map_err(unavailable)?;
        id.map(|id| CaseId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }
}

#[async_trait]
impl WebhookStore for RedisStore {
    async fn delivery_state(&self, agency: &AgencyId) -> StoreResult<DeliveryState> {
        let raw: Option<String> = self
            .conn()
            .get(format!("{}:webhook:{}", self.ns, agency))
            .await
            .map_err(unavailable)?;
        Ok(raw.map(|r| from_json(&r)).transpose()?.unwrap_or_default())
    }

    async fn save_delivery_state(
        &self,
        agency: &AgencyId,
        state: &DeliveryState,
    ) -> StoreResult<()> {
        self.conn()
            .set(format!("{}:webhook:{}", self.ns, agency), to_json(state)?)
            .await
            .map_err(unavailable)
    }
}

impl RedisStore {
    fn idempotency_key(&self, scope: &str, key: &str) -> String {
        // The client's key is hashed: it may be long or hold characters unfit for a key name.
        let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(key.as_bytes()));
        format!("{}:idem:{scope}:{digest}", self.ns)
    }
}

#[async_trait]
impl IdempotencyStore for RedisStore {
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        claim: &str,
    ) -> StoreResult<IdempotencyBegin> {
        let answer: String = self
            .idempotency_begin
            .key(self.idempotency_key(scope, key))
            .arg(fingerprint)
            .arg(claim)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(match answer.as_str() {
            "started" => IdempotencyBegin::Started,
            "mismatch" => IdempotencyBegin::Mismatch,
            "inflight" => IdempotencyBegin::InFlight,
            saved => IdempotencyBegin::Replay(from_json(saved)?),
        })
    }

    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
    ) -> StoreResult<()> {
        let _: i64 = self
            .idempotency_finish
            .key(self.idempotency_key(scope, key))
            .arg(claim)
            .arg(to_json(response)?)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn idempotency_abandon(&self, scope: &str, key: &str, claim: &str) -> StoreResult<()> {
        let _: i64 = self
            .idempotency_abandon
            .key(self.idempotency_key(scope, key))
            .arg(claim)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl RedisStore {
    fn agencies_key(&self) -> String {
        format!("{}:agencies", self.ns)
    }
    fn api_key_key(&self, hash: &[u8; 32]) -> String {
        format!("{}:apikey:{}", self.ns, hex::encode(hash))
    }
    fn agency_api_keys_key(&self, agency: &AgencyId) -> String {
        format!("{}:agency:{agency}:apikeys", self.ns)
    }
    fn mandate_key(&self, creditor: &CreditorId) -> String {
        format!("{}:mandate:{creditor}", self.ns)
    }
}

#[async_trait]
impl TenantStore for RedisStore {
    async fn save_agency(&self, agency: &Agency) -> StoreResult<()> {
        self.conn()
            .hset(self.agencies_key(), agency.id.as_str(), to_json(agency)?)
            .await
            .map_err(unavailable)
    }

    async fn agency(&self, id: &AgencyId) -> StoreResult<Option<Agency>> {
        let raw: Option<String> = self
            .conn()
            .hget(self.agencies_key(), id.as_str())
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn agencies(&self) -> StoreResult<Vec<Agency>> {
        let all: HashMap<String, String> = self
            .conn()
            .hgetall(self.agencies_key())
            .await
            .map_err(unavailable)?;
        let mut agencies = all
            .values()
            .map(|r| from_json(r))
            .collect::<StoreResult<Vec<Agency>>>()?;
        agencies.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(agencies)
    }

    async fn add_api_key(&self, hash: &[u8; 32], record: &ApiKeyRecord) -> StoreResult<bool> {
        let key = self.api_key_key(hash);
        let (added,): (bool,) = redis::pipe()
            .atomic()
            .set_nx(&key, to_json(record)?)
            .sadd(self.agency_api_keys_key(&record.agency), hex::encode(hash))
            .ignore()
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(added)
    }

    async fn api_key(&self, hash: &[u8; 32]) -> StoreResult<Option<ApiKeyRecord>> {
        let raw: Option<String> = self
            .conn()
            .get(self.api_key_key(hash))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn agency_api_keys(&self, agency: &AgencyId) -> StoreResult<Vec<ApiKeyRecord>> {
        let hashes: Vec<String> = self
            .conn()
            .smembers(self.agency_api_keys_key(agency))
            .await
            .map_err(unavailable)?;
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = hashes
            .iter()
            .map(|h| format!("{}:apikey:{h}", self.ns))
            .collect();
        let raws: Vec<Option<String>> = self.conn().mget(&keys).await.map_err(unavailable)?;
        let mut records = raws
            .iter()
            .flatten()
            .map(|r| from_json(r))
            .collect::<StoreResult<Vec<ApiKeyRecord>>>()?;
        records.retain(|r| &r.agency == agency);
        records.sort_by_key(|r| r.created_at);
        Ok(records)
    }

    async fn revoke_api_key(
        &self,
        agency: &AgencyId,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let hashes: Vec<String> = self
            .conn()
            .smembers(self.agency_api_keys_key(agency))
            .await
            .map_err(unavailable)?;
        let mut found = false;
        for hash in hashes {
            let key = format!("{}:apikey:{hash}", self.ns);
            let raw: Option<String> = self.conn().get(&key).await.map_err(unavailable)?;
            let Some(raw) = raw else { continue };
            let mut record: ApiKeyRecord = from_json(&raw)?;
            if &record.agency != agency || record.key_id != key_id {
                continue;
            }
            found = true;
            if record.revoked_at.is_none() {
                record.revoked_at = Some(at);
                // XX: a key deleted meanwhile is not brought back; revocation only ever adds.
                let _: bool = self
                    .conn()
                    .set_options(
                        &key,
                        to_json(&record)?,
                        redis::SetOptions::default().conditional_set(redis::ExistenceCheck::XX),
                    )
                    .await
                    .map_err(unavailable)?;
            }
        }
        Ok(found)
    }

    async fn mandate(&self, creditor: &CreditorId) -> StoreResult<Option<Mandate>> {
        let raw: Option<String> = self
            .conn()
            .get(self.mandate_key(creditor))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn save_mandate(&self, creditor: &CreditorId, mandate: &Mandate) -> StoreResult<()> {
        self.conn()
            .set(self.mandate_key(creditor), to_json(mandate)?)
            .await
            .map_err(unavailable)
    }
}

#[async_trait]
impl Health for RedisStore {
    async fn ping(&self) -> StoreResult<()> {
        redis::cmd("PING")
            .query_async::<String>(&mut self.conn())
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}
