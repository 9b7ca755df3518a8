//! Opting out and back in, through the real app: free-text STOP replies (Twilio and GatewayAPI,
//! each verified), START with its confirmation, and the one-click unsubscribe every e-mail
//! carries (RFC 8058), which stops e-mail to that address.

use std::time::Duration;

use crate::common::providers::{
    GATEWAYAPI_SECRET as GW_SECRET, gatewayapi_accepting, gatewayapi_jwt,
};
use crate::common::{Backend, KEY_A, TestApp, TestAppBuilder, twilio_fake};
use innfri::domain::event::EventKind;
use innfri::domain::ids::{CaseId, MessageId};
use innfri::domain::message::MessageStatus;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The number `common::case_body` gives every debtor.
const PHONE: &str = "+4791234567";

/// Reminders to the one test debtor are not capped here: these tests are about opting out.
fn builder(backend: Backend) -> TestAppBuilder {
    TestApp::builder().store(backend).uncapped()
}

async fn app_with_twilio(backend: Backend) -> (TestApp, MockServer, twilio_fake::Ledger) {
    let (twilio, ledger) = twilio_fake::start(Duration::ZERO).await;
    let app = builder(backend).with_twilio(&twilio).start().await;
    (app, twilio, ledger)
}

/// A reply from the debtor's number, signed as Twilio signs it.
async fn twilio_reply(app: &TestApp, text: &str) -> u16 {
    twilio_fake::reply(
        app,
        "SMreply000000000000000000000000002",
        PHONE,
        "+4759000000",
        text,
    )
    .await
}

async fn opted_out(app: &TestApp) -> bool {
    app.opted_out(PHONE).await
}

async fn audit_actions(app: &TestApp, case: &CaseId) -> Vec<(String, String)> {
    app.stored_case(case)
        .await
        .audit
        .into_iter()
        .filter(|a| a.action.starts_with("sms.") || a.action.starts_with("email."))
        .map(|a| (a.action, a.detail))
        .collect()
}

/// "Stopp sms, takk!" and "Ikke send meg flere meldinger." opt out; a question that mentions
/// "stopp" is a reply for the agency and changes nothing.
async fn free_text_opt_outs_are_recognised_and_a_question_about_interest_is_not(backend: Backend) {
    let (app, _twilio, ledger) = app_with_twilio(backend).await;
    let case = app.new_case("OPT-1").await;
    app.schedule(KEY_A, &case, "sms").await;
    assert_eq!(app.run_worker_at_noon().await, 1);

    assert_eq!(
        twilio_reply(&app, "Jeg kan ikke betale, stopp renter").await,
        200
    );
    assert!(!opted_out(&app).await, "a question is not an opt-out");
    assert_eq!(twilio_reply(&app, "Stopp sms, takk!").await, 200);
    assert!(opted_out(&app).await);
    let actions = audit_actions(&app, &case).await;
    assert_eq!(
        actions,
        vec![
            (
                "sms.reply".to_owned(),
                "Jeg kan ikke betale, stopp renter".to_owned()
            ),
            ("sms.opt_out".to_owned(), "Stopp sms, takk!".to_owned()),
        ]
    );
    assert!(app.event_kinds().await.contains(&EventKind::ContactInvalid));

    let next = app
        .schedule(KEY_A, &app.new_case("OPT-2").await, "sms")
        .await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(
        app.stored_message(&next).await.status,
        MessageStatus::Cancelled
    );
    assert_eq!(ledger.sent().len(), 1, "nothing after the opt-out");

    // Nynorsk, in capitals, with a full stop: the same.
    app.ctx.store.opt_in(PHONE).await.expect("store");
    assert_eq!(
        twilio_reply(&app, "IKKJE SEND MEG FLEIRE MELDINGAR.").await,
        200
    );
    assert!(opted_out(&app).await);
}

