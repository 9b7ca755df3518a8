//! `[messaging]`: the worker's limits, the failover pair, the frequency cap, and the reply words.

use std::collections::HashSet;

use super::Issues;
use crate::config::{MessagingSettings, Settings};
use crate::domain::reply::{BUILT_IN_OPT_OUT, normalise};

pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) {
    let m = &settings.messaging;
    if !m.health_bind.is_empty() && m.health_bind.parse::<std::net::SocketAddr>().is_err() {
        issues.add(
            "messaging.health_bind",
            "must be an address with a port, e.g. 127.0.0.1:9091, or empty for none",
        );
    }
    if m.batch_size == 0 || m.batch_size > 10_000 {
        issues.add("messaging.batch_size", "must be between 1 and 10000");
    }
    if m.concurrency == 0 {
        issues.add("messaging.concurrency", "must be at least 1");
    }
    if m.max_attempts == 0 {
        issues.add("messaging.max_attempts", "must be at least 1");
    }
    if m.sms_failover == Some(m.sms_provider) {
        issues.add(
            "messaging.sms_failover",
            "must name a provider other than messaging.sms_provider",
        );
    }
    if m.email_failover == Some(m.email_provider) {
        issues.add(
            "messaging.email_failover",
            "must name a provider other than messaging.email_provider",
        );
    }
    if m.breaker_failures == 0 {
        issues.add("messaging.breaker_failures", "must be at least 1");
    }
    if m.reminder_cooldown_hours > 24 * 7 {
        issues.add(
            "messaging.reminder_cooldown_hours",
            "must be at most 168 (one week)",
        );
    }
    if m.receipt_grace_seconds > 24 * 3600 {
        issues.add(
            "messaging.receipt_grace_seconds",
            "must be at most 86400 (one day)",
        );
    }
    reply_words(m, issues);
}

/// Opt-out and opt-in phrases must each match something, and never both the same reply.
fn reply_words(m: &MessagingSettings, issues: &mut Issues<'_>) {
    for (field, phrases) in [
        ("messaging.opt_out_words", &m.opt_out_words),
        ("messaging.opt_in_words", &m.opt_in_words),
    ] {
        for phrase in phrases {
            if normalise(phrase).is_empty() {
                issues.add(
                    field,
                    format!(
                        "{phrase:?} has no words to match (only punctuation or courtesy words, or more than 16 words)"
                    ),
                );
            }
        }
    }
    let opt_out: HashSet<String> = BUILT_IN_OPT_OUT
        .iter()
        .copied()
        .chain(m.opt_out_words.iter().map(String::as_str))
        .map(normalise)
        .collect();
    for phrase in &m.opt_in_words {
        if opt_out.contains(&normalise(phrase)) {
            issues.add(
                "messaging.opt_in_words",
                format!("{phrase:?} is also an opt-out phrase"),
            );
        }
    }
}
