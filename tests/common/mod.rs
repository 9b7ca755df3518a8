//! Test harness: the real app on port 0 with its own Redis namespace (or the embedded store),
//! a redis-server started once per test binary, and small HTTP helpers.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use innfri::app::AppContext;
use innfri::config::{ConfigSource, api_key_hash};
use innfri::store::{EmbeddedStore, RedisStore, SharedStore};

pub mod twilio_fake;

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
    }
}

/// The configuration every test starts from: the repo's config folder, two agencies, a test link key.
pub fn config_source(backend: Backend) -> ConfigSource {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/config");
    let agencies = serde_json::json!([
        {"id": "agency-a", "name": "A Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_A))], "creditors": ["nordlys-energi"]},
        {"id": "agency-b", "name": "B Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_B))], "creditors": ["nordlys-energi"]}
    ]);
    let mut source = ConfigSource::new(dir, None)
        .with("server.bind", "127.0.0.1:0")
        .with("server.public_base_url", "http://127.0.0.1:1")
        .with("server.workers", 1)
        .with("links.keys", serde_json::json!({"1": LINK_KEY_HEX}))
        .with("agencies", agencies)
        .with("store.namespace", unique_namespace())
        .with("store.pseudonym_key", PSEUDONYM_KEY_HEX);
    source = match backend {
        Backend::Embedded => source.with("store.backend", "embedded"),
        Backend::Redis => source
            .with("store.backend", "redis")
            .with("store.redis_url", redis_url()),
    };
    source
}

pub struct TestApp {
    pub base: String,
    pub ctx: Arc<AppContext>,
    /// Does not follow redirects, keeps no cookies: tests see every step.
    pub http: reqwest::Client,
    pub backend: Backend,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(config_source(backend), backend).await
}

pub async fn spawn_app_with(source: ConfigSource, backend: Backend) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let base = format!("http://127.0.0.1:{port}");
    let config = source
        .with("server.public_base_url", &base)
        .load()
        .expect("test config is valid");
    let ctx = AppContext::new(config).await.expect("context");
    let server = innfri::http::server(ctx.clone(), listener).expect("server");
    tokio::spawn(server);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        base,
        ctx,
        http,
        backend,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post_json(&self, path: &str, key: Option<&str>, body: &str) -> reqwest::Response {
        let mut req = self
            .http
            .post(self.url(path))
            .header("Content-Type", "application/json")
            .body(body.to_owned());
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        req.send().await.expect("request")
    }

    pub async fn get_api(&self, path: &str, key: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .expect("request")
    }

    /// Creates a case for agency A and returns its JSON.
    /// A message as the store holds it now.
    pub async fn stored_message(
        &self,
        id: &innfri::domain::ids::MessageId,
    ) -> innfri::domain::message::Message {
        self.ctx
            .store
            .message(id)
            .await
            .expect("store")
            .expect("message")
    }

    /// A case as the store holds it now.
    pub async fn stored_case(
        &self,
        id: &innfri::domain::ids::CaseId,
    ) -> innfri::domain::case::Case {
        self.ctx.store.case(id).await.expect("store").expect("case")
    }

    pub async fn create_case(&self, external_ref: &str, principal: &str) -> serde_json::Value {
        let response = self
            .post_json(
                "/api/v1/cases",
                Some(KEY_A),
                &case_body(external_ref, principal),
            )
            .await;
        assert!(
            response.status().is_success(),
            "create case: {}",
            response.status()
        );
        response.json().await.expect("json")
    }

    /// Opens a link like a phone would: returns the session cookie ("name=value") from the 303.
    pub async fn open_link(&self, link: &str) -> Option<String> {
        let response = self.http.get(link).send().await.expect("request");
        if response.status() != reqwest::StatusCode::SEE_OTHER {
            return None;
        }
        assert_eq!(response.headers()["location"], "/case");
        let cookie = response.headers().get("set-cookie")?.to_str().ok()?;
        cookie.split(';').next().map(str::to_owned)
    }

    pub async fn case_page(&self, cookie: &str, query: &str) -> reqwest::Response {
        self.http
            .get(self.url(&format!("/case{query}")))
            .header("Cookie", cookie)
            .send()
            .await
            .expect("request")
    }
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

/// A debtor on a phone: an open case of `principal` (plus 14.50 interest and a 35 fee) due in
/// ten days, opened through its link, with the session cookie and the forms' CSRF token.
pub struct Debtor {
    pub app: TestApp,
    pub case_id: innfri::domain::ids::CaseId,
    pub cookie: String,
    pub csrf: String,
}

pub async fn debtor(backend: Backend, principal: &str) -> Debtor {
    debtor_in(spawn_app(backend).await, principal).await
}

/// As [`debtor`], in an app started from a configuration of the test's own.
pub async fn debtor_in(app: TestApp, principal: &str) -> Debtor {
    let due = innfri::domain::jurisdiction::no::business_day_on_or_after(
        chrono::Utc::now().date_naive() + chrono::Duration::days(10),
    );
    let body = case_body("S-1", principal).replace("2026-12-01", &due.to_string());
    let response = app.post_json("/api/v1/cases", Some(KEY_A), &body).await;
    assert_eq!(response.status().as_u16(), 201);
    let case: serde_json::Value = response.json().await.expect("json");
    let case_id =
        innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let link = app.ctx.issue_case_link(&case_id).await.expect("link");
    let cookie = app.open_link(&link).await.expect("session");
    let form = app
        .http
        .get(app.url("/case/dispute"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("get");
    let form = form.text().await.expect("html");
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf token in the form")
        .to_owned();
    Debtor {
        app,
        case_id,
        cookie,
        csrf,
    }
}

impl Debtor {
    /// Submits a form as the debtor's browser would (same origin, with the CSRF token).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        let response = self
            .app
            .http
            .post(self.app.url(path))
            .header("Cookie", &self.cookie)
            .header("Origin", &self.app.base)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(&all).expect("form"))
            .send()
            .await
            .expect("post");
        (
            response.status().as_u16(),
            response.text().await.expect("body"),
        )
    }

    pub async fn case(&self) -> innfri::domain::case::Case {
        self.app
            .ctx
            .store
            .case(&self.case_id)
            .await
            .expect("store")
            .expect("case")
    }

    pub async fn event_kinds(&self) -> Vec<innfri::domain::event::EventKind> {
        let agency = innfri::domain::ids::AgencyId::parse("agency-a").expect("id");
        let events = self
            .app
            .ctx
            .store
            .events_after(&agency, None, 100)
            .await
            .expect("events");
        events.into_iter().map(|(_, e)| e.kind).collect()
    }

    pub async fn page(&self) -> String {
        self.app
            .case_page(&self.cookie, "")
            .await
            .text()
            .await
            .expect("html")
    }
}

/// An instant (in the future, so everything queued now is due) at a given Oslo wall-clock
/// time on the next working day after tomorrow: tests pick their hour instead of the clock's.
pub fn oslo_working_day_at(hour: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let mut day = chrono::Utc::now().date_naive() + chrono::Duration::days(2);
    while !innfri::domain::jurisdiction::no::is_business_day(day) {
        day += chrono::Duration::days(1);
    }
    let local = day.and_hms_opt(hour, 0, 0).expect("time");
    chrono_tz::Europe::Oslo
        .from_local_datetime(&local)
        .earliest()
        .expect("a real local time")
        .with_timezone(&chrono::Utc)
}

/// The example creditor's mandate as shipped in `config/mandates`, for tests that vary it.
pub fn example_mandate() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/mandates/nordlys-energi.toml"
    ))
    .expect("creditor")
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

/// `innfri --config-dir config --profile demo <command>` on this binary's Redis under
/// `namespace`, logging only warnings; callers add their arguments and run it.
pub fn demo_cli(command: &str, namespace: &str) -> Command {
    let mut cli = Command::new(env!("CARGO_BIN_EXE_innfri"));
    cli.args([
        "--config-dir",
        concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
        "--profile",
        "demo",
        command,
    ])
    .env("INNFRI__STORE__BACKEND", "redis")
    .env("INNFRI__STORE__REDIS_URL", redis_url())
    .env("INNFRI__STORE__NAMESPACE", namespace)
    .env("INNFRI__LOG__LEVEL", "warn");
    cli
}
