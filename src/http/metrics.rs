//! Prometheus metrics at the HTTP edge: `GET /metrics` (the process's recorder rendered as text)
//! and the middleware counting every request by route pattern and status, with its latency.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use metrics_exporter_prometheus::PrometheusHandle;
use tracing::Instrument;

use crate::context::AppContext;
use crate::store::StoreError;

/// The Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub fn render(handle: &PrometheusHandle) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header(("Cache-Control", "no-store"))
        .body(handle.render())
}

/// `/metrics` on the web port (routed only when `server.metrics` is on).
pub async fn web_metrics(ctx: web::Data<AppContext>) -> HttpResponse {
    render(&ctx.metrics)
}

/// Counts a request by its route pattern (never the path: it holds link tokens and case ids),
/// method and status, and records its latency.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    // Unmatched paths (404s, probes of random URLs) share one label.
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    // A span only while traces are exported (the route pattern, never the path: a link's
    // token is in its path).
    let span = if crate::telemetry::exporting() {
        tracing::info_span!(
            "http request",
            http.request.method = method,
            http.route = %route,
            http.response.status_code = tracing::field::Empty,
        )
    } else {
        tracing::Span::none()
    };
    let res = next.call(req).instrument(span.clone()).await?;
    span.record("http.response.status_code", res.status().as_u16());
    let status = res.status().as_u16().to_string();
    let seconds = started.elapsed().as_secs_f64();
    metrics::counter!("innfri_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("innfri_http_request_duration_seconds", "method" => method, "route" => route)
        .record(seconds);
    Ok(res)
}

fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A store failure that reached an HTTP answer, by surface (`api`, `debtor`) and kind.
pub fn store_error(surface: &'static str, kind: &'static str) {
    metrics::counter!("innfri_store_errors_total", "surface" => surface, "kind" => kind)
        .increment(1);
}

/// The label of a store error's kind (its message may hold record keys: never a label).
pub fn store_error_kind(error: &StoreError) -> &'static str {
    match error {
        StoreError::Unavailable(_) => "unavailable",
        StoreError::Conflict => "conflict",
        StoreError::Corrupt(_) => "corrupt",
        StoreError::InvalidCursor(_) => "invalid_cursor",
    }
}
