//! The agency's messages to a debtor: schedule one (a reminder by default, or a receipt the
//! case founds) and cancel one still waiting in the queue.

use chrono::{DateTime, Utc};

use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::MessageId;
use crate::domain::message::{
    Channel, Message, MessageStatus, Recipient, Template, UnfoundedReceipt,
};
use crate::store::StoreError;

/// How far ahead a message may be scheduled.
const MAX_AHEAD_DAYS: i64 = 366;

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    /// About the requested send time.
    #[error("must be within a year")]
    TooFarAhead,
    #[error("debtor has no {0} to send to")]
    NoRecipient(&'static str),
    /// About the case.
    #[error("is not open; nothing is sent on paid or closed cases")]
    CaseNotOpen,
    /// The template confirms what the case does not show.
    #[error("template: {0}")]
    Unfounded(UnfoundedReceipt),
    #[error("no message with this id on this case")]
    NotFound,
    #[error("the message is {0:?}: only a message still waiting in the queue can be cancelled")]
    NotCancellable(MessageStatus),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Queues `template` to the debtor of `case` by `channel`, not before `send_at` (as soon as
/// possible when it is left out or past).
pub async fn schedule(
    ctx: &AppContext,
    case: &Case,
    channel: Channel,
    template: Template,
    send_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Message, MessageError> {
    let not_before = send_at.map_or(now, |t| t.max(now));
    if not_before > now + chrono::Duration::days(MAX_AHEAD_DAYS) {
        return Err(MessageError::TooFarAhead);
    }
    let recipient = match channel {
        Channel::Sms => Recipient::Sms(
            case.debtor
                .phone
                .clone()
                .ok_or(MessageError::NoRecipient("phone number"))?,
        ),
        Channel::Email => Recipient::Email(
            case.debtor
                .email
                .clone()
                .ok_or(MessageError::NoRecipient("e-mail address"))?,
        ),
    };
    if !case.status.is_active() {
        return Err(MessageError::CaseNotOpen);
    }
    template
        .is_founded_on(case)
        .map_err(MessageError::Unfounded)?;
    let message = Message::schedule(
        case.id.clone(),
        case.agency_id.clone(),
        recipient,
        template,
        not_before,
        now,
    );
    ctx.store.schedule_message(&message).await?;
    tracing::info!(message_id = %message.id, case = %case.id, to = %message.recipient.masked(), "message scheduled");
    Ok(message)
}

/// Cancels the message `id` of `case` while it waits in the queue; cancelling a cancelled
/// message again returns it as it is.
pub async fn cancel(
    ctx: &AppContext,
    case: &Case,
    id: &MessageId,
) -> Result<Message, MessageError> {
    let message = ctx
        .store
        .message(id)
        .await?
        .filter(|m| m.case_id == case.id)
        .ok_or(MessageError::NotFound)?;
    if message.status == MessageStatus::Cancelled {
        return Ok(message);
    }
    let Some(cancelled) = ctx.store.cancel_queued_message(id).await? else {
        return Err(MessageError::NotCancellable(message.status));
    };
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::MessageCancelled,
        serde_json::json!({"case_id": case.id, "message_id": cancelled.id}),
        cancelled.updated_at,
    );
    ctx.store.append_events(&[event]).await?;
    Ok(cancelled)
}
