//! Callbacks from providers. Twilio's status callback is verified (`X-Twilio-Signature` over the
//! raw form) before anything is read, then moves the message to delivered or failed once; the
//! inbound-message webhook keeps the debtor's SMS replies and honours STOP.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use secrecy::ExposeSecret;

use super::session::field;
use crate::app::AppContext;
use crate::domain::contact::PhoneNumber;
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::message::MessageStatus;
use crate::links::constant_time_eq;
use crate::messaging::twilio::request_signature;

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
        let Some(mut case) = ctx.store.case(&case_id).await? else {
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
    let new_status = match status {
        "delivered" => MessageStatus::Delivered,
        "undelivered" | "failed" => MessageStatus::Failed,
        // queued / sent / accepted …: nothing final to record.
        _ => return HttpResponse::NoContent().finish(),
    };
    let mut message = match ctx.store.message_by_provider_id(sid).await {
        Ok(Some(m)) => m,
        // Unknown to us (or long forgotten): acknowledge so Twilio stops retrying.
        Ok(None) => return HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "store unavailable during a status callback");
            return HttpResponse::ServiceUnavailable().finish();
        }
    };
    if matches!(
        message.status,
        MessageStatus::Delivered | MessageStatus::Failed
    ) {
        return HttpResponse::NoContent().finish();
    }
    let now = Utc::now();
    message.status = new_status;
    message.updated_at = now;
    if new_status == MessageStatus::Failed {
        message.last_error = Some(format!(
            "twilio {status} {}",
            field("ErrorCode").unwrap_or("-")
        ));
    }
    let kind = if new_status == MessageStatus::Delivered {
        EventKind::MessageDelivered
    } else {
        EventKind::MessageFailed
    };
    let event = Event::new(
        message.agency_id.clone(),
        Some(message.case_id.clone()),
        kind,
        serde_json::json!({"message_id": message.id, "case_id": message.case_id, "channel": message.recipient.channel(), "error_code": field("ErrorCode")}),
        now,
    );
    let saved = ctx.store.save_leased_message(&message).await;
    let recorded = ctx.store.append_events(&[event]).await;
    match saved.and(recorded) {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "could not record a delivery receipt");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}
