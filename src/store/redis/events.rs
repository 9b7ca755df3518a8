//! The outbox on Redis: a stream of event ids per agency, payloads in a hash beside it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::case::Case;
use crate::domain::event::{Event, EventCursor};
use crate::domain::ids::{AgencyId, CaseId};
use crate::store::{EventStore, StoreError, StoreResult};

#[async_trait]
impl EventStore for RedisStore {
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case> {
        let mut next = case.clone();
        next.version += 1;
        let mut invocation = self
            .scripts
            .update_case_with_events
            .key(self.keys.case(&case.id));
        self.case_write_with_events(&mut invocation, case, &next, events)?;
        let written: i64 = invocation
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if written == 1 {
            Ok(next)
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn append_events(&self, events: &[Event]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        // As `append_events` in case_write_helpers.lua: the id in the stream, the payload beside it.
        let mut pipe = redis::pipe();
        pipe.atomic();
        for event in events {
            pipe.cmd("XADD")
                .arg(self.keys.events(&event.agency_id))
                .arg("*")
                .arg("ref")
                .arg(&event.id)
                .ignore()
                .hset(
                    self.keys.event_data(&event.agency_id),
                    &event.id,
                    to_json(event)?,
                )
                .ignore();
            if let Some(case) = &event.case_id {
                pipe.sadd(self.keys.case_events(case), &event.id).ignore();
            }
        }
        pipe.query_async::<()>(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn events_after(
        &self,
        agency: &AgencyId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Event)>> {
        // The id right after the cursor, as an inclusive start: parsed first, so a malformed
        // cursor is the caller's error and never reaches Redis.
        let start = match cursor {
            None => "-".to_owned(),
            Some(c) => EventCursor::parse(c)
                .map_err(StoreError::InvalidCursor)?
                .successor()
                .to_string(),
        };
        let flat: Vec<String> = self
            .scripts
            .events_after
            .key(self.keys.events(agency))
            .key(self.keys.event_data(agency))
            .arg(start)
            .arg(limit)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        flat.chunks_exact(2)
            .map(|pair| Ok((pair[0].clone(), from_json(&pair[1])?)))
            .collect()
    }

    async fn redact_case_events(&self, agency: &AgencyId, case: &CaseId) -> StoreResult<usize> {
        let index = self.keys.case_events(case);
        let ids: Vec<String> = self.conn().smembers(&index).await.map_err(unavailable)?;
        if ids.is_empty() {
            return Ok(0);
        }
        let data = self.keys.event_data(agency);
        let raws: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(&data)
            .arg(&ids)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let mut rewrite = self.scripts.rewrite_events.key(&data);
        let mut changed = 0;
        for raw in raws.iter().flatten() {
            let mut event: Event = from_json(raw)?;
            // The index is per case, but each event is checked anyway: only this case's change.
            if event.case_id.as_ref() == Some(case) && event.redact() {
                rewrite.arg(&event.id).arg(to_json(&event)?);
                changed += 1;
            }
        }
        if changed == 0 {
            return Ok(0);
        }
        rewrite
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)
    }

    async fn trim_events(
        &self,
        agency: &AgencyId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<usize> {
        // Stream ids begin with the time of the XADD in ms: everything before `before` is up
        // to and including the last id of the millisecond before it.
        let last = (before.timestamp_millis() - 1).max(0);
        self.scripts
            .trim_events
            .key(self.keys.events(agency))
            .key(self.keys.event_data(agency))
            .arg(last)
            .arg(max)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)
    }
}
