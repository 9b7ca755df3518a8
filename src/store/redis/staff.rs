//! Staff users, invitations, staff sessions, failed logins and the access log on Redis.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::contact::EmailAddress;
use crate::domain::staff::{
    AccessEntry, Invitation, LoginFailures, SESSION_MAX_HOURS, StaffSession, StaffUser, StaffUserId,
};
use crate::links::TokenDigest;
use crate::store::{StaffStore, StoreResult, lifetimes};

/// Redis keeps what ended a day longer than it can be used (the caller checks the times).
fn ttl_ms(end: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    lifetimes::millis(lifetimes::until(end + chrono::Duration::days(1), now))
}

#[async_trait]
impl StaffStore for RedisStore {
    async fn create_staff_user(&self, user: &StaffUser) -> StoreResult<bool> {
        let created: i64 = self
            .scripts
            .create_staff_user
            .key(self.keys.staff_email(user.email.as_str()))
            .key(self.keys.staff_user(&user.id))
            .key(self.keys.staff_users())
            .arg(user.id.as_str())
            .arg(to_json(user)?)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(created == 1)
    }

    async fn save_staff_user(&self, user: &StaffUser) -> StoreResult<bool> {
        let saved: Option<String> = redis::cmd("SET")
            .arg(self.keys.staff_user(&user.id))
            .arg(to_json(user)?)
            .arg("XX")
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(saved.is_some())
    }

    async fn use_totp_step(&self, id: &StaffUserId, step: u64) -> StoreResult<bool> {
        let used: i64 = self
            .scripts
            .use_totp_step
            .key(self.keys.staff_user(id))
            .arg(step)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(used == 1)
    }

    async fn staff_user(&self, id: &StaffUserId) -> StoreResult<Option<StaffUser>> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.staff_user(id))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn staff_users(&self) -> StoreResult<Vec<StaffUser>> {
        let ids: Vec<String> = self
            .conn()
            .smembers(self.keys.staff_users())
            .await
            .map_err(unavailable)?;
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|id| StaffUserId::parse(id))
            .map(|id| self.keys.staff_user(&id))
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // One slot (`{staff}`), so one MGET also on a Cluster.
        let raws: Vec<Option<String>> = redis::cmd("MGET")
            .arg(&keys)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raws.iter().flatten().map(|r| from_json(r)).collect()
    }

    async fn staff_user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<StaffUser>> {
        let id: Option<String> = self
            .conn()
            .get(self.keys.staff_email(email.as_str()))
            .await
            .map_err(unavailable)?;
        match id.as_deref().and_then(StaffUserId::parse) {
            Some(id) => self.staff_user(&id).await,
            None => Ok(None),
        }
    }

    async fn save_invitation(
        &self,
        digest: &TokenDigest,
        invitation: &Invitation,
    ) -> StoreResult<()> {
        self.conn()
            .pset_ex(
                self.keys.invitation(digest),
                to_json(invitation)?,
                ttl_ms(invitation.expires_at, self.clock.now()),
            )
            .await
            .map_err(unavailable)
    }

    async fn invitation(&self, digest: &TokenDigest) -> StoreResult<Option<Invitation>> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.invitation(digest))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn take_invitation(&self, digest: &TokenDigest) -> StoreResult<Option<Invitation>> {
        let raw: Option<String> = redis::cmd("GETDEL")
            .arg(self.keys.invitation(digest))
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn save_staff_session(
        &self,
        digest: &TokenDigest,
        session: &StaffSession,
    ) -> StoreResult<()> {
        let end = session.created_at + chrono::Duration::hours(SESSION_MAX_HOURS);
        self.conn()
            .pset_ex(
                self.keys.staff_session(digest),
                to_json(session)?,
                ttl_ms(end, self.clock.now()),
            )
            .await
            .map_err(unavailable)
    }

    async fn refresh_staff_session(
        &self,
        digest: &TokenDigest,
        session: &StaffSession,
    ) -> StoreResult<bool> {
        let end = session.created_at + chrono::Duration::hours(SESSION_MAX_HOURS);
        let written: Option<String> = redis::cmd("SET")
            .arg(self.keys.staff_session(digest))
            .arg(to_json(session)?)
            .arg("PX")
            .arg(ttl_ms(end, self.clock.now()))
            .arg("XX")
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(written.is_some())
    }

    async fn staff_session(&self, digest: &TokenDigest) -> StoreResult<Option<StaffSession>> {
        let raw: Option<String> = self
            .conn()
            .get(self.keys.staff_session(digest))
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn end_staff_session(&self, digest: &TokenDigest) -> StoreResult<()> {
        self.conn()
            .del(self.keys.staff_session(digest))
            .await
            .map_err(unavailable)
    }

    async fn login_failures(&self, email: &EmailAddress) -> StoreResult<LoginFailures> {
        let (count, last): (Option<u32>, Option<i64>) = self
            .conn()
            .hget(self.keys.login_failures(email.as_str()), &["count", "last"])
            .await
            .map_err(unavailable)?;
        Ok(LoginFailures {
            count: count.unwrap_or(0),
            last_at: last.and_then(DateTime::from_timestamp_millis),
        })
    }

    async fn record_login_failure(
        &self,
        email: &EmailAddress,
        at: DateTime<Utc>,
    ) -> StoreResult<LoginFailures> {
        let key = self.keys.login_failures(email.as_str());
        let (count,): (u32,) = redis::pipe()
            .atomic()
            .hincr(&key, "count", 1)
            .hset(&key, "last", at.timestamp_millis())
            .ignore()
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(LoginFailures {
            count,
            last_at: Some(at),
        })
    }

    async fn clear_login_failures(&self, email: &EmailAddress) -> StoreResult<()> {
        self.conn()
            .del(self.keys.login_failures(email.as_str()))
            .await
            .map_err(unavailable)
    }

    async fn append_access(&self, entry: &AccessEntry) -> StoreResult<()> {
        self.conn()
            .rpush(self.keys.access_log(), to_json(entry)?)
            .await
            .map_err(unavailable)
    }

    async fn access_log(&self, count: usize) -> StoreResult<Vec<AccessEntry>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let start = -isize::try_from(count).unwrap_or(isize::MAX);
        let raws: Vec<String> = self
            .conn()
            .lrange(self.keys.access_log(), start, -1)
            .await
            .map_err(unavailable)?;
        raws.iter().map(|r| from_json(r)).collect()
    }
}
