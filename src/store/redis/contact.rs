//! Contact policy on Redis: opt-out sets, frequency-cap windows and reply routes, each under a
//! pseudonym of the number or address.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, unavailable};
use crate::domain::ids::{AgencyId, CaseId, MessageId};
use crate::domain::message::ContactCap;
use crate::store::lifetimes;
use crate::store::{ContactStore, StoreError, StoreResult, email_opt_out_member};

#[async_trait]
impl ContactStore for RedisStore {
    async fn opt_out(&self, phone: &str) -> StoreResult<()> {
        self.conn()
            .sadd(self.keys.optouts(), self.pseudonyms.of(phone))
            .await
            .map_err(unavailable)
    }

    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool> {
        let mut current = redis::cmd("SISMEMBER");
        current
            .arg(self.keys.optouts())
            .arg(self.pseudonyms.of(phone));
        let mut legacy = redis::cmd("SISMEMBER");
        legacy.arg(self.keys.legacy_optouts()).arg(phone);
        let found: Vec<bool> = self.each(&[current, legacy]).await?;
        Ok(found.contains(&true))
    }

    async fn opt_in(&self, phone: &str) -> StoreResult<()> {
        // From both sets: a STOP a previous version kept in the plain set is undone too.
        let mut current = redis::cmd("SREM");
        current
            .arg(self.keys.optouts())
            .arg(self.pseudonyms.of(phone));
        let mut legacy = redis::cmd("SREM");
        legacy.arg(self.keys.legacy_optouts()).arg(phone);
        self.each::<i64>(&[current, legacy]).await?;
        Ok(())
    }

    async fn opt_out_email(&self, address: &str) -> StoreResult<()> {
        self.conn()
            .sadd(
                self.keys.email_optouts(),
                self.pseudonyms.of(&email_opt_out_member(address)),
            )
            .await
            .map_err(unavailable)
    }

    async fn is_email_opted_out(&self, address: &str) -> StoreResult<bool> {
        self.conn()
            .sismember(
                self.keys.email_optouts(),
                self.pseudonyms.of(&email_opt_out_member(address)),
            )
            .await
            .map_err(unavailable)
    }

