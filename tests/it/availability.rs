//! Availability through the real app: a Redis outage (kill -9, then a restart on the same port
//! with its data) makes requests answer 503 `store_unavailable` within the timeout and the
//! probes say "not ready"; once Redis is back both roles serve again within seconds, with
//! nothing lost. And the worker's own probes: liveness follows the send loop's heartbeat,
//! readiness the store.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, Backend, KEY_A, TestApp};
use innfri::domain::ids::{CaseId, MessageId};
use innfri::domain::message::{Message, MessageStatus, Recipient, Template};
use innfri::http::health::{WorkerProbes, worker_server};
use serde_json::Value;
use tokio::sync::watch;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The store's response timeout in the outage test; the bound asserted is this plus 2 s.
const RESPONSE_TIMEOUT_MS: u64 = 500;
/// How soon after Redis is back every role must serve again.
const RECOVERY: Duration = Duration::from_secs(5);
/// How long Redis stays down: long enough that the redis crate's reconnect attempts (six,
/// 1–2 s apart) run out, and that a worker pause growing past a few seconds would show.
const OUTAGE: Duration = Duration::from_secs(8);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// A redis-server of this test's own (killing the shared one would break other tests), with
/// every write on disk before it is acknowledged (AOF, fsync always), so a restart on the same
/// folder has everything that was accepted.
struct OwnRedis {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl OwnRedis {
    fn start() -> OwnRedis {
        let dir = std::env::temp_dir().join(format!(
            "innfri-outage-redis-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("redis dir");
        let mut redis = OwnRedis {
            port: free_port(),
            dir,
            child: None,
        };
        redis.launch();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Starts redis-server on this port and folder and waits until it accepts connections.
    fn launch(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(&self.dir)
            .args([
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ])
            .args(["--loglevel", "warning"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed");
        self.child = Some(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    /// SIGKILL: no shutdown, no final save.
    fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill_9();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn status(http: &reqwest::Client, url: &str) -> u16 {
    http.get(url)
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// Polls `check` every 50 ms until it holds; returns how long that took, or panics after `within`.
async fn within<F, Fut>(within: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A payment receipt by SMS due now, straight in the store: it goes out at any hour.
fn receipt(case: &innfri::domain::case::Case) -> Message {
    let now = chrono::Utc::now();
    Message::schedule(
        case.id.clone(),
        case.agency_id.clone(),
        Recipient::Sms(case.debtor.phone.clone().expect("phone")),
        Template::PaymentReceipt,
        now,
        now,
    )
}

/// The worker role in this process (send loop, webhooks, probes on a port of its own).
struct WorkerRole {
    probes: String,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

fn start_worker_role(app: &TestApp) -> WorkerRole {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let probes = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, shutdown) = watch::channel(false);
    let task = tokio::spawn(innfri::app::roles::run_worker(
        app.ctx.clone(),
        Some(listener),
        shutdown,
    ));
    WorkerRole { probes, stop, task }
}

#[tokio::test]
async fn a_redis_outage_answers_503_within_the_timeout_and_both_roles_serve_again_soon_after() {
    let mut redis = OwnRedis::start();
    let app = TestApp::builder()
        .store(Backend::Redis)
        .with("store.redis_url", redis.url())
        .with("store.response_timeout_ms", RESPONSE_TIMEOUT_MS)
        .with("store.connect_timeout_ms", RESPONSE_TIMEOUT_MS)
        .with("store.max_reconnect_delay_ms", 500)
        .with("messaging.poll_interval_ms", 50)
        .start()
        .await;
    let worker = start_worker_role(&app);
    let http = &app.http;
    let (web_ready, web_alive) = (app.url("/readyz"), app.url("/healthz"));
    let worker_ready = format!("{}/readyz", worker.probes);
    let worker_alive = format!("{}/healthz", worker.probes);

    // Accepted before the outage: a case, and a debtor's session on it.
    let created = app.create_case("OUT-1", "1200.00").await;
    let case_path = format!("/api/v1/cases/{}", created["id"].as_str().expect("id"));
    let case_id = CaseId::parse(created["id"].as_str().expect("id")).expect("case id");
    let link = app.ctx.issue_case_link(&case_id).await.expect("link");
    let cookie = app.open_link(&link).await.expect("session");
    for url in [&web_ready, &web_alive, &worker_ready, &worker_alive] {
        assert_eq!(status(http, url).await, 200, "{url} before the outage");
    }

    redis.kill_9();
    let down = Instant::now();
    let bound = Duration::from_millis(RESPONSE_TIMEOUT_MS) + Duration::from_secs(2);
    let mut slowest = Duration::ZERO;
    let mut round = 0;
    while round < 3 || down.elapsed() < OUTAGE {
        let started = Instant::now();
        let response = app.get_api(&case_path, KEY_A).await;
        let took = started.elapsed();
        assert_eq!(response.status().as_u16(), 503, "round {round}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], "store_unavailable", "round {round}");
        assert!(took < bound, "round {round}: answered after {took:?}");
        slowest = slowest.max(took);
        round += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = Instant::now();
    let create = app
        .post_json(
            "/api/v1/cases",
            Some(KEY_A),
            &common::case_body("OUT-2", "50"),
        )
        .await;
    assert_eq!(create.status().as_u16(), 503);
    assert!(started.elapsed() < bound, "{:?}", started.elapsed());
    let started = Instant::now();
    let page = app.case_page(&cookie, "").await;
    assert_eq!(page.status().as_u16(), 503, "the debtor's unavailable page");
    assert!(started.elapsed() < bound, "{:?}", started.elapsed());
    for url in [&web_ready, &worker_ready] {
        let started = Instant::now();
        assert_eq!(status(http, url).await, 503, "{url} during the outage");
        assert!(started.elapsed() < bound, "{url}: {:?}", started.elapsed());
    }
    for url in [&web_alive, &worker_alive] {
        assert_eq!(
            status(http, url).await,
            200,
            "{url}: liveness is not the store"
        );
    }

    redis.launch();
    let back = Instant::now();
    let api = within(RECOVERY, "the API serves again", || async {
        app.get_api(&case_path, KEY_A).await.status().as_u16() == 200
    })
    .await;
    let again: Value = app
        .get_api(&case_path, KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        again["external_ref"], "OUT-1",
        "accepted before the outage, kept"
    );
    assert_eq!(app.case_page(&cookie, "").await.status().as_u16(), 200);
    for url in [&web_ready, &worker_ready] {
        within(RECOVERY.saturating_sub(back.elapsed()), url, || async {
            status(http, url).await == 200
        })
        .await;
    }
    // The send loop claims again: a receipt scheduled now goes out.
    let case = app.stored_case(&case_id).await;
    let message = receipt(&case);
    app.ctx
        .store
        .schedule_message(&message)
        .await
        .expect("schedule");
    let id: MessageId = message.id.clone();
    within(
        RECOVERY.saturating_sub(back.elapsed()),
        "the worker sends again",
        || async { app.stored_message(&id).await.status == MessageStatus::Sent },
    )
    .await;
    println!(
        "outage test: {round} API calls during {:?} down, slowest 503 {slowest:?}; API back \
         {api:?} after Redis, everything back {:?} after Redis",
        back - down,
        back.elapsed()
    );

    let _ = worker.stop.send(true);
    worker.task.await.expect("join").expect("worker role");
}

async fn the_worker_probes_answer_over_http_until_the_role_stops(backend: Backend) {
    let app = common::spawn_app(backend).await;
    let worker = start_worker_role(&app);
    let http = &app.http;
    assert_eq!(
        status(http, &format!("{}/healthz", worker.probes)).await,
        200
    );
    assert_eq!(
        status(http, &format!("{}/readyz", worker.probes)).await,
        200
    );
    assert_eq!(
        status(http, &format!("{}/metrics", worker.probes)).await,
        200
    );
    assert_eq!(
        status(http, &format!("{}/nothing-else", worker.probes)).await,
        404
    );
    let _ = worker.stop.send(true);
    worker.task.await.expect("join").expect("worker role");
    assert_eq!(
        status(http, &format!("{}/healthz", worker.probes)).await,
        0,
        "the listener closes with the role"
    );
}

async fn a_send_loop_that_stops_beating_fails_liveness(backend: Backend) {
    let twilio = MockServer::start().await;
    // Twilio hangs: the loop sends one message and waits for a place for the next.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(60)))
        .mount(&twilio)
        .await;
    let app = TestApp::builder()
        .store(backend)
        .with_twilio(&twilio)
        .short_lease()
        .with("messaging.poll_interval_ms", 50)
        .start()
        .await;
    let worker = app.worker();
    let heartbeat = worker.heartbeat();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let healthz = format!("http://{}/healthz", listener.local_addr().expect("addr"));
    let probes = WorkerProbes {
        store: app.ctx.store.clone(),
        heartbeat: heartbeat.clone(),
        stale_after: worker.stale_after(),
        metrics: app.ctx.metrics.clone(),
    };
    tokio::spawn(worker_server(probes, listener).expect("probe server"));
    let (_stop, shutdown) = watch::channel(false);
    let long_ago = Instant::now()
        .checked_sub(worker.stale_after() + Duration::from_secs(1))
        .expect("the machine has been up for longer than that");
    let send_loop = tokio::spawn(async move { worker.run(shutdown).await });

    // A loop that runs beats again at once, whatever the heartbeat said.
    heartbeat.beat_at(long_ago);
    within(
        Duration::from_secs(5),
        "a running loop is alive",
        || async { status(&app.http, &healthz).await == 200 },
    )
    .await;

    let created = app.create_case("STUCK-1", "1200.00").await;
    let case_id = CaseId::parse(created["id"].as_str().expect("id")).expect("case id");
    let case = app.stored_case(&case_id).await;
    for _ in 0..2 {
        app.ctx
            .store
            .schedule_message(&receipt(&case))
            .await
            .expect("schedule");
    }
    within(
        Duration::from_secs(5),
        "the first send reaches Twilio",
        || async {
            twilio
                .received_requests()
                .await
                .is_some_and(|r| !r.is_empty())
        },
    )
    .await;
    // Stuck: nothing refreshes the heartbeat, and an old one fails the probe.
    let beats = heartbeat.beats();
    heartbeat.beat_at(long_ago);
    assert_eq!(status(&app.http, &healthz).await, 503);
    assert_eq!(heartbeat.beats(), beats + 1, "only the test's beat");
    send_loop.abort();
}

on_both_stores!(
    the_worker_probes_answer_over_http_until_the_role_stops,
    a_send_loop_that_stops_beating_fails_liveness,
);
