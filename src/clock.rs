//! The one clock every entry point reads `now` from: the system clock in production, a
//! settable clock in tests (tests move time instead of sleeping).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// Where the current time comes from. The domain never reads a clock; it is handed `now`.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// What the shared context holds.
pub type SharedClock = Arc<dyn Clock>;

/// The real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until it is set or moved; clones share one time.
#[derive(Debug, Clone)]
pub struct SettableClock {
    at: Arc<Mutex<DateTime<Utc>>>,
}

impl SettableClock {
    pub fn at(start: DateTime<Utc>) -> SettableClock {
        SettableClock {
            at: Arc::new(Mutex::new(start)),
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.lock() = to;
    }

    pub fn advance(&self, by: Duration) {
        let mut at = self.lock();
        *at += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A poisoned lock still holds a valid time: a panicking test must not hide the time.
        self.at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_settable_clock_stands_still_until_moved_and_clones_share_it() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let clock = SettableClock::at(start);
        let shared = clock.clone();
        assert_eq!(shared.now(), start);
        clock.advance(Duration::days(14));
        assert_eq!(shared.now(), start + Duration::days(14));
        clock.set(start);
        assert_eq!(shared.now(), start);
    }

    #[test]
    fn the_system_clock_moves() {
        let before = Utc::now();
        assert!(SystemClock.now() >= before);
    }
}
