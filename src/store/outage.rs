//! How a background loop reports a store outage: once when it starts, now and then while it
//! lasts, once when it ends — not a warning per failed round.

use std::time::{Duration, Instant};

use super::StoreError;

/// A reminder that the store is still down goes to the log at most this often.
const REMIND_EVERY: Duration = Duration::from_secs(30);

/// The outage one loop (`what`) is in, if any.
#[derive(Debug)]
pub struct OutageLog {
    what: &'static str,
    since: Option<Instant>,
    failures: u64,
    last_told: Option<Instant>,
}

impl OutageLog {
    pub fn new(what: &'static str) -> OutageLog {
        OutageLog {
            what,
            since: None,
            failures: 0,
            last_told: None,
        }
    }

    /// A round failed on the store at `now`.
    pub fn failed(&mut self, error: &StoreError, now: Instant) {
        self.failures += 1;
        let since = *self.since.get_or_insert(now);
        if self.is_due(now) {
            self.last_told = Some(now);
            tracing::warn!(
                loop_name = self.what,
                error = %error,
                failures = self.failures,
                down_for_s = now.saturating_duration_since(since).as_secs(),
                "store unavailable; backing off"
            );
        }
    }

    /// A round went through at `now`: ends the outage, if there was one.
    pub fn succeeded(&mut self, now: Instant) {
        if let Some(since) = self.since.take() {
            tracing::info!(
                loop_name = self.what,
                failures = self.failures,
                down_for_ms = now.saturating_duration_since(since).as_millis() as u64,
                "store reachable again"
            );
        }
        self.failures = 0;
        self.last_told = None;
    }

    /// Whether the loop is in an outage.
    pub fn is_down(&self) -> bool {
        self.since.is_some()
    }

    /// Whether a failure at `now` is told (the first of an outage, or the first after
    /// [`REMIND_EVERY`]).
    fn is_due(&self, now: Instant) -> bool {
        self.last_told
            .is_none_or(|told| now.saturating_duration_since(told) >= REMIND_EVERY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_told_once_then_every_half_minute_and_ends_on_success() {
        let mut log = OutageLog::new("test");
        let t0 = Instant::now();
        let error = StoreError::Unavailable("down".into());
        assert!(log.is_due(t0));
        log.failed(&error, t0);
        assert!(log.is_down());
        assert!(!log.is_due(t0 + Duration::from_secs(29)));
        log.failed(&error, t0 + Duration::from_secs(29));
        assert!(log.is_due(t0 + Duration::from_secs(30)));
        log.succeeded(t0 + Duration::from_secs(31));
        assert!(!log.is_down());
        assert!(
            log.is_due(t0 + Duration::from_secs(32)),
            "a new outage is told at once"
        );
    }
}
