//! The embedded store's collections: maps and sets that remember which keys changed since the
//! last commit, so the store file receives exactly those (nothing is remembered without a file).
//!
//! Reading goes through `Deref` to the plain collection; every change goes through a method
//! here, so no change can bypass the journal.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;
use std::ops::Deref;

use chrono::{DateTime, Utc};
use redb::{ReadTransaction, ReadableTable, TableDefinition, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::event::Event;
use crate::domain::ids::{AgencyId, CaseId};
use crate::links::TokenDigest;
use crate::store::{StoreError, StoreResult};

/// The file's own facts (format, pseudonym key).
pub(super) const META: &str = "meta";

/// Every table of the file: raw key bytes to JSON values.
type Raw<'a> = TableDefinition<'a, &'static [u8], &'static [u8]>;

pub(super) fn file_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("store file: {e}"))
}

fn json<T: Serialize + ?Sized>(value: &T) -> StoreResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(super::super::corrupt)
}

fn unjson<T: DeserializeOwned>(bytes: &[u8]) -> StoreResult<T> {
    serde_json::from_slice(bytes).map_err(super::super::corrupt)
}

/// A map key as bytes in the file.
pub(super) trait Key: Clone + Eq + Hash {
    fn encode(&self) -> StoreResult<Vec<u8>>;
    fn decode(bytes: &[u8]) -> StoreResult<Self>;
}

impl Key for TokenDigest {
    fn encode(&self) -> StoreResult<Vec<u8>> {
        Ok(self.as_bytes().to_vec())
    }

    fn decode(bytes: &[u8]) -> StoreResult<TokenDigest> {
        TokenDigest::from_hex(&hex::encode(bytes))
            .ok_or_else(|| StoreError::Corrupt("a token digest of the wrong length".into()))
    }
}

macro_rules! json_keys {
    ($($t:ty),* $(,)?) => {$(
        impl Key for $t {
            fn encode(&self) -> StoreResult<Vec<u8>> {
                json(self)
            }
            fn decode(bytes: &[u8]) -> StoreResult<$t> {
                unjson(bytes)
            }
        }
    )*};
}

use crate::domain::ids::{CreditorId, ExternalRef, MessageId};
json_keys!(
    String,
    CaseId,
    AgencyId,
    CreditorId,
    MessageId,
    [u8; 32],
    (AgencyId, ExternalRef),
    (CreditorId, String),
    (String, String),
    (AgencyId, String),
);

/// A collection kept in the file: what changed goes there on commit; all of it on a rewrite.
pub(super) trait Durable {
    /// From now on, remember what changes.
    fn track(&mut self);
    fn changed(&self) -> bool;
    /// Writes what changed since the last call (and forgets it).
    fn save_changes(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()>;
    /// Writes everything (into a fresh file).
    fn save_all(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()>;
    /// Reads everything the file has (at start, before tracking).
    fn load(&mut self, txn: &ReadTransaction, name: &str) -> StoreResult<()>;
}

/// Every entry of the file's table `name` (none if it was never written).
pub(super) fn entries(txn: &ReadTransaction, name: &str) -> StoreResult<Vec<(Vec<u8>, Vec<u8>)>> {
    let table = match txn.open_table(Raw::new(name)) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
        Err(e) => return Err(file_error(e)),
    };
    let mut out = Vec::new();
    for entry in table.iter().map_err(file_error)? {
        let (k, v) = entry.map_err(file_error)?;
        out.push((k.value().to_vec(), v.value().to_vec()));
    }
    Ok(out)
}

/// Puts (`Some`) and deletes (`None`) into the file's table `name`.
pub(super) fn write(
    txn: &WriteTransaction,
    name: &str,
    changes: impl IntoIterator<Item = StoreResult<(Vec<u8>, Option<Vec<u8>>)>>,
) -> StoreResult<()> {
    let mut table = txn.open_table(Raw::new(name)).map_err(file_error)?;
    for change in changes {
        let (key, value) = change?;
        match value {
            Some(value) => table
                .insert(key.as_slice(), value.as_slice())
                .map_err(file_error)?,
            None => table.remove(key.as_slice()).map_err(file_error)?,
        };
    }
    Ok(())
}

/// A map whose changed keys are remembered.
pub(super) struct Table<K, V> {
    map: HashMap<K, V>,
    dirty: Option<HashSet<K>>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Table<K, V> {
        Table {
            map: HashMap::new(),
            dirty: None,
        }
    }
}

impl<K, V> Deref for Table<K, V> {
    type Target = HashMap<K, V>;
    fn deref(&self) -> &HashMap<K, V> {
        &self.map
    }
}

impl<K: Key, V> Table<K, V> {
    fn touch(&mut self, key: &K) {
        if let Some(dirty) = &mut self.dirty {
            dirty.insert(key.clone());
        }
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.touch(&key);
        self.map.insert(key, value)
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let old = self.map.remove(key);
        if old.is_some() {
            self.touch(key);
        }
        old
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        if self.map.contains_key(key) {
            self.touch(key);
        }
        self.map.get_mut(key)
    }

