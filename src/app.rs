//! Wiring: the shared context every role uses, and how each role (serve, worker, demo) starts.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use crate::clock::{SharedClock, SystemClock};
use crate::config::{AppConfig, Backend, StoreSettings};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, MessageId};
use crate::domain::link::{LinkPurpose, ShortLink};
use crate::domain::lost_send::RecoveryRules;
use crate::domain::message::ContactCap;
use crate::i18n::Texts;
use crate::messaging::{ProviderSet, Worker, WorkerSettings};
use crate::payments::checkout::PaymentGateways;
use crate::store::{EmbeddedStore, RedisStore, RedisTimeouts, SharedStore, StoreError};
use crate::tenants::Tenants;

/// What web handlers and the worker share: configuration, the store and the texts.
pub struct AppContext {
    pub config: AppConfig,
    pub store: SharedStore,
    pub texts: Arc<Texts>,
    /// Card and Vipps providers for the case page and their webhooks.
    pub payments: PaymentGateways,
    /// Agencies, API keys and mandates as the store holds them.
    pub tenants: Tenants,
    /// Where `now` comes from: the system clock, or a test's settable clock.
    pub clock: SharedClock,
}

impl AppContext {
    pub async fn new(config: AppConfig) -> anyhow::Result<Arc<AppContext>> {
        // A store file takes the configured pseudonym key; without one the file keeps its own.
        let key =
            (config.settings.store.pseudonym_key.is_some()).then(|| config.pseudonyms.clone());
        let store: SharedStore = match config.settings.store.backend {
            Backend::Embedded => match &config.settings.store.path {
                Some(path) => Arc::new(EmbeddedStore::open(path, key)?),
                None => Arc::new(EmbeddedStore::new()),
            },
            Backend::Redis => Arc::new(
                RedisStore::connect_with(
                    &config.settings.store.redis_url,
                    &config.settings.store.namespace,
                    config.pseudonyms.clone(),
                    redis_timeouts(&config.settings.store),
                )
                .await?,
            ),
        };
        let ctx = AppContext::with_store(config, store)?;
        ctx.tenants.seed(&ctx.config).await?;
        Ok(ctx)
    }

    fn with_store(config: AppConfig, store: SharedStore) -> anyhow::Result<Arc<AppContext>> {
        let texts = Arc::new(Texts::load()?);
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()?;
        let payments = PaymentGateways::from_settings(&config.settings, &http);
        Ok(Arc::new(AppContext {
            config,
            texts,
            payments,
            tenants: Tenants::new(store.clone()),
            store,
            clock: Arc::new(SystemClock),
        }))
    }

    /// An agency as the store holds it (cached briefly; see `tenants`).
    pub async fn agency(&self, id: &AgencyId) -> Result<Option<Agency>, StoreError> {
        self.tenants.agency(id).await
    }

    /// A creditor as configured, with its mandate as last replaced through the API.
    pub async fn creditor(&self, id: &CreditorId) -> Result<Option<Creditor>, StoreError> {
        self.tenants.creditor(&self.config, id).await
    }

    /// Issues a new signed link to the case page, stores its digest, and returns the full URL.
    pub async fn issue_case_link(&self, case: &CaseId) -> Result<String, StoreError> {
        self.issue_link(case, None).await
    }

    /// As [`AppContext::issue_case_link`], for the text of `message`: the link remembers it,
    /// so the provider's copy of the text is recognised as this message after a crash.
    pub async fn issue_message_link(
        &self,
        case: &CaseId,
        message: &MessageId,
    ) -> Result<String, StoreError> {
        self.issue_link(case, Some(message.clone())).await
    }

    async fn issue_link(
        &self,
        case: &CaseId,
        message_id: Option<MessageId>,
    ) -> Result<String, StoreError> {
        let token = self.config.link_keys.issue();
        let now = Utc::now();
        let link = ShortLink {
            case_id: case.clone(),
            purpose: LinkPurpose::Case,
            created_at: now,
            expires_at: now
                + chrono::Duration::days(i64::from(self.config.settings.links.ttl_days)),
            revoked: false,
            message_id,
        };
        self.store.save_link(&token.digest(), &link).await?;
        Ok(format!(
            "{}/k/{}",
            self.config.settings.server.public_base_url,
            token.as_str()
        ))
    }

    /// A worker with the providers the configuration names.
    pub fn worker(self: &Arc<Self>, http: reqwest::Client) -> anyhow::Result<Worker> {
        let m = &self.config.settings.messaging;
        let providers = ProviderSet::from_settings(&self.config.settings, http)?;
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
        Ok(Worker::new(self.clone(), providers, settings))
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
