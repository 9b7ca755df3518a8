//! Outbound webhooks to agencies, signed per the Standard Webhooks specification.

pub mod delivery;
pub mod destination;
pub mod signing;

/// Where and how an agency's events are delivered.
#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    pub url: reqwest::Url,
    pub secret: signing::WebhookSecret,
}
