//! Settling a send whose outcome a stopped worker lost: the provider's records for the recipient
//! are searched for this message — by our id where the provider keeps it, else by the signed
//! link that only this message carried (each message gets a link of its own, and the link's
//! record names the message) — so what the provider already has is recorded, not sent twice.

use chrono::{DateTime, Utc};

use super::providers::Provider;
use crate::context::AppContext;
use crate::domain::lost_send::{LookupResult, ProviderRecord};
use crate::domain::message::Message;
use crate::store::StoreError;

/// How far a provider's clock may be behind ours when a record is compared by time.
const CLOCK_SKEW_MINUTES: i64 = 10;

/// Asks `provider` whether it has `message`. `linkless_body` is the text as composed now, for a
/// message without a link (nothing unique in its text): the same text to the same number since
/// the lost start counts as this message, since the debtor has read it either way.
pub async fn look_up(
    ctx: &AppContext,
    provider: &dyn Provider,
    message: &Message,
    since: DateTime<Utc>,
    linkless_body: Option<&str>,
) -> LookupResult {
    let lookup = match provider.sent_to(&message.recipient, since).await {
        Ok(lookup) => lookup,
        Err(e) => {
            tracing::warn!(message_id = %message.id, provider = provider.name(), error = %e, "could not ask the provider about a lost send");
            return LookupResult::Failed;
        }
    };
    for record in &lookup.records {
        match is_this_message(ctx, message, record, since, linkless_body).await {
            Ok(true) => return LookupResult::Found(record.provider_id.clone()),
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(message_id = %message.id, error = %e, "store unavailable while matching a lost send");
                return LookupResult::Failed;
            }
        }
    }
    LookupResult::NotFound {
        complete: lookup.complete,
    }
}

async fn is_this_message(
    ctx: &AppContext,
    message: &Message,
    record: &ProviderRecord,
    since: DateTime<Utc>,
    linkless_body: Option<&str>,
) -> Result<bool, StoreError> {
    if let Some(id) = &record.message_id {
        return Ok(*id == message.id);
    }
    let base = &ctx.config.settings.server.public_base_url;
    for candidate in link_tokens(&record.body, base) {
        // Verified first: text that merely looks like a link costs no store read.
        let Ok(token) = ctx.config.link_keys.verify(candidate) else {
            continue;
        };
        if let Some(link) = ctx.store.link(&token.digest()).await?
            && link.message_id.as_ref() == Some(&message.id)
        {
            return Ok(true);
        }
    }
    Ok(linkless_body.is_some_and(|body| {
        record.body == body
            && record
                .created_at
                .is_some_and(|at| at >= since - chrono::Duration::minutes(CLOCK_SKEW_MINUTES))
    }))
}

/// The link tokens in `text`: what follows each `{base}/k/`, up to the first character that
/// cannot be part of a token.
pub fn link_tokens<'a>(text: &'a str, base: &str) -> Vec<&'a str> {
    let prefix = format!("{base}/k/");
    text.match_indices(&prefix)
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|token| !token.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_after_the_base_url_wherever_the_link_sits() {
        let base = "https://innfri.example.no";
        let text = "Betal her: https://innfri.example.no/k/AbC123. Eller https://innfri.example.no/k/Zz9\nHilsen";
        assert_eq!(link_tokens(text, base), vec!["AbC123", "Zz9"]);
        assert!(link_tokens("https://other.example.no/k/AbC123", base).is_empty());
        assert!(link_tokens("https://innfri.example.no/k/", base).is_empty());
        assert!(link_tokens("", base).is_empty());
        // A multi-byte character right after the prefix ends the token, without a panic.
        assert!(link_tokens("https://innfri.example.no/k/ø", base).is_empty());
    }
}
