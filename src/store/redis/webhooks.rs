//! Webhook delivery state on Redis: one JSON record per agency.

use async_trait::async_trait;
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;
use crate::store::{StoreResult, WebhookStore};

#[async_trait]
impl WebhookStore for RedisStore {
    async fn delivery_state(&self, agency: &AgencyId) -> StoreResult<DeliveryState> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.webhook(agency))
            .await
            .map_err(unavailable)?;
        Ok(raw.map(|r| from_json(&r)).transpose()?.unwrap_or_default())
    }

    async fn save_delivery_state(
        &self,
        agency: &AgencyId,
        state: &DeliveryState,
    ) -> StoreResult<()> {
        self.conn()
            .set(self.keys.webhook(agency), to_json(state)?)
            .await
            .map_err(unavailable)
    }
}
