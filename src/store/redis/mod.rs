//! The Redis backend (one server or a Redis Cluster): JSON records under a namespace, Lua
//! scripts where a change spans keys of one hash slot.
//!
//! This file holds the connection and the store itself; each concern's trait is implemented
//! in its own file beside it. Every key name is built in `keys.rs`, every script is a file in
//! `scripts/` (loaded by `scripts.rs`), lifetimes come from [`crate::store::lifetimes`], and
//! upgrades from earlier versions' data are in `migrate.rs`.

mod cases;
mod contact;
mod debtor_cases;
mod events;
mod idempotency;
mod journey_counts;
mod keys;
mod links;
mod messages;
mod migrate;
mod payments;
mod scripts;
mod staff;
mod tallies;
mod tenants;
mod webhooks;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::AtomicU16;
use std::time::Duration;

use async_trait::async_trait;
use redis::AsyncCommands;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
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

/// Where the store's Redis is: one server, or a Redis Cluster reached through any of its nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisTarget {
    Single(String),
    Cluster(Vec<String>),
}

/// How the store talks to Redis and lays out its queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedisOptions {
    pub timeouts: RedisTimeouts,
    /// How many tagged shards the message queue is split into (see `keys.rs`); 1 is one queue.
    pub queue_shards: u16,
}

/// The queue shards when none are configured: enough to spread a queue over a few masters.
pub const DEFAULT_QUEUE_SHARDS: u16 = 16;

impl Default for RedisOptions {
    fn default() -> RedisOptions {
        RedisOptions {
            timeouts: RedisTimeouts::default(),
            queue_shards: DEFAULT_QUEUE_SHARDS,
        }
    }
}

/// One connection type for both kinds of target, so the store is written once: the cluster
/// client routes each command (and each single-slot pipeline or script) to its slot's master,
/// and `Script` loads a script on the node that answers NOSCRIPT.
// Boxing the larger variant would cost an allocation per command (a connection is cloned for
// each), to save stack space that is short-lived anyway.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Link {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Link {
    fn req_packed_command<'a>(
        &'a mut self,
        cmd: &'a redis::Cmd,
    ) -> redis::RedisFuture<'a, redis::Value> {
        match self {
            Link::Single(conn) => conn.req_packed_command(cmd),
            Link::Cluster(conn) => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        match self {
            Link::Single(conn) => conn.req_packed_commands(cmd, offset, count),
            Link::Cluster(conn) => conn.req_packed_commands(cmd, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Link::Single(conn) => conn.get_db(),
            Link::Cluster(conn) => conn.get_db(),
        }
    }
}

/// A connection whose every command gives up after `limit`. The manager's own response timeout
/// covers only a command on a live connection; while it reconnects, commands wait for the
/// reconnection without limit, and are sent when (and if) it succeeds.
#[derive(Clone)]
struct Bounded {
    conn: Link,
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
            let started = std::time::Instant::now();
            let answer = tokio::time::timeout(limit, self.conn.req_packed_command(cmd))
                .await
                .unwrap_or_else(|_| Err(no_answer_in_time()));
            observe(command_kind(cmd), started, answer.as_ref().err());
            answer
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
            let started = std::time::Instant::now();
            let answer =
                tokio::time::timeout(limit, self.conn.req_packed_commands(cmd, offset, count))
                    .await
                    .unwrap_or_else(|_| Err(no_answer_in_time()));
            observe("pipeline", started, answer.as_ref().err());
            answer
        })
    }

    fn get_db(&self) -> i64 {
        self.conn.get_db()
    }
}

