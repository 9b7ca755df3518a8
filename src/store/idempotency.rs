//! `Idempotency-Key`s: claims, saved responses to replay, and forgetting an erased case's.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::ids::CaseId;

/// A response kept for an `Idempotency-Key`, replayed when the same request comes again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    /// Other headers the handler set (`Location` of a created case, `Allow`, …).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

/// What an `Idempotency-Key` is found to be when a request starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// First use: the request runs (and its response is saved at the end).
    Started,
    /// Done before with the same request: answer with this.
    Replay(SavedResponse),
    /// The key was used for a different request.
    Mismatch,
    /// The same request is still running.
    InFlight,
}

/// Idempotency keys per agency (`scope`), with the fingerprint of the request that used them.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims the key for a request with `fingerprint` (atomically: of two racing requests one
    /// starts, the other sees it in flight). A started claim lapses after a minute if the
    /// request never finishes, so a crash does not block the key for good.
    /// `claim` is the caller's random token: only the request holding it may finish or
    /// abandon the key, so a request that outlived its claim cannot overwrite a retry's.
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        claim: &str,
    ) -> StoreResult<IdempotencyBegin>;
    /// Saves the final response for 24 hours, if `claim` still holds the key. A response about
    /// a `case` is remembered with it, so erasing the case forgets it; one about a case erased
    /// while the request ran is not saved at all (the key is let go).
    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
        case: Option<&CaseId>,
    ) -> StoreResult<()>;
    /// Lets the key go (the request failed in a way worth retrying), if `claim` holds it.
    async fn idempotency_abandon(&self, scope: &str, key: &str, claim: &str) -> StoreResult<()>;
    /// Erasure: forgets every saved response about the case (they may hold its personal data),
    /// and from now on saves none about it. Their keys are free again: a retry runs anew and
    /// meets the erased case. Returns how many were forgotten.
    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize>;
}
