//! E-mail over SMTP through `lettre`: implicit TLS, STARTTLS or (for a local relay) plain text,
//! pooled connections, 5xx answers as permanent and 4xx or lost connections as transient.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message as Email};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use super::provider::{Outbound, Provider, SendError, SendReceipt};
use crate::config::{SmtpSecurity, SmtpSettings};
use crate::domain::message::Recipient;
use crate::messaging::unsubscribe;

/// The provider's name: its namespace for message ids in the store.
pub const NAME: &str = "smtp";
const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str(unsubscribe::LIST_UNSUBSCRIBE);
const LIST_UNSUBSCRIBE_POST: HeaderName =
    HeaderName::new_from_ascii_str(unsubscribe::LIST_UNSUBSCRIBE_POST);

pub struct SmtpProvider {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The right-hand side of our Message-IDs: the sender's domain.
    domain: String,
}

impl SmtpProvider {
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<SmtpProvider> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("smtp.from: {e}"))?;
        let domain = from.email.domain().to_owned();
        let host = settings.host.as_str();
        let mut builder = match settings.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        }
        .port(settings.port)
        .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(SmtpProvider {
            transport: builder.build(),
            from,
            domain,
        })
    }
}

#[async_trait]
impl Provider for SmtpProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        let Recipient::Email(to) = &outbound.recipient else {
            return Err(SendError::Permanent {
                reason: "smtp sends e-mail only".into(),
            });
        };
        let to: Mailbox = to.as_str().parse().map_err(|e| SendError::Permanent {
            reason: format!("address not usable for SMTP: {e}"),
        })?;
        // A Message-ID derived from ours: a receiving system that deduplicates sees a resend
        // after a crash as the same e-mail.
        let message_id = format!("<{}@{}>", outbound.message_id.as_str(), self.domain);
        let mut builder = Email::builder()
            .from(self.from.clone())
            .to(to)
            .subject(outbound.subject.clone().unwrap_or_default())
            .message_id(Some(message_id.clone()))
            .header(ContentType::TEXT_PLAIN);
        if let Some(url) = &outbound.unsubscribe_url {
            // One-click unsubscribe (RFC 8058). Receivers honour it only on a DKIM-signed mail:
            // the relay this connects to must sign.
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    unsubscribe::ONE_CLICK.to_owned(),
                ));
        }
        let email = builder
            .body(outbound.body.clone())
            .map_err(|e| SendError::Permanent {
                reason: format!("e-mail could not be built: {e}"),
            })?;
        match self.transport.send(email).await {
            Ok(_) => Ok(SendReceipt {
                provider: NAME,
                provider_id: message_id,
                // No delivery reports over SMTP; the index serves a bounce handler, if any.
                reports_name_the_message: false,
            }),
            // 5xx: the server refuses this recipient or message for good.
            Err(e) if e.is_permanent() => Err(SendError::Permanent {
                reason: format!("smtp refused: {e}"),
            }),
            Err(e) => Err(SendError::Transient {
                reason: format!("smtp: {e}"),
                retry_after: None,
            }),
        }
    }
}
