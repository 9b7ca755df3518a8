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
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        let ttl = lifetimes::millis(lifetimes::until(link.expires_at, self.clock.now()));
        let case_links = self.keys.case_links(&link.case_id);
        redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(self.keys.link(digest))
            .arg(to_json(link)?)
            .arg("PX")
            .arg(ttl)
            .ignore()
            .sadd(&case_links, digest.to_hex())
            .ignore()
            // The index outlives no link by much: it is refreshed to the newest link's lifetime.
            .pexpire(&case_links, ttl as i64)
            .ignore()
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

    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize> {
        let count: usize = self
            .scripts
            .revoke_links
            .key(self.keys.case_links(case))
            .arg(self.keys.link_prefix())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(count)
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

    async fn session_with_case(
        &self,
        digest: &TokenDigest,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        let found: Option<(String, String)> = self
            .scripts
            .session_with_case
            .key(self.keys.session(digest))
            .arg(idle_ms(idle))
            .arg(self.keys.case_prefix())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let Some((raw_session, raw_case)) = found else {
            return Ok(None);
        };
        let session: DebtorSession = from_json(&raw_session)?;
        if !session.is_usable(self.clock.now()) {
            return Ok(None);
        }
        Ok(Some((session, from_json(&raw_case)?)))
    }

    async fn end_session(&self, digest: &TokenDigest) -> StoreResult<()> {
        self.conn()
            .del(self.keys.session(digest))
            .await
            .map_err(unavailable)
    }
}
