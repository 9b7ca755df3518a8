//! The message providers' sections (`[gatewayapi]`, `[postmark]`, `[smtp]`, `[twilio]`),
//! checked when `[messaging]` names the provider as first choice or failover.

use secrecy::ExposeSecret;

use super::Issues;
use crate::config::{
    EmailProviderKind, GatewayApiSettings, PostmarkSettings, Settings, SmsProviderKind,
    SmtpSettings, TwilioSettings, mailbox_address,
};

pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) {
    let m = &settings.messaging;
    let sms = [Some(m.sms_provider), m.sms_failover];
    let email = [Some(m.email_provider), m.email_failover];
    if sms.contains(&Some(SmsProviderKind::Gatewayapi)) {
        match &settings.gatewayapi {
            None => issues.add(
                "gatewayapi",
                "is required when messaging.sms_provider or sms_failover is \"gatewayapi\"",
            ),
            Some(g) => gatewayapi(g, issues),
        }
    }
    if email.contains(&Some(EmailProviderKind::Postmark)) {
        match &settings.postmark {
            None => issues.add(
                "postmark",
                "is required when messaging.email_provider or email_failover is \"postmark\"",
            ),
            Some(p) => postmark(p, issues),
        }
    }
    if email.contains(&Some(EmailProviderKind::Smtp)) {
        match &settings.smtp {
            None => issues.add(
                "smtp",
                "is required when messaging.email_provider or email_failover is \"smtp\"",
            ),
            Some(s) => smtp(s, issues),
        }
    }
    if sms.contains(&Some(SmsProviderKind::Twilio)) {
        match &settings.twilio {
            None => issues.add(
                "twilio",
                "is required when messaging.sms_provider or sms_failover is \"twilio\"",
            ),
            Some(t) => twilio(t, issues),
        }
    }
}

fn gatewayapi(g: &GatewayApiSettings, issues: &mut Issues<'_>) {
    if g.token.expose_secret().trim().is_empty() {
        issues.add("gatewayapi.token", "must not be empty");
    }
    if g.webhook_secret.expose_secret().is_empty() {
        issues.add("gatewayapi.webhook_secret", "must not be empty");
    }
    let alnum = g.sender.len() <= 11
        && !g.sender.is_empty()
        && g.sender
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ');
    let digits = g.sender.len() <= 15 && g.sender.chars().all(|c| c.is_ascii_digit());
    if !(alnum || digits) {
        issues.add(
            "gatewayapi.sender",
            "must be at most 11 letters and digits, or at most 15 digits",
        );
    }
    if reqwest::Url::parse(&g.api_base).is_err() {
        issues.add("gatewayapi.api_base", "must be a URL");
    }
}

fn postmark(p: &PostmarkSettings, issues: &mut Issues<'_>) {
    if p.server_token.expose_secret().trim().is_empty() {
        issues.add("postmark.server_token", "must not be empty");
    }
    if crate::domain::contact::EmailAddress::parse(mailbox_address(&p.from)).is_err() {
        issues.add("postmark.from", "must be an e-mail address");
    }
    if p.webhook_username.is_empty() || p.webhook_password.expose_secret().len() < 16 {
        issues.add(
            "postmark.webhook_password",
            "webhook_username must be set and webhook_password at least 16 characters",
        );
    }
    if reqwest::Url::parse(&p.api_base).is_err() {
        issues.add("postmark.api_base", "must be a URL");
    }
}

fn smtp(s: &SmtpSettings, issues: &mut Issues<'_>) {
    if s.host.trim().is_empty() {
        issues.add("smtp.host", "must not be empty");
    }
    if s.from.parse::<lettre::message::Mailbox>().is_err() {
        issues.add(
            "smtp.from",
            "must be an address, optionally with a name: Name <a@b.no>",
        );
    }
    if s.username.is_some() != s.password.is_some() {
        issues.add("smtp.password", "username and password go together");
    }
}

fn twilio(t: &TwilioSettings, issues: &mut Issues<'_>) {
    if !t.account_sid.starts_with("AC") || t.account_sid.len() != 34 {
        issues.add(
            "twilio.account_sid",
            "must be 'AC' followed by 32 hex digits",
        );
    }
    if t.auth_token.expose_secret().is_empty() {
        issues.add("twilio.auth_token", "must not be empty");
    }
    if t.from.is_empty() {
        issues.add("twilio.from", "must be a phone number or sender id");
    }
}
