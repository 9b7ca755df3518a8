//! The worker through the real app: a scheduled SMS goes out through Twilio's wire format
//! (a local wiremock fake) with a link that opens exactly that case; failures are classified.

use std::time::{Duration, Instant};

use crate::common::twilio_fake::{self, SID, TOKEN};
use crate::common::{self, Backend, KEY_A, TestApp};
use innfri::domain::event::EventKind;
use innfri::domain::ids::MessageId;
use innfri::domain::message::MessageStatus;
use serde_json::Value;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn app_with_twilio(backend: Backend, twilio: &MockServer) -> TestApp {
    TestApp::builder()
        .store(backend)
        .with_twilio(twilio)
        .with("messaging.max_attempts", 2)
        .start()
        .await
}

/// A case of agency A with an SMS reminder asked for: the case's JSON and the message's id.
async fn schedule_sms(app: &TestApp, external_ref: &str) -> (Value, MessageId) {
    let case = app.create_case(external_ref, "1200.00").await;
    let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let message = app.schedule(KEY_A, &id, "sms").await;
    (case, message)
}

/// A case with `count` payment receipts by SMS due now, scheduled straight in the store.
/// Receipts go out at any hour and are not capped, so the worker loop (on the real clock) sends
/// them at once, day or night.
async fn schedule_receipts(app: &TestApp, external_ref: &str, count: usize) -> Vec<MessageId> {
    let created = app.create_case(external_ref, "1200.00").await;
    let case_id =
        innfri::domain::ids::CaseId::parse(created["id"].as_str().expect("id")).expect("case id");
    let case = app.stored_case(&case_id).await;
    let phone = case.debtor.phone.clone().expect("phone");
    let now = chrono::Utc::now();
    let mut ids = Vec::new();
    for _ in 0..count {
        let message = innfri::domain::message::Message::schedule(
            case.id.clone(),
            case.agency_id.clone(),
            innfri::domain::message::Recipient::Sms(phone.clone()),
            innfri::domain::message::Template::PaymentReceipt,
            now,
            now,
        );
        app.ctx
            .store
            .schedule_message(&message)
            .await
            .expect("schedule");
        ids.push(message.id);
    }
    ids
}

/// Starts the worker loop (`innfri worker` without the process); send `true` to stop it.
fn start_loop(
    app: &TestApp,
) -> (
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    let worker = app.worker();
    let (tx, rx) = tokio::sync::watch::channel(false);
    (tx, tokio::spawn(async move { worker.run(rx).await }))
}

fn form_value(body: &str, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

async fn a_scheduled_sms_is_sent_with_a_link_that_opens_exactly_its_case(backend: Backend) {
    let twilio = MockServer::start().await;
    // Basic auth of AccountSid:AuthToken, form-encoded body, as Twilio's API expects.
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{SID}:{TOKEN}")
        )
    );
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .and(header("authorization", basic.as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("To=%2B4791234567"))
        .and(body_string_contains("From=Innfri"))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            serde_json::json!({"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}),
        ))
        .expect(1)
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let _other = app.create_case("W-0", "999.00").await;
    let (case, message_id) = schedule_sms(&app, "W-1").await;

    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(app.run_worker_at_noon().await, 0, "nothing is sent twice");

    let message = app.stored_message(&message_id).await;
    assert_eq!(message.status, MessageStatus::Sent);
    assert_eq!(
        message.provider_id.as_deref(),
        Some("SM0123456789abcdef0123456789abcdef")
    );
    assert_eq!(message.attempts, 1);

    let requests = twilio.received_requests().await.expect("requests");
    let body = String::from_utf8(requests[0].body.clone()).expect("utf-8");
    let text = form_value(&body, "Body").expect("Body");
    assert!(
        text.contains("Nordlys Energi AS")
            && text.contains("1 249,50 kr")
            && text.contains("1. desember 2026"),
        "{text}"
    );
    assert!(
        text.is_ascii() || text.chars().all(|c| c.is_alphanumeric() || c.is_ascii()),
        "GSM-friendly: {text}"
    );
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .expect("a link in the SMS");
    let cookie = app.open_link(link).await.expect("the link opens");
    let page = app.case_page(&cookie, "").await.text().await.expect("html");
    assert!(page.contains(case["external_ref"].as_str().expect("ref")));
    assert!(
        page.contains(case["kid"].as_str().expect("kid")),
        "the page is exactly this case"
    );
    assert!(!page.contains("W-0"));
}

