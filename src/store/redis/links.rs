//! Links and debtor sessions on Redis: each under its token digest with its own time to live; a
//! session under its case's hash tag, so a page reads both in one round trip.

use std::time::Duration;

use async_trait::async_trait;
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::case::Case;
use crate::domain::ids::CaseId;
use crate::domain::link::{DebtorSession, ShortLink};
use crate::links::TokenDigest;
use crate::store::lifetimes;
use crate::store::{LinkStore, MessageStore, SessionRef, StoreResult};

/// An idle time in ms as PEXPIRE takes it (capped at 2³² ms, some seven weeks).
fn idle_ms(idle: Duration) -> u64 {
    lifetimes::millis(idle).min(u64::from(u32::MAX))
}

/// Whether a read that found a session with `left` ms to live writes its timer again, to
/// `wanted` ms: only once it has run down by more than a tenth of the idle time (so a debtor
/// clicking through the pages causes no write per view, and a session idle for `idle` still
/// ends within `idle`), or when the key has no time to live (never set so; repaired).
fn timer_due(left: i64, wanted: u64, idle: u64) -> bool {
    match u64::try_from(left) {
        Ok(left) => wanted.saturating_sub(left) > idle / 10,
        Err(_) => true,
    }
}

impl RedisStore {
    /// A stored session as a page may use it: not past its end, and of the case the cookie
    /// names (the digest binds them already; this guards a key written under another tag).
    fn usable_session(
        &self,
        at: &SessionRef,
        raw: Option<String>,
    ) -> StoreResult<Option<DebtorSession>> {
        let session: Option<DebtorSession> = raw.map(|r| from_json(&r)).transpose()?;
        let now = self.clock.now();
        Ok(session
            .filter(|s| s.is_usable(now) && at.case.as_ref().is_none_or(|case| *case == s.case_id)))
    }

    /// Starts the idle time of the session at `key` again when [`timer_due`] says so: the
    /// session then lives `idle` more (never past its end).
    async fn keep_alive(
        &self,
        key: &str,
        session: &DebtorSession,
        left: i64,
        idle: Duration,
    ) -> StoreResult<()> {
        let idle_ms = idle_ms(idle);
        let wanted = idle_ms.min(lifetimes::millis(lifetimes::session(
            idle,
            session.expires_at,
            self.clock.now(),
        )));
        if !timer_due(left, wanted, idle_ms) {
            return Ok(());
        }
        // PEXPIRE, not a new SET: a session ended meanwhile stays ended.
        let _: i64 = self
            .conn()
            .pexpire(key, i64::try_from(wanted).unwrap_or(i64::MAX))
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[async_trait]
impl LinkStore for RedisStore {
    /// The case's link index first (on the case's slot), then the link: revocation finds
    /// every link that exists, whatever a crash interrupts.
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        self.index_link(&link.case_id, digest, link.expires_at)
            .await?;
        self.save_message_link(digest, link).await
    }

    async fn index_link(
        &self,
        case: &CaseId,
        digest: &TokenDigest,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let ttl = lifetimes::millis(lifetimes::until(expires_at, self.clock.now()));
        let case_links = self.keys.case_links(case);
        // A pipeline, not a MULTI: both are on one key, run in order.
        redis::pipe()
            .sadd(&case_links, digest.to_hex())
            .ignore()
            // The index outlives no link by much: it is refreshed to the newest link's lifetime.
            .pexpire(&case_links, ttl as i64)
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    /// The link alone (one `SET`): the message's record names it.
    async fn save_message_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        let ttl = lifetimes::millis(lifetimes::until(link.expires_at, self.clock.now()));
        redis::cmd("SET")
            .arg(self.keys.link(digest))
            .arg(to_json(link)?)
            .arg("PX")
            .arg(ttl)
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn link(&self, digest: &TokenDigest) -> StoreResult<Option<ShortLink>> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.link(digest))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    /// The case's index and its messages' links; each link on its own slot, revoked one by one
    /// (each in one step).
    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize> {
        let mut digests: Vec<String> = self
            .conn()
            .smembers(self.keys.case_links(case))
            .await
            .map_err(unavailable)?;
        digests.extend(
            self.case_messages(case)
                .await?
                .into_iter()
                .filter_map(|m| m.link_digest)
                .filter(|hex| TokenDigest::from_hex(hex).is_some()),
        );
        digests.sort();
        digests.dedup();
        let revoked = futures::future::try_join_all(digests.iter().map(|hex| async move {
            self.scripts
                .revoke_link
                .key(self.keys.link_hex(hex))
                .invoke_async::<usize>(&mut self.conn())
                .await
        }))
        .await
        .map_err(unavailable)?;
        Ok(revoked.into_iter().sum())
    }

    async fn save_session(
        &self,
        at: &SessionRef,
        session: &DebtorSession,
        idle: Duration,
    ) -> StoreResult<()> {
        let ttl = idle_ms(idle).min(lifetimes::millis(lifetimes::session(
            idle,
            session.expires_at,
            self.clock.now(),
        )));
        self.conn()
            .pset_ex(self.keys.session(at), to_json(session)?, ttl)
            .await
            .map_err(unavailable)
    }

    async fn session(&self, at: &SessionRef, idle: Duration) -> StoreResult<Option<DebtorSession>> {
        let key = self.keys.session(at);
        // The session and its time left in one round trip, both reads.
        let (raw, left): (Option<String>, i64) = redis::pipe()
            .get(&key)
            .pttl(&key)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let Some(session) = self.usable_session(at, raw)? else {
            return Ok(None);
        };
        self.keep_alive(&key, &session, left, idle).await?;
        Ok(Some(session))
    }

    /// A cookie that names its case: the session, its time left and the case in one pipeline
    /// on the case's slot (no script, nothing written unless the idle timer is due). An older
    /// cookie's session is on its own slot: read first, then the case it names.
    async fn session_with_case(
        &self,
        at: &SessionRef,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        let Some(case_id) = &at.case else {
            let Some(session) = self.session(at, idle).await? else {
                return Ok(None);
            };
            let raw: Option<String> = self
                .conn()
                .hget(self.keys.case(&session.case_id), "json")
                .await
                .map_err(unavailable)?;
            return match raw {
                Some(raw) => Ok(Some((session, from_json(&raw)?))),
                None => Ok(None),
            };
        };
        let key = self.keys.session(at);
        let (raw, left, case): (Option<String>, i64, Option<String>) = redis::pipe()
            .get(&key)
            .pttl(&key)
            .hget(self.keys.case(case_id), "json")
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let Some(session) = self.usable_session(at, raw)? else {
            return Ok(None);
        };
        let Some(case) = case else {
            return Ok(None);
        };
        self.keep_alive(&key, &session, left, idle).await?;
        Ok(Some((session, from_json(&case)?)))
    }

    async fn end_session(&self, at: &SessionRef) -> StoreResult<()> {
        self.conn()
            .del(self.keys.session(at))
            .await
            .map_err(unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::timer_due;

    #[test]
    fn the_idle_timer_is_written_only_once_it_ran_down_by_a_tenth() {
        let idle = 600_000;
        assert!(!timer_due(600_000, idle, idle), "just written");
        assert!(!timer_due(540_000, idle, idle), "a tenth gone: not yet");
        assert!(timer_due(539_999, idle, idle));
        assert!(timer_due(1_000, idle, idle));
        assert!(timer_due(-1, idle, idle), "no time to live");
        // Near the session's end the wanted time is shorter: measured from it.
        assert!(!timer_due(30_000, 30_000, idle));
        assert!(timer_due(30_000, 100_000, idle));
    }
}
