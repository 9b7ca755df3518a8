//! Contact policy in the embedded store: opt-outs, frequency-cap windows, reply routes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{EmbeddedStore, Expiring};
use crate::domain::ids::{AgencyId, CaseId, MessageId};
use crate::domain::message::ContactCap;
use crate::store::{ContactStore, StoreResult, email_opt_out_member, lifetimes};

#[async_trait]
impl ContactStore for EmbeddedStore {
    async fn opt_out(&self, phone: &str) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        self.write(|inner| {
            inner.opted_out.insert(phone);
            Ok(())
        })
    }

    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool> {
        let phone = self.pseudonyms.of(phone);
        Ok(self.lock()?.opted_out.contains(&phone))
    }

    async fn opt_in(&self, phone: &str) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        self.write(|inner| {
            inner.opted_out.remove(&phone);
            Ok(())
        })
    }

    async fn opt_out_email(&self, address: &str) -> StoreResult<()> {
        let member = self.pseudonyms.of(&email_opt_out_member(address));
        self.write(|inner| {
            inner.opted_out_emails.insert(member);
            Ok(())
        })
    }

    async fn is_email_opted_out(&self, address: &str) -> StoreResult<bool> {
        let member = self.pseudonyms.of(&email_opt_out_member(address));
        Ok(self.lock()?.opted_out_emails.contains(&member))
    }

    async fn claim_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
        now: DateTime<Utc>,
        cap: &ContactCap,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let address = self.pseudonyms.of(address);
        self.write(|inner| {
            let sent = inner
                .contact_slots
                .entry_or_default((agency.clone(), address));
            sent.retain(|(_, at)| *at > now - cap.window);
            if sent.iter().any(|(id, _)| id == message) {
                return Ok(None);
            }
            let times: Vec<DateTime<Utc>> = sent.iter().map(|(_, at)| *at).collect();
            if let Some(later) = cap.next_allowed(&times, now) {
                return Ok(Some(later));
            }
            sent.push((message.clone(), now));
            Ok(None)
        })
    }

    async fn release_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
    ) -> StoreResult<()> {
        let address = self.pseudonyms.of(address);
        self.write(|inner| {
            if let Some(sent) = inner.contact_slots.get_mut(&(agency.clone(), address)) {
                sent.retain(|(id, _)| id != message);
            }
            Ok(())
        })
    }

    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        let now = self.now();
        self.write(|inner| {
            inner.sms_cases.insert(
                phone,
                Expiring::new(case.clone(), now, lifetimes::REPLY_ROUTE),
            );
            Ok(())
        })
    }

    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>> {
        let phone = self.pseudonyms.of(phone);
        let now = self.now();
        Ok(self
            .lock()?
            .sms_cases
            .get(&phone)
            .and_then(|route| route.live(now))
            .cloned())
    }

    async fn forget_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        let phone = self.pseudonyms.of(phone);
        self.write(|inner| {
            if inner.sms_cases.get(&phone).map(|route| &route.value) == Some(case) {
                inner.sms_cases.remove(&phone);
            }
            Ok(())
        })
    }
}
