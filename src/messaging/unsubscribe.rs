//! One-click unsubscribe for e-mail (RFC 8058): the URL every e-mail names in its
//! `List-Unsubscribe` header, signed over the message id (what using it does is the
//! `service::unsubscribe` use case).
//!
//! The URL names the message, not the address, so no address ends up in a URL (and so in no
//! proxy's log); the message leads to the address. Its tag is made with the link keys under a
//! purpose of its own (`links::Purpose::Unsubscribe`).

use crate::context::AppContext;
use crate::domain::ids::MessageId;
use crate::links::Purpose;

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
