//! Test harness: the app under test and its builder (`app`), a debtor on a phone (`debtor`),
//! the fake Twilio (`twilio_fake`), a redis-server started once for the test binary, the test
//! keys, and the fixtures and clocks tests share.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use innfri::store::{EmbeddedStore, RedisOptions, RedisStore, RedisTarget, SharedStore};

pub mod app;
pub mod cluster;
pub mod debtor;
pub mod providers;
pub mod s3;
pub mod twilio_fake;

pub use app::{TestApp, TestAppBuilder, spawn_app};
pub use debtor::{Debtor, debtor, debtor_due_on, debtor_in};

pub const KEY_A: &str = "ik_test_agency_a_key_0000000000";
pub const KEY_B: &str = "ik_test_agency_b_key_1111111111";
pub const LINK_KEY_HEX: &str =
    "74657374206c696e6b206b6579206f66206174206c65617374203332206279746573";
/// The demo profile's pseudonym key, so the app under test and the `innfri` binary run by a
/// test (with `--profile demo`) agree on the pseudonyms in a shared Redis namespace.
pub const PSEUDONYM_KEY_HEX: &str =
    "64656d6f2d6f6e6c792d70736575646f6e796d2d6b65792d6e6f742d666f722d70726f64756374696f6e";

pub fn pseudonyms() -> innfri::store::Pseudonyms {
    innfri::store::Pseudonyms::from_hex(PSEUDONYM_KEY_HEX).expect("test pseudonym key")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Embedded,
    Redis,
    /// A three-master Redis Cluster (`cluster.rs`).
    Cluster,
}

/// A Redis for this test binary: `INNFRI_TEST_REDIS_URL`, or a redis-server on a free port that
/// stops when this process ends.
pub fn redis_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("INNFRI_TEST_REDIS_URL") {
            return url;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let pid = std::process::id();
        let script = format!(
            "redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no --loglevel warning & R=$!; \
             while kill -0 {pid} 2>/dev/null && kill -0 $R 2>/dev/null; do sleep 0.5; done; kill $R 2>/dev/null"
        );
        let mut watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (scripts/test installs it)");
        std::thread::spawn(move || watchdog.wait());
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return format!("redis://127.0.0.1:{port}/0");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start on port {port}");
    })
}

pub fn unique_namespace() -> String {
    format!("test-{}", uuid::Uuid::new_v4().simple())
}

pub async fn store(backend: Backend) -> SharedStore {
    match backend {
        Backend::Embedded => Arc::new(EmbeddedStore::new()),
        Backend::Redis => Arc::new(
            RedisStore::connect(redis_url(), &unique_namespace(), pseudonyms())
                .await
                .expect("redis"),
        ),
        Backend::Cluster => Arc::new(cluster_store(&unique_namespace()).await),
    }
}

/// A store on the test cluster under `namespace`.
pub async fn cluster_store(namespace: &str) -> RedisStore {
    RedisStore::open(
        &RedisTarget::Cluster(cluster::nodes().to_vec()),
        namespace,
        pseudonyms(),
        RedisOptions::default(),
    )
    .await
    .expect("redis cluster")
}

pub fn case_body(external_ref: &str, principal: &str) -> String {
    serde_json::json!({
        "external_ref": external_ref,
        "creditor_id": "nordlys-energi",
        "debtor": {"name": "Ola Nordmann", "phone": "912 34 567", "email": "ola@example.no", "locale": "nb"},
        "claim": [
            {"kind": "principal", "description": "Faktura 1001", "amount": principal},
            {"kind": "interest", "description": "Forsinkelsesrente", "amount": "14.50"},
            {"kind": "fee", "description": "Purregebyr", "amount": 35}
        ],
        "due_date": "2026-12-01"
    })
    .to_string()
}

/// The CSRF token in a debtor form's HTML.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf token in the form")
        .to_owned()
}

