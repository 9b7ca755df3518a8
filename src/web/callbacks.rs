//! Callbacks from providers, each verified before anything is read: Twilio (`X-Twilio-Signature`
//! over the raw form) for delivery status and the debtor's SMS replies, GatewayAPI delivery
//! reports and replies (HS256 JWT), and Postmark delivery/bounce webhooks (Basic auth). Replies
//! go to `messaging::replies` (STOP and its kin honoured, START undoes it).
//! Receipts move a message to delivered or failed once; a provider's id is looked up only in
//! that provider's namespace.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use secrecy::ExposeSecret;

use super::session::field;
use crate::app::AppContext;
use crate::domain::contact::PhoneNumber;
use crate::domain::ids::MessageId;
use crate::domain::message::{Message, ProviderRef};
use crate::links::constant_time_eq;
use crate::messaging::delivery::{Outcome, record_receipt};
use crate::messaging::postmark::WebhookRecord;
use crate::messaging::replies::handle_reply;
use crate::messaging::twilio::request_signature;
use crate::messaging::{gatewayapi, postmark, twilio};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/twilio/status", web::post().to(twilio_status))
        .route("/callbacks/twilio/inbound", web::post().to(twilio_inbound))
        .route(
            "/callbacks/gatewayapi/status",
            web::post().to(gatewayapi_status),
        )
        .route(
            "/callbacks/gatewayapi/inbound",
            web::post().to(gatewayapi_inbound),
        )
        .route("/callbacks/postmark", web::post().to(postmark_webhook));
}

/// The form Twilio posted, once its `X-Twilio-Signature` proves it came from Twilio.
fn verified_twilio_form(
    req: &HttpRequest,
    ctx: &AppContext,
    body: &[u8],
) -> Result<Vec<(String, String)>, StatusCode> {
    let Some(twilio) = &ctx.config.settings.twilio else {
        return Err(StatusCode::NOT_FOUND);
    };
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    // Twilio signs the URL it called: ours as the public base URL says, with the query string.
    let mut url = format!(
        "{}{}",
        ctx.config.settings.server.public_base_url,
        req.path()
    );
    if !req.query_string().is_empty() {
        url = format!("{url}?{}", req.query_string());
    }
    let expected = request_signature(twilio.auth_token.expose_secret(), &url, &params);
    let given = req
        .headers()
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        tracing::warn!(
            path = req.path(),
            "twilio callback with a bad signature refused"
        );
        return Err(StatusCode::FORBIDDEN);
    }
    Ok(params)
}

/// A debtor's SMS reply through Twilio: see `messaging::replies` for what it does.
async fn twilio_inbound(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let params = match verified_twilio_form(&req, &ctx, &body) {
        Ok(params) => params,
        Err(status) => return HttpResponse::build(status).finish(),
    };
    let field = |name: &str| field(&params, name).unwrap_or_default();
    let Ok(phone) = PhoneNumber::parse(field("From")) else {
        return HttpResponse::BadRequest().finish();
    };
    match handle_reply(&ctx, &phone, field("Body"), Utc::now()).await {
        // Empty TwiML: no automatic answer (a START is confirmed by a message of our own).
        Ok(_) => HttpResponse::Ok()
            .content_type("text/xml")
            .body("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"),
        Err(e) => {
            tracing::error!(error = %e, "could not record an SMS reply");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}

/// Twilio error codes in a status callback that mean the number itself is bad.
const TWILIO_BAD_NUMBER: [&str; 5] = ["30005", "30006", "21211", "21614", "21610"];

async fn twilio_status(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let params = match verified_twilio_form(&req, &ctx, &body) {
        Ok(params) => params,
        Err(status) => return HttpResponse::build(status).finish(),
    };
    let field = |name: &str| field(&params, name);
    let (Some(sid), Some(status)) = (field("MessageSid"), field("MessageStatus")) else {
        return HttpResponse::BadRequest().finish();
    };
    let code = field("ErrorCode").unwrap_or("-");
    let outcome = match status {
        "delivered" => Outcome::Delivered,
        "undelivered" | "failed" if TWILIO_BAD_NUMBER.contains(&code) => Outcome::Undeliverable {
            reason: format!("twilio {status} {code}"),
        },
        "undelivered" | "failed" => Outcome::NotDelivered {
            reason: format!("twilio {status} {code}"),
        },
        // queued / sent / accepted …: Twilio has it (which settles a send whose answer a
        // crashed worker never saw), nothing final yet.
        _ => Outcome::Pending,
    };
    let sid = ProviderRef {
        provider: twilio::NAME,
        id: sid,
    };
    let mut found = ctx.store.message_by_provider_id(sid).await;
    if matches!(found, Ok(None))
        && let Some(Ok(id)) =
            serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
                .ok()
                .and_then(|q| super::session::field(&q, "m").map(MessageId::parse))
    {
        found = ctx.store.message(&id).await;
    }
    receipt(&ctx, found, sid, outcome).await
}

/// Records a verified receipt for the message it names; unknown messages are acknowledged so
/// the provider stops retrying, and a store failure asks it to try again later.
async fn receipt(
    ctx: &AppContext,
    found: Result<Option<Message>, crate::store::StoreError>,
    provider_id: ProviderRef<'_>,
    outcome: Outcome,
) -> HttpResponse {
    let mut message = match found {
        Ok(Some(m)) => m,
        Ok(None) => return HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "store unavailable during a delivery receipt");
            return HttpResponse::ServiceUnavailable().finish();
        }
    };
    if message.provider_id.is_none() {
        message.provider_id = Some(provider_id.id.to_owned());
        message.provider = Some(provider_id.provider.to_owned());
    }
    match record_receipt(ctx, message, outcome, Utc::now()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "could not record a delivery receipt");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
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
        Utc::now(),
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
    match handle_reply(&ctx, &phone, &sms.message, Utc::now()).await {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "could not record an SMS reply");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
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
    let given = super::authorization::credentials(&req, "Basic")
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
