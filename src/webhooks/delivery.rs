//! Delivering each agency's events to its endpoint, in outbox order, signed, with retries:
//! only 2xx counts; 429/5xx/timeouts/3xx back off (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, …,
//! honouring Retry-After) for about four days before the endpoint is disabled; 410 disables it
//! at once. Runs in the worker, never in the request that caused the event.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::watch;

use std::collections::{BTreeSet, HashMap};

use crate::clock::SharedClock;
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;
use crate::domain::webhook_endpoint::WebhookSetting;
use crate::store::{OutageLog, SharedStore, StoreError};
use crate::webhooks::WebhookEndpoint;
use crate::webhooks::destination::{
    PublicOnly, SystemResolver, is_private_refusal, is_public, literal_address,
};

/// Waits after the 1st, 2nd, … failure; the last one repeats.
const BACKOFF_SECONDS: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/// About four days of trying before the endpoint is disabled.
const MAX_FAILURES: u32 = 14;

/// Takes the store, the clock and the configured endpoints rather than the whole context:
/// delivery is a role of its own that needs no more (and `webhooks` stays below the context).
pub struct Deliverer {
    store: SharedStore,
    clock: SharedClock,
    /// From `agencies.toml`; an endpoint an admin saved in the store wins over these.
    configured: HashMap<AgencyId, WebhookEndpoint>,
    http: reqwest::Client,
    allow_private: bool,
}

/// Why nothing was sent to an endpoint on an internal address (for the operator's log; the
/// agency sees a failed attempt like any other, so refusals tell it nothing about our network).
const REFUSED: &str = "refused: private address";

/// The resolver chosen at start-up, in the sized type `reqwest`'s `dns_resolver` takes.
struct Chosen(Arc<dyn reqwest::dns::Resolve>);

impl reqwest::dns::Resolve for Chosen {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        self.0.resolve(name)
    }
}

enum Attempt {
    Delivered,
    Gone,
    Failed {
        reason: String,
        retry_after: Option<Duration>,
    },
}

impl Deliverer {
    /// Delivers to `endpoints`; unless `allow_private`, never to an internal address.
    pub fn new(
        endpoints: HashMap<AgencyId, WebhookEndpoint>,
        allow_private: bool,
        store: SharedStore,
        clock: SharedClock,
    ) -> anyhow::Result<Deliverer> {
        Deliverer::with_resolver(
            endpoints,
            allow_private,
            store,
            clock,
            Arc::new(SystemResolver),
        )
    }

