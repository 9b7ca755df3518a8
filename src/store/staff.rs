//! Staff users, their invitations and sessions, failed-login counts and the access log.
//!
//! E-mail addresses are personal data: the index from an address to its user, and the failure
//! count of a login name, are kept under the address's pseudonym (the stores pseudonymise
//! inside, as for phone numbers). Invitations and sessions are kept under their token's digest.
//! Expiry is the caller's to check against its clock (the records carry their times); the
//! backends only forget what can no longer be used.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::contact::EmailAddress;
use crate::domain::staff::{
    AccessEntry, Invitation, LoginFailures, StaffSession, StaffUser, StaffUserId,
};
use crate::links::TokenDigest;

#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Stores a new user unless one already has its e-mail address; returns whether it did.
    async fn create_staff_user(&self, user: &StaffUser) -> StoreResult<bool>;
    /// Replaces an existing user (its address cannot change); false when there is none.
    async fn save_staff_user(&self, user: &StaffUser) -> StoreResult<bool>;
    /// Records that the user's TOTP code of time step `step` was used, in one step with the
    /// check that it is later than the last one used (so a code works once, even when two
    /// logins race) and without rewriting the rest of the user; false for a replayed step or
    /// no such user.
    async fn use_totp_step(&self, id: &StaffUserId, step: u64) -> StoreResult<bool>;
    async fn staff_user(&self, id: &StaffUserId) -> StoreResult<Option<StaffUser>>;
    async fn staff_user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<StaffUser>>;
    /// Every user, in no particular order (an agency's admin lists its own; there are tens,
    /// not millions, so one read of all is the simple and honest way).
    async fn staff_users(&self) -> StoreResult<Vec<StaffUser>>;

    async fn save_invitation(
        &self,
        digest: &TokenDigest,
        invitation: &Invitation,
    ) -> StoreResult<()>;
    async fn invitation(&self, digest: &TokenDigest) -> StoreResult<Option<Invitation>>;
    /// Removes the invitation and returns it, once: of two callers only one gets it.
    async fn take_invitation(&self, digest: &TokenDigest) -> StoreResult<Option<Invitation>>;

    /// Creates or replaces the session (each request moves its `last_seen_at`).
    async fn save_staff_session(
        &self,
        digest: &TokenDigest,
        session: &StaffSession,
    ) -> StoreResult<()>;
    /// Writes the session only if it still exists (a request's activity must not bring back
    /// a session a logout ended meanwhile); returns whether it did.
    async fn refresh_staff_session(
        &self,
        digest: &TokenDigest,
        session: &StaffSession,
    ) -> StoreResult<bool>;
    async fn staff_session(&self, digest: &TokenDigest) -> StoreResult<Option<StaffSession>>;
    async fn end_staff_session(&self, digest: &TokenDigest) -> StoreResult<()>;

    /// The failed logins under this login name since its last success.
    async fn login_failures(&self, email: &EmailAddress) -> StoreResult<LoginFailures>;
    /// Counts one more failure at `at`, atomically; returns the count as it now is.
    async fn record_login_failure(
        &self,
        email: &EmailAddress,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<LoginFailures>;
    async fn clear_login_failures(&self, email: &EmailAddress) -> StoreResult<()>;

    /// Appends to the access log (logins, failures, logouts, case views).
    async fn append_access(&self, entry: &AccessEntry) -> StoreResult<()>;
    /// The last `count` entries, oldest first.
    async fn access_log(&self, count: usize) -> StoreResult<Vec<AccessEntry>>;
}
