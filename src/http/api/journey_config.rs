//! `/api/v1/creditors/{id}/journey` and `/journey/stats`: the agency reads a creditor's collection
//! journey, replaces it with one that passes what `check-config` checks, and sees which text works.

use actix_web::{HttpRequest, HttpResponse, web};

use super::body::ApiBody;
use super::errors::{ApiError, Body as ErrorBody, FieldIssue};
use super::mandates::own_creditor;
use super::{Tenant, body_json, parse_json};
use crate::context::AppContext;
use crate::domain::journey::Journey;
use crate::domain::journey_stats::VariantStats;
use crate::service::journey_config::{self, JourneyConfigError};
use crate::service::journey_stats;

/// One resource, so other methods on the path answer 405 with `Allow`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/creditors/{creditor_id}/journey")
            .route(web::get().to(get_journey))
            .route(web::put().to(replace_journey)),
    )
    .service(
        web::resource("/api/v1/creditors/{creditor_id}/journey/stats")
            .route(web::get().to(journey_stats)),
    );
}

/// The A/B statistics of a journey, per step and text variant.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JourneyStats {
    pub variants: Vec<VariantStats>,
}

#[utoipa::path(
    get,
    path = "/api/v1/creditors/{creditor_id}/journey/stats",
    tag = "creditors",
    operation_id = "journey_stats",
    summary = "Which text works: per step and text variant, what was sent and what was paid",
    description = "From this agency's cases of the creditor: per step and text variant, how \
        many cases were sent the step, how many of them had a message delivered, opened their \
        link after it, and paid (anything) within 7 and within 30 days of the day it was sent, \
        each rate with its 95 % Wilson interval (`null` when nothing was sent), and the amount \
        paid within those 30 days in minor units (øre). A payment counts for every step sent \
        to its case in the days before it. The counts are kept as the cases change, so the \
        report costs the same for ten cases or a million; they start with the version that \
        introduced them (steps sent before it are not counted).",
    params(("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`")),
    responses(
        (status = 200, description = "The statistics, in step id then variant order", body = JourneyStats),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` (also a creditor the agency does not act for)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn journey_stats(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path).await?;
    let variants = journey_stats::stats(&ctx, &tenant.0, &creditor.id).await?;
    Ok(HttpResponse::Ok().json(JourneyStats { variants }))
}

impl From<JourneyConfigError> for ApiError {
    fn from(e: JourneyConfigError) -> ApiError {
        match e {
            JourneyConfigError::Breaks(found) => ApiError::InvalidFields(
                found
                    .into_iter()
                    .map(|p| FieldIssue {
                        field: p.field,
                        message: p.message,
                    })
                    .collect(),
            ),
            JourneyConfigError::NotAllowed => ApiError::ChangeNotAllowed,
            JourneyConfigError::NoVersion => ApiError::VersionNotFound,
            JourneyConfigError::Store(e) => ApiError::from(e),
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/creditors/{creditor_id}/journey",
    tag = "creditors",
    operation_id = "get_journey",
    summary = "A creditor's collection journey: the steps a case goes through after its due date",
    description = "The journey last replaced through this API, or else the one in the creditor's \
        configuration file. Each step has its `id`, `kind`, `when` (`{\"after_due_date\": days}` \
        or `{\"after_previous_deadline\": days}`), `channels`, `texts` (Fluent message families \
        with their A/B `weight`), whether it carries the statutory `fee`, and the \
        `deadline_days` it gives. The answer is a valid body for `PUT` on the same path.",
    params(("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`")),
    responses(
        (status = 200, description = "The creditor's current journey", body = Journey),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` (also a creditor the agency does not act for)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn get_journey(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path).await?;
    Ok(HttpResponse::Ok().json(&creditor.journey))
}

#[utoipa::path(
    put,
    path = "/api/v1/creditors/{creditor_id}/journey",
    tag = "creditors",
    operation_id = "replace_journey",
    summary = "Replace a creditor's journey, checked like a configuration file",
    description = "The body is a whole journey. It is judged exactly as `innfri check-config` \
        judges a creditor file: its shape, the law of the creditor's jurisdiction (fees, \
        deadlines, order of notices), that every named Fluent message exists in every language \
        for every channel the step can use and says what the law requires, and that its SMS \
        fits `messaging.max_sms_segments`. A journey that fails changes nothing and is 422 \
        `invalid_field`: `field` names the step's setting (`steps[2].fee`) and the message \
        ends with the rule's id in brackets (`(fee_too_early)`); `issues` lists every problem. \
        From the answer on, the engine plans the creditor's cases by the new journey (other \
        processes within 10 seconds); a step already queued for a case goes out as it was planned. \
        Only an agency the creditor's `changes_by` names may replace it (403 \
        `change_not_allowed`); each replacement is kept as a new version \
        (`…/journey/versions`). Replacing emits no event.",
    params(("creditor_id" = String, Path, description = "The creditor id, e.g. `nordlys-energi`")),
    request_body = Journey,
    responses(
        (status = 200, description = "Replaced: the journey now in force", body = Journey),
        (status = 400, description = "`invalid_json`: malformed JSON, a wrong type, a missing or unknown field (`field` names it)", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 403, description = "`change_not_allowed`: the creditor's `changes_by` does not name this agency (nothing changed)", body = ErrorBody),
        (status = 404, description = "`creditor_not_found` (also a creditor the agency does not act for)", body = ErrorBody),
        (status = 422, description = "`invalid_field`: the journey breaks a rule; `field` is the first problem, `issues` lists them all", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn replace_journey(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let creditor = own_creditor(&ctx, &tenant, &path).await?;
    let journey: Journey = parse_json(body_json(&body)?)?;
    let who = super::setting_versions::agency_changer(&req, &tenant);
    journey_config::replace(&ctx, &who, &creditor, &journey, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(&journey))
}
