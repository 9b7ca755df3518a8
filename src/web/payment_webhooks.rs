//! Payment providers' webhooks: Stripe (`Stripe-Signature`) and Vipps (`x-ms-*` HMAC). Nothing
//! is read before the signature is verified on the raw body; a verified payment is applied
//! exactly once, keyed by the provider's payment (Checkout Session id, Vipps reference), however
//! often or in whatever order the provider delivers it.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

use crate::app::AppContext;
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::CaseId;
use crate::domain::money::{Currency, Money};
use crate::domain::payment::PaymentMethod;
use crate::payments::IncomingPayment;
use crate::payments::checkout::GatewayError;
use crate::payments::reconcile::{Outcome, apply_once};
use crate::payments::{stripe, vipps};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/stripe", web::post().to(stripe_webhook))
        .route("/callbacks/vipps", web::post().to(vipps_webhook));
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> &'a str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn stripe_webhook(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(secret) = ctx.payments.stripe_webhook_secret() else {
        return HttpResponse::NotFound().finish();
    };
    let signature = header(&req, "stripe-signature");
    if let Err(e) = stripe::verify(signature, &body, secret, Utc::now().timestamp()) {
        tracing::warn!(error = %e, "stripe webhook refused");
        return HttpResponse::BadRequest().finish();
    }
    let paid = match stripe::paid_checkout(&body) {
        Ok(Some(paid)) => paid,
        // Other events (expired, unpaid, …) need nothing from us.
        Ok(None) => return HttpResponse::Ok().finish(),
        Err(e) => {
            tracing::warn!(error = %e, "stripe webhook without what a paid checkout needs");
            return HttpResponse::BadRequest().finish();
        }
    };
    let reference = format!("stripe:{}", paid.session_id);
    apply(
        &ctx,
        &paid.case_id,
        reference,
        &paid.currency,
        paid.amount_minor,
        PaymentMethod::Card,
    )
    .await
}

async fn vipps_webhook(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(client) = ctx.payments.vipps() else {
        return HttpResponse::NotFound().finish();
    };
    // Vipps signs the URL it was registered with: ours, as the public base URL says.
    let public = format!(
        "{}{}",
        ctx.config.settings.server.public_base_url,
        req.uri()
            .path_and_query()
            .map_or(req.path(), |p| p.as_str())
    );
    let Ok(url) = reqwest::Url::parse(&public) else {
        return HttpResponse::NotFound().finish();
    };
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => String::new(),
    };
    let path_and_query = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let signed = vipps::SignedRequest {
        path_and_query: &path_and_query,
        host: &host,
        date: header(&req, "x-ms-date"),
        content_sha256: header(&req, "x-ms-content-sha256"),
        authorization: header(&req, "authorization"),
    };
    if let Err(e) = vipps::verify(&signed, &body, client.webhook_secret(), Utc::now()) {
        tracing::warn!(error = %e, "vipps webhook refused");
        return HttpResponse::Unauthorized().finish();
    }
    let event: vipps::PaymentEvent = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(e) => {
            tracing::warn!(error = %e, "vipps webhook unreadable");
            return HttpResponse::BadRequest().finish();
        }
    };
    let Some(case_id) = vipps::case_of_reference(&event.reference) else {
        // Not one of ours (another system on the same sales unit): nothing to do.
        return HttpResponse::Ok().finish();
    };
    if !event.success {
        return HttpResponse::Ok().finish();
    }
    match event.name.as_str() {
        // Approved in the app: take the money. A failed capture answers 5xx so Vipps retries.
        "AUTHORIZED" => {
            if let Err(e) = client
                .capture(&event.reference, &event.amount.currency, event.amount.value)
                .await
            {
                tracing::warn!(error = %e, reference = %event.reference, "vipps capture failed");
                return match e {
                    GatewayError::Unreachable(_) => HttpResponse::ServiceUnavailable().finish(),
                    GatewayError::Refused(_) => HttpResponse::BadGateway().finish(),
                };
            }
        }
        "CAPTURED" => {}
        _ => return HttpResponse::Ok().finish(),
    }
    // Authorised-and-captured and the later CAPTURED event apply the same reference: once.
    apply(
        &ctx,
        &case_id,
        format!("vipps:{}", event.reference),
        &event.amount.currency,
        event.amount.value,
        PaymentMethod::Vipps,
    )
    .await
}

/// Applies a verified online payment once; a payment that cannot be applied is reported to the
/// agency as `payment.unapplied` (the money is real, a person must refund it or reopen).
async fn apply(
    ctx: &AppContext,
    case_id: &CaseId,
    reference: String,
    currency: &str,
    amount_minor: i64,
    method: PaymentMethod,
) -> HttpResponse {
    let Ok(currency) = Currency::parse(currency) else {
        tracing::error!(reference, "online payment in an unknown currency");
        return HttpResponse::Ok().finish();
    };
    let now = Utc::now();
    let incoming = IncomingPayment {
        reference: reference.clone(),
        legacy_reference: None,
        kid: None,
        amount: Money::from_minor(amount_minor, currency),
        booked_on: now.date_naive(),
        to_account: String::new(),
        from_account: None,
        line: 1,
    };
    match ctx.store.case(case_id).await {
        Ok(Some(case)) if case.currency() != currency => {
            tracing::error!(case = %case_id, reference, "online payment in another currency than the case");
            return unapplied(ctx, &case, &incoming, "currency differs from the case").await;
        }
        Ok(Some(_)) => {}
        Ok(None) => {
            tracing::error!(case = %case_id, reference, "online payment for an unknown case");
            return HttpResponse::Ok().finish();
        }
        Err(e) => {
            tracing::error!(error = %e, "store unavailable for a payment webhook");
            return HttpResponse::ServiceUnavailable().finish();
        }
    }
    match apply_once(ctx, None, case_id, &incoming, method, now).await {
        Ok(Outcome::CaseClosed { .. }) => match ctx.store.case(case_id).await {
            Ok(Some(case)) => unapplied(ctx, &case, &incoming, "the case is closed").await,
            _ => HttpResponse::ServiceUnavailable().finish(),
        },
        Ok(_) => HttpResponse::Ok().finish(),
        Err(e) => {
            tracing::error!(error = %e, "payment webhook could not be applied");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}

async fn unapplied(
    ctx: &AppContext,
    case: &crate::domain::case::Case,
    incoming: &IncomingPayment,
    reason: &str,
) -> HttpResponse {
    // We answer 2xx once it is recorded, so the provider stops; a rare duplicate delivery would
    // report it again with the same reference, which the agency can recognise.
    let event = Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::PaymentUnapplied,
        serde_json::json!({
            "case_id": case.id, "external_ref": case.external_ref, "amount": incoming.amount,
            "reference": incoming.reference, "reason": reason,
        }),
        Utc::now(),
    );
    match ctx.store.append_events(&[event]).await {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
