//! The tenants directory: agencies and their API keys in the store (seeded from the
//! configuration) and the creditors' mandates as the API may have replaced them, read through
//! a short cache that the writes here keep current. Agency administration (new agencies, key
//! issue and revocation) is a use case in `service::agencies`.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::config::{AppConfig, api_key_hash};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey::Journey;
use crate::domain::mandate::Mandate;
use crate::domain::setting_history::{ChangedBy, Version, next_versions};
use crate::store::{ApiKeyRecord, SharedStore, StoreError};

/// How long a process trusts what it read about an agency or a mandate. Changes made through
/// this process are seen at once; another process (a worker) sees them within this time.
const CACHE_TTL: Duration = Duration::from_secs(10);

/// A key's public name: the first 8 hex digits of its SHA-256 (reveals nothing of the key).
pub fn key_id(hash: &[u8; 32]) -> String {
    hex::encode(&hash[..4])
}

#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("no agency '{0}'")]
    UnknownAgency(String),
    #[error("an agency '{0}' exists already")]
    AgencyExists(String),
    #[error("'{0}' is not a usable agency id (letters, digits and '-')")]
    InvalidId(String),
    #[error("no creditor '{0}' in the configuration")]
    UnknownCreditor(String),
    #[error("agency '{agency}' has no key '{key_id}'")]
    UnknownKey { agency: String, key_id: String },
    #[error(
        "API key {key_id} is configured for agency '{configured}' but was issued to '{stored}'; \
         give '{configured}' a new key (innfri new-api-key) and remove this one"
    )]
    KeyMoved {
        key_id: String,
        configured: String,
        stored: String,
    },
}

/// Per creditor, when it was read and the `T` in force as changed at run time, with its
/// version number.
type InForce<T> = RwLock<HashMap<CreditorId, (Instant, Option<(u32, T)>)>>;

/// What a process remembers of agencies and mandates (see [`CACHE_TTL`]).
#[derive(Default)]
pub struct TenantCache {
    agencies: RwLock<HashMap<AgencyId, (Instant, Option<Agency>)>>,
    /// The mandate in force as changed at run time, with its version number.
    mandates: InForce<Mandate>,
    journeys: InForce<Journey>,
}

fn fresh<K: std::hash::Hash + Eq, V: Clone>(
    map: &RwLock<HashMap<K, (Instant, V)>>,
    key: &K,
) -> Option<V> {
    let map = map.read().ok()?;
    let (at, value) = map.get(key)?;
    (at.elapsed() < CACHE_TTL).then(|| value.clone())
}

fn remember<K: std::hash::Hash + Eq, V>(map: &RwLock<HashMap<K, (Instant, V)>>, key: K, value: V) {
    if let Ok(mut map) = map.write() {
        map.insert(key, (Instant::now(), value));
    }
}

/// Agencies, keys and mandates, read through the store.
pub struct Tenants {
    store: SharedStore,
    cache: TenantCache,
}

impl Tenants {
    pub fn new(store: SharedStore) -> Tenants {
        Tenants {
            store,
            cache: TenantCache::default(),
        }
    }

