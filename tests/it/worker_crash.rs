//! Crash safety of the real worker process: `kill -9` in the middle of a 10 000-message batch,
//! then a restart. Every message reaches the (fake, counting) Twilio, and none twice: the ones
//! whose outcome the killed worker could not know (in `Sending` at the kill) are looked up in
//! Twilio's message list first (by the link each carries) and recorded, not sent again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::Utc;
use futures::StreamExt;
use innfri::app::AppContext;
use innfri::config::api_key_hash;
use innfri::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use innfri::domain::contact::PhoneNumber;
use innfri::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use innfri::domain::kid::Kid;
use innfri::domain::locale::Locale;
use innfri::domain::message::{Message, MessageStatus, Recipient, Template};
use innfri::domain::money::Money;
use innfri::store::{CaseInsert, SharedStore};

use crate::common::twilio_fake::{SID, TOKEN};
use crate::common::{self, Backend, KEY_A, LINK_KEY_HEX, TestApp};

const MESSAGES: usize = 10_000;
/// Messages claimed per round, and sent at the same time (set here, not left to defaults).
const BATCH_SIZE: usize = 200;
const CONCURRENCY: usize = 64;
/// The worker is killed as the fake receives this request: half-way through a claimed batch
/// (not at its end), so dozens of sends are outstanding.
const KILL_AT: usize = 20 * BATCH_SIZE + BATCH_SIZE / 2;
const PROFILE: &str = "crash";

// ---------------------------------------------------------------------------------------------
// The fake provider: Twilio's wire format, counting what arrives per `To`.

#[derive(Default)]
struct Received {
    per_number: HashMap<String, u32>,
    total: usize,
    /// Requests refused (wrong account or credentials, no `To`): must stay 0.
    refused: usize,
    /// `(n, pid)`: SIGKILL `pid` as the `n`th request arrives, before it is answered.
    kill_at: Option<(usize, u32)>,
    /// The number whose request triggered the kill (received, never answered).
    killed_on: Option<String>,
    /// Every message accepted, listed back in Twilio's shape (`common::twilio_fake`).
    ledger: common::twilio_fake::Ledger,
}

struct FakeTwilio {
    base: String,
    received: Arc<Mutex<Received>>,
    handle: actix_web::dev::ServerHandle,
}

impl FakeTwilio {
    fn start() -> FakeTwilio {
        let received = Arc::new(Mutex::new(Received::default()));
        let data = web::Data::from(received.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .route(
                            "/2010-04-01/Accounts/{sid}/Messages.json",
                            web::post().to(create_message),
                        )
                        .route(
                            "/2010-04-01/Accounts/{sid}/Messages.json",
                            web::get().to(list_messages),
                        )
                })
                .workers(1)
                .disable_signals()
                .shutdown_timeout(1)
                .bind(("127.0.0.1", 0))
                .expect("bind the fake Twilio");
                let addr = server.addrs()[0];
                let server = server.run();
                tx.send((addr, server.handle()))
                    .expect("report the address");
                server.await.expect("fake Twilio runs");
            });
        });
        let (addr, handle) = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the fake Twilio starts");
        FakeTwilio {
            base: format!("http://{addr}"),
            received,
            handle,
        }
    }

    /// Arms the kill: `pid` gets SIGKILL when the `n`th request arrives.
    fn kill_at(&self, n: usize, pid: u32) {
        self.received.lock().expect("lock").kill_at = Some((n, pid));
    }

    fn killed_on(&self) -> Option<String> {
        self.received.lock().expect("lock").killed_on.clone()
    }

    fn total(&self) -> usize {
        self.received.lock().expect("lock").total
    }

    fn distinct(&self) -> usize {
        self.received.lock().expect("lock").per_number.len()
    }

    fn snapshot(&self) -> (HashMap<String, u32>, usize, usize) {
        let r = self.received.lock().expect("lock");
        (r.per_number.clone(), r.total, r.refused)
    }
}

fn authorised(request: &HttpRequest) -> bool {
    use base64::Engine;
    let expected_auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"))
    );
    request
        .headers()
        .get("authorization")
        .is_some_and(|v| v.as_bytes() == expected_auth.as_bytes())
}

