//! Upgrades on Redis: data kept under the names of earlier versions, moved to the current ones.

use redis::AsyncCommands;

use super::{RedisStore, from_json, unavailable};
use crate::domain::case::Case;
use crate::domain::ids::{AgencyId, ExternalRef};
use crate::domain::message::Message;
use crate::store::StoreResult;

impl RedisStore {
    /// Brings data kept under the names of earlier versions over to the current ones, lays the
    /// queue out in the configured shards and finishes interrupted case writes. Run on every
    /// connect; each step is safe to repeat and to run from several processes at once.
    ///
    /// - Opt-outs: the old set held the numbers themselves. Its members are added to the
    ///   pseudonymised set and only then removed, on every start, so a STOP recorded by a
    ///   process of the previous version during a rolling upgrade is carried over at the next
    ///   start (and honoured before then: sends also look in the old set). A STOP is never lost.
    /// - Reply routes (`smscase:<number>`, 92 days): renamed to the number's pseudonym with
    ///   their time to live, once (a `SCAN` of the namespace). Reads fall back to the old name
    ///   until the last one written by an older process has expired.
    /// - Hash tags: an agency's outbox (stream and payloads) and case list, on every start
    ///   (renamed when only the old name exists; merged into the new one when a process of the
    ///   previous version wrote the old one again), and the external-reference index once (a
    ///   `SCAN`; reads fall back to the old name). The single queue of before shards is emptied
    ///   into the shards on every start.
    /// - The retention index: filled once from every case, so cases paid or closed before this
    ///   version are erased on schedule too.
    ///
    /// All of these run on a single Redis only, and they may use keys of several slots: no
    /// version that wrote the old names ran on a Cluster, so a Cluster holds none of them.
    ///
    /// On both: a queue laid out in another shard count than configured is moved into the
    /// configured shards, and case writes a crash interrupted get their events published (see
    /// `events.rs`).
    ///
    /// Frequency-cap counts are carried over lazily by `claim_contact_slot.lua` (the old names hold
    /// an unsalted hash, which cannot be turned into the new one without the address).
    pub async fn migrate(&self) -> StoreResult<()> {
        let agencies = self.agency_ids().await?;
        if !self.is_cluster() {
            self.migrate_opt_outs().await?;
            if self.begin_migration("reply-pseudonyms").await? {
                self.migrate_reply_routes().await?;
                self.end_migration("reply-pseudonyms").await?;
            }
            for agency in &agencies {
                self.migrate_agency_tags(agency).await?;
            }
            if self.begin_migration("ref-tags").await? {
                self.migrate_external_refs().await?;
                self.end_migration("ref-tags").await?;
            }
            let (due, leased) = (self.keys.legacy_due(), self.keys.legacy_leased());
            self.requeue(&due, true).await?;
            self.requeue(&leased, false).await?;
            if self.begin_migration("retention-index").await? {
                self.backfill_retention_index().await?;
                self.end_migration("retention-index").await?;
            }
            if self.begin_migration("staff-index").await? {
                self.backfill_staff_index().await?;
                self.end_migration("staff-index").await?;
            }
        }
        self.lay_out_queue().await?;
        for agency in &agencies {
            self.recover_staged_events(agency).await?;
        }
        Ok(())
    }

    async fn agency_ids(&self) -> StoreResult<Vec<AgencyId>> {
        let ids: Vec<String> = self
            .conn()
            .hkeys(self.keys.agencies())
            .await
            .map_err(unavailable)?;
        Ok(ids
            .iter()
            .filter_map(|id| AgencyId::parse(id).ok())
            .collect())
    }

    /// Moves the agency's outbox and case list to their tagged names.
    async fn migrate_agency_tags(&self, agency: &AgencyId) -> StoreResult<()> {
        // Payloads before the stream: a stream entry is never without its payload.
        let (old_data, data) = (
            self.keys.legacy_event_data(agency),
            self.keys.event_data(agency),
        );
        if !self.rename_nx(&old_data, &data).await? {
            let payloads: Vec<(String, String)> =
                self.conn().hgetall(&old_data).await.map_err(unavailable)?;
            for (id, json) in payloads {
                self.conn()
                    .hset_nx::<_, _, _, ()>(&data, id, json)
                    .await
                    .map_err(unavailable)?;
            }
            self.del(&old_data).await?;
        }
        let (old_stream, stream) = (self.keys.legacy_events(agency), self.keys.events(agency));
        if !self.rename_nx(&old_stream, &stream).await? {
            // Entries an older process appended after the move: appended again under new ids.
            let entries: redis::streams::StreamRangeReply = self
                .conn()
                .xrange_all(&old_stream)
                .await
                .map_err(unavailable)?;
            for entry in entries.ids {
                let fields: Vec<(String, String)> = entry
                    .map
                    .iter()
                    .filter_map(|(k, v)| {
                        redis::from_redis_value::<String>(v)
                            .ok()
                            .map(|v| (k.clone(), v))
                    })
                    .collect();
                if fields.is_empty() {
                    continue;
                }
                self.conn()
                    .xadd::<_, _, _, _, ()>(&stream, "*", &fields)
                    .await
                    .map_err(unavailable)?;
            }
            self.del(&old_stream).await?;
        }
        let (old_list, list) = (
            self.keys.legacy_agency_cases(agency),
            self.keys.agency_cases(agency),
        );
        if !self.rename_nx(&old_list, &list).await? {
            let ids: Vec<String> = self
                .conn()
                .lrange(&old_list, 0, -1)
                .await
                .map_err(unavailable)?;
            if !ids.is_empty() {
                self.conn()
                    .rpush::<_, _, ()>(&list, &ids)
                    .await
                    .map_err(unavailable)?;
            }
            self.del(&old_list).await?;
        }
        Ok(())
    }