    pub fn entry_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.touch(&key);
        self.map.entry(key).or_default()
    }

    /// Keeps what `keep` says (which only looks).
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let dirty = &mut self.dirty;
        self.map.retain(|k, v| {
            let kept = keep(k, v);
            if !kept && let Some(dirty) = dirty {
                dirty.insert(k.clone());
            }
            kept
        });
    }

    /// Keeps what `keep` says, which may change what it keeps.
    pub fn retain_mut(&mut self, keep: impl FnMut(&K, &mut V) -> bool) {
        if let Some(dirty) = &mut self.dirty {
            dirty.extend(self.map.keys().cloned());
        }
        self.map.retain(keep);
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        if let Some(dirty) = &mut self.dirty {
            dirty.extend(self.map.keys().cloned());
        }
        self.map.values_mut()
    }
}

impl<K: Key, V: Serialize + DeserializeOwned> Durable for Table<K, V> {
    fn track(&mut self) {
        self.dirty = Some(HashSet::new());
    }

    fn changed(&self) -> bool {
        self.dirty.as_ref().is_some_and(|d| !d.is_empty())
    }

    fn save_changes(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        let Some(dirty) = self.dirty.as_mut().map(std::mem::take) else {
            return Ok(());
        };
        if dirty.is_empty() {
            return Ok(());
        }
        let map = &self.map;
        write(
            txn,
            name,
            dirty.iter().map(|k| {
                let value = map.get(k).map(json).transpose()?;
                Ok((k.encode()?, value))
            }),
        )
    }

    fn save_all(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        if let Some(dirty) = &mut self.dirty {
            dirty.clear();
        }
        write(
            txn,
            name,
            self.map
                .iter()
                .map(|(k, v)| Ok((k.encode()?, Some(json(v)?)))),
        )
    }

    fn load(&mut self, txn: &ReadTransaction, name: &str) -> StoreResult<()> {
        for (k, v) in entries(txn, name)? {
            self.map.insert(K::decode(&k)?, unjson(&v)?);
        }
        Ok(())
    }
}

/// A set whose changed members are remembered.
pub(super) struct Set<K>(Table<K, ()>);

impl<K> Default for Set<K> {
    fn default() -> Set<K> {
        Set(Table::default())
    }
}

impl<K: Key> Set<K> {
    pub fn insert(&mut self, member: K) -> bool {
        self.0.insert(member, ()).is_none()
    }

    pub fn remove(&mut self, member: &K) -> bool {
        self.0.remove(member).is_some()
    }

    pub fn contains(&self, member: &K) -> bool {
        self.0.contains_key(member)
    }
}

impl<K: Key> Durable for Set<K> {
    fn track(&mut self) {
        self.0.track();
    }
    fn changed(&self) -> bool {
        self.0.changed()
    }
    fn save_changes(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        self.0.save_changes(txn, name)
    }
    fn save_all(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        self.0.save_all(txn, name)
    }
    fn load(&mut self, txn: &ReadTransaction, name: &str) -> StoreResult<()> {
        self.0.load(txn, name)
    }
}

