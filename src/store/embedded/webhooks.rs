//! Webhook delivery state in the embedded store.

use async_trait::async_trait;

use super::EmbeddedStore;
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;
use crate::store::{StoreResult, WebhookStore};

#[async_trait]
impl WebhookStore for EmbeddedStore {
    async fn delivery_state(&self, agency: &AgencyId) -> StoreResult<DeliveryState> {
        Ok(self
            .lock()?
            .deliveries
            .get(agency)
            .cloned()
            .unwrap_or_default())
    }

    async fn save_delivery_state(
        &self,
        agency: &AgencyId,
        state: &DeliveryState,
    ) -> StoreResult<()> {
        self.write(|inner| {
            inner.deliveries.insert(agency.clone(), state.clone());
            Ok(())
        })
    }
}
