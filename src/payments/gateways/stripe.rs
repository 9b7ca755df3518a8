//! Stripe Checkout: creating a hosted card payment page for a case, and reading Stripe's signed
//! webhook (`Stripe-Signature`, HMAC-SHA256 over `"{t}.{body}"` with the `whsec_` string, hex)
//! into the one fact that matters, a paid checkout session.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;

use super::checkout::{CheckoutRequest, GatewayError};
use crate::domain::ids::CaseId;
use crate::links::constant_time_eq;

/// Stripe's SDKs accept a signature this many seconds from now, either way.
pub const SIGNATURE_TOLERANCE_SECONDS: i64 = 300;

pub struct StripeClient {
    http: reqwest::Client,
    secret_key: SecretString,
    api_base: String,
}

#[derive(Debug, Deserialize)]
struct SessionCreated {
    id: String,
    url: String,
}

impl StripeClient {
    pub fn new(http: reqwest::Client, secret_key: SecretString, api_base: &str) -> StripeClient {
        StripeClient {
            http,
            secret_key,
            api_base: api_base.trim_end_matches('/').to_owned(),
        }
    }

    /// Creates a Checkout Session and returns the page to send the debtor to.
    pub async fn create_checkout(&self, req: &CheckoutRequest) -> Result<String, GatewayError> {
        let amount = req.amount.minor_units().to_string();
        let currency = req.amount.currency().code().to_ascii_lowercase();
        // Stripe allows 30 minutes to 24 hours; a debtor who wanders off gets a fresh one next time.
        let expires = (req.now + chrono::Duration::minutes(30))
            .timestamp()
            .to_string();
        let case = req.case_id.as_str();
        let form = [
            ("mode", "payment"),
            ("line_items[0][price_data][currency]", currency.as_str()),
            ("line_items[0][price_data][unit_amount]", amount.as_str()),
            (
                "line_items[0][price_data][product_data][name]",
                req.description.as_str(),
            ),
            ("line_items[0][quantity]", "1"),
            ("success_url", req.return_url.as_str()),
            ("cancel_url", req.cancel_url.as_str()),
            ("client_reference_id", case),
            ("metadata[case_id]", case),
            ("metadata[attempt]", req.attempt.as_str()),
            ("payment_intent_data[metadata][case_id]", case),
            ("expires_at", expires.as_str()),
            ("locale", req.locale.code()),
        ];
        let response = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.api_base))
            .bearer_auth(self.secret_key.expose_secret())
            // Retrying the same attempt never makes a second session.
            .header("Idempotency-Key", req.attempt.as_str())
            .form(&form)
            .send()
            .await
            .map_err(GatewayError::unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(GatewayError::Refused(format!("stripe answered {status}")));
        }
        let created: SessionCreated = response
            .json()
            .await
            .map_err(|e| GatewayError::Refused(format!("stripe's answer unreadable: {e}")))?;
        tracing::info!(case = %req.case_id, session = %created.id, "stripe checkout created");
        Ok(created.url)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("Stripe-Signature header missing or malformed")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// The hex HMAC-SHA256 Stripe puts in `v1=` for this timestamp and body.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    #[allow(clippy::expect_used)] // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Accepts the body when any `v1` signature matches and its timestamp is within the tolerance.
pub fn verify(header: &str, body: &[u8], secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => candidates.push(sig),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > SIGNATURE_TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let expected = signature(secret, timestamp, body);
    if candidates
        .iter()
        .any(|c| constant_time_eq(c.as_bytes(), expected.as_bytes()))
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    data: EnvelopeData,
}

#[derive(Debug, Deserialize)]
struct EnvelopeData {
    object: SessionObject,
}

#[derive(Debug, Deserialize)]
struct SessionObject {
    id: String,
    payment_status: Option<String>,
    amount_total: Option<i64>,
    currency: Option<String>,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
}

/// A checkout session Stripe says is paid: what to apply, to which case, once per session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidCheckout {
    pub session_id: String,
    pub case_id: CaseId,
    pub amount_minor: i64,
    pub currency: String,
}

