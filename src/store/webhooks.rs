//! Where each agency's outbound webhook delivery stands, and the endpoint its admins set.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;
use crate::domain::webhook_endpoint::WebhookSetting;

/// Where each agency's webhook delivery stands.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn delivery_state(&self, agency: &AgencyId) -> StoreResult<DeliveryState>;
    async fn save_delivery_state(
        &self,
        agency: &AgencyId,
        state: &DeliveryState,
    ) -> StoreResult<()>;
    /// The endpoint an admin set; `None` until the first change (the configured one holds).
    /// A record of its own, so delivery saving its state never writes over an admin's change.
    async fn webhook_setting(&self, agency: &AgencyId) -> StoreResult<Option<WebhookSetting>>;
    async fn save_webhook_setting(
        &self,
        agency: &AgencyId,
        setting: &WebhookSetting,
    ) -> StoreResult<()>;
}
