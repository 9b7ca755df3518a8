//! Callbacks from providers, one file each, every one verified before anything is read:
//! Twilio and GatewayAPI (delivery status and the debtor's SMS replies), Postmark (delivery
//! and bounces), Stripe and Vipps (payments). Receipts move a message to delivered or failed
//! once; a provider's id is looked up only in that provider's namespace.

pub mod gatewayapi;
pub mod postmark;
pub mod stripe;
pub mod twilio;
pub mod vipps;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::context::AppContext;
use crate::domain::delivery_report::Outcome;
use crate::domain::ids::CaseId;
use crate::domain::message::{Message, ProviderRef};
use crate::domain::payment::PaymentMethod;
use crate::service::delivery_reports::record_receipt;
use crate::service::payments;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(twilio::routes)
        .configure(gatewayapi::routes)
        .configure(postmark::routes)
        .configure(stripe::routes)
        .configure(vipps::routes);
}

/// A request header as text; empty when it is missing or not text.
fn header<'a>(req: &'a HttpRequest, name: &str) -> &'a str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Records a verified receipt for the message it names; unknown messages are acknowledged so
/// the provider stops retrying, and a store failure asks it to try again later.
pub(super) async fn receipt(
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
    match record_receipt(ctx, message, outcome, ctx.clock.now()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => {
            tracing::error!(error = %e, "could not record a delivery receipt");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}

/// Applies a verified online payment: 200 once it is settled (the provider stops), 503 when
/// the store failed (the provider delivers it again).
async fn apply(
    ctx: &AppContext,
    case_id: &CaseId,
    reference: String,
    currency: &str,
    amount_minor: i64,
    method: PaymentMethod,
) -> HttpResponse {
    let applied = payments::apply_online(
        ctx,
        case_id,
        reference,
        currency,
        amount_minor,
        method,
        ctx.clock.now(),
    )
    .await;
    match applied {
        Ok(_) => HttpResponse::Ok().finish(),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
