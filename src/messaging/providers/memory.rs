//! A provider that keeps what it is given in memory and sends nothing: for `innfri journey
//! simulate`, which reads back what went out instead of printing it.

use std::sync::Mutex;

use async_trait::async_trait;

use super::provider::{Outbound, Provider, SendError, SendReceipt};

/// The provider's name: its namespace for message ids in the store.
pub const NAME: &str = "memory";

#[derive(Default)]
pub struct MemoryProvider {
    sent: Mutex<Vec<Outbound>>,
    count: std::sync::atomic::AtomicU64,
}

impl MemoryProvider {
    /// What was sent since the last call, oldest first.
    pub fn take(&self) -> Vec<Outbound> {
        // A poisoned lock still holds what was sent.
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut *sent)
    }
}

#[async_trait]
impl Provider for MemoryProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        let n = self
            .count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(outbound.clone());
        // Unique within the process, which is all a simulation's store outlives.
        Ok(SendReceipt {
            provider: NAME,
            provider_id: format!("memory-{n}"),
            reports_name_the_message: false,
        })
    }
}