/// `GET …/Messages.json?To=…`: what the fake has, in Twilio's paging shape.
async fn list_messages(
    request: HttpRequest,
    sid: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
    received: web::Data<Mutex<Received>>,
) -> HttpResponse {
    let mut r = received.lock().expect("lock");
    if !authorised(&request) || sid.as_str() != SID {
        r.refused += 1;
        return HttpResponse::Unauthorized()
            .json(serde_json::json!({"code": 20003, "message": "Authenticate", "status": 401}));
    }
    let (status, body) = r.ledger.list(SID, &query);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status")).json(body)
}

async fn create_message(
    request: HttpRequest,
    sid: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
    received: web::Data<Mutex<Received>>,
) -> HttpResponse {
    let authorised = authorised(&request);
    let mut r = received.lock().expect("lock");
    let (Some(to), true, true) = (
        form.get("To"),
        authorised && sid.as_str() == SID,
        form.get("From").is_some() && form.get("Body").is_some_and(|b| !b.is_empty()),
    ) else {
        r.refused += 1;
        return HttpResponse::Unauthorized()
            .json(serde_json::json!({"code": 20003, "message": "Authenticate", "status": 401}));
    };
    *r.per_number.entry(to.clone()).or_insert(0) += 1;
    r.total += 1;
    let n = r.total;
    let sid = r.ledger.accept(
        to,
        form.get("From").map(String::as_str).unwrap_or_default(),
        form.get("Body").map(String::as_str).unwrap_or_default(),
        form.get("StatusCallback").map(String::as_str),
    );
    if let Some((at, pid)) = r.kill_at.filter(|(at, _)| n >= *at) {
        // The provider has the message; the worker dies before it hears so. Killed from
        // here, the worker is sure to be mid-batch with sends outstanding.
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        r.kill_at = None;
        if killed {
            r.killed_on = Some(to.clone());
        } else {
            eprintln!("kill -KILL {pid} at request {at} failed; the test kills it instead");
        }
    }
    drop(r);
    HttpResponse::Created().json(serde_json::json!({"sid": sid, "status": "queued"}))
}

impl Drop for FakeTwilio {
    fn drop(&mut self) {
        // Stops the server (its thread then ends); no need to wait for it.
        drop(self.handle.stop(false));
    }
}

// ---------------------------------------------------------------------------------------------
// The worker process, killed whatever happens to the test.

struct WorkerProcess {
    child: Child,
    log: PathBuf,
}

