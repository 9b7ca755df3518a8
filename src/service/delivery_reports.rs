//! Delivery reports, the use case: what happens after a send: delivery receipts from any provider move a message to delivered or
//! failed once, the agency hears of it, and a debtor whose number or address turned out bad is
//! reached by the other channel when the creditor allows it.

use chrono::{DateTime, Utc};

use crate::context::AppContext;
use crate::domain::case::Debtor;
use crate::domain::delivery_report::Outcome;
use crate::domain::event::{Event, EventKind};
use crate::domain::message::{Message, MessageStatus, Recipient, Template};
use crate::store::StoreError;

/// Records a provider's report on one of our messages. Each message moves to a final state
/// once; repeated or late reports change nothing.
pub async fn record_receipt(
    ctx: &AppContext,
    mut message: Message,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if matches!(
        message.status,
        MessageStatus::Delivered | MessageStatus::Failed | MessageStatus::Cancelled
    ) {
        return Ok(());
    }
    message.updated_at = now;
    match outcome {
        // The provider has it. If a worker died before it heard so, the message is still
        // `sending`, or waits with its outcome unknown for this very receipt: mark it sent,
        // so that worker's successor does not send it again.
        Outcome::Pending
            if message.status == MessageStatus::Sending || message.unknown_outcome.is_some() =>
        {
            message.status = MessageStatus::Sent;
            message.last_error = None;
            message.unknown_outcome = None;
            if let Some(provider_id) = message.provider_ref() {
                ctx.store
                    .index_provider_id(provider_id, &message.id)
                    .await?;
            }
            tracing::info!(message_id = %message.id, "a receipt settled a send whose answer was lost");
            ctx.store.save_leased_message(&message).await
        }
        Outcome::Pending => Ok(()),
        Outcome::Delivered => {
            message.status = MessageStatus::Delivered;
            ctx.store.save_leased_message(&message).await?;
            super::journey_stats::delivered(ctx, &message).await;
            let event = Event::new(
                message.agency_id.clone(),
                Some(message.case_id.clone()),
                EventKind::MessageDelivered,
                serde_json::json!({"message_id": message.id, "case_id": message.case_id, "channel": message.recipient.channel()}),
                now,
            );
            ctx.store.append_events(&[event]).await
        }
        Outcome::Undeliverable { reason } => {
            message.status = MessageStatus::Failed;
            message.last_error = Some(reason.clone());
            ctx.store.save_leased_message(&message).await?;
            settle_failure(ctx, &message, &reason, true, now).await
        }
        Outcome::NotDelivered { reason } => {
            message.status = MessageStatus::Failed;
            message.last_error = Some(reason.clone());
            ctx.store.save_leased_message(&message).await?;
            settle_failure(ctx, &message, &reason, false, now).await
        }
    }
}

/// After a message failed for good: `contact.invalid` (when the contact is bad) and
/// `message.failed` for the agency, and the same message by the other channel where the
/// creditor allows it and the debtor has one.
pub async fn settle_failure(
    ctx: &AppContext,
    message: &Message,
    reason: &str,
    contact_invalid: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // A contact code that cannot reach the address the debtor typed, or the notice of a
    // change that cannot reach the address it replaced, says nothing about the case's own
    // contact, and goes nowhere else.
    let contact_invalid = contact_invalid
        && !matches!(
            message.template,
            Template::ContactCode | Template::ContactChanged
        );
    let mut fallback = None;
    let case = ctx.store.case(&message.case_id).await?;
    if let Some(case) = &case {
        super::overview::count_now(ctx, case, crate::store::Tally::MessagesFailed, now).await;
    }
    if contact_invalid && let Some(case) = case {
        let allowed = ctx
            .creditor(&case.creditor_id)
            .await?
            .is_some_and(|c| c.messaging.channel_fallback);
        fallback = fallback_message(message, &case.debtor, allowed, now);
    }
    if let Some(next) = &fallback {
        ctx.store.schedule_message(next).await?;
        tracing::info!(message_id = %message.id, fallback = %next.id, to = %next.recipient.masked(), "sent again by the other channel");
    }
    let data = serde_json::json!({
        "case_id": message.case_id,
        "message_id": message.id,
        "channel": message.recipient.channel(),
        "reason": reason,
        "fallback_message_id": fallback.as_ref().map(|m| m.id.clone()),
    });
    let mut kinds = Vec::new();
    if contact_invalid {
        kinds.push(EventKind::ContactInvalid);
    }
    kinds.push(EventKind::MessageFailed);
    let events: Vec<Event> = kinds
        .into_iter()
        .map(|kind| {
            Event::new(
                message.agency_id.clone(),
                Some(message.case_id.clone()),
                kind,
                data.clone(),
                now,
            )
        })
        .collect();
    ctx.store.append_events(&events).await
}

