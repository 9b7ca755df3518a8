//! The other providers through the real app: GatewayAPI (JSON send + JWT-signed delivery
//! reports), Postmark (send + bounce webhook with Basic credentials), SMTP through a local sink,
//! failover when a provider is down, channel fallback on a bad contact, and the frequency cap.

use std::sync::{Arc, Mutex};

use crate::common::providers::{
    GATEWAYAPI_SECRET as GW_SECRET, GATEWAYAPI_TOKEN as GW_TOKEN, POSTMARK_PASSWORD as PM_PASSWORD,
    POSTMARK_TOKEN as PM_TOKEN, POSTMARK_USER as PM_USER, gatewayapi_accepting, gatewayapi_jwt,
    gatewayapi_settings,
};
use crate::common::{self, Backend, KEY_A, KEY_B, TestApp, TestAppBuilder};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use innfri::domain::event::EventKind;
use innfri::domain::ids::CaseId;
use innfri::domain::message::{Message, MessageStatus, Recipient};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The test configuration with the frequency cap lifted: these tests send several reminders to
/// one test debtor and are about providers, not the cap.
fn builder(backend: Backend) -> TestAppBuilder {
    TestApp::builder()
        .store(backend)
        .uncapped()
        .with("messaging.max_attempts", 3)
}

async fn create_case_for(app: &TestApp, key: &str, external_ref: &str, email: &str) -> CaseId {
    let mut body: Value =
        serde_json::from_str(&common::case_body(external_ref, "1200.00")).expect("json");
    body["debtor"]["email"] = json!(email);
    let response = app
        .post_json("/api/v1/cases", Some(key), &body.to_string())
        .await;
    assert_eq!(response.status().as_u16(), 201, "case created");
    let case: Value = response.json().await.expect("json");
    CaseId::parse(case["id"].as_str().expect("id")).expect("case id")
}

async fn event_kinds(app: &TestApp, case: &CaseId) -> Vec<EventKind> {
    let agency = innfri::domain::ids::AgencyId::parse("agency-a").expect("agency");
    app.ctx
        .store
        .events_after(&agency, None, 1000)
        .await
        .expect("events")
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.case_id.as_ref() == Some(case))
        .map(|e| e.kind)
        .collect()
}

fn count(kinds: &[EventKind], kind: EventKind) -> usize {
    kinds.iter().filter(|k| **k == kind).count()
}