    /// Renames `old` to `new` unless `new` exists; true when there is nothing left under `old`.
    async fn rename_nx(&self, old: &str, new: &str) -> StoreResult<bool> {
        let exists: bool = self.conn().exists(old).await.map_err(unavailable)?;
        if !exists {
            return Ok(true);
        }
        self.conn().rename_nx(old, new).await.map_err(unavailable)
    }

    async fn del(&self, key: &str) -> StoreResult<()> {
        self.conn().del(key).await.map_err(unavailable)
    }

    async fn migrate_external_refs(&self) -> StoreResult<()> {
        let prefix = self.keys.legacy_external_ref_prefix();
        let pattern = self.keys.legacy_external_ref_pattern();
        let mut cursor: u64 = 0;
        let mut moved = 0usize;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut self.conn())
                .await
                .map_err(unavailable)?;
            for key in keys {
                // `<agency>:<reference>`: agency ids hold no colon, references may.
                let Some((agency, reference)) = key
                    .strip_prefix(&prefix)
                    .and_then(|rest| rest.split_once(':'))
                else {
                    continue;
                };
                let (Ok(agency), Ok(reference)) =
                    (AgencyId::parse(agency), ExternalRef::parse(reference))
                else {
                    continue;
                };
                // A newer index entry under the new name wins.
                if !self
                    .rename_nx(&key, &self.keys.external_ref(&agency, &reference))
                    .await?
                {
                    self.del(&key).await?;
                }
                moved += 1;
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        if moved > 0 {
            tracing::info!(count = moved, "external references moved to agency tags");
        }
        Ok(())
    }

    /// Moves the ids in the sorted set `from` (a due set if `due`, else a leased one) into the
    /// shard of their message's case, with their scores; ids whose message is gone are
    /// dropped. Each id is added to its shard before it leaves `from`: a crash between leaves
    /// it in both, and a message claimed twice is still started once (the fence in
    /// begin_send.lua).
    async fn requeue(&self, from: &str, due: bool) -> StoreResult<usize> {
        let mut moved = 0usize;
        let mut kept = 0isize;
        loop {
            let entries: Vec<(String, f64)> = self
                .conn()
                .zrange_withscores(from, kept, kept + 499)
                .await
                .map_err(unavailable)?;
            if entries.is_empty() {
                break;
            }
            let keys: Vec<String> = entries
                .iter()
                .map(|(id, _)| self.keys.message(id))
                .collect();
            let raws: Vec<Option<String>> = self.conn().mget(keys).await.map_err(unavailable)?;
            for ((id, score), raw) in entries.iter().zip(raws) {
                let case = raw
                    .and_then(|r| from_json::<Message>(&r).ok())
                    .map(|m| m.case_id);
                if let Some(case) = case {
                    let shard = self.keys.shard_of(&case);
                    let to = if due {
                        self.keys.due(shard)
                    } else {
                        self.keys.leased(shard)
                    };
                    if to == from {
                        kept += 1;
                        continue;
                    }
                    self.conn()
                        .zadd::<_, _, _, ()>(&to, id, *score)
                        .await
                        .map_err(unavailable)?;
                    moved += 1;
                }
                self.conn()
                    .zrem::<_, _, ()>(from, id)
                    .await
                    .map_err(unavailable)?;
            }
        }
        if moved > 0 {
            tracing::info!(count = moved, from, "queued messages moved to their shard");
        }
        Ok(moved)
    }

