//! Agencies, API keys, mandates and journeys in the embedded store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::EmbeddedStore;
use crate::domain::creditor::Agency;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey::Journey;
use crate::domain::mandate::Mandate;
use crate::store::{ApiKeyRecord, StoreResult, TenantStore};

#[async_trait]
impl TenantStore for EmbeddedStore {
    async fn save_agency(&self, agency: &Agency) -> StoreResult<()> {
        self.write(|inner| {
            inner.agencies.insert(agency.id.clone(), agency.clone());
            Ok(())
        })
    }

    async fn agency(&self, id: &AgencyId) -> StoreResult<Option<Agency>> {
        Ok(self.lock()?.agencies.get(id).cloned())
    }

    async fn agencies(&self) -> StoreResult<Vec<Agency>> {
        let mut all: Vec<Agency> = self.lock()?.agencies.values().cloned().collect();
        all.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(all)
    }

    async fn add_api_key(&self, hash: &[u8; 32], record: &ApiKeyRecord) -> StoreResult<bool> {
        self.write(|inner| {
            if inner.api_keys.contains_key(hash) {
                return Ok(false);
            }
            inner.api_keys.insert(*hash, record.clone());
            Ok(true)
        })
    }

    async fn api_key(&self, hash: &[u8; 32]) -> StoreResult<Option<ApiKeyRecord>> {
        Ok(self.lock()?.api_keys.get(hash).cloned())
    }

    async fn agency_api_keys(&self, agency: &AgencyId) -> StoreResult<Vec<ApiKeyRecord>> {
        let mut keys: Vec<ApiKeyRecord> = self
            .lock()?
            .api_keys
            .values()
            .filter(|r| &r.agency == agency)
            .cloned()
            .collect();
        keys.sort_by_key(|r| r.created_at);
        Ok(keys)
    }

    async fn revoke_api_key(
        &self,
        agency: &AgencyId,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|inner| {
            let mut found = false;
            for record in inner.api_keys.values_mut() {
                if &record.agency == agency && record.key_id == key_id {
                    record.revoked_at.get_or_insert(at);
                    found = true;
                }
            }
            Ok(found)
        })
    }

    async fn mandate(&self, creditor: &CreditorId) -> StoreResult<Option<Mandate>> {
        Ok(self.lock()?.mandates.get(creditor).cloned())
    }

    async fn save_mandate(&self, creditor: &CreditorId, mandate: &Mandate) -> StoreResult<()> {
        self.write(|inner| {
            inner.mandates.insert(creditor.clone(), mandate.clone());
            Ok(())
        })
    }

    async fn journey(&self, creditor: &CreditorId) -> StoreResult<Option<Journey>> {
        Ok(self.lock()?.journeys.get(creditor).cloned())
    }

    async fn save_journey(&self, creditor: &CreditorId, journey: &Journey) -> StoreResult<()> {
        self.write(|inner| {
            inner.journeys.insert(creditor.clone(), journey.clone());
            Ok(())
        })
    }
}
