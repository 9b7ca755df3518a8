//! A debtor's SMS reply, from any provider: an opt-out phrase ends all SMS to the number, an
//! opt-in phrase (START) undoes that and is confirmed by SMS, and every reply is kept in the
//! audit trail of the case the number last got a message about; any other reply also lands in
//! that case's conversation for a person to answer (`service::conversation`).

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::contact::PhoneNumber;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::CaseId;
use crate::domain::message::{Message, Recipient, Template};
use crate::domain::reply::{ReplyIntent, ReplyKeywords};
use crate::store::StoreError;

/// Replies are kept up to this many characters.
const MAX_REPLY_CHARS: usize = 500;

/// Records a reply from `phone`; returns what it was taken to ask for.
pub async fn handle_reply(
    ctx: &AppContext,
    phone: &PhoneNumber,
    text: &str,
    now: DateTime<Utc>,
) -> Result<ReplyIntent, StoreError> {
    let text: String = text.chars().take(MAX_REPLY_CHARS).collect();
    let messaging = &ctx.config.settings.messaging;
    let keywords = ReplyKeywords::new(
        messaging.opt_out_words.iter().map(String::as_str),
        messaging.opt_in_words.iter().map(String::as_str),
    );
    let intent = keywords.classify(&text);
    match intent {
        ReplyIntent::OptOut => {
            ctx.store.opt_out(phone.e164()).await?;
            tracing::info!(to = %phone.masked(), "number opted out of SMS");
        }
        ReplyIntent::OptIn => {
            ctx.store.opt_in(phone.e164()).await?;
            tracing::info!(to = %phone.masked(), "number opted back in to SMS");
        }
        ReplyIntent::Other => {}
    }
    let Some(case_id) = ctx.store.last_sms_case(phone.e164()).await? else {
        return Ok(intent);
    };
    let (action, events): (&str, Vec<(EventKind, serde_json::Value)>) = match intent {
        ReplyIntent::OptOut => (
            "sms.opt_out",
            vec![(
                EventKind::ContactInvalid,
                serde_json::json!({"case_id": case_id, "channel": "sms", "reason": "opted_out", "reply": text}),
            )],
        ),
        ReplyIntent::OptIn => ("sms.opt_in", Vec::new()),
        ReplyIntent::Other => {
            // Anything else is for a person: it lands in the case's conversation (and inbox).
            super::conversation::reply_lands(ctx, &case_id, &text, now).await?;
            return Ok(intent);
        }
    };
    let case = record_on_case(ctx, &case_id, action, &text, &events, now).await?;
    if let (ReplyIntent::OptIn, Some(case)) = (intent, case) {
        // The confirmation goes through the worker like any message, by the provider the
        // creditor uses.
        let confirmation = Message::schedule(
            case.id.clone(),
            case.agency_id.clone(),
            Recipient::Sms(phone.clone()),
            Template::OptInConfirmation,
            now,
            now,
        );
        ctx.store.schedule_message(&confirmation).await?;
    }
    Ok(intent)
}

/// Adds an entry by the debtor to the case's audit trail, with `events` (kind and data) for its
/// agency in the same step; `None` when the case is gone.
pub(crate) async fn record_on_case(
    ctx: &AppContext,
    case_id: &CaseId,
    action: &str,
    detail: &str,
    events: &[(EventKind, serde_json::Value)],
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    // A concurrent change to the case (a payment, a page action) is retried a few times.
    let recorded = retry::on_conflict::<Option<Case>, StoreError, _, _>(|| async move {
        // An erased case takes no more of the debtor's words (an opt-out itself is kept).
        let Some(mut case) = ctx.store.case(case_id).await?.filter(|c| !c.is_erased()) else {
            return Ok(Attempt::Done(None));
        };
        case.record(Actor::Debtor, action, detail.to_owned(), now);
        let events: Vec<Event> = events
            .iter()
            .map(|(kind, data)| {
                Event::new(
                    case.agency_id.clone(),
                    Some(case.id.clone()),
                    *kind,
                    data.clone(),
                    now,
                )
            })
            .collect();
        Ok(
            match written(ctx.store.update_case_with_events(&case, &events).await)? {
                Attempt::Done(updated) => Attempt::Done(Some(updated)),
                Attempt::Conflicted => Attempt::Conflicted,
            },
        )
    })
    .await?;
    recorded.ok_or(StoreError::Conflict)
}
