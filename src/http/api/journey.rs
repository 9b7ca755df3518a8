//! `/api/v1/cases/{id}/journey/pause` and `/resume`: a person holds a case's journey where it
//! stands, or lets it go on (also after the engine paused it for review).

use actix_web::{HttpResponse, web};

use super::Tenant;
use super::cases::{creditor_today, own_case};
use super::dto::CaseView;
use super::errors::{ApiError, Body as ErrorBody};
use super::idempotency::about_case;
use crate::context::AppContext;
use crate::domain::journey::PauseReason;
use crate::service::journey;

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/journey/pause",
    tag = "cases",
    operation_id = "pause_journey",
    summary = "Hold the case's journey where it stands: its queued step is cancelled",
    description = "Any request body is ignored. Pausing a paused journey again answers 200. The case view's `journey.paused` says `manual` until it is resumed.",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "Paused", body = CaseView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn pause_journey(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let own = own_case(&ctx, &tenant, &path).await?;
    let case = journey::pause(&ctx, &own.id, PauseReason::Manual, ctx.clock.now())
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    Ok(about_case(
        HttpResponse::Ok().json(CaseView::new(&case, creditor_today(&ctx, &case).await?)),
        &case.id,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/journey/resume",
    tag = "cases",
    operation_id = "resume_journey",
    summary = "Let the case's journey go on from where it stands; its next step is queued",
    description = "Any request body is ignored. Clears a pause set by a person or by the engine (`needs_review`: check the creditor's journey or the case first, or the same step pauses again). A dispute, a request waiting for review or an agreed plan still hold the journey until they are resolved.",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "Resumed", body = CaseView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn resume_journey(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let own = own_case(&ctx, &tenant, &path).await?;
    let case = journey::resume(&ctx, &own.id, ctx.clock.now())
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    Ok(about_case(
        HttpResponse::Ok().json(CaseView::new(&case, creditor_today(&ctx, &case).await?)),
        &case.id,
    ))
}
