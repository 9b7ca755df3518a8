//! The Redis backend: JSON records under a namespace, Lua scripts where a change spans keys.
//!
//! Keys of one case carry the case id as hash tag (`{cs_…}`) so they stay on one Cluster slot.
//! Indexes keyed by something else (external reference, queue) live on their own keys.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    ApiKeyRecord, CaseInsert, CaseStore, EventStore, Health, IdempotencyBegin, IdempotencyStore,
    LinkStore, MessageStore, PaymentStore, Pseudonyms, SavedResponse, SendStart, StoreError,
    StoreResult, TenantStore, WebhookStore, corrupt,
};
use crate::domain::case::Case;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, Event, EventCursor};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use crate::domain::link::{DebtorSession, ShortLink};
use crate::domain::mandate::Mandate;
use crate::domain::message::{ContactCap, Message, MessageStatus, ProviderRef, Recipient};
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

/// Lua functions the case-writing scripts share (prepended to them).
///
/// `index_settled` keeps the retention index in step with a case write: `score` is when
/// collection ended (ms) for a case waiting for erasure, or '' for one that is not.
///
/// `append_events` appends the events in ARGV from `first` on, three arguments each (event id,
/// JSON, '1' when the event is about the case whose index is `index`). The stream entry holds
/// only the id; the payload lives in a hash beside it, so erasure can redact it in place (a
/// stream entry cannot be changed) and the cursor stays what it was.
const CASE_WRITE_HELPERS: &str = r#"
local function index_settled(zkey, creditors, score, case_id, creditor)
  if score == '' then
    redis.call('ZREM', zkey, case_id)
  else
    redis.call('ZADD', zkey, score, case_id)
    redis.call('SADD', creditors, creditor)
  end
end
local function append_events(stream, data, index, first)
  for i = first, #ARGV, 3 do
    redis.call('XADD', stream, '*', 'ref', ARGV[i])
    redis.call('HSET', data, ARGV[i], ARGV[i + 1])
    if ARGV[i + 2] == '1' then redis.call('SADD', index, ARGV[i]) end
  end
end
"#;

/// Compare-and-set on the case version (KEYS: case, retention index, retention creditors;
/// ARGV: version, next version, JSON, settled ms or '', case id, creditor id).
const UPDATE_CASE: &str = r#"
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
index_settled(KEYS[2], KEYS[3], ARGV[4], ARGV[5], ARGV[6])
return 1
"#;

/// Compare-and-set on the case version, and the events that report the change, in one step
/// (KEYS: case, event stream, event payloads, the case's event index, retention index,
/// retention creditors; ARGV as for UPDATE_CASE, then the events from ARGV[7]).
const UPDATE_CASE_WITH_EVENTS: &str = r#"
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'json', ARGV[3])
index_settled(KEYS[5], KEYS[6], ARGV[4], ARGV[5], ARGV[6])
append_events(KEYS[2], KEYS[3], KEYS[4], 7)
return 1
"#;

/// A page of an agency's events: the stream's entries from ARGV[1] (COUNT ARGV[2]) with their
/// payloads, as a flat list of (cursor, JSON). Entries written before payloads moved beside the
/// stream carry theirs inline (`event`).
const EVENTS_AFTER: &str = r#"
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
local out = {}
for _, entry in ipairs(entries) do
  local fields = entry[2]
  local payload = false
  for i = 1, #fields, 2 do
    if fields[i] == 'ref' then
      payload = redis.call('HGET', KEYS[2], fields[i + 1])
    elseif fields[i] == 'event' then
      payload = fields[i + 1]
    end
  end
  if payload then
    table.insert(out, entry[1])
    table.insert(out, payload)
  end
end
return out
"#;

/// Removes up to ARGV[2] entries up to ARGV[1] (a stream id, inclusive) with their payloads.
const TRIM_EVENTS: &str = r#"
local entries = redis.call('XRANGE', KEYS[1], '-', ARGV[1], 'COUNT', ARGV[2])
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'ref' then redis.call('HDEL', KEYS[2], fields[i + 1]) end
  end
  redis.call('XDEL', KEYS[1], entry[1])
