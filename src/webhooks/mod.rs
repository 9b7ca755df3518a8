//! Outbound webhooks to agencies, signed per the Standard Webhooks specification.

pub mod delivery;
pub mod destination;

use crate::domain::webhook_endpoint::WebhookUrl;
use crate::domain::webhook_secret::WebhookSecret;

/// Where and how an agency's events are delivered, as `agencies.toml` configures it (until an
/// admin changes it in the console: `domain::webhook_endpoint`).
#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    pub url: WebhookUrl,
    pub secret: WebhookSecret,
}