async fn a_provider_outage_is_retried_later_and_gives_up_after_max_attempts(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(503).set_body_json(
            serde_json::json!({"code": 20500, "message": "unavailable", "status": 503}),
        ))
        .expect(2)
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let (_, id) = schedule_sms(&app, "W-2").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    let message = app.stored_message(&id).await;
    assert_eq!(message.status, MessageStatus::Scheduled);
    assert_eq!(message.attempts, 1);
    assert!(
        message.not_before > chrono::Utc::now() + chrono::Duration::seconds(20),
        "backoff before the retry"
    );
    assert_eq!(app.run_worker_at_noon().await, 0, "not due yet");

    // Make it due now, as time passing would.
    let mut due = message.clone();
    due.not_before = chrono::Utc::now() - chrono::Duration::seconds(1);
    app.ctx
        .store
        .save_leased_message(&due)
        .await
        .expect("store");
    assert_eq!(app.run_worker_at_noon().await, 1);
    let message = app.stored_message(&id).await;
    assert_eq!(message.status, MessageStatus::Failed);
    assert_eq!(message.attempts, 2);
}

async fn an_invalid_number_fails_permanently_without_retry(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            serde_json::json!({"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}),
        ))
        .expect(1)
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let (_, id) = schedule_sms(&app, "W-3").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    let message = app.stored_message(&id).await;
    assert_eq!(message.status, MessageStatus::Failed);
    assert!(
        message
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("21211"))
    );
    let kinds = app.event_kinds().await;
    assert!(kinds.contains(&EventKind::ContactInvalid), "{kinds:?}");
    assert!(kinds.contains(&EventKind::MessageFailed), "{kinds:?}");
}

async fn a_stop_reply_ends_all_sms_to_the_number_and_is_kept_on_the_case(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            serde_json::json!({"sid": "SMstop00000000000000000000000000001", "status": "queued"}),
        ))
        // The first reminder only: nothing after the STOP.
        .expect(1)
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let (case, _) = schedule_sms(&app, "W-7").await;
    assert_eq!(app.run_worker_at_noon().await, 1);

    let url = app.url("/callbacks/twilio/inbound");
    let params: Vec<(String, String)> = [
        ("MessageSid", "SMreply000000000000000000000000001"),
        ("AccountSid", SID),
        ("From", "+4791234567"),
        ("To", "Innfri"),
        ("Body", "Stopp"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let body = serde_urlencoded::to_string(&params).expect("form");
    let post = |signature: String| {
        app.http
            .post(&url)
            .header("X-Twilio-Signature", signature)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
    };
    // A forged reply (wrong signature) opts nobody out.
    let forged = post("0/KCTR6DLpKmkAf8muzZqo1nDgQ=".into())
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403);
    assert!(!app.opted_out("+4791234567").await);

    let signature = innfri::messaging::providers::twilio::request_signature(TOKEN, &url, &params);
    let genuine = post(signature).await.expect("post");
    assert_eq!(genuine.status().as_u16(), 200);
    assert!(app.opted_out("+4791234567").await);
    let case_id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    let kept = app.stored_case(&case_id).await;
    assert!(
        kept.audit
            .iter()
            .any(|a| a.action == "sms.opt_out" && a.detail == "Stopp"),
        "{:?}",
        kept.audit
    );
    assert!(app.event_kinds().await.contains(&EventKind::ContactInvalid));

    // The next reminder (another case, same number) is cancelled, not sent.
    let (_, next) = schedule_sms(&app, "W-8").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    let message = app.stored_message(&next).await;
    assert_eq!(message.status, MessageStatus::Cancelled);
}

