//! One-click unsubscribe for e-mail (RFC 8058): the URL every e-mail names in its
//! `List-Unsubscribe` header, signed over the message id, and what using it does — no more
//! e-mail to that address from any agency, and the agency hears of it.
//!
//! The URL names the message, not the address, so no address ends up in a URL (and so in no
//! proxy's log); the message leads to the address. Its tag is made with the link keys under a
//! purpose of its own (`links::Purpose::Unsubscribe`).

use chrono::{DateTime, Utc};

use crate::context::AppContext;
use crate::domain::contact::EmailAddress;
use crate::domain::event::EventKind;
use crate::domain::ids::MessageId;
use crate::domain::message::{Message, Recipient};
use crate::links::Purpose;
use crate::service::replies::record_on_case;
use crate::store::StoreError;

/// The headers of [RFC 8058](https://www.rfc-editor.org/rfc/rfc8058): the URL, and the
/// statement that a POST to it unsubscribes without further steps.
pub const LIST_UNSUBSCRIBE: &str = "List-Unsubscribe";
pub const LIST_UNSUBSCRIBE_POST: &str = "List-Unsubscribe-Post";
pub const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

/// `{public_base_url}/u/{message id}/{tag}`.
pub fn url(ctx: &AppContext, message: &MessageId) -> String {
    let tag = ctx
        .config
        .link_keys
        .purpose_tag(Purpose::Unsubscribe, message.as_str());
    format!(
        "{}/u/{}/{tag}",
        ctx.config.settings.server.public_base_url,
        message.as_str()
    )
}

/// The message an unsubscribe URL's two parts name, if its tag is genuine.
pub fn verify(ctx: &AppContext, message: &str, tag: &str) -> Option<MessageId> {
    let genuine = ctx
        .config
        .link_keys
        .verify_purpose_tag(Purpose::Unsubscribe, message, tag);
    // Checked before the id is parsed or anything is read: a forged URL costs nothing.
    genuine.then(|| MessageId::parse(message).ok()).flatten()
}

/// The address an e-mail went to.
pub fn address(message: &Message) -> Option<&EmailAddress> {
    match &message.recipient {
        Recipient::Email(address) => Some(address),
        Recipient::Sms(_) => None,
    }
}

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
