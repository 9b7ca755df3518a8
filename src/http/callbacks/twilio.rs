//! Twilio's callbacks, verified by `X-Twilio-Signature` over the raw form before anything is
//! read: delivery status, and the debtor's SMS replies.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use super::receipt;
use crate::context::AppContext;
use crate::domain::contact::PhoneNumber;
use crate::domain::delivery_report::Outcome;
use crate::domain::ids::MessageId;
use crate::domain::message::ProviderRef;
use crate::http::debtor::session::field;
use crate::links::constant_time_eq;
use crate::messaging::providers::twilio::{self, request_signature};
use crate::service::replies::handle_reply;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/twilio/status", web::post().to(twilio_status))
        .route("/callbacks/twilio/inbound", web::post().to(twilio_inbound));
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

/// A debtor's SMS reply through Twilio: see `service::replies` for what it does.
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
    match handle_reply(&ctx, &phone, field("Body"), ctx.clock.now()).await {
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
    // Our message id from the callback URL (covered by the signature) first: no index of
    // Twilio's sid is written for messages sent since it rode along. The index serves the
    // reports of messages sent before.
    let named = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .ok()
        .and_then(|q| crate::http::debtor::session::field(&q, "m").map(MessageId::parse));
    let mut found = match named {
        Some(Ok(id)) => ctx.store.message(&id).await,
        _ => Ok(None),
    };
    if matches!(found, Ok(None)) {
        found = ctx.store.message_by_provider_id(sid).await;
    }
    receipt(&ctx, found, sid, outcome).await
}
