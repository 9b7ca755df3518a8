//! Webhook delivery state and the endpoints admins set, in the embedded store.

use async_trait::async_trait;

use super::EmbeddedStore;
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;
use crate::domain::webhook_endpoint::WebhookSetting;
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

    async fn webhook_setting(&self, agency: &AgencyId) -> StoreResult<Option<WebhookSetting>> {
        Ok(self.lock()?.webhook_settings.get(agency).cloned())
    }

    async fn save_webhook_setting(
        &self,
        agency: &AgencyId,
        setting: &WebhookSetting,
    ) -> StoreResult<()> {
        self.write(|inner| {
            inner
                .webhook_settings
                .insert(agency.clone(), setting.clone());
            Ok(())
        })
    }
}