end
return #entries
"#;

/// Writes redacted payloads (ARGV pairs: event id, JSON) over those still stored; one trimmed
/// meanwhile is not brought back.
const REWRITE_EVENTS: &str = r#"
local count = 0
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    count = count + 1
  end
end
return count
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
/// appends its events, all in one step (KEYS: payment reference, case, event stream, payloads,
/// the case's event index, retention index, retention creditors; ARGV as for UPDATE_CASE, then
/// the events from ARGV[7]).
const APPLY_PAYMENT: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
if redis.call('HGET', KEYS[2], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'v', ARGV[2], 'json', ARGV[3])
redis.call('SET', KEYS[1], ARGV[5])
index_settled(KEYS[6], KEYS[7], ARGV[4], ARGV[5], ARGV[6])
append_events(KEYS[3], KEYS[4], KEYS[5], 7)
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
///
/// KEYS[2] is the address's key as it was named before pseudonyms (an unsalted SHA-256): what
/// it still counts is carried over into KEYS[1] and the old key goes, so an upgrade neither
/// forgets reminders already sent this week nor keeps the old name.
const CLAIM_CONTACT_SLOT: &str = r#"
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local cooldown = tonumber(ARGV[4])
if redis.call('EXISTS', KEYS[2]) == 1 then
  local old = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
  for i = 1, #old, 2 do redis.call('ZADD', KEYS[1], 'NX', old[i + 1], old[i]) end
  redis.call('DEL', KEYS[2])
  redis.call('PEXPIRE', KEYS[1], window)
end
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
/// the send depends on, read in the same step: `{case json or '', 1 if the recipient opted
/// out}`. Returns nil when the start is lost. The recipient comes as its pseudonym (ARGV[5],
/// looked up in KEYS[5], its channel's opt-out set) and, for an SMS, as the number itself
/// (ARGV[6]) for the opt-out set as it was before pseudonyms (KEYS[6]), which a process of the
/// previous version may still add to during an upgrade.
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
if ARGV[5] ~= '' then
  opted_out = redis.call('SISMEMBER', KEYS[5], ARGV[5])
  if opted_out == 0 then opted_out = redis.call('SISMEMBER', KEYS[6], ARGV[6]) end
end
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
///
/// A response about a case comes with the case's key (KEYS[2]) and its answer index (KEYS[3]):
/// it is listed there, so erasure finds it; if the case was erased while the request ran
/// (its record carries `answers_closed`), the response is not saved and the key is let go.
const IDEMPOTENCY_FINISH: &str = r#"
if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'response') == 1 then return 0 end
if #KEYS == 3 then
  if redis.call('HEXISTS', KEYS[2], 'answers_closed') == 1 then
    redis.call('DEL', KEYS[1])
    return 0
  end
  redis.call('SADD', KEYS[3], KEYS[1])
  redis.call('EXPIRE', KEYS[3], 86400)
end
redis.call('HSET', KEYS[1], 'response', ARGV[2])
redis.call('EXPIRE', KEYS[1], 86400)
return 1
"#;

/// Erasure's part of the idempotency keys: marks the case (KEYS[1]) so no response about it is
/// saved any more, then deletes every saved one listed in its answer index (KEYS[2]).
const FORGET_CASE_ANSWERS: &str = r#"
redis.call('HSET', KEYS[1], 'answers_closed', '1')
local keys = redis.call('SMEMBERS', KEYS[2])
local count = 0
for _, key in ipairs(keys) do count = count + redis.call('DEL', key) end
redis.call('DEL', KEYS[2])
return count
"#;

/// Moves a reply route kept under the number itself (KEYS[1]) to its pseudonym (KEYS[2]),
/// with its time to live; a newer route already under the pseudonym wins.
const MIGRATE_REPLY_ROUTE: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[1])
else
  redis.call('RENAME', KEYS[1], KEYS[2])
end
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

/// How long the store waits for Redis, and how soon it is back after an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedisTimeouts {
    /// Longest wait for one command, including a wait for the connection to come back: past
    /// it the caller gets [`StoreError::Unavailable`] and the command is not sent later.
    pub response: Duration,
    /// Longest wait for one connection attempt.
    pub connect: Duration,
    /// Longest pause between two reconnect attempts, before jitter (which adds up to as much
    /// again); the first pause is one second.
    pub max_reconnect_delay: Duration,
}

