//! `[links]`: lifetimes, the miss limit, and the signing keys.

use secrecy::{ExposeSecret, SecretBox};

use super::Issues;
use crate::config::Settings;
use crate::links::LinkKeys;

/// The link keys, or `None` when there are none or the signing key is not among them.
pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) -> Option<LinkKeys> {
    let links = &settings.links;
    if links.misses_per_minute == 0 {
        issues.add("links.misses_per_minute", "must be at least 1");
    }
    if links.ttl_days == 0 || links.ttl_days > 365 {
        issues.add("links.ttl_days", "must be between 1 and 365");
    }
    if links.session_idle_minutes == 0 || links.session_max_minutes < links.session_idle_minutes {
        issues.add(
            "links.session_max_minutes",
            "must be at least links.session_idle_minutes, which must be above 0",
        );
    }
    let mut keys = Vec::new();
    for (id, secret) in &links.keys {
        let field = format!("links.keys.{id}");
        let Ok(key_id) = id.parse::<u8>() else {
            issues.add(&field, "key ids must be numbers from 0 to 255");
            continue;
        };
        match hex::decode(secret.expose_secret().trim()) {
            Ok(bytes) if bytes.len() >= 32 => {
                keys.push((key_id, SecretBox::new(bytes.into_boxed_slice())))
            }
            Ok(_) => issues.add(
                &field,
                "must be at least 32 bytes (64 hex digits); make one with `innfri new-link-key`",
            ),
            Err(_) => issues.add(&field, "must be hex; make one with `innfri new-link-key`"),
        }
    }
    if links.keys.is_empty() {
        issues.add(
            "links.keys",
            "at least one key is required, e.g. INNFRI__LINKS__KEYS__1=<64 hex digits>",
        );
        return None;
    }
    match LinkKeys::new(keys, links.signing_key_id) {
        Ok(k) => Some(k),
        Err(e) => {
            issues.add(
                "links.signing_key_id",
                format!("{e} (it must name one of links.keys)"),
            );
            None
        }
    }
}
