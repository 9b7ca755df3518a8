//! `[server]`: the public origin and the bank-file size limit; `[log]`: the trace export URL.

use super::Issues;
use crate::config::Settings;

pub(super) fn check(settings: &Settings, issues: &mut Issues<'_>) {
    let server = &settings.server;
    if !(server.public_base_url.starts_with("https://")
        || server.public_base_url.starts_with("http://"))
        || server.public_base_url.ends_with('/')
    {
        issues.add(
            "server.public_base_url",
            "must start with https:// (or http:// for local use) and not end with '/'",
        );
    }
    if server.max_bank_file_mb == 0 || server.max_bank_file_mb > 1024 {
        issues.add("server.max_bank_file_mb", "must be between 1 and 1024");
    }
    if let Some(url) = &settings.log.otlp_traces_url
        && !reqwest::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
    {
        issues.add(
            "log.otlp_traces_url",
            "must be the collector's whole http(s) URL, e.g. http://otel-collector:4318/v1/traces",
        );
    }
}
