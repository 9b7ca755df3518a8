//! `/api/v1/reconciliations`: a bank file (OCR giro or camt.054) in, each payment matched by
//! KID and applied once, a line-by-line report out.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::Tenant;
use super::body::ApiBody;
use super::errors::{ApiError, Body as ErrorBody};
use crate::context::AppContext;
use crate::service::reconcile::{Outcome, ReportLine, read_file, reconcile};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/reconciliations").route(web::post().to(import)));
}

/// What became of a bank file.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReconciliationReport {
    /// Payment lines in the file.
    payments: usize,
    applied: usize,
    already_applied: usize,
    not_applied: usize,
    /// Every payment line, in file order.
    #[schema(value_type = Vec<super::openapi::ReportLineDoc>)]
    lines: Vec<ReportLine>,
}

#[utoipa::path(
    post,
    path = "/api/v1/reconciliations",
    tag = "payments",
    operation_id = "import_bank_file",
    summary = "Import a bank file (Nets OCR giro or ISO 20022 camt.054) and apply its payments once",
    description = "The body is the file as received, whatever the Content-Type, up to \
        `server.max_bank_file_mb` (20 MiB unless configured; more is 413 `payload_too_large`). \
        Importing the same file again applies nothing new. A malformed file is refused whole.",
    request_body(
        description = "The bank file: OCR giro (ISO-8859-1 text) or camt.054 XML",
        content(
            (String = "text/plain"),
            (String = "application/xml"),
            (String = "application/octet-stream"),
        ),
    ),
    responses(
        (status = 200, description = "The report, one line per payment", body = ReconciliationReport),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`invalid_field` (`file`): not a readable OCR or camt.054 file, naming the line or element at fault", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn import(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    // OCR files are ISO-8859-1 by specification; their payment records are plain ASCII. The
    // body becomes the text without a copy when it is UTF-8 (a file of several MiB).
    let content: String = match String::from_utf8(Vec::from(body.0)) {
        Ok(text) => text,
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    };
    let payments = read_file(&content).map_err(|e| ApiError::field("file", e))?;
    let report = reconcile(&ctx, Some(&tenant.0), payments, ctx.clock.now()).await?;
    let applied = report
        .iter()
        .filter(|l| matches!(l.outcome, Outcome::Applied { .. }))
        .count();
    let already = report
        .iter()
        .filter(|l| l.outcome == Outcome::AlreadyApplied)
        .count();
    Ok(HttpResponse::Ok().json(ReconciliationReport {
        payments: report.len(),
        applied,
        already_applied: already,
        not_applied: report.len() - applied - already,
        lines: report,
    }))
}