    /// Writes the configured agencies (config wins for those it names) and adds their keys.
    /// A key revoked in the store stays revoked; a key configured for another agency than the
    /// store's record names is refused (the service does not start): honouring either would be
    /// a guess. Nothing is revoked here: a process started with another profile must not be
    /// able to switch off keys the running servers are configured with.
    pub async fn seed(&self, config: &AppConfig, now: DateTime<Utc>) -> Result<(), TenantError> {
        for agency in config.agencies.values() {
            self.store.save_agency(agency).await?;
        }
        for (hash, agency) in &config.api_keys {
            let record = ApiKeyRecord {
                agency: agency.clone(),
                key_id: key_id(hash),
                created_at: now,
                revoked_at: None,
                from_config: true,
            };
            if !self.store.add_api_key(hash, &record).await?
                && let Some(stored) = self.store.api_key(hash).await?
                && stored.agency != *agency
            {
                return Err(TenantError::KeyMoved {
                    key_id: record.key_id,
                    configured: agency.to_string(),
                    stored: stored.agency.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The agency a presented API key belongs to, if the key is known and not revoked. A key
    /// seeded from the configuration counts only while this process's configuration still
    /// lists it for that agency (taking it out of the file and restarting ends it). Never
    /// cached: a revoked key stops working at once.
    pub async fn agency_for_key(
        &self,
        config: &AppConfig,
        key: &str,
    ) -> Result<Option<AgencyId>, StoreError> {
        let hash = api_key_hash(key);
        let record = self.store.api_key(&hash).await?;
        Ok(record
            .filter(|r| r.revoked_at.is_none())
            .filter(|r| !r.from_config || config.api_keys.get(&hash) == Some(&r.agency))
            .map(|r| r.agency))
    }

    pub async fn agency(&self, id: &AgencyId) -> Result<Option<Agency>, StoreError> {
        if let Some(agency) = fresh(&self.cache.agencies, id) {
            return Ok(agency);
        }
        let agency = self.store.agency(id).await?;
        remember(&self.cache.agencies, id.clone(), agency.clone());
        Ok(agency)
    }

    /// The agencies acting for `creditor`.
    pub async fn agencies_for(&self, creditor: &CreditorId) -> Result<Vec<Agency>, StoreError> {
        let mut all = self.store.agencies().await?;
        all.retain(|a| a.acts_for(creditor));
        Ok(all)
    }

    /// The creditor as configured, with the mandate and the journey the API replaced, if any.
    pub async fn creditor(
        &self,
        config: &AppConfig,
        id: &CreditorId,
    ) -> Result<Option<Creditor>, StoreError> {
        let Some(configured) = config.creditors.get(id) else {
            return Ok(None);
        };
        let mut creditor = configured.clone();
        if let Some((number, mandate)) = self.in_force::<Mandate>(id).await? {
            creditor.mandate = mandate;
            creditor.mandate_version = number;
        }
        if let Some((_, journey)) = self.in_force::<Journey>(id).await? {
            creditor.journey = journey;
        }
        Ok(Some(creditor))
    }

    /// The `T` in force as changed at run time, with its version number (1 for one saved
    /// before versions were kept).
    async fn in_force<T: Setting>(&self, id: &CreditorId) -> Result<Option<(u32, T)>, StoreError> {
        if let Some(found) = fresh(T::cache(&self.cache), id) {
            return Ok(found);
        }
        let found = match T::versions(&self.store, id).await?.pop() {
            Some(last) => Some((last.number, last.content)),
            None => T::saved(&self.store, id).await?.map(|earlier| (1, earlier)),
        };
        remember(T::cache(&self.cache), id.clone(), found.clone());
        Ok(found)
    }

    /// Every version of `creditor`'s `T`, oldest first: the stored ones, or while it was
    /// never changed here, version 1 as in force (the configuration's, or one saved before
    /// versions were kept).
    pub async fn history<T: Setting>(
        &self,
        config: &AppConfig,
        id: &CreditorId,
    ) -> Result<Vec<Version<T>>, StoreError> {
        let stored = T::versions(&self.store, id).await?;
        if !stored.is_empty() {
            return Ok(stored);
        }
        Ok(self
            .original::<T>(config, id)
            .await?
            .map(|(content, by)| Version {
                number: 1,
                by,
                at: None,
                content,
            })
            .into_iter()
            .collect())
    }

    /// What was in force before the first versioned change, and whose it was.
    async fn original<T: Setting>(
        &self,
        config: &AppConfig,
        id: &CreditorId,
    ) -> Result<Option<(T, ChangedBy)>, StoreError> {
        if let Some(earlier) = T::saved(&self.store, id).await? {
            return Ok(Some((earlier, ChangedBy::Unrecorded)));
        }
        Ok(config
            .creditors
            .get(id)
            .map(|c| (T::configured(c).clone(), ChangedBy::Configuration)))
    }

    /// Makes `content` (already checked) `creditor`'s `T` in force as a new version by `by`;
    /// returns its number. A change made meanwhile by another process is kept as the version
    /// before this one.
    pub async fn change<T: Setting>(
        &self,
        config: &AppConfig,
        id: &CreditorId,
        content: &T,
        by: ChangedBy,
        at: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        for _ in 0..5 {
            let history = T::versions(&self.store, id).await?;
            let original = match history.is_empty() {
                true => self.original::<T>(config, id).await?,
                false => None,
            };
            let original = original.unwrap_or((content.clone(), ChangedBy::Configuration));
            let (after, new) =
                next_versions(&history, (&original.0, original.1), content, by.clone(), at);
            if T::add(&self.store, id, after, &new).await? {
                let number = new.last().map_or(1, |v| v.number);
                remember(
                    T::cache(&self.cache),
                    id.clone(),
                    Some((number, content.clone())),
                );
                return Ok(number);
            }
        }
        Err(StoreError::Conflict)
    }

    /// Saves an agency and remembers it, so this process sees the change at once.
    pub async fn save_agency(&self, agency: &Agency) -> Result<(), StoreError> {
        self.store.save_agency(agency).await?;
        remember(
            &self.cache.agencies,
            agency.id.clone(),
            Some(agency.clone()),
        );
        Ok(())
    }
}

/// A creditor's setting kept in versions: its mandate or its journey.
#[async_trait::async_trait]
pub trait Setting: Clone + Send + Sync + Sized + serde::Serialize + 'static {
    fn configured(creditor: &Creditor) -> &Self;
    fn cache(cache: &TenantCache) -> &InForce<Self>;
    /// What the store holds in force (the last version, or one saved before versions).
    async fn saved(store: &SharedStore, id: &CreditorId) -> Result<Option<Self>, StoreError>;
    async fn versions(
        store: &SharedStore,
        id: &CreditorId,
    ) -> Result<Vec<Version<Self>>, StoreError>;
    async fn add(
        store: &SharedStore,
        id: &CreditorId,
        after: u32,
        new: &[Version<Self>],
    ) -> Result<bool, StoreError>;
}

#[async_trait::async_trait]
impl Setting for Mandate {
    fn configured(creditor: &Creditor) -> &Mandate {
        &creditor.mandate
    }
    fn cache(cache: &TenantCache) -> &InForce<Mandate> {
        &cache.mandates
    }
    async fn saved(store: &SharedStore, id: &CreditorId) -> Result<Option<Mandate>, StoreError> {
        store.mandate(id).await
    }
    async fn versions(
        store: &SharedStore,
        id: &CreditorId,
    ) -> Result<Vec<Version<Mandate>>, StoreError> {
        store.mandate_versions(id).await
    }
    async fn add(
        store: &SharedStore,
        id: &CreditorId,
        after: u32,
        new: &[Version<Mandate>],
    ) -> Result<bool, StoreError> {
        store.add_mandate_versions(id, after, new).await
    }
}

#[async_trait::async_trait]
impl Setting for Journey {
    fn configured(creditor: &Creditor) -> &Journey {
        &creditor.journey
    }
    fn cache(cache: &TenantCache) -> &InForce<Journey> {
        &cache.journeys
    }
    async fn saved(store: &SharedStore, id: &CreditorId) -> Result<Option<Journey>, StoreError> {
        store.journey(id).await
    }
    async fn versions(
        store: &SharedStore,
        id: &CreditorId,
    ) -> Result<Vec<Version<Journey>>, StoreError> {
        store.journey_versions(id).await
    }
    async fn add(
        store: &SharedStore,
        id: &CreditorId,
        after: u32,
        new: &[Version<Journey>],
    ) -> Result<bool, StoreError> {
        store.add_journey_versions(id, after, new).await
    }
}