async fn a_rate_limit_honours_retry_after(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "600"))
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let (_, id) = schedule_sms(&app, "W-4").await;
    app.run_worker_at_noon().await;
    let message = app.stored_message(&id).await;
    assert_eq!(message.status, MessageStatus::Scheduled);
    assert!(message.not_before >= chrono::Utc::now() + chrono::Duration::seconds(590));
}

async fn a_reminder_due_at_23_oslo_time_waits_for_the_next_contact_hours(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let (_, id) = schedule_sms(&app, "W-5").await;
    // Late on a day before a working day: the next contact hours open at 08:00 (a Friday's
    // would be Saturday's 09:00).
    let late = common::oslo_working_day_before_another_at(23);
    let worker = app.worker();
    assert_eq!(worker.run_once_at(late).await.expect("store"), 1);
    let message = app.stored_message(&id).await;
    assert_eq!(message.status, MessageStatus::Scheduled);
    assert_eq!(message.attempts, 0, "waiting is not an attempt");
    let local = message.not_before.with_timezone(&chrono_tz::Europe::Oslo);
    assert_eq!(local.format("%H:%M").to_string(), "08:00");
    assert!(
        message.not_before > late
            && message.not_before - late < chrono::Duration::hours(12 + 24 * 4)
    );
    assert!(innfri::domain::jurisdiction::no::is_business_day(
        local.date_naive()
    ));
}

async fn a_signed_delivery_receipt_marks_the_message_delivered_and_a_forged_one_changes_nothing(
    backend: Backend,
) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .and(body_string_contains("StatusCallback="))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            serde_json::json!({"sid": "SMreceipt0000000000000000000000001", "status": "queued"}),
        ))
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let (_, id) = schedule_sms(&app, "W-6").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    // The StatusCallback the worker gave Twilio, which Twilio calls as it is: no index of
    // Twilio's sid is written, the message id in it finds the message.
    let url = app.url(&format!("/callbacks/twilio/status?m={id}"));
    let params: Vec<(String, String)> = [
        ("MessageSid", "SMreceipt0000000000000000000000001"),
        ("MessageStatus", "delivered"),
        ("AccountSid", SID),
        ("To", "+4791234567"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let body = serde_urlencoded::to_string(&params).expect("form");
    let post = |signature: String, body: String| {
        app.http
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Twilio-Signature", signature)
            .body(body)
            .send()
    };
    let forged = post("0/KCTR6DLpKmkAf8muzZqo1nDgQ=".into(), body.clone())
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403);
    let tampered_body = body.replace("delivered", "failed");
    let signature = innfri::messaging::providers::twilio::request_signature(TOKEN, &url, &params);
    let tampered = post(signature.clone(), tampered_body).await.expect("post");
    assert_eq!(
        tampered.status().as_u16(),
        403,
        "the signature covers the parameters"
    );
    assert_eq!(app.stored_message(&id).await.status, MessageStatus::Sent);

    let genuine = post(signature.clone(), body.clone()).await.expect("post");
    assert_eq!(genuine.status().as_u16(), 204);
    assert_eq!(
        app.stored_message(&id).await.status,
        MessageStatus::Delivered
    );
    let again = post(signature, body).await.expect("post");
    assert_eq!(
        again.status().as_u16(),
        204,
        "a repeated receipt is acknowledged and changes nothing"
    );
    let agency = innfri::domain::ids::AgencyId::parse("agency-a").expect("id");
    let events = app
        .ctx
        .store
        .events_after(&agency, None, 100)
        .await
        .expect("events");
    let delivered = events
        .iter()
        .filter(|(_, e)| e.kind == innfri::domain::event::EventKind::MessageDelivered)
        .count();
    assert_eq!(delivered, 1);
}

