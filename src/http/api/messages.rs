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
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::MessageId;
use crate::domain::message::{Channel, Message, MessageStatus, Recipient, Template};

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
    let now = ctx.clock.now();
    let not_before = input.send_at.map_or(now, |t| t.max(now));
    if not_before > now + chrono::Duration::days(366) {
        return Err(ApiError::field("send_at", "must be within a year"));
    }
    let recipient = match input.channel {
        Channel::Sms => Recipient::Sms(
            case.debtor
                .phone
                .clone()
                .ok_or(ApiError::NoRecipient("phone number"))?,
        ),
        Channel::Email => Recipient::Email(
            case.debtor
                .email
                .clone()
                .ok_or(ApiError::NoRecipient("e-mail address"))?,
        ),
    };
    if !case.status.is_active() {
        return Err(ApiError::field(
            "case",
            "is not open; nothing is sent on paid or closed cases",
        ));
    }
    input
        .template
        .is_founded_on(&case)
        .map_err(ApiError::UnfoundedReceipt)?;
    let message = Message::schedule(
        case.id.clone(),
        tenant.0.clone(),
        recipient,
        input.template,
        not_before,
        now,
    );
    ctx.store.schedule_message(&message).await?;
    tracing::info!(message_id = %message.id, case = %case.id, to = %message.recipient.masked(), "message scheduled");
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
    let message = ctx
        .store
        .message(&id)
        .await?
        .filter(|m| m.case_id == case.id)
        .ok_or(ApiError::MessageNotFound)?;
    if message.status == MessageStatus::Cancelled {
        return Ok(about_case(
            HttpResponse::Ok().json(MessageView::from(&message)),
            &case.id,
        ));
    }
    let Some(cancelled) = ctx.store.cancel_queued_message(&id).await? else {
        return Err(ApiError::NotCancellable(message.status));
    };
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::MessageCancelled,
        serde_json::json!({"case_id": case.id, "message_id": cancelled.id}),
        cancelled.updated_at,
    );
    ctx.store.append_events(&[event]).await?;
    Ok(about_case(
        HttpResponse::Ok().json(MessageView::from(&cancelled)),
        &case.id,
    ))
}
