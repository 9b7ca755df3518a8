//! The message queue in the embedded store: messages, the due queue, leases, provider ids.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{EmbeddedStore, Expiring, OptOutMember};
use crate::domain::ids::{CaseId, MessageId};
use crate::domain::message::{Message, MessageStatus, ProviderRef, Recipient};
use crate::store::{
    MessageStore, QueueDepth, SendStart, StoreResult, email_opt_out_member, lifetimes,
};

#[async_trait]
impl MessageStore for EmbeddedStore {
    async fn schedule_message(&self, message: &Message) -> StoreResult<()> {
        self.write(|inner| {
            inner.messages.insert(message.id.clone(), message.clone());
            inner
                .case_messages
                .entry_or_default(message.case_id.clone())
                .push(message.id.clone());
            inner.enqueue(&message.id, message.not_before.timestamp_millis());
            Ok(())
        })
    }

    async fn queue_depth(&self, now: DateTime<Utc>) -> StoreResult<QueueDepth> {
        let inner = self.lock()?;
        let now_ms = now.timestamp_millis();
        let due = inner.due.iter().take_while(|(at, _)| *at <= now_ms).count() as u64;
        Ok(QueueDepth {
            due,
            scheduled: inner.due.len() as u64 - due,
            leased: inner.leased.len() as u64,
            oldest_due: inner
                .due
                .first()
                .filter(|(at, _)| *at <= now_ms)
                .and_then(|(at, _)| DateTime::from_timestamp_millis(*at)),
        })
    }

    async fn message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        Ok(self.lock()?.messages.get(id).cloned())
    }

    async fn case_messages(&self, case: &CaseId) -> StoreResult<Vec<Message>> {
        let inner = self.lock()?;
        let ids = inner.case_messages.get(case).cloned().unwrap_or_default();
        Ok(ids
            .iter()
            .filter_map(|id| inner.messages.get(id).cloned())
            .collect())
    }

    async fn claim_due_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<Message>> {
        self.write(|inner| {
            let now_ms = now.timestamp_millis();
            let expired: Vec<MessageId> = inner
                .leased
                .iter()
                .filter(|(_, until)| **until <= now_ms)
                .map(|(id, _)| id.clone())
                .collect();
            for id in expired {
                inner.leased.remove(&id);
                inner.enqueue(&id, now_ms);
            }
            let claimed: Vec<(i64, MessageId)> = inner
                .due
                .iter()
                .take_while(|(at, _)| *at <= now_ms)
                .take(max)
                .cloned()
                .collect();
            let mut out = Vec::with_capacity(claimed.len());
            for entry in claimed {
                inner.dequeue(&entry.1);
                inner
                    .leased
                    .insert(entry.1.clone(), lease_until.timestamp_millis());
                if let Some(message) = inner.messages.get(&entry.1) {
                    out.push(message.clone());
                }
            }
            Ok(out)
        })
    }

    async fn cancel_queued_message(&self, id: &MessageId) -> StoreResult<Option<Message>> {
        let now = self.now();
        self.write(|inner| {
            if !inner.due_at.contains_key(id) || inner.leased.contains_key(id) {
                return Ok(None);
            }
            inner.dequeue(id);
            let Some(message) = inner.messages.get_mut(id) else {
                return Ok(None);
            };
            message.status = MessageStatus::Cancelled;
            message.updated_at = now;
            Ok(Some(message.clone()))
        })
    }

    async fn delete_case_messages(&self, case: &CaseId) -> StoreResult<usize> {
        self.write(|inner| {
            let ids = inner.case_messages.remove(case).unwrap_or_default();
            for id in &ids {
                inner.dequeue(id);
                inner.leased.remove(id);
                inner.messages.remove(id);
            }
            inner.provider_ids.retain(|_, id| !ids.contains(&id.value));
            Ok(ids.len())
        })
    }

    async fn begin_send(
        &self,
        message: &Message,
        expected_starts: u64,
        renew_lease: Option<DateTime<Utc>>,
    ) -> StoreResult<Option<SendStart>> {
        let opt_out = match &message.recipient {
            Recipient::Sms(phone) => OptOutMember::Sms(self.pseudonyms.of(phone.e164())),
            Recipient::Email(email) => {
                OptOutMember::Email(self.pseudonyms.of(&email_opt_out_member(email.as_str())))
            }
        };
        self.write(|inner| {
            let current = inner.messages.get(&message.id);
            if !current.is_some_and(|m| m.starts == expected_starts && !m.status.is_final()) {
                return Ok(None);
            }
            if let Some(until) = renew_lease {
                inner
                    .leased
                    .insert(message.id.clone(), until.timestamp_millis());
                inner.dequeue(&message.id);
            }
            inner.messages.insert(message.id.clone(), message.clone());
            Ok(Some(SendStart {
                case: inner.cases.get(&message.case_id).cloned(),
                opted_out: match opt_out {
                    OptOutMember::Sms(p) => inner.opted_out.contains(&p),
                    OptOutMember::Email(p) => inner.opted_out_emails.contains(&p),
                },
            }))
        })
    }

    async fn save_leased_message(&self, message: &Message) -> StoreResult<()> {
        self.write(|inner| {
            inner.save_leased(message);
            Ok(())
        })
    }

    async fn record_sent(
        &self,
        message: &Message,
        provider_id: Option<ProviderRef<'_>>,
        sms_to: Option<&str>,
    ) -> StoreResult<()> {
        let sms_to = sms_to.map(|phone| self.pseudonyms.of(phone));
        let now = self.now();
        self.write(|inner| {
            if inner.save_leased(message) {
                if let Some(provider_id) = provider_id {
                    inner.provider_ids.insert(
                        provider_id.key(),
                        Expiring::new(message.id.clone(), now, lifetimes::PROVIDER_ID),
                    );
                }
                if let Some(phone) = sms_to {
                    inner.sms_cases.insert(
                        phone,
                        Expiring::new(message.case_id.clone(), now, lifetimes::REPLY_ROUTE),
                    );
                }
            }
            Ok(())
        })
    }

    async fn index_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
        message: &MessageId,
    ) -> StoreResult<()> {
        let now = self.now();
        self.write(|inner| {
            inner.provider_ids.insert(
                provider_id.key(),
                Expiring::new(message.clone(), now, lifetimes::PROVIDER_ID),
            );
            Ok(())
        })
    }

    async fn message_by_provider_id(
        &self,
        provider_id: ProviderRef<'_>,
    ) -> StoreResult<Option<Message>> {
        let now = self.now();
        let inner = self.lock()?;
        Ok(inner
            .provider_ids
            .get(&provider_id.key())
            .and_then(|id| id.live(now))
            .and_then(|id| inner.messages.get(id))
            .cloned())
    }
}
