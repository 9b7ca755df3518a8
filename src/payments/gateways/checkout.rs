//! Online payment on the case page: which providers take card and Vipps payments, and starting
//! a payment with one of them (a fresh provider request on every click, never in advance).

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;

use super::stripe::StripeClient;
use super::vipps::VippsClient;
use crate::config::{CardProviderKind, Settings, VippsProviderKind};
use crate::domain::creditor::{Creditor, OnlineMethod};
use crate::domain::ids::CaseId;
use crate::domain::locale::Locale;
use crate::domain::money::Money;

/// One click on "pay": everything a provider needs to show the debtor what they are paying.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub case_id: CaseId,
    /// Random per click; the provider's idempotency key, so a retried request never pays twice.
    pub attempt: String,
    pub amount: Money,
    /// What the debtor sees at the provider ("Nordlys Energi AS, sak 12345").
    pub description: String,
    pub return_url: String,
    pub cancel_url: String,
    pub locale: Locale,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Network trouble or the provider is down: try again later.
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    /// The provider said no (configuration, validation): a person must look.
    #[error("provider refused: {0}")]
    Refused(String),
}

impl GatewayError {
    pub fn unreachable(error: reqwest::Error) -> GatewayError {
        // Without the URL: it may carry account ids.
        GatewayError::Unreachable(error.without_url().to_string())
    }
}

enum CardGateway {
    Stripe(StripeClient),
    Fake,
}

enum VippsGateway {
    Vipps(VippsClient),
    Fake,
}

/// Where the debtor goes to approve a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// The provider's page.
    Provider(String),
    /// Our built-in approve/decline page (demo and local testing).
    Fake,
}

/// The configured payment providers, shared by every request.
pub struct PaymentGateways {
    card: Option<CardGateway>,
    vipps: Option<VippsGateway>,
    stripe_webhook_secret: Option<secrecy::SecretString>,
}

impl PaymentGateways {
    pub fn from_settings(settings: &Settings, http: &reqwest::Client) -> PaymentGateways {
        let card =
            match (settings.payments.card, &settings.stripe) {
                (CardProviderKind::Stripe, Some(s)) => Some(CardGateway::Stripe(
                    StripeClient::new(http.clone(), s.secret_key.clone(), &s.api_base),
                )),
                (CardProviderKind::Fake, _) => Some(CardGateway::Fake),
                _ => None,
            };
        let vipps = match (settings.payments.vipps, &settings.vipps) {
            (VippsProviderKind::Vipps, Some(v)) => {
                Some(VippsGateway::Vipps(VippsClient::new(http.clone(), v)))
            }
            (VippsProviderKind::Fake, _) => Some(VippsGateway::Fake),
            _ => None,
        };
        PaymentGateways {
            card,
            vipps,
            stripe_webhook_secret: settings.stripe.as_ref().map(|s| s.webhook_secret.clone()),
        }
    }

    /// The online methods this creditor offers that have a provider here, in the creditor's order.
    pub fn offered(&self, creditor: &Creditor) -> Vec<OnlineMethod> {
        creditor
            .online_payments
            .iter()
            .copied()
            .filter(|m| match m {
                OnlineMethod::Card => self.card.is_some(),
                OnlineMethod::Vipps => self.vipps.is_some(),
            })
            .collect()
    }

    pub fn is_fake(&self, method: OnlineMethod) -> bool {
        match method {
            OnlineMethod::Card => matches!(self.card, Some(CardGateway::Fake)),
            OnlineMethod::Vipps => matches!(self.vipps, Some(VippsGateway::Fake)),
        }
    }

    pub async fn start(
        &self,
        method: OnlineMethod,
        request: &CheckoutRequest,
    ) -> Result<Redirect, GatewayError> {
        match method {
            OnlineMethod::Card => match &self.card {
                Some(CardGateway::Stripe(stripe)) => stripe
                    .create_checkout(request)
                    .await
                    .map(Redirect::Provider),
                Some(CardGateway::Fake) => Ok(Redirect::Fake),
                None => Err(GatewayError::Refused("no card provider".into())),
            },
            OnlineMethod::Vipps => match &self.vipps {
                Some(VippsGateway::Vipps(vipps)) => {
                    vipps.create_payment(request).await.map(Redirect::Provider)
                }
                Some(VippsGateway::Fake) => Ok(Redirect::Fake),
                None => Err(GatewayError::Refused("no vipps provider".into())),
            },
        }
    }

    pub fn vipps(&self) -> Option<&VippsClient> {
        match &self.vipps {
            Some(VippsGateway::Vipps(v)) => Some(v),
            _ => None,
        }
    }

    pub fn stripe_webhook_secret(&self) -> Option<&str> {
        match self.card {
            Some(CardGateway::Stripe(_)) => self
                .stripe_webhook_secret
                .as_ref()
                .map(|s| s.expose_secret()),
            _ => None,
        }
    }
}