impl Default for RedisTimeouts {
    fn default() -> RedisTimeouts {
        RedisTimeouts {
            response: Duration::from_secs(2),
            connect: Duration::from_secs(2),
            max_reconnect_delay: Duration::from_secs(1),
        }
    }
}

impl RedisTimeouts {
    fn manager_config(&self) -> ConnectionManagerConfig {
        // The redis crate (0.27) pauses 1 s after the first failed attempt, then multiplies the
        // pause by `factor` up to `max_delay`, each plus up to 100 % jitter. Its defaults
        // (factor 100, no cap but the backoff crate's 60 s) kept a store that was down for two
        // seconds unusable for about two minutes.
        ConnectionManagerConfig::new()
            .set_factor(2)
            .set_max_delay(u64::try_from(self.max_reconnect_delay.as_millis()).unwrap_or(u64::MAX))
            .set_number_of_retries(6)
            .set_response_timeout(self.response)
            .set_connection_timeout(self.connect)
    }
}

/// A connection whose every command gives up after `limit`. The manager's own response timeout
/// covers only a command on a live connection; while it reconnects, commands wait for the
/// reconnection without limit, and are sent when (and if) it succeeds.
#[derive(Clone)]
struct Bounded {
    conn: ConnectionManager,
    limit: Duration,
}

fn no_answer_in_time() -> redis::RedisError {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "Redis did not answer in time").into()
}

impl ConnectionLike for Bounded {
    fn req_packed_command<'a>(
        &'a mut self,
        cmd: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        let limit = self.limit;
        Box::pin(async move {
            tokio::time::timeout(limit, self.conn.req_packed_command(cmd))
                .await
                .unwrap_or_else(|_| Err(no_answer_in_time()))
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        let limit = self.limit;
        Box::pin(async move {
            tokio::time::timeout(limit, self.conn.req_packed_commands(cmd, offset, count))
                .await
                .unwrap_or_else(|_| Err(no_answer_in_time()))
        })
    }

    fn get_db(&self) -> i64 {
        self.conn.get_db()
    }
}

pub struct RedisStore {
    client: redis::Client,
    url: String,
    /// Used from multi-threaded runtimes, and until a thread's own connection is up.
    conn: ConnectionManager,
    timeouts: RedisTimeouts,
    ns: String,
    pseudonyms: Pseudonyms,
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
    events_after: Script,
    trim_events: Script,
    rewrite_events: Script,
    forget_case_answers: Script,
    migrate_reply_route: Script,
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
    /// Connects (and keeps reconnecting) to `url`; every key starts with `namespace:`. Phone
    /// numbers and addresses are kept as pseudonyms made with `pseudonyms`; data kept under
    /// the names of earlier versions is moved over first (see [`RedisStore::migrate`]).
    pub async fn connect(
        url: &str,
        namespace: &str,
        pseudonyms: Pseudonyms,
    ) -> StoreResult<RedisStore> {
        RedisStore::connect_with(url, namespace, pseudonyms, RedisTimeouts::default()).await
    }

    /// As [`RedisStore::connect`], with these timeouts and reconnect pauses.
    pub async fn connect_with(
        url: &str,
        namespace: &str,
        pseudonyms: Pseudonyms,
        timeouts: RedisTimeouts,
    ) -> StoreResult<RedisStore> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let conn = ConnectionManager::new_with_config(client.clone(), timeouts.manager_config())
            .await
            .map_err(unavailable)?;
        let with_helpers = |script: &str| Script::new(&format!("{CASE_WRITE_HELPERS}{script}"));
        let store = RedisStore {
            client,
            url: url.to_owned(),
            conn,
            timeouts,
            ns: namespace.to_owned(),
            pseudonyms,
            insert_case: Script::new(INSERT_CASE),
            update_case: with_helpers(UPDATE_CASE),
            update_case_with_events: with_helpers(UPDATE_CASE_WITH_EVENTS),
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
            apply_payment: with_helpers(APPLY_PAYMENT),
            revoke_links: Script::new(REVOKE_LINKS),
            events_after: Script::new(EVENTS_AFTER),
            trim_events: Script::new(TRIM_EVENTS),
            rewrite_events: Script::new(REWRITE_EVENTS),
            forget_case_answers: Script::new(FORGET_CASE_ANSWERS),
            migrate_reply_route: Script::new(MIGRATE_REPLY_ROUTE),
        };
        store.migrate().await?;
        Ok(store)
    }

