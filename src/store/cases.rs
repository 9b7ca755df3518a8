//! Cases: the record of one claim against one debtor, its indexes and the retention index.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::case::Case;
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};

/// What became of an attempt to create a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseInsert {
    Created,
    /// The agency already has a case with this external reference.
    Exists(CaseId),
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores `case` unless its agency already has one with the same external reference.
    async fn insert_case(&self, case: &Case) -> StoreResult<CaseInsert>;
    /// Writes `case` if the stored version still equals `case.version`; returns the case with the new version.
    async fn update_case(&self, case: &Case) -> StoreResult<Case>;
    async fn case(&self, id: &CaseId) -> StoreResult<Option<Case>>;
    async fn case_by_ref(
        &self,
        agency: &AgencyId,
        external_ref: &ExternalRef,
    ) -> StoreResult<Option<Case>>;
    /// Next running number for the creditor's KIDs (never repeats).
    async fn next_kid_sequence(&self, creditor: &CreditorId) -> StoreResult<u64>;
    /// The agency's cases in the order they were created, `count` from position `start`.
    async fn agency_cases(
        &self,
        agency: &AgencyId,
        start: usize,
        count: usize,
    ) -> StoreResult<Vec<Case>>;

    // Retention: every write of a case keeps an index, per creditor, of the cases waiting for
    // automatic erasure by when collection ended (`Case::retention_clock`), so finding those
    // due costs in proportion to how many are due, not to how many cases exist.

    /// Up to `max` of the creditor's cases whose collection ended before `before`, oldest first.
    async fn cases_settled_before(
        &self,
        creditor: &CreditorId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<CaseId>>;
    /// The creditors with cases in the retention index (also ones no longer configured).
    async fn retention_creditors(&self) -> StoreResult<Vec<CreditorId>>;
    /// Takes a case out of the retention index (its record is gone, so nothing is left to erase).
    async fn unindex_settled(&self, creditor: &CreditorId, case: &CaseId) -> StoreResult<()>;
}