/// A command's name as a metric label: one of a closed set (never a key or an argument).
fn command_kind(cmd: &redis::Cmd) -> &'static str {
    let Some(redis::Arg::Simple(name)) = cmd.args_iter().next() else {
        return "other";
    };
    const KNOWN: &[&str] = &[
        "EVALSHA",
        "EVAL",
        "SCRIPT",
        "GET",
        "SET",
        "DEL",
        "MGET",
        "EXISTS",
        "HGET",
        "HSET",
        "HMGET",
        "HGETALL",
        "HKEYS",
        "HDEL",
        "HEXISTS",
        "SADD",
        "SREM",
        "SMEMBERS",
        "SISMEMBER",
        "ZADD",
        "ZREM",
        "ZRANGE",
        "ZRANGEBYSCORE",
        "ZCOUNT",
        "ZCARD",
        "LRANGE",
        "RPUSH",
        "INCR",
        "XADD",
        "XRANGE",
        "PEXPIRE",
        "PTTL",
        "SCAN",
        "PING",
        "RENAMENX",
    ];
    KNOWN
        .iter()
        .find(|known| known.as_bytes().eq_ignore_ascii_case(name))
        .copied()
        .unwrap_or("other")
}

/// Records a command's latency, and its failure if it failed (`timeout` when no answer came
/// within the response timeout, else `error`; a script's own refusal is an answer, not this).
fn observe(kind: &'static str, started: std::time::Instant, error: Option<&redis::RedisError>) {
    metrics::histogram!("innfri_store_command_duration_seconds", "command" => kind)
        .record(started.elapsed().as_secs_f64());
    // NOSCRIPT is the first call of a script on a node: `Script` loads it and asks again.
    if let Some(e) = error.filter(|e| e.kind() != redis::ErrorKind::NoScriptError) {
        let reason = if e.is_timeout() { "timeout" } else { "error" };
        metrics::counter!("innfri_store_command_errors_total", "command" => kind, "reason" => reason)
            .increment(1);
    }
}

/// What the store connects through: one server's client (each single-threaded runtime then
/// opens its own connection), or the cluster's (one multiplexed connection per node, shared).
enum Clients {
    Single { client: redis::Client, url: String },
    Cluster,
}

