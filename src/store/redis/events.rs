//! The outbox on Redis: a stream of event ids per agency, payloads in a hash beside it, and the
//! events of case writes under way staged beside them.
//!
//! A case write with events spans two slots (the case's and the agency's), so it is three steps,
//! each atomic on its slot, in this order:
//!
//! 1. stage: the events go into the agency's staging hash (not yet in the stream, so no reader
//!    sees them);
//! 2. write: the compare-and-set on the case, which adds the event ids to the case's event
//!    index in the same step — an id there says the write happened;
//! 3. publish: the staged events move into the stream (publish_events.lua appends a staged
//!    event only while it is still staged, so a second publish appends nothing); a write that
//!    lost its compare-and-set unstages them instead.
//!
//! A crash between the steps leaves staged events: those whose id is in the case's index are
//! published by the next start's recovery ([`RedisStore::recover_staged_events`]), those older
//! than [`STAGE_GRACE`] without it (their write never happened) are dropped. So an event is
//! published exactly when its change was written, as on one Redis — only a recovered one
//! comes later in the stream than it would have.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::case::Case;
use crate::domain::event::{Event, EventCursor};
use crate::domain::ids::{AgencyId, CaseId};
use crate::store::{EventStore, StoreError, StoreResult};

/// How long a staged event without its write is left alone: far longer than any write takes
/// (the response timeout bounds each step), so recovery never drops one still under way.
const STAGE_GRACE: chrono::Duration = chrono::Duration::minutes(5);

impl RedisStore {
    /// Steps 1 to 3 around `write` (step 2, an invocation of a case-writing script that
    /// answers 1 when written). Returns the script's answer.
    pub(super) async fn write_case_with_events(
        &self,
        case: &Case,
        next: &Case,
        events: &[Event],
        write: redis::ScriptInvocation<'_>,
    ) -> StoreResult<i64> {
        if events.iter().any(|e| e.agency_id != case.agency_id) {
            return Err(StoreError::Corrupt(
                "an event for another agency than the case's".into(),
            ));
        }
        let payloads = events
            .iter()
            .map(|e| Ok((e.id.clone(), to_json(e)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let stage = self.keys.event_stage(&case.agency_id);
        if !payloads.is_empty() {
            let now = self.clock.now().timestamp_millis();
            let staged: Vec<(String, String)> = payloads
                .iter()
                .map(|(id, json)| (id.clone(), format!("{now} {} {json}", case.id)))
                .collect();
            self.conn()
                .hset_multiple::<_, _, _, ()>(&stage, &staged)
                .await
                .map_err(unavailable)?;
        }
        self.index_before_write(next).await?;
        let outcome: i64 = write
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if outcome == 1 {
            self.publish(&case.agency_id, true, &payloads).await?;
            self.unindex_after_write(next).await?;
        } else if !payloads.is_empty() {
            let ids: Vec<&str> = payloads.iter().map(|(id, _)| id.as_str()).collect();
            self.conn()
                .hdel::<_, _, ()>(&stage, ids)
                .await
                .map_err(unavailable)?;
        }
        Ok(outcome)
    }

    /// Appends `(id, JSON)` pairs to the agency's outbox: staged ones only while still staged.
    async fn publish(
        &self,
        agency: &AgencyId,
        staged: bool,
        payloads: &[(String, String)],
    ) -> StoreResult<()> {
        if payloads.is_empty() {
            return Ok(());
        }
        let mut invocation = self.scripts.publish_events.key(self.keys.events(agency));
        invocation
            .key(self.keys.event_data(agency))
            .key(self.keys.event_stage(agency))
            .arg(if staged { "staged" } else { "direct" });
        for (id, json) in payloads {
            invocation.arg(id).arg(json);
        }
        invocation
            .invoke_async::<i64>(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Finishes what a crash left staged in the agency's outbox (see the module): publishes the
    /// events whose write happened, drops those whose write is long past without happening.
    /// Safe beside running writers: a publish appends an event once, and a staged event is
    /// dropped only after [`STAGE_GRACE`]. Returns how many were published.
    pub(super) async fn recover_staged_events(&self, agency: &AgencyId) -> StoreResult<usize> {
        let stage = self.keys.event_stage(agency);
        let staged: BTreeMap<String, String> =
            self.conn().hgetall(&stage).await.map_err(unavailable)?;
        if staged.is_empty() {
            return Ok(0);
        }
        let now = self.clock.now().timestamp_millis();
        let mut publish = Vec::new();
        let mut drop = Vec::new();
        for (id, value) in staged {
            let mut parts = value.splitn(3, ' ');
            let (Some(at), Some(case), Some(json)) = (parts.next(), parts.next(), parts.next())
            else {
                drop.push(id);
                continue;
            };
            let Ok(case) = CaseId::parse(case) else {
                drop.push(id);
                continue;
            };
            let written: bool = self
                .conn()
                .sismember(self.keys.case_events(&case), &id)
                .await
                .map_err(unavailable)?;
            if written {
                publish.push((id, json.to_owned()));
            } else if now - at.parse::<i64>().unwrap_or(0) > STAGE_GRACE.num_milliseconds() {
                drop.push(id);
            }
        }
        let published = publish.len();
        self.publish(agency, true, &publish).await?;
        if !drop.is_empty() {
            self.conn()
                .hdel::<_, _, ()>(&stage, drop)
                .await
                .map_err(unavailable)?;
        }
        if published > 0 {
            tracing::warn!(
                %agency,
                count = published,
                "events of interrupted case writes published"
            );
        }
        Ok(published)
    }
}

#[async_trait]
impl EventStore for RedisStore {
    async fn update_case_with_events(&self, case: &Case, events: &[Event]) -> StoreResult<Case> {
        let mut next = case.clone();
        next.version += 1;
        let mut write = self
            .scripts
            .update_case_with_events
            .key(self.keys.case(&case.id));
        write
            .key(self.keys.case_events(&case.id))
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?);
        Self::event_ids(&mut write, events);
        if self
            .write_case_with_events(case, &next, events, write)
            .await?
            == 1
        {
            Ok(next)
        } else {
            Err(StoreError::Conflict)
        }
    }

    /// The case indexes first (each alone: an id listed for an event not yet appended only
    /// makes redaction look for it), then each agency's events in one step on its slot.
    async fn append_events(&self, events: &[Event]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut indexes = Vec::new();
        let mut by_agency: BTreeMap<&str, (&AgencyId, Vec<(String, String)>)> = BTreeMap::new();
        for event in events {
            if let Some(case) = &event.case_id {
                let mut add = redis::cmd("SADD");
                add.arg(self.keys.case_events(case)).arg(&event.id);
                indexes.push(add);
            }
            by_agency
                .entry(event.agency_id.as_str())
                .or_insert_with(|| (&event.agency_id, Vec::new()))
                .1
                .push((event.id.clone(), to_json(event)?));
        }
        self.each::<i64>(&indexes).await?;
        for (agency, payloads) in by_agency.values() {
            self.publish(agency, false, payloads).await?;
        }
        Ok(())
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