impl WorkerProcess {
    fn spawn(dir: &Path, env: &[(String, String)], log: PathBuf) -> WorkerProcess {
        let stderr = std::fs::File::create(&log).expect("worker log file");
        let child = Command::new(env!("CARGO_BIN_EXE_innfri"))
            .arg("--config-dir")
            .arg(dir)
            .args(["--profile", PROFILE, "worker"])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn innfri worker");
        WorkerProcess { child, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Panics (with the worker's log) if the process ended on its own.
    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().expect("try_wait") {
            panic!(
                "the worker exited on its own with {status}; log {}:\n{}",
                self.log.display(),
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }

    /// SIGKILL (if the fake has not sent it already), and reaps the process.
    fn kill_9(&mut self) -> ExitStatus {
        let _ = self.child.kill();
        self.child.wait().expect("reap")
    }

    /// SIGTERM, then the exit status (or a panic after `within`).
    fn terminate(&mut self, within: Duration) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "kill -TERM {}", self.pid());
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the worker did not stop within {within:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Setup: configuration folder for the process, and 10 000 cases with one receipt due each.

/// A config folder with the repo's defaults and a profile naming the test agency (an array
/// of tables is awkward through environment variables); everything else comes by environment.
fn write_config_dir(dir: &Path) {
    let repo_config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    std::fs::create_dir_all(dir).expect("config dir");
    std::fs::copy(repo_config.join("default.toml"), dir.join("default.toml"))
        .expect("copy default.toml");
    let mandates = repo_config.join("mandates");
    let profile = format!(
        "creditors_dir = '{}'\n\n[[agencies]]\nid = \"agency-a\"\nname = \"A Inkasso AS\"\napi_key_sha256 = [\"{}\"]\ncreditors = [\"nordlys-energi\"]\n",
        mandates.display(),
        hex::encode(api_key_hash(KEY_A)),
    );
    std::fs::write(dir.join(format!("{PROFILE}.toml")), profile).expect("profile");
}

fn worker_env(backend: Backend, namespace: &str, twilio_base: &str) -> Vec<(String, String)> {
    let batch_size = BATCH_SIZE.to_string();
    let concurrency = CONCURRENCY.to_string();
    let nodes = serde_json::to_string(common::cluster::nodes_if(backend)).expect("json");
    [
        ("INNFRI__STORE__BACKEND", "redis"),
        ("INNFRI__STORE__REDIS_URL", common::redis_url()),
        ("INNFRI__STORE__REDIS_CLUSTER_NODES", &nodes),
        ("INNFRI__STORE__NAMESPACE", namespace),
        ("INNFRI__MESSAGING__SMS_PROVIDER", "twilio"),
        // Leases of the killed worker run out soon, so the restart takes them over quickly.
        ("INNFRI__MESSAGING__LEASE_SECONDS", "3"),
        ("INNFRI__MESSAGING__POLL_INTERVAL_MS", "50"),
        // Probes on a free port: tests run side by side.
        ("INNFRI__MESSAGING__HEALTH_BIND", "127.0.0.1:0"),
        ("INNFRI__MESSAGING__BATCH_SIZE", &batch_size),
        ("INNFRI__MESSAGING__CONCURRENCY", &concurrency),
        ("INNFRI__TWILIO__ACCOUNT_SID", SID),
        ("INNFRI__TWILIO__AUTH_TOKEN", TOKEN),
        ("INNFRI__TWILIO__FROM", "Innfri"),
        ("INNFRI__TWILIO__API_BASE", twilio_base),
        // A lost send is looked up until Twilio answers (it always does here).
        ("INNFRI__MESSAGING__LOOKUP_ATTEMPTS", "100"),
        ("INNFRI__LINKS__KEYS__1", LINK_KEY_HEX),
        ("INNFRI__STORE__PSEUDONYM_KEY", common::PSEUDONYM_KEY_HEX),
        ("INNFRI__SERVER__PUBLIC_BASE_URL", "http://127.0.0.1:1"),
        // Warnings only ("sending again" is one): 10 000 "sent" lines would cost time.
        ("RUST_LOG", "warn"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

fn number(i: usize) -> PhoneNumber {
    PhoneNumber::parse(&format!("+47{}", 90_000_000 + i)).expect("a Norwegian mobile number")
}

/// One open case per number, each with a payment receipt due now (receipts are not held
/// back by contact hours, so the test runs at any time of day).
async fn seed(ctx: &AppContext) -> Vec<(MessageId, String)> {
    let agency = AgencyId::parse("agency-a").expect("agency id");
    let creditor = ctx
        .config
        .creditors
        .get(&CreditorId::parse("nordlys-energi").expect("creditor id"))
        .expect("the repo's creditor");
    let store: &SharedStore = &ctx.store;
    let now = Utc::now();
    let due_date = now.date_naive() + chrono::Duration::days(14);
    let currency = creditor.currency;
    futures::stream::iter(0..MESSAGES)
        .map(|i| {
            let agency = agency.clone();
            async move {
                let phone = number(i);
                let kid = loop {
                    let sequence = store.next_kid_sequence(&creditor.id).await.expect("kid");
                    if let Some(kid) =
                        Kid::for_sequence(sequence, creditor.kid_length, creditor.kid_algorithm)
                    {
                        break kid;
                    }
                };
                let terms = CaseTerms {
                    creditor_id: creditor.id.clone(),
                    debtor: Debtor {
                        name: format!("Debitor {i}"),
                        phone: Some(phone.clone()),
                        email: None,
                        locale: Locale::Nb,
                    },
                    claim: vec![ClaimLine {
                        kind: ClaimKind::Principal,
                        description: format!("Faktura {i}"),
                        amount: Money::parse("1200.00", currency).expect("amount"),
                    }],
                    due_date,
                };
                terms
                    .validate(currency, now.date_naive())
                    .expect("valid terms");
                let case = Case::open(
                    CaseId::generate(),
                    agency.clone(),
                    ExternalRef::parse(&format!("CRASH-{i}")).expect("ref"),
                    terms,
                    kid,
                    now,
                );
                assert_eq!(
                    store.insert_case(&case).await.expect("insert case"),
                    CaseInsert::Created
                );
                let message = Message::schedule(
                    case.id.clone(),
                    agency,
                    Recipient::Sms(phone.clone()),
                    Template::PaymentReceipt,
                    now,
                    now,
                );
                store
                    .schedule_message(&message)
                    .await
                    .expect("schedule message");
                (message.id, phone.e164().to_owned())
            }
        })
        .buffer_unordered(64)
        .collect()
        .await
}

/// Every message as stored now.
async fn all_messages(store: &SharedStore, ids: &[(MessageId, String)]) -> Vec<Message> {
    futures::stream::iter(ids)
        .map(|(id, _)| async move {
            store
                .message(id)
                .await
                .expect("store")
                .expect("the message exists")
        })
        .buffer_unordered(128)
        .collect()
        .await
}

fn count_by_status(messages: &[Message]) -> HashMap<MessageStatus, usize> {
    let mut counts = HashMap::new();
    for m in messages {
        *counts.entry(m.status).or_insert(0) += 1;
    }
    counts
}

// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_batch_then_restart_sends_every_message_and_none_twice() {
    kill_9_mid_batch_then_restart(Backend::Redis).await;
}

/// The same on a three-master Redis Cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_cluster_kill_9_mid_batch_then_restart_sends_every_message_and_none_twice() {
    kill_9_mid_batch_then_restart(Backend::Cluster).await;
}

async fn kill_9_mid_batch_then_restart(backend: Backend) {
    let started = Instant::now();
    let twilio = FakeTwilio::start();
    let config = TestApp::builder().store(backend).config();
    let namespace = config.settings.store.namespace.clone();
    let ctx = AppContext::new(config).await.expect("context");
    let store = ctx.store.clone();

    let ids = seed(&ctx).await;
    let numbers: HashSet<&str> = ids.iter().map(|(_, to)| to.as_str()).collect();
    assert_eq!(numbers.len(), MESSAGES, "one distinct number per message");
    eprintln!(
        "seeded {MESSAGES} cases and messages in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("worker-crash-{namespace}"));
    write_config_dir(&dir);
    let env = worker_env(backend, &namespace, &twilio.base);

    // Run 1: killed with SIGKILL in the middle of the batch.
    let mut first = WorkerProcess::spawn(&dir, &env, dir.join("worker-1.log"));
    twilio.kill_at(KILL_AT, first.pid());
    let run_started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(60);
    while twilio.total() < KILL_AT {
        first.assert_running();
        assert!(
            Instant::now() < deadline,
            "the first worker sent only {} messages in 60 s",
            twilio.total()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let status = first.kill_9();
    let received_at_kill = twilio.total();
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "the first worker died of SIGKILL: {status}"
    );
    eprintln!(
        "kill -9 as request {KILL_AT} arrived ({:.1} s of sending); {received_at_kill} received by the time it was reaped",
        run_started.elapsed().as_secs_f64()
    );
    assert!(
        received_at_kill < MESSAGES,
        "killed in the middle of the batch, not after it"
    );
    // Redis may still run what the dead process had already written to its socket: read
    // until two reads a moment apart agree.
    let mut at_kill = all_messages(&store, &ids).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let again = all_messages(&store, &ids).await;
        let before: HashMap<&MessageId, &Message> = at_kill.iter().map(|m| (&m.id, m)).collect();
        let settled = again.iter().all(|m| before.get(&m.id) == Some(&m));
        at_kill = again;
        if settled {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the store kept changing after the kill"
        );
    }
    let in_flight: HashMap<MessageId, String> = at_kill
        .iter()
        .filter(|m| m.status == MessageStatus::Sending)
        .map(|m| {
            let Recipient::Sms(phone) = &m.recipient else {
                panic!("only SMS were scheduled")
            };
            (m.id.clone(), phone.e164().to_owned())
        })
        .collect();
    let in_flight_numbers: HashSet<&str> = in_flight.values().map(String::as_str).collect();
    let statuses_at_kill = count_by_status(&at_kill);
    let (received_before_restart, _, _) = twilio.snapshot();
    eprintln!(
        "at the kill: store {statuses_at_kill:?}; {} in flight (Sending); fake has {} messages for {} numbers",
        in_flight.len(),
        received_before_restart.values().sum::<u32>(),
        received_before_restart.len()
    );
    let killed_on = twilio.killed_on().expect("the fake sent the SIGKILL");
    assert!(
        in_flight_numbers.contains(killed_on.as_str()),
        "the message received but never answered ({killed_on}) is still Sending, not lost"
    );
    let sent_at_kill = statuses_at_kill
        .get(&MessageStatus::Sent)
        .copied()
        .unwrap_or(0);
    assert!(
        sent_at_kill <= received_before_restart.len(),
        "nothing is recorded as sent that the provider did not get"
    );
    for m in at_kill.iter().filter(|m| m.status == MessageStatus::Sent) {
        let Recipient::Sms(phone) = &m.recipient else {
            unreachable!()
        };
        assert!(
            received_before_restart.contains_key(phone.e164()),
            "{} is Sent but the provider never got it",
            m.id
        );
    }

    // Run 2: the restart takes over the dead worker's leases and finishes. It runs on two
    // threads (the first ran on the default one), so both shapes of the worker's runtime send.
    let mut env = env;
    env.push(("INNFRI__MESSAGING__WORKER_THREADS".into(), "2".into()));
    let mut second = WorkerProcess::spawn(&dir, &env, dir.join("worker-2.log"));
    let restart = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(60);
    while twilio.distinct() < MESSAGES {
        second.assert_running();
        assert!(
            Instant::now() < deadline,
            "after the restart, only {} of {MESSAGES} numbers reached the provider within 60 s",
            twilio.distinct()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The provider has them all; wait for the worker to record the last answers.
    let deadline = Instant::now() + Duration::from_secs(20);
    let finished = loop {
        let now = all_messages(&store, &ids).await;
        if now.iter().all(|m| m.status.is_final()) {
            break now;
        }
        second.assert_running();
        assert!(
            Instant::now() < deadline,
            "messages still not final 20 s after the provider got them all: {:?}",
            count_by_status(&now)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!(
        "the restarted worker finished in {:.1} s",
        restart.elapsed().as_secs_f64()
    );
    // A short grace period: a second sending of anything would show up here.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let exit = second.terminate(Duration::from_secs(10));
    assert!(exit.success(), "clean exit on SIGTERM, got {exit}");

    let (received, total, refused) = twilio.snapshot();
    let duplicated: Vec<(&String, &u32)> = received.iter().filter(|(_, n)| **n > 1).collect();
    let extra: u32 = duplicated.iter().map(|(_, n)| **n - 1).sum();
    eprintln!(
        "received {total} requests for {} numbers (of {MESSAGES}); {} numbers twice ({extra} extra sends); {} in flight at the kill; {refused} refused; total {:.1} s",
        received.len(),
        duplicated.len(),
        in_flight.len(),
        started.elapsed().as_secs_f64()
    );

    assert_eq!(
        refused, 0,
        "every request carried valid credentials and fields"
    );
    // Every message reached the provider …
    for (_, to) in &ids {
        assert!(received.contains_key(to), "{to} never reached the provider");
    }
    assert_eq!(
        received.len(),
        MESSAGES,
        "nothing sent to an unknown number"
    );
    // … and none twice: not even the ones in flight at the kill, whose fate the killed worker
    // could not know (the restart found those in Twilio's list).
    assert!(
        duplicated.is_empty(),
        "{} numbers got their message twice ({extra} extra sends), {} of them in flight at the kill",
        duplicated.len(),
        duplicated
            .iter()
            .filter(|(to, _)| in_flight_numbers.contains(to.as_str()))
            .count()
    );
    assert_eq!(total, MESSAGES);

    // The store agrees: all Sent, each with the provider's id; one attempt, two for the
    // messages the restart took over mid-send.
    let statuses = count_by_status(&finished);
    assert_eq!(
        statuses.get(&MessageStatus::Sent).copied(),
        Some(MESSAGES),
        "every message ends Sent: {statuses:?}"
    );
    let mut provider_ids = HashSet::new();
    for m in &finished {
        let sid = m
            .provider_id
            .as_deref()
            .expect("a Sent message has Twilio's sid");
        assert!(provider_ids.insert(sid.to_owned()), "sid {sid} used twice");
        let expected_attempts = if in_flight.contains_key(&m.id) { 2 } else { 1 };
        assert_eq!(
            m.attempts,
            expected_attempts,
            "{}: attempts (in flight at the kill: {})",
            m.id,
            in_flight.contains_key(&m.id)
        );
    }

    drop(first);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}
