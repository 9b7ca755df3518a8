//! `/api/v1/cases/{id}/conversation`: the agency reads what the debtor and the agency wrote on a
//! case, and answers (the debtor reads it on the case page and is told by SMS or e-mail).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::ApiBody;
use super::cases::own_case;
use super::errors::{ApiError, Body as ErrorBody};
use super::idempotency::about_case;
use super::{Tenant, parse_body};
use crate::context::AppContext;
use crate::domain::conversation::{Conversation, ConversationMessage};
use crate::domain::event::Actor;
use crate::domain::ids::CaseId;
use crate::domain::message::Channel;
use crate::service::conversation::{self, Notify, TalkError};

impl From<TalkError> for ApiError {
    fn from(e: TalkError) -> ApiError {
        match e {
            TalkError::NotFound | TalkError::Forbidden => ApiError::CaseNotFound,
            TalkError::Text(e) => ApiError::field("text", e),
            TalkError::CaseClosed => ApiError::field(
                "case",
                "is closed; the debtor can no longer read the case page",
            ),
            TalkError::NoRecipient(what) => ApiError::NoRecipient(what),
            TalkError::NotAHandler => ApiError::field("assignee", e),
            TalkError::Conflict => ApiError::Conflict,
            TalkError::Store(e) => ApiError::from(e),
        }
    }
}

/// How the debtor hears that an answer waits.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NotifyInput {
    /// SMS when the debtor has a number, else e-mail, else only the page.
    #[default]
    Auto,
    Sms,
    Email,
    /// Only the case page.
    None,
}

/// An answer to the debtor.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConversationInput {
    /// What the debtor reads on the case page: 1 to 1000 characters, line breaks allowed.
    #[schema(example = "Takk for beskjeden. Vi har satt saken på vent til 15. januar.")]
    text: String,
    #[serde(default)]
    #[schema(default = "auto")]
    notify: NotifyInput,
}

/// A case's conversation, oldest message first.
#[derive(Serialize, ToSchema)]
pub(crate) struct ConversationView {
    case_id: CaseId,
    /// Oldest first.
    messages: Vec<ConversationMessage>,
    /// The staff user (`usr_…`) who has the conversation in the console, if assigned.
    assignee: Option<String>,
}

/// An answer as written.
#[derive(Serialize, ToSchema)]
pub(crate) struct AnswerView {
    case_id: CaseId,
    message: ConversationMessage,
    /// The id (`msg_…`) of the SMS or e-mail queued to tell the debtor; `null`: page only.
    notice_message_id: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/conversation",
    tag = "conversation",
    operation_id = "get_conversation",
    summary = "What the debtor and the agency wrote on a case",
    description = "Messages from the case page's form, SMS replies that are not opt-out or \
        opt-in words, and the agency's answers, oldest first. A message from the debtor is \
        `waiting` until the agency answers it or a handler marks it done.",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn get_conversation(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case = own_case(&ctx, &tenant, &path).await?;
    let case = conversation::of_case(&ctx, &tenant.0, &case.id).await?;
    let Conversation { messages, assignee } = case.conversation;
    Ok(HttpResponse::Ok().json(ConversationView {
        case_id: case.id,
        messages,
        assignee: assignee.map(|a| a.to_string()),
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/conversation",
    tag = "conversation",
    operation_id = "answer_conversation",
    summary = "Answer the debtor",
    description = "The answer shows on the debtor's case page at once, every waiting message \
        of the debtor counts as answered, `agency.message` is sent, and the debtor gets an SMS \
        or e-mail saying an answer waits, with a link (queued like every message: quiet hours, \
        holidays and opt-outs hold).",
    params(("id" = String, Path, description = "The case id")),
    request_body = ConversationInput,
    responses(
        (status = 201, description = "Answered", body = AnswerView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`missing_api_key` / `invalid_api_key`", body = ErrorBody),
        (status = 404, description = "`case_not_found`", body = ErrorBody),
        (status = 409, description = "`conflict`: the case changed concurrently; retry", body = ErrorBody),
        (status = 422, description = "`invalid_field` (`text`, or the case is closed: `case`) / `no_recipient` (the debtor has no number or address for `notify`)", body = ErrorBody),
        (status = 503, description = "`store_unavailable`", body = ErrorBody),
    ),
)]
pub(crate) async fn answer_conversation(
    ctx: web::Data<AppContext>,
    tenant: Tenant,
    path: web::Path<String>,
    body: ApiBody,
) -> Result<HttpResponse, ApiError> {
    let input: ConversationInput = parse_body(&body)?;
    let case = own_case(&ctx, &tenant, &path).await?;
    let notify = match input.notify {
        NotifyInput::Auto => Notify::Best,
        NotifyInput::Sms => Notify::By(Channel::Sms),
        NotifyInput::Email => Notify::By(Channel::Email),
        NotifyInput::None => Notify::PageOnly,
    };
    let answered = conversation::answer(
        &ctx,
        &tenant.0,
        &case.id,
        &Actor::Agency,
        &input.text,
        notify,
        ctx.clock.now(),
    )
    .await?;
    Ok(about_case(
        HttpResponse::Created().json(AnswerView {
            case_id: answered.case.id.clone(),
            message: answered.answer,
            notice_message_id: answered.notice.map(|m| m.id.to_string()),
        }),
        &case.id,
    ))
}