/// Generates one `#[tokio::test]` per backend from an `async fn(Backend)`.
#[allow(unused_macros)]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $( #[tokio::test] async fn $name() { super::$name(crate::common::Backend::Embedded).await } )*
        }
        mod redis {
            $( #[tokio::test] async fn $name() { super::$name(crate::common::Backend::Redis).await } )*
        }
    };
}

/// As `on_both_stores!`, and on the test's Redis Cluster too.
#[allow(unused_macros)]
macro_rules! on_every_redis {
    ($($name:ident),* $(,)?) => {
        on_both_stores!($($name),*);
        mod cluster {
            $( #[tokio::test] async fn $name() { super::$name(crate::common::Backend::Cluster).await } )*
        }
    };
}

/// An instant (in the future, so everything queued now is due) at a given Oslo wall-clock
/// time on the next working day after tomorrow: tests pick their hour instead of the clock's.
pub fn oslo_working_day_at(hour: u32) -> chrono::DateTime<chrono::Utc> {
    oslo_at(hour, innfri::domain::jurisdiction::no::is_business_day)
}

/// As [`oslo_working_day_at`], on a working day that another follows (not a Friday): the next
/// contact hours after a late hour are then the next morning's, not a Saturday's.
pub fn oslo_working_day_before_another_at(hour: u32) -> chrono::DateTime<chrono::Utc> {
    use innfri::domain::jurisdiction::no::is_business_day;
    oslo_at(hour, |day| {
        is_business_day(day) && is_business_day(day + chrono::Duration::days(1))
    })
}

/// `hour` o'clock in Oslo on the first day after tomorrow that `fits`.
fn oslo_at(hour: u32, fits: impl Fn(chrono::NaiveDate) -> bool) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let mut day = chrono::Utc::now().date_naive() + chrono::Duration::days(2);
    while !fits(day) {
        day += chrono::Duration::days(1);
    }
    let local = day.and_hms_opt(hour, 0, 0).expect("time");
    chrono_tz::Europe::Oslo
        .from_local_datetime(&local)
        .earliest()
        .expect("a real local time")
        .with_timezone(&chrono::Utc)
}

/// The example creditor's mandate as shipped in `config/mandates`, without its journey: what
/// every test app starts with, so a test about something else sees only its own messages.
pub fn example_mandate() -> String {
    let full = example_mandate_with_journey();
    full.split("\n# The notices innfri sends by itself")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The example creditor's file as shipped, journey and all (`TestAppBuilder::with_journey`),
/// except that agency A (not B) may change its mandate and journey too.
pub fn example_mandate_with_journey() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/mandates/nordlys-energi.toml"
    ))
    .expect("creditor")
    .replace(
        "changes_by = [\"demo-inkasso\"]",
        "changes_by = [\"demo-inkasso\", \"agency-a\"]",
    )
}

/// A fresh folder to point `creditors_dir` at, holding these creditor files (name, contents).
pub fn creditors_dir(files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "innfri-creditors-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, contents) in files {
        std::fs::write(dir.join(name), contents).expect("write");
    }
    dir
}

/// The repo's configuration folder.
pub const CONFIG_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config");

/// `innfri --config-dir <config_dir> --profile demo <command>`, the real binary; callers add
/// their arguments and environment and run it.
pub fn innfri_demo(config_dir: impl AsRef<std::path::Path>, command: &str) -> Command {
    let mut cli = Command::new(env!("CARGO_BIN_EXE_innfri"));
    cli.arg("--config-dir")
        .arg(config_dir.as_ref())
        .args(["--profile", "demo", command]);
    cli
}

/// `innfri --config-dir config --profile demo <command>` on this binary's Redis under
/// `namespace`, logging only warnings; callers add their arguments and run it.
pub fn demo_cli(command: &str, namespace: &str) -> Command {
    let mut cli = innfri_demo(CONFIG_DIR, command);
    cli.env("INNFRI__STORE__BACKEND", "redis")
        .env("INNFRI__STORE__REDIS_URL", redis_url())
        .env("INNFRI__STORE__NAMESPACE", namespace)
        .env("INNFRI__LOG__LEVEL", "warn");
    cli
}
