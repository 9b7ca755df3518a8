//! Where each agency's outbound webhook delivery stands.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;

/// Where each agency's webhook delivery stands.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn delivery_state(&self, agency: &AgencyId) -> StoreResult<DeliveryState>;
    async fn save_delivery_state(
        &self,
        agency: &AgencyId,
        state: &DeliveryState,
    ) -> StoreResult<()>;
}
