//! Delivering each agency's events to its endpoint, in outbox order, signed, with retries:
//! only 2xx counts; 429/5xx/timeouts/3xx back off (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, …,
//! honouring Retry-After) for about four days before the endpoint is disabled; 410 disables it
//! at once. Runs in the worker, never in the request that caused the event.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::watch;

use crate::app::AppContext;
use crate::config::WebhookEndpoint;
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;
use crate::store::{OutageLog, StoreError};

/// Waits after the 1st, 2nd, … failure; the last one repeats.
const BACKOFF_SECONDS: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/// About four days of trying before the endpoint is disabled.
const MAX_FAILURES: u32 = 14;

pub struct Deliverer {
    ctx: Arc<AppContext>,
    http: reqwest::Client,
    allow_private: bool,
}

/// Why an endpoint may not be called: it resolves to an address inside our own network.
fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1])
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
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
    pub fn new(ctx: Arc<AppContext>) -> anyhow::Result<Deliverer> {
        // No redirects: a 3xx is a failure per the specification, and following one could lead inside.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("innfri-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let allow_private = ctx.config.settings.webhooks.allow_private_destinations;
        Ok(Deliverer {
            ctx,
            http,
            allow_private,
        })
    }

    /// One pass over every agency with an endpoint; returns how many events were delivered.
    pub async fn deliver_once(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut delivered = 0;
        for (agency, endpoint) in &self.ctx.config.webhooks {
            delivered += self.deliver_agency(agency, endpoint, now).await?;
        }
        Ok(delivered)
    }

    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let mut outage = OutageLog::new("webhooks");
        while !*shutdown.borrow() {
            match self.deliver_once(Utc::now()).await {
                Ok(_) => outage.succeeded(std::time::Instant::now()),
                Err(e) => outage.failed(&e, std::time::Instant::now()),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    async fn destination_allowed(&self, endpoint: &WebhookEndpoint) -> bool {
        if self.allow_private {
            return true;
        }
        let (Some(host), Some(port)) = (
            endpoint.url.host_str(),
            endpoint.url.port_or_known_default(),
        ) else {
            return false;
        };
        match tokio::net::lookup_host((host, port)).await {
            // Every address must be public: one private answer is enough to refuse.
            Ok(addrs) => {
                let addrs: Vec<_> = addrs.collect();
                !addrs.is_empty() && addrs.iter().all(|a| !is_private(a.ip()))
            }
            Err(_) => false,
        }
    }

    async fn deliver_agency(
        &self,
        agency: &AgencyId,
        endpoint: &WebhookEndpoint,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let store = &self.ctx.store;
        let mut state = store.delivery_state(agency).await?;
        if state.disabled || state.next_attempt_at.is_some_and(|at| now < at) {
            return Ok(0);
        }
        let events = store
            .events_after(agency, state.cursor.as_deref(), 100)
            .await?;
        let mut delivered = 0;
        for (cursor, event) in events {
            let attempt = if self.destination_allowed(endpoint).await {
                self.post(endpoint, &event, now).await
            } else {
                Attempt::Failed {
                    reason: "the endpoint resolves to a private or loopback address".into(),
                    retry_after: None,
                }
            };
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
        endpoint: &WebhookEndpoint,
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
        let signature = endpoint.secret.sign(&event.id, timestamp, body.as_bytes());
        let response = self
            .http
            .post(endpoint.url.clone())
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
            Err(e) => Attempt::Failed {
                reason: format!("unreachable: {e}"),
                retry_after: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "0.0.0.0",
        ] {
            assert!(is_private(ip.parse().expect("ip")), "{ip}");
        }
        for ip in ["8.8.8.8", "2001:4860:4860::8888", "185.1.2.3"] {
            assert!(!is_private(ip.parse().expect("ip")), "{ip}");
        }
    }
}
