//! How long the store keeps what it keeps only for a while: every time to live and retention
//! period either backend applies, in one place, so both expire the same things after the
//! same time.
//!
//! Lifetimes set by the caller are not here but named for completeness: a link lives until
//! its `expires_at`, a debtor session until its idle time (configuration) runs out or its
//! `expires_at` comes, whichever is first, and a frequency-cap window as long as
//! `ContactCap::window` (configuration).

use std::time::Duration;

const DAY: u64 = 24 * 3600;

/// A started `Idempotency-Key` claim lapses after this if its request never finishes, so a
/// crash does not block the key for good.
pub const IDEMPOTENCY_CLAIM: Duration = Duration::from_secs(60);

/// A finished request's response is replayed for this long (and its case's index of saved
/// answers kept as long).
pub const IDEMPOTENCY_ANSWER: Duration = Duration::from_secs(DAY);

/// A provider's message id finds its message for receipts this long: receipts arrive within
/// days, the index need not outlive a month.
pub const PROVIDER_ID: Duration = Duration::from_secs(31 * DAY);

/// A number's SMS reply route (the case its last SMS was about) is kept this long: replies
/// come within days of a message; three months is plenty.
pub const REPLY_ROUTE: Duration = Duration::from_secs(92 * DAY);

/// `lifetime` as a chrono duration.
pub fn span(lifetime: Duration) -> chrono::Duration {
    chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::MAX)
}

/// When something kept at `now` for `lifetime` expires (never overflowing: a lifetime past the
/// end of time ends there).
pub fn deadline(
    now: chrono::DateTime<chrono::Utc>,
    lifetime: Duration,
) -> chrono::DateTime<chrono::Utc> {
    now.checked_add_signed(span(lifetime))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
}

/// `lifetime` in whole milliseconds, as `PEXPIRE` and `SET … PX` take it; at least 1, since
/// Redis refuses a zero time to live on a write and deletes the key on `PEXPIRE 0`.
pub fn millis(lifetime: Duration) -> u64 {
    u64::try_from(lifetime.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// The time to live left until `end`, seen at `now` (at least 1 ms).
pub fn until(end: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> Duration {
    (end - now)
        .to_std()
        .unwrap_or(Duration::ZERO)
        .max(Duration::from_millis(1))
}

/// A debtor session's time to live at `now`: its idle time, but never past its `expires_at`.
pub fn session(
    idle: Duration,
    expires_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Duration {
    idle.min(until(expires_at, now))
}
