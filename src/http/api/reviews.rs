//! The agency's side of debtor requests that need a person: list them, approve (optionally
//! with changed terms) or decline with a reason. The debtor is told by SMS or e-mail.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::ApiBody;
use super::cases::own_case;
use super::errors::{ApiError, Body as ErrorBody};
use super::{Tenant, parse_body, parse_optional_body};
use crate::context::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::ids::CaseId;
use crate::domain::plan::InstalmentPlan;
use crate::domain::self_service::Review;
use crate::service::reviews::{self, Approval};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/cases/{id}/requests").route(web::get().to(list)))
        .service(
            web::resource("/api/v1/cases/{id}/requests/{request}/approve")
                .route(web::post().to(approve)),
        )
        .service(
            web::resource("/api/v1/cases/{id}/requests/{request}/decline")
                .route(web::post().to(decline)),
        );
}

/// The requests of a case that wait for the agency.
#[derive(Serialize, ToSchema)]
pub(crate) struct RequestList<'a> {
    case_id: &'a CaseId,
    requests: &'a [Review],
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/requests",
    tag = "requests",
    operation_id = "list_requests",
    summary = "Debtor requests (deferrals, plans, disputes) waiting for the agency",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "The pending requests", body = RequestList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn list(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    Ok(HttpResponse::Ok().json(RequestList {
        case_id: &case.id,
        requests: &case.pending,
    }))
}

/// Approve as asked, or with other terms; every field is optional and an empty body is `{}`.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApproveInput {
    /// For a deferral: grant this date instead of the one asked for.
    new_due_date: Option<NaiveDate>,
    /// For a plan: grant this many months instead.
    months: Option<u32>,
    /// For a dispute: a note the debtor reads (at most 1000 characters once trimmed).
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeclineInput {
    /// What the debtor reads on the case page: plain words, at most 1000 characters.
    #[schema(min_length = 1)]
    reason: String,
}

/// The case after an approval.
#[derive(Serialize, ToSchema)]
pub(crate) struct Approved<'a> {
    case_id: &'a CaseId,
    status: CaseStatus,
    due_date: NaiveDate,
    /// The agreed instalment plan, if the case has one.
    plan: Option<&'a InstalmentPlan>,
}

/// The case after a request was declined.
#[derive(Serialize, ToSchema)]
pub(crate) struct Declined<'a> {
    case_id: &'a CaseId,
    status: CaseStatus,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/requests/{request}/approve",
    tag = "requests",
    operation_id = "approve_request",
    summary = "Approve a request, as asked or with other terms; approving a dispute upholds it",
    params(
        ("id" = String, Path, description = "The case id"),
        ("request" = String, Path, description = "The request id from the list of requests"),
    ),
    request_body(content = Option<ApproveInput>, description = "Optional; an empty body or `null` is `{}`"),
    responses(
        (status = 200, description = "Approved; the debtor is told", body = Approved),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` / `request_not_found` (no such request waits on the case, e.g. it was answered)", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 422, description = "`invalid_field`: other terms that cannot be granted (`new_due_date`, `months`), or `note`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn approve(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let (case_id, request_id) = path.into_inner();
    let input: ApproveInput = parse_optional_body(&body)?;
    let approval = Approval::new(input.new_due_date, input.months, input.note.as_deref())?;
    let case = own_case(&ctx, &tenant, &case_id).await?;
    let saved = reviews::approve(&ctx, case, &request_id, approval, ctx.clock.now()).await?;
    let answer = HttpResponse::Ok().json(Approved {
        case_id: &saved.id,
        status: saved.status,
        due_date: saved.due_date,
        plan: saved.plan.as_ref(),
    });
    Ok(super::idempotency::about_case(answer, &saved.id))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/requests/{request}/decline",
    tag = "requests",
    operation_id = "decline_request",
    summary = "Decline a request with a reason the debtor reads; a declined dispute resumes collection",
    params(
        ("id" = String, Path, description = "The case id"),
        ("request" = String, Path, description = "The request id from the list of requests"),
    ),
    request_body = DeclineInput,
    responses(
        (status = 200, description = "Declined; the debtor is told", body = Declined),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` / `request_not_found` (no such request waits on the case, e.g. it was answered)", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 422, description = "`invalid_field`: `reason`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn decline(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let (case_id, request_id) = path.into_inner();
    let input: DeclineInput = parse_body(&body)?;
    let reason = reviews::decline_reason(&input.reason)?;
    let case = own_case(&ctx, &tenant, &case_id).await?;
    let saved = reviews::decline(&ctx, case, &request_id, &reason, ctx.clock.now()).await?;
    let answer = HttpResponse::Ok().json(Declined {
        case_id: &saved.id,
        status: saved.status,
    });
    Ok(super::idempotency::about_case(answer, &saved.id))
}
