//! `/api/v1/cases/{id}/messages`: schedule, list and cancel messages to the debtor.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::ApiBody;
use super::cases::own_case;
use super::dto::{MessageList, MessageView};
use super::errors::{ApiError, Body as ErrorBody};
use super::idempotency::about_case;
use super::{Tenant, parse_body};
use crate::context::AppContext;
use crate::domain::ids::MessageId;
use crate::domain::message::{Channel, Template};
use crate::service::messages;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageInput {
    channel: Channel,
    /// RFC 3339 time, at most a year ahead; omitted, null or in the past means as soon as possible.
    send_at: Option<DateTime<Utc>>,
    #[serde(default = "default_template")]
    #[schema(default = "reminder")]
    template: Template,
}

fn default_template() -> Template {
    Template::Reminder
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/messages",
    tag = "messages",
    operation_id = "schedule_message",
    summary = "Schedule a message (a reminder by default) to the debtor",
    params(("id" = String, Path, description = "The case id")),
    request_body = MessageInput,
    responses(
        (status = 202, description = "Queued", body = MessageView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_field` (`send_at`, or the case is not open) / `no_recipient` / `no_payment`, `not_paid`, `no_deferral`, `no_plan`, `no_answer`, `not_closed` (the template confirms what the case does not show: a payment, payment in full, a deferral, a plan, an answer to a declined request, a closed case)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn schedule_message(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    let input: MessageInput = parse_body(&body)?;
    let message = messages::schedule(
        &ctx,
        &case,
        input.channel,
        input.template,
        input.send_at,
        ctx.clock.now(),
    )
    .await?;
    Ok(about_case(
        HttpResponse::Accepted().json(MessageView::from(&message)),
        &case.id,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/messages",
    tag = "messages",
    operation_id = "list_messages",
    summary = "The messages of a case",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "Every message of the case", body = MessageList),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn list_messages(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    let messages = ctx.store.case_messages(&case.id).await?;
    Ok(HttpResponse::Ok().json(MessageList {
        messages: messages.iter().map(MessageView::from).collect(),
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/messages/{message_id}/cancel",
    tag = "messages",
    operation_id = "cancel_message",
    summary = "Cancel a message still waiting in the queue",
    description = "Any request body is ignored. Cancelling a cancelled message again answers 200.",
    params(
        ("id" = String, Path, description = "The case id"),
        ("message_id" = String, Path, description = "The message id (`msg_…`)"),
    ),
    responses(
        (status = 200, description = "Cancelled", body = MessageView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found` / `message_not_found`", body = ErrorBody),
        (status = 409, description = "`not_cancellable`: the message is already being sent or was sent", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn cancel_message(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, message_id) = path.into_inner();
    let case = own_case(&ctx, &tenant, &case_id).await?;
    let id = MessageId::parse(&message_id).map_err(|_| ApiError::MessageNotFound)?;
    let cancelled = messages::cancel(&ctx, &case, &id).await?;
    Ok(about_case(
        HttpResponse::Ok().json(MessageView::from(&cancelled)),
        &case.id,
    ))
}
