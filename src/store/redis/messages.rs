//! The message queue on Redis: a JSON record per message, the due and leased sorted sets,
//! the case's message index and the provider-id index.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::ids::{CaseId, MessageId};
use crate::domain::message::{Message, MessageStatus, ProviderRef, Recipient};
use crate::store::lifetimes;
use crate::store::{MessageStore, SendStart, StoreError, StoreResult, email_opt_out_member};

#[async_trait]
impl MessageStore for RedisStore {
    async fn schedule_message(&self, message: &Message) -> StoreResult<()> {
        let id = message.id.as_str();
        redis::pipe()
            .atomic()
            .set(self.keys.message(id), to_json(message)?)
            .ignore()
            .zadd(
                self.keys.case_messages(&message.case_id),
                id,
                message.created_at.timestamp_millis(),
            )
            .ignore()
            .zadd(self.keys.due(), id, message.not_before.timestamp_millis())
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
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
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|id| self.keys.message(id)).collect();
        let raws: Vec<Option<String>> = self.conn().mget(keys).await.map_err(unavailable)?;
        raws.into_iter().flatten().map(|r| from_json(&r)).collect()
    }

    async fn claim_due_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<Message>> {
        let raws: Vec<String> = self
            .scripts
            .claim_due
            .key(self.keys.due())
            .key(self.keys.leased())
            .arg(now.timestamp_millis())
            .arg(lease_until.timestamp_millis())
            .arg(max)
            .arg(self.keys.message_prefix())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raws.iter().map(|r| from_json(r)).collect()
    }

    async fn cancel_queued_message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        let raw: Option<String> = self
            .scripts
            .cancel_queued
            .key(self.keys.message(id))
            .key(self.keys.due())
            .arg(id.as_str())
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
        let mut pipe = redis::pipe();
        pipe.atomic();
        for m in &messages {
            let id = m.id.as_str();
            pipe.del(self.keys.message(id))
                .ignore()
                .zrem(self.keys.due(), id)
                .ignore()
                .zrem(self.keys.leased(), id)
                .ignore();
            if let Some(provider_id) = m.provider_ref() {
                pipe.del(self.keys.provider(provider_id)).ignore();
            } else if let Some(legacy) = &m.provider_id {
                // Indexed before ids were namespaced by provider.
                pipe.del(self.keys.legacy_provider(legacy)).ignore();
            }
        }
        pipe.del(self.keys.case_messages(case)).ignore();
        pipe.query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(messages.len())
    }

    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<Option<SendStart>> {
        let id = message.id.as_str();
        // The opt-out set of the message's channel, the recipient's pseudonym in it, and for an
        // SMS the plain number for the set as it was before pseudonyms.
        let (optouts, pseudonym, legacy_member) = match &message.recipient {
            Recipient::Sms(phone) => (
                self.keys.optouts(),
                self.pseudonyms.of(phone.e164()),
                phone.e164(),
            ),
            Recipient::Email(email) => (
                self.keys.email_optouts(),
                self.pseudonyms.of(&email_opt_out_member(email.as_str())),
                "",
            ),
        };
        let started: Option<(String, i64)> = self
            .scripts
            .begin_send
            .key(self.keys.message(id))
            .key(self.keys.leased())
            .key(self.keys.due())
            .key(self.keys.case(&message.case_id))
            .key(optouts)
            .key(self.keys.legacy_optouts())
            .arg(to_json(message)?)
            .arg(expected_starts)
            .arg(lease_until.timestamp_millis())
            .arg(id)
            .arg(pseudonym)
            .arg(legacy_member)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let Some((case, opted_out)) = started else {
            return Ok(None);
        };
        Ok(Some(SendStart {
            case: (!case.is_empty()).then(|| from_json(&case)).transpose()?,
            opted_out: opted_out == 1,
        }))
    }

    async fn save_leased_message(&self, message: &Message) -> StoreResult<()> {
        let id = message.id.as_str();
        let queue = match message.status {
            MessageStatus::Sending => "leased",
            MessageStatus::Scheduled => "due",
            _ => "done",
        };
        self.scripts
            .save_leased
            .key(self.keys.message(id))
            .key(self.keys.leased())
            .key(self.keys.due())
            .arg(to_json(message)?)
            .arg(queue)
            .arg(message.not_before.timestamp_millis())
            .arg(id)
            .invoke_async::<i64>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn record_sent(
        &self,
        message: &Message,
        provider_id: ProviderRef<'_>,
        sms_to: Option<&str>,
    ) -> StoreResult<()> {
        let id = message.id.as_str();
        // One step, all or nothing: a message is never sent without being recorded as sent,
        // nor recorded without the indexes receipts and replies look it up by.
        let mut script = self.scripts.record_sent.key(self.keys.message(id));
        script
            .key(self.keys.leased())
            .key(self.keys.due())
            .key(self.keys.provider(provider_id))
            .arg(to_json(message)?)
            .arg(id)
            .arg(message.case_id.as_str())
            .arg(lifetimes::millis(lifetimes::PROVIDER_ID))
            .arg(lifetimes::millis(lifetimes::REPLY_ROUTE));
        if let Some(phone) = sms_to {
            script.key(self.keys.reply(phone));
        }
        script
            .invoke_async::<i64>(&mut self.conn())
            .await
            .map_err(unavailable)?;
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
