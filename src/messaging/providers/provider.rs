//! The provider interface every SMS and e-mail service is reached through, and its error classes.

use std::time::Duration;

use async_trait::async_trait;

use chrono::{DateTime, Utc};

use crate::domain::ids::MessageId;
use crate::domain::lost_send::SentLookup;
use crate::domain::message::{ProviderRef, Recipient};

/// A rendered message, ready for a provider.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub message_id: MessageId,
    pub recipient: Recipient,
    /// Only for e-mail.
    pub subject: Option<String>,
    pub body: String,
    /// Only for e-mail: the one-click unsubscribe URL (RFC 8058) for its `List-Unsubscribe`.
    pub unsubscribe_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The provider that took the message (behind a failover, the one that really sent it).
    pub provider: &'static str,
    /// The provider's id for the message (Twilio's `SM…` sid), used to match delivery receipts.
    pub provider_id: String,
    /// Whether every delivery report names our message id by construction (Twilio calls the
    /// callback URL we gave it, `?m=<message id>` included): then receipts find the message
    /// without an index of the provider's id, and none is written. Providers that only echo
    /// a field we sent (GatewayAPI's `userref`, Postmark's metadata) keep the index, so a
    /// report without it is still matched.
    pub reports_name_the_message: bool,
}

impl SendReceipt {
    /// The provider's id to index for receipts: `None` when the reports name the message.
    pub fn index_for_reports(&self) -> Option<ProviderRef<'_>> {
        (!self.reports_name_the_message).then(|| self.provider_ref())
    }

    pub fn provider_ref(&self) -> ProviderRef<'_> {
        ProviderRef {
            provider: self.provider,
            id: &self.provider_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth another try later (timeouts, 5xx, rate limits).
    #[error("transient: {reason}")]
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Will never succeed for this recipient (invalid or landline number, unsubscribed).
    #[error("permanent: {reason}")]
    Permanent { reason: String },
}

/// Asking a provider what it sent failed (unreachable, refused, an unreadable answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lookup failed: {0}")]
pub struct LookupError(pub String);

#[async_trait]
pub trait Provider: Send + Sync {
    /// A short name for logs and the message record.
    fn name(&self) -> &'static str;
    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError>;

    /// The messages this provider has on record for `recipient` (at least those since
    /// `since`), so a send whose outcome a crash lost can be recognised instead of repeated.
    /// The default: this provider's API offers no such lookup.
    async fn sent_to(
        &self,
        _recipient: &Recipient,
        _since: DateTime<Utc>,
    ) -> Result<SentLookup, LookupError> {
        Ok(SentLookup::unavailable())
    }
}

/// A `Retry-After` header given in seconds (the form SMS and e-mail APIs use).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}
