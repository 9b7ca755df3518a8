//! Webhook delivery state on Redis, and the endpoint an admin set: one JSON record each per
//! agency.

use async_trait::async_trait;
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::event::DeliveryState;
use crate::domain::ids::AgencyId;
use crate::domain::webhook_endpoint::WebhookSetting;
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

    async fn webhook_setting(&self, agency: &AgencyId) -> StoreResult<Option<WebhookSetting>> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.webhook_setting(agency))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn save_webhook_setting(
        &self,
        agency: &AgencyId,
        setting: &WebhookSetting,
    ) -> StoreResult<()> {
        self.conn()
            .set(self.keys.webhook_setting(agency), to_json(setting)?)
            .await
            .map_err(unavailable)
    }
}
