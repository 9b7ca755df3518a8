//! GatewayAPI (Nordic SMS): `POST /rest/mtsms` as JSON with the token as Basic user name, its
//! delivery reports and the debtors' replies (MO SMS), whose `X-Gwapi-Signature` is a JWT
//! (HS256) keyed with the webhook token and dated by its claims.
//!
//! No lookup of what was sent: GatewayAPI's REST API fetches a message only by its own id
//! (`GET /rest/mtsms/{id}`), which is exactly what a crash mid-send loses, and offers no search
//! by `userref`. So [`Provider::sent_to`] keeps its default ("cannot be asked"): a message whose
//! send was lost waits `messaging.receipt_grace_seconds` for a delivery report, which names our
//! message in `userref` and settles it, and only then is sent again.

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::provider::{Outbound, Provider, SendError, SendReceipt, retry_after};
use crate::domain::delivery_report::Outcome;
use crate::domain::message::Recipient;

/// The provider's name: its namespace for message ids in the store.
pub const NAME: &str = "gatewayapi";

pub struct GatewayApiProvider {
    client: reqwest::Client,
    url: String,
    token: SecretString,
    sender: String,
    /// Where GatewayAPI posts delivery reports.
    callback_url: Option<String>,
}

#[derive(Deserialize)]
struct Accepted {
    ids: Vec<u64>,
}

#[derive(Deserialize)]
struct ApiError {
    code: Option<String>,
    message: Option<String>,
}

impl GatewayApiProvider {
    pub fn new(
        client: reqwest::Client,
        api_base: &str,
        token: SecretString,
        sender: &str,
        callback_url: Option<String>,
    ) -> GatewayApiProvider {
        GatewayApiProvider {
            client,
            url: format!("{}/rest/mtsms", api_base.trim_end_matches('/')),
            token,
            sender: sender.to_owned(),
            callback_url,
        }
    }
}

#[async_trait]
impl Provider for GatewayApiProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        let Recipient::Sms(to) = &outbound.recipient else {
            return Err(SendError::Permanent {
                reason: "gatewayapi sends SMS only".into(),
            });
        };
        // MSISDN: the E.164 number without '+', as an integer.
        let msisdn: u64 =
            to.e164()
                .trim_start_matches('+')
                .parse()
                .map_err(|_| SendError::Permanent {
                    reason: "number is not all digits".into(),
                })?;
        let mut body = serde_json::json!({
            "sender": self.sender,
            "message": outbound.body,
            "recipients": [{"msisdn": msisdn}],
            // Our message id comes back in every delivery report, so a report can be matched
            // even if the worker died before it stored GatewayAPI's id.
            "userref": outbound.message_id.as_str(),
        });
        if let Some(callback) = &self.callback_url {
            body["callback_url"] = serde_json::Value::from(callback.as_str());
        }
        let response = self
            .client
            .post(&self.url)
            .basic_auth(self.token.expose_secret(), Some(""))
            .json(&body)
            .send()
            .await
            .map_err(|e| SendError::Transient {
                reason: format!("gatewayapi unreachable: {e}"),
                retry_after: None,
            })?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(|e| SendError::Transient {
            reason: format!("gatewayapi response cut: {e}"),
            retry_after: None,
        })?;
        if status.is_success() {
            let accepted: Accepted =
                serde_json::from_slice(&bytes).map_err(|e| SendError::Transient {
                    reason: format!("gatewayapi answered {status} with an unreadable body: {e}"),
                    retry_after: None,
                })?;
            let Some(id) = accepted.ids.first() else {
                return Err(SendError::Transient {
                    reason: "gatewayapi accepted the request but returned no message id".into(),
                    retry_after: None,
                });
            };
            return Ok(SendReceipt {
                provider: NAME,
                provider_id: id.to_string(),
                // `userref` comes back in reports, but one without it is still matched (by the
                // index), as before.
                reports_name_the_message: false,
            });
        }
        let error: Option<ApiError> = serde_json::from_slice(&bytes).ok();
        let code = error.as_ref().and_then(|e| e.code.clone());
        let text = error.and_then(|e| e.message).unwrap_or_default();
        let reason = format!(
            "gatewayapi {status} code {} {text}",
            code.unwrap_or("-".into())
        );
        // 422 is GatewayAPI's answer to a message it will never accept as given (an invalid
        // recipient); 401/403 are our credentials and 429/5xx their trouble: both may pass.
        if status == reqwest::StatusCode::UNPROCESSABLE_ENTITY {
            return Err(SendError::Permanent { reason });
        }
        Err(SendError::Transient {
            reason,
            retry_after: wait,
        })
    }
}