async fn the_worker_loop_stops_on_shutdown(backend: Backend) {
    let twilio = MockServer::start().await;
    let app = app_with_twilio(backend, &twilio).await;
    let worker = app.worker();
    let (tx, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move { worker.run(rx).await });
    tx.send(true).expect("send");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops")
        .expect("joins");
}

async fn the_worker_loop_finishes_the_sends_in_flight_before_it_stops(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({"sid": "SM0000000000000000000000000000000a", "status": "queued"}))
                // Long enough that the stop comes while every send is waiting for its answer.
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let ids = schedule_receipts(&app, "STOP-1", 3).await;
    let (tx, task) = start_loop(&app);
    let deadline = Instant::now() + Duration::from_secs(5);
    while twilio.received_requests().await.map_or(0, |r| r.len()) < ids.len() {
        assert!(
            Instant::now() < deadline,
            "the loop did not start the sends"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tx.send(true).expect("send");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops")
        .expect("joins");
    for id in &ids {
        let message = app.stored_message(id).await;
        assert_eq!(
            message.status,
            MessageStatus::Sent,
            "a send in flight at the stop is finished and recorded, not dropped"
        );
    }
}

async fn two_workers_on_one_store_send_every_message_exactly_once(backend: Backend) {
    let twilio = MockServer::start().await;
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = counter.clone();
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(move |_: &wiremock::Request| {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({"sid": format!("SM{n:032}"), "status": "queued"}))
        })
        .mount(&twilio)
        .await;
    let app = TestApp::builder()
        .store(backend)
        .with_twilio(&twilio)
        // Small batches, so the two workers interleave their claims.
        .with("messaging.batch_size", 7)
        // 120 reminders to one test number: lift the frequency cap for this test.
        .uncapped()
        .start()
        .await;
    let mut ids = Vec::new();
    for i in 0..120 {
        ids.push(schedule_sms(&app, &format!("T-{i}")).await.1);
    }
    let http = innfri::app::http_client().expect("http");
    let first = app.ctx.worker(http.clone()).expect("worker");
    let second = app.ctx.worker(http).expect("worker");
    let at = common::oslo_working_day_at(12);
    let (mut sent_first, mut sent_second) = (0, 0);
    loop {
        let (a, b) = tokio::join!(first.run_once_at(at), second.run_once_at(at));
        let (a, b) = (a.expect("store"), b.expect("store"));
        sent_first += a;
        sent_second += b;
        if a == 0 && b == 0 {
            break;
        }
    }
    assert_eq!(sent_first + sent_second, 120);
    assert!(sent_first > 0 && sent_second > 0, "both workers took part");
    assert_eq!(
        counter.load(std::sync::atomic::Ordering::SeqCst),
        120,
        "the provider got each message once"
    );
    for id in &ids {
        let message = app.stored_message(id).await;
        assert_eq!(message.status, MessageStatus::Sent);
        assert_eq!(message.attempts, 1);
    }
}

/// The fake Twilio that keeps what it is sent and lists it back (`common::twilio_fake`); our
/// message id rides in each StatusCallback URL. Each send is answered after `delay`.
async fn counting_twilio(delay: Duration) -> (MockServer, twilio_fake::Ledger) {
    twilio_fake::start(delay).await
}

/// Twilio at `twilio`, sending one message at a time in batches of `batch_size` under a
/// one-second lease, with the frequency cap lifted (the tests write to one number).
async fn short_lease_app(backend: Backend, twilio: &MockServer, batch_size: usize) -> TestApp {
    TestApp::builder()
        .store(backend)
        .with_twilio(twilio)
        .with("messaging.batch_size", batch_size)
        .short_lease()
        .uncapped()
        .start()
        .await
}

