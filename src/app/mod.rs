//! The composition root: builds the context (store, clock, providers, gateways, texts,
//! tenants, the process's metrics recorder: `metrics`), runs the roles (`roles`: serve, worker,
//! demo) and the operator's commands (`commands`). The only module that names all others;
//! nothing depends on it.

pub mod commands;
pub mod demo;
pub mod metrics;
pub mod roles;
pub mod simulate;

use std::sync::Arc;
use std::time::Duration;

pub use crate::context::AppContext;

use crate::clock::{SharedClock, SystemClock};
use crate::config::{AppConfig, Backend, StoreSettings};
use crate::documents::DocumentStore;
use crate::domain::lost_send::RecoveryRules;
use crate::domain::message::ContactCap;
use crate::i18n::Texts;
use crate::messaging::{ProviderSet, Worker, WorkerSettings};
use crate::payments::gateways::checkout::PaymentGateways;
use crate::store::{
    EmbeddedStore, RedisOptions, RedisStore, RedisTarget, RedisTimeouts, SharedStore,
};
use crate::tenants::Tenants;
use crate::webhooks::delivery::Deliverer;
use crate::webhooks::destination::SystemResolver;

impl AppContext {
    /// The context on the system clock, with the store the configuration names and its
    /// agencies and keys seeded.
    pub async fn new(config: AppConfig) -> anyhow::Result<Arc<AppContext>> {
        AppContext::with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`AppContext::new`], reading `now` from `clock` (tests pass a `SettableClock`).
    pub async fn with_clock(
        config: AppConfig,
        clock: SharedClock,
    ) -> anyhow::Result<Arc<AppContext>> {
        // A store file takes the configured pseudonym key; without one the file keeps its own.
        let key =
            (config.settings.store.pseudonym_key.is_some()).then(|| config.pseudonyms.clone());
        let store: SharedStore = match config.settings.store.backend {
            Backend::Embedded => match &config.settings.store.path {
                Some(path) => Arc::new(EmbeddedStore::open(path, key)?.with_clock(clock.clone())),
                None => Arc::new(EmbeddedStore::new().with_clock(clock.clone())),
            },
            Backend::Redis => Arc::new(
                RedisStore::open(
                    &redis_target(&config.settings.store),
                    &config.settings.store.namespace,
                    config.pseudonyms.clone(),
                    RedisOptions {
                        timeouts: redis_timeouts(&config.settings.store),
                        queue_shards: config.settings.store.redis_queue_shards,
                    },
                )
                .await?
                .with_clock(clock.clone()),
            ),
        };
        let ctx = AppContext::with_store(config, store, clock)?;
        ctx.tenants.seed(&ctx.config, ctx.clock.now()).await?;
        Ok(ctx)
    }

    fn with_store(
        config: AppConfig,
        store: SharedStore,
        clock: SharedClock,
    ) -> anyhow::Result<Arc<AppContext>> {
        let texts = Arc::new(Texts::load()?);
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()?;
        let payments = PaymentGateways::from_settings(&config.settings, &http);
        let documents = DocumentStore::from_settings(&config.settings.documents)?;
        Ok(Arc::new(AppContext {
            config,
            texts,
            payments,
            tenants: Tenants::new(store.clone()),
            store,
            clock,
            metrics: metrics::handle(),
            documents,
        }))
    }

    /// The webhook deliverer for the configured endpoints.
    pub fn deliverer(&self) -> anyhow::Result<Deliverer> {
        self.deliverer_with_resolver(Arc::new(SystemResolver))
    }

    /// As [`AppContext::deliverer`], resolving names through `resolver` (tests script it).
    pub fn deliverer_with_resolver(
        &self,
        resolver: Arc<dyn reqwest::dns::Resolve>,
    ) -> anyhow::Result<Deliverer> {
        Deliverer::with_resolver(
            self.config.webhooks.clone(),
            self.config.settings.webhooks.allow_private_destinations,
            self.store.clone(),
            self.clock.clone(),
            resolver,
        )
    }

    /// A worker with the providers the configuration names.
    pub fn worker(self: &Arc<Self>, http: reqwest::Client) -> anyhow::Result<Worker> {
        let providers = ProviderSet::from_settings(&self.config.settings, http)?;
        Ok(self.worker_with(providers))
    }

    /// A worker with the configured settings, sending through `providers`.
    pub fn worker_with(self: &Arc<Self>, providers: ProviderSet) -> Worker {
        let m = &self.config.settings.messaging;
        let settings = WorkerSettings {
            batch_size: m.batch_size,
            concurrency: m.concurrency,
            lease: std::time::Duration::from_secs(u64::from(m.lease_seconds)),
            max_attempts: m.max_attempts,
            poll_interval: std::time::Duration::from_millis(m.poll_interval_ms),
            recovery: RecoveryRules {
                lookup_attempts: m.lookup_attempts,
                receipt_grace: i64::try_from(m.receipt_grace_seconds)
                    .ok()
                    .and_then(chrono::Duration::try_seconds)
                    .unwrap_or(chrono::Duration::days(1)),
            },
            cap: ContactCap {
                max: m.max_reminders_per_week,
                window: chrono::Duration::days(7),
                cooldown: chrono::Duration::hours(i64::from(m.reminder_cooldown_hours)),
            },
        };
        Worker::new(self.clone(), providers, settings)
    }
}

/// One Redis, or the Cluster when its nodes are configured.
fn redis_target(store: &StoreSettings) -> RedisTarget {
    if store.redis_cluster_nodes.is_empty() {
        RedisTarget::Single(store.redis_url.clone())
    } else {
        RedisTarget::Cluster(store.redis_cluster_nodes.clone())
    }
}

/// The Redis timeouts and reconnect pauses as configured.
fn redis_timeouts(store: &StoreSettings) -> RedisTimeouts {
    RedisTimeouts {
        response: Duration::from_millis(store.response_timeout_ms),
        connect: Duration::from_millis(store.connect_timeout_ms),
        max_reconnect_delay: Duration::from_millis(store.max_reconnect_delay_ms),
    }
}

/// The HTTP client for providers: rustls, bounded timeouts, kept-alive connections.
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(20))
        .pool_max_idle_per_host(64)
        .user_agent(concat!("innfri/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::clock::SettableClock;
    use crate::config::ConfigSource;

    #[tokio::test]
    async fn a_context_built_with_a_clock_reads_now_from_it() -> anyhow::Result<()> {
        let config =
            ConfigSource::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config"), Some("demo"))
                .with("store.backend", "embedded")
                .load()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        let then = chrono::Utc.with_ymd_and_hms(2031, 5, 4, 10, 0, 0).unwrap();
        let clock = SettableClock::at(then);
        let ctx = AppContext::with_clock(config, Arc::new(clock.clone())).await?;
        clock.advance(chrono::Duration::minutes(5));
        let url = ctx
            .issue_case_link(&crate::domain::ids::CaseId::generate())
            .await?;
        let token = url.rsplit('/').next().unwrap_or_default();
        let digest = ctx.config.link_keys.verify(token)?.digest();
        let link = ctx.store.link(&digest).await?.expect("the link is stored");
        assert_eq!(link.created_at, then + chrono::Duration::minutes(5));
        Ok(())
    }
}
