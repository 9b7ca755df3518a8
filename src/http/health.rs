//! Liveness (`/healthz`) and readiness (`/readyz`: the store answers) — on the web server, and
//! on the worker's own small listener, where liveness also means the send loop is not stuck and
//! `/metrics` is served too (the listener is private to the cluster).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::PrometheusHandle;

use crate::context::AppContext;
use crate::messaging::Heartbeat;
use crate::store::SharedStore;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn readyz(ctx: web::Data<AppContext>) -> HttpResponse {
    let ready = readiness(&ctx.store).await;
    let warnings = ctx.config.late_interest_warnings(ctx.clock.now());
    if warnings.is_empty() || !ready.status().is_success() {
        return ready;
    }
    // Still ready (everything else works), but an operator must add the rate.
    for warning in &warnings {
        tracing::warn!(%warning, "late-payment interest");
    }
    HttpResponse::Ok()
        .content_type("text/plain")
        .body(format!("ready\nwarning: {}", warnings.join("\nwarning: ")))
}

async fn readiness(store: &SharedStore) -> HttpResponse {
    match store.ping().await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("store unavailable")
        }
    }
}

/// What the worker's probes look at.
pub struct WorkerProbes {
    pub store: SharedStore,
    /// Beaten by the send loop.
    pub heartbeat: Arc<Heartbeat>,
    /// A heartbeat older than this fails liveness.
    pub stale_after: Duration,
    /// The process's metrics, rendered at `/metrics`.
    pub metrics: PrometheusHandle,
}

async fn worker_healthz(probes: web::Data<WorkerProbes>) -> HttpResponse {
    let age = probes.heartbeat.age_at(Instant::now());
    if age <= probes.stale_after {
        return healthz().await;
    }
    tracing::error!(
        stalled_s = age.as_secs(),
        "the send loop has made no progress; failing liveness"
    );
    HttpResponse::ServiceUnavailable()
        .content_type("text/plain")
        .body("send loop stalled")
}

async fn worker_readyz(probes: web::Data<WorkerProbes>) -> HttpResponse {
    readiness(&probes.store).await
}

async fn worker_metrics(probes: web::Data<WorkerProbes>) -> HttpResponse {
    super::metrics::render(&probes.metrics)
}

/// The worker's probe listener on an already bound `listener`: one thread, nothing else on it.
pub fn worker_server(probes: WorkerProbes, listener: TcpListener) -> std::io::Result<Server> {
    let probes = web::Data::new(probes);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(probes.clone())
            .route("/healthz", web::get().to(worker_healthz))
            .route("/readyz", web::get().to(worker_readyz))
            .route("/metrics", web::get().to(worker_metrics))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run())
}
