//! Payment links (by token digest) and the debtor sessions they open.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::case::Case;
use crate::domain::ids::CaseId;
use crate::domain::link::{DebtorSession, ShortLink};
use crate::links::TokenDigest;

/// Where a debtor session is found: the digest of the whole cookie value and the case the
/// cookie names. Cookies since the session read became one round trip are
/// `<case id>.<session secret>`, so the store reads the session and its case together (on
/// Redis Cluster both live under the case's hash tag); an older cookie is the secret alone
/// (`case: None`) and costs the store one more lookup. The case id needs no signature of its
/// own: the digest covers it, so a cookie with another case id finds no session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRef {
    pub digest: TokenDigest,
    pub case: Option<CaseId>,
}

impl SessionRef {
    /// The cookie value of a new session of `case` with the random `secret`.
    pub fn cookie_value(case: &CaseId, secret: &str) -> String {
        format!("{case}.{secret}")
    }

    /// The session a cookie value points to (any text: one that names no valid case id is
    /// read as an older cookie and simply finds nothing if it is not one).
    pub fn of_cookie(value: &str) -> SessionRef {
        let case = value
            .rsplit_once('.')
            .and_then(|(case, _)| CaseId::parse(case).ok());
        SessionRef {
            digest: TokenDigest::of(value),
            case,
        }
    }
}

#[async_trait]
pub trait LinkStore: Send + Sync {
    /// Saves a link and adds it to its case's link index first, so revocation finds it.
    async fn save_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()>;
    /// Adds a digest to the case's link index alone, for a link that may exist until
    /// `expires_at` (a message's link from an earlier start, see [`Message::link_digest`]).
    ///
    /// [`Message::link_digest`]: crate::domain::message::Message::link_digest
    async fn index_link(
        &self,
        case: &CaseId,
        digest: &TokenDigest,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()>;
    /// Saves the link of a message's start whose digest the stored message already holds
    /// ([`Message::link_digest`]): revocation finds it there, so no index is written. A
    /// backend may index it all the same.
    ///
    /// [`Message::link_digest`]: crate::domain::message::Message::link_digest
    async fn save_message_link(&self, digest: &TokenDigest, link: &ShortLink) -> StoreResult<()>;
    async fn link(&self, digest: &TokenDigest) -> StoreResult<Option<ShortLink>>;
    /// Marks every link of the case revoked, those of its messages' starts included; returns
    /// how many.
    async fn revoke_links(&self, case: &CaseId) -> StoreResult<usize>;
    /// Saves `session` under its reference (a [`SessionRef`] of a new cookie names the
    /// session's case).
    async fn save_session(
        &self,
        at: &SessionRef,
        session: &DebtorSession,
        idle: std::time::Duration,
    ) -> StoreResult<()>;
    /// The session, if it exists and has not been idle too long (a read extends the idle
    /// timer; Redis writes that only when the timer has run down by more than a tenth of the
    /// idle time, so a page view is no write).
    async fn session(
        &self,
        at: &SessionRef,
        idle: std::time::Duration,
    ) -> StoreResult<Option<DebtorSession>>;
    /// The session (as [`LinkStore::session`]) with its case, in one call: every debtor page
    /// needs both. On Redis that is one round trip for a reference that names its case (the
    /// session is on the case's hash tag), two for an older cookie's (the session, then its
    /// case). A session of another case than the reference names is not found.
    async fn session_with_case(
        &self,
        at: &SessionRef,
        idle: std::time::Duration,
    ) -> StoreResult<Option<(DebtorSession, Case)>>;
    /// Ends a session at once (its case was closed or erased).
    async fn end_session(&self, at: &SessionRef) -> StoreResult<()>;
}