/// Lists that only grow (an agency's cases in order): each item is its own entry in the file,
/// so a push writes one item, not the whole list.
pub(super) struct Lists<K, V> {
    map: HashMap<K, Vec<V>>,
    dirty: Option<Vec<(K, usize)>>,
}

impl<K, V> Default for Lists<K, V> {
    fn default() -> Lists<K, V> {
        Lists {
            map: HashMap::new(),
            dirty: None,
        }
    }
}

impl<K, V> Deref for Lists<K, V> {
    type Target = HashMap<K, Vec<V>>;
    fn deref(&self) -> &HashMap<K, Vec<V>> {
        &self.map
    }
}

impl<K: Key, V> Lists<K, V> {
    pub fn push(&mut self, key: K, item: V) {
        let list = self.map.entry(key.clone()).or_default();
        list.push(item);
        if let Some(dirty) = &mut self.dirty {
            dirty.push((key, list.len() - 1));
        }
    }
}

impl<K: Key + Serialize + DeserializeOwned, V: Serialize + DeserializeOwned> Durable
    for Lists<K, V>
{
    fn track(&mut self) {
        self.dirty = Some(Vec::new());
    }

    fn changed(&self) -> bool {
        self.dirty.as_ref().is_some_and(|d| !d.is_empty())
    }

    fn save_changes(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        let Some(dirty) = self.dirty.as_mut().map(std::mem::take) else {
            return Ok(());
        };
        if dirty.is_empty() {
            return Ok(());
        }
        let map = &self.map;
        write(
            txn,
            name,
            dirty.iter().map(|(k, i)| {
                let item = map.get(k).and_then(|list| list.get(*i));
                Ok((json(&(k, i))?, item.map(json).transpose()?))
            }),
        )
    }

    fn save_all(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        if let Some(dirty) = &mut self.dirty {
            dirty.clear();
        }
        write(
            txn,
            name,
            self.map.iter().flat_map(|(k, list)| {
                list.iter()
                    .enumerate()
                    .map(move |(i, item)| Ok((json(&(k, i))?, Some(json(item)?))))
            }),
        )
    }

    fn load(&mut self, txn: &ReadTransaction, name: &str) -> StoreResult<()> {
        let mut items: Vec<((K, usize), V)> = Vec::new();
        for (k, v) in entries(txn, name)? {
            items.push((unjson(&k)?, unjson(&v)?));
        }
        items.sort_by_key(|((_, i), _)| *i);
        for ((k, _), item) in items {
            self.map.entry(k).or_default().push(item);
        }
        Ok(())
    }
}

/// An agency's events in order; `first` is the position of the oldest still kept, so cursors
/// (positions) stay valid when old events are trimmed.
#[derive(Default)]
pub(super) struct Outbox {
    pub first: usize,
    pub events: VecDeque<Event>,
}

/// Every agency's outbox; in the file, one entry per event (by agency and position) and each
/// agency's `first`.
#[derive(Default)]
pub(super) struct Outboxes {
    map: HashMap<AgencyId, Outbox>,
    /// Positions written or trimmed, and agencies whose `first` moved.
    dirty: Option<(HashSet<Position>, HashSet<AgencyId>)>,
}

/// An event's place: its agency and position in that agency's outbox.
type Position = (AgencyId, usize);

impl Deref for Outboxes {
    type Target = HashMap<AgencyId, Outbox>;
    fn deref(&self) -> &HashMap<AgencyId, Outbox> {
        &self.map
    }
}

impl Outboxes {
    pub fn append(&mut self, event: &Event) {
        let outbox = self.map.entry(event.agency_id.clone()).or_default();
        outbox.events.push_back(event.clone());
        if let Some((positions, _)) = &mut self.dirty {
            positions.insert((
                event.agency_id.clone(),
                outbox.first + outbox.events.len() - 1,
            ));
        }
    }

