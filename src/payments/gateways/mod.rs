//! Online payment gateways: starting a payment from the case page ([`checkout`]) with Stripe,
//! Vipps, or the built-in fake page, and reading the providers' signed webhooks.

pub mod checkout;
pub mod stripe;
pub mod vipps;

pub use checkout::{CheckoutRequest, GatewayError, PaymentGateways, Redirect};
