//! Agencies, API keys, mandates and journeys on Redis.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::creditor::Agency;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey::Journey;
use crate::domain::mandate::Mandate;
use crate::domain::setting_history::Version;
use crate::store::{ApiKeyRecord, StoreResult, TenantStore};

#[async_trait]
impl TenantStore for RedisStore {
    async fn save_agency(&self, agency: &Agency) -> StoreResult<()> {
        self.conn()
            .hset(self.keys.agencies(), agency.id.as_str(), to_json(agency)?)
            .await
            .map_err(unavailable)
    }

    async fn agency(&self, id: &AgencyId) -> StoreResult<Option<Agency>> {
        let raw: Option<String> = self
            .conn()
            .hget(self.keys.agencies(), id.as_str())
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn agencies(&self) -> StoreResult<Vec<Agency>> {
        let all: HashMap<String, String> = self
            .conn()
            .hgetall(self.keys.agencies())
            .await
            .map_err(unavailable)?;
        let mut agencies = all
            .values()
            .map(|r| from_json(r))
            .collect::<StoreResult<Vec<Agency>>>()?;
        agencies.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(agencies)
    }

    /// The agency's index first (its own slot), then the key: the index may list a hash
    /// whose record is another agency's or missing (both are passed over when read), never
    /// miss one.
    async fn add_api_key(&self, hash: &[u8; 32], record: &ApiKeyRecord) -> StoreResult<bool> {
        self.conn()
            .sadd::<_, _, ()>(self.keys.agency_api_keys(&record.agency), hex::encode(hash))
            .await
            .map_err(unavailable)?;
        self.conn()
            .set_nx(self.keys.api_key(hash), to_json(record)?)
            .await
            .map_err(unavailable)
    }

    async fn api_key(&self, hash: &[u8; 32]) -> StoreResult<Option<ApiKeyRecord>> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.api_key(hash))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn agency_api_keys(&self, agency: &AgencyId) -> StoreResult<Vec<ApiKeyRecord>> {
        let hashes: Vec<String> = self
            .conn()
            .smembers(self.keys.agency_api_keys(agency))
            .await
            .map_err(unavailable)?;
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = hashes.iter().map(|h| self.keys.api_key_hex(h)).collect();
        let raws: Vec<Option<String>> = self.conn().mget(&keys).await.map_err(unavailable)?;
        let mut records = raws
            .iter()
            .flatten()
            .map(|r| from_json(r))
            .collect::<StoreResult<Vec<ApiKeyRecord>>>()?;
        records.retain(|r| &r.agency == agency);
        records.sort_by_key(|r| r.created_at);
        Ok(records)
    }

    async fn revoke_api_key(
        &self,
        agency: &AgencyId,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let hashes: Vec<String> = self
            .conn()
            .smembers(self.keys.agency_api_keys(agency))
            .await
            .map_err(unavailable)?;
        let mut found = false;
        for hash in hashes {
            let key = self.keys.api_key_hex(&hash);
            let raw: Option<String> = self.conn().get(&key).await.map_err(unavailable)?;
            let Some(raw) = raw else { continue };
            let mut record: ApiKeyRecord = from_json(&raw)?;
            if &record.agency != agency || record.key_id != key_id {
                continue;
            }
            found = true;
            if record.revoked_at.is_none() {
                record.revoked_at = Some(at);
                // XX: a key deleted meanwhile is not brought back; revocation only ever adds.
                let _: bool = self
                    .conn()
                    .set_options(
                        &key,
                        to_json(&record)?,
                        redis::SetOptions::default().conditional_set(redis::ExistenceCheck::XX),
                    )
                    .await
                    .map_err(unavailable)?;
            }
        }
        Ok(found)
    }

    async fn mandate(&self, creditor: &CreditorId) -> StoreResult<Option<Mandate>> {
        let last = self
            .last_version(self.keys.mandate_versions(creditor))
            .await?;
        match last {
            Some(version) => Ok(Some(version.content)),
            None => self.earlier(self.keys.mandate(creditor)).await,
        }
    }

    async fn mandate_versions(&self, creditor: &CreditorId) -> StoreResult<Vec<Version<Mandate>>> {
        self.versions(self.keys.mandate_versions(creditor)).await
    }

    async fn add_mandate_versions(
        &self,
        creditor: &CreditorId,
        after: u32,
        new: &[Version<Mandate>],
    ) -> StoreResult<bool> {
        self.add_versions(self.keys.mandate_versions(creditor), after, new)
            .await
    }

    async fn journey(&self, creditor: &CreditorId) -> StoreResult<Option<Journey>> {
        let last = self
            .last_version(self.keys.journey_versions(creditor))
            .await?;
        match last {
            Some(version) => Ok(Some(version.content)),
            None => self.earlier(self.keys.journey(creditor)).await,
        }
    }

    async fn journey_versions(&self, creditor: &CreditorId) -> StoreResult<Vec<Version<Journey>>> {
        self.versions(self.keys.journey_versions(creditor)).await
    }

    async fn add_journey_versions(
        &self,
        creditor: &CreditorId,
        after: u32,
        new: &[Version<Journey>],
    ) -> StoreResult<bool> {
        self.add_versions(self.keys.journey_versions(creditor), after, new)
            .await
    }
}

impl RedisStore {
    /// What was saved under `key` before versions were kept.
    async fn earlier<T: serde::de::DeserializeOwned>(&self, key: String) -> StoreResult<Option<T>> {
        let raw: Option<String> = self.conn().get(key).await.map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn last_version<T: serde::de::DeserializeOwned>(
        &self,
        key: String,
    ) -> StoreResult<Option<Version<T>>> {
        let raw: Option<String> = self.conn().lindex(key, -1).await.map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn versions<T: serde::de::DeserializeOwned>(
        &self,
        key: String,
    ) -> StoreResult<Vec<Version<T>>> {
        let raws: Vec<String> = self.conn().lrange(key, 0, -1).await.map_err(unavailable)?;
        raws.iter().map(|r| from_json(r)).collect()
    }

    async fn add_versions<T: serde::Serialize>(
        &self,
        key: String,
        after: u32,
        new: &[Version<T>],
    ) -> StoreResult<bool> {
        let mut invocation = self.scripts.add_versions.key(key);
        invocation.arg(after);
        for version in new {
            invocation.arg(to_json(version)?);
        }
        let added: i64 = invocation
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(added == 1)
    }
}
