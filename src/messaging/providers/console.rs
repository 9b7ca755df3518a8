//! A provider that prints messages to standard output: for the demo and local development.

use async_trait::async_trait;

use super::provider::{Outbound, Provider, SendError, SendReceipt};

/// The provider's name: its namespace for message ids in the store.
pub const NAME: &str = "console";

#[derive(Default)]
pub struct ConsoleProvider;

#[async_trait]
impl Provider for ConsoleProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        // The recipient is masked even here; the text itself is what the demo wants to show.
        let subject = outbound
            .subject
            .as_deref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        println!(
            "\n--- {:?} to {}{} ---\n{}\n---",
            outbound.recipient.channel(),
            outbound.recipient.masked(),
            subject,
            outbound.body
        );
        // Random, not counted: a counter starts again with every run (and every process
        // sharing a store), and an id given twice would match another message's receipts.
        Ok(SendReceipt {
            provider: NAME,
            provider_id: format!("console-{}", uuid::Uuid::new_v4().simple()),
            reports_name_the_message: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact::PhoneNumber;
    use crate::domain::ids::MessageId;
    use crate::domain::message::Recipient;

    #[tokio::test]
    async fn ids_never_repeat_across_runs() {
        let outbound = Outbound {
            message_id: MessageId::generate(),
            recipient: Recipient::Sms(PhoneNumber::parse("+4791234567").expect("phone")),
            subject: None,
            body: "Hei".into(),
            unsubscribe_url: None,
        };
        // Two runs of the program: each starts with a fresh provider.
        let first_run = ConsoleProvider.send(&outbound).await.expect("sent");
        let second_run = ConsoleProvider.send(&outbound).await.expect("sent");
        assert_ne!(first_run.provider_id, second_run.provider_id);
        assert!(first_run.provider_id.starts_with("console-"));
        assert_eq!(first_run.provider, NAME);
    }
}
