//! Agencies, their API keys and creditors' mandates and journeys as changed at run time.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::creditor::Agency;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey::Journey;
use crate::domain::mandate::Mandate;
use crate::domain::setting_history::Version;

/// An API key as stored: never the key, only what it grants and whether it still does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiKeyRecord {
    pub agency: AgencyId,
    /// A short name for the key (from its hash): what `innfri agency keys` lists and revokes by.
    pub key_id: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Seeded from `api_key_sha256` in the configuration (not made with `innfri agency key`):
    /// such a key stops working once the configuration no longer lists it.
    #[serde(default)]
    pub from_config: bool,
}

/// Agencies, their API keys (by SHA-256) and creditors' mandates as replaced through the API.
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Creates or replaces an agency.
    async fn save_agency(&self, agency: &Agency) -> StoreResult<()>;
    async fn agency(&self, id: &AgencyId) -> StoreResult<Option<Agency>>;
    async fn agencies(&self) -> StoreResult<Vec<Agency>>;
    /// Adds a key; an existing record under the same hash is kept as it is (a revoked key
    /// stays revoked when the configuration seeds it again). Returns whether it was added.
    async fn add_api_key(&self, hash: &[u8; 32], record: &ApiKeyRecord) -> StoreResult<bool>;
    async fn api_key(&self, hash: &[u8; 32]) -> StoreResult<Option<ApiKeyRecord>>;
    async fn agency_api_keys(&self, agency: &AgencyId) -> StoreResult<Vec<ApiKeyRecord>>;
    /// Marks the agency's key `key_id` revoked; false when it has no such key.
    async fn revoke_api_key(
        &self,
        agency: &AgencyId,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The mandate that replaced the configured one, if any: the last of its versions, or one
    /// saved before versions were kept.
    async fn mandate(&self, creditor: &CreditorId) -> StoreResult<Option<Mandate>>;
    /// The creditor's mandate versions, oldest first; empty while the configuration's is in
    /// force unchanged.
    async fn mandate_versions(&self, creditor: &CreditorId) -> StoreResult<Vec<Version<Mandate>>>;
    /// Appends `new` to the creditor's mandate versions if it has exactly `after` of them now,
    /// in one step; the last one is the mandate in force from then on. False (nothing
    /// written): another change came first.
    async fn add_mandate_versions(
        &self,
        creditor: &CreditorId,
        after: u32,
        new: &[Version<Mandate>],
    ) -> StoreResult<bool>;
    /// The journey that replaced the configured one, if any (as [`TenantStore::mandate`]).
    async fn journey(&self, creditor: &CreditorId) -> StoreResult<Option<Journey>>;
    async fn journey_versions(&self, creditor: &CreditorId) -> StoreResult<Vec<Version<Journey>>>;
    /// As [`TenantStore::add_mandate_versions`], for the journey.
    async fn add_journey_versions(
        &self,
        creditor: &CreditorId,
        after: u32,
        new: &[Version<Journey>],
    ) -> StoreResult<bool>;
}