/// A delivery report's claims, trusted once the JWT verifies.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeliveryReport {
    pub id: u64,
    pub status: String,
    #[serde(default)]
    pub userref: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

impl DeliveryReport {
    pub fn outcome(&self) -> Outcome {
        let reason = || {
            format!(
                "gatewayapi {} {}",
                self.status,
                self.error.as_deref().or(self.code.as_deref()).unwrap_or("")
            )
            .trim_end()
            .to_owned()
        };
        match self.status.as_str() {
            "DELIVERED" => Outcome::Delivered,
            // UNDELIVERABLE: usually an invalid number; REJECTED: refused by the network.
            "UNDELIVERABLE" | "REJECTED" => Outcome::Undeliverable { reason: reason() },
            "EXPIRED" | "DELETED" | "SKIPPED" => Outcome::NotDelivered { reason: reason() },
            _ => Outcome::Pending,
        }
    }
}

/// A debtor's reply (MO SMS) as GatewayAPI posts it to the inbound webhook; the JWT in
/// `X-Gwapi-Signature` carries the same claims, and those are what is trusted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InboundSms {
    /// GatewayAPI's id of the incoming message.
    pub id: u64,
    /// The sender's number, digits only (country code first, no `+`).
    pub msisdn: u64,
    /// The text, including any keyword GatewayAPI routed it by.
    pub message: String,
    /// The short code or number it was sent to.
    #[serde(default)]
    pub receiver: Option<u64>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("not a JWT (three base64url parts)")]
    Malformed,
    #[error("algorithm is not HS256")]
    Algorithm,
    #[error("signature does not match")]
    Signature,
    #[error("claims are not what this webhook carries")]
    Claims,
    #[error("no iat or time claim says when the report was made")]
    Undated,
    #[error("dated in the future (iat, time or nbf)")]
    NotYetValid,
    #[error("expired (exp)")]
    Expired,
    #[error("older than the oldest report accepted")]
    TooOld,
}

/// How far GatewayAPI's clock may be from ours.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The oldest report accepted, by `iat` or else `time` (when its status came): GatewayAPI
/// retries a report we did not take for at least 24 hours, so a shorter limit would drop real
/// reports after an outage of ours. A replayed report changes nothing (a receipt settles a
/// message once), so this only has to shut out old captured ones.
pub const MAX_REPORT_AGE: Duration = Duration::hours(24);

/// The JWT time claims (RFC 7519 NumericDate, seconds) and GatewayAPI's own `time`.
#[derive(Debug, Default, Deserialize)]
struct TimeClaims {
    iat: Option<f64>,
    nbf: Option<f64>,
    exp: Option<f64>,
    time: Option<f64>,
}

/// Whether a report with these claims may be trusted at `now`, allowing [`CLOCK_SKEW`].
fn check_time_claims(claims: &TimeClaims, now: DateTime<Utc>) -> Result<(), JwtError> {
    // Seconds as f64: a NumericDate may have a fraction, and a day's range needs no more.
    let now = now.timestamp() as f64;
    let skew = CLOCK_SKEW.num_seconds() as f64;
    let made = claims.iat.or(claims.time).ok_or(JwtError::Undated)?;
    if made > now + skew || claims.nbf.is_some_and(|nbf| nbf > now + skew) {
        return Err(JwtError::NotYetValid);
    }
    if claims.exp.is_some_and(|exp| exp <= now - skew) {
        return Err(JwtError::Expired);
    }
    if made < now - (MAX_REPORT_AGE.num_seconds() as f64) - skew {
        return Err(JwtError::TooOld);
    }
    Ok(())
}

#[derive(Deserialize)]
struct JwtHeader {
    alg: String,
}

