//! Personal data through the real app: erasure leaves nothing that names the debtor anywhere
//! in Redis (scanned key by key, value by value), an erased case stays erased when the agency
//! sends it again, a debtor's session ends the moment the case is closed or erased, and data
//! kept under the names of earlier versions moves to pseudonyms on upgrade.

use crate::common::{self, Backend, KEY_A, TestApp, spawn_app, twilio_fake};
use ::redis::AsyncCommands;
use innfri::domain::ids::{AgencyId, CaseId, CreditorId, MessageId};
use innfri::domain::message::ContactCap;
use innfri::store::RedisStore;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NAME: &str = "Kari Testesen";
const EMAIL: &str = "Kari.Testesen@Example.no";
const PHONE_AS_TYPED: &str = "912 34 567";
const POSTCODE: &str = "0150";
const BIRTH_DATE: &str = "1980-05-17";

/// Every form of the personal fields that must not survive erasure: as sent and as normalised.
const NEEDLES: &[&str] = &[
    NAME,
    "Testesen",
    "kari.testesen@example.no",
    "+4791234567",
    "4791234567",
    "91234567",
    PHONE_AS_TYPED,
    BIRTH_DATE,
];

fn case_json(external_ref: &str) -> String {
    json!({
        "external_ref": external_ref,
        "creditor_id": "nordlys-energi",
        "debtor": {"name": NAME, "phone": PHONE_AS_TYPED, "email": EMAIL, "locale": "nb",
                   "postcode": POSTCODE, "birth_date": BIRTH_DATE},
        "claim": [
            {"kind": "principal", "description": format!("Strøm til {NAME}"), "amount": "1200.00"},
            {"kind": "fee", "description": "Purregebyr", "amount": "35"}
        ],
        "due_date": innfri::domain::jurisdiction::no::business_day_on_or_after(
            chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string()
    })
    .to_string()
}

/// The personal fields found in `text`, by the form found. The postcode counts only as a token
/// of its own (not inside a longer run of digits or hex, such as an id or a timestamp).
fn personal_data_in(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = NEEDLES
        .iter()
        .filter(|n| lower.contains(&n.to_lowercase()))
        .map(|n| (*n).to_owned())
        .collect();
    let bytes = text.as_bytes();
    let alnum = |i: Option<usize>| {
        i.and_then(|i| bytes.get(i))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    for (at, _) in text.match_indices(POSTCODE) {
        if !alnum(at.checked_sub(1)) && !alnum(Some(at + POSTCODE.len())) {
            found.push(POSTCODE.to_owned());
            break;
        }
    }
    found
}

/// Every byte string a Redis reply holds, flattened (map keys and stream field names too).
fn strings(value: &::redis::Value, out: &mut Vec<String>) {
    use ::redis::Value as V;
    match value {
        V::BulkString(bytes) => out.push(String::from_utf8_lossy(bytes).into_owned()),
        V::SimpleString(s) => out.push(s.clone()),
        V::Int(i) => out.push(i.to_string()),
        V::Array(items) | V::Set(items) => items.iter().for_each(|v| strings(v, out)),
        V::Map(pairs) => pairs.iter().for_each(|(k, v)| {
            strings(k, out);
            strings(v, out);
        }),
        V::Nil | V::Okay => {}
        other => out.push(format!("{other:?}")),
    }
}

/// Scans every key of the namespace, reads every value whatever its type, and lists each place
/// a personal field turns up (`key: form`), key names included.
async fn personal_data_in_redis(namespace: &str) -> Vec<String> {
    let client = ::redis::Client::open(common::redis_url()).expect("client");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("redis");
    let keys: Vec<String> = {
        let mut iter: ::redis::AsyncIter<String> = conn
            .scan_match(format!("{namespace}:*"))
            .await
            .expect("scan");
        let mut keys = Vec::new();
        while let Some(key) = iter.next_item().await {
            keys.push(key);
        }
        keys
    };
    assert!(keys.len() > 10, "the scan sees the test's data: {keys:?}");
    let mut findings = Vec::new();
    for key in keys {
        let kind: String = ::redis::cmd("TYPE")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .expect("type");
        let read = match kind.as_str() {
            "string" => ::redis::cmd("GET").arg(&key).clone(),
            "hash" => ::redis::cmd("HGETALL").arg(&key).clone(),
            "set" => ::redis::cmd("SMEMBERS").arg(&key).clone(),
            "zset" => ::redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .arg("WITHSCORES")
                .clone(),
            "list" => ::redis::cmd("LRANGE").arg(&key).arg(0).arg(-1).clone(),
            "stream" => ::redis::cmd("XRANGE").arg(&key).arg("-").arg("+").clone(),
            "none" => continue, // expired between SCAN and TYPE
            other => panic!("{key}: a value of type {other} the scan cannot read"),
        };
        let value: ::redis::Value = read.query_async(&mut conn).await.expect("read");
        let mut texts = vec![key.clone()];
        strings(&value, &mut texts);
        for text in texts {
            for form in personal_data_in(&text) {
                findings.push(format!("{key}: {form} in {text}"));
            }
        }
    }
    findings
}

async fn app_with_twilio(twilio: &MockServer) -> TestApp {
    TestApp::builder()
        .store(Backend::Redis)
        .with_twilio(twilio)
        .start()
        .await
}

/// An SMS from the debtor's phone, signed as Twilio signs it.
async fn sms_reply(app: &TestApp, text: &str) {
    let status = twilio_fake::reply(
        app,
        "SMreply000000000000000000000000001",
        "+4791234567",
        "Innfri",
        text,
    )
    .await;
    assert_eq!(status, 200);
}

async fn post_with_key(
    app: &TestApp,
    path: &str,
    idempotency_key: &str,
    body: &str,
) -> (u16, String) {
    let response = app
        .http
        .post(app.url(path))
        .bearer_auth(KEY_A)
        .header("Idempotency-Key", idempotency_key)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("post");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

#[tokio::test]
async fn after_erasure_no_key_or_value_in_redis_holds_the_debtors_personal_data() {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(
                json!({"sid": "SMscan000000000000000000000000001", "status": "queued"}),
            ),
        )
        .mount(&twilio)
        .await;
    let app = app_with_twilio(&twilio).await;
    let namespace = app.ctx.config.settings.store.namespace.clone();

    // The case, created with an Idempotency-Key: its answer (the debtor's data) is saved.
    let (status, created) =
        post_with_key(&app, "/api/v1/cases", "create-1", &case_json("P-1")).await;
    assert_eq!(status, 201, "{created}");
    let case: Value = serde_json::from_str(&created).expect("json");
    let id = CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    // A reminder by SMS and one by e-mail, sent: reply routing, provider ids, the frequency cap.
    for channel in ["sms", "email"] {
        let (status, _) = post_with_key(
            &app,
            &format!("/api/v1/cases/{id}/messages"),
            &format!("message-{channel}"),
            &json!({"channel": channel}).to_string(),
        )
        .await;
        assert_eq!(status, 202);
    }
    let worker = app.worker();
    assert_eq!(
        worker
            .run_once_at(common::oslo_working_day_at(12))
            .await
            .expect("store"),
        2
    );
    // The debtor answers by SMS, then asks for STOP (the opt-out set, the case's audit, an event).
    sms_reply(&app, &format!("Dette er {NAME}, jeg betaler fredag")).await;
    sms_reply(&app, "STOPP").await;
    // On the case page: a deferral that needs review, and a dispute in the debtor's own words.
    let (cookie, csrf) = app.open_case(&id).await;
    let due = app.stored_case(&id).await.due_date;
    let asked = (due + chrono::Duration::days(21)).to_string();
    assert_eq!(
        app.post_form("/case/more-time", &cookie, &csrf, &[("date", &asked)])
            .await
            .0,
        200
    );
    let request = app.first_request_id(&id).await;
    // The agency declines with a reason that names the debtor (free text in an event).
    let (status, _) = post_with_key(
        &app,
        &format!("/api/v1/cases/{id}/requests/{request}/decline"),
        "decline-1",
        &json!({"reason": format!("{NAME}: vi ringer deg på {PHONE_AS_TYPED}")}).to_string(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.post_form(
            "/case/dispute",
            &cookie,
            &csrf,
            &[(
                "text",
                &format!("Jeg, {NAME}, født {BIRTH_DATE}, har betalt")
            )]
        )
        .await
        .0,
        200
    );
    // The conversation: the debtor writes on the page and the agency answers, both naming the
    // debtor (the SMS reply above landed there too).
    let written = format!("Hilsen {NAME}, ring meg på {PHONE_AS_TYPED}");
    assert_eq!(
        app.post_form("/case/message", &cookie, &csrf, &[("text", &written)])
            .await
            .0,
        303
    );
    let (status, _) = post_with_key(
        &app,
        &format!("/api/v1/cases/{id}/conversation"),
        "answer-1",
        &json!({"text": format!("Hei {NAME}, vi ringer deg i morgen")}).to_string(),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(app.stored_case(&id).await.conversation.messages.len(), 3);
    let before = personal_data_in_redis(&namespace).await;
    assert!(
        before.len() > 5,
        "the scan finds the data before erasure (so it can find it after): {before:?}"
    );

    let (status, _) =
        post_with_key(&app, &format!("/api/v1/cases/{id}/erase"), "erase-1", "").await;
    assert_eq!(status, 200);
    let left = personal_data_in_redis(&namespace).await;
    assert!(
        left.is_empty(),
        "personal data left after erasure:\n{}",
        left.join("\n")
    );

    // What the agency reads back holds none of it either (the pull API, as webhooks send it).
    let events = app
        .get_api("/api/v1/events?limit=1000", KEY_A)
        .await
        .text()
        .await
        .expect("events");
    assert!(personal_data_in(&events).is_empty(), "{events}");
    assert!(events.contains("request.declined") && events.contains("\"redacted\":true"));

    // A routine re-sync of the same external_ref writes nothing back …
    let (status, body) = post_with_key(&app, "/api/v1/cases", "resync-1", &case_json("P-1")).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("case_erased"), "{body}");
    // … and replaying the key that created the case does not answer with its data.
    let (status, replayed) =
        post_with_key(&app, "/api/v1/cases", "create-1", &case_json("P-1")).await;
    assert_eq!(status, 409, "{replayed}");
    assert!(personal_data_in(&replayed).is_empty(), "{replayed}");
    let left = personal_data_in_redis(&namespace).await;
    assert!(
        left.is_empty(),
        "personal data after the re-sync:\n{}",
        left.join("\n")
    );
    // The STOP outlives the erasure: the number gets no more SMS.
    assert!(app.opted_out("+4791234567").await);
}

async fn an_erased_case_stays_erased_when_the_agency_sends_it_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let created = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_json("E-1"))
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let case: Value = created.json().await.expect("json");
    let id = CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let erased = app
        .post_json(&format!("/api/v1/cases/{id}/erase"), Some(KEY_A), "")
        .await;
    assert_eq!(erased.status().as_u16(), 200);
    let stored = app.stored_case(&id).await;

    let again = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_json("E-1"))
        .await;
    assert_eq!(again.status().as_u16(), 409);
    let body: Value = again.json().await.expect("json");
    assert_eq!(body["error"], "case_erased");
    assert_eq!(body["field"], "external_ref");
    assert_eq!(
        app.stored_case(&id).await,
        stored,
        "nothing was written back"
    );

    // The CSV import goes the same way: the row is refused, the case stays erased.
    let csv = format!(
        "external_ref,debtor_name,phone,principal,due_date\nE-1,{NAME},{PHONE_AS_TYPED},1200.00,2026-12-15\n"
    );
    let report = innfri::service::import::import_cases(
        &app.ctx,
        &AgencyId::parse("agency-a").expect("id"),
        &CreditorId::parse("nordlys-energi").expect("id"),
        csv.as_bytes(),
    )
    .await
    .expect("file accepted");
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(report.rejected[0].field, "external_ref");
    assert_eq!(app.stored_case(&id).await, stored);
}

