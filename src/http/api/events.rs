//! The events pull API: an agency reads its own events in order from a cursor, so one that
//! missed webhooks can catch up by itself.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Tenant;
use super::body::ApiBody;
use super::errors::{ApiError, Body as ErrorBody};
use crate::context::AppContext;
use crate::domain::event::{DeliveryState, EventCursor, EventKind};
use crate::domain::ids::CaseId;
use crate::service::webhook_replay;
use crate::store::StoreError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/v1/events").route(web::get().to(list)))
        .service(web::resource("/api/v1/webhooks").route(web::get().to(delivery_status)))
        .service(web::resource("/api/v1/webhooks/replay").route(web::post().to(replay)));
}

/// `after` as the client sent it, parsed by the stores' own cursor parser: a malformed one is
/// 422 `invalid_field` naming `after`, the same on every store.
fn parse_after(after: Option<&str>) -> Result<Option<EventCursor>, ApiError> {
    after
        .map(EventCursor::parse)
        .transpose()
        .map_err(|e| ApiError::field("after", e))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct Query {
    /// The `next_cursor` of the previous page; leave out to start from the first event.
    #[param(example = "1767225600000-0", pattern = "^[0-9]{1,19}-[0-9]{1,19}$")]
    after: Option<String>,
    /// Events per page, 100 if left out.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
}

/// One event, as webhooks deliver it plus its cursor.
#[derive(Serialize, ToSchema)]
#[schema(as = Event)]
pub(crate) struct EventView {
    /// Where this event is in the agency's stream.
    cursor: String,
    /// `evt_` + 32 hex digits; the same in the webhook delivery (`webhook-id`).
    id: String,
    #[serde(rename = "type")]
    kind: EventKind,
    timestamp: DateTime<Utc>,
    case_id: Option<CaseId>,
    /// Thin payload: ids and the terms that changed, never contact data. Once the case is
    /// erased, only ids, amounts, dates and states are left, with `"redacted": true`.
    #[schema(value_type = Object)]
    data: serde_json::Value,
}

/// A page of events, oldest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct EventPage {
    events: Vec<EventView>,
    /// Pass as `after` for the next page; the same cursor again when there is nothing new
    /// yet, null when the agency has no events at all.
    next_cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    operation_id = "list_events",
    summary = "The agency's events in order, from a cursor",
    params(Query),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`invalid_field`: `after`, `limit` or an unknown parameter", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn list(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    // Parsed here rather than by `web::Query`, so a bad query gets the API's JSON error.
    let query: Query =
        serde_urlencoded::from_str(req.query_string()).map_err(|e| ApiError::InvalidField {
            field: "query".into(),
            message: format!("query: {e} (after, limit)"),
        })?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 1000"));
    }
    let after = query.after.as_deref();
    parse_after(after)?;
    let page = ctx
        .store
        .events_after(&tenant.0, after, limit)
        .await
        .map_err(|e| match e {
            StoreError::InvalidCursor(e) => ApiError::field("after", e),
            other => other.into(),
        })?;
    let next_cursor = page
        .last()
        .map(|(cursor, _)| cursor.clone())
        .or_else(|| after.map(str::to_owned));
    let events = page
        .into_iter()
        .map(|(cursor, event)| EventView {
            cursor,
            id: event.id,
            kind: event.kind,
            timestamp: event.occurred_at,
            case_id: event.case_id,
            data: event.data,
        })
        .collect();
    Ok(HttpResponse::Ok().json(EventPage {
        events,
        next_cursor,
    }))
}

/// Where webhook delivery stands for the agency.
#[derive(Serialize, ToSchema)]
#[schema(as = WebhookDelivery)]
pub(crate) struct DeliveryView {
    /// The configured endpoint; null when the agency has none.
    url: Option<String>,
    /// The cursor of the last event delivered; null: nothing yet.
    delivered_through: Option<String>,
    /// Failed attempts at the event after `delivered_through`.
    failures: u32,
    next_attempt_at: Option<DateTime<Utc>>,
    /// The endpoint answered 410 Gone (or failed for days): no attempts until a replay.
    disabled: bool,
}

async fn delivery_view(
    ctx: &AppContext,
    tenant: &Tenant,
    state: &DeliveryState,
) -> Result<DeliveryView, ApiError> {
    let setting = crate::service::webhook_settings::in_force(ctx, &tenant.0).await?;
    Ok(DeliveryView {
        url: setting.url.map(|u| u.to_string()),
        delivered_through: state.cursor.clone(),
        failures: state.failures,
        next_attempt_at: state.next_attempt_at,
        disabled: state.disabled,
    })
}

/// Where webhook delivery stands: the last event delivered, failures, whether it is disabled.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "events",
    operation_id = "webhook_delivery",
    summary = "Where webhook delivery stands for the agency",
    responses(
        (status = 200, description = "The delivery state", body = DeliveryView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn delivery_status(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
) -> Result<HttpResponse, ApiError> {
    let state = ctx.store.delivery_state(&tenant.0).await?;
    Ok(HttpResponse::Ok().json(delivery_view(&ctx, &tenant, &state).await?))
}

/// An empty body (or `null`) is the same as `{}`.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplayInput {
    /// Deliver again every event after this cursor; null or left out: from the first event.
    #[schema(example = "1767225600000-0", pattern = "^[0-9]{1,19}-[0-9]{1,19}$")]
    after: Option<String>,
}

/// Delivers the agency's events again from a cursor, and re-enables a disabled endpoint.
/// Receivers deduplicate by `webhook-id` (the event id), so a replay is safe.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/replay",
    tag = "events",
    operation_id = "replay_webhooks",
    summary = "Deliver the agency's events again from a cursor (re-enables a disabled endpoint)",
    request_body(content = Option<ReplayInput>, description = "Optional; an empty body or `null` is `{}`"),
    responses(
        (status = 202, description = "Delivery restarts from the cursor", body = DeliveryView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 422, description = "`invalid_field`: `after` is no cursor, or no webhook endpoint is configured (`webhook_url`)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn replay(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let input: ReplayInput = super::parse_optional_body(&body)?;
    let after = parse_after(input.after.as_deref())?;
    let state = webhook_replay::replay_from(&ctx, &tenant.0, after).await?;
    Ok(HttpResponse::Accepted().json(delivery_view(&ctx, &tenant, &state).await?))
}