/// Verifies a delivery report's `X-Gwapi-Signature` JWT, checks that it is current at `now`,
/// and returns its claims.
pub fn verify_report(
    token: &str,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<DeliveryReport, JwtError> {
    verify_claims(token, secret, now, Dating::Required)
}

/// Verifies an inbound SMS's `X-Gwapi-Signature` JWT (the same scheme) and returns its claims.
/// A reply's claims may carry no date of their own; when they do, they must be current.
pub fn verify_inbound(
    token: &str,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<InboundSms, JwtError> {
    verify_claims(token, secret, now, Dating::IfPresent)
}

/// Whether claims must say when they were made.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dating {
    Required,
    IfPresent,
}

/// Verifies the `X-Gwapi-Signature` JWT with the webhook token, checks its time claims at
/// `now`, and returns its claims.
///
/// Hand-written rather than a JWT crate: the only algorithm accepted is HS256 (pinned, so no
/// algorithm confusion), the time that matters is GatewayAPI's own `time` claim (which a JWT
/// crate does not know), and `hmac` is already here.
fn verify_claims<T: serde::de::DeserializeOwned>(
    token: &str,
    secret: &[u8],
    now: DateTime<Utc>,
    dating: Dating,
) -> Result<T, JwtError> {
    let mut parts = token.trim().split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header_bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| JwtError::Malformed)?;
    let header: JwtHeader =
        serde_json::from_slice(&header_bytes).map_err(|_| JwtError::Malformed)?;
    if header.alg != "HS256" {
        return Err(JwtError::Algorithm);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError::Malformed)?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).map_err(|_| JwtError::Signature)?;
    mac.update(header_bytes_input(token).as_bytes());
    // Constant-time comparison inside `verify_slice`.
    mac.verify_slice(&signature)
        .map_err(|_| JwtError::Signature)?;
    let claims = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| JwtError::Malformed)?;
    let times: TimeClaims = serde_json::from_slice(&claims).map_err(|_| JwtError::Claims)?;
    match check_time_claims(&times, now) {
        Err(JwtError::Undated) if dating == Dating::IfPresent => {}
        checked => checked?,
    }
    serde_json::from_slice(&claims).map_err(|_| JwtError::Claims)
}