/// A message that waited out its lease for a place (slow provider, one send at a time) is not
/// started from the stale claim: the next claim takes it up, and it still goes exactly once.
async fn a_message_that_waits_out_its_lease_is_left_for_the_next_claim(backend: Backend) {
    // At least 1.2 s before the third message gets its place: past its 1 s lease.
    let (twilio, sent) = counting_twilio(Duration::from_millis(600)).await;
    let app = short_lease_app(backend, &twilio, 3).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(schedule_sms(&app, &format!("W-{i}")).await.1);
    }
    let worker = app.worker();
    let at = common::oslo_working_day_at(12);
    assert_eq!(worker.run_once_at(at).await.expect("store"), 3);
    assert_eq!(
        sent.our_ids().len(),
        2,
        "the third message was not started after its lease ran out"
    );
    // Which one waited depends on the claim's order (same due time); exactly one did.
    let mut waiting = Vec::new();
    for id in &ids {
        let message = app.stored_message(id).await;
        if message.status != MessageStatus::Sent {
            waiting.push(message);
        }
    }
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].status, MessageStatus::Scheduled);
    assert_eq!(waiting[0].starts, 0, "never started");

    worker
        .run_once_at(at + chrono::Duration::seconds(5))
        .await
        .expect("store");
    let sent = sent.our_ids();
    for id in &ids {
        let times = sent.iter().filter(|s| *s == id.as_str()).count();
        assert_eq!(times, 1, "{id} went {times} times");
        let message = app.stored_message(id).await;
        assert_eq!(message.status, MessageStatus::Sent);
    }
}

