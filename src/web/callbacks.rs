//! Callbacks from providers, each verified before anything is read: Twilio (`X-Twilio-Signature`
//! over the raw form) for delivery status and the debtor's SMS replies (STOP honoured),
//! GatewayAPI delivery reports (HS256 JWT) and Postmark delivery/bounce webhooks (Basic auth).
//! Receipts move a message to delivered or failed once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use secrecy::ExposeSecret;

use super::session::field;
use crate::app::AppContext;
use crate::domain::contact::PhoneNumber;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::MessageId;
use crate::domain::message::Message;
use crate::links::constant_time_eq;
use crate::messaging::delivery::{Outcome, record_receipt};
use crate::messaging::gatewayapi;
use crate::messaging::postmark::WebhookRecord;
use crate::messaging::twilio::request_signature;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/twilio/status", web::post().to(twilio_status))
        .route("/callbacks/twilio/inbound", web::post().to(twilio_inbound))
        .route(
            "/callbacks/gatewayapi/status",
            web::post().to(gatewayapi_status),
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

/// Replies that stop further SMS to the number (Twilio's own and the Norwegian ones).
const STOP_WORDS: [&str; 4] = ["STOP", "STOPP", "AVSLUTT", "UNSUBSCRIBE"];

/// A debtor's SMS reply. STOP, STOPP, AVSLUTT (or a word in `messaging.opt_out_words`) stops all
/// further SMS to that number; every reply is kept in the audit trail of the case the number
/// last got a message about, and the agency gets `contact.invalid` for an opt-out.
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
    let text: String = field("Body").chars().take(500).collect();
    let word = text.trim().trim_end_matches(['.', '!']).to_uppercase();
    let stop = STOP_WORDS.contains(&word.as_str())
        || ctx
            .config
            .settings
            .messaging
            .opt_out_words
            .iter()
            .any(|w| w.trim().eq_ignore_ascii_case(&word));
    let result = record_reply(&ctx, &phone, &text, stop).await;
    match result {
        // Empty TwiML: no automatic answer (Twilio sends its own STOP confirmation).
        Ok(()) => HttpResponse::Ok()
            .content_type("text/xml")
            .body("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"),
        Err(e) => {
            tracing::error!(error = %e, "could not record an SMS reply");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}

async fn record_reply(
    ctx: &AppContext,
    phone: &PhoneNumber,
    text: &str,
    stop: bool,
) -> Result<(), crate::store::StoreError> {
    if stop {
        ctx.store.opt_out(phone.e164()).await?;
        tracing::info!(to = %phone.masked(), "number opted out of SMS");
    }
    let Some(case_id) = ctx.store.last_sms_case(phone.e164()).await? else {
        return Ok(());
    };
    for _ in 0..5 {
        // An erased case takes no more of the debtor's words (the STOP itself is kept above).
        let Some(mut case) = ctx.store.case(&case_id).await?.filter(|c| !c.is_erased()) else {
            return Ok(());
        };
        let now = Utc::now();
        let action = if stop { "sms.opt_out" } else { "sms.reply" };
        case.record(Actor::Debtor, action, text.to_owned(), now);
        let events = if stop {
            vec![Event::new(
                case.agency_id.clone(),
                Some(case.id.clone()),
                EventKind::ContactInvalid,
                serde_json::json!({"case_id": case.id, "channel": "sms", "reason": "opted_out", "reply": text}),
                now,
            )]
        } else {
            Vec::new()
        };
        match ctx.store.update_case_with_events(&case, &events).await {
            Ok(_) => return Ok(()),
            Err(crate::store::StoreError::Conflict) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(crate::store::StoreError::Conflict)
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
    provider_id: &str,
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
        message.provider_id = Some(provider_id.to_owned());
    }
    match record_receipt(ctx, message, outcome, Utc::now()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "could not record a delivery receipt");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}

/// GatewayAPI's delivery report: the `X-Gwapi-Signature` JWT is verified with the webhook token
/// and its claims (not the body) are what we trust. The report names our message id in
/// `userref`, so it is found even when the worker died before storing GatewayAPI's id.
async fn gatewayapi_status(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let Some(settings) = &ctx.config.settings.gatewayapi else {
        return HttpResponse::NotFound().finish();
    };
    let token = req
        .headers()
        .get("x-gwapi-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let report = match gatewayapi::verify_report(
        token,
        settings.webhook_secret.expose_secret().as_bytes(),
    ) {
        Ok(report) => report,
        Err(e) => {
            tracing::warn!(error = %e, "gatewayapi delivery report refused");
            return HttpResponse::Unauthorized().finish();
        }
    };
    let provider_id = report.id.to_string();
    let found = match report.userref.as_deref().map(MessageId::parse) {
        Some(Ok(id)) => ctx.store.message(&id).await,
        _ => ctx.store.message_by_provider_id(&provider_id).await,
    };
    receipt(&ctx, found, &provider_id, report.outcome()).await
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
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
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
    let found = match record.our_message_id().map(MessageId::parse) {
        Some(Ok(id)) => ctx.store.message(&id).await,
        _ => ctx.store.message_by_provider_id(&record.message_id).await,
    };
    receipt(&ctx, found, &record.message_id, record.outcome()).await
}
