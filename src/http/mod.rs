//! The HTTP server, actix only: debtor pages (`debtor`, maud), the agency API (`api`, JSON),
//! provider callbacks (`callbacks`), health checks and static files. Handlers parse the
//! request, call a use case in `service` and map its answer and errors to HTTP.

pub mod api;
pub mod authorization;
pub mod callbacks;
pub mod client_addr;
pub mod console;
pub mod debtor;
pub mod health;
pub mod metrics;
pub mod security;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, Service};
use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

use crate::context::AppContext;

use self::debtor::pages;

const CSS: &str = include_str!("../../templates/static/app.css");

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .body(CSS)
}

async fn fallback(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    if req.path().starts_with("/api/") {
        return HttpResponse::NotFound()
            .json(serde_json::json!({"error": "not_found", "message": "no such endpoint"}));
    }
    HttpResponse::build(StatusCode::NOT_FOUND)
        .content_type("text/html; charset=utf-8")
        .body(
            pages::notice(
                &ctx.texts,
                debtor::session::requested_locale(&req),
                "not-found-title",
                "not-found-body",
            )
            .into_string(),
        )
}

/// A body too large for a page's form (only a tampered form gets there) is a page in the
/// debtor's terms, not actix's plain text; the API's 413 is its own JSON error already.
async fn too_large_page(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    if res.status() != StatusCode::PAYLOAD_TOO_LARGE || res.request().path().starts_with("/api/") {
        return Ok(res);
    }
    let Some(ctx) = res.request().app_data::<web::Data<AppContext>>().cloned() else {
        return Ok(res);
    };
    let page = pages::notice(
        &ctx.texts,
        debtor::session::requested_locale(res.request()),
        "too-large-title",
        "too-large-body",
    );
    Ok(res.into_response(
        HttpResponse::PayloadTooLarge()
            .content_type("text/html; charset=utf-8")
            .body(page.into_string()),
    ))
}

/// Paths as they may appear in logs: a link token is cut to its first characters.
fn loggable_path(path: &str) -> String {
    if let Some(token) = path.strip_prefix("/k/") {
        return format!("/k/{}…", token.chars().take(4).collect::<String>());
    }
    // An unsubscribe URL is a capability too.
    if path.starts_with("/u/") {
        return "/u/…".to_owned();
    }
    // So is a staff invitation.
    if path.starts_with("/console/invite/") {
        return "/console/invite/…".to_owned();
    }
    path.to_owned()
}

/// Builds the server on an already bound listener (port 0 in tests); signals are the caller's.
pub fn server(ctx: Arc<AppContext>, listener: TcpListener) -> std::io::Result<Server> {
    let workers = match ctx.config.settings.server.workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let metrics_on = ctx.config.settings.server.metrics;
    let debtor_state = web::Data::new(debtor::state(&ctx));
    let console_state = web::Data::new(console::state());
    let data = web::Data::from(ctx);
    let server = HttpServer::new(move || {
        App::new()
            // Innermost: it sees the API's answers before the headers below are added.
            .wrap(actix_web::middleware::from_fn(api::idempotency::middleware))
            .wrap(actix_web::middleware::from_fn(too_large_page))
            .wrap(actix_web::middleware::from_fn(
                debtor::session::remember_language,
            ))
            .wrap(security::default_headers())
            .wrap(actix_web::middleware::from_fn(metrics::middleware))
            .wrap_fn(|req, srv| {
                let method = req.method().clone();
                let path = loggable_path(req.path());
                let fut = srv.call(req);
                async move {
                    let res = fut.await?;
                    tracing::debug!(%method, %path, status = res.status().as_u16(), "request");
                    Ok(res)
                }
            })
            .app_data(data.clone())
            .app_data(debtor_state.clone())
            .app_data(console_state.clone())
            .app_data(web::PayloadConfig::new(256 * 1024))
            .route(pages::CSS_PATH, web::get().to(stylesheet))
            .configure(health::routes)
            .configure(|cfg| {
                if metrics_on {
                    cfg.route("/metrics", web::get().to(metrics::web_metrics));
                }
            })
            .configure(debtor::routes)
            .configure(console::routes)
            .configure(callbacks::routes)
            .configure(api::routes)
            .default_service(web::to(fallback))
    })
    .workers(workers)
    .disable_signals()
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_are_cut_in_logged_paths() {
        assert_eq!(loggable_path("/k/AbCdEfGhIjKlMnOpQrStUvWxY"), "/k/AbCd…");
        assert_eq!(loggable_path("/case"), "/case");
        assert_eq!(loggable_path("/u/msg_1/AbCdEf"), "/u/…");
    }
}
