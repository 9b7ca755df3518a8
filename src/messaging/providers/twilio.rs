//! Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded,
//! Basic auth; and `GET` on the same resource to list what was sent to a number, which is how a
//! send whose answer a crash lost is recognised (by the link in its body) instead of repeated.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::provider::{LookupError, Outbound, Provider, SendError, SendReceipt, retry_after};
use crate::domain::lost_send::{ProviderRecord, SentLookup};
use crate::domain::message::Recipient;

/// The provider's name: its namespace for message ids in the store.
pub const NAME: &str = "twilio";
/// Messages per page of a lookup (Twilio allows up to 1000): one debtor's number rarely has more.
const LOOKUP_PAGE_SIZE: &str = "100";
/// Pages a lookup reads before it gives up as inconclusive.
const LOOKUP_MAX_PAGES: usize = 20;

pub struct TwilioProvider {
    client: reqwest::Client,
    account_sid: String,
    auth_token: SecretString,
    from: String,
    /// `api_base` without a trailing slash: paging URIs are relative to it.
    api_base: String,
    url: String,
    /// `url` parsed once (each send reports it when it does not parse), so a send does not
    /// parse it again: that was 4 % of the worker's CPU per message.
    send_url: Result<reqwest::Url, url::ParseError>,
    /// Where Twilio reports delivery (`StatusCallback`).
    status_callback: Option<String>,
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

/// One page of `GET …/Messages.json`: the fields we read.
#[derive(Deserialize)]
struct MessagePage {
    #[serde(default)]
    messages: Vec<ListedMessage>,
    /// Relative to the API's origin; absent or null on the last page.
    #[serde(default)]
    next_page_uri: Option<String>,
}

#[derive(Deserialize)]
struct ListedMessage {
    sid: String,
    #[serde(default)]
    body: Option<String>,
    /// RFC 2822, e.g. `Mon, 16 Aug 2010 03:45:01 +0000`.
    #[serde(default)]
    date_created: Option<String>,
    #[serde(default)]
    status: Option<String>,
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
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            api_base.trim_end_matches('/'),
            account_sid
        );
        TwilioProvider {
            status_callback,
            client,
            send_url: reqwest::Url::parse(&url),
            url,
            account_sid: account_sid.to_owned(),
            auth_token,
            from: from.to_owned(),
            api_base: api_base.trim_end_matches('/').to_owned(),
        }
    }

    async fn page(&self, url: &str) -> Result<MessagePage, LookupError> {
        let response = self
            .client
            .get(url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose_secret()))
            .send()
            .await
            .map_err(|e| LookupError(format!("twilio unreachable: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(LookupError(format!("twilio answered {status} to a lookup")));
        }
        response
            .json()
            .await
            .map_err(|e| LookupError(format!("twilio lookup unreadable: {e}")))
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
            // A bad URL as reqwest would report it: the configuration is fixed, the message retried.
            .post(self.send_url.clone().map_err(|e| SendError::Transient {
                reason: format!("twilio unreachable: {e}"),
                retry_after: None,
            })?)
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
                // The callback URL carries `?m=<message id>`; without a callback there are
                // no reports at all.
                reports_name_the_message: true,
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

    /// Every message Twilio has to this number, page by page. Filtered by `To` only, not by
    /// `DateSent`: Twilio fills `date_sent` when the message leaves its queue, so a filter on it
    /// would miss exactly the messages a crash leaves unknown (accepted, still queued). One
    /// debtor's number has few messages, and each is matched by the link only it carries.
    async fn sent_to(
        &self,
        recipient: &Recipient,
        _since: DateTime<Utc>,
    ) -> Result<SentLookup, LookupError> {
        let Recipient::Sms(to) = recipient else {
            return Ok(SentLookup::unavailable());
        };
        let first = reqwest::Url::parse_with_params(
            &self.url,
            &[("To", to.e164()), ("PageSize", LOOKUP_PAGE_SIZE)],
        )
        .map_err(|e| LookupError(format!("twilio lookup URL: {e}")))?;
        let mut url = first.to_string();
        let mut records = Vec::new();
        for _ in 0..LOOKUP_MAX_PAGES {
            let page = self.page(&url).await?;
            records.extend(
                page.messages
                    .into_iter()
                    // A scheduled message cancelled before it went was never sent.
                    .filter(|m| m.status.as_deref() != Some("canceled"))
                    .map(|m| ProviderRecord {
                        provider_id: m.sid,
                        body: m.body.unwrap_or_default(),
                        created_at: m
                            .date_created
                            .and_then(|d| DateTime::parse_from_rfc2822(&d).ok())
                            .map(|d| d.with_timezone(&Utc)),
                        message_id: None,
                    }),
            );
            match page.next_page_uri.filter(|uri| !uri.is_empty()) {
                // Appended to our own API base, never followed elsewhere: the credentials go
                // only where they were configured to.
                Some(next) if next.starts_with('/') => url = format!("{}{next}", self.api_base),
                Some(_) => return Err(LookupError("twilio paging URI is not relative".into())),
                None => {
                    return Ok(SentLookup {
                        records,
                        complete: true,
                    });
                }
            }
        }
        Err(LookupError(format!(
            "more than {LOOKUP_MAX_PAGES} pages of messages to one number"
        )))
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
