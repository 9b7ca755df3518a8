//! Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, Basic auth.

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::provider::{Outbound, Provider, SendError, SendReceipt, retry_after};
use crate::domain::message::Recipient;

/// The provider's name: its namespace for message ids in the store.
pub const NAME: &str = "twilio";

pub struct TwilioProvider {
    client: reqwest::Client,
    account_sid: String,
    auth_token: SecretString,
    from: String,
    url: String,
    /// Where Twilio reports delivery (`StatusCallback`).
    status_callback: Option<String>,
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

#[derive(Deserialize)]
struct ApiError {
    code: Option<u32>,
    message: Option<String>,
}

/// Twilio error codes that no retry can fix for this recipient.
const PERMANENT_CODES: [u32; 5] = [
    21211, // invalid 'To' number
    21614, // not a mobile number
    21610, // recipient replied STOP
    21612, // cannot route to this number
    30006, // landline or unreachable carrier
];

impl TwilioProvider {
    pub fn new(
        client: reqwest::Client,
        api_base: &str,
        account_sid: &str,
        auth_token: SecretString,
        from: &str,
        status_callback: Option<String>,
    ) -> TwilioProvider {
        TwilioProvider {
            status_callback,
            client,
            url: format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                api_base.trim_end_matches('/'),
                account_sid
            ),
            account_sid: account_sid.to_owned(),
            auth_token,
            from: from.to_owned(),
        }
    }
}

#[async_trait]
impl Provider for TwilioProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        let Recipient::Sms(to) = &outbound.recipient else {
            return Err(SendError::Permanent {
                reason: "twilio sends SMS only".into(),
            });
        };
        let mut form = vec![
            ("To", to.e164()),
            ("From", self.from.as_str()),
            ("Body", outbound.body.as_str()),
        ];
        // Our message id rides along in the callback URL, so a status report finds the message
        // even when the worker died before it stored Twilio's sid.
        let callback = self
            .status_callback
            .as_ref()
            .map(|url| format!("{url}?m={}", outbound.message_id.as_str()));
        if let Some(callback) = &callback {
            form.push(("StatusCallback", callback.as_str()));
        }
        let response = self
            .client
            .post(&self.url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose_secret()))
            .form(&form)
            .send()
            .await
            .map_err(|e| SendError::Transient {
                reason: format!("twilio unreachable: {e}"),
                retry_after: None,
            })?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let body = response.bytes().await.map_err(|e| SendError::Transient {
            reason: format!("twilio response cut: {e}"),
            retry_after: None,
        })?;
        if status.is_success() {
            let created: Created =
                serde_json::from_slice(&body).map_err(|e| SendError::Transient {
                    reason: format!("twilio answered {status} with an unreadable body: {e}"),
                    retry_after: None,
                })?;
            return Ok(SendReceipt {
                provider: NAME,
                provider_id: created.sid,
            });
        }
        let error: Option<ApiError> = serde_json::from_slice(&body).ok();
        let code = error.as_ref().and_then(|e| e.code);
        let text = error.and_then(|e| e.message).unwrap_or_default();
        let reason = format!(
            "twilio {status} code {} {text}",
            code.map(|c| c.to_string()).unwrap_or_else(|| "-".into())
        );
        if code.is_some_and(|c| PERMANENT_CODES.contains(&c)) {
            return Err(SendError::Permanent { reason });
        }
        // 429 and 5xx are Twilio's own trouble; 401/403 are ours (credentials) and may be fixed
        // without losing the message, so everything else is retried with backoff too.
        Err(SendError::Transient {
            reason,
            retry_after: wait,
        })
    }
}

/// Twilio's request signature (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed with the auth
/// token, over the full callback URL followed by every POST parameter sorted by name as
/// `name` + `value`.
pub fn request_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return String::new();
    };
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilios_published_signature_example_verifies() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let signature = request_signature(
            "12345",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            &params,
        );
        assert_eq!(signature, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert_ne!(
            request_signature(
                "12346",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            signature
        );
    }
}