/// START after a STOP: SMS go to the number again, and the debtor is told so by SMS.
async fn start_undoes_an_opt_out_and_is_confirmed(backend: Backend) {
    let (app, _twilio, ledger) = app_with_twilio(backend).await;
    let case = app.new_case("OPT-3").await;
    app.schedule(KEY_A, &case, "sms").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(twilio_reply(&app, "STOP").await, 200);
    assert!(opted_out(&app).await);

    assert_eq!(twilio_reply(&app, "Start").await, 200);
    assert!(!opted_out(&app).await);
    assert_eq!(app.run_worker_at_noon().await, 1, "the confirmation");
    let sent = ledger.sent();
    assert_eq!(sent.len(), 2);
    assert!(
        sent[1].body.contains("Du får SMS fra A Inkasso AS igjen"),
        "{}",
        sent[1].body
    );
    assert!(
        audit_actions(&app, &case)
            .await
            .contains(&("sms.opt_in".to_owned(), "Start".to_owned()))
    );

    let next = app.schedule(KEY_A, &case, "sms").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    assert_eq!(app.stored_message(&next).await.status, MessageStatus::Sent);
}

/// GatewayAPI's MO webhook, its documented shape with the debtor's number and `text`.
async fn gatewayapi_reply(app: &TestApp, text: &str, secret: &str) -> u16 {
    let claims = json!({"id": 1000001, "msisdn": 4791234567_u64, "receiver": 4759000000_u64, "message": text, "senttime": 1450000000, "webhook_label": "innfri", "country_code": "NO", "country_prefix": 47});
    app.http
        .post(app.url("/callbacks/gatewayapi/inbound"))
        .header("X-Gwapi-Signature", gatewayapi_jwt(&claims, secret))
        .json(&claims)
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

async fn gatewayapi_replies_are_verified_and_honoured(backend: Backend) {
    let gateway = gatewayapi_accepting(421332671).await;
    let app = builder(backend).with_gatewayapi(&gateway).start().await;
    let case = app.new_case("OPT-4").await;
    app.schedule(KEY_A, &case, "sms").await;
    assert_eq!(app.run_worker_at_noon().await, 1);

    assert_eq!(
        gatewayapi_reply(&app, "STOPP", "not-the-secret").await,
        401,
        "a forged reply"
    );
    assert!(!opted_out(&app).await);
    assert!(audit_actions(&app, &case).await.is_empty());

    assert_eq!(gatewayapi_reply(&app, "stopp.", GW_SECRET).await, 204);
    assert!(opted_out(&app).await);
    assert_eq!(gatewayapi_reply(&app, "START", GW_SECRET).await, 204);
    assert!(!opted_out(&app).await);
    assert_eq!(
        audit_actions(&app, &case).await,
        vec![
            ("sms.opt_out".to_owned(), "stopp.".to_owned()),
            ("sms.opt_in".to_owned(), "START".to_owned()),
        ]
    );
    assert_eq!(
        app.run_worker_at_noon().await,
        1,
        "the confirmation, by GatewayAPI"
    );
    let requests = gateway.received_requests().await.expect("requests");
    let confirmation: Value = serde_json::from_slice(&requests[1].body).expect("json");
    assert!(
        confirmation["message"]
            .as_str()
            .is_some_and(|m| m.contains("igjen")),
        "{confirmation}"
    );
}

async fn app_with_postmark(backend: Backend, postmark: &MockServer) -> TestApp {
    Mock::given(method("POST"))
        .and(path("/email"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"To": "kari@example.no", "SubmittedAt": "2026-11-23T12:00:00Z", "MessageID": "b7bc2f4a-e38e-4336-af7d-e6c392c2f817", "ErrorCode": 0, "Message": "OK"})))
        .mount(postmark)
        .await;
    builder(backend).with_postmark(postmark).start().await
}

