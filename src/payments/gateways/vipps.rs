//! Vipps MobilePay ePayment: an access token (cached until shortly before it expires), a
//! payment created afresh on each click (`WEB_REDIRECT`), capture once the debtor approved it,
//! and the webhook's HMAC (`x-ms-content-sha256` + `Authorization: HMAC-SHA256 …`).

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::checkout::{CheckoutRequest, GatewayError};
use crate::config::VippsSettings;
use crate::domain::ids::CaseId;
use crate::links::constant_time_eq;

/// How far `x-ms-date` may be from our clock. Vipps names no window; five minutes is our choice,
/// wide enough for clock drift, narrow enough that a captured request cannot be replayed later.
pub const DATE_TOLERANCE_SECONDS: i64 = 300;

pub struct VippsClient {
    http: reqwest::Client,
    api_base: String,
    client_id: String,
    client_secret: SecretString,
    subscription_key: SecretString,
    msn: String,
    webhook_secret: SecretString,
    token: Mutex<Option<(SecretString, Instant)>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Vipps sends its numbers as strings.
    expires_in: serde_json::Value,
}

#[derive(Deserialize)]
struct PaymentCreated {
    #[serde(rename = "redirectUrl")]
    redirect_url: String,
}

impl VippsClient {
    pub fn new(http: reqwest::Client, settings: &VippsSettings) -> VippsClient {
        VippsClient {
            http,
            api_base: settings.api_base.trim_end_matches('/').to_owned(),
            client_id: settings.client_id.clone(),
            client_secret: settings.client_secret.clone(),
            subscription_key: settings.subscription_key.clone(),
            msn: settings.merchant_serial_number.clone(),
            webhook_secret: settings.webhook_secret.clone(),
            token: Mutex::new(None),
        }
    }

    pub fn webhook_secret(&self) -> &str {
        self.webhook_secret.expose_secret()
    }

    async fn access_token(&self) -> Result<SecretString, GatewayError> {
        let mut cached = self.token.lock().await;
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let response = self
            .merchant_headers(self.http.post(format!("{}/accesstoken/get", self.api_base)))
            .header("client_id", &self.client_id)
            .header("client_secret", self.client_secret.expose_secret())
            .header("Content-Length", "0")
            .send()
            .await
            .map_err(GatewayError::unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(GatewayError::Refused(format!(
                "vipps access token: {status}"
            )));
        }
        let body: TokenResponse = response
            .json()
            .await
            .map_err(|e| GatewayError::Refused(format!("vipps access token unreadable: {e}")))?;
        let seconds = match &body.expires_in {
            serde_json::Value::String(s) => s.parse::<u64>().unwrap_or(0),
            serde_json::Value::Number(n) => n.as_u64().unwrap_or(0),
            _ => 0,
        };
        // Renew a minute early so a token never expires between our check and Vipps' check.
        let until = Instant::now() + Duration::from_secs(seconds.saturating_sub(60));
        let token = SecretString::from(body.access_token);
        *cached = Some((token.clone(), until));
        Ok(token)
    }

    /// The headers every Vipps call carries: subscription key, sales unit, and who we are.
    fn merchant_headers(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request
            .header(
                "Ocp-Apim-Subscription-Key",
                self.subscription_key.expose_secret(),
            )
            .header("Merchant-Serial-Number", &self.msn)
            .header("Vipps-System-Name", "innfri")
            .header("Vipps-System-Version", env!("CARGO_PKG_VERSION"))
    }

    fn authorised(
        &self,
        request: reqwest::RequestBuilder,
        token: &SecretString,
    ) -> reqwest::RequestBuilder {
        self.merchant_headers(request.bearer_auth(token.expose_secret()))
    }

    /// Creates the payment the debtor approves in the app; returns where to send them.
    pub async fn create_payment(&self, req: &CheckoutRequest) -> Result<String, GatewayError> {
        let token = self.access_token().await?;
        let reference = payment_reference(&req.case_id, &req.attempt);
        let body = serde_json::json!({
            "amount": {"currency": req.amount.currency().code(), "value": req.amount.minor_units()},
            "paymentMethod": {"type": "WALLET"},
            "reference": reference,
            "returnUrl": req.return_url,
            "userFlow": "WEB_REDIRECT",
            "paymentDescription": req.description,
        });
        let response = self
            .authorised(
                self.http
                    .post(format!("{}/epayment/v1/payments", self.api_base)),
                &token,
            )
            .header("Idempotency-Key", req.attempt.as_str())
            .json(&body)
            .send()
            .await
            .map_err(GatewayError::unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(GatewayError::Refused(format!(
                "vipps create payment: {status}"
            )));
        }
        let created: PaymentCreated = response
            .json()
            .await
            .map_err(|e| GatewayError::Refused(format!("vipps answer unreadable: {e}")))?;
        tracing::info!(case = %req.case_id, reference, "vipps payment created");
        Ok(created.redirect_url)
    }

    /// Captures an authorised amount; the same reference never captures twice.
    pub async fn capture(
        &self,
        reference: &str,
        currency: &str,
        value: i64,
    ) -> Result<(), GatewayError> {
        let token = self.access_token().await?;
        let body =
            serde_json::json!({"modificationAmount": {"currency": currency, "value": value}});
        let response = self
            .authorised(
                self.http.post(format!(
                    "{}/epayment/v1/payments/{reference}/capture",
                    self.api_base
                )),
                &token,
            )
            .header("Idempotency-Key", format!("capture-{reference}"))
            .json(&body)
            .send()
            .await
            .map_err(GatewayError::unreachable)?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_server_error() || status.as_u16() == 429 {
            Err(GatewayError::Unreachable(format!(
                "vipps capture: {status}"
            )))
        } else {
            Err(GatewayError::Refused(format!("vipps capture: {status}")))
        }
    }
}

