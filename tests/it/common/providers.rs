//! The fake providers' side of the tests: the credentials every test configures for
//! GatewayAPI, Postmark, Stripe, Vipps and agency webhooks, their settings, and GatewayAPI's
//! signature (Twilio's fake has a module of its own, `twilio_fake`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// GatewayAPI's credentials in every test that uses it.
pub const GATEWAYAPI_TOKEN: &str = "gw-api-token";
pub const GATEWAYAPI_SECRET: &str = "gw-webhook-secret";
/// Postmark's credentials in every test that uses it.
pub const POSTMARK_TOKEN: &str = "pm-server-token";
pub const POSTMARK_USER: &str = "postmark";
pub const POSTMARK_PASSWORD: &str = "a-long-webhook-password";
/// Agency A's webhook secret (`TestAppBuilder::webhook`).
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_test_innfri";
pub const VIPPS_WEBHOOK_SECRET: &str = "vipps-webhook-secret-for-tests";

pub fn gatewayapi_settings(server: &MockServer) -> Value {
    json!({"token": GATEWAYAPI_TOKEN, "sender": "Innfri", "webhook_secret": GATEWAYAPI_SECRET, "api_base": server.uri()})
}

pub fn postmark_settings(server: &MockServer) -> Value {
    json!({"server_token": POSTMARK_TOKEN, "from": "Nordic Inkasso <noreply@innfri.test>", "webhook_username": POSTMARK_USER, "webhook_password": POSTMARK_PASSWORD, "api_base": server.uri()})
}

/// An HS256 JWT over `claims`, as GatewayAPI signs its webhooks and delivery reports.
pub fn gatewayapi_jwt(claims: &Value, secret: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{header}.{payload}").as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

/// A GatewayAPI that accepts every SMS as its message `id`.
pub async fn gatewayapi_accepting(id: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/mtsms"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ids": [id]})))
        .mount(&server)
        .await;
    server
}