    fn case_key(&self, id: &CaseId) -> String {
        format!("{}:case:{{{}}}", self.ns, id)
    }
    /// The frequency cap's count for one address, under the address's pseudonym.
    fn contact_key(&self, agency: &AgencyId, address: &str) -> String {
        format!("{}:cap:{agency}:{}", self.ns, self.pseudonyms.of(address))
    }
    /// The same count as named before pseudonyms: an unsalted SHA-256, read once more and
    /// removed by CLAIM_CONTACT_SLOT. Its window is a week, so a week after an upgrade no such
    /// key is left and this can go.
    fn legacy_contact_key(&self, agency: &AgencyId, address: &str) -> String {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(address.as_bytes());
        format!(
            "{}:contacts:{agency}:{}",
            self.ns,
            hex::encode(&digest[..16])
        )
    }
    /// The case an SMS to this number was last about, for replies; under its pseudonym.
    fn reply_key(&self, phone: &str) -> String {
        format!("{}:reply:{}", self.ns, self.pseudonyms.of(phone))
    }
    /// The same route as named before pseudonyms (the number itself); moved by `migrate`.
    fn legacy_reply_key(&self, phone: &str) -> String {
        format!("{}:smscase:{phone}", self.ns)
    }
    /// The ids of the case's events, so erasure can find them in the agency's outbox.
    fn case_events_key(&self, id: &CaseId) -> String {
        format!("{}:case:{{{}}}:events", self.ns, id)
    }
    /// The idempotency keys whose saved responses are about the case.
    fn case_answers_key(&self, id: &CaseId) -> String {
        format!("{}:case:{{{}}}:answers", self.ns, id)
    }
    /// The creditor's cases waiting for automatic erasure, scored by when collection ended.
    fn retention_key(&self, creditor: &CreditorId) -> String {
        format!("{}:retention:{creditor}", self.ns)
    }
    fn retention_creditors_key(&self) -> String {
        format!("{}:retention-creditors", self.ns)
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
    /// Pseudonyms of the numbers that answered STOP.
    fn optouts_key(&self) -> String {
        format!("{}:optouts", self.ns)
    }
    /// The opt-out set as it was before pseudonyms (the numbers themselves): emptied into
    /// `optouts` at every start, still read so a STOP taken by an older process counts at once.
    fn legacy_optout_key(&self) -> String {
        format!("{}:optout", self.ns)
    }
    /// E-mail opt-outs, as pseudonyms of the lower-cased addresses.
    fn email_optouts_key(&self) -> String {
        format!("{}:optouts:email", self.ns)
    }
    fn lease_key(&self) -> String {
        format!("{}:queue:leased", self.ns)
    }
    /// `provider:twilio:SM…`: one namespace per provider, so ids of two never meet.
    fn provider_key(&self, provider_id: ProviderRef<'_>) -> String {
        format!("{}:provider:{}", self.ns, provider_id.key())
    }

    /// One Redis stream per agency: its entry ids are the event cursors.
    fn events_key(&self, agency: &AgencyId) -> String {
        format!("{}:events:{}", self.ns, agency)
    }
    /// The payloads of the agency's events, by event id (see CASE_WRITE_HELPERS).
    fn event_data_key(&self, agency: &AgencyId) -> String {
        format!("{}:eventdata:{}", self.ns, agency)
    }
    /// The retention arguments of the case-writing scripts for the case as written (`next`):
    /// settled ms or '' (see `index_settled`), case id, creditor id.
    fn settled_args(invocation: &mut redis::ScriptInvocation<'_>, next: &Case) {
        let score = next
            .retention_clock()
            .map(|t| t.timestamp_millis().to_string())
            .unwrap_or_default();
        invocation
            .arg(score)
            .arg(next.id.as_str())
            .arg(next.creditor_id.as_str());
    }
    /// Passes events to `append_events`: id, JSON and whether it is about `case`.
    fn event_args(
        invocation: &mut redis::ScriptInvocation<'_>,
        events: &[Event],
        case: &Case,
    ) -> StoreResult<()> {
        for event in events {
            if event.agency_id != case.agency_id {
                return Err(StoreError::Corrupt(
                    "an event for another agency than the case's".into(),
                ));
            }
            let about_case = event.case_id.as_ref() == Some(&case.id);
            invocation
                .arg(&event.id)
                .arg(to_json(event)?)
                .arg(if about_case { "1" } else { "0" });
        }
        Ok(())
    }

    fn conn(&self) -> Bounded {
        let limit = self.timeouts.response;
        if let Some(local) = LOCAL_CONNECTIONS.with(|l| l.borrow().get(&self.url).cloned()) {
            return Bounded { conn: local, limit };
        }
        self.connect_this_thread();
        Bounded {
            conn: self.conn.clone(),
            limit,
        }
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
        let config = self.timeouts.manager_config();
        runtime.spawn(async move {
            match ConnectionManager::new_with_config(client, config).await {
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
        let mut invocation = self.update_case.key(self.case_key(&case.id));
        invocation
            .key(self.retention_key(&case.creditor_id))
            .key(self.retention_creditors_key())
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?);
        Self::settled_args(&mut invocation, &next);
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

    async fn cases_settled_before(
        &self,
        creditor: &CreditorId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<CaseId>> {
        let ids: Vec<String> = redis::cmd("ZRANGEBYSCORE")
            .arg(self.retention_key(creditor))
            .arg("-inf")
            .arg(format!("({}", before.timestamp_millis()))
            .arg("LIMIT")
            .arg(0)
            .arg(max)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        ids.iter()
            .map(|id| CaseId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect()
    }

    async fn retention_creditors(&self) -> StoreResult<Vec<CreditorId>> {
        let ids: Vec<String> = self
            .conn()
            .smembers(self.retention_creditors_key())
            .await
            .map_err(unavailable)?;
        let mut creditors = ids
            .iter()
            .map(|id| CreditorId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect::<StoreResult<Vec<_>>>()?;
        creditors.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(creditors)
    }

    async fn unindex_settled(&self, creditor: &CreditorId, case: &CaseId) -> StoreResult<()> {
        self.conn()
            .zrem(self.retention_key(creditor), case.as_str())
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

    async fn end_session(&self, digest: &TokenDigest) -> StoreResult<()> {
        self.conn()
            .del(self.session_key(digest))
            .await
            .map_err(unavailable)
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
            if let Some(provider_id) = m.provider_ref() {
                pipe.del(self.provider_key(provider_id)).ignore();
            } else if let Some(legacy) = &m.provider_id {
                // Indexed before ids were namespaced by provider.
                pipe.del(format!("{}:provider:{}", self.ns, legacy))
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
        // The legacy name too: a process of the previous version may have written it.
        for key in [self.reply_key(phone), self.legacy_reply_key(phone)] {
            let current: Option<String> = self.conn().get(&key).await.map_err(unavailable)?;
            if current.as_deref() == Some(case.as_str()) {
                self.conn().del::<_, ()>(&key).await.map_err(unavailable)?;
            }
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
        // The opt-out set of the message's channel, the recipient's pseudonym in it, and for an
        // SMS the plain number for the set as it was before pseudonyms.
        let (optouts, pseudonym, legacy_member) = match &message.recipient {
            Recipient::Sms(phone) => (
                self.optouts_key(),
                self.pseudonyms.of(phone.e164()),
                phone.e164(),
            ),
            Recipient::Email(email) => (
                self.email_optouts_key(),
                self.pseudonyms
                    .of(&super::email_opt_out_member(email.as_str())),
                "",
            ),
        };
        let started: Option<(String, i64)> = self
            .begin_send
            .key(format!("{}{}", self.message_prefix(), id))
            .key(self.lease_key())
            .key(self.due_key())
            .key(self.case_key(&message.case_id))
            .key(optouts)
            .key(self.legacy_optout_key())
            .arg(to_json(message)?)
            .arg(expected_starts)
            .arg(lease_until.timestamp_millis())
            .arg(id)
            .arg(pseudonym)
            .arg(legacy_member)
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
        provider_id: ProviderRef<'_>,
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
            .key(self.provider_key(provider_id))
            .arg(to_json(message)?)
            .arg(id)
            .arg(message.case_id.as_str());
        if let Some(phone) = sms_to {
            script.key(self.reply_key(phone));
        }
        script
            .invoke_async::<i64>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn index_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
        message: &MessageId,
    ) -> StoreResult<()> {
        // Receipts arrive within days; the index need not outlive a month.
        self.conn()
            .set_ex(
                self.provider_key(provider_id),
                message.as_str(),
                31 * 24 * 3600,
            )
            .await
            .map_err(unavailable)
    }

    async fn message_by_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
    ) -> StoreResult<Option<Message>> {
        let id: Option<String> = self
            .conn()
            .get(self.provider_key(provider_id))
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
            .set_ex(self.reply_key(phone), case.as_str(), 92 * 24 * 3600)
            .await
            .map_err(unavailable)
    }

    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>> {
        let mut id: Option<String> = self
            .conn()
            .get(self.reply_key(phone))
            .await
            .map_err(unavailable)?;
        if id.is_none() {
            // Written by a process of the previous version after this one moved the old routes.
            id = self
                .conn()
                .get(self.legacy_reply_key(phone))
                .await
                .map_err(unavailable)?;
        }
        id.map(|id| CaseId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    async fn opt_out(&self, phone: &str) -> StoreResult<()> {
        self.conn()
            .sadd(self.optouts_key(), self.pseudonyms.of(phone))
            .await
            .map_err(unavailable)
    }

    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool> {
        let (current, legacy): (bool, bool) = redis::pipe()
            .sismember(self.optouts_key(), self.pseudonyms.of(phone))
            .sismember(self.legacy_optout_key(), phone)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(current || legacy)
    }

    async fn opt_in(&self, phone: &str) -> StoreResult<()> {
        // From both sets: a STOP a previous version kept in the plain set is undone too.
        redis::pipe()
            .srem(self.optouts_key(), self.pseudonyms.of(phone))
            .ignore()
            .srem(self.legacy_optout_key(), phone)
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn opt_out_email(&self, address: &str) -> StoreResult<()> {
        self.conn()
            .sadd(
                self.email_optouts_key(),
                self.pseudonyms.of(&super::email_opt_out_member(address)),
            )
            .await
            .map_err(unavailable)
    }

    async fn is_email_opted_out(&self, address: &str) -> StoreResult<bool> {
        self.conn()
            .sismember(
                self.email_optouts_key(),
                self.pseudonyms.of(&super::email_opt_out_member(address)),
            )
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
            .key(self.legacy_contact_key(agency, address))
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
        redis::pipe()
            .zrem(self.contact_key(agency, address), message.as_str())
            .ignore()
            .zrem(self.legacy_contact_key(agency, address), message.as_str())
            .ignore()
            .query_async::<()>(&mut self.conn())
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
        invocation
            .key(self.events_key(&case.agency_id))
            .key(self.event_data_key(&case.agency_id))
            .key(self.case_events_key(&case.id))
            .key(self.retention_key(&case.creditor_id))
            .key(self.retention_creditors_key())
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?);
        Self::settled_args(&mut invocation, &next);
        Self::event_args(&mut invocation, events, case)?;
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
        // As `append_events` in CASE_WRITE_HELPERS: the id in the stream, the payload beside it.
        let mut pipe = redis::pipe();
        pipe.atomic();
        for event in events {
            pipe.cmd("XADD")
                .arg(self.events_key(&event.agency_id))
                .arg("*")
                .arg("ref")
                .arg(&event.id)
                .ignore()
                .hset(
                    self.event_data_key(&event.agency_id),
                    &event.id,
                    to_json(event)?,
                )
                .ignore();
            if let Some(case) = &event.case_id {
                pipe.sadd(self.case_events_key(case), &event.id).ignore();
            }
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
        let flat: Vec<String> = self
            .events_after
            .key(self.events_key(agency))
            .key(self.event_data_key(agency))
            .arg(start)
            .arg(limit)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        flat.chunks_exact(2)
            .map(|pair| Ok((pair[0].clone(), from_json(&pair[1])?)))
            .collect()
    }

    async fn redact_case_events(&self, agency: &AgencyId, case: &CaseId) -> StoreResult<usize> {
        let index = self.case_events_key(case);
        let ids: Vec<String> = self.conn().smembers(&index).await.map_err(unavailable)?;
        if ids.is_empty() {
            return Ok(0);
        }
        let data = self.event_data_key(agency);
        let raws: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(&data)
            .arg(&ids)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let mut rewrite = self.rewrite_events.key(&data);
        let mut changed = 0;
        for raw in raws.iter().flatten() {
            let mut event: Event = from_json(raw)?;
            // The index is per case, but each event is checked anyway: only this case's change.
            if event.case_id.as_ref() == Some(case) && event.redact() {
                rewrite.arg(&event.id).arg(to_json(&event)?);
                changed += 1;
            }
        }
        if changed == 0 {
            return Ok(0);
        }
        rewrite
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn trim_events(
        &self,
        agency: &AgencyId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<usize> {
        // Stream ids begin with the time of the XADD in ms: everything before `before` is up
        // to and including the last id of the millisecond before it.
        let last = (before.timestamp_millis() - 1).max(0);
        self.trim_events
            .key(self.events_key(agency))
            .key(self.event_data_key(agency))
            .arg(last)
            .arg(max)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)
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
            .key(self.events_key(&case.agency_id))
            .key(self.event_data_key(&case.agency_id))
            .key(self.case_events_key(&case.id))
            .key(self.retention_key(&case.creditor_id))
            .key(self.retention_creditors_key())
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?);
        Self::settled_args(&mut invocation, &next);
        Self::event_args(&mut invocation, events, case)?;
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
        case: Option<&CaseId>,
    ) -> StoreResult<()> {
        let mut invocation = self
            .idempotency_finish
            .key(self.idempotency_key(scope, key));
        if let Some(case) = case {
            invocation
                .key(self.case_key(case))
                .key(self.case_answers_key(case));
        }
        let _: i64 = invocation
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

    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize> {
        self.forget_case_answers
            .key(self.case_key(case))
            .key(self.case_answers_key(case))
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)
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

/// Escapes the glob characters of a `SCAN MATCH` pattern, so a namespace is matched literally.
fn glob_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl RedisStore {
    /// Brings data kept under the names of earlier versions over to the current ones. Run on
    /// every connect; each step is safe to repeat and to run from several processes at once.
    ///
    /// - Opt-outs: the old set held the numbers themselves. Its members are added to the
    ///   pseudonymised set and only then removed, on every start, so a STOP recorded by a
    ///   process of the previous version during a rolling upgrade is carried over at the next
    ///   start (and honoured before then: sends also look in the old set). A STOP is never lost.
    /// - Reply routes (`smscase:<number>`, 92 days): renamed to the number's pseudonym with
    ///   their time to live, once (a `SCAN` of the namespace). Reads fall back to the old name
    ///   until the last one written by an older process has expired.
    /// - The retention index: filled once from every case, so cases paid or closed before this
    ///   version are erased on schedule too.
    ///
    /// Frequency-cap counts are carried over lazily by CLAIM_CONTACT_SLOT (the old names hold
    /// an unsalted hash, which cannot be turned into the new one without the address).
    pub async fn migrate(&self) -> StoreResult<()> {
        self.migrate_opt_outs().await?;
        if self.begin_migration("reply-pseudonyms").await? {
            self.migrate_reply_routes().await?;
            self.end_migration("reply-pseudonyms").await?;
        }
        if self.begin_migration("retention-index").await? {
            self.backfill_retention_index().await?;
            self.end_migration("retention-index").await?;
        }
        Ok(())
    }

    fn migrations_key(&self) -> String {
        format!("{}:migrations", self.ns)
    }

    /// Whether the one-time step `name` still has to run.
    async fn begin_migration(&self, name: &str) -> StoreResult<bool> {
        let done: bool = self
            .conn()
            .sismember(self.migrations_key(), name)
            .await
            .map_err(unavailable)?;
        Ok(!done)
    }

    async fn end_migration(&self, name: &str) -> StoreResult<()> {
        self.conn()
            .sadd(self.migrations_key(), name)
            .await
            .map_err(unavailable)
    }

    async fn migrate_opt_outs(&self) -> StoreResult<()> {
        let legacy = self.legacy_optout_key();
        let numbers: Vec<String> = self.conn().smembers(&legacy).await.map_err(unavailable)?;
        if numbers.is_empty() {
            return Ok(());
        }
        let pseudonyms: Vec<String> = numbers.iter().map(|n| self.pseudonyms.of(n)).collect();
        redis::pipe()
            .atomic()
            .sadd(self.optouts_key(), &pseudonyms)
            .ignore()
            .srem(&legacy, &numbers)
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        tracing::info!(count = numbers.len(), "opt-outs moved to pseudonyms");
        Ok(())
    }

    async fn migrate_reply_routes(&self) -> StoreResult<()> {
        let prefix = format!("{}:smscase:", self.ns);
        let pattern = format!("{}*", glob_literal(&prefix));
        let mut cursor: u64 = 0;
        let mut moved = 0usize;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut self.conn())
                .await
                .map_err(unavailable)?;
            for key in keys {
                let Some(phone) = key.strip_prefix(&prefix) else {
                    continue;
                };
                let done: i64 = self
                    .migrate_reply_route
                    .key(&key)
                    .key(self.reply_key(phone))
                    .invoke_async(&mut self.conn())
                    .await
                    .map_err(unavailable)?;
                moved += done as usize;
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        if moved > 0 {
            tracing::info!(count = moved, "SMS reply routes moved to pseudonyms");
        }
        Ok(())
    }

    async fn backfill_retention_index(&self) -> StoreResult<()> {
        let agencies: Vec<String> = self
            .conn()
            .hkeys(self.agencies_key())
            .await
            .map_err(unavailable)?;
        let mut indexed = 0usize;
        for agency in agencies {
            let Ok(agency) = AgencyId::parse(&agency) else {
                continue;
            };
            let mut start = 0usize;
            loop {
                let ids: Vec<String> = self
                    .conn()
                    .lrange(
                        self.agency_cases_key(&agency),
                        start as isize,
                        (start + 499) as isize,
                    )
                    .await
                    .map_err(unavailable)?;
                if ids.is_empty() {
                    break;
                }
                let mut reads = redis::pipe();
                for id in &ids {
                    reads
                        .cmd("HGET")
                        .arg(format!("{}:case:{{{id}}}", self.ns))
                        .arg("json");
                }
                let raws: Vec<Option<String>> = reads
                    .query_async(&mut self.conn())
                    .await
                    .map_err(unavailable)?;
                let mut pipe = redis::pipe();
                let indexed_before = indexed;
                for raw in raws.iter().flatten() {
                    // One unreadable record must not keep the service from starting.
                    let Ok(case) = from_json::<Case>(raw) else {
                        tracing::warn!(%agency, "a case could not be read for the retention index");
                        continue;
                    };
                    if let Some(since) = case.retention_clock() {
                        pipe.zadd(
                            self.retention_key(&case.creditor_id),
                            case.id.as_str(),
                            since.timestamp_millis(),
                        )
                        .ignore()
                        .sadd(self.retention_creditors_key(), case.creditor_id.as_str())
                        .ignore();
                        indexed += 1;
                    }
                }
                if indexed > indexed_before {
                    pipe.query_async::<()>(&mut self.conn())
                        .await
                        .map_err(unavailable)?;
                }
                start += ids.len();
            }
        }
        if indexed > 0 {
            tracing::info!(
                count = indexed,
                "paid and closed cases indexed for retention"
            );
        }
        Ok(())
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