async fn replaying_a_key_after_erasure_does_not_return_the_debtors_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, created) = post_with_key(&app, "/api/v1/cases", "k-1", &case_json("I-1")).await;
    assert_eq!(status, 201);
    let (status, replayed) = post_with_key(&app, "/api/v1/cases", "k-1", &case_json("I-1")).await;
    assert_eq!(
        (status, &replayed),
        (201, &created),
        "a replay before erasure"
    );
    let id = serde_json::from_str::<Value>(&created).expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, closed) =
        post_with_key(&app, &format!("/api/v1/cases/{id}/close"), "k-2", "").await;
    assert_eq!(status, 200);
    assert!(closed.contains(NAME), "the close answer shows the debtor");

    let erased = app
        .post_json(&format!("/api/v1/cases/{id}/erase"), Some(KEY_A), "")
        .await;
    assert_eq!(erased.status().as_u16(), 200);
    for (key, path, body) in [
        ("k-1", "/api/v1/cases".to_owned(), case_json("I-1")),
        ("k-2", format!("/api/v1/cases/{id}/close"), String::new()),
    ] {
        let (_, replayed) = post_with_key(&app, &path, key, &body).await;
        assert!(
            personal_data_in(&replayed).is_empty(),
            "{key} replayed the erased case's data: {replayed}"
        );
    }
}

