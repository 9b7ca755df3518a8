//! The process's one Prometheus recorder: installed the first time a context is built, shared by
//! every later one (tests build many apps in one process), rendered by `/metrics` on either role;
//! and the queue gauges the worker role refreshes.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::sync::watch;

use super::AppContext;
use crate::store::{QueueDepth, StoreResult};

/// Latency buckets in seconds: a link open is a few milliseconds, a bank file a few seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often samples are folded into the histograms when nobody scrapes (bounded memory).
const UPKEEP: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The handle to the process's recorder, installing it on first use.
pub fn handle() -> PrometheusHandle {
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let builder = PrometheusBuilder::new();
    let builder = match builder.set_buckets_for_metric(
        Matcher::Suffix("_duration_seconds".to_owned()),
        LATENCY_BUCKETS,
    ) {
        Ok(b) => b,
        // Only an empty bucket list is refused; the summary it falls back to still renders.
        Err(_) => PrometheusBuilder::new(),
    };
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    if metrics::set_global_recorder(recorder).is_err() {
        // Another recorder was installed first (an embedding program): ours then stays empty.
        tracing::warn!("a metrics recorder was already installed; /metrics shows nothing");
        return handle;
    }
    let upkeep = handle.clone();
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP);
                upkeep.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no metrics upkeep thread; histograms fold at each scrape");
    }
    handle
}

/// How often the worker role reads the queue's depth for its gauges: a few commands per queue
/// shard each time, so not per claim.
pub const QUEUE_REFRESH: Duration = Duration::from_secs(5);

/// Sets the queue gauges from `depth` as read at `now`: messages by state, and the age of the
/// oldest due one (0 when none is due).
pub fn record_queue(depth: &QueueDepth, now: chrono::DateTime<chrono::Utc>) {
    for (state, count) in [
        ("due", depth.due),
        ("scheduled", depth.scheduled),
        ("leased", depth.leased),
    ] {
        metrics::gauge!("innfri_queue_messages", "state" => state).set(count as f64);
    }
    let age = depth
        .oldest_due
        .map(|at| (now - at).num_milliseconds().max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    metrics::gauge!("innfri_queue_oldest_due_age_seconds").set(age);
}

/// Reads the queue's depth now and sets the gauges.
pub async fn refresh_queue(ctx: &AppContext) -> StoreResult<()> {
    let now = ctx.clock.now();
    let depth = ctx.store.queue_depth(now).await?;
    record_queue(&depth, now);
    Ok(())
}

/// The worker role's gauge refresh, every [`QUEUE_REFRESH`] until `shutdown` turns true. A
/// failed read keeps the last values (the store's own error counter shows the outage).
pub async fn refresh_queue_periodically(
    ctx: std::sync::Arc<AppContext>,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        if let Err(e) = refresh_queue(&ctx).await {
            tracing::debug!(error = %e, "queue gauges not refreshed");
        }
        tokio::select! {
            _ = tokio::time::sleep(QUEUE_REFRESH) => {}
            _ = shutdown.changed() => {}
        }
    }
}
