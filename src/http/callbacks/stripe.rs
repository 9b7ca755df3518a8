//! Stripe's webhook (`Stripe-Signature` over the raw body): a paid Checkout Session is applied
//! once, keyed by the session id; an expired or failed one is recorded as ended.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{apply, header};
use crate::context::AppContext;
use crate::domain::checkout::CheckoutEnd;
use crate::domain::payment::PaymentMethod;
use crate::payments::gateways::stripe;
use crate::service::payments::checkout_ended;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/callbacks/stripe", web::post().to(stripe_webhook));
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
    if let Err(e) = stripe::verify(signature, &body, secret, ctx.clock.now().timestamp()) {
        tracing::warn!(error = %e, "stripe webhook refused");
        return HttpResponse::BadRequest().finish();
    }
    if let Some((session, case_id)) = stripe::failed_checkout(&body) {
        // Recorded so the page the debtor returns to says the payment did not go through.
        let reference = format!("stripe:{session}");
        let now = ctx.clock.now();
        return match checkout_ended(&ctx, &case_id, &reference, CheckoutEnd::Failed, now).await {
            Ok(()) => HttpResponse::Ok().finish(),
            Err(e) => {
                tracing::warn!(error = %e, "stripe end of payment not recorded");
                HttpResponse::ServiceUnavailable().finish()
            }
        };
    }
    let paid = match stripe::paid_checkout(&body) {
        Ok(Some(paid)) => paid,
        // Other events (unpaid, …) need nothing from us.
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
