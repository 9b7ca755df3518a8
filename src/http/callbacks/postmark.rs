//! Postmark's delivery, bounce and spam-complaint webhooks, behind Basic credentials.

use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use super::receipt;
use crate::context::AppContext;
use crate::domain::ids::MessageId;
use crate::domain::message::ProviderRef;
use crate::links::constant_time_eq;
use crate::messaging::providers::postmark::{self, WebhookRecord};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/postmark", web::post().to(postmark_webhook));
}

/// Postmark's delivery, bounce and spam-complaint webhooks. Postmark does not sign them, so the
/// URL configured there carries Basic credentials, compared in constant time.
async fn postmark_webhook(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(settings) = &ctx.config.settings.postmark else {
        return HttpResponse::NotFound().finish();
    };
    let expected = format!(
        "{}:{}",
        settings.webhook_username,
        settings.webhook_password.expose_secret()
    );
    let given = crate::http::authorization::credentials(&req, "Basic")
        .and_then(|b64| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .unwrap_or_default();
    if !constant_time_eq(&given, expected.as_bytes()) {
        tracing::warn!("postmark webhook without valid credentials refused");
        return HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Basic realm=\"postmark\""))
            .finish();
    }
    let record: WebhookRecord = match serde_json::from_slice(&body) {
        Ok(record) => record,
        Err(e) => {
            return HttpResponse::BadRequest().json(serde_json::json!({
                "error": "invalid_body",
                "message": format!("not a Postmark webhook record: {e}"),
            }));
        }
    };
    let provider_id = ProviderRef {
        provider: postmark::NAME,
        id: &record.message_id,
    };
    let found = match record.our_message_id().map(MessageId::parse) {
        Some(Ok(id)) => ctx.store.message(&id).await,
        _ => ctx.store.message_by_provider_id(provider_id).await,
    };
    receipt(&ctx, found, provider_id, record.outcome()).await
}