    /// Redacts the case's events in place; how many changed.
    pub fn redact(&mut self, agency: &AgencyId, case: &CaseId) -> usize {
        let Some(outbox) = self.map.get_mut(agency) else {
            return 0;
        };
        let mut count = 0;
        for (i, event) in outbox.events.iter_mut().enumerate() {
            if event.case_id.as_ref() == Some(case) && event.redact() {
                count += 1;
                if let Some((positions, _)) = &mut self.dirty {
                    positions.insert((agency.clone(), outbox.first + i));
                }
            }
        }
        count
    }

    /// Drops up to `max` of the oldest events that occurred before `before`; how many went.
    pub fn trim(&mut self, agency: &AgencyId, before: DateTime<Utc>, max: usize) -> usize {
        let Some(outbox) = self.map.get_mut(agency) else {
            return 0;
        };
        let mut trimmed = 0;
        while trimmed < max
            && outbox
                .events
                .front()
                .is_some_and(|e| e.occurred_at < before)
        {
            outbox.events.pop_front();
            if let Some((positions, firsts)) = &mut self.dirty {
                positions.insert((agency.clone(), outbox.first));
                firsts.insert(agency.clone());
            }
            outbox.first += 1;
            trimmed += 1;
        }
        trimmed
    }

    fn event(&self, agency: &AgencyId, position: usize) -> Option<&Event> {
        let outbox = self.map.get(agency)?;
        outbox.events.get(position.checked_sub(outbox.first)?)
    }
}

fn firsts_table(name: &str) -> String {
    format!("{name}_first")
}

impl Durable for Outboxes {
    fn track(&mut self) {
        self.dirty = Some(Default::default());
    }

    fn changed(&self) -> bool {
        self.dirty
            .as_ref()
            .is_some_and(|(p, f)| !p.is_empty() || !f.is_empty())
    }

    fn save_changes(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        let Some((positions, firsts)) = self.dirty.as_mut().map(std::mem::take) else {
            return Ok(());
        };
        write(
            txn,
            name,
            positions.iter().map(|(agency, position)| {
                let event = self.event(agency, *position);
                Ok((json(&(agency, position))?, event.map(json).transpose()?))
            }),
        )?;
        write(
            txn,
            &firsts_table(name),
            firsts.iter().map(|agency| {
                let first = self.map.get(agency).map(|o| json(&o.first)).transpose()?;
                Ok((agency.encode()?, first))
            }),
        )
    }

    fn save_all(&mut self, txn: &WriteTransaction, name: &str) -> StoreResult<()> {
        if let Some(dirty) = &mut self.dirty {
            *dirty = Default::default();
        }
        write(
            txn,
            name,
            self.map.iter().flat_map(|(agency, outbox)| {
                outbox.events.iter().enumerate().map(move |(i, event)| {
                    Ok((json(&(agency, outbox.first + i))?, Some(json(event)?)))
                })
            }),
        )?;
        write(
            txn,
            &firsts_table(name),
            self.map
                .iter()
                .map(|(agency, outbox)| Ok((agency.encode()?, Some(json(&outbox.first)?)))),
        )
    }

    fn load(&mut self, txn: &ReadTransaction, name: &str) -> StoreResult<()> {
        let mut events: Vec<((AgencyId, usize), Event)> = Vec::new();
        for (k, v) in entries(txn, name)? {
            events.push((unjson(&k)?, unjson(&v)?));
        }
        events.sort_by_key(|((_, position), _)| *position);
        for (k, v) in entries(txn, &firsts_table(name))? {
            let agency = AgencyId::decode(&k)?;
            self.map.entry(agency).or_default().first = unjson(&v)?;
        }
        for ((agency, position), event) in events {
            let outbox = self.map.entry(agency).or_default();
            // Positions are kept without gaps from `first` on; one off that line means a damaged file.
            if position != outbox.first + outbox.events.len() {
                return Err(StoreError::Corrupt(
                    "the outbox in the store file has a gap".into(),
                ));
            }
            outbox.events.push_back(event);
        }
        Ok(())
    }
}
