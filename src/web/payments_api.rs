//! The agency's payment endpoint: a bank file (OCR giro or camt.054) in, each payment matched
//! by KID and applied once, a line-by-line report out.

use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::amount::{self, Sign};
use super::api::Tenant;
use super::api_body::ApiBody;
use super::api_error::{ApiError, Body as ErrorBody};
use crate::app::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::ids::CaseId;
use crate::domain::money::Money;
use crate::domain::text::{TextRule, agency_text};
use crate::payments::reconcile::{Outcome, ReportLine, read_file, reconcile};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/reconciliations").route(web::post().to(import)))
        .service(
            web::resource("/api/v1/cases/{id}/payments").route(web::post().to(direct_payment)),
        );
}

/// The agency's id of a direct payment: one word of at most 100 characters.
pub(crate) const PAYMENT_REFERENCE: TextRule = TextRule::line(100).required().without_spaces();

#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectPaymentInput {
    /// The agency's own unique id for this payment: sending it again applies nothing new.
    /// 1 to 100 characters without spaces.
    #[schema(min_length = 1, example = "bank-123")]
    reference: String,
    /// A decimal string (or number) in the case's currency, above zero.
    #[schema(value_type = super::amount::PositiveAmountInput)]
    amount: serde_json::Value,
    /// The day the creditor received it (YYYY-MM-DD); today when left out.
    received_on: Option<chrono::NaiveDate>,
}

/// The case after a direct payment.
#[derive(Serialize, ToSchema)]
pub(crate) struct DirectPaymentResult {
    case_id: CaseId,
    status: CaseStatus,
    /// What is left to pay; negative when overpaid.
    balance: Money,
    #[schema(value_type = super::openapi::PaymentOutcome)]
    outcome: Outcome,
}

/// A payment the debtor made directly to the creditor, registered by the agency.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/payments",
    tag = "payments",
    operation_id = "register_direct_payment",
    summary = "Register a payment the debtor made straight to the creditor",
    params(("id" = String, Path, description = "The case id")),
    request_body = DirectPaymentInput,
    responses(
        (status = 201, description = "Applied", body = DirectPaymentResult),
        (status = 200, description = "This reference was applied before: nothing new", body = DirectPaymentResult),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 422, description = "`invalid_field`: `reference`, `amount`, or the case is closed (`case`)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn direct_payment(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let input: DirectPaymentInput = super::api::parse_body(&body)?;
    let id = crate::domain::ids::CaseId::parse(&path).map_err(|_| ApiError::CaseNotFound)?;
    let case = ctx
        .store
        .case(&id)
        .await?
        .filter(|c| c.agency_id == tenant.0)
        .ok_or(ApiError::CaseNotFound)?;
    let reference = agency_text(&input.reference, PAYMENT_REFERENCE)
        .map_err(|e| ApiError::field("reference", e))?;
    let amount = amount::parse(&input.amount, case.currency(), Sign::Positive)
        .map_err(|e| ApiError::field("amount", e))?;
    let now = Utc::now();
    let incoming = crate::payments::IncomingPayment {
        reference: format!("direct:{}:{reference}", tenant.0),
        legacy_reference: None,
        kid: None,
        amount,
        booked_on: input.received_on.unwrap_or_else(|| now.date_naive()),
        to_account: String::new(),
        from_account: None,
        line: 1,
    };
    let outcome = crate::payments::reconcile::apply_once(
        &ctx,
        Some(&tenant.0),
        &case.id,
        &incoming,
        crate::domain::payment::PaymentMethod::Direct,
        now,
    )
    .await?;
    let status = match outcome {
        Outcome::Applied { .. } => actix_web::http::StatusCode::CREATED,
        Outcome::AlreadyApplied => actix_web::http::StatusCode::OK,
        _ => {
            return Err(ApiError::field(
                "case",
                "is closed; a payment to it needs a person",
            ));
        }
    };
    let saved = ctx
        .store
        .case(&case.id)
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    let answer = HttpResponse::build(status).json(DirectPaymentResult {
        balance: saved.balance(),
        case_id: saved.id,
        status: saved.status,
        outcome,
    });
    Ok(super::idempotency::about_case(answer, &case.id))
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
    let report = reconcile(&ctx, Some(&tenant.0), payments, Utc::now()).await?;
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
