//! The message queue on Redis: a JSON record per message (its own slot), the due and leased
//! sorted sets of the case's queue shard, the case's message index and the provider-id index.
//!
//! The record and its shard are on different slots, so each change is the record first (the
//! step that decides, fenced where it must be), then the shard. What a crash between the two
//! leaves is what a worker killed mid-send leaves on one Redis, and is recovered the same way:
//! a record written but still leased comes back when the lease runs out and the next worker
//! finishes it (a final one is released unsent, a `Sending` one is looked up at the provider
//! first). Only a cancel is the other way round (the shard first: taking the message out of the
//! due queue is what makes sure no worker holds it), so a crash there leaves a message that
//! stays queued in name and is never sent.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::ids::{CaseId, MessageId};
use crate::domain::message::{Message, MessageStatus, ProviderRef, Recipient};
use crate::store::lifetimes;
use crate::store::{
    MessageStore, QueueDepth, SendStart, StoreError, StoreResult, email_opt_out_member,
};

/// Where a message goes in its shard after its record is written.
enum QueueMove {
    /// Leased until this (ms).
    Lease(i64),
    /// Due at this (ms).
    Due(i64),
    /// Out of the queue.
    Release,
    /// Out of the leased set only: for a message just sent under a lease this worker won, which
    /// is in `due` only after a crash between the two steps of a move (or a lease that ran
    /// out meanwhile); the next claim then finds it final and releases it for good.
    ReleaseLeased,
}

impl RedisStore {
    /// Moves `id` in `case`'s shard: one pipeline on the shard's slot, the new place added
    /// before the old one is left, so even a Redis that stops between the two leaves the id in
    /// both (claimed once more, then fenced off by begin_send.lua), never in neither. Not a
    /// MULTI: it would cost two more commands per move and protect nothing more.
    async fn move_in_queue(&self, case: &CaseId, id: &str, to: QueueMove) -> StoreResult<()> {
        let shard = self.keys.shard_of(case);
        let (due, leased) = (self.keys.due(shard), self.keys.leased(shard));
        let mut pipe = redis::pipe();
        match to {
            QueueMove::Lease(until) => pipe.zadd(&leased, id, until).ignore().zrem(&due, id),
            QueueMove::Due(at) => pipe.zadd(&due, id, at).ignore().zrem(&leased, id),
            QueueMove::Release => pipe.zrem(&leased, id).ignore().zrem(&due, id),
            QueueMove::ReleaseLeased => pipe.zrem(&leased, id),
        }
        .ignore();
        pipe.query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    /// Writes `message` only if its record still exists (`SET … XX`): a message whose case was
    /// erased meanwhile stays erased, with nothing of it written back. One command, no script.
    async fn overwrite(&self, message: &Message) -> StoreResult<bool> {
        let written: Option<String> = redis::cmd("SET")
            .arg(self.keys.message(message.id.as_str()))
            .arg(to_json(message)?)
            .arg("XX")
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(written.is_some())
    }

    /// The records of `ids`, those still stored.
    async fn messages(&self, ids: &[String]) -> StoreResult<Vec<Message>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|id| self.keys.message(id)).collect();
        // MGET of keys on several slots: the cluster client splits it by slot and joins the
        // answers in order.
        let raws: Vec<Option<String>> = self.conn().mget(keys).await.map_err(unavailable)?;
        raws.into_iter().flatten().map(|r| from_json(&r)).collect()
    }
}

#[async_trait]
impl MessageStore for RedisStore {
    /// The record and the case's index first, then the due queue: a crash between leaves a
    /// message that is never sent, never one the queue holds without a record.
    async fn schedule_message(&self, message: &Message) -> StoreResult<()> {
        let id = message.id.as_str();
        let mut record = redis::cmd("SET");
        record.arg(self.keys.message(id)).arg(to_json(message)?);
        let mut index = redis::cmd("ZADD");
        index
            .arg(self.keys.case_messages(&message.case_id))
            .arg(message.created_at.timestamp_millis())
            .arg(id);
        self.each::<redis::Value>(&[record, index]).await?;
        self.conn()
            .zadd::<_, _, _, ()>(
                self.keys.due(self.keys.shard_of(&message.case_id)),
                id,
                message.not_before.timestamp_millis(),
            )
            .await
            .map_err(unavailable)
    }

