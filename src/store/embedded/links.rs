//! Links and debtor sessions in the embedded store, expiring as their Redis keys would.

use std::time::Duration;

use async_trait::async_trait;

use super::{Digest, EmbeddedStore, Expiring};
use crate::domain::case::Case;
use crate::domain::ids::CaseId;
use crate::domain::link::{DebtorSession, ShortLink};
use crate::links::TokenDigest;
use crate::store::{CaseStore, LinkStore, SessionRef, StoreResult, lifetimes};

#[async_trait]
impl LinkStore for EmbeddedStore {
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        let now = self.now();
        self.write(|inner| {
            // Forget expired links as new ones arrive, as Redis does with its TTLs.
            inner.links.retain(|_, l| l.expires_at > now);
            inner.links.insert(*digest, link.clone());
            inner
                .case_links
                .entry_or_default(link.case_id.clone())
                .push(Digest(*digest));
            Ok(())
        })
    }

    async fn index_link(
        &self,
        case: &CaseId,
        digest: &TokenDigest,
        _expires_at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        self.write(|inner| {
            let digests = inner.case_links.entry_or_default(case.clone());
            if !digests.contains(&Digest(*digest)) {
                digests.push(Digest(*digest));
            }
            Ok(())
        })
    }

    /// Indexed all the same: the index costs nothing here.
    async fn save_message_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()> {
        self.save_link(digest, link).await
    }

    async fn link(&self, digest: &TokenDigest) -> StoreResult<Option<ShortLink>> {
        let now = self.now();
        // Gone once it expires, as its Redis key is.
        Ok(self
            .lock()?
            .links
            .get(digest)
            .filter(|l| l.expires_at > now)
            .cloned())
    }

    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize> {
        self.write(|inner| {
            let digests = inner.case_links.get(case).cloned().unwrap_or_default();
            let mut count = 0;
            for Digest(digest) in digests {
                if inner.links.get(&digest).is_some_and(|link| !link.revoked)
                    && let Some(link) = inner.links.get_mut(&digest)
                {
                    link.revoked = true;
                    count += 1;
                }
            }
            Ok(count)
        })
    }

    async fn save_session(
        &self,
        at: &SessionRef,
        session: &DebtorSession,
        idle: Duration,
    ) -> StoreResult<()> {
        let now = self.now();
        self.write(|inner| {
            inner.sessions.retain(|_, s| s.live(now).is_some());
            let lifetime = lifetimes::session(idle, session.expires_at, now);
            inner
                .sessions
                .insert(at.digest, Expiring::new(session.clone(), now, lifetime));
            Ok(())
        })
    }

    async fn session(&self, at: &SessionRef, idle: Duration) -> StoreResult<Option<DebtorSession>> {
        let now = self.now();
        let digest = &at.digest;
        // The case the cookie names must be the session's, as on Redis (where the session is
        // kept under that case's tag).
        let other_case = |s: &DebtorSession| at.case.as_ref().is_some_and(|c| *c != s.case_id);
        // A session that is not there (or has expired) changes nothing: no write to the file.
        if self
            .lock()?
            .sessions
            .get(digest)
            .is_none_or(|stored| stored.live(now).is_none() || other_case(&stored.value))
        {
            return Ok(None);
        }
        self.write(|inner| {
            let Some(stored) = inner.sessions.get_mut(digest) else {
                return Ok(None);
            };
            if stored.live(now).is_none() {
                return Ok(None);
            }
            // Each read restarts the idle timer, as PEXPIRE does on Redis.
            *stored = Expiring::new(stored.value.clone(), now, idle);
            Ok(Some(stored.value.clone()).filter(|s| s.is_usable(now)))
        })
    }

    async fn session_with_case(
        &self,
        at: &SessionRef,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        self.session_then_case(at, idle).await
    }

    async fn end_session(&self, at: &SessionRef) -> StoreResult<()> {
        self.write(|inner| {
            inner.sessions.remove(&at.digest);
            Ok(())
        })
    }
}

impl EmbeddedStore {
    async fn session_then_case(
        &self,
        at: &SessionRef,
        idle: Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>> {
        let Some(session) = self.session(at, idle).await? else {
            return Ok(None);
        };
        Ok(self
            .case(&session.case_id)
            .await?
            .map(|case| (session, case)))
    }
}