async fn sessions_end_at_once_when_the_case_is_closed_or_erased(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut sessions = Vec::new();
    for external_ref in ["S-closed", "S-erased", "S-paid"] {
        let case = app.create_case(external_ref, "1200.00").await;
        let id = CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
        let (cookie, _) = app.open_case(&id).await;
        assert_eq!(app.case_page(&cookie, "").await.status().as_u16(), 200);
        sessions.push((id, cookie));
    }
    let [
        (closed, closed_cookie),
        (erased, erased_cookie),
        (paid, paid_cookie),
    ] = <[(CaseId, String); 3]>::try_from(sessions).expect("three");
    let close = app
        .post_json(&format!("/api/v1/cases/{closed}/close"), Some(KEY_A), "")
        .await;
    assert_eq!(close.status().as_u16(), 200);
    let erase = app
        .post_json(&format!("/api/v1/cases/{erased}/erase"), Some(KEY_A), "")
        .await;
    assert_eq!(erase.status().as_u16(), 200);
    let pay = app
        .post_json(
            &format!("/api/v1/cases/{paid}/payments"),
            Some(KEY_A),
            r#"{"reference": "paid-in-full", "amount": "1249.50"}"#,
        )
        .await;
    assert_eq!(pay.status().as_u16(), 201);

    for cookie in [&closed_cookie, &erased_cookie] {
        let page = app.case_page(cookie, "").await;
        assert_eq!(
            page.status().as_u16(),
            404,
            "the session ended with the case"
        );
        let html = page.text().await.expect("html");
        assert!(
            !html.contains("Ola Nordmann"),
            "nothing of the case is shown"
        );
        // Also the forms behind the page.
        let form = app.get_with_cookie("/case/dispute", cookie).await;
        assert_eq!(form.status().as_u16(), 404);
    }
    // A paid case still thanks the debtor.
    let page = app.case_page(&paid_cookie, "").await;
    assert_eq!(page.status().as_u16(), 200);
}