    /// Three reads per shard, all at once.
    async fn queue_depth(&self, now: DateTime<Utc>) -> StoreResult<QueueDepth> {
        let now_ms = now.timestamp_millis();
        let mut cmds = Vec::new();
        for shard in 0..self.keys.shards() {
            let mut due = redis::cmd("ZCOUNT");
            due.arg(self.keys.due(shard)).arg("-inf").arg(now_ms);
            let mut all = redis::cmd("ZCARD");
            all.arg(self.keys.due(shard));
            let mut leased = redis::cmd("ZCARD");
            leased.arg(self.keys.leased(shard));
            cmds.extend([due, all, leased]);
        }
        let counts: Vec<u64> = self.each(&cmds).await?;
        let mut depth = QueueDepth::default();
        for shard in counts.chunks_exact(3) {
            depth.due += shard[0];
            depth.scheduled += shard[1].saturating_sub(shard[0]);
            depth.leased += shard[2];
        }
        if depth.due > 0 {
            let firsts: Vec<redis::Cmd> = (0..self.keys.shards())
                .map(|shard| {
                    let mut first = redis::cmd("ZRANGE");
                    first
                        .arg(self.keys.due(shard))
                        .arg(0)
                        .arg(0)
                        .arg("WITHSCORES");
                    first
                })
                .collect();
            let heads: Vec<Vec<(String, i64)>> = self.each(&firsts).await?;
            depth.oldest_due = heads
                .iter()
                .flatten()
                .map(|(_, at)| *at)
                .filter(|at| *at <= now_ms)
                .min()
                .and_then(DateTime::from_timestamp_millis);
        }
        Ok(depth)
    }

