//! `[store]`: the key namespace, the timeouts, the pseudonym key, and the embedded store's file.

use secrecy::ExposeSecret;

use super::Issues;
use crate::config::{Backend, Settings};
use crate::store::Pseudonyms;

/// The store's pseudonyms, or `None` when the key is missing or invalid.
pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) -> Option<Pseudonyms> {
    let store = &settings.store;
    if store.namespace.is_empty() || store.namespace.contains(['{', '}', ' ']) {
        issues.add(
            "store.namespace",
            "must be non-empty without spaces or braces",
        );
    }
    for (key, ms, min) in [
        ("store.response_timeout_ms", store.response_timeout_ms, 10),
        ("store.connect_timeout_ms", store.connect_timeout_ms, 10),
        (
            "store.max_reconnect_delay_ms",
            store.max_reconnect_delay_ms,
            1,
        ),
    ] {
        if !(min..=60_000).contains(&ms) {
            issues.add(
                key,
                format!("must be between {min} and 60000 (milliseconds)"),
            );
        }
    }
    if !(1..=1024).contains(&store.redis_queue_shards) {
        issues.add("store.redis_queue_shards", "must be between 1 and 1024");
    }
    for node in &store.redis_cluster_nodes {
        if !node.starts_with("redis://") && !node.starts_with("rediss://") {
            issues.add(
                "store.redis_cluster_nodes",
                "each must be a redis:// (or rediss://) URL",
            );
        }
    }
    if let Some(path) = &store.path {
        if store.backend != Backend::Embedded {
            issues.add(
                "store.path",
                "is for the embedded backend only (store.backend = \"embedded\"); Redis keeps its own data",
            );
        }
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => std::path::Path::new("."),
        };
        if path.as_os_str().is_empty() || path.is_dir() {
            issues.add("store.path", "must name a file, not a folder");
        } else if !folder.is_dir() {
            issues.add(
                "store.path",
                format!("its folder {} does not exist", folder.display()),
            );
        }
    }
    match (&store.pseudonym_key, store.backend) {
        (Some(key), _) => match Pseudonyms::from_hex(key.expose_secret()) {
            Ok(p) => Some(p),
            Err(e) => {
                issues.add("store.pseudonym_key", e.to_string());
                None
            }
        },
        (None, Backend::Embedded) => Some(Pseudonyms::random()),
        (None, Backend::Redis) => {
            issues.add(
                "store.pseudonym_key",
                "is required for the Redis store, e.g. INNFRI__STORE__PSEUDONYM_KEY=<64 hex digits> (innfri new-link-key makes one); keep it: a new key forgets every opt-out",
            );
            None
        }
    }
}
