//! The outbox: each agency's events, written with the change they report.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::case::Case;
use crate::domain::event::Event;
use crate::domain::ids::{AgencyId, CaseId};

/// The outbox: events are appended in the same atomic step as the change they report.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// `update_case` and appending `events` (all of the case's agency) as one atomic step.
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case>;
    /// Appends events that report no case change (a delivery receipt, say).
    async fn append_events(&self, events: &[Event]) -> StoreResult<()>;
    /// The agency's events after `cursor` (None: from the first), oldest first, each with its
    /// own opaque cursor to continue from. A cursor `EventCursor::parse` refuses is
    /// `StoreError::InvalidCursor`.
    async fn events_after(
        &self,
        agency: &AgencyId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Event)>>;
    /// Erasure: rewrites every stored event of the case as [`Event::redact`] leaves it, in
    /// place (same id, same cursor), so the pull API and a webhook replay serve the redacted
    /// payload. Returns how many changed.
    async fn redact_case_events(&self, agency: &AgencyId, case: &CaseId) -> StoreResult<usize>;
    /// Retention: removes up to `max` of the agency's events that happened before `before`,
    /// oldest first; returns how many went (fewer than `max`: none older are left).
    async fn trim_events(
        &self,
        agency: &AgencyId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<usize>;
}
