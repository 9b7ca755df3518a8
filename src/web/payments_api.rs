//! The agency's payment endpoint: a bank file (OCR giro or camt.054) in, each payment matched
//! by KID and applied once, a line-by-line report out.

use actix_web::{HttpResponse, web};
use chrono::Utc;

use super::api::Tenant;
use super::api_error::ApiError;
use crate::app::AppContext;
use crate::payments::reconcile::{Outcome, read_file, reconcile};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/reconciliations", web::post().to(import))
        .route(
            "/api/v1/cases/{id}/payments",
            web::post().to(direct_payment),
        );
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectPaymentInput {
    /// The agency's own unique id for this payment: sending it again applies nothing new.
    reference: String,
    /// A decimal string (or number) in the case's currency, above zero.
    amount: serde_json::Value,
    /// The day the creditor received it (YYYY-MM-DD); today when left out.
    received_on: Option<chrono::NaiveDate>,
}

/// A payment the debtor made directly to the creditor, registered by the agency.
async fn direct_payment(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let input: DirectPaymentInput = super::api::parse_body(&body)?;
    let id = crate::domain::ids::CaseId::parse(&path).map_err(|_| ApiError::CaseNotFound)?;
    let case = ctx
        .store
        .case(&id)
        .await?
        .filter(|c| c.agency_id == tenant.0)
        .ok_or(ApiError::CaseNotFound)?;
    let reference = input.reference.trim();
    if reference.is_empty() || reference.len() > 100 || reference.contains(char::is_whitespace) {
        return Err(ApiError::field(
            "reference",
            "must be 1 to 100 characters without spaces",
        ));
    }
    let text = match &input.amount {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => {
            return Err(ApiError::field(
                "amount",
                "must be a decimal string like \"500.00\"",
            ));
        }
    };
    let amount = crate::domain::money::Money::parse(&text, case.currency())
        .map_err(|e| ApiError::field("amount", e))?;
    if !amount.is_positive() {
        return Err(ApiError::field("amount", "must be above zero"));
    }
    let now = Utc::now();
    let incoming = crate::payments::IncomingPayment {
        reference: format!("direct:{}:{reference}", tenant.0),
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
    Ok(HttpResponse::build(status).json(serde_json::json!({
        "case_id": saved.id, "status": saved.status, "balance": saved.balance(), "outcome": outcome,
    })))
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