/// Our reference for a Vipps payment: the case id and the attempt, within Vipps' pattern
/// `^[a-zA-Z0-9-]{8,50}$`, so a webhook leads back to its case without a lookup.
pub fn payment_reference(case: &CaseId, attempt: &str) -> String {
    let case = case.as_str().replace('_', "-");
    let attempt: String = attempt
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(50 - case.len() - 1)
        .collect();
    format!("{case}-{attempt}")
}

/// The case a reference of ours belongs to.
pub fn case_of_reference(reference: &str) -> Option<CaseId> {
    let rest = reference.strip_prefix("cs-")?;
    let (hex, _attempt) = rest.split_once('-')?;
    CaseId::parse(&format!("cs_{hex}")).ok()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("a signing header is missing or malformed")]
    Malformed,
    #[error("x-ms-content-sha256 does not match the body")]
    ContentHash,
    #[error("x-ms-date outside the tolerance")]
    Stale,
    #[error("signature does not match")]
    Mismatch,
}

/// The headers Vipps signs a webhook with, as received.
pub struct SignedRequest<'a> {
    /// Path and query of the URL Vipps called, as registered.
    pub path_and_query: &'a str,
    /// Host (with port when not the default) of that URL.
    pub host: &'a str,
    pub date: &'a str,
    pub content_sha256: &'a str,
    pub authorization: &'a str,
}

pub fn content_hash(body: &[u8]) -> String {
    BASE64.encode(Sha256::digest(body))
}

/// The `Authorization` value Vipps sends for these headers.
pub fn authorization(
    secret: &str,
    path_and_query: &str,
    date: &str,
    host: &str,
    hash: &str,
) -> String {
    #[allow(clippy::expect_used)] // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("POST\n{path_and_query}\n{date};{host};{hash}").as_bytes());
    format!(
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={}",
        BASE64.encode(mac.finalize().into_bytes())
    )
}

/// Checks the body's hash first, then the date window, then the signature (constant time).
pub fn verify(
    request: &SignedRequest<'_>,
    body: &[u8],
    secret: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), SignatureError> {
    if request.content_sha256.is_empty() || request.authorization.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let hash = content_hash(body);
    if !constant_time_eq(hash.as_bytes(), request.content_sha256.as_bytes()) {
        return Err(SignatureError::ContentHash);
    }
    let sent = chrono::DateTime::parse_from_rfc2822(request.date)
        .map_err(|_| SignatureError::Malformed)?;
    if (now - sent.with_timezone(&chrono::Utc)).num_seconds().abs() > DATE_TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let expected = authorization(
        secret,
        request.path_and_query,
        request.date,
        request.host,
        &hash,
    );
    if constant_time_eq(expected.as_bytes(), request.authorization.as_bytes()) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// An ePayment webhook body.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentEvent {
    pub reference: String,
    /// `AUTHORIZED`, `CAPTURED`, `ABORTED`, `EXPIRED`, …
    pub name: String,
    pub amount: EventAmount,
    #[serde(default = "yes")]
    pub success: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventAmount {
    pub currency: String,
    pub value: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vipps' published sample (webhooks-api, request-authentication.md).
    const SECRET: &str =
        "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
    const BODY: &[u8] =
        br#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
    const DATE: &str = "Thu, 30 Mar 2023 08:38:32 GMT";
    const AUTH: &str = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=";

    fn sample<'a>(hash: &'a str, auth: &'a str) -> SignedRequest<'a> {
        SignedRequest {
            path_and_query: "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63",
            host: "webhook.site",
            date: DATE,
            content_sha256: hash,
            authorization: auth,
        }
    }

    fn sample_time() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc2822(DATE)
            .unwrap()
            .with_timezone(&chrono::Utc)
    }

    #[test]
    fn the_published_sample_verifies() {
        let hash = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=";
        assert_eq!(content_hash(BODY), hash);
        assert_eq!(
            verify(&sample(hash, AUTH), BODY, SECRET, sample_time()),
            Ok(())
        );
    }

    #[test]
    fn a_tampered_body_a_wrong_secret_or_an_old_date_is_refused() {
        let hash = content_hash(BODY);
        let now = sample_time();
        assert_eq!(
            verify(&sample(&hash, AUTH), b"{}", SECRET, now),
            Err(SignatureError::ContentHash)
        );
        assert_eq!(
            verify(&sample(&hash, AUTH), BODY, "other", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                &sample(&hash, AUTH),
                BODY,
                SECRET,
                now + chrono::Duration::seconds(301)
            ),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&sample(&hash, ""), BODY, SECRET, now),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn a_reference_fits_the_pattern_and_leads_back_to_its_case() {
        let case = CaseId::generate();
        let reference = payment_reference(&case, "0123456789abcdefXYZ");
        assert!((8..=50).contains(&reference.len()), "{reference}");
        assert!(
            reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
        assert_eq!(case_of_reference(&reference), Some(case));
        assert_eq!(case_of_reference("order-123"), None);
    }
}