/// The agency erases a case while its SMS is with the provider: when the provider answers,
/// nothing of the message is written back (no number, no reply index, no provider id).
async fn a_case_erased_during_a_send_gets_nothing_written_back(backend: Backend) {
    let (twilio, sent) = counting_twilio(Duration::from_millis(800)).await;
    let app = app_with_twilio(backend, &twilio).await;
    let (created, id) = schedule_sms(&app, "ERASE-1").await;
    let case_id = created["id"].as_str().expect("id").to_owned();
    let phone = app
        .ctx
        .store
        .case(&innfri::domain::ids::CaseId::parse(&case_id).expect("case id"))
        .await
        .expect("store")
        .expect("case")
        .debtor
        .phone
        .expect("phone");
    let worker = app.worker();
    let send = tokio::spawn(async move {
        worker
            .run_once_at(common::oslo_working_day_at(12))
            .await
            .expect("store")
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while sent.sent().is_empty() {
        assert!(Instant::now() < deadline, "the send did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let erased = app
        .post_json(&format!("/api/v1/cases/{case_id}/erase"), Some(KEY_A), "")
        .await;
    assert_eq!(erased.status().as_u16(), 200);
    assert_eq!(send.await.expect("joins"), 1);

    let store = &app.ctx.store;
    assert!(
        store.message(&id).await.expect("store").is_none(),
        "the message (with the number) stays erased"
    );
    assert!(
        store
            .last_sms_case(phone.e164())
            .await
            .expect("store")
            .is_none(),
        "the number is not tied to the erased case again"
    );
    assert!(
        store
            .message_by_provider_id(innfri::domain::message::ProviderRef {
                provider: "twilio",
                id: &format!("SM{:032}", 1),
            })
            .await
            .expect("store")
            .is_none()
    );
}

/// The loop claims the next batch while the last sends of one are in flight: with batches of
/// two and two sends at a time, every message still goes exactly once.
async fn the_worker_loop_sends_batch_after_batch_each_message_once(backend: Backend) {
    let (twilio, sent) = counting_twilio(Duration::from_millis(20)).await;
    let app = TestApp::builder()
        .store(backend)
        .with_twilio(&twilio)
        .with("messaging.batch_size", 2)
        .with("messaging.concurrency", 2)
        .start()
        .await;
    let ids = schedule_receipts(&app, "LOOP-1", 9).await;
    let (tx, task) = start_loop(&app);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut done = 0;
        for id in &ids {
            let message = app.stored_message(id).await;
            done += usize::from(message.status == MessageStatus::Sent);
        }
        if done == ids.len() {
            break;
        }
        assert!(Instant::now() < deadline, "only {done} of 9 sent in 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tx.send(true).expect("send");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops")
        .expect("joins");
    let sent = sent.our_ids();
    assert_eq!(sent.len(), ids.len(), "one request per message");
    for id in &ids {
        assert_eq!(sent.iter().filter(|s| *s == id.as_str()).count(), 1);
    }
}

/// A slow provider makes one worker's batch outlive its lease; the other worker claims the
/// rest of that batch. Each message must still go out once: the attempt is fenced.
async fn a_batch_that_outlives_its_lease_is_not_sent_twice(backend: Backend) {
    // Which message each send was for, in arrival order.
    let (twilio, bodies) = counting_twilio(Duration::from_millis(300)).await;
    let app = short_lease_app(backend, &twilio, 4).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(schedule_sms(&app, &format!("L-{i}")).await.1);
    }
    let http = innfri::app::http_client().expect("http");
    let first = app.ctx.worker(http.clone()).expect("worker");
    let second = app.ctx.worker(http).expect("worker");
    let at = common::oslo_working_day_at(12);
    // The second worker comes two seconds later by its clock: by then every lease of the first
    // one has run out, including the one on the message it is sending at that very moment.
    let (a, b) = tokio::join!(first.run_once_at(at), async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        second.run_once_at(at + chrono::Duration::seconds(2)).await
    });
    a.expect("store");
    assert!(
        b.expect("store") > 0,
        "the second worker took over part of the batch"
    );
    // The two clocks are two seconds apart, so a reminder the first worker starts after the
    // second one sent another to the same number waits for the frequency cap's cooldown (a hold,
    // not a send); one more round sends what waited.
    first
        .run_once_at(at + chrono::Duration::seconds(5))
        .await
        .expect("store");
    let bodies = bodies.our_ids();
    let distinct: std::collections::HashSet<&String> = bodies.iter().collect();
    assert_eq!(distinct.len(), 4, "every message reached Twilio");
    // Each went exactly once, the one in flight when its lease ran out included: its outcome
    // was unknown to the second worker, which asked Twilio and found it there.
    for body in &distinct {
        let times = bodies.iter().filter(|b| b == body).count();
        assert_eq!(times, 1, "{body} went {times} times");
    }
    for id in &ids {
        let message = app.stored_message(id).await;
        assert_eq!(message.status, MessageStatus::Sent);
        assert!(message.attempts <= 2);
    }
}

/// Twilio as the fake that remembers, with lookups after lost sends given up after `attempts`.
async fn app_with_remembering_twilio(
    backend: Backend,
    attempts: u32,
) -> (TestApp, MockServer, twilio_fake::Ledger) {
    let (twilio, ledger) = counting_twilio(Duration::ZERO).await;
    let app = TestApp::builder()
        .store(backend)
        .with_twilio(&twilio)
        .with("messaging.lookup_attempts", attempts)
        .start()
        .await;
    (app, twilio, ledger)
}

/// The killed worker's SMS reached Twilio: the next worker finds it there by its link and records
/// it with Twilio's sid instead of sending it again. An older SMS to the same number (another
/// message, another link) is not taken for it.
async fn a_lost_send_that_twilio_has_is_recorded_with_its_sid_and_not_sent_again(backend: Backend) {
    let (app, _twilio, ledger) = app_with_remembering_twilio(backend, 3).await;
    let (case, id) = schedule_sms(&app, "LOST-1").await;
    let case_id =
        innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let at = common::oslo_working_day_at(12);
    // Twilio has an older SMS to the number, with a link of its own, sent over many pages of
    // lookups (two messages a page).
    ledger.limit_pages_to(2);
    let older = app.ctx.issue_case_link(&case_id).await.expect("link");
    for _ in 0..3 {
        ledger.accept(
            "+4791234567",
            "Innfri",
            &format!("Tidligere: {older}"),
            None,
        );
    }
    app.leave_sending(&[&id], at - chrono::Duration::minutes(2))
        .await;
    // What the killed worker had sent: this message's text, with the link issued for it.
    let link = app
        .ctx
        .issue_message_link(&case_id, &id)
        .await
        .expect("link");
    let sid = ledger.accept(
        "+4791234567",
        "Innfri",
        &format!("Hei! Se saken: {link}"),
        None,
    );
    ledger.accept("+4791234567", "Innfri", "Nyere, uten lenke", None);

    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(ledger.sent().len(), 5, "nothing new reached Twilio");
    assert!(ledger.lookups() >= 3, "every page was read");
    let message = app.stored_message(&id).await;
    assert_eq!(message.status, MessageStatus::Sent);
    assert_eq!(message.provider_id.as_deref(), Some(sid.as_str()));
    assert_eq!(message.unknown_outcome, None);
    assert_eq!(message.attempts, 2, "the lost start and this one");
    let by_sid = app
        .ctx
        .store
        .message_by_provider_id(innfri::domain::message::ProviderRef {
            provider: "twilio",
            id: &sid,
        })
        .await
        .expect("store")
        .expect("indexed for receipts");
    assert_eq!(by_sid.id, id);
    assert_eq!(app.run_worker_at_noon().await, 0, "and it stays done");
}

/// The killed worker died before its SMS reached Twilio: the lookup finds no SMS with this
/// message's link, so the message is sent, once.
async fn a_lost_send_that_twilio_never_got_is_sent_once(backend: Backend) {
    let (app, _twilio, ledger) = app_with_remembering_twilio(backend, 3).await;
    let (case, id) = schedule_sms(&app, "LOST-2").await;
    let case_id =
        innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let at = common::oslo_working_day_at(12);
    let other = app.ctx.issue_case_link(&case_id).await.expect("link");
    ledger.accept(
        "+4791234567",
        "Innfri",
        &format!("Tidligere: {other}"),
        None,
    );
    app.leave_sending(&[&id], at - chrono::Duration::minutes(2))
        .await;

    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(ledger.our_ids(), vec![id.as_str().to_owned()], "sent once");
    let message = app.stored_message(&id).await;
    assert_eq!(message.status, MessageStatus::Sent);
    assert_eq!(message.unknown_outcome, None);
    assert_eq!(
        message.provider_id.as_deref(),
        Some(ledger.sent()[1].sid.as_str())
    );
    let worker = app.worker();
    worker
        .run_once_at(at + chrono::Duration::hours(1))
        .await
        .expect("store");
    assert_eq!(ledger.our_ids().len(), 1, "and not again");
}

/// While Twilio's list cannot be read, a lost send waits (with backoff, the attempt given back)
/// instead of risking a duplicate; after `lookup_attempts` failures it is sent without knowing,
/// so an outage never holds it for good.
async fn a_lost_send_waits_while_twilio_cannot_be_asked_then_goes_after_the_last_attempt(
    backend: Backend,
) {
    let (app, _twilio, ledger) = app_with_remembering_twilio(backend, 2).await;
    let (_, id) = schedule_sms(&app, "LOST-3").await;
    let at = common::oslo_working_day_at(12);
    app.leave_sending(&[&id], at - chrono::Duration::minutes(2))
        .await;
    ledger.lookups_down(true);
    let worker = app.worker();

    assert_eq!(worker.run_once_at(at).await.expect("store"), 1);
    let held = app.stored_message(&id).await;
    assert_eq!(held.status, MessageStatus::Scheduled);
    assert_eq!(held.attempts, 1, "a failed lookup is not a send attempt");
    assert_eq!(held.unknown_outcome.map(|u| u.failed_lookups), Some(1));
    assert_eq!(held.not_before, at + chrono::Duration::seconds(30));
    assert!(ledger.our_ids().is_empty(), "nothing sent while unknown");

    assert_eq!(
        worker
            .run_once_at(at + chrono::Duration::seconds(31))
            .await
            .expect("store"),
        1
    );
    assert_eq!(ledger.lookups(), 2);
    assert_eq!(ledger.our_ids(), vec![id.as_str().to_owned()]);
    let sent = app.stored_message(&id).await;
    assert_eq!(sent.status, MessageStatus::Sent);
    assert_eq!(sent.unknown_outcome, None);
}

/// Every link a message carried stops when its case closes: the one of a start that failed
/// (indexed with the case when the retry replaced it) and the one of the start that went (found
/// through the message's record; sending writes no index).
async fn the_links_of_every_start_stop_when_the_case_closes(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&twilio)
        .await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            serde_json::json!({"sid": "SM0000000000000000000000000000link", "status": "queued"}),
        ))
        .mount(&twilio)
        .await;
    let app = app_with_twilio(backend, &twilio).await;
    let (case, message_id) = schedule_sms(&app, "W-L").await;
    let noon = common::oslo_working_day_at(12);
    assert_eq!(app.run_worker_at(noon).await, 1);
    assert_eq!(
        app.stored_message(&message_id).await.status,
        MessageStatus::Scheduled,
        "the first start failed and waits for its retry"
    );
    assert_eq!(
        app.run_worker_at(noon + chrono::Duration::hours(1)).await,
        1
    );
    assert_eq!(
        app.stored_message(&message_id).await.status,
        MessageStatus::Sent
    );

    let requests = twilio.received_requests().await.expect("requests");
    let links: Vec<String> = requests
        .iter()
        .map(|request| {
            let body = String::from_utf8(request.body.clone()).expect("utf-8");
            let text = form_value(&body, "Body").expect("Body");
            text.split_whitespace()
                .find(|w| w.starts_with("http"))
                .expect("a link in the SMS")
                .to_owned()
        })
        .collect();
    assert_eq!(links.len(), 2);
    assert_ne!(links[0], links[1], "each start has its own link");
    for link in &links {
        assert!(
            app.open_link(link).await.is_some(),
            "opens before the close"
        );
    }
    let id = case["id"].as_str().expect("id");
    let closed = app
        .http
        .post(app.url(&format!("/api/v1/cases/{id}/close")))
        .bearer_auth(KEY_A)
        .header("Content-Type", "application/json")
        .body(r#"{"reason":"settled with the creditor"}"#)
        .send()
        .await
        .expect("close");
    assert_eq!(closed.status().as_u16(), 200);
    for (start, link) in links.iter().enumerate() {
        assert!(
            app.open_link(link).await.is_none(),
            "the link of start {} is revoked",
            start + 1
        );
    }
}

