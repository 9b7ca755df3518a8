//! The agency's side of a creditor's mandate: read it, and replace it with one the jurisdiction
//! pack accepts; debtors' requests are decided by the new one from then on.

use actix_web::{HttpRequest, HttpResponse, web};

use super::body::ApiBody;
use super::errors::{ApiError, Body as ErrorBody};
use super::{Tenant, body_json, parse_json};
use crate::context::AppContext;
use crate::domain::creditor::Creditor;
use crate::domain::ids::CreditorId;
use crate::domain::mandate::Mandate;
use crate::service::mandates;

/// One resource, so other methods on the path answer 405 with `Allow`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/creditors/{creditor_id}/mandate")
            .route(web::get().to(get_mandate))
            .route(web::put().to(replace_mandate)),
    );
}

/// The creditor with its current mandate, if the tenant acts for it. A malformed id, an
/// unknown creditor and another agency's creditor give the same answer, so the answer never
/// tells whether a creditor exists.
pub(super) async fn own_creditor(
    ctx: &AppContext,
    tenant: &Tenant,
    raw: &str,
) -> Result<Creditor, ApiError> {
    let id = CreditorId::parse(raw).map_err(|_| ApiError::CreditorNotFound)?;
    let acts_for = ctx
        .agency(&tenant.0)
        .await?
        .is_some_and(|agency| agency.acts_for(&id));
    if !acts_for {
        return Err(ApiError::CreditorNotFound);
    }
    ctx.creditor(&id).await?.ok_or(ApiError::CreditorNotFound)
}

/// Where in `value` a number with decimals is, if anywhere: amounts and percentages with
/// decimals are strings in the API (as `GET` writes them), never binary floats.
fn fractional_number(value: &serde_json::Value, at: String) -> Option<String> {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => Some(at),
        serde_json::Value::Object(map) => map.iter().find_map(|(key, v)| {
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            fractional_number(v, path)
        }),
        _ => None,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/creditors/{creditor_id}/mandate",
    tag = "creditors",
    operation_id = "get_mandate",
    summary = "A creditor's mandate: what debtors may be granted without a person looking at it",
    description = "The mandate last replaced through this API, or else the one in the creditor's \
        configuration file. The answer is a valid body for `PUT` on the same path.",
    params(("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`")),
    responses(
        (status = 200, description = "The creditor's current mandate", body = Mandate),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` (also a creditor the agency does not act for)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn get_mandate(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path).await?;
    Ok(HttpResponse::Ok().json(&creditor.mandate))
}

#[utoipa::path(
    put,
    path = "/api/v1/creditors/{creditor_id}/mandate",
    tag = "creditors",
    operation_id = "replace_mandate",
    summary = "Replace a creditor's mandate, checked against the law of its jurisdiction",
    description = "The body is a whole mandate: a section left out is \"not allowed\" (as in a \
        configuration file), so send everything `GET` returned with your changes. A mandate \
        that breaks the law (fee cap, interest rate) or contradicts itself changes nothing and \
        is 422 with every problem under `issues`. From the answer on, debtors' requests for \
        every case of the creditor, of every agency acting for it, are decided by the new \
        mandate (other processes within 10 seconds). Only an agency the creditor's \
        `changes_by` names may replace it (403 `change_not_allowed` otherwise). Each \
        replacement is kept as a new version (`…/mandate/versions`). Replacing emits no event.",
    params(("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`")),
    request_body = Mandate,
    responses(
        (status = 200, description = "Replaced: the mandate now in force", body = Mandate),
        (status = 400, description = "`invalid_json`: malformed JSON, a wrong type, a missing or unknown field (`field` names it)", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 403, description = "`change_not_allowed`: the creditor's `changes_by` does not name this agency (nothing changed)", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` (also a creditor the agency does not act for)", body = ErrorBody),
        (status = 422, description = "`invalid_field`: the mandate breaks the law or contradicts itself; `field` is the first problem, `issues` lists them all", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn replace_mandate(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path).await?;
    let json = body_json(&body)?;
    if let Some(path) = fractional_number(&json, String::new()) {
        return Err(ApiError::InvalidJson {
            message: format!(
                "{path}: a number with decimals must be sent as a string, like \"12.5\""
            ),
            field: Some(path),
        });
    }
    let mandate: Mandate = parse_json(json)?;
    let who = super::setting_versions::agency_changer(&req, &tenant);
    mandates::replace(&ctx, &who, &creditor, &mandate, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(&mandate))
}
