//! The outbox in the embedded store: each agency's events in order, cursors by position.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::EmbeddedStore;
use crate::domain::case::Case;
use crate::domain::event::{Event, EventCursor};
use crate::domain::ids::{AgencyId, CaseId};
use crate::store::{EventStore, StoreError, StoreResult};

/// Cursors are `0-<position>` in the agency's list: the shape of a Redis stream id, so both
/// stores parse them with `EventCursor::parse`.
fn cursor(position: usize) -> String {
    EventCursor {
        major: 0,
        minor: position as u64,
    }
    .to_string()
}

/// The position to continue from after `after`; `usize::MAX` (nothing) for a cursor past every
/// position this store can hand out.
fn start_after(after: &str) -> StoreResult<usize> {
    let cursor = EventCursor::parse(after).map_err(StoreError::InvalidCursor)?;
    if cursor.major > 0 {
        return Ok(usize::MAX);
    }
    Ok(usize::try_from(cursor.successor().minor).unwrap_or(usize::MAX))
}

#[async_trait]
impl EventStore for EmbeddedStore {
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case> {
        self.write(|inner| {
            let saved = inner.update_case(case)?;
            inner.append(events);
            Ok(saved)
        })
    }

    async fn append_events(&self, events: &[Event]) -> StoreResult<()> {
        self.write(|inner| {
            inner.append(events);
            Ok(())
        })
    }

    async fn events_after(
        &self,
        agency: &AgencyId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Event)>> {
        let start = after.map_or(Ok(0), start_after)?;
        let inner = self.lock()?;
        Ok(inner
            .events
            .get(agency)
            .map(|outbox| {
                outbox
                    .events
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (outbox.first + i, e))
                    .skip_while(|(position, _)| *position < start)
                    .take(limit)
                    .map(|(position, e)| (cursor(position), e.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn redact_case_events(&self, agency: &AgencyId, case: &CaseId) -> StoreResult<usize> {
        self.write(|inner| Ok(inner.events.redact(agency, case)))
    }

    async fn trim_events(
        &self,
        agency: &AgencyId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<usize> {
        self.write(|inner| Ok(inner.events.trim(agency, before, max)))
    }
}
