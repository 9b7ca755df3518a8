//! The retention schedule (GDPR art. 5(1)(e), storage limitation): cases paid or closed more
//! than `retention.erase_after_days` ago (or the creditor's own number of days) are erased, and
//! events older than `retention.events_days` are trimmed from the outbox.
//!
//! The worker runs it every `retention.run_every_minutes`; [`run`] takes `now`, so tests move
//! time by passing it. A run costs in proportion to what is due: the store keeps each
//! creditor's settled cases ordered by when collection ended, and events in time order, so a
//! run reads only the cases and events it removes (plus one look per creditor and agency).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::context::AppContext;
use crate::domain::retention::{erase_cutoff, events_cutoff, is_due_for_erasure};
use crate::service::erasure::{self, ErasureError};
use crate::store::StoreError;

/// Cases or events handled per store call.
const BATCH: usize = 200;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRun {
    pub cases_erased: usize,
    pub events_trimmed: usize,
}

/// Erases every case due at `now` and trims every event older than the limit.
pub async fn run(ctx: &AppContext, now: DateTime<Utc>) -> Result<RetentionRun, StoreError> {
    let mut done = RetentionRun::default();
    let settings = &ctx.config.settings.retention;
    for creditor in ctx.store.retention_creditors().await? {
        // A creditor no longer configured keeps being erased, by the installation's default.
        let days = ctx
            .creditor(&creditor)
            .await?
            .and_then(|c| c.erase_after_days)
            .unwrap_or(settings.erase_after_days);
        let cutoff = erase_cutoff(now, days);
        loop {
            let due = ctx
                .store
                .cases_settled_before(&creditor, cutoff, BATCH)
                .await?;
            let batch = due.len();
            let mut progress = 0;
            for id in due {
                let Some(case) = ctx.store.case(&id).await? else {
                    ctx.store.unindex_settled(&creditor, &id).await?;
                    progress += 1;
                    continue;
                };
                if !is_due_for_erasure(&case, now, days) {
                    // The index is written with the case, so this is only a case that changed
                    // since the index was read; its own write has already re-indexed it.
                    continue;
                }
                match erasure::erase(ctx, &id, now).await {
                    Ok(_) => {
                        done.cases_erased += 1;
                        progress += 1;
                    }
                    Err(ErasureError::NotFound) => {
                        ctx.store.unindex_settled(&creditor, &id).await?;
                        progress += 1;
                    }
                    // Busy right now: the next run takes it up.
                    Err(ErasureError::Conflict) => {
                        tracing::info!(case = %id, "retention: case busy, erased next run");
                    }
                    Err(ErasureError::Store(e)) => return Err(e),
                }
            }
            // A short batch was the last; one where nothing moved would only repeat itself.
            if batch < BATCH || progress == 0 {
                break;
            }
        }
    }
    let cutoff = events_cutoff(now, settings.events_days);
    for agency in ctx.store.agencies().await? {
        loop {
            let trimmed = ctx.store.trim_events(&agency.id, cutoff, BATCH).await?;
            done.events_trimmed += trimmed;
            if trimmed < BATCH {
                break;
            }
        }
    }
    Ok(done)
}

/// Runs [`run`] now and then every `retention.run_every_minutes` until `shutdown` turns true.
pub async fn run_periodically(ctx: Arc<AppContext>, mut shutdown: watch::Receiver<bool>) {
    let minutes = u64::from(ctx.config.settings.retention.run_every_minutes.max(1));
    let every = Duration::from_secs(60 * minutes);
    while !*shutdown.borrow() {
        match run(&ctx, ctx.clock.now()).await {
            Ok(done) if done != RetentionRun::default() => tracing::info!(
                cases_erased = done.cases_erased,
                events_trimmed = done.events_trimmed,
                "retention run"
            ),
            Ok(_) => {}
            // The next run tries again; nothing is half-done that a later run cannot finish.
            Err(e) => tracing::warn!(error = %e, "retention run failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