/// The same message by the debtor's other channel, when the creditor's settings allow it, the
/// debtor has that kind of contact and this message is not itself a fallback (no ping-pong).
pub fn fallback_message(
    failed: &Message,
    debtor: &Debtor,
    allowed: bool,
    now: DateTime<Utc>,
) -> Option<Message> {
    if !allowed || failed.fallback_of.is_some() {
        return None;
    }
    let other = match &failed.recipient {
        Recipient::Sms(_) => Recipient::Email(debtor.email.clone()?),
        Recipient::Email(_) => Recipient::Sms(debtor.phone.clone()?),
    };
    let mut next = Message::schedule(
        failed.case_id.clone(),
        failed.agency_id.clone(),
        other,
        failed.template,
        now,
        now,
    );
    next.fallback_of = Some(failed.id.clone());
    // A journey step stays that step on the other channel: its sending records the step.
    next.journey = failed.journey.clone();
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact::{EmailAddress, PhoneNumber};
    use crate::domain::ids::{AgencyId, CaseId};
    use crate::domain::locale::Locale;
    use crate::domain::message::Template;

    fn message(recipient: Recipient) -> Message {
        Message::schedule(
            CaseId::generate(),
            AgencyId::parse("agency-a").expect("id"),
            recipient,
            Template::Reminder,
            at(),
            at(),
        )
    }

    /// A fixed moment: the fallback's timing is not what these tests are about.
    fn at() -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 2, 10, 0, 0)
            .single()
            .expect("a valid time")
    }

    fn phone() -> PhoneNumber {
        PhoneNumber::parse("+4791234567").expect("phone")
    }

    fn email() -> EmailAddress {
        EmailAddress::parse("kari@example.no").expect("email")
    }

    fn debtor(phone: Option<PhoneNumber>, email: Option<EmailAddress>) -> Debtor {
        Debtor {
            name: "Kari".into(),
            phone,
            email,
            locale: Locale::Nb,
        }
    }

    #[test]
    fn a_bad_number_falls_back_to_email_once_and_only_when_allowed() {
        let both = debtor(Some(phone()), Some(email()));
        let failed = message(Recipient::Sms(phone()));
        let next = fallback_message(&failed, &both, true, at()).expect("fallback");
        assert_eq!(next.recipient, Recipient::Email(email()));
        assert_eq!(next.template, failed.template);
        assert_eq!(next.fallback_of, Some(failed.id.clone()));
        // The fallback failing too ends it: no ping-pong.
        assert!(fallback_message(&next, &both, true, at()).is_none());
        assert!(fallback_message(&failed, &both, false, at()).is_none());
    }

    #[test]
    fn a_bounced_address_falls_back_to_sms_and_nothing_without_the_other_contact() {
        let phone_only = debtor(Some(phone()), None);
        let bounced = message(Recipient::Email(email()));
        let next = fallback_message(&bounced, &phone_only, true, at()).expect("fallback");
        assert_eq!(next.recipient, Recipient::Sms(phone()));
        let failed_sms = message(Recipient::Sms(phone()));
        assert!(fallback_message(&failed_sms, &phone_only, true, at()).is_none());
    }
}
