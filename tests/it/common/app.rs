//! The app under test: [`TestApp::builder`] for every variation a test needs (store, providers
//! on fake servers, leases, caps, creditors, agencies), the real server on port 0, and the
//! HTTP and store helpers tests share.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use innfri::app::AppContext;
use innfri::config::{AppConfig, ConfigSource, api_key_hash};
use innfri::domain::event::EventKind;
use innfri::domain::ids::{AgencyId, CaseId, MessageId};
use serde_json::{Value, json};
use wiremock::MockServer;

use super::providers::{
    STRIPE_WEBHOOK_SECRET, VIPPS_WEBHOOK_SECRET, WEBHOOK_SECRET, gatewayapi_settings,
    postmark_settings,
};
use super::{
    Backend, KEY_A, KEY_B, LINK_KEY_HEX, PSEUDONYM_KEY_HEX, case_body, csrf_of, redis_url,
    twilio_fake, unique_namespace,
};

/// The two agencies every test starts with: A and B, each with one key, both for the example
/// creditor.
pub fn default_agencies() -> Value {
    json!([
        {"id": "agency-a", "name": "A Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_A))], "creditors": ["nordlys-energi"]},
        {"id": "agency-b", "name": "B Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_B))], "creditors": ["nordlys-energi"]}
    ])
}

/// The configuration every test starts from: the repo's config folder, two agencies, a test
/// link key, a namespace of its own.
fn config_source(backend: Backend) -> ConfigSource {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/config");
    let source = ConfigSource::new(dir, None)
        .with("server.bind", "127.0.0.1:0")
        .with("server.public_base_url", "http://127.0.0.1:1")
        .with("server.workers", 1)
        .with("links.keys", json!({"1": LINK_KEY_HEX}))
        .with("agencies", default_agencies())
        .with("store.namespace", unique_namespace())
        .with("store.pseudonym_key", PSEUDONYM_KEY_HEX);
    match backend {
        Backend::Embedded => source.with("store.backend", "embedded"),
        Backend::Redis => source
            .with("store.backend", "redis")
            .with("store.redis_url", redis_url()),
        Backend::Cluster => source
            .with("store.backend", "redis")
            .with("store.redis_cluster_nodes", super::cluster::nodes()),
    }
}

/// A temporary folder, removed when the app that uses it is dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the app under test is started with: the test defaults, then each setting in the order
/// given (a later one wins).
#[must_use]
pub struct TestAppBuilder {
    backend: Backend,
    settings: Vec<(String, Value)>,
    creditors: Option<TempDir>,
    clock: Option<innfri::clock::SettableClock>,
}

impl TestAppBuilder {
    /// The app reads `now` from `clock` (the system clock unless said): the test moves time.
    pub fn clock(mut self, clock: innfri::clock::SettableClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The store backend (embedded unless said).
    pub fn store(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// Any setting, by its dotted key as the configuration files name it.
    pub fn with(mut self, key: &str, value: impl serde::Serialize) -> Self {
        let value = serde_json::to_value(value).expect("a setting serialises");
        self.settings.push((key.to_owned(), value));
        self
    }

    /// SMS through Twilio at `server` (the fake's account and token, see [`twilio_fake`]).
    pub fn with_twilio(self, server: &MockServer) -> Self {
        self.with("messaging.sms_provider", "twilio")
            .with("twilio", twilio_fake::settings(server))
    }

    /// SMS through GatewayAPI at `server`.
    pub fn with_gatewayapi(self, server: &MockServer) -> Self {
        self.with("messaging.sms_provider", "gatewayapi")
            .with("gatewayapi", gatewayapi_settings(server))
    }

    /// E-mail through Postmark at `server`.
    pub fn with_postmark(self, server: &MockServer) -> Self {
        self.with("messaging.email_provider", "postmark")
            .with("postmark", postmark_settings(server))
    }

    /// Card payments through Stripe at `server`.
    pub fn with_stripe(self, server: &MockServer) -> Self {
        self.with("payments.card", "stripe").with(
            "stripe",
            json!({"secret_key": "sk_test_innfri", "webhook_secret": STRIPE_WEBHOOK_SECRET, "api_base": server.uri()}),
        )
    }

    /// Vipps payments through Vipps at `server`.
    pub fn with_vipps(self, server: &MockServer) -> Self {
        self.with("payments.vipps", "vipps").with(
            "vipps",
            json!({
                "client_id": "client-1", "client_secret": "secret-1", "subscription_key": "sub-1",
                "merchant_serial_number": "123456", "webhook_secret": VIPPS_WEBHOOK_SECRET, "api_base": server.uri(),
            }),
        )
    }

    /// Card and Vipps through the built-in fake gateways.
    pub fn fake_payments(self) -> Self {
        self.with("payments.card", "fake")
            .with("payments.vipps", "fake")
    }

    /// One send at a time under a one-second lease: tests of what happens when a lease runs out.
    pub fn short_lease(self) -> Self {
        self.with("messaging.concurrency", 1)
            .with("messaging.lease_seconds", 1)
    }

    /// No frequency cap: tests that send many reminders to the one test number.
    pub fn uncapped(self) -> Self {
        self.with("messaging.max_reminders_per_week", 1000)
            .with("messaging.reminder_cooldown_hours", 0)
    }

    /// Agency A's events delivered to the webhook at `url` (signed with [`WEBHOOK_SECRET`]);
    /// private addresses such as the test's own receiver allowed when `allow_private`.
    pub fn webhook(self, url: &str, allow_private: bool) -> Self {
        self.agencies(json!([
            {"id": "agency-a", "name": "A Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_A))],
             "creditors": ["nordlys-energi"], "webhook_url": url, "webhook_secret": WEBHOOK_SECRET},
            {"id": "agency-b", "name": "B Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_B))],
             "creditors": ["nordlys-energi"]}
        ]))
        .with("webhooks.allow_private_destinations", allow_private)
    }

    /// These agencies instead of the default two.
    pub fn agencies(self, agencies: Value) -> Self {
        self.with("agencies", agencies)
    }

    /// The creditors from these files (name, contents) instead of `config/mandates`; the folder
    /// goes when the app does.
    pub fn creditors(mut self, files: &[(&str, &str)]) -> Self {
        let dir = super::creditors_dir(files);
        self = self.with("creditors_dir", dir.to_string_lossy().to_string());
        self.creditors = Some(TempDir(dir));
        self
    }

    /// The example creditor with its journey as shipped: cases get their steps queued.
    pub fn with_journey(self) -> Self {
        self.creditors(&[(
            "nordlys-energi.toml",
            &super::example_mandate_with_journey(),
        )])
    }

    /// A Redis namespace of the test's own choosing (shared with a CLI run or a restart).
    pub fn namespace(self, namespace: &str) -> Self {
        self.with("store.namespace", namespace)
    }

    /// The configuration as built, for tests of loading it.
    pub fn source(&self) -> ConfigSource {
        self.settings
            .iter()
            .fold(config_source(self.backend), |source, (key, value)| {
                source.with(key, value)
            })
    }

    /// The loaded configuration; panics when it is invalid.
    pub fn config(&self) -> AppConfig {
        self.source().load().expect("test config is valid")
    }

    /// The context alone, without a server (the CSV import, a seeded store).
    pub async fn context(self) -> Arc<AppContext> {
        AppContext::new(self.config()).await.expect("context")
    }

    /// The app serving on a free port.
    pub async fn start(self) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let base = format!("http://127.0.0.1:{port}");
        let config = self
            .source()
            .with("server.public_base_url", &base)
            .load()
            .expect("test config is valid");
        let ctx = match self.clock.clone() {
            Some(clock) => AppContext::with_clock(config, Arc::new(clock)).await,
            None => AppContext::new(config).await,
        }
        .expect("context");
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
            backend: self.backend,
            _creditors: self.creditors,
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub ctx: Arc<AppContext>,
    /// Does not follow redirects, keeps no cookies: tests see every step.
    pub http: reqwest::Client,
    pub backend: Backend,
    _creditors: Option<TempDir>,
}

/// The app with the test defaults on `backend`.
pub async fn spawn_app(backend: Backend) -> TestApp {
    TestApp::builder().store(backend).start().await
}

impl TestApp {
    /// The test defaults: the example creditor without its journey (see
    /// [`TestAppBuilder::with_journey`]).
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            backend: Backend::Embedded,
            settings: Vec::new(),
            creditors: None,
            clock: None,
        }
        .creditors(&[("nordlys-energi.toml", &super::example_mandate())])
    }

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

    /// A debtor page as the browser with this session cookie gets it.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("Cookie", cookie)
            .send()
            .await
            .expect("get")
    }

    /// The HTML of a debtor page, whatever its status.
    pub async fn page_html(&self, path: &str, cookie: &str) -> String {
        self.get_with_cookie(path, cookie)
            .await
            .text()
            .await
            .expect("html")
    }

    /// A message as the store holds it now.
    pub async fn stored_message(&self, id: &MessageId) -> innfri::domain::message::Message {
        self.ctx
            .store
            .message(id)
            .await
            .expect("store")
            .expect("message")
    }

    /// A case as the store holds it now.
    pub async fn stored_case(&self, id: &CaseId) -> innfri::domain::case::Case {
        self.ctx.store.case(id).await.expect("store").expect("case")
    }

    /// Creates a case for agency A and returns its JSON.
    pub async fn create_case(&self, external_ref: &str, principal: &str) -> Value {
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

    /// Creates a case of 1 200 for agency A and returns its id.
    pub async fn new_case(&self, external_ref: &str) -> CaseId {
        let case = self.create_case(external_ref, "1200.00").await;
        CaseId::parse(case["id"].as_str().expect("id")).expect("case id")
    }

    /// Asks for a reminder on `channel` ("sms", "email") as agency `key`; returns its id.
    pub async fn schedule(&self, key: &str, case: &CaseId, channel: &str) -> MessageId {
        let response = self
            .post_json(
                &format!("/api/v1/cases/{case}/messages"),
                Some(key),
                &json!({ "channel": channel }).to_string(),
            )
            .await;
        assert_eq!(response.status().as_u16(), 202);
        let message: Value = response.json().await.expect("json");
        MessageId::parse(message["id"].as_str().expect("id")).expect("message id")
    }

    /// The worker of this app, with the production HTTP client.
    pub fn worker(&self) -> innfri::messaging::Worker {
        self.ctx
            .worker(innfri::app::http_client().expect("http"))
            .expect("worker")
    }

    /// One round of the worker at `at`; how many messages it took up.
    pub async fn run_worker_at(&self, at: chrono::DateTime<chrono::Utc>) -> usize {
        self.worker().run_once_at(at).await.expect("store")
    }

    /// One round of the worker at noon on a working day, inside the contact hours.
    pub async fn run_worker_at_noon(&self) -> usize {
        self.run_worker_at(super::oslo_working_day_at(12)).await
    }

    /// The id of the first request on the case waiting for agency A's review.
    pub async fn first_request_id(&self, case: &CaseId) -> String {
        let list: Value = self
            .get_api(&format!("/api/v1/cases/{case}/requests"), KEY_A)
            .await
            .json()
            .await
            .expect("json");
        list["requests"][0]["id"]
            .as_str()
            .expect("a pending request")
            .to_owned()
    }

    /// Whether SMS to `phone` are stopped (the debtor opted out).
    pub async fn opted_out(&self, phone: &str) -> bool {
        self.ctx.store.is_opted_out(phone).await.expect("store")
    }

    /// The kinds of agency A's events so far, oldest first.
    pub async fn event_kinds(&self) -> Vec<EventKind> {
        let agency = AgencyId::parse("agency-a").expect("id");
        self.ctx
            .store
            .events_after(&agency, None, 1000)
            .await
            .expect("events")
            .into_iter()
            .map(|(_, e)| e.kind)
            .collect()
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

    /// The debtor opens the case's link; returns the session cookie and the forms' CSRF token.
    pub async fn open_case(&self, case: &CaseId) -> (String, String) {
        let link = self.ctx.issue_case_link(case).await.expect("link");
        let cookie = self.open_link(&link).await.expect("session");
        let form = self.page_html("/case/dispute", &cookie).await;
        (cookie, csrf_of(&form))
    }

    /// Submits a form as the debtor's browser would (same origin, with the CSRF token); returns
    /// the status and the body.
    pub async fn post_form(
        &self,
        path: &str,
        cookie: &str,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        let response = self
            .http
            .post(self.url(path))
            .header("Cookie", cookie)
            .header("Origin", &self.base)
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

    pub async fn case_page(&self, cookie: &str, query: &str) -> reqwest::Response {
        self.get_with_cookie(&format!("/case{query}"), cookie).await
    }

    /// As a worker killed mid-send leaves these messages: claimed at `at` under a one-second
    /// lease and started (`sending`, one start and attempt more), and nothing after that.
    /// Nothing else may be due then.
    pub async fn leave_sending(&self, ids: &[&MessageId], at: chrono::DateTime<chrono::Utc>) {
        let store = &self.ctx.store;
        let lease = at + chrono::Duration::seconds(1);
        let claimed = store
            .claim_due_messages(at, lease, 100)
            .await
            .expect("claim");
        assert_eq!(claimed.len(), ids.len());
        for mut copy in claimed {
            assert!(ids.contains(&&copy.id));
            let expected = copy.starts;
            copy.starts += 1;
            copy.attempts += 1;
            copy.status = innfri::domain::message::MessageStatus::Sending;
            copy.updated_at = at;
            assert!(
                store
                    .begin_send(&copy, expected, Some(lease))
                    .await
                    .expect("store")
                    .is_some()
            );
        }
    }
}
