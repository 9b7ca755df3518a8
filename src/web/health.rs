//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers too).

use actix_web::{HttpResponse, web};

use crate::app::AppContext;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn readyz(ctx: web::Data<AppContext>) -> HttpResponse {
    match ctx.store.ping().await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("store unavailable")
        }
    }
}
