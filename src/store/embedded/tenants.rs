//! Agencies, API keys, mandates and journeys in the embedded store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::EmbeddedStore;
use crate::domain::creditor::Agency;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey::Journey;
use crate::domain::mandate::Mandate;
use crate::domain::setting_history::Version;
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
        let inner = self.lock()?;
        Ok(in_force(
            inner.mandate_versions.get(creditor),
            inner.mandates.get(creditor),
        ))
    }

    async fn mandate_versions(&self, creditor: &CreditorId) -> StoreResult<Vec<Version<Mandate>>> {
        Ok(self
            .lock()?
            .mandate_versions
            .get(creditor)
            .cloned()
            .unwrap_or_default())
    }

    async fn add_mandate_versions(
        &self,
        creditor: &CreditorId,
        after: u32,
        new: &[Version<Mandate>],
    ) -> StoreResult<bool> {
        self.write(|inner| {
            Ok(append(
                inner.mandate_versions.entry_or_default(creditor.clone()),
                after,
                new,
            ))
        })
    }

    async fn journey(&self, creditor: &CreditorId) -> StoreResult<Option<Journey>> {
        let inner = self.lock()?;
        Ok(in_force(
            inner.journey_versions.get(creditor),
            inner.journeys.get(creditor),
        ))
    }

    async fn journey_versions(&self, creditor: &CreditorId) -> StoreResult<Vec<Version<Journey>>> {
        Ok(self
            .lock()?
            .journey_versions
            .get(creditor)
            .cloned()
            .unwrap_or_default())
    }

    async fn add_journey_versions(
        &self,
        creditor: &CreditorId,
        after: u32,
        new: &[Version<Journey>],
    ) -> StoreResult<bool> {
        self.write(|inner| {
            Ok(append(
                inner.journey_versions.entry_or_default(creditor.clone()),
                after,
                new,
            ))
        })
    }
}

/// The last version's content, else what was saved before versions were kept.
fn in_force<T: Clone>(versions: Option<&Vec<Version<T>>>, earlier: Option<&T>) -> Option<T> {
    versions
        .and_then(|v| v.last())
        .map(|v| v.content.clone())
        .or_else(|| earlier.cloned())
}

/// Appends `new` to `versions` if it holds exactly `after`; whether it did.
fn append<T: Clone>(versions: &mut Vec<Version<T>>, after: u32, new: &[Version<T>]) -> bool {
    if versions.len() != after as usize {
        return false;
    }
    versions.extend_from_slice(new);
    true
}