    async fn claim_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
        now: DateTime<Utc>,
        cap: &ContactCap,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        // Redis keeps whole milliseconds: the decision and the answer are both made at `now`
        // as the script sees it.
        let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        let limits = CapLimits::of(cap, now);
        let mut invocation = self
            .scripts
            .claim_contact_slot
            .key(self.keys.contact(agency, address));
        if !self.is_cluster() {
            // See claim_contact_slot.lua: the old name, on a single Redis only.
            invocation.key(self.keys.legacy_contact(agency, address));
        }
        let answer: Vec<i64> = invocation
            .arg(now.timestamp_millis())
            .arg(limits.window_start)
            .arg(cap.max)
            .arg(limits.newest_at_most)
            .arg(message.as_str())
            .arg(limits.window_ms)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let window = match answer.split_first() {
            Some((1, _)) => return Ok(None),
            Some((0, window)) => window,
            _ => {
                return Err(StoreError::Corrupt(
                    "claim_contact_slot.lua answered neither taken nor refused".into(),
                ));
            }
        };
        let sent: Vec<DateTime<Utc>> = window
            .iter()
            .filter_map(|ms| DateTime::from_timestamp_millis(*ms))
            .collect();
        // The script refuses exactly when the rule says wait (see `CapLimits`); were they ever
        // to disagree, waiting out a cooldown errs on the side of the debtor.
        let wait = cap.cooldown.max(chrono::Duration::seconds(1));
        Ok(Some(cap.next_allowed(&sent, now).unwrap_or_else(|| {
            now.checked_add_signed(wait)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        })))
    }

    async fn release_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
    ) -> StoreResult<()> {
        let mut current = redis::cmd("ZREM");
        current
            .arg(self.keys.contact(agency, address))
            .arg(message.as_str());
        let mut legacy = redis::cmd("ZREM");
        legacy
            .arg(self.keys.legacy_contact(agency, address))
            .arg(message.as_str());
        self.each::<i64>(&[current, legacy]).await?;
        Ok(())
    }

    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        self.conn()
            .pset_ex(
                self.keys.reply(phone),
                case.as_str(),
                lifetimes::millis(lifetimes::REPLY_ROUTE),
            )
            .await
            .map_err(unavailable)
    }

    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>> {
        let mut id: Option<String> = self
            .conn()
            .get(self.keys.reply(phone))
            .await
            .map_err(unavailable)?;
        if id.is_none() {
            // Written by a process of the previous version after this one moved the old routes.
            id = self
                .conn()
                .get(self.keys.legacy_reply(phone))
                .await
                .map_err(unavailable)?;
        }
        id.map(|id| CaseId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    async fn forget_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()> {
        // The legacy name too: a process of the previous version may have written it.
        for key in [self.keys.reply(phone), self.keys.legacy_reply(phone)] {
            let current: Option<String> = self.conn().get(&key).await.map_err(unavailable)?;
            if current.as_deref() == Some(case.as_str()) {
                self.conn().del::<_, ()>(&key).await.map_err(unavailable)?;
            }
        }
        Ok(())
    }
}

/// [`ContactCap::next_allowed`] turned into the numbers `claim_contact_slot.lua` compares
/// with, so the script needs no rule of its own: a reminder may go at `now` exactly when the
/// window (reminders after `window_start`) holds fewer than `max` and the newest of them went
/// at or before `newest_at_most`.
///
/// That is `next_allowed`'s `None`: with fewer than `max` in the window, only the cooldown
/// after the newest can make one wait; with `max` or more, the one that must leave first is
/// still in the window, so it is later than `now` before it leaves; and `max` 0 never admits.
struct CapLimits {
    window_start: i64,
    newest_at_most: i64,
    window_ms: i64,
}

impl CapLimits {
    fn of(cap: &ContactCap, now: DateTime<Utc>) -> CapLimits {
        let now = now.timestamp_millis();
        CapLimits {
            window_start: now.saturating_sub(cap.window.num_milliseconds()),
            newest_at_most: now.saturating_sub(cap.cooldown.num_milliseconds()),
            window_ms: cap.window.num_milliseconds().max(1),
        }
    }

    /// What the script decides, given the times (ms) of the reminders it holds.
    #[cfg(test)]
    fn admits(&self, max: u32, sent: &[i64]) -> bool {
        let window: Vec<i64> = sent
            .iter()
            .copied()
            .filter(|t| *t > self.window_start)
            .collect();
        window.len() < max as usize && window.iter().all(|t| *t <= self.newest_at_most)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script's comparison and the domain's rule agree on every small case.
    #[test]
    fn the_script_admits_exactly_when_the_rule_says_go() {
        let now = DateTime::from_timestamp_millis(1_780_000_000_000).expect("time");
        let hour = chrono::Duration::hours(1);
        let offsets: Vec<i64> = vec![-200, -169, -168, -167, -30, -25, -24, -23, -1, 0];
        for max in 0..4 {
            for cooldown in [0, 1, 24] {
                let cap = ContactCap {
                    max,
                    window: hour * 168,
                    cooldown: hour * cooldown,
                };
                let limits = CapLimits::of(&cap, now);
                for a in &offsets {
                    for b in &offsets {
                        for n in 0..=2 {
                            let sent: Vec<DateTime<Utc>> = [*a, *b][..n]
                                .iter()
                                .map(|h| now + hour * (*h as i32))
                                .collect();
                            let ms: Vec<i64> = sent.iter().map(|t| t.timestamp_millis()).collect();
                            assert_eq!(
                                limits.admits(max, &ms),
                                cap.next_allowed(&sent, now).is_none(),
                                "max {max}, cooldown {cooldown} h, sent {sent:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