async fn a_webhook_replay_after_erasure_sends_only_the_redacted_events(backend: Backend) {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let app = TestApp::builder()
        .store(backend)
        .webhook(&format!("{}/hooks", receiver.uri()), true)
        .start()
        .await;
    let created = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_json("W-1"))
        .await;
    let id = CaseId::parse(
        created.json::<Value>().await.expect("json")["id"]
            .as_str()
            .expect("id"),
    )
    .expect("case id");
    let (cookie, csrf) = app.open_case(&id).await;
    let asked = (app.stored_case(&id).await.due_date + chrono::Duration::days(21)).to_string();
    assert_eq!(
        app.post_form("/case/more-time", &cookie, &csrf, &[("date", &asked)])
            .await
            .0,
        200
    );
    let request = app.first_request_id(&id).await;
    let declined = app
        .post_json(
            &format!("/api/v1/cases/{id}/requests/{request}/decline"),
            Some(KEY_A),
            &json!({"reason": format!("Beklager, {NAME}")}).to_string(),
        )
        .await;
    assert_eq!(declined.status().as_u16(), 200);
    let deliverer = app.ctx.deliverer().expect("deliverer");
    let now = chrono::Utc::now();
    deliverer.deliver_once(now).await.expect("store");
    let first = receiver.received_requests().await.expect("requests");
    assert!(
        first
            .iter()
            .any(|r| String::from_utf8_lossy(&r.body).contains(NAME)),
        "delivered before the erasure, with the reason"
    );

    let erased = app
        .post_json(&format!("/api/v1/cases/{id}/erase"), Some(KEY_A), "")
        .await;
    assert_eq!(erased.status().as_u16(), 200);
    let replay = app
        .post_json("/api/v1/webhooks/replay", Some(KEY_A), "{}")
        .await;
    assert_eq!(replay.status().as_u16(), 202);
    deliverer
        .deliver_once(now + chrono::Duration::seconds(1))
        .await
        .expect("store");
    let all = receiver.received_requests().await.expect("requests");
    let replayed = &all[first.len()..];
    assert!(
        replayed.len() > first.len(),
        "everything again, and case.erased"
    );
    for request in replayed {
        let body = String::from_utf8_lossy(&request.body);
        assert!(personal_data_in(&body).is_empty(), "replayed: {body}");
    }
}