/// Reads a verified event: `Some` only for a checkout that is paid (completed with
/// `payment_status=paid`, or a delayed method that later succeeded); other events are `None`.
pub fn paid_checkout(body: &[u8]) -> Result<Option<PaidCheckout>, String> {
    let event: Envelope = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let session = event.data.object;
    let paid = match event.kind.as_str() {
        "checkout.session.completed" => session.payment_status.as_deref() == Some("paid"),
        "checkout.session.async_payment_succeeded" => true,
        _ => false,
    };
    if !paid {
        return Ok(None);
    }
    let case_id = session
        .metadata
        .get("case_id")
        .and_then(|id| CaseId::parse(id).ok())
        .ok_or("metadata.case_id missing")?;
    let amount_minor = session.amount_total.ok_or("amount_total missing")?;
    let currency = session
        .currency
        .ok_or("currency missing")?
        .to_ascii_uppercase();
    Ok(Some(PaidCheckout {
        session_id: session.id,
        case_id,
        amount_minor,
        currency,
    }))
}

/// A checkout session Stripe gave up on (`checkout.session.expired`, or an async payment that
/// failed): its session id and case, so the return page can say the payment did not go through.
pub fn failed_checkout(body: &[u8]) -> Option<(String, CaseId)> {
    let event: Envelope = serde_json::from_slice(body).ok()?;
    if !matches!(
        event.kind.as_str(),
        "checkout.session.expired" | "checkout.session.async_payment_failed"
    ) {
        return None;
    }
    let session = event.data.object;
    let case_id = session
        .metadata
        .get("case_id")
        .and_then(|id| CaseId::parse(id).ok())?;
    Some((session.id, case_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn a_known_signature_matches_an_independent_computation() {
        // Computed with Python: hmac.new(b"whsec_test_secret", b"1700000000.{\"id\":\"evt_1\"}", sha256).hexdigest()
        assert_eq!(
            signature(SECRET, 1_700_000_000, br#"{"id":"evt_1"}"#),
            "248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a"
        );
    }

    #[test]
    fn any_v1_within_the_tolerance_is_accepted() {
        let body = br#"{"id":"evt_1"}"#;
        let good = signature(SECRET, 1000, body);
        let header = format!("t=1000,v1={},v1={good},v0=abc", "0".repeat(64));
        assert_eq!(verify(&header, body, SECRET, 1000 + 300), Ok(()));
        assert_eq!(verify(&header, body, SECRET, 1000 - 300), Ok(()));
        assert_eq!(
            verify(&header, body, SECRET, 1000 + 301),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn a_tampered_body_a_wrong_secret_or_a_bad_header_is_refused() {
        let body = br#"{"id":"evt_1"}"#;
        let header = format!("t=1000,v1={}", signature(SECRET, 1000, body));
        assert_eq!(
            verify(&header, br#"{"id":"evt_2"}"#, SECRET, 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, body, "whsec_other", 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("v1=abc", body, SECRET, 1000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("t=1000", body, SECRET, 1000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("", body, SECRET, 1000),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn only_a_paid_session_is_a_payment() {
        let completed = |status: &str| {
            format!(
                r#"{{"id":"evt_1","type":"checkout.session.completed","data":{{"object":{{"id":"cs_test_1","payment_status":"{status}","amount_total":125000,"currency":"nok","metadata":{{"case_id":"cs_0123456789abcdef0123456789abcdef"}}}}}}}}"#
            )
        };
        let paid = paid_checkout(completed("paid").as_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(paid.amount_minor, 125_000);
        assert_eq!(paid.currency, "NOK");
        assert_eq!(paid.session_id, "cs_test_1");
        assert_eq!(paid.case_id.as_str(), "cs_0123456789abcdef0123456789abcdef");
        assert_eq!(paid_checkout(completed("unpaid").as_bytes()), Ok(None));
        let expired = r#"{"id":"evt_2","type":"checkout.session.expired","data":{"object":{"id":"cs_test_1"}}}"#;
        assert_eq!(paid_checkout(expired.as_bytes()), Ok(None));
        assert_eq!(failed_checkout(expired.as_bytes()), None, "no case named");
        let case = CaseId::generate();
        let expired = format!(
            r#"{{"type":"checkout.session.expired","data":{{"object":{{"id":"cs_test_1","metadata":{{"case_id":"{case}"}}}}}}}}"#
        );
        assert_eq!(
            failed_checkout(expired.as_bytes()),
            Some(("cs_test_1".to_owned(), case))
        );
        assert!(paid_checkout(b"not json").is_err());
    }
}