async fn post_report(app: &TestApp, jwt: &str, claims: &Value) -> u16 {
    app.http
        .post(app.url("/callbacks/gatewayapi/status"))
        .header("X-Gwapi-Signature", jwt)
        .json(claims)
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

async fn gatewayapi_sends_json_and_a_signed_undeliverable_report_falls_back_to_email(
    backend: Backend,
) {
    let gateway = MockServer::start().await;
    let basic = format!("Basic {}", STANDARD.encode(format!("{GW_TOKEN}:")));
    Mock::given(method("POST"))
        .and(path("/rest/mtsms"))
        .and(header("authorization", basic.as_str()))
        .and(body_partial_json(
            json!({"sender": "Innfri", "recipients": [{"msisdn": 4791234567_u64}]}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ids": [421332671], "usage": {"currency": "EUR"}})),
        )
        .expect(1)
        .mount(&gateway)
        .await;
    let app = builder(backend).with_gatewayapi(&gateway).start().await;
    let case = create_case_for(&app, KEY_A, "GW-1", "kari@example.no").await;
    let sms = app.schedule(KEY_A, &case, "sms").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    let sent = app.stored_message(&sms).await;
    assert_eq!(sent.status, MessageStatus::Sent);
    assert_eq!(sent.provider_id.as_deref(), Some("421332671"));
    let requests = gateway.received_requests().await.expect("requests");
    let body: Value = serde_json::from_slice(&requests[0].body).expect("json body");
    assert_eq!(body["userref"], json!(sms.as_str()), "our id travels along");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Nordlys Energi AS")),
        "{body}"
    );

    let claims = json!({"id": 421332671, "msisdn": 4791234567_u64, "time": Utc::now().timestamp(), "status": "UNDELIVERABLE", "error": "Invalid MSISDN", "code": "0x0b", "userref": sms.as_str(), "country_code": "NO", "country_prefix": 47});
    // Forged: signed with another secret, or not signed at all.
    assert_eq!(
        post_report(&app, &gatewayapi_jwt(&claims, "guess"), &claims).await,
        401
    );
    assert_eq!(post_report(&app, "", &claims).await, 401);
    assert_eq!(app.stored_message(&sms).await.status, MessageStatus::Sent);
    assert!(
        event_kinds(&app, &case)
            .await
            .iter()
            .all(|k| *k != EventKind::MessageFailed)
    );

    let jwt = gatewayapi_jwt(&claims, GW_SECRET);
    assert_eq!(post_report(&app, &jwt, &claims).await, 204);
    assert_eq!(
        post_report(&app, &jwt, &claims).await,
        204,
        "again: no change"
    );
    let failed = app.stored_message(&sms).await;
    assert_eq!(failed.status, MessageStatus::Failed);
    let kinds = event_kinds(&app, &case).await;
    assert_eq!(count(&kinds, EventKind::ContactInvalid), 1, "{kinds:?}");
    assert_eq!(count(&kinds, EventKind::MessageFailed), 1, "{kinds:?}");

    // The same reminder goes by e-mail (the creditor allows fallback), once.
    let fallbacks: Vec<Message> = app
        .ctx
        .store
        .case_messages(&case)
        .await
        .expect("messages")
        .into_iter()
        .filter(|m| m.fallback_of.as_ref() == Some(&sms))
        .collect();
    assert_eq!(fallbacks.len(), 1);
    assert!(
        matches!(&fallbacks[0].recipient, Recipient::Email(e) if e.as_str() == "kari@example.no")
    );
    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(
        app.stored_message(&fallbacks[0].id).await.status,
        MessageStatus::Sent
    );
}

async fn gatewayapi_delivered_report_marks_the_message_delivered(backend: Backend) {
    let gateway = gatewayapi_accepting(7).await;
    let app = builder(backend).with_gatewayapi(&gateway).start().await;
    let case = create_case_for(&app, KEY_A, "GW-2", "kari@example.no").await;
    let sms = app.schedule(KEY_A, &case, "sms").await;
    app.run_worker_at_noon().await;
    // Matched by GatewayAPI's id when no userref comes back.
    let claims = json!({"id": 7, "msisdn": 4791234567_u64, "time": Utc::now().timestamp(), "status": "DELIVERED", "userref": null});
    let jwt = gatewayapi_jwt(&claims, GW_SECRET);
    assert_eq!(post_report(&app, &jwt, &claims).await, 204);
    assert_eq!(
        app.stored_message(&sms).await.status,
        MessageStatus::Delivered
    );
    assert_eq!(
        count(&event_kinds(&app, &case).await, EventKind::MessageDelivered),
        1
    );
}

/// GatewayAPI's published example report (DOMAIN.md part 2 §3), signed with `secret`, made
/// 2018-04-03 for GatewayAPI's message 2381703.
const GW_PUBLISHED_REPORT: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpZCI6MjM4MTcwMywibXNpc2RuIjo0NTQyNjA5MDQ1LCJ0aW1lIjoxNTIyNzY0MDYyLCJzdGF0dXMiOiJERUxJVkVSRUQiLCJlcnJvciI6bnVsbCwiY29kZSI6bnVsbCwidXNlcnJlZiI6bnVsbCwiY2FsbGJhY2tfdXJsIjoiaHR0cDovL2JiYWY3MTQyLm5ncm9rLmlvIiwiYXBpIjo0fQ.KdfDH65bnQtgxEkFnpAQodOciAJedZFB13r9wEo8t3Y";

async fn gatewayapi_reports_are_taken_only_while_current(backend: Backend) {
    let gateway = gatewayapi_accepting(2381703).await;
    let mut settings = gatewayapi_settings(&gateway);
    settings["webhook_secret"] = json!("secret");
    let app = builder(backend)
        .with("messaging.sms_provider", "gatewayapi")
        .with("gatewayapi", settings)
        .start()
        .await;
    let case = create_case_for(&app, KEY_A, "GW-3", "kari@example.no").await;
    let sms = app.schedule(KEY_A, &case, "sms").await;
    app.run_worker_at_noon().await;
    let claims = |time: i64| json!({"id": 2381703, "msisdn": 4791234567_u64, "time": time, "status": "DELIVERED", "userref": null});
    let now = Utc::now().timestamp();
    // Rightly signed, but from 2018, from two days ago, or dated an hour ahead.
    let published = claims(1_522_764_062);
    assert_eq!(
        post_report(&app, GW_PUBLISHED_REPORT, &published).await,
        401
    );
    for time in [now - 2 * 86_400, now + 3600] {
        let jwt = gatewayapi_jwt(&claims(time), "secret");
        assert_eq!(post_report(&app, &jwt, &claims(time)).await, 401, "{time}");
    }
    let expired = json!({"id": 2381703, "time": now, "exp": now - 3600, "status": "DELIVERED"});
    let jwt = gatewayapi_jwt(&expired, "secret");
    assert_eq!(post_report(&app, &jwt, &expired).await, 401);
    assert_eq!(app.stored_message(&sms).await.status, MessageStatus::Sent);

    let jwt = gatewayapi_jwt(&claims(now), "secret");
    assert_eq!(post_report(&app, &jwt, &claims(now)).await, 204);
    assert_eq!(
        app.stored_message(&sms).await.status,
        MessageStatus::Delivered
    );
}

/// GatewayAPI cannot be asked what it sent (no lookup by `userref`): a lost send waits out the
/// receipt grace. A delivery report naming it (our id in `userref`) settles it without a second
/// send; one that gets no report is sent again once the grace is over.
async fn a_lost_gatewayapi_send_waits_for_its_report_before_it_is_sent_again(backend: Backend) {
    let gateway = gatewayapi_accepting(421332672).await;
    let app = builder(backend)
        .with("messaging.sms_provider", "gatewayapi")
        .with("messaging.receipt_grace_seconds", 300)
        .with("gatewayapi", gatewayapi_settings(&gateway))
        .start()
        .await;
    let reported = app
        .schedule(
            KEY_A,
            &create_case_for(&app, KEY_A, "GL-1", "a@example.no").await,
            "sms",
        )
        .await;
    let silent = app
        .schedule(
            KEY_A,
            &create_case_for(&app, KEY_A, "GL-2", "b@example.no").await,
            "sms",
        )
        .await;
    let noon = common::oslo_working_day_at(12);
    let lost_at = noon - chrono::Duration::minutes(1);
    app.leave_sending(&[&reported, &silent], lost_at).await;

    assert_eq!(app.run_worker_at(noon).await, 2);
    for id in [&reported, &silent] {
        let held = app.stored_message(id).await;
        assert_eq!(held.status, MessageStatus::Scheduled);
        assert_eq!(held.not_before, lost_at + chrono::Duration::minutes(5));
    }
    assert!(
        gateway
            .received_requests()
            .await
            .expect("requests")
            .is_empty(),
        "nothing sent while a report may still come"
    );

    let claims = json!({"id": 421332671, "msisdn": 4791234567_u64, "time": Utc::now().timestamp(), "status": "ENROUTE", "userref": reported.as_str()});
    assert_eq!(
        post_report(&app, &gatewayapi_jwt(&claims, GW_SECRET), &claims).await,
        204
    );
    let settled = app.stored_message(&reported).await;
    assert_eq!(settled.status, MessageStatus::Sent);
    assert_eq!(settled.provider_id.as_deref(), Some("421332671"));
    assert_eq!(settled.unknown_outcome, None);

    assert_eq!(
        app.run_worker_at(lost_at + chrono::Duration::minutes(6))
            .await,
        1
    );
    let requests = gateway.received_requests().await.expect("requests");
    assert_eq!(requests.len(), 1, "only the one no report settled");
    let sent: Value = serde_json::from_slice(&requests[0].body).expect("json");
    assert_eq!(sent["userref"], json!(silent.as_str()));
    assert_eq!(
        app.stored_message(&silent).await.status,
        MessageStatus::Sent
    );
}

async fn post_postmark(app: &TestApp, credentials: Option<(&str, &str)>, body: &Value) -> u16 {
    let mut request = app.http.post(app.url("/callbacks/postmark")).json(body);
    if let Some((user, password)) = credentials {
        request = request.basic_auth(user, Some(password));
    }
    request.send().await.expect("post").status().as_u16()
}

async fn postmark_sends_and_a_hard_bounce_falls_back_to_sms(backend: Backend) {
    let postmark = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/email"))
        .and(header("x-postmark-server-token", PM_TOKEN))
        .and(body_partial_json(json!({"To": "kari@example.no", "MessageStream": "outbound"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"To": "kari@example.no", "SubmittedAt": "2026-11-23T12:00:00Z", "MessageID": "b7bc2f4a-e38e-4336-af7d-e6c392c2f817", "ErrorCode": 0, "Message": "OK"})))
        .expect(1)
        .mount(&postmark)
        .await;
    let app = builder(backend).with_postmark(&postmark).start().await;
    let case = create_case_for(&app, KEY_A, "PM-1", "kari@example.no").await;
    let email = app.schedule(KEY_A, &case, "email").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(app.stored_message(&email).await.status, MessageStatus::Sent);
    let requests = postmark.received_requests().await.expect("requests");
    let body: Value = serde_json::from_slice(&requests[0].body).expect("json");
    assert_eq!(body["Metadata"]["message_id"], json!(email.as_str()));
    assert!(body["Subject"].as_str().is_some_and(|s| !s.is_empty()));

    let bounce = json!({"RecordType": "Bounce", "ID": 4323372036854775807_u64, "Type": "HardBounce", "TypeCode": 1, "MessageID": "b7bc2f4a-e38e-4336-af7d-e6c392c2f817", "Email": "kari@example.no", "BouncedAt": "2026-11-23T12:01:00Z", "Inactive": true, "Metadata": {"message_id": email.as_str()}, "MessageStream": "outbound"});
    assert_eq!(post_postmark(&app, None, &bounce).await, 401);
    assert_eq!(
        post_postmark(&app, Some((PM_USER, "wrong-password-000")), &bounce).await,
        401
    );
    assert_eq!(app.stored_message(&email).await.status, MessageStatus::Sent);
    assert_eq!(
        post_postmark(&app, Some((PM_USER, PM_PASSWORD)), &json!({"nonsense": 1})).await,
        400
    );
    // The scheme is case-insensitive (RFC 9110): `basic` is Basic.
    let lowercase = format!(
        "basic {}",
        STANDARD.encode(format!("{PM_USER}:{PM_PASSWORD}"))
    );
    let status = app
        .http
        .post(app.url("/callbacks/postmark"))
        .header("authorization", lowercase)
        .json(&bounce)
        .send()
        .await
        .expect("post")
        .status();
    assert_eq!(status.as_u16(), 204);
    assert_eq!(
        app.stored_message(&email).await.status,
        MessageStatus::Failed
    );
    let kinds = event_kinds(&app, &case).await;
    assert_eq!(count(&kinds, EventKind::ContactInvalid), 1, "{kinds:?}");
    let fallback = app
        .ctx
        .store
        .case_messages(&case)
        .await
        .expect("messages")
        .into_iter()
        .find(|m| m.fallback_of.as_ref() == Some(&email))
        .expect("a fallback SMS");
    assert!(matches!(fallback.recipient, Recipient::Sms(_)));
}

async fn postmark_inactive_recipient_is_permanent(backend: Backend) {
    let postmark = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/email"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"ErrorCode": 406, "Message": "You tried to send to a recipient that has been marked as inactive."})))
        .expect(1)
        .mount(&postmark)
        .await;
    let app = builder(backend).with_postmark(&postmark).start().await;
    let case = create_case_for(&app, KEY_A, "PM-2", "kari@example.no").await;
    let email = app.schedule(KEY_A, &case, "email").await;
    app.run_worker_at_noon().await;
    let failed = app.stored_message(&email).await;
    assert_eq!(failed.status, MessageStatus::Failed, "no retry");
    assert_eq!(failed.attempts, 1);
    assert_eq!(
        count(&event_kinds(&app, &case).await, EventKind::ContactInvalid),
        1
    );
}

/// A minimal SMTP server: accepts everything except recipients whose address starts with
/// "bounce", and keeps each message's DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:<BOUNCE") {
                        b"550 5.1.1 no such user\r\n"
                    } else if upper.starts_with("DATA") {
                        let _ = write.write_all(b"354 go ahead\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        store.lock().expect("lock").push(data);
                        b"250 2.0.0 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    if write.write_all(answer).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, received)
}

async fn smtp_delivers_through_a_local_sink_and_a_refused_address_falls_back_to_sms(
    backend: Backend,
) {
    let (port, received) = smtp_sink().await;
    let app = builder(backend)
            .with("messaging.email_provider", "smtp")
            .with(
                "smtp",
                json!({"host": "127.0.0.1", "port": port, "security": "none", "from": "Nordic Inkasso <noreply@innfri.test>"}),
            ).start()
    .await;
    let good = create_case_for(&app, KEY_A, "SM-1", "kari@example.no").await;
    let bad = create_case_for(&app, KEY_A, "SM-2", "bounce@example.no").await;
    let sent = app.schedule(KEY_A, &good, "email").await;
    let refused = app.schedule(KEY_A, &bad, "email").await;
    assert_eq!(app.run_worker_at_noon().await, 2);

    assert_eq!(app.stored_message(&sent).await.status, MessageStatus::Sent);
    let mails = received.lock().expect("lock").clone();
    assert_eq!(mails.len(), 1, "only the accepted one: {mails:?}");
    let mail = &mails[0];
    assert!(mail.contains("To: kari@example.no"), "{mail}");
    assert!(
        mail.contains("From: \"Nordic Inkasso\" <noreply@innfri.test>")
            || mail.contains("From: Nordic Inkasso <noreply@innfri.test>"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!("Message-ID: <{}@innfri.test>", sent.as_str())),
        "{mail}"
    );
    assert!(mail.contains("Subject: "), "{mail}");
    assert!(
        mail.contains(&format!(
            "List-Unsubscribe: <{}/u/{}/",
            app.base,
            sent.as_str()
        )),
        "{mail}"
    );
    assert!(
        mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{mail}"
    );

    let failed = app.stored_message(&refused).await;
    assert_eq!(failed.status, MessageStatus::Failed, "550 is permanent");
    assert_eq!(failed.attempts, 1);
    assert_eq!(
        count(&event_kinds(&app, &bad).await, EventKind::ContactInvalid),
        1
    );
    assert!(
        app.ctx
            .store
            .case_messages(&bad)
            .await
            .expect("messages")
            .iter()
            .any(|m| m.fallback_of.as_ref() == Some(&refused)
                && matches!(m.recipient, Recipient::Sms(_))),
        "the debtor gets the SMS instead"
    );
}

async fn a_provider_that_is_down_fails_over_to_the_second(backend: Backend) {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&twilio)
        .await;
    let gateway = gatewayapi_accepting(99).await;
    let app = builder(backend)
        .with_twilio(&twilio)
        .with("messaging.sms_failover", "gatewayapi")
        .with("messaging.breaker_failures", 1)
        .with("messaging.concurrency", 1)
        .with("gatewayapi", gatewayapi_settings(&gateway))
        .start()
        .await;
    let first_case = create_case_for(&app, KEY_A, "FO-1", "kari@example.no").await;
    let second_case = create_case_for(&app, KEY_A, "FO-2", "kari@example.no").await;
    let first = app.schedule(KEY_A, &first_case, "sms").await;
    let second = app.schedule(KEY_A, &second_case, "sms").await;
    let worker = app.worker();
    let noon = common::oslo_working_day_at(12);
    assert_eq!(worker.run_once_at(noon).await.expect("store"), 2);
    // One message met the outage (and waits for its retry); the breaker opened, so the other
    // went through GatewayAPI.
    let statuses = [
        app.stored_message(&first).await.status,
        app.stored_message(&second).await.status,
    ];
    assert!(statuses.contains(&MessageStatus::Scheduled), "{statuses:?}");
    assert!(statuses.contains(&MessageStatus::Sent), "{statuses:?}");
    // The retry, a few minutes on, goes through the open breaker to GatewayAPI too.
    let later = noon + chrono::Duration::minutes(5);
    assert_eq!(worker.run_once_at(later).await.expect("store"), 1);
    assert_eq!(app.stored_message(&first).await.status, MessageStatus::Sent);
    assert_eq!(
        app.stored_message(&second).await.status,
        MessageStatus::Sent
    );
    assert_eq!(twilio.received_requests().await.expect("requests").len(), 1);
    assert_eq!(
        gateway.received_requests().await.expect("requests").len(),
        2
    );
    // Recorded under the provider that really sent it, so GatewayAPI's reports find it.
    assert_eq!(
        app.stored_message(&first).await.provider.as_deref(),
        Some("gatewayapi")
    );
}

/// Provider ids are matched within their provider only: Postmark reporting on an id that only
/// the console provider gave (to an SMS) changes nothing, while the same report on Postmark's
/// own id is recorded.
async fn a_report_from_one_provider_never_matches_another_providers_id(backend: Backend) {
    let postmark = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/email"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"To": "kari@example.no", "SubmittedAt": "2026-11-23T12:00:00Z", "MessageID": "0d9f4a7e-1c2b-4e5f-8a9b-0c1d2e3f4a5b", "ErrorCode": 0, "Message": "OK"})))
        .mount(&postmark)
        .await;
    let app = builder(backend).with_postmark(&postmark).start().await;
    let case = create_case_for(&app, KEY_A, "NS-1", "kari@example.no").await;
    let sms = app.schedule(KEY_A, &case, "sms").await;
    let email = app.schedule(KEY_A, &case, "email").await;
    assert_eq!(app.run_worker_at_noon().await, 2);
    let sent_sms = app.stored_message(&sms).await;
    assert_eq!(sent_sms.provider.as_deref(), Some("console"));
    let console_id = sent_sms.provider_id.clone().expect("console id");
    assert!(console_id.starts_with("console-"), "{console_id}");

    let report = |message_id: &str| json!({"RecordType": "Delivery", "MessageID": message_id, "Recipient": "kari@example.no", "DeliveredAt": "2026-11-23T12:01:00Z", "MessageStream": "outbound"});
    assert_eq!(
        post_postmark(&app, Some((PM_USER, PM_PASSWORD)), &report(&console_id)).await,
        204,
        "acknowledged, as for any unknown id"
    );
    assert_eq!(
        app.stored_message(&sms).await,
        sent_sms,
        "the SMS is untouched"
    );
    assert_eq!(
        count(&event_kinds(&app, &case).await, EventKind::MessageDelivered),
        0
    );

    assert_eq!(
        post_postmark(
            &app,
            Some((PM_USER, PM_PASSWORD)),
            &report("0d9f4a7e-1c2b-4e5f-8a9b-0c1d2e3f4a5b")
        )
        .await,
        204
    );
    assert_eq!(
        app.stored_message(&email).await.status,
        MessageStatus::Delivered
    );
}

/// Noon (Oslo) on the first working day after `at`.
fn next_working_noon(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    let mut day =
        at.with_timezone(&chrono_tz::Europe::Oslo).date_naive() + chrono::Duration::days(1);
    while !innfri::domain::jurisdiction::no::is_business_day(day) {
        day += chrono::Duration::days(1);
    }
    chrono_tz::Europe::Oslo
        .from_local_datetime(&day.and_hms_opt(12, 0, 0).expect("time"))
        .earliest()
        .expect("local time")
        .with_timezone(&Utc)
}

async fn the_frequency_cap_spaces_reminders_to_one_debtor_across_an_agencys_cases(
    backend: Backend,
) {
    // The defaults: two reminders a week, a day apart.
    let app = TestApp::builder().store(backend).start().await;
    let mut reminders = Vec::new();
    for i in 0..3 {
        let case = create_case_for(&app, KEY_A, &format!("CAP-{i}"), "kari@example.no").await;
        reminders.push(app.schedule(KEY_A, &case, "sms").await);
    }
    // Another agency writing to the same number is counted apart.
    let other_agency_case = create_case_for(&app, KEY_B, "CAP-B", "kari@example.no").await;
    let other = app.schedule(KEY_B, &other_agency_case, "sms").await;

    let day_one = common::oslo_working_day_at(12);
    app.run_worker_at(day_one).await;
    let mut statuses = Vec::new();
    for id in &reminders {
        statuses.push(app.stored_message(id).await);
    }
    let sent: Vec<&Message> = statuses
        .iter()
        .filter(|m| m.status == MessageStatus::Sent)
        .collect();
    assert_eq!(sent.len(), 1, "one reminder on the first day");
    for held in statuses.iter().filter(|m| m.status != MessageStatus::Sent) {
        assert_eq!(held.status, MessageStatus::Scheduled);
        assert!(held.not_before >= day_one + chrono::Duration::hours(24));
    }
    assert_eq!(app.stored_message(&other).await.status, MessageStatus::Sent);

    let day_two = next_working_noon(day_one);
    app.run_worker_at(day_two).await;
    let mut sent_by_now = 0;
    let mut waiting = Vec::new();
    for id in &reminders {
        let m = app.stored_message(id).await;
        if m.status == MessageStatus::Sent {
            sent_by_now += 1;
        } else {
            waiting.push(m);
        }
    }
    assert_eq!(sent_by_now, 2, "the second a day later");
    assert_eq!(waiting.len(), 1);
    assert!(
        waiting[0].not_before >= day_one + chrono::Duration::days(7),
        "the third waits until the first is a week old: {}",
        waiting[0].not_before
    );
}

on_both_stores!(
    a_lost_gatewayapi_send_waits_for_its_report_before_it_is_sent_again,
    gatewayapi_sends_json_and_a_signed_undeliverable_report_falls_back_to_email,
    gatewayapi_delivered_report_marks_the_message_delivered,
    gatewayapi_reports_are_taken_only_while_current,
    postmark_sends_and_a_hard_bounce_falls_back_to_sms,
    postmark_inactive_recipient_is_permanent,
    smtp_delivers_through_a_local_sink_and_a_refused_address_falls_back_to_sms,
    a_provider_that_is_down_fails_over_to_the_second,
    a_report_from_one_provider_never_matches_another_providers_id,
    the_frequency_cap_spaces_reminders_to_one_debtor_across_an_agencys_cases,
);
