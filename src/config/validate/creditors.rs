//! The creditors against the installation: the providers they name must be configured, and
//! behind https no stand-in (`fake` payments, `console` messages) may run unless it is a demo.

use std::collections::HashMap;

use super::Issues;
use crate::config::{
    CardProviderKind, EmailProviderKind, Settings, SmsProviderKind, VippsProviderKind,
};
use crate::domain::creditor::Creditor;
use crate::domain::ids::CreditorId;

pub(super) fn check(
    settings: &Settings,
    creditors: &HashMap<CreditorId, Creditor>,
    issues: &mut Issues<'_>,
) {
    for creditor in creditors.values() {
        let field = |f: &str| format!("creditor {}: {f}", creditor.id);
        if let Some(kind) = creditor.messaging.sms_provider
            && !settings.sms_provider_configured(kind)
        {
            issues.add(
                &field("sms_provider"),
                format!("names {kind:?}, whose section is not configured"),
            );
        }
        if let Some(kind) = creditor.messaging.email_provider
            && !settings.email_provider_configured(kind)
        {
            issues.add(
                &field("email_provider"),
                format!("names {kind:?}, whose section is not configured"),
            );
        }
    }

    // Behind https debtors are real: on the fake page they could mark their own case paid,
    // and console messages never reach them. Only an explicit demo may do that.
    if settings.server.public_base_url.starts_with("https://") && !settings.demo {
        for (field, stand_in) in stand_ins(settings, creditors) {
            issues.add(
                &field,
                format!(
                    "is \"{stand_in}\" while server.public_base_url is https (production); \
                     use a real provider, or set demo = true for a demonstration"
                ),
            );
        }
    }
}

/// Each setting that names a stand-in for a real provider (`fake` payments, `console`
/// messages): the field and the stand-in.
fn stand_ins(
    settings: &Settings,
    creditors: &HashMap<CreditorId, Creditor>,
) -> Vec<(String, &'static str)> {
    let m = &settings.messaging;
    let mut found = Vec::new();
    let mut named = |field: String, stand_in: Option<&'static str>| {
        if let Some(stand_in) = stand_in {
            found.push((field, stand_in));
        }
    };
    let console_sms = |k: SmsProviderKind| (k == SmsProviderKind::Console).then_some("console");
    let console_email =
        |k: EmailProviderKind| (k == EmailProviderKind::Console).then_some("console");
    named(
        "payments.card".into(),
        (settings.payments.card == CardProviderKind::Fake).then_some("fake"),
    );
    named(
        "payments.vipps".into(),
        (settings.payments.vipps == VippsProviderKind::Fake).then_some("fake"),
    );
    named("messaging.sms_provider".into(), console_sms(m.sms_provider));
    named(
        "messaging.sms_failover".into(),
        m.sms_failover.and_then(console_sms),
    );
    named(
        "messaging.email_provider".into(),
        console_email(m.email_provider),
    );
    named(
        "messaging.email_failover".into(),
        m.email_failover.and_then(console_email),
    );
    let mut sorted: Vec<(&CreditorId, &Creditor)> = creditors.iter().collect();
    sorted.sort_by_key(|(id, _)| *id);
    for (id, creditor) in sorted {
        let messaging = &creditor.messaging;
        named(
            format!("creditor {id}: sms_provider"),
            messaging.sms_provider.and_then(console_sms),
        );
        named(
            format!("creditor {id}: email_provider"),
            messaging.email_provider.and_then(console_email),
        );
    }
    found
}
