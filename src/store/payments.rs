//! Payments applied once per reference, and the KIDs that find a case.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::case::Case;
use crate::domain::event::Event;
use crate::domain::ids::{CaseId, CreditorId};

/// Payments: each provider or bank reference is applied at most once, atomically with the
/// balance change and its events.
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Writes `case` (already carrying the payment; compare-and-set on its version) with
    /// `events`, unless `reference` was applied before. `Ok(false)`: a duplicate, nothing written.
    async fn apply_payment(
        &self,
        case: &Case,
        reference: &str,
        events: &[Event],
    ) -> StoreResult<bool>;
    /// Remembers that `kid` (an instalment's, say) pays into `case`.
    async fn index_kid(&self, creditor: &CreditorId, kid: &str, case: &CaseId) -> StoreResult<()>;
    /// The case a creditor's KID belongs to.
    async fn case_by_kid(&self, creditor: &CreditorId, kid: &str) -> StoreResult<Option<CaseId>>;
}
