//! The online payment providers' sections (`[stripe]`, `[vipps]`), checked when `[payments]`
//! chooses them.

use secrecy::ExposeSecret;

use super::Issues;
use crate::config::{CardProviderKind, Settings, StripeSettings, VippsProviderKind, VippsSettings};

pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) {
    if settings.payments.card == CardProviderKind::Stripe {
        match &settings.stripe {
            None => issues.add("stripe", "is required when payments.card = \"stripe\""),
            Some(s) => stripe(s, issues),
        }
    }
    if settings.payments.vipps == VippsProviderKind::Vipps {
        match &settings.vipps {
            None => issues.add("vipps", "is required when payments.vipps = \"vipps\""),
            Some(v) => vipps(v, issues),
        }
    }
}

fn stripe(s: &StripeSettings, issues: &mut Issues<'_>) {
    let key = s.secret_key.expose_secret();
    if !(key.starts_with("sk_") || key.starts_with("rk_")) {
        issues.add(
            "stripe.secret_key",
            "must be a secret (sk_…) or restricted (rk_…) key",
        );
    }
    if !s.webhook_secret.expose_secret().starts_with("whsec_") {
        issues.add(
            "stripe.webhook_secret",
            "must be the endpoint's whsec_… signing secret",
        );
    }
    if reqwest::Url::parse(&s.api_base).is_err() {
        issues.add("stripe.api_base", "must be a URL");
    }
}

fn vipps(v: &VippsSettings, issues: &mut Issues<'_>) {
    if v.client_id.trim().is_empty() {
        issues.add("vipps.client_id", "must not be empty");
    }
    if v.merchant_serial_number.is_empty()
        || !v.merchant_serial_number.chars().all(|c| c.is_ascii_digit())
    {
        issues.add("vipps.merchant_serial_number", "must be digits");
    }
    if v.webhook_secret.expose_secret().is_empty() {
        issues.add("vipps.webhook_secret", "must not be empty");
    }
    if reqwest::Url::parse(&v.api_base).is_err() {
        issues.add("vipps.api_base", "must be a URL");
    }
}