on_every_redis!(
    a_lost_send_that_twilio_has_is_recorded_with_its_sid_and_not_sent_again,
    a_lost_send_that_twilio_never_got_is_sent_once,
    a_lost_send_waits_while_twilio_cannot_be_asked_then_goes_after_the_last_attempt,
    a_batch_that_outlives_its_lease_is_not_sent_twice,
    a_stop_reply_ends_all_sms_to_the_number_and_is_kept_on_the_case,
    two_workers_on_one_store_send_every_message_exactly_once,
    a_scheduled_sms_is_sent_with_a_link_that_opens_exactly_its_case,
    a_provider_outage_is_retried_later_and_gives_up_after_max_attempts,
    an_invalid_number_fails_permanently_without_retry,
    a_rate_limit_honours_retry_after,
    a_reminder_due_at_23_oslo_time_waits_for_the_next_contact_hours,
    a_signed_delivery_receipt_marks_the_message_delivered_and_a_forged_one_changes_nothing,
    the_worker_loop_stops_on_shutdown,
    the_worker_loop_finishes_the_sends_in_flight_before_it_stops,
    a_message_that_waits_out_its_lease_is_left_for_the_next_claim,
    the_worker_loop_sends_batch_after_batch_each_message_once,
    a_case_erased_during_a_send_gets_nothing_written_back,
    the_links_of_every_start_stop_when_the_case_closes,
);
