//! A send whose outcome was lost: the worker that started it stopped (killed, or its lease ran
//! out) while the message was `sending`, so the provider may or may not have it. Before sending
//! again, the worker asks the provider where its API allows; these are the rules for what it
//! then does, so that a debtor does not get the same message twice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::MessageId;
use super::message::retry_delay;

/// Kept on a message from the moment a lost start is noticed until it is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownOutcome {
    /// When the lost start began (the first one, if several were lost in a row).
    pub since: DateTime<Utc>,
    /// Lookups at the provider that failed so far.
    pub failed_lookups: u32,
}

/// One message a provider has on record for a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRecord {
    /// The provider's id for it (Twilio's `SM…` sid).
    pub provider_id: String,
    /// The text as the provider keeps it.
    pub body: String,
    pub created_at: Option<DateTime<Utc>>,
    /// Our message id, where the provider's record carries it (metadata, a reference field).
    pub message_id: Option<MessageId>,
}

/// What a provider can tell about what it sent to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SentLookup {
    pub records: Vec<ProviderRecord>,
    /// `false` when a provider that may have sent the message cannot be asked: then not finding
    /// it proves nothing.
    pub complete: bool,
}

impl SentLookup {
    /// A provider whose API has no way to look up what it sent.
    pub fn unavailable() -> SentLookup {
        SentLookup {
            records: Vec::new(),
            complete: false,
        }
    }
}

/// What asking the provider came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupResult {
    /// One of its records is this message: the provider's id.
    Found(String),
    /// None of its records is this message; `complete` as in [`SentLookup`].
    NotFound { complete: bool },
    /// The provider could not be asked (down, refused).
    Failed,
}

/// How long to keep trying before sending without knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryRules {
    /// Failed lookups after which the message is sent again anyway: an outage of the lookup
    /// must not hold a message for ever.
    pub lookup_attempts: u32,
    /// Where the provider cannot be asked: how long after the lost start a delivery receipt
    /// (which names our message) may still settle it before it is sent again.
    pub receipt_grace: chrono::Duration,
}

/// What the worker does next with a message whose outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// The provider has it: record it as sent under this provider id, and send nothing.
    RecordSent(String),
    /// Send it (again): the provider does not have it, or there is no more waiting to do.
    Send,
    /// Try again at this time (a failed lookup), or wait until then for a receipt.
    WaitUntil(DateTime<Utc>),
}

/// The rule: found → recorded, not sent; a complete "not found" → sent at once; an
/// incomplete one → wait out the receipt grace, then send; a failed lookup → retried with
/// backoff until `lookup_attempts` have failed, then sent. At-least-once stays the last resort:
/// a message is never dropped because its outcome could not be learned.
pub fn next_step(
    outcome: &UnknownOutcome,
    result: &LookupResult,
    rules: &RecoveryRules,
    now: DateTime<Utc>,
) -> NextStep {
    match result {
        LookupResult::Found(id) => NextStep::RecordSent(id.clone()),
        LookupResult::NotFound { complete: true } => NextStep::Send,
        LookupResult::NotFound { complete: false } => {
            let until = outcome.since + rules.receipt_grace;
            if now < until {
                NextStep::WaitUntil(until)
            } else {
                NextStep::Send
            }
        }
        LookupResult::Failed => {
            let failed = outcome.failed_lookups.saturating_add(1);
            if failed >= rules.lookup_attempts {
                NextStep::Send
            } else {
                NextStep::WaitUntil(now + retry_delay(failed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RecoveryRules {
        RecoveryRules {
            lookup_attempts: 3,
            receipt_grace: chrono::Duration::minutes(5),
        }
    }

    fn lost(at: DateTime<Utc>, failed_lookups: u32) -> UnknownOutcome {
        UnknownOutcome {
            since: at,
            failed_lookups,
        }
    }

    #[test]
    fn a_message_the_provider_has_is_recorded_not_sent() {
        let now = Utc::now();
        assert_eq!(
            next_step(
                &lost(now, 0),
                &LookupResult::Found("SM1".into()),
                &rules(),
                now
            ),
            NextStep::RecordSent("SM1".into())
        );
    }

    #[test]
    fn a_complete_miss_sends_at_once_and_an_incomplete_one_waits_for_a_receipt() {
        let now = Utc::now();
        let outcome = lost(now - chrono::Duration::minutes(1), 0);
        assert_eq!(
            next_step(
                &outcome,
                &LookupResult::NotFound { complete: true },
                &rules(),
                now
            ),
            NextStep::Send
        );
        let incomplete = LookupResult::NotFound { complete: false };
        assert_eq!(
            next_step(&outcome, &incomplete, &rules(), now),
            NextStep::WaitUntil(outcome.since + chrono::Duration::minutes(5))
        );
        let later = now + chrono::Duration::minutes(4);
        assert_eq!(
            next_step(&outcome, &incomplete, &rules(), later),
            NextStep::Send,
            "the grace is counted from the lost start"
        );
    }

    #[test]
    fn failed_lookups_back_off_and_then_give_way_to_a_send() {
        let now = Utc::now();
        assert_eq!(
            next_step(&lost(now, 0), &LookupResult::Failed, &rules(), now),
            NextStep::WaitUntil(now + chrono::Duration::seconds(30))
        );
        assert_eq!(
            next_step(&lost(now, 1), &LookupResult::Failed, &rules(), now),
            NextStep::WaitUntil(now + chrono::Duration::seconds(60))
        );
        assert_eq!(
            next_step(&lost(now, 2), &LookupResult::Failed, &rules(), now),
            NextStep::Send,
            "the third failure is the last"
        );
        let never_ask = RecoveryRules {
            lookup_attempts: 0,
            ..rules()
        };
        assert_eq!(
            next_step(&lost(now, 0), &LookupResult::Failed, &never_ask, now),
            NextStep::Send
        );
    }
}
