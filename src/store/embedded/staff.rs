//! Staff users, invitations, staff sessions, failed logins and the access log in the embedded
//! store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::EmbeddedStore;
use crate::domain::contact::EmailAddress;
use crate::domain::staff::{
    AccessEntry, Invitation, LoginFailures, StaffSession, StaffUser, StaffUserId,
};
use crate::links::TokenDigest;
use crate::store::{StaffStore, StoreResult};

/// The one list the access log is.
const ACCESS_LOG: &str = "all";

/// What ended longer ago than this is dropped as new records arrive (as Redis expires it).
fn long_gone(end: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    end + chrono::Duration::days(1) < now
}

#[async_trait]
impl StaffStore for EmbeddedStore {
    async fn create_staff_user(&self, user: &StaffUser) -> StoreResult<bool> {
        let email = self.pseudonyms.of(user.email.as_str());
        self.write(|inner| {
            if inner.staff_emails.contains_key(&email) {
                return Ok(false);
            }
            inner
                .staff_emails
                .insert(email, user.id.as_str().to_owned());
            inner
                .staff_users
                .insert(user.id.as_str().to_owned(), user.clone());
            Ok(true)
        })
    }

    async fn save_staff_user(&self, user: &StaffUser) -> StoreResult<bool> {
        self.write(|inner| {
            let Some(stored) = inner.staff_users.get_mut(&user.id.as_str().to_owned()) else {
                return Ok(false);
            };
            *stored = user.clone();
            Ok(true)
        })
    }

    async fn use_totp_step(&self, id: &StaffUserId, step: u64) -> StoreResult<bool> {
        self.write(|inner| {
            let Some(user) = inner.staff_users.get_mut(&id.as_str().to_owned()) else {
                return Ok(false);
            };
            if user.totp_last_step.is_some_and(|last| step <= last) {
                return Ok(false);
            }
            user.totp_last_step = Some(step);
            Ok(true)
        })
    }

    async fn staff_user(&self, id: &StaffUserId) -> StoreResult<Option<StaffUser>> {
        Ok(self.lock()?.staff_users.get(id.as_str()).cloned())
    }

    async fn staff_users(&self) -> StoreResult<Vec<StaffUser>> {
        Ok(self.lock()?.staff_users.values().cloned().collect())
    }

    async fn staff_user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<StaffUser>> {
        let pseudonym = self.pseudonyms.of(email.as_str());
        let inner = self.lock()?;
        Ok(inner
            .staff_emails
            .get(&pseudonym)
            .and_then(|id| inner.staff_users.get(id))
            .cloned())
    }

    async fn save_invitation(
        &self,
        digest: &TokenDigest,
        invitation: &Invitation,
    ) -> StoreResult<()> {
        let now = self.now();
        self.write(|inner| {
            inner
                .invitations
                .retain(|_, i| !long_gone(i.expires_at, now));
            inner.invitations.insert(*digest, invitation.clone());
            Ok(())
        })
    }

    async fn invitation(&self, digest: &TokenDigest) -> StoreResult<Option<Invitation>> {
        Ok(self.lock()?.invitations.get(digest).cloned())
    }

    async fn take_invitation(&self, digest: &TokenDigest) -> StoreResult<Option<Invitation>> {
        if !self.lock()?.invitations.contains_key(digest) {
            return Ok(None);
        }
        self.write(|inner| Ok(inner.invitations.remove(digest)))
    }

    async fn save_staff_session(
        &self,
        digest: &TokenDigest,
        session: &StaffSession,
    ) -> StoreResult<()> {
        let now = self.now();
        self.write(|inner| {
            inner
                .staff_sessions
                .retain(|_, s| !long_gone(s.ends_at(), now));
            inner.staff_sessions.insert(*digest, session.clone());
            Ok(())
        })
    }

    async fn refresh_staff_session(
        &self,
        digest: &TokenDigest,
        session: &StaffSession,
    ) -> StoreResult<bool> {
        self.write(|inner| {
            let Some(stored) = inner.staff_sessions.get_mut(digest) else {
                return Ok(false);
            };
            *stored = session.clone();
            Ok(true)
        })
    }

    async fn staff_session(&self, digest: &TokenDigest) -> StoreResult<Option<StaffSession>> {
        Ok(self.lock()?.staff_sessions.get(digest).cloned())
    }

    async fn end_staff_session(&self, digest: &TokenDigest) -> StoreResult<()> {
        self.write(|inner| {
            inner.staff_sessions.remove(digest);
            Ok(())
        })
    }

    async fn login_failures(&self, email: &EmailAddress) -> StoreResult<LoginFailures> {
        let pseudonym = self.pseudonyms.of(email.as_str());
        Ok(self
            .lock()?
            .login_failures
            .get(&pseudonym)
            .copied()
            .unwrap_or_default())
    }

    async fn record_login_failure(
        &self,
        email: &EmailAddress,
        at: DateTime<Utc>,
    ) -> StoreResult<LoginFailures> {
        let pseudonym = self.pseudonyms.of(email.as_str());
        self.write(|inner| {
            let failures = inner.login_failures.entry_or_default(pseudonym);
            *failures = failures.after_failure(at);
            Ok(*failures)
        })
    }

    async fn clear_login_failures(&self, email: &EmailAddress) -> StoreResult<()> {
        let pseudonym = self.pseudonyms.of(email.as_str());
        if !self.lock()?.login_failures.contains_key(&pseudonym) {
            return Ok(());
        }
        self.write(|inner| {
            inner.login_failures.remove(&pseudonym);
            Ok(())
        })
    }

    async fn append_access(&self, entry: &AccessEntry) -> StoreResult<()> {
        self.write(|inner| {
            inner.access_log.push(ACCESS_LOG.to_owned(), entry.clone());
            Ok(())
        })
    }

    async fn access_log(&self, count: usize) -> StoreResult<Vec<AccessEntry>> {
        let inner = self.lock()?;
        let all = inner
            .access_log
            .get(ACCESS_LOG)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Ok(all[all.len().saturating_sub(count)..].to_vec())
    }
}
