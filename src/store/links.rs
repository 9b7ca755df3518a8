//! Payment links (by token digest) and the debtor sessions they open.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::case::Case;
use crate::domain::ids::CaseId;
use crate::domain::link::{DebtorSession, ShortLink};
use crate::links::TokenDigest;

#[async_trait]
pub trait LinkStore: Send + Sync {
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()>;
    async fn link(&self, digest: &TokenDigest) -> StoreResult<Option<ShortLink>>;
    /// Marks every link of the case revoked; returns how many.
    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize>;
    async fn save_session(
        &self,
        digest: &TokenDigest,
        session: &DebtorSession,
        idle: std::time::Duration,
    ) -> StoreResult<()>;
    /// The session, if it exists and has not been idle too long (each read extends the idle timer).
    async fn session(
        &self,
        digest: &TokenDigest,
        idle: std::time::Duration,
    ) -> StoreResult<Option<DebtorSession>>;
    /// The session (as [`LinkStore::session`]) with its case, in one call: every debtor page
    /// needs both. On Redis that is two round trips (the session, then its case: they are on
    /// different Cluster slots, and a script may not build the case's key from the session).
    async fn session_with_case(
        &self,
        digest: &TokenDigest,
        idle: std::time::Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>>;
    /// Ends a session at once (its case was closed or erased).
    async fn end_session(&self, digest: &TokenDigest) -> StoreResult<()>;
}