/// The signed part of a JWT: `header.payload` exactly as sent.
fn header_bytes_input(token: &str) -> &str {
    let token = token.trim();
    token.rfind('.').map(|end| &token[..end]).unwrap_or(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, SystemClock};

    /// A fixed day long after the published vector was made.
    fn today() -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_083_200, 0).expect("2026-12-01")
    }

    /// GatewayAPI's documented example report, signed with the secret `secret`.
    const VECTOR: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpZCI6MjM4MTcwMywibXNpc2RuIjo0NTQyNjA5MDQ1LCJ0aW1lIjoxNTIyNzY0MDYyLCJzdGF0dXMiOiJERUxJVkVSRUQiLCJlcnJvciI6bnVsbCwiY29kZSI6bnVsbCwidXNlcnJlZiI6bnVsbCwiY2FsbGJhY2tfdXJsIjoiaHR0cDovL2JiYWY3MTQyLm5ncm9rLmlvIiwiYXBpIjo0fQ.KdfDH65bnQtgxEkFnpAQodOciAJedZFB13r9wEo8t3Y";

    /// The vector's `time` claim: 2018-04-03 14:01:02 UTC.
    fn when_the_vector_was_made() -> DateTime<Utc> {
        DateTime::from_timestamp(1_522_764_062, 0).expect("time")
    }

    /// An HS256 JWT over `claims`, as GatewayAPI signs a report.
    fn signed(claims: &serde_json::Value, secret: &[u8]) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("key");
        mac.update(format!("{header}.{payload}").as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{header}.{payload}.{signature}")
    }

    #[test]
    fn the_published_report_verifies_with_its_secret() {
        let report =
            verify_report(VECTOR, b"secret", when_the_vector_was_made()).expect("verifies");
        assert_eq!(report.id, 2381703);
        assert_eq!(report.status, "DELIVERED");
        assert_eq!(report.outcome(), Outcome::Delivered);
        assert_eq!(report.userref, None);
    }

    #[test]
    fn a_wrong_secret_or_a_changed_payload_is_refused() {
        let then = when_the_vector_was_made();
        assert_eq!(
            verify_report(VECTOR, b"Secret", then),
            Err(JwtError::Signature)
        );
        let parts: Vec<&str> = VECTOR.split('.').collect();
        let forged_claims = URL_SAFE_NO_PAD.encode(
            br#"{"id":2381703,"msisdn":4542609045,"time":1522764062,"status":"UNDELIVERABLE"}"#,
        );
        let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);
        assert_eq!(
            verify_report(&forged, b"secret", then),
            Err(JwtError::Signature)
        );
        assert_eq!(
            verify_report("abc", b"secret", then),
            Err(JwtError::Malformed)
        );
        assert_eq!(verify_report("", b"secret", then), Err(JwtError::Malformed));
    }

    #[test]
    fn the_published_report_is_refused_today_as_too_old() {
        assert_eq!(
            verify_report(VECTOR, b"secret", today()),
            Err(JwtError::TooOld)
        );
        assert_eq!(
            verify_report(VECTOR, b"secret", SystemClock.now()),
            Err(JwtError::TooOld)
        );
    }

    #[test]
    fn a_report_is_taken_within_its_time_window_and_refused_outside_it() {
        let now = DateTime::from_timestamp(1_796_083_200, 0).expect("2026-12-01");
        let at = |offset: Duration| (now + offset).timestamp();
        let report = |extra: serde_json::Value| {
            let mut claims = serde_json::json!({"id": 7, "status": "DELIVERED"});
            if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
                claims.extend(extra.clone());
            }
            verify_report(&signed(&claims, b"k"), b"k", now).map(|r| r.id)
        };
        let m = Duration::minutes;
        assert_eq!(report(serde_json::json!({"time": at(m(0))})), Ok(7));
        assert_eq!(report(serde_json::json!({"time": at(-m(23 * 60))})), Ok(7));
        // GatewayAPI's clock a little ahead of ours is fine; far ahead is not.
        assert_eq!(report(serde_json::json!({"time": at(m(4))})), Ok(7));
        assert_eq!(
            report(serde_json::json!({"time": at(m(6))})),
            Err(JwtError::NotYetValid)
        );
        assert_eq!(
            report(serde_json::json!({"time": at(-m(25 * 60))})),
            Err(JwtError::TooOld)
        );
        // iat, when present, says when the report was made; nbf and exp are honoured.
        assert_eq!(
            report(serde_json::json!({"time": at(m(0)), "iat": at(-m(25 * 60))})),
            Err(JwtError::TooOld)
        );
        assert_eq!(
            report(serde_json::json!({"iat": at(m(0)), "nbf": at(m(10))})),
            Err(JwtError::NotYetValid)
        );
        assert_eq!(
            report(serde_json::json!({"iat": at(-m(20)), "exp": at(-m(10))})),
            Err(JwtError::Expired)
        );
        assert_eq!(
            report(serde_json::json!({"iat": at(-m(20)), "exp": at(-m(2))})),
            Ok(7)
        );
        assert_eq!(report(serde_json::json!({})), Err(JwtError::Undated));
        assert_eq!(
            report(serde_json::json!({"time": "yesterday"})),
            Err(JwtError::Claims)
        );
        assert_eq!(
            report(serde_json::json!({"time": 1.5e9_f64 + 0.5})),
            Err(JwtError::TooOld)
        );
    }

    #[test]
    fn other_algorithms_are_refused_before_any_key_is_used() {
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let parts: Vec<&str> = VECTOR.split('.').collect();
        let token = format!("{none_header}.{}.", parts[1]);
        assert_eq!(
            verify_report(&token, b"secret", when_the_vector_was_made()),
            Err(JwtError::Algorithm)
        );
    }

    #[test]
    fn an_inbound_sms_verifies_and_a_report_is_not_taken_for_one() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let claims = URL_SAFE_NO_PAD.encode(
            br#"{"id":1000001,"msisdn":4587654321,"receiver":451204,"message":"foo Hello World","senttime":1450000000,"webhook_label":"test","country_code":"DK","country_prefix":45}"#,
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"secret").expect("key");
        mac.update(format!("{header}.{claims}").as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        let token = format!("{header}.{claims}.{signature}");
        let sms = verify_inbound(&token, b"secret", today()).expect("verifies");
        assert_eq!(sms.msisdn, 4587654321);
        assert_eq!(sms.message, "foo Hello World");
        assert_eq!(sms.receiver, Some(451204));
        assert_eq!(
            verify_inbound(&token, b"other", today()),
            Err(JwtError::Signature)
        );
        assert_eq!(
            verify_inbound(VECTOR, b"secret", when_the_vector_was_made()),
            Err(JwtError::Claims)
        );
    }

    #[test]
    fn statuses_map_to_outcomes() {
        let report = |status: &str| DeliveryReport {
            id: 1,
            status: status.into(),
            userref: None,
            error: None,
            code: None,
        };
        assert!(matches!(
            report("UNDELIVERABLE").outcome(),
            Outcome::Undeliverable { .. }
        ));
        assert!(matches!(
            report("REJECTED").outcome(),
            Outcome::Undeliverable { .. }
        ));
        assert!(matches!(
            report("EXPIRED").outcome(),
            Outcome::NotDelivered { .. }
        ));
        assert_eq!(report("ENROUTE").outcome(), Outcome::Pending);
        assert_eq!(report("BUFFERED").outcome(), Outcome::Pending);
    }
}
