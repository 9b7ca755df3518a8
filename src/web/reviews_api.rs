//! The agency's side of debtor requests that need a person: list them, approve (optionally
//! with changed terms) or decline with a reason. The debtor is told by SMS or e-mail.

use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::api::{Tenant, parse_body, parse_optional_body};
use super::api_body::ApiBody;
use super::api_error::{ApiError, Body as ErrorBody};
use super::self_service::assign_kids;
use crate::app::AppContext;
use crate::domain::case::{Case, CaseStatus, NOTE_TO_DEBTOR};
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::CaseId;
use crate::domain::jurisdiction::no;
use crate::domain::message::Template;
use crate::domain::plan::{InstalmentPlan, PlanShape, schedule};
use crate::domain::self_service::{PendingRequest, Review};
use crate::domain::text::agency_text;
use crate::messaging::receipts::queue_receipt;

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

async fn own_case(ctx: &AppContext, tenant: &Tenant, raw: &str) -> Result<Case, ApiError> {
    let id = CaseId::parse(raw).map_err(|_| ApiError::CaseNotFound)?;
    ctx.store
        .case(&id)
        .await?
        .filter(|c| c.agency_id == tenant.0)
        .ok_or(ApiError::CaseNotFound)
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

fn with_ids(case: &Case, mut data: serde_json::Value) -> serde_json::Value {
    if let Some(map) = data.as_object_mut() {
        map.insert("case_id".into(), serde_json::json!(case.id));
        map.insert("external_ref".into(), serde_json::json!(case.external_ref));
        map.insert("by".into(), serde_json::json!("agency"));
    }
    data
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
    // Checked before anything is looked up: a bad note is refused whatever the request is.
    let note = input
        .note
        .as_deref()
        .map(|n| agency_text(n, NOTE_TO_DEBTOR))
        .transpose()
        .map_err(|e| ApiError::field("note", e))?
        .filter(|n| !n.is_empty());
    let mut case = own_case(&ctx, &tenant, &case_id).await?;
    let creditor = ctx
        .creditor(&case.creditor_id)
        .await?
        .ok_or(ApiError::CaseNotFound)?;
    let request = case
        .take_review(&request_id)
        .ok_or(ApiError::RequestNotFound)?;
    let now = Utc::now();
    let today = now.date_naive();
    let (kind, receipt, data) = match request {
        PendingRequest::Deferral { new_due_date, .. } => {
            let date = no::business_day_on_or_after(input.new_due_date.unwrap_or(new_due_date));
            if date <= case.due_date || date <= today {
                return Err(ApiError::field(
                    "new_due_date",
                    "must be after the current due date and today",
                ));
            }
            case.grant_deferral(Actor::Agency, date, now);
            (
                EventKind::DeferralGranted,
                Template::DeferralReceipt,
                serde_json::json!({"new_due_date": date}),
            )
        }
        PendingRequest::Plan { plan, .. } => {
            let mut plan = match input.months {
                None => plan,
                Some(months) => schedule(
                    case.amount_due(),
                    PlanShape::Months(months),
                    &creditor.mandate.plan,
                    today,
                )
                .map_err(|e| ApiError::field("months", e))?,
            };
            assign_kids(&ctx, &creditor, &case.id, &mut plan).await?;
            let data = serde_json::json!({"plan": plan});
            case.agree_plan(Actor::Agency, plan, now);
            (EventKind::PlanGranted, Template::PlanReceipt, data)
        }
        PendingRequest::Dispute { .. } => {
            let note = note.as_deref();
            case.uphold_dispute(note, now);
            (
                EventKind::DisputeUpheld,
                Template::DisputeUpheld,
                serde_json::json!({"note": note}),
            )
        }
    };
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        kind,
        with_ids(&case, data),
        now,
    );
    let saved = ctx.store.update_case_with_events(&case, &[event]).await?;
    queue_receipt(&ctx, &saved, receipt).await;
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
    let reason = agency_text(&input.reason, NOTE_TO_DEBTOR.required())
        .map_err(|e| ApiError::field("reason", e))?;
    let reason = reason.as_str();
    let mut case = own_case(&ctx, &tenant, &case_id).await?;
    let request = case
        .take_review(&request_id)
        .ok_or(ApiError::RequestNotFound)?;
    let now = Utc::now();
    case.decline(&request, reason, now);
    let data = with_ids(
        &case,
        serde_json::json!({"request_id": request_id, "reason": reason}),
    );
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::RequestDeclined,
        data,
        now,
    );
    let saved = ctx.store.update_case_with_events(&case, &[event]).await?;
    if saved.status == CaseStatus::Open {
        queue_receipt(&ctx, &saved, Template::RequestDeclined).await;
    }
    let answer = HttpResponse::Ok().json(Declined {
        case_id: &saved.id,
        status: saved.status,
    });
    Ok(super::idempotency::about_case(answer, &saved.id))
}