    /// Moves the queue into the configured shard count if it was laid out in another.
    async fn lay_out_queue(&self) -> StoreResult<()> {
        let layout = self.keys.queue_layout();
        let shards = self.keys.shards();
        let current: Option<u16> = self.conn().get(&layout).await.map_err(unavailable)?;
        if let Some(before) = current.filter(|before| *before != shards) {
            for shard in 0..before {
                let (due, leased) = (self.keys.due(shard), self.keys.leased(shard));
                self.requeue(&due, true).await?;
                self.requeue(&leased, false).await?;
            }
            tracing::info!(before, shards, "message queue moved to another shard count");
        }
        if current != Some(shards) {
            self.conn()
                .set::<_, _, ()>(&layout, shards)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    /// Whether the one-time step `name` still has to run.
    async fn begin_migration(&self, name: &str) -> StoreResult<bool> {
        let done: bool = self
            .conn()
            .sismember(self.keys.migrations(), name)
            .await
            .map_err(unavailable)?;
        Ok(!done)
    }

    async fn end_migration(&self, name: &str) -> StoreResult<()> {
        self.conn()
            .sadd(self.keys.migrations(), name)
            .await
            .map_err(unavailable)
    }

    pub(super) async fn migrate_opt_outs(&self) -> StoreResult<()> {
        let legacy = self.keys.legacy_optouts();
        let numbers: Vec<String> = self.conn().smembers(&legacy).await.map_err(unavailable)?;
        if numbers.is_empty() {
            return Ok(());
        }
        let pseudonyms: Vec<String> = numbers.iter().map(|n| self.pseudonyms.of(n)).collect();
        // Added before removed (two slots on a Cluster, two steps here): a STOP is never lost.
        self.conn()
            .sadd::<_, _, ()>(self.keys.optouts(), &pseudonyms)
            .await
            .map_err(unavailable)?;
        self.conn()
            .srem::<_, _, ()>(&legacy, &numbers)
            .await
            .map_err(unavailable)?;
        tracing::info!(count = numbers.len(), "opt-outs moved to pseudonyms");
        Ok(())
    }

    async fn migrate_reply_routes(&self) -> StoreResult<()> {
        let prefix = self.keys.legacy_reply_prefix();
        let pattern = self.keys.legacy_reply_pattern();
        let mut cursor: u64 = 0;
        let mut moved = 0usize;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut self.conn())
                .await
                .map_err(unavailable)?;
            for key in keys {
                let Some(phone) = key.strip_prefix(&prefix) else {
                    continue;
                };
                let done: i64 = self
                    .scripts
                    .migrate_reply_route
                    .key(&key)
                    .key(self.keys.reply(phone))
                    .invoke_async(&mut self.conn())
                    .await
                    .map_err(unavailable)?;
                moved += done as usize;
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        if moved > 0 {
            tracing::info!(count = moved, "SMS reply routes moved to pseudonyms");
        }
        Ok(())
    }

    /// Users made before the set of every user's id existed are added to it.
    async fn backfill_staff_index(&self) -> StoreResult<()> {
        let prefix = self.keys.staff_user_pattern();
        let prefix = prefix.trim_end_matches('*').to_owned();
        let mut cursor: u64 = 0;
        let mut ids: Vec<String> = Vec::new();
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(self.keys.staff_user_pattern())
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut self.conn())
                .await
                .map_err(unavailable)?;
            ids.extend(
                keys.iter()
                    .filter_map(|k| k.strip_prefix(prefix.as_str()))
                    .map(str::to_owned),
            );
            if next == 0 {
                break;
            }
            cursor = next;
        }
        if !ids.is_empty() {
            self.conn()
                .sadd::<_, _, ()>(self.keys.staff_users(), &ids)
                .await
                .map_err(unavailable)?;
            tracing::info!(count = ids.len(), "staff users indexed");
        }
        Ok(())
    }

    async fn backfill_retention_index(&self) -> StoreResult<()> {
        let agencies: Vec<String> = self
            .conn()
            .hkeys(self.keys.agencies())
            .await
            .map_err(unavailable)?;
        let mut indexed = 0usize;
        for agency in agencies {
            let Ok(agency) = AgencyId::parse(&agency) else {
                continue;
            };
            let mut start = 0usize;
            loop {
                let ids: Vec<String> = self
                    .conn()
                    .lrange(
                        self.keys.agency_cases(&agency),
                        start as isize,
                        (start + 499) as isize,
                    )
                    .await
                    .map_err(unavailable)?;
                if ids.is_empty() {
                    break;
                }
                let mut reads = redis::pipe();
                for id in &ids {
                    reads.cmd("HGET").arg(self.keys.case(id)).arg("json");
                }
                let raws: Vec<Option<String>> = reads
                    .query_async(&mut self.conn())
                    .await
                    .map_err(unavailable)?;
                let mut pipe = redis::pipe();
                let indexed_before = indexed;
                for raw in raws.iter().flatten() {
                    // One unreadable record must not keep the service from starting.
                    let Ok(case) = from_json::<Case>(raw) else {
                        tracing::warn!(%agency, "a case could not be read for the retention index");
                        continue;
                    };
                    if let Some(since) = case.retention_clock() {
                        pipe.zadd(
                            self.keys.retention(&case.creditor_id),
                            case.id.as_str(),
                            since.timestamp_millis(),
                        )
                        .ignore()
                        .sadd(self.keys.retention_creditors(), case.creditor_id.as_str())
                        .ignore();
                        indexed += 1;
                    }
                }
                if indexed > indexed_before {
                    pipe.query_async::<()>(&mut self.conn())
                        .await
                        .map_err(unavailable)?;
                }
                start += ids.len();
            }
        }
        if indexed > 0 {
            tracing::info!(
                count = indexed,
                "paid and closed cases indexed for retention"
            );
        }
        Ok(())
    }
}
