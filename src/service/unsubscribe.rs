//! One-click unsubscribe, the use case: no more e-mail to the address a message went to, from
//! any agency, and the agency hears of it. Using the URL again changes nothing more.

use chrono::{DateTime, Utc};

use crate::context::AppContext;
use crate::domain::contact::EmailAddress;
use crate::domain::event::EventKind;
use crate::domain::message::{Message, Recipient};
use crate::service::replies::record_on_case;
use crate::store::StoreError;

/// Stops e-mail to the address `message` went to. Using the URL again changes nothing more.
pub async fn unsubscribe(
    ctx: &AppContext,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(address) = address(message) else {
        return Ok(());
    };
    if ctx.store.is_email_opted_out(address.as_str()).await? {
        return Ok(());
    }
    ctx.store.opt_out_email(address.as_str()).await?;
    tracing::info!(to = %address.masked(), "address unsubscribed from e-mail");
    let event = (
        EventKind::ContactInvalid,
        serde_json::json!({"case_id": message.case_id, "channel": "email", "reason": "unsubscribed", "message_id": message.id}),
    );
    record_on_case(
        ctx,
        &message.case_id,
        "email.opt_out",
        "one-click unsubscribe",
        &[event],
        now,
    )
    .await?;
    Ok(())
}

/// The address an e-mail went to.
pub fn address(message: &Message) -> Option<&EmailAddress> {
    match &message.recipient {
        Recipient::Email(address) => Some(address),
        Recipient::Sms(_) => None,
    }
}
