//! A provider that prints messages to standard output: for the demo and local development.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use super::provider::{Outbound, Provider, SendError, SendReceipt};

#[derive(Default)]
pub struct ConsoleProvider {
    sent: AtomicU64,
}

#[async_trait]
impl Provider for ConsoleProvider {
    fn name(&self) -> &'static str {
        "console"
    }

    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        let n = self.sent.fetch_add(1, Ordering::Relaxed) + 1;
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
        Ok(SendReceipt {
            provider_id: format!("console-{n}"),
        })
    }
}
