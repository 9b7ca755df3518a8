//! The Redis backend: JSON records under a namespace, Lua scripts where a change spans keys.
//!
//! This file holds the connection and the store itself; each concern's trait is implemented
//! in its own file beside it. Every key name is built in `keys.rs`, every script is a file in
//! `scripts/` (loaded by `scripts.rs`), lifetimes come from [`crate::store::lifetimes`], and
//! upgrades from earlier versions' data are in `migrate.rs`.

mod cases;
mod contact;
mod events;
mod idempotency;
mod keys;
mod links;
mod messages;
mod migrate;
mod payments;
mod scripts;
mod staff;
mod tenants;
mod webhooks;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use serde::Serialize;
use serde::de::DeserializeOwned;

use self::keys::Keys;
use self::scripts::Scripts;
use super::{Health, Pseudonyms, StoreError, StoreResult, corrupt};
use crate::clock::{SharedClock, SystemClock};
use crate::domain::case::Case;
use crate::domain::event::Event;

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
    keys: Keys,
    /// Phone numbers and addresses become these before they reach a set or a value.
    pseudonyms: Pseudonyms,
    scripts: Scripts,
    /// The time the store works out remaining lifetimes and usability from (Redis expires
    /// keys on its own clock).
    clock: SharedClock,
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
        let store = RedisStore {
            client,
            url: url.to_owned(),
            conn,
            timeouts,
            keys: Keys::new(namespace, pseudonyms.clone()),
            pseudonyms,
            scripts: Scripts::load(),
            clock: Arc::new(SystemClock),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The same store reading `now` from `clock` (the system clock unless set).
    pub fn with_clock(mut self, clock: SharedClock) -> RedisStore {
        self.clock = clock;
        self
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
    /// What every case write that records events passes after its own first keys: the outbox,
    /// the case's event index and the retention index, then the versions, the case as written
    /// (`next`), its retention arguments and the events (the order `case_write_helpers.lua`
    /// reads them in).
    fn case_write_with_events(
        &self,
        invocation: &mut redis::ScriptInvocation<'_>,
        case: &Case,
        next: &Case,
        events: &[Event],
    ) -> StoreResult<()> {
        invocation
            .key(self.keys.events(&case.agency_id))
            .key(self.keys.event_data(&case.agency_id))
            .key(self.keys.case_events(&case.id))
            .key(self.keys.retention(&case.creditor_id))
            .key(self.keys.retention_creditors())
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(next)?);
        Self::settled_args(invocation, next);
        Self::event_args(invocation, events, case)
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
