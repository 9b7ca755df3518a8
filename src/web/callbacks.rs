//! Callbacks from providers. Twilio's status callback is verified (`X-Twilio-Signature` over the
//! raw form) before anything is read, then moves the message to delivered or failed once.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use secrecy::ExposeSecret;

use crate::app::AppContext;
use crate::domain::event::{Event, EventKind};
use crate::domain::message::MessageStatus;
use crate::links::constant_time_eq;
use crate::messaging::twilio::request_signature;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/twilio/status", web::post().to(twilio_status));
}

async fn twilio_status(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(twilio) = &ctx.config.settings.twilio else {
        return HttpResponse::NotFound().finish();
    };
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
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
        tracing::warn!("twilio status callback with a bad signature refused");
        return HttpResponse::Forbidden().finish();
    }
    let field = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
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
