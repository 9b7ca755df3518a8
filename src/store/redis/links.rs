//! Links and debtor sessions on Redis: each under its token digest with its own time to live.

use std::time::Duration;

use async_trait::async_trait;
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::case::Case;
use crate::domain::ids::CaseId;
use crate::domain::link::{DebtorSession, ShortLink};
use crate::links::TokenDigest;
use crate::store::lifetimes;
use crate::store::{LinkStore, StoreResult};

/// An idle time in ms as PEXPIRE takes it (capped at 2³² ms, some seven weeks).
fn idle_ms(idle: Duration) -> u64 {
    lifetimes::millis(idle).min(u64::from(u32::MAX))
}

#[async_trait]
impl LinkStore for RedisStore {
    /// The case's link index first (on the case's slot), then the link: revocation finds
    /// every link that exists, whatever a crash interrupts.
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        let ttl = lifetimes::millis(lifetimes::until(link.expires_at, self.clock.now()));
        let case_links = self.keys.case_links(&link.case_id);
        redis::pipe()
            .atomic()
            .sadd(&case_links, digest.to_hex())
            .ignore()
            // The index outlives no link by much: it is refreshed to the newest link's lifetime.
            .pexpire(&case_links, ttl as i64)
            .ignore()
            .query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)?;
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

    /// Each link on its own slot: revoked one by one (each in one step).
    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize> {
        let digests: Vec<String> = self
            .conn()
            .smembers(self.keys.case_links(case))
            .await
            .map_err(unavailable)?;
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
        digest: &TokenDigest,
        session: &DebtorSession,
        idle: Duration,
    ) -> StoreResult<()> {
        let ttl = idle_ms(idle).min(lifetimes::millis(lifetimes::session(
            idle,
            session.expires_at,
            self.clock.now(),
        )));
        self.conn()
            .pset_ex(self.keys.session(digest), to_json(session)?, ttl)
            .await
            .map_err(unavailable)
    }

    async fn session(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<DebtorSession>> {
        let key = self.keys.session(digest);
        // GET and the idle-timer refresh in one round trip.
        let (raw, _): (Option<String>, i64) = redis::pipe()
            .get(&key)
            .pexpire(&key, idle_ms(idle) as i64)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let session: Option<DebtorSession> = raw.map(|r| from_json(&r)).transpose()?;
        Ok(session.filter(|s| s.is_usable(self.clock.now())))
    }

    /// The session, then the case it is bound to: two slots, so two round trips.
    async fn session_with_case(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        let Some(session) = self.session(digest, idle).await? else {
            return Ok(None);
        };
        let raw: Option<String> = self
            .conn()
            .hget(self.keys.case(&session.case_id), "json")
            .await
            .map_err(unavailable)?;
        match raw {
            Some(raw) => Ok(Some((session, from_json(&raw)?))),
            None => Ok(None),
        }
    }

    async fn end_session(&self, digest: &TokenDigest) -> StoreResult<()> {
        self.conn()
            .del(self.keys.session(digest))
            .await
            .map_err(unavailable)
    }
}