on_both_stores!(
    a_webhook_replay_after_erasure_sends_only_the_redacted_events,
    an_erased_case_stays_erased_when_the_agency_sends_it_again,
    replaying_a_key_after_erasure_does_not_return_the_debtors_data,
    sessions_end_at_once_when_the_case_is_closed_or_erased,
);

#[tokio::test]
async fn data_kept_under_the_names_of_the_previous_version_moves_to_pseudonyms() {
    let namespace = common::unique_namespace();
    let client = ::redis::Client::open(common::redis_url()).expect("client");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("redis");
    let agency = AgencyId::parse("agency-a").expect("id");
    let case = CaseId::generate();
    let now = chrono::Utc::now();
    // As the previous version wrote them: the number itself as a set member and in a key name,
    // and the frequency cap under an unsalted SHA-256 of the number.
    let _: () = conn
        .sadd(format!("{namespace}:optout"), "+4791234567")
        .await
        .expect("sadd");
    let _: () = conn
        .set_ex(
            format!("{namespace}:smscase:+4791234567"),
            case.as_str(),
            1000,
        )
        .await
        .expect("set");
    let digest = <sha2::Sha256 as sha2::Digest>::digest(b"+4791234567");
    let legacy_cap = format!(
        "{namespace}:contacts:{agency}:{}",
        hex::encode(&digest[..16])
    );
    let _: () = conn
        .zadd(&legacy_cap, "msg_before_upgrade", now.timestamp_millis())
        .await
        .expect("zadd");

    let store = RedisStore::connect(common::redis_url(), &namespace, common::pseudonyms())
        .await
        .expect("connect");
    use innfri::store::{ContactStore, MessageStore};
    assert!(
        store.is_opted_out("+4791234567").await.expect("store"),
        "the STOP is kept"
    );
    assert_eq!(
        store.last_sms_case("+4791234567").await.expect("store"),
        Some(case.clone()),
        "replies still find the case"
    );
    let left: Vec<String> = conn.keys(format!("{namespace}:*")).await.expect("keys");
    assert!(
        left.iter().all(|k| !k.contains("91234567")),
        "no number in a key name: {left:?}"
    );
    let members: Vec<String> = conn
        .smembers(format!("{namespace}:optout"))
        .await
        .expect("smembers");
    assert!(
        members.is_empty(),
        "the plain opt-out set is emptied: {members:?}"
    );
    let route = left
        .iter()
        .find(|k| k.contains(":reply:"))
        .expect("the route under its pseudonym");
    let ttl: i64 = conn.ttl(route).await.expect("ttl");
    assert!(
        (1..=1000).contains(&ttl),
        "the route keeps its time to live: {ttl}"
    );

    // The reminder counted under the old name still counts (one a week allowed: none now) …
    let cap = ContactCap {
        max: 1,
        window: chrono::Duration::days(7),
        cooldown: chrono::Duration::zero(),
    };
    let later = store
        .claim_contact_slot(&agency, "+4791234567", &MessageId::generate(), now, &cap)
        .await
        .expect("claim");
    assert!(
        later.is_some(),
        "the cap remembers the reminder sent before the upgrade"
    );
    let exists: bool = conn.exists(&legacy_cap).await.expect("exists");
    assert!(!exists, "… and the old name is gone");

    // A STOP an older process records during a rolling upgrade counts at once, and moves over
    // at the next start.
    let _: () = conn
        .sadd(format!("{namespace}:optout"), "+4790000001")
        .await
        .expect("sadd");
    assert!(store.is_opted_out("+4790000001").await.expect("store"));
    // The send path reads it in the same step as it starts a send.
    let message = innfri::domain::message::Message::schedule(
        case.clone(),
        agency.clone(),
        innfri::domain::message::Recipient::Sms(
            innfri::domain::contact::PhoneNumber::parse("+4790000001").expect("phone"),
        ),
        innfri::domain::message::Template::Reminder,
        now,
        now,
    );
    store.schedule_message(&message).await.expect("schedule");
    let claimed = store
        .claim_due_messages(now, now + chrono::Duration::minutes(1), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let start = store
        .begin_send(
            &claimed[0],
            claimed[0].starts,
            Some(now + chrono::Duration::minutes(1)),
        )
        .await
        .expect("begin")
        .expect("won");
    assert!(start.opted_out, "a STOP in the old set stops the send");
    let restarted = RedisStore::connect(common::redis_url(), &namespace, common::pseudonyms())
        .await
        .expect("connect");
    assert!(restarted.is_opted_out("+4790000001").await.expect("store"));
    let members: Vec<String> = conn
        .smembers(format!("{namespace}:optout"))
        .await
        .expect("smembers");
    assert!(members.is_empty(), "{members:?}");
}

/// Erasure removes every document: the metadata from the case and each object from the
/// bucket or folder, also one no metadata names (left by an upload that failed half-way).
async fn erasure_removes_every_document_object(objects: crate::documents::Objects) {
    use crate::documents::{PDF, app_with, attach};
    let (app, place) = app_with(objects).await;
    let case = app.new_case("ERASE-DOCS").await;
    for kind in ["invoice", "letter"] {
        let response = attach(&app, KEY_A, case.as_str(), &format!("kind={kind}"), PDF).await;
        assert_eq!(response.status().as_u16(), 201);
    }
    // An object without metadata, as a crash between the two writes leaves.
    let orphan = innfri::domain::document::DocumentId::generate();
    app.ctx
        .documents
        .put(&case, &orphan, PDF.to_vec())
        .await
        .expect("put");
    let other = app.new_case("KEEP-DOCS").await;
    attach(&app, KEY_A, other.as_str(), "kind=invoice", PDF).await;
    assert_eq!(
        app.ctx
            .documents
            .case_objects(&case)
            .await
            .expect("list")
            .len(),
        3
    );

    let erased = app
        .post_json(&format!("/api/v1/cases/{case}/erase"), Some(KEY_A), "")
        .await;
    assert_eq!(erased.status().as_u16(), 200);
    assert!(
        app.stored_case(&case).await.documents.is_empty(),
        "no metadata left"
    );
    assert!(
        app.ctx
            .documents
            .case_objects(&case)
            .await
            .expect("list")
            .is_empty(),
        "no object left for the erased case"
    );
    if let (crate::documents::Objects::S3, Some(bucket)) = (objects, &place) {
        let keys = common::s3::keys(bucket, &format!("cases/{case}/")).await;
        assert!(keys.is_empty(), "the bucket itself lists nothing: {keys:?}");
        let kept = common::s3::keys(bucket, &format!("cases/{other}/")).await;
        assert_eq!(kept.len(), 1, "another case's document stays");
    }
    if let (crate::documents::Objects::Folder, Some(folder)) = (objects, &place) {
        let dir = std::path::Path::new(folder)
            .join("cases")
            .join(case.as_str());
        let left = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "no file left in the folder");
        let _ = std::fs::remove_dir_all(folder);
    }
    let response = app
        .get_api(&format!("/api/v1/cases/{case}/documents"), KEY_A)
        .await;
    let list: Value = response.json().await.expect("json");
    assert_eq!(list["documents"], json!([]));
}

#[tokio::test]
async fn erasure_removes_every_document_object_from_a_real_s3_server() {
    erasure_removes_every_document_object(crate::documents::Objects::S3).await;
}

#[tokio::test]
async fn erasure_removes_every_document_file_from_the_local_folder() {
    erasure_removes_every_document_object(crate::documents::Objects::Folder).await;
}
