//! Postmark's e-mail API: `POST /email` with `X-Postmark-Server-Token`, and its delivery and
//! bounce webhooks (unsigned by Postmark, so the URL carries Basic credentials we check).

use std::collections::HashMap;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::provider::{Outbound, Provider, SendError, SendReceipt, retry_after};
use crate::domain::delivery_report::Outcome;
use crate::domain::message::Recipient;
use crate::messaging::unsubscribe;

/// The provider's name: its namespace for message ids in the store.
pub const NAME: &str = "postmark";

pub struct PostmarkProvider {
    client: reqwest::Client,
    url: String,
    token: SecretString,
    from: String,
    message_stream: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    #[serde(default)]
    error_code: u32,
    #[serde(default)]
    message: String,
    #[serde(rename = "MessageID", default)]
    message_id: Option<String>,
}

/// Postmark error codes no retry can fix for this address: 406 inactive recipient (an earlier
/// hard bounce or spam complaint), 300 invalid e-mail request (e.g. a malformed `To`).
const PERMANENT_CODES: [u32; 2] = [406, 300];

impl PostmarkProvider {
    pub fn new(
        client: reqwest::Client,
        api_base: &str,
        token: SecretString,
        from: &str,
        message_stream: &str,
    ) -> PostmarkProvider {
        PostmarkProvider {
            client,
            url: format!("{}/email", api_base.trim_end_matches('/')),
            token,
            from: from.to_owned(),
            message_stream: message_stream.to_owned(),
        }
    }
}

#[async_trait]
impl Provider for PostmarkProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        let Recipient::Email(to) = &outbound.recipient else {
            return Err(SendError::Permanent {
                reason: "postmark sends e-mail only".into(),
            });
        };
        let mut body = serde_json::json!({
            "From": self.from,
            "To": to.as_str(),
            "Subject": outbound.subject.as_deref().unwrap_or_default(),
            "TextBody": outbound.body,
            "MessageStream": self.message_stream,
            // Comes back in bounce and delivery webhooks.
            "Metadata": {"message_id": outbound.message_id.as_str()},
            "TrackOpens": false,
        });
        if let Some(url) = &outbound.unsubscribe_url {
            // One-click unsubscribe (RFC 8058); Postmark's DKIM signature covers these headers.
            body["Headers"] = serde_json::json!([
                {"Name": unsubscribe::LIST_UNSUBSCRIBE, "Value": format!("<{url}>")},
                {"Name": unsubscribe::LIST_UNSUBSCRIBE_POST, "Value": unsubscribe::ONE_CLICK},
            ]);
        }
        let response = self
            .client
            .post(&self.url)
            .header("X-Postmark-Server-Token", self.token.expose_secret())
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|e| SendError::Transient {
                reason: format!("postmark unreachable: {e}"),
                retry_after: None,
            })?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(|e| SendError::Transient {
            reason: format!("postmark response cut: {e}"),
            retry_after: None,
        })?;
        let answer: Option<Answer> = serde_json::from_slice(&bytes).ok();
        match answer {
            Some(Answer {
                error_code: 0,
                message_id: Some(id),
                ..
            }) if status.is_success() => Ok(SendReceipt {
                provider: NAME,
                provider_id: id,
                // As GatewayAPI: a report without our metadata is still matched by the index.
                reports_name_the_message: false,
            }),
            Some(answer) if PERMANENT_CODES.contains(&answer.error_code) => {
                Err(SendError::Permanent {
                    reason: format!(
                        "postmark {status} code {} {}",
                        answer.error_code, answer.message
                    ),
                })
            }
            other => Err(SendError::Transient {
                reason: format!(
                    "postmark {status} code {}",
                    other
                        .map(|a| format!("{} {}", a.error_code, a.message))
                        .unwrap_or_else(|| "-".into())
                ),
                retry_after: wait,
            }),
        }
    }
}

/// One Postmark webhook call (delivery, bounce or spam complaint), the fields we use.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebhookRecord {
    pub record_type: String,
    #[serde(rename = "MessageID")]
    pub message_id: String,
    /// Bounce type: `HardBounce`, `SoftBounce`, `Transient`, …
    #[serde(rename = "Type", default)]
    pub bounce_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

/// Bounce types that mean the address cannot receive mail (Postmark's bounce type list).
const HARD_BOUNCES: [&str; 6] = [
    "HardBounce",
    "BadEmailAddress",
    "ManuallyDeactivated",
    "SpamNotification",
    "Blocked",
    "Unsubscribe",
];

impl WebhookRecord {
    /// Our message id, from the metadata we sent.
    pub fn our_message_id(&self) -> Option<&str> {
        self.metadata.get("message_id").map(String::as_str)
    }

    pub fn outcome(&self) -> Outcome {
        let kind = self.bounce_type.clone().unwrap_or_default();
        match self.record_type.as_str() {
            "Delivery" => Outcome::Delivered,
            "SpamComplaint" => Outcome::Undeliverable {
                reason: "the recipient marked the e-mail as spam".into(),
            },
            "Bounce" if HARD_BOUNCES.contains(&kind.as_str()) => Outcome::Undeliverable {
                reason: format!("postmark {kind}"),
            },
            "Bounce" => Outcome::NotDelivered {
                reason: format!("postmark {kind}"),
            },
            _ => Outcome::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> WebhookRecord {
        serde_json::from_str(json).expect("record")
    }

    #[test]
    fn a_hard_bounce_makes_the_address_bad_and_a_soft_one_does_not() {
        let hard = record(
            r#"{"RecordType":"Bounce","ID":42,"Type":"HardBounce","TypeCode":1,"MessageID":"883953f4-6105-42a2-a16a-77a8eac79483","Email":"x@example.no","Inactive":true,"Metadata":{"message_id":"msg_1"},"MessageStream":"outbound"}"#,
        );
        assert!(matches!(hard.outcome(), Outcome::Undeliverable { .. }));
        assert_eq!(hard.our_message_id(), Some("msg_1"));
        let soft = record(
            r#"{"RecordType":"Bounce","Type":"SoftBounce","TypeCode":4096,"MessageID":"m"}"#,
        );
        assert!(matches!(soft.outcome(), Outcome::NotDelivered { .. }));
        let delivered = record(r#"{"RecordType":"Delivery","MessageID":"m"}"#);
        assert_eq!(delivered.outcome(), Outcome::Delivered);
        let open = record(r#"{"RecordType":"Open","MessageID":"m"}"#);
        assert_eq!(open.outcome(), Outcome::Pending);
    }
}
