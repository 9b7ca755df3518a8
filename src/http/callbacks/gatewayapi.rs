//! GatewayAPI's delivery reports and the debtor's SMS replies (MO SMS), each signed with an
//! HS256 JWT (`X-Gwapi-Signature`) whose claims, not the body, are what is trusted.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use super::receipt;
use crate::context::AppContext;
use crate::domain::contact::PhoneNumber;
use crate::domain::ids::MessageId;
use crate::domain::message::ProviderRef;
use crate::messaging::providers::gatewayapi;
use crate::service::replies::handle_reply;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/callbacks/gatewayapi/status",
        web::post().to(gatewayapi_status),
    )
    .route(
        "/callbacks/gatewayapi/inbound",
        web::post().to(gatewayapi_inbound),
    );
}

/// GatewayAPI's delivery report: the `X-Gwapi-Signature` JWT is verified with the webhook token,
/// must be current by its time claims, and its claims (not the body) are what we trust. The report names our message id in
/// `userref`, so it is found even when the worker died before storing GatewayAPI's id.
async fn gatewayapi_status(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let report = match gatewayapi_claims(&req, &ctx, gatewayapi::verify_report) {
        Ok(report) => report,
        Err(status) => return HttpResponse::build(status).finish(),
    };
    let id = report.id.to_string();
    let provider_id = ProviderRef {
        provider: gatewayapi::NAME,
        id: &id,
    };
    let found = match report.userref.as_deref().map(MessageId::parse) {
        Some(Ok(id)) => ctx.store.message(&id).await,
        _ => ctx.store.message_by_provider_id(provider_id).await,
    };
    receipt(&ctx, found, provider_id, report.outcome()).await
}

/// The `X-Gwapi-Signature` JWT of a GatewayAPI webhook, verified with the webhook token; `Err`
/// is the status to answer with.
fn gatewayapi_claims<T>(
    req: &HttpRequest,
    ctx: &AppContext,
    verify: impl Fn(&str, &[u8], chrono::DateTime<chrono::Utc>) -> Result<T, gatewayapi::JwtError>,
) -> Result<T, StatusCode> {
    let Some(settings) = &ctx.config.settings.gatewayapi else {
        return Err(StatusCode::NOT_FOUND);
    };
    let token = req
        .headers()
        .get("x-gwapi-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    verify(
        token,
        settings.webhook_secret.expose_secret().as_bytes(),
        ctx.clock.now(),
    )
    .map_err(|e| {
        tracing::warn!(path = req.path(), error = %e, "gatewayapi webhook refused");
        StatusCode::UNAUTHORIZED
    })
}

/// A debtor's SMS reply through GatewayAPI (MO SMS, on a keyword or number leased there), signed
/// like its delivery reports: only the JWT's claims are trusted, never the body.
async fn gatewayapi_inbound(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let sms = match gatewayapi_claims(&req, &ctx, gatewayapi::verify_inbound) {
        Ok(sms) => sms,
        Err(status) => return HttpResponse::build(status).finish(),
    };
    let Ok(phone) = PhoneNumber::parse(&format!("+{}", sms.msisdn)) else {
        // Acknowledged, or GatewayAPI retries for a day a number we can never use.
        tracing::warn!("gatewayapi reply from a number that is not valid; ignored");
        return HttpResponse::NoContent().finish();
    };
    match handle_reply(&ctx, &phone, &sms.message, ctx.clock.now()).await {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "could not record an SMS reply");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}
