//! The agency's payment endpoint: a bank file (OCR giro or camt.054) in, each payment matched
//! by KID and applied once, a line-by-line report out.

use actix_web::{HttpResponse, web};
use chrono::Utc;

use super::api::Tenant;
use super::api_error::ApiError;
use crate::app::AppContext;
use crate::payments::reconcile::{Outcome, read_file, reconcile};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/reconciliations", web::post().to(import));
}

async fn import(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // OCR files are ISO-8859-1 by specification; their payment records are plain ASCII.
    let content: String = match std::str::from_utf8(&body) {
        Ok(text) => text.to_owned(),
        Err(_) => body.iter().map(|b| char::from(*b)).collect(),
    };
    let payments = read_file(&content).map_err(|e| ApiError::field("file", e))?;
    let report = reconcile(&ctx, Some(&tenant.0), payments, Utc::now()).await?;
    let applied = report
        .iter()
        .filter(|l| matches!(l.outcome, Outcome::Applied { .. }))
        .count();
    let already = report
        .iter()
        .filter(|l| l.outcome == Outcome::AlreadyApplied)
        .count();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "payments": report.len(),
        "applied": applied,
        "already_applied": already,
        "not_applied": report.len() - applied - already,
        "lines": report,
    })))
}
