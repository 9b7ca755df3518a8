//! Upgrades on Redis: data kept under the names of earlier versions, moved to the current ones.

use redis::AsyncCommands;

use super::{RedisStore, from_json, unavailable};
use crate::domain::case::Case;
use crate::domain::ids::AgencyId;
use crate::store::StoreResult;

impl RedisStore {
    /// Brings data kept under the names of earlier versions over to the current ones. Run on
    /// every connect; each step is safe to repeat and to run from several processes at once.
    ///
    /// - Opt-outs: the old set held the numbers themselves. Its members are added to the
    ///   pseudonymised set and only then removed, on every start, so a STOP recorded by a
    ///   process of the previous version during a rolling upgrade is carried over at the next
    ///   start (and honoured before then: sends also look in the old set). A STOP is never lost.
    /// - Reply routes (`smscase:<number>`, 92 days): renamed to the number's pseudonym with
    ///   their time to live, once (a `SCAN` of the namespace). Reads fall back to the old name
    ///   until the last one written by an older process has expired.
    /// - The retention index: filled once from every case, so cases paid or closed before this
    ///   version are erased on schedule too.
    ///
    /// Frequency-cap counts are carried over lazily by `claim_contact_slot.lua` (the old names hold
    /// an unsalted hash, which cannot be turned into the new one without the address).
    pub async fn migrate(&self) -> StoreResult<()> {
        self.migrate_opt_outs().await?;
        if self.begin_migration("reply-pseudonyms").await? {
            self.migrate_reply_routes().await?;
            self.end_migration("reply-pseudonyms").await?;
        }
        if self.begin_migration("retention-index").await? {
            self.backfill_retention_index().await?;
            self.end_migration("retention-index").await?;
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

    async fn migrate_opt_outs(&self) -> StoreResult<()> {
        let legacy = self.keys.legacy_optouts();
        let numbers: Vec<String> = self.conn().smembers(&legacy).await.map_err(unavailable)?;
        if numbers.is_empty() {
            return Ok(());
        }
        let pseudonyms: Vec<String> = numbers.iter().map(|n| self.pseudonyms.of(n)).collect();
        redis::pipe()
            .atomic()
            .sadd(self.keys.optouts(), &pseudonyms)
            .ignore()
            .srem(&legacy, &numbers)
            .ignore()
            .query_async::<()>(&mut self.conn())
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