/// Every e-mail names a signed one-click URL: a GET only shows a button; a POST without any
/// cookie (as a mail client sends it) stops e-mail to the address, whatever its case, and the
/// agency hears of it once.
async fn an_emails_one_click_unsubscribe_stops_email_to_that_address(backend: Backend) {
    let postmark = MockServer::start().await;
    let app = app_with_postmark(backend, &postmark).await;
    let case = app.new_case("OPT-5").await;
    let email = app.schedule(KEY_A, &case, "email").await;
    assert_eq!(app.run_worker_at_noon().await, 1);

    let requests = postmark.received_requests().await.expect("requests");
    let body: Value = serde_json::from_slice(&requests[0].body).expect("json");
    let headers = body["Headers"].as_array().expect("headers");
    let header = |name: &str| {
        headers
            .iter()
            .find(|h| h["Name"] == name)
            .and_then(|h| h["Value"].as_str())
            .map(str::to_owned)
    };
    assert_eq!(
        header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let list_unsubscribe = header("List-Unsubscribe").expect("List-Unsubscribe");
    let url = list_unsubscribe
        .strip_prefix('<')
        .and_then(|u| u.strip_suffix('>'))
        .expect("<url>")
        .to_owned();
    assert!(
        url.starts_with(&format!("{}/u/{}/", app.base, email.as_str())),
        "{url}"
    );

    // A scanner opening the link changes nothing.
    let page = app.http.get(&url).send().await.expect("get");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("<form method=\"post\""), "{html}");
    assert!(html.contains("o***@example.no"), "the address, masked");
    assert!(
        !app.ctx
            .store
            .is_email_opted_out("ola@example.no")
            .await
            .expect("store")
    );

    // A forged tag, or a tag for another message, unsubscribes nobody.
    let forged = format!("{}/u/{}/{}", app.base, email.as_str(), "A".repeat(23));
    let other = MessageId::generate();
    let borrowed = url.replace(email.as_str(), other.as_str());
    for wrong in [forged, borrowed] {
        let response = app
            .http
            .post(&wrong)
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .expect("post");
        assert_eq!(response.status().as_u16(), 404);
    }
    assert!(
        !app.ctx
            .store
            .is_email_opted_out("ola@example.no")
            .await
            .expect("store")
    );

    // The mail client's one-click POST: no cookie, no CSRF token, no Origin of ours.
    for _ in 0..2 {
        let response = app
            .http
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .expect("post");
        assert_eq!(response.status().as_u16(), 200);
    }
    assert!(
        app.ctx
            .store
            .is_email_opted_out("Ola@Example.NO")
            .await
            .expect("store"),
        "addresses compare without case"
    );
    assert!(
        !opted_out(&app).await,
        "e-mail only: SMS to the debtor are not stopped"
    );
    let kinds = app.event_kinds().await;
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::ContactInvalid)
            .count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        audit_actions(&app, &case).await,
        vec![(
            "email.opt_out".to_owned(),
            "one-click unsubscribe".to_owned()
        )]
    );

    // The next e-mail to that address, on another case, is cancelled, not sent.
    let next = app
        .schedule(KEY_A, &app.new_case("OPT-6").await, "email")
        .await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    let cancelled = app.stored_message(&next).await;
    assert_eq!(cancelled.status, MessageStatus::Cancelled);
    assert_eq!(
        cancelled.last_error.as_deref(),
        Some("the debtor unsubscribed from e-mail")
    );
    assert_eq!(
        postmark.received_requests().await.expect("requests").len(),
        1
    );
}

#[test]
fn an_opt_in_phrase_that_also_opts_out_is_refused_with_its_field() {
    let Err(errors) = TestApp::builder()
        .with("messaging.opt_in_words", json!(["Stopp!"]))
        .with("messaging.opt_out_words", json!(["takk"]))
        .source()
        .load()
    else {
        panic!("the configuration must be refused");
    };
    let text = errors.to_string();
    assert!(
        text.contains("messaging.opt_in_words") && text.contains("also an opt-out phrase"),
        "{text}"
    );
    assert!(
        text.contains("messaging.opt_out_words") && text.contains("no words to match"),
        "{text}"
    );
}

on_both_stores!(
    free_text_opt_outs_are_recognised_and_a_question_about_interest_is_not,
    start_undoes_an_opt_out_and_is_confirmed,
    gatewayapi_replies_are_verified_and_honoured,
    an_emails_one_click_unsubscribe_stops_email_to_that_address,
);
