//! The send loop's heartbeat: when it last made progress, for the worker's liveness probe.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Beaten by the send loop at every round and every message it starts; a loop that stops
/// beating is stuck, and an orchestrator should restart the process.
#[derive(Debug)]
pub struct Heartbeat {
    last: Mutex<Instant>,
    beats: AtomicU64,
}

impl Default for Heartbeat {
    fn default() -> Heartbeat {
        Heartbeat::new()
    }
}

impl Heartbeat {
    /// Counts as a beat now: a loop that never starts goes stale like one that stops.
    pub fn new() -> Heartbeat {
        Heartbeat {
            last: Mutex::new(Instant::now()),
            beats: AtomicU64::new(0),
        }
    }

    pub fn beat(&self) {
        self.beat_at(Instant::now());
    }

    /// Records a beat at `at` (tests set one in the past instead of waiting).
    pub fn beat_at(&self, at: Instant) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = at;
        self.beats.fetch_add(1, Ordering::Relaxed);
    }

    /// Time since the last beat, as seen at `now`.
    pub fn age_at(&self, now: Instant) -> Duration {
        now.saturating_duration_since(*self.last.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Whether the last beat is at most `max_age` old at `now`.
    pub fn is_fresh_at(&self, now: Instant, max_age: Duration) -> bool {
        self.age_at(now) <= max_age
    }

    /// How many beats there have been.
    pub fn beats(&self) -> u64 {
        self.beats.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heartbeat_goes_stale_when_no_beat_comes() {
        let heartbeat = Heartbeat::new();
        let start = Instant::now();
        let max_age = Duration::from_secs(10);
        assert!(heartbeat.is_fresh_at(start, max_age));
        assert!(!heartbeat.is_fresh_at(start + Duration::from_secs(11), max_age));
        heartbeat.beat_at(start + Duration::from_secs(11));
        assert!(heartbeat.is_fresh_at(start + Duration::from_secs(12), max_age));
        assert_eq!(heartbeat.beats(), 1);
    }
}
