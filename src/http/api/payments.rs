//! `/api/v1/cases/{id}/payments`: a payment the debtor made straight to the creditor, registered
//! by the agency and applied once by its reference.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::Tenant;
use super::body::ApiBody;
use super::cases::own_case;
use super::errors::{ApiError, Body as ErrorBody};
use crate::context::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::ids::CaseId;
use crate::domain::money::Money;
use crate::domain::text::{TextRule, agency_text};
use crate::service::amount::{self, Sign};
use crate::service::payments;
use crate::service::reconcile::Outcome;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/cases/{id}/payments").route(web::post().to(direct_payment)));
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
    let input: DirectPaymentInput = super::parse_body(&body)?;
    let case = own_case(&ctx, &tenant, &path).await?;
    let reference = agency_text(&input.reference, PAYMENT_REFERENCE)
        .map_err(|e| ApiError::field("reference", e))?;
    let amount = amount::parse(&input.amount, case.currency(), Sign::Positive)
        .map_err(|e| ApiError::field("amount", e))?;
    let outcome = payments::register_direct(
        &ctx,
        &tenant.0,
        &case.id,
        &reference,
        amount,
        input.received_on,
        ctx.clock.now(),
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
    let owed = crate::service::owed::owed_on_for(&ctx, &saved, ctx.clock.now()).await?;
    let answer = HttpResponse::build(status).json(DirectPaymentResult {
        balance: saved.balance(&owed),
        case_id: saved.id,
        status: saved.status,
        outcome,
    });
    Ok(super::idempotency::about_case(answer, &case.id))
}