pub struct RedisStore {
    clients: Clients,
    /// Used from multi-threaded runtimes, and until a thread's own connection is up.
    conn: Link,
    timeouts: RedisTimeouts,
    keys: Keys,
    /// Phone numbers and addresses become these before they reach a set or a value.
    pseudonyms: Pseudonyms,
    scripts: Scripts,
    /// The time the store works out remaining lifetimes and usability from (Redis expires
    /// keys on its own clock).
    clock: SharedClock,
    /// The queue shard the next claim starts at, so workers claim from the shards in turn.
    next_shard: AtomicU16,
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
        let options = RedisOptions {
            timeouts,
            ..RedisOptions::default()
        };
        RedisStore::open(
            &RedisTarget::Single(url.to_owned()),
            namespace,
            pseudonyms,
            options,
        )
        .await
    }

    /// As [`RedisStore::connect`], to one server or a Redis Cluster, with these options.
    pub async fn open(
        target: &RedisTarget,
        namespace: &str,
        pseudonyms: Pseudonyms,
        options: RedisOptions,
    ) -> StoreResult<RedisStore> {
        let timeouts = options.timeouts;
        let (clients, conn) = match target {
            RedisTarget::Single(url) => {
                let client = redis::Client::open(url.as_str()).map_err(unavailable)?;
                let conn =
                    ConnectionManager::new_with_config(client.clone(), timeouts.manager_config())
                        .await
                        .map_err(unavailable)?;
                let clients = Clients::Single {
                    client,
                    url: url.clone(),
                };
                (clients, Link::Single(conn))
            }
            RedisTarget::Cluster(nodes) => {
                // The cluster connection reconnects to a node by itself and follows MOVED and
                // ASK; its retries are bounded so a command still ends within `response`.
                let client = ClusterClientBuilder::new(nodes.clone())
                    .connection_timeout(timeouts.connect)
                    .response_timeout(timeouts.response)
                    .retries(3)
                    .build()
                    .map_err(unavailable)?;
                let conn = client.get_async_connection().await.map_err(unavailable)?;
                (Clients::Cluster, Link::Cluster(conn))
            }
        };
        let store = RedisStore {
            clients,
            conn,
            timeouts,
            keys: Keys::new(namespace, pseudonyms.clone(), options.queue_shards),
            pseudonyms,
            scripts: Scripts::load(),
            clock: Arc::new(SystemClock),
            next_shard: AtomicU16::new(0),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The same store reading `now` from `clock` (the system clock unless set).
    pub fn with_clock(mut self, clock: SharedClock) -> RedisStore {
        self.clock = clock;
        self
    }

    /// Whether this store talks to a Redis Cluster (where no earlier version's data can be).
    fn is_cluster(&self) -> bool {
        matches!(self.clients, Clients::Cluster)
    }

    /// Runs commands each on its own (concurrently, so a single connection sends them in one
    /// write): a pipeline may only hold keys of one slot on a Cluster, these may not.
    async fn each<T: redis::FromRedisValue>(&self, cmds: &[redis::Cmd]) -> StoreResult<Vec<T>> {
        futures::future::try_join_all(
            cmds.iter()
                .map(|cmd| async move { cmd.query_async::<T>(&mut self.conn()).await }),
        )
        .await
        .map_err(unavailable)
    }

    /// The retention index before a case write (`next`, as written): a case the write settles
    /// is indexed first. The index (the creditor's, on its own slot) is thus never short of a
    /// settled case, whatever step a crash interrupts; a write that then fails leaves an entry
    /// the sweep finds not due and passes over, and the case's next write puts right.
    async fn index_before_write(&self, next: &Case) -> StoreResult<()> {
        let Some(since) = next.retention_clock() else {
            return Ok(());
        };
        let mut add = redis::cmd("ZADD");
        add.arg(self.keys.retention(&next.creditor_id))
            .arg(since.timestamp_millis())
            .arg(next.id.as_str());
        let mut creditor = redis::cmd("SADD");
        creditor
            .arg(self.keys.retention_creditors())
            .arg(next.creditor_id.as_str());
        self.each::<i64>(&[add, creditor]).await?;
        Ok(())
    }

    /// The retention index after a case write that left the case unsettled: out it goes.
    async fn unindex_after_write(&self, next: &Case) -> StoreResult<()> {
        if next.retention_clock().is_some() {
            return Ok(());
        }
        self.conn()
            .zrem::<_, _, ()>(self.keys.retention(&next.creditor_id), next.id.as_str())
            .await
            .map_err(unavailable)
    }

    /// Passes the ids of `events` after a case-writing script's own arguments: they are added
    /// to the case's event index in the same step as the write, which is what tells recovery
    /// that a staged event's write happened (see `events.rs`).
    fn event_ids(invocation: &mut redis::ScriptInvocation<'_>, events: &[Event]) {
        for event in events {
            invocation.arg(&event.id);
        }
    }

    fn conn(&self) -> Bounded {
        let limit = self.timeouts.response;
        let Clients::Single { url, .. } = &self.clients else {
            return Bounded {
                conn: self.conn.clone(),
                limit,
            };
        };
        if let Some(local) = LOCAL_CONNECTIONS.with(|l| l.borrow().get(url).cloned()) {
            return Bounded {
                conn: Link::Single(local),
                limit,
            };
        }
        self.connect_this_thread();
        Bounded {
            conn: self.conn.clone(),
            limit,
        }
    }

    /// On a single-threaded runtime, opens this thread's own connection in the background.
    fn connect_this_thread(&self) {
        let Clients::Single { client, url } = &self.clients else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if runtime.runtime_flavor() != tokio::runtime::RuntimeFlavor::CurrentThread {
            return;
        }
        if !CONNECTING.with(|c| c.borrow_mut().insert(url.clone())) {
            return;
        }
        let (client, url) = (client.clone(), url.clone());
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
