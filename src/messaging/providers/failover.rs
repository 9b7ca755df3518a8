//! Failover between two providers of one channel: a circuit breaker sends through the second
//! while the first keeps failing, and tries the first again after a pause.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use chrono::{DateTime, Utc};

use super::provider::{LookupError, Outbound, Provider, SendError, SendReceipt};
use crate::domain::lost_send::SentLookup;
use crate::domain::message::Recipient;

/// The breaker's state; pure, so its rules are tested without a clock or a network.
#[derive(Debug)]
pub struct Breaker {
    threshold: u32,
    open_for: Duration,
    failures: u32,
    open_until: Option<Instant>,
}

impl Breaker {
    pub fn new(threshold: u32, open_for: Duration) -> Breaker {
        Breaker {
            threshold: threshold.max(1),
            open_for,
            failures: 0,
            open_until: None,
        }
    }

    /// Whether this send goes to the first provider. Once the pause is over one send tries it
    /// (half-open) while the others keep using the second until that one answers.
    pub fn use_primary(&mut self, now: Instant) -> bool {
        match self.open_until {
            None => true,
            Some(until) if now < until => false,
            Some(_) => {
                self.open_until = Some(now + self.open_for);
                true
            }
        }
    }

    /// Only transient failures count: a permanent one is about the recipient, not the provider.
    pub fn record(&mut self, healthy: bool, now: Instant) {
        if healthy {
            self.failures = 0;
            self.open_until = None;
        } else {
            self.failures = self.failures.saturating_add(1);
            if self.failures >= self.threshold {
                self.open_until = Some(now + self.open_for);
            }
        }
    }
}

pub struct Failover {
    primary: std::sync::Arc<dyn Provider>,
    secondary: std::sync::Arc<dyn Provider>,
    breaker: Mutex<Breaker>,
}

impl Failover {
    pub fn new(
        primary: std::sync::Arc<dyn Provider>,
        secondary: std::sync::Arc<dyn Provider>,
        breaker: Breaker,
    ) -> Failover {
        Failover {
            primary,
            secondary,
            breaker: Mutex::new(breaker),
        }
    }
}

#[async_trait]
impl Provider for Failover {
    fn name(&self) -> &'static str {
        self.primary.name()
    }

    /// A message that fails on the first provider is not sent to the second at once: a timeout
    /// may still have been delivered, so it waits for its retry like any other, by which time
    /// the breaker may have opened and routes it to the second provider.
    async fn send(&self, outbound: &Outbound) -> Result<SendReceipt, SendError> {
        let primary = self
            .breaker
            .lock()
            .map(|mut b| b.use_primary(Instant::now()))
            .unwrap_or(true);
        if !primary {
            return self.secondary.send(outbound).await;
        }
        let result = self.primary.send(outbound).await;
        let healthy = !matches!(result, Err(SendError::Transient { .. }));
        if let Ok(mut breaker) = self.breaker.lock() {
            let was_open = breaker.open_until.is_some();
            breaker.record(healthy, Instant::now());
            if !healthy && breaker.open_until.is_some() && !was_open {
                tracing::warn!(
                    primary = self.primary.name(),
                    secondary = self.secondary.name(),
                    "provider keeps failing; sending through the failover"
                );
            }
        }
        result
    }

    /// Either provider may have sent it (the breaker decides per send), so both are asked;
    /// the answer is complete only when both answers are.
    async fn sent_to(
        &self,
        recipient: &Recipient,
        since: DateTime<Utc>,
    ) -> Result<SentLookup, LookupError> {
        let (first, second) = futures::join!(
            self.primary.sent_to(recipient, since),
            self.secondary.sent_to(recipient, since)
        );
        let (mut first, second) = (first?, second?);
        first.records.extend(second.records);
        first.complete = first.complete && second.complete;
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_and_tries_the_first_again_after_the_pause() {
        let start = Instant::now();
        let pause = Duration::from_secs(30);
        let mut breaker = Breaker::new(3, pause);
        for _ in 0..2 {
            assert!(breaker.use_primary(start));
            breaker.record(false, start);
        }
        assert!(breaker.use_primary(start), "two failures: still closed");
        breaker.record(false, start);
        assert!(!breaker.use_primary(start), "third failure opens it");
        assert!(!breaker.use_primary(start + Duration::from_secs(29)));
        let later = start + Duration::from_secs(31);
        assert!(breaker.use_primary(later), "half-open: one trial");
        assert!(!breaker.use_primary(later), "others wait for the trial");
        breaker.record(true, later);
        assert!(breaker.use_primary(later), "a success closes it");
    }

    #[test]
    fn a_failed_trial_opens_it_again_and_successes_reset_the_count() {
        let start = Instant::now();
        let mut breaker = Breaker::new(2, Duration::from_secs(10));
        breaker.record(false, start);
        breaker.record(true, start);
        breaker.record(false, start);
        assert!(breaker.use_primary(start), "the count started over");
        breaker.record(false, start);
        assert!(!breaker.use_primary(start));
        let later = start + Duration::from_secs(11);
        assert!(breaker.use_primary(later));
        breaker.record(false, later);
        assert!(!breaker.use_primary(later + Duration::from_secs(5)));
    }
}
