//! `/api/v1/cases`: create or update, list, read, close and erase the agency's cases.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::body::ApiBody;
use super::dto::{CaseDay, CaseInput, CaseList, CaseView, Include};
use super::errors::{ApiError, Body as ErrorBody};
use super::idempotency::about_case;
use super::{Tenant, parse_body, parse_optional_body};
use crate::context::AppContext;
use crate::domain::case::{Case, CaseStatus};
use crate::domain::ids::{CaseId, CreditorId};
use crate::service::cases::{self, Upserted};
use crate::service::closing;

#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    operation_id = "upsert_case",
    summary = "Create a case, or update the agency's case with the same external_ref",
    description = "An erased case stays erased: sending its external_ref again answers 409 `case_erased` and changes nothing.",
    request_body = CaseInput,
    responses(
        (status = 201, description = "Created", body = CaseView,
            headers(("Location" = String, description = "/api/v1/cases/{id} of the new case"))),
        (status = 200, description = "A case with this external_ref existed: updated (or unchanged)", body = CaseView),
        (status = 400, description = "`invalid_json`: malformed JSON, a wrong type or an unknown field", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry. `case_erased`: the agency's case with this external_ref was erased, and stays erased (`field` is `external_ref`)", body = ErrorBody),
        (status = 422, description = "`invalid_field` / `unknown_creditor`: a value is wrong (`field` names it)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn upsert_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let input: CaseInput = parse_body(&body)?;
    Ok(
        match cases::upsert(&ctx, &tenant.0, input.into(), ctx.clock.now()).await? {
            Upserted::Created(case) => about_case(
                HttpResponse::Created()
                    .insert_header(("Location", format!("/api/v1/cases/{}", case.id)))
                    .json(CaseView::new(&case, creditor_today(&ctx, &case).await?)),
                &case.id,
            ),
            Upserted::Updated(case) | Upserted::Unchanged(case) => about_case(
                HttpResponse::Ok().json(CaseView::new(&case, creditor_today(&ctx, &case).await?)),
                &case.id,
            ),
        },
    )
}

/// The calendar day it is for the case's creditor (its time zone): where an instalment stands
/// depends on it.
pub(super) async fn creditor_today(ctx: &AppContext, case: &Case) -> Result<CaseDay, ApiError> {
    let owed = crate::service::owed::owed_on_for(ctx, case, ctx.clock.now()).await?;
    Ok(CaseDay {
        today: owed.day,
        owed,
    })
}

/// The tenant's case, or not found — also when the case belongs to another agency.
pub(super) async fn own_case(
    ctx: &AppContext,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<Case, ApiError> {
    let id = CaseId::parse(raw_id).map_err(|_| ApiError::CaseNotFound)?;
    ctx.store
        .case(&id)
        .await?
        .filter(|c| c.agency_id == tenant.0)
        .ok_or(ApiError::CaseNotFound)
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    operation_id = "get_case",
    summary = "One of the agency's cases",
    params(("id" = String, Path, description = "The case id (`cs_…`)"), CaseQuery),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 422, description = "`invalid_field`: `include` names something unknown", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` (also another agency's case)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn get_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    // Parsed here rather than by `web::Query`, so a bad query gets the API's JSON error.
    let query: CaseQuery =
        serde_urlencoded::from_str(req.query_string()).map_err(|e| ApiError::InvalidField {
            field: "query".into(),
            message: format!("query: {e} (include)"),
        })?;
    let include = Include::parse(query.include.as_deref().unwrap_or(""))
        .map_err(|message| ApiError::field("include", message))?;
    let case = own_case(&ctx, &tenant, &path).await?;
    let messages = match include.messages {
        true => Some(ctx.store.case_messages(&case.id).await?),
        false => None,
    };
    let today = creditor_today(&ctx, &case).await?;
    Ok(
        HttpResponse::Ok().json(CaseView::new(&case, today).including(
            &case,
            include,
            messages.as_deref(),
        )),
    )
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct CaseQuery {
    /// What to add to the case, comma-separated: `audit` (the audit trail), `replies` (the
    /// debtor's SMS replies), `messages` (every message, as `GET …/messages`).
    #[param(pattern = "^(audit|replies|messages)(,(audit|replies|messages))*$")]
    include: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct CaseListQuery {
    status: Option<CaseStatus>,
    #[param(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    creditor_id: Option<String>,
    /// RFC 3339: only cases changed at or after this time.
    updated_since: Option<DateTime<Utc>>,
    /// From `next_cursor` of the previous page.
    #[param(pattern = "^\\+?0*[0-9]{1,12}$")]
    cursor: Option<String>,
    /// Cases per page, 50 if left out.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
}

/// Cases looked at per page at most: a page with filters may hold fewer than `limit` cases and
/// still have a `next_cursor` (keep going until it is null).
const LIST_SCAN: usize = 1000;

/// The largest cursor accepted (12 digits, as the documented pattern); far beyond any agency's
/// number of cases.
const MAX_CURSOR: usize = 999_999_999_999;

#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    operation_id = "list_cases",
    summary = "The agency's cases, oldest first, a page at a time",
    params(CaseListQuery),
    responses(
        (status = 200, description = "A page of cases", body = CaseList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`invalid_field`: a query parameter is wrong", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn list_cases(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query: CaseListQuery =
        serde_urlencoded::from_str(req.query_string()).map_err(|e| ApiError::InvalidField {
            field: "query".into(),
            message: format!("query: {e} (status, creditor_id, updated_since, cursor, limit)"),
        })?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 200"));
    }
    let start = match &query.cursor {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            // A position past any real list: it would overflow the store's arithmetic.
            .filter(|&n| n <= MAX_CURSOR)
            .ok_or_else(|| {
                ApiError::field("cursor", "must be a next_cursor from an earlier page")
            })?,
    };
    let creditor = query
        .creditor_id
        .as_deref()
        .map(|c| match c.trim() == c {
            true => CreditorId::parse(c).map_err(|e| e.to_string()),
            false => Err("must not start or end with spaces".to_owned()),
        })
        .transpose()
        .map_err(|e| ApiError::field("creditor_id", e))?;
    let mut matching = Vec::new();
    let mut position = start;
    let mut exhausted = false;
    while matching.len() < limit && position < start + LIST_SCAN {
        let chunk = ctx.store.agency_cases(&tenant.0, position, 100).await?;
        if chunk.is_empty() {
            exhausted = true;
            break;
        }
        for case in chunk {
            position += 1;
            let wanted = query.status.is_none_or(|s| case.status == s)
                && creditor.as_ref().is_none_or(|c| &case.creditor_id == c)
                && query.updated_since.is_none_or(|t| case.updated_at >= t);
            if wanted {
                matching.push(case);
                if matching.len() == limit {
                    break;
                }
            }
        }
    }
    if !exhausted {
        exhausted = ctx
            .store
            .agency_cases(&tenant.0, position, 1)
            .await?
            .is_empty();
    }
    let mut views = Vec::with_capacity(matching.len());
    for case in &matching {
        views.push(CaseView::new(case, creditor_today(&ctx, case).await?));
    }
    Ok(HttpResponse::Ok().json(CaseList {
        cases: views,
        next_cursor: (!exhausted).then(|| position.to_string()),
    }))
}

/// An empty body (or `null`) is the same as `{}`.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseInput {
    /// Why the case is closed, for the record.
    #[serde(default)]
    #[schema(max_length = 500)]
    reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/close",
    tag = "cases",
    operation_id = "close_case",
    summary = "Close a case: its links stop working and queued messages are cancelled",
    description = "Closing a closed case again answers 200 and finishes anything left undone.",
    params(("id" = String, Path, description = "The case id")),
    request_body(content = Option<CloseInput>, description = "Optional; an empty body or `null` is `{}`"),
    responses(
        (status = 200, description = "Closed", body = CaseView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 422, description = "`invalid_field`: `reason` is too long", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn close_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let input: CloseInput = parse_optional_body(&body)?;
    let reason = closing::reason(&input.reason)?;
    let id = CaseId::parse(&path).map_err(|_| ApiError::CaseNotFound)?;
    let case = closing::close(&ctx, &tenant.0, &id, &reason, ctx.clock.now()).await?;
    Ok(about_case(
        HttpResponse::Ok().json(CaseView::new(&case, creditor_today(&ctx, &case).await?)),
        &case.id,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/erase",
    tag = "cases",
    operation_id = "erase_case",
    summary = "Erase the debtor's personal data (GDPR); the case is closed",
    description = "Any request body is ignored. Erasing an erased case again answers 200. The name, contact data, identity facts and every free text go from the case, its messages and links, its events (redacted in place: the pull API and webhook replays serve the redacted payload) and from saved Idempotency-Key answers about it; amounts, dates, payments and ids stay for the books. The case stays erased: sending its external_ref again answers 409 `case_erased`.",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "Erased", body = CaseView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn erase_case(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let own = own_case(&ctx, &tenant, &path).await?;
    let (case, _) = crate::service::erasure::erase(&ctx, &own.id, ctx.clock.now()).await?;
    Ok(about_case(
        HttpResponse::Ok().json(CaseView::new(&case, creditor_today(&ctx, &case).await?)),
        &case.id,
    ))
}
