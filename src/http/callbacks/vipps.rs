//! Vipps' webhook (`x-ms-*` HMAC over the URL and body): an authorised payment is captured,
//! and the payment applied once, keyed by the Vipps reference; a payment cancelled in the app,
//! expired or terminated is recorded as ended.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{apply, header};
use crate::context::AppContext;
use crate::domain::checkout::CheckoutEnd;
use crate::domain::payment::PaymentMethod;
use crate::payments::gateways::checkout::GatewayError;
use crate::payments::gateways::vipps;
use crate::service::payments;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/vipps", web::post().to(vipps_webhook));
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
    if let Err(e) = vipps::verify(&signed, &body, client.webhook_secret(), ctx.clock.now()) {
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
        // Ended without money: recorded so the page the debtor returns to says so.
        "ABORTED" | "EXPIRED" | "TERMINATED" => {
            let end = if event.name == "ABORTED" {
                CheckoutEnd::Cancelled
            } else {
                CheckoutEnd::Failed
            };
            let reference = format!("vipps:{}", event.reference);
            let ended = payments::checkout_ended(&ctx, &case_id, &reference, end, ctx.clock.now());
            return match ended.await {
                Ok(()) => HttpResponse::Ok().finish(),
                // Vipps delivers it again.
                Err(e) => {
                    tracing::warn!(error = %e, "vipps end of payment not recorded");
                    HttpResponse::ServiceUnavailable().finish()
                }
            };
        }
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
