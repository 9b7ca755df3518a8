//! Receipts: the message that confirms to the debtor what just happened on their case.

use chrono::{DateTime, Utc};

use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::message::{Message, Recipient, Template};

/// A confirmation by SMS (or e-mail when there is no phone); a failure here does not undo the grant.
pub async fn queue_receipt(ctx: &AppContext, case: &Case, template: Template, now: DateTime<Utc>) {
    let recipient = match (&case.debtor.phone, &case.debtor.email) {
        (Some(phone), _) => Recipient::Sms(phone.clone()),
        (None, Some(email)) => Recipient::Email(email.clone()),
        (None, None) => return,
    };
    let message = Message::schedule(
        case.id.clone(),
        case.agency_id.clone(),
        recipient,
        template,
        now,
        now,
    );
    if let Err(e) = ctx.store.schedule_message(&message).await {
        tracing::warn!(case = %case.id, error = %e, "could not queue the receipt");
    }
}
