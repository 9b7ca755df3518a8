//! The providers a worker sends through: one per configured service, the installation's default
//! for each channel (with its failover), and a creditor's own choice where its file names one.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::console::ConsoleProvider;
use super::failover::{Breaker, Failover};
use super::gatewayapi::GatewayApiProvider;
use super::postmark::PostmarkProvider;
use super::provider::Provider;
use super::smtp::SmtpProvider;
use super::twilio::TwilioProvider;
use crate::config::Settings;
use crate::domain::creditor::Creditor;
use crate::domain::message::{Channel, EmailProviderKind, SmsProviderKind};

pub struct ProviderSet {
    sms: HashMap<SmsProviderKind, Arc<dyn Provider>>,
    email: HashMap<EmailProviderKind, Arc<dyn Provider>>,
    default_sms: Arc<dyn Provider>,
    default_email: Arc<dyn Provider>,
}

impl ProviderSet {
    /// Builds every provider whose section is configured; the defaults get their failover.
    pub fn from_settings(settings: &Settings, http: reqwest::Client) -> anyhow::Result<Self> {
        let base = settings.server.public_base_url.as_str();
        let mut sms: HashMap<SmsProviderKind, Arc<dyn Provider>> = HashMap::new();
        sms.insert(SmsProviderKind::Console, Arc::new(ConsoleProvider));
        if let Some(t) = &settings.twilio {
            sms.insert(
                SmsProviderKind::Twilio,
                Arc::new(TwilioProvider::new(
                    http.clone(),
                    &t.api_base,
                    &t.account_sid,
                    t.auth_token.clone(),
                    &t.from,
                    Some(format!("{base}/callbacks/twilio/status")),
                )),
            );
        }
        if let Some(g) = &settings.gatewayapi {
            sms.insert(
                SmsProviderKind::Gatewayapi,
                Arc::new(GatewayApiProvider::new(
                    http.clone(),
                    &g.api_base,
                    g.token.clone(),
                    &g.sender,
                    Some(format!("{base}/callbacks/gatewayapi/status")),
                )),
            );
        }
        let mut email: HashMap<EmailProviderKind, Arc<dyn Provider>> = HashMap::new();
        email.insert(EmailProviderKind::Console, Arc::new(ConsoleProvider));
        if let Some(p) = &settings.postmark {
            email.insert(
                EmailProviderKind::Postmark,
                Arc::new(PostmarkProvider::new(
                    http.clone(),
                    &p.api_base,
                    p.server_token.clone(),
                    &p.from,
                    &p.message_stream,
                )),
            );
        }
        if let Some(s) = &settings.smtp {
            email.insert(EmailProviderKind::Smtp, Arc::new(SmtpProvider::new(s)?));
        }
        let m = &settings.messaging;
        let breaker = || {
            Breaker::new(
                m.breaker_failures,
                Duration::from_secs(m.breaker_open_seconds),
            )
        };
        let pick_sms = |kind: SmsProviderKind| {
            sms.get(&kind)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("SMS provider {kind:?} is not configured"))
        };
        let pick_email = |kind: EmailProviderKind| {
            email
                .get(&kind)
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("e-mail provider {kind:?} is not configured"))
        };
        let mut default_sms = pick_sms(m.sms_provider)?;
        if let Some(second) = m.sms_failover {
            default_sms = Arc::new(Failover::new(default_sms, pick_sms(second)?, breaker()));
        }
        let mut default_email = pick_email(m.email_provider)?;
        if let Some(second) = m.email_failover {
            default_email = Arc::new(Failover::new(default_email, pick_email(second)?, breaker()));
        }
        Ok(ProviderSet {
            sms,
            email,
            default_sms,
            default_email,
        })
    }

    /// Every message through these two, whatever the configuration or the creditor says (the
    /// journey simulation sends through in-memory providers).
    pub fn only(sms: Arc<dyn Provider>, email: Arc<dyn Provider>) -> ProviderSet {
        ProviderSet {
            sms: HashMap::new(),
            email: HashMap::new(),
            default_sms: sms,
            default_email: email,
        }
    }

    /// The provider for a message on `channel` to one of `creditor`'s debtors.
    pub fn for_message(&self, channel: Channel, creditor: &Creditor) -> &Arc<dyn Provider> {
        match channel {
            Channel::Sms => creditor
                .messaging
                .sms_provider
                .and_then(|kind| self.sms.get(&kind))
                .unwrap_or(&self.default_sms),
            Channel::Email => creditor
                .messaging
                .email_provider
                .and_then(|kind| self.email.get(&kind))
                .unwrap_or(&self.default_email),
        }
    }

    /// Names of the default providers, for the start-up log line.
    pub fn defaults(&self) -> (&'static str, &'static str) {
        (self.default_sms.name(), self.default_email.name())
    }
}