    /// As [`Deliverer::new`], resolving names through `resolver` (tests answer with the
    /// addresses they need). Unless private destinations are allowed, only its public answers
    /// are connected to.
    pub fn with_resolver(
        endpoints: HashMap<AgencyId, WebhookEndpoint>,
        allow_private: bool,
        store: SharedStore,
        clock: SharedClock,
        resolver: Arc<dyn reqwest::dns::Resolve>,
    ) -> anyhow::Result<Deliverer> {
        let resolver: Arc<dyn reqwest::dns::Resolve> = if allow_private {
            resolver
        } else {
            Arc::new(PublicOnly::new(resolver))
        };
        // No redirects: a 3xx is a failure per the specification, and following one could lead
        // inside. No proxy: a proxy would resolve the name again, where the check cannot see.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(Chosen(resolver)))
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("innfri-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Deliverer {
            store,
            clock,
            configured: endpoints,
            http,
            allow_private,
        })
    }

    /// One pass over every agency with an endpoint; returns how many events were delivered.
    /// The endpoints are read on each pass, so an admin's change holds from the next second.
    pub async fn deliver_once(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut agencies: BTreeSet<AgencyId> = self.configured.keys().cloned().collect();
        agencies.extend(self.store.agencies().await?.into_iter().map(|a| a.id));
        let mut delivered = 0;
        for agency in &agencies {
            let setting = in_force(&self.store, &self.configured, agency).await?;
            if setting.url.is_some() && !setting.secrets.is_empty() {
                delivered += self.deliver_agency(agency, &setting, now).await?;
            }
        }
        Ok(delivered)
    }

    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let mut outage = OutageLog::new("webhooks");
        while !*shutdown.borrow() {
            match self.deliver_once(self.clock.now()).await {
                Ok(_) => outage.succeeded(std::time::Instant::now()),
                Err(e) => outage.failed(&e, std::time::Instant::now()),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Whether the URL names an internal address literally. Names are judged by the client's
    /// resolver when it connects (see [`PublicOnly`]), literal addresses here.
    fn literal_refused(&self, url: &url::Url) -> bool {
        !self.allow_private && literal_address(url).is_some_and(|ip| !is_public(ip))
    }

    async fn deliver_agency(
        &self,
        agency: &AgencyId,
        endpoint: &WebhookSetting,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let store = &self.store;
        let mut state = store.delivery_state(agency).await?;
        if state.disabled || state.next_attempt_at.is_some_and(|at| now < at) {
            return Ok(0);
        }
        let events = store
            .events_after(agency, state.cursor.as_deref(), 100)
            .await?;
        let Some(url) = endpoint.url.as_ref().map(|u| u.url()) else {
            return Ok(0);
        };
        let mut delivered = 0;
        for (cursor, event) in events {
            let attempt = if self.literal_refused(url) {
                Attempt::Failed {
                    reason: REFUSED.into(),
                    retry_after: None,
                }
            } else {
                self.post(url, endpoint, &event, now).await
            };
            let outcome = match &attempt {
                Attempt::Delivered => "delivered",
                Attempt::Gone => "gone",
                Attempt::Failed { .. } => "failed",
            };
            metrics::counter!("innfri_webhook_deliveries_total", "outcome" => outcome).increment(1);
            match attempt {
                Attempt::Delivered => {
                    state = DeliveryState {
                        cursor: Some(cursor),
                        failures: 0,
                        next_attempt_at: None,
                        disabled: false,
                    };
                    store.save_delivery_state(agency, &state).await?;
                    delivered += 1;
                }
                Attempt::Gone => {
                    tracing::warn!(%agency, "webhook endpoint answered 410 Gone: disabled");
                    state.disabled = true;
                    store.save_delivery_state(agency, &state).await?;
                    break;
                }
                Attempt::Failed {
                    reason,
                    retry_after,
                } => {
                    state.failures += 1;
                    let index = (state.failures as usize - 1).min(BACKOFF_SECONDS.len() - 1);
                    let base = BACKOFF_SECONDS[index];
                    let jitter = rand::thread_rng().gen_range(0..=base / 10);
                    let mut wait = chrono::Duration::seconds(base + jitter);
                    if let Some(after) =
                        retry_after.and_then(|d| chrono::Duration::from_std(d).ok())
                    {
                        wait = wait.max(after);
                    }
                    state.next_attempt_at = Some(now + wait);
                    state.disabled = state.failures >= MAX_FAILURES;
                    tracing::warn!(%agency, %reason, failures = state.failures, retry_in_s = wait.num_seconds(), "webhook delivery failed");
                    store.save_delivery_state(agency, &state).await?;
                    break;
                }
            }
        }
        Ok(delivered)
    }

    async fn post(
        &self,
        url: &url::Url,
        endpoint: &WebhookSetting,
        event: &crate::domain::event::Event,
        now: DateTime<Utc>,
    ) -> Attempt {
        let body = serde_json::json!({
            "type": event.kind,
            "timestamp": event.occurred_at,
            "data": event.data,
        })
        .to_string();
        let timestamp = now.timestamp();
        // During a rotation every secret still in force signs, space-separated, current first.
        let signature = endpoint
            .signing_at(now)
            .iter()
            .map(|secret| secret.sign(&event.id, timestamp, body.as_bytes()))
            .collect::<Vec<_>>()
            .join(" ");
        let response = self
            .http
            .post(url.clone())
            .header("content-type", "application/json")
            .header("webhook-id", &event.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match response {
            Ok(r) if r.status().is_success() => Attempt::Delivered,
            Ok(r) if r.status() == reqwest::StatusCode::GONE => Attempt::Gone,
            Ok(r) => Attempt::Failed {
                reason: format!("answered {}", r.status()),
                retry_after: r
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs),
            },
            Err(e) if is_private_refusal(&e) => Attempt::Failed {
                reason: REFUSED.into(),
                retry_after: None,
            },
            Err(e) => Attempt::Failed {
                reason: format!("unreachable: {e}"),
                retry_after: None,
            },
        }
    }
}

/// The endpoint in force for `agency`: the one its admins saved, else the configured one
/// (or none), as a setting before any change.
pub async fn in_force(
    store: &SharedStore,
    configured: &HashMap<AgencyId, WebhookEndpoint>,
    agency: &AgencyId,
) -> Result<WebhookSetting, StoreError> {
    Ok(match store.webhook_setting(agency).await? {
        Some(saved) => saved,
        None => WebhookSetting::continuing(
            configured
                .get(agency)
                .map(|e| (e.url.clone(), e.secret.clone())),
            DateTime::UNIX_EPOCH,
        ),
    })
}