    async fn message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.message(id))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn case_messages(&self, case: &CaseId) -> StoreResult<Vec<Message>> {
        let ids: Vec<String> = self
            .conn()
            .zrange(self.keys.case_messages(case), 0, -1)
            .await
            .map_err(unavailable)?;
        self.messages(&ids).await
    }

    /// The shards in turn, from the one after where the last claim started, until `max` are
    /// leased: within a shard (and so within a case) in time order.
    async fn claim_due_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<Message>> {
        if !self.is_cluster() {
            // A STOP a process of the previous version kept under the plain number during a
            // rolling upgrade (only ever on a single Redis) counts from this batch on: one
            // read of an empty set per claim, instead of a second look per send.
            self.migrate_opt_outs().await?;
        }
        let shards = self.keys.shards();
        let first = self
            .next_shard
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            % shards;
        let mut ids: Vec<String> = Vec::new();
        for step in 0..shards {
            if ids.len() >= max {
                break;
            }
            let shard = (first + step) % shards;
            let claimed: Vec<String> = self
                .scripts
                .claim_due
                .key(self.keys.due(shard))
                .key(self.keys.leased(shard))
                .arg(now.timestamp_millis())
                .arg(lease_until.timestamp_millis())
                .arg(max - ids.len())
                .invoke_async(&mut self.conn())
                .await
                .map_err(unavailable)?;
            ids.extend(claimed);
        }
        self.messages(&ids).await
    }

    async fn cancel_queued_message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        let Some(message) = self.message(id).await? else {
            return Ok(None);
        };
        let removed: i64 = self
            .conn()
            .zrem(
                self.keys.due(self.keys.shard_of(&message.case_id)),
                id.as_str(),
            )
            .await
            .map_err(unavailable)?;
        if removed == 0 {
            return Ok(None);
        }
        let raw: Option<String> = self
            .scripts
            .cancel_queued
            .key(self.keys.message(id))
            .arg(
                self.clock
                    .now()
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            )
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn delete_case_messages(&self, case: &CaseId) -> StoreResult<usize> {
        let messages = self.case_messages(case).await?;
        let shard = self.keys.shard_of(case);
        let (due, leased) = (self.keys.due(shard), self.keys.leased(shard));
        let mut cmds = Vec::new();
        let del = |key: String| {
            let mut cmd = redis::cmd("DEL");
            cmd.arg(key);
            cmd
        };
        let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
        if !ids.is_empty() {
            let mut pipe_due = redis::cmd("ZREM");
            pipe_due.arg(&due).arg(&ids);
            let mut pipe_leased = redis::cmd("ZREM");
            pipe_leased.arg(&leased).arg(&ids);
            cmds.push(pipe_due);
            cmds.push(pipe_leased);
        }
        for m in &messages {
            cmds.push(del(self.keys.message(m.id.as_str())));
            if let Some(provider_id) = m.provider_ref() {
                cmds.push(del(self.keys.provider(provider_id)));
            } else if let Some(legacy) = &m.provider_id {
                // Indexed before ids were namespaced by provider.
                cmds.push(del(self.keys.legacy_provider(legacy)));
            }
        }
        self.each::<i64>(&cmds).await?;
        // The index last, so an erasure cut short finds the rest again.
        self.conn()
            .del::<_, ()>(self.keys.case_messages(case))
            .await
            .map_err(unavailable)?;
        Ok(messages.len())
    }

    /// The fence on the record first; only a won start renews the lease (when asked) and reads
    /// what the send depends on (the case, the opt-out sets), all at once right after.
    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        renew_lease: Option<DateTime<Utc>>,
    ) -> StoreResult<Option<SendStart>> {
        let id = message.id.as_str();
        let won: i64 = self
            .scripts
            .begin_send
            .key(self.keys.message(id))
            .arg(to_json(message)?)
            .arg(expected_starts)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if won != 1 {
            return Ok(None);
        }
        // The opt-out set of the message's channel and the recipient's pseudonym in it. (The
        // plain-number set of before pseudonyms is emptied into it at every claim.)
        let (optouts, pseudonym) = match &message.recipient {
            Recipient::Sms(phone) => (self.keys.optouts(), self.pseudonyms.of(phone.e164())),
            Recipient::Email(email) => (
                self.keys.email_optouts(),
                self.pseudonyms.of(&email_opt_out_member(email.as_str())),
            ),
        };
        let (_, case, opted_out) = futures::try_join!(
            async {
                match renew_lease {
                    Some(until) => {
                        self.move_in_queue(
                            &message.case_id,
                            id,
                            QueueMove::Lease(until.timestamp_millis()),
                        )
                        .await
                    }
                    None => Ok(()),
                }
            },
            async {
                self.conn()
                    .hget::<_, _, Option<String>>(self.keys.case(&message.case_id), "json")
                    .await
                    .map_err(unavailable)
            },
            async {
                self.conn()
                    .sismember::<_, _, bool>(&optouts, &pseudonym)
                    .await
                    .map_err(unavailable)
            },
        )?;
        Ok(Some(SendStart {
            case: case.map(|c| from_json(&c)).transpose()?,
            opted_out,
        }))
    }

    async fn save_leased_message(&self, message: &Message) -> StoreResult<()> {
        let id = message.id.as_str();
        if !self.overwrite(message).await? {
            return Ok(());
        }
        let to = match message.status {
            // Kept leased as it is: nothing to move.
            MessageStatus::Sending => return Ok(()),
            MessageStatus::Scheduled => QueueMove::Due(message.not_before.timestamp_millis()),
            _ => QueueMove::Release,
        };
        self.move_in_queue(&message.case_id, id, to).await
    }

    /// The record first (unless erased meanwhile, in which case nothing is written), then the
    /// release from the shard and the indexes receipts and replies look it up by. A crash
    /// between leaves a sent message still leased: released by the next worker to claim it.
    async fn record_sent(
        &self,
        message: &Message,
        provider_id: Option<ProviderRef<'_>>,
        sms_to: Option<&str>,
    ) -> StoreResult<()> {
        let id = message.id.as_str();
        if !self.overwrite(message).await? {
            return Ok(());
        }
        let mut indexes = Vec::new();
        if let Some(provider_id) = provider_id {
            let mut provider = redis::cmd("SET");
            provider
                .arg(self.keys.provider(provider_id))
                .arg(id)
                .arg("PX")
                .arg(lifetimes::millis(lifetimes::PROVIDER_ID));
            indexes.push(provider);
        }
        if let Some(phone) = sms_to {
            let mut reply = redis::cmd("SET");
            reply
                .arg(self.keys.reply(phone))
                .arg(message.case_id.as_str())
                .arg("PX")
                .arg(lifetimes::millis(lifetimes::REPLY_ROUTE));
            indexes.push(reply);
        }
        futures::try_join!(
            self.move_in_queue(&message.case_id, id, QueueMove::ReleaseLeased),
            self.each::<redis::Value>(&indexes),
        )?;
        Ok(())
    }

    async fn index_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
        message: &MessageId,
    ) -> StoreResult<()> {
        self.conn()
            .pset_ex(
                self.keys.provider(provider_id),
                message.as_str(),
                lifetimes::millis(lifetimes::PROVIDER_ID),
            )
            .await
            .map_err(unavailable)
    }

    async fn message_by_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
    ) -> StoreResult<Option<Message>> {
        let id: Option<String> = self
            .conn()
            .get(self.keys.provider(provider_id))
            .await
            .map_err(unavailable)?;
        match id {
            None => Ok(None),
            Some(id) => {
                self.message(
                    &MessageId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )
                .await
            }
        }
    }
}
