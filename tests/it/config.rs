//! Configuration through the real loader and the real binary: a mandate that asks for more than
//! the law allows is refused with the file and the field named, and nothing starts.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

pub(crate) fn config_dir_with(mandate_edit: impl Fn(String) -> String) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let dir = std::env::temp_dir().join(format!("innfri-config-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("mandates")).expect("dir");
    for file in ["default.toml", "demo.toml"] {
        std::fs::copy(root.join(file), dir.join(file)).expect("copy");
    }
    let creditor =
        std::fs::read_to_string(root.join("mandates/nordlys-energi.toml")).expect("creditor");
    std::fs::write(
        dir.join("mandates/nordlys-energi.toml"),
        mandate_edit(creditor),
    )
    .expect("write");
    dir
}

#[test]
fn the_shipped_configuration_is_valid() {
    let output = common::innfri_demo(common::CONFIG_DIR, "check-config")
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn check_demo_config(env: &[(&str, &str)]) -> String {
    let output = common::innfri_demo(common::CONFIG_DIR, "check-config")
        .envs(env.iter().copied())
        .output()
        .expect("run");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn sms_texts_that_need_more_parts_than_allowed_are_warned_about() {
    // The shipped texts are GSM-7 and fit two parts with the longest values.
    let quiet = check_demo_config(&[]);
    // No SMS warning. The only warning may be the late-payment interest table's: the built-in
    // one ends 2026-07-01 and every installation is told until an operator adds the half-year
    // (`interest::check_config_refuses_bad_rates_and_warns_about_a_missing_half_year`).
    assert!(
        quiet
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .all(|l| l.starts_with("warning: law NO: no late-payment interest rate")),
        "{quiet}"
    );
    let strict = check_demo_config(&[("INNFRI__MESSAGING__MAX_SMS_SEGMENTS", "1")]);
    assert!(
        strict.contains("warning: templates/locales/nb/main.ftl: reminder-sms: up to 2 SMS parts"),
        "{strict}"
    );
    assert!(strict.contains("configuration is valid"));
}

#[test]
fn a_plan_fee_above_the_legal_limit_is_refused_with_file_and_field() {
    let dir = config_dir_with(|c| c.replace("establishment_fee = 0", "establishment_fee = 2000"));
    let output = common::innfri_demo(&dir, "check-config")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("mandates/nordlys-energi.toml: mandate.plan.establishment_fee"),
        "{errors}"
    );
    assert!(errors.contains("1125"), "the limit is named: {errors}");
    // `serve` refuses to start with the same message.
    let serve = common::innfri_demo(&dir, "serve").output().expect("run");
    assert_eq!(serve.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&serve.stderr).contains("mandate.plan.establishment_fee"));
}

#[test]
fn contradictory_limits_and_bad_account_numbers_are_each_named() {
    let dir = config_dir_with(|c| {
        c.replace("auto_grant_days = 14", "auto_grant_days = 45")
            .replace("1503.12.34562", "1503.12.34563")
    });
    let errors = innfri::config::ConfigSource::new(&dir, Some("demo"))
        .load()
        .expect_err("invalid")
        .to_string();
    assert!(
        errors.contains("mandate.deferral.auto_grant_days"),
        "{errors}"
    );
    let fixed = config_dir_with(|c| c.replace("1503.12.34562", "1503.12.34563"));
    let errors = innfri::config::ConfigSource::new(&fixed, Some("demo"))
        .load()
        .expect_err("invalid")
        .to_string();
    assert!(errors.contains("creditor.bank_account"), "{errors}");
}

#[test]
fn a_misspelled_setting_is_named_with_its_file() {
    let dir = config_dir_with(|c| c);
    let default = std::fs::read_to_string(dir.join("default.toml")).expect("read");
    std::fs::write(
        dir.join("default.toml"),
        default.replace("ttl_days = 30", "ttl_dayz = 30"),
    )
    .expect("write");
    let errors = innfri::config::ConfigSource::new(&dir, Some("demo"))
        .load()
        .expect_err("invalid")
        .to_string();
    assert!(
        errors.contains("default.toml") && errors.contains("ttl_dayz"),
        "{errors}"
    );
}

/// `check-config` with only these settings over the shipped files (no link key in the
/// defaults, so one is given), its exit code and what it printed on stderr.
fn check_config(profile: Option<&str>, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_innfri"));
    command.args([
        "--config-dir",
        concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
    ]);
    if let Some(profile) = profile {
        command.args(["--profile", profile]);
    }
    let output = command
        .arg("check-config")
        .env(
            "INNFRI__LINKS__KEYS__1",
            "74657374206c696e6b206b6579206f66206174206c65617374203332206279746573",
        )
        .env("INNFRI__STORE__PSEUDONYM_KEY", "ab".repeat(32))
        .envs(env.iter().copied())
        .output()
        .expect("run");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn stand_in_providers_are_refused_behind_https_unless_the_profile_is_a_demo() {
    let https = (
        "INNFRI__SERVER__PUBLIC_BASE_URL",
        "https://betal.example.no",
    );
    // Production-like: https with the fake card page and console messages.
    let (code, errors) = check_config(None, &[https, ("INNFRI__PAYMENTS__CARD", "fake")]);
    assert_eq!(code, Some(2), "{errors}");
    for field in [
        "payments.card",
        "messaging.sms_provider",
        "messaging.email_provider",
    ] {
        assert!(
            errors.contains(&format!("{field}: is \"")),
            "{field}: {errors}"
        );
    }
    assert!(!errors.contains("payments.vipps"), "vipps is off: {errors}");
    assert!(
        errors.contains("demo = true"),
        "the way out is named: {errors}"
    );
    // The same over plain http (a laptop) is fine.
    let (code, errors) = check_config(None, &[("INNFRI__PAYMENTS__CARD", "fake")]);
    assert_eq!(code, Some(0), "{errors}");
    // The demo profile says it is a demo, so it may run behind https …
    let (code, errors) = check_config(Some("demo"), &[https]);
    assert_eq!(code, Some(0), "{errors}");
    // … but not once that is switched off.
    let (code, errors) = check_config(Some("demo"), &[https, ("INNFRI__DEMO", "false")]);
    assert_eq!(code, Some(2), "{errors}");
    assert!(errors.contains("payments.vipps"), "{errors}");
}

#[test]
fn bad_proxies_timeouts_probe_addresses_and_miss_budgets_are_each_named() {
    let demo = || {
        innfri::config::ConfigSource::new(
            concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
            Some("demo"),
        )
    };
    let cases = [
        (
            "server.trusted_proxies",
            serde_json::json!(["10.0.0.0/8", "proxy.local"]),
        ),
        ("store.response_timeout_ms", serde_json::json!(0)),
        ("store.connect_timeout_ms", serde_json::json!(600_000)),
        ("store.max_reconnect_delay_ms", serde_json::json!(0)),
        ("messaging.health_bind", serde_json::json!("localhost")),
        ("links.misses_per_minute", serde_json::json!(0)),
    ];
    for (key, value) in cases {
        let errors = demo()
            .with(key, value)
            .load()
            .expect_err("invalid")
            .to_string();
        assert!(errors.contains(key), "{key}: {errors}");
    }
    let config = demo()
        .with("server.trusted_proxies", ["10.0.0.7", "fd00::/8"])
        .with("server.forwarded_header", "forwarded")
        .with("messaging.health_bind", "127.0.0.1:0")
        .load()
        .expect("valid");
    assert_eq!(config.settings.server.trusted_proxies.len(), 2);
}

#[test]
fn trusted_proxies_can_be_set_by_environment_as_a_list() {
    let output = common::innfri_demo(common::CONFIG_DIR, "check-config")
        .env(
            "INNFRI__SERVER__TRUSTED_PROXIES",
            r#"["127.0.0.1", "10.0.0.0/8"]"#,
        )
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let refused = common::innfri_demo(common::CONFIG_DIR, "check-config")
        .env("INNFRI__SERVER__TRUSTED_PROXIES", r#"["proxy.local"]"#)
        .output()
        .expect("run");
    assert!(!refused.status.success());
    let errors = String::from_utf8_lossy(&refused.stderr);
    assert!(
        errors.contains("server.trusted_proxies") && errors.contains("proxy.local"),
        "{errors}"
    );
    for bad in ["otel-collector:4318", "ftp://collector/v1/traces"] {
        let refused = common::innfri_demo(common::CONFIG_DIR, "check-config")
            .env("INNFRI__LOG__OTLP_TRACES_URL", bad)
            .output()
            .expect("run");
        assert!(!refused.status.success(), "{bad} is refused");
        let errors = String::from_utf8_lossy(&refused.stderr);
        assert!(errors.contains("log.otlp_traces_url"), "{errors}");
    }
}

fn check_config_in(dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_innfri"))
        .args(["--config-dir", &dir.to_string_lossy(), "check-config"])
        .envs(env.iter().copied())
        .env("INNFRI__LINKS__KEYS__1", "cd".repeat(32))
        .output()
        .expect("run")
}

#[test]
fn the_redis_store_needs_a_pseudonym_key_of_at_least_32_bytes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let missing = check_config_in(&dir, &[]);
    assert_eq!(missing.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&missing.stderr);
    assert!(
        errors.contains("store.pseudonym_key: is required for the Redis store"),
        "{errors}"
    );
    let short = check_config_in(&dir, &[("INNFRI__STORE__PSEUDONYM_KEY", "abcd")]);
    assert_eq!(short.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&short.stderr);
    assert!(
        errors.contains("store.pseudonym_key: must be at least 32 bytes"),
        "{errors}"
    );
    let good = check_config_in(&dir, &[("INNFRI__STORE__PSEUDONYM_KEY", &"ab".repeat(32))]);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
}

#[test]
fn retention_days_out_of_range_are_refused_with_the_field_named() {
    let dir = config_dir_with(|c| {
        c.replace(
            "# What innfri may grant",
            "[retention]\nerase_after_days = 0\n\n# What innfri may grant",
        )
    });
    let output = common::innfri_demo(&dir, "check-config")
        .env("INNFRI__RETENTION__EVENTS_DAYS", "4000")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains(
            "mandates/nordlys-energi.toml: retention.erase_after_days: must be between 1 and 3650"
        ),
        "{errors}"
    );
    assert!(
        errors.contains("retention.events_days: must be between 1 and 3650"),
        "{errors}"
    );
}

#[test]
fn the_store_file_is_for_the_embedded_backend_in_a_folder_that_exists() {
    let tmp = env!("CARGO_TARGET_TMPDIR");
    let file = format!("{tmp}/check-config-store.redb");
    let (code, errors) = check_config(Some("demo"), &[("INNFRI__STORE__PATH", &file)]);
    assert_eq!(code, Some(0), "{errors}");
    let (code, errors) = check_config(
        None,
        &[
            ("INNFRI__STORE__BACKEND", "redis"),
            ("INNFRI__STORE__PATH", &file),
        ],
    );
    assert_eq!(code, Some(2));
    assert!(
        errors.contains("store.path: is for the embedded backend only"),
        "{errors}"
    );
    let (code, errors) = check_config(
        Some("demo"),
        &[(
            "INNFRI__STORE__PATH",
            &format!("{tmp}/no-such-folder/store.redb"),
        )],
    );
    assert_eq!(code, Some(2));
    assert!(
        errors.contains("store.path: its folder") && errors.contains("does not exist"),
        "{errors}"
    );
    let (code, errors) = check_config(Some("demo"), &[("INNFRI__STORE__PATH", tmp)]);
    assert_eq!(code, Some(2));
    assert!(
        errors.contains("store.path: must name a file, not a folder"),
        "{errors}"
    );
}

#[test]
fn a_changes_by_naming_an_unknown_agency_is_warned_about() {
    let quiet = check_demo_config(&[]);
    assert!(!quiet.contains("changes_by"), "{quiet}");
    let dir = config_dir_with(|c| {
        c.replace(
            r#"changes_by = ["demo-inkasso"]"#,
            r#"changes_by = ["demo-inkaso"]"#,
        )
    });
    let output = common::innfri_demo(&dir, "check-config")
        .output()
        .expect("run");
    assert!(output.status.success(), "only a warning");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains(
            "warning: creditor 'nordlys-energi': changes_by names agency 'demo-inkaso', which is not in the configuration"
        ),
        "{out}"
    );
}
