//! `Idempotency-Key` on the agency API, on both stores: a retried POST gets the saved answer
//! and does nothing twice; a reused key with another body is refused; keys are per agency.

use crate::common::{self, Backend, KEY_A, KEY_B, TestApp, spawn_app};
use serde_json::Value;

async fn post_with_key(
    app: &TestApp,
    api_key: &str,
    path: &str,
    idempotency_key: &str,
    body: &str,
) -> reqwest::Response {
    app.http
        .post(app.url(path))
        .bearer_auth(api_key)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotency_key)
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

async fn message_count(app: &TestApp, case_id: &str) -> usize {
    let response = app
        .get_api(&format!("/api/v1/cases/{case_id}/messages"), KEY_A)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("json");
    body["messages"].as_array().expect("messages").len()
}

async fn a_retried_post_gets_the_saved_answer_and_does_nothing_twice(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("IDEM-1", "1200.00").await;
    let path = format!(
        "/api/v1/cases/{}/messages",
        case["id"].as_str().expect("id")
    );
    let body = r#"{"channel":"sms"}"#;

    let first = post_with_key(&app, KEY_A, &path, "retry-me-1", body).await;
    assert_eq!(first.status().as_u16(), 202);
    assert!(first.headers().get("Idempotent-Replayed").is_none());
    let first: Value = first.json().await.expect("json");

    let again = post_with_key(&app, KEY_A, &path, "retry-me-1", body).await;
    assert_eq!(again.status().as_u16(), 202);
    assert_eq!(
        again
            .headers()
            .get("Idempotent-Replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert!(
        again.headers().get("X-Content-Type-Options").is_some(),
        "a replay carries the security headers too"
    );
    let again: Value = again.json().await.expect("json");
    assert_eq!(again, first, "the same message, not a new one");
    assert_eq!(
        message_count(&app, case["id"].as_str().expect("id")).await,
        1
    );

    // Without the key (or with a new one) the request runs again.
    let fresh = post_with_key(&app, KEY_A, &path, "retry-me-2", body).await;
    assert_eq!(fresh.status().as_u16(), 202);
    assert!(fresh.headers().get("Idempotent-Replayed").is_none());
    assert_eq!(
        message_count(&app, case["id"].as_str().expect("id")).await,
        2
    );
}

async fn a_reused_key_with_another_body_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("IDEM-2", "1200.00").await;
    let case_id = case["id"].as_str().expect("id");
    let path = format!("/api/v1/cases/{case_id}/messages");
    let first = post_with_key(&app, KEY_A, &path, "k-2", r#"{"channel":"sms"}"#).await;
    assert_eq!(first.status().as_u16(), 202);

    let other = post_with_key(&app, KEY_A, &path, "k-2", r#"{"channel":"email"}"#).await;
    assert_eq!(other.status().as_u16(), 422);
    let error: Value = other.json().await.expect("json");
    assert_eq!(error["error"], "idempotency_key_reused");
    assert_eq!(error["field"], "Idempotency-Key");
    assert_eq!(message_count(&app, case_id).await, 1);

    // Another path with the same key is another request too.
    let elsewhere = post_with_key(
        &app,
        KEY_A,
        &format!("/api/v1/cases/{case_id}/close"),
        "k-2",
        r#"{"channel":"sms"}"#,
    )
    .await;
    assert_eq!(elsewhere.status().as_u16(), 422);
}

async fn keys_belong_to_one_agency(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("IDEM-3", "1200.00").await;
    let path = format!(
        "/api/v1/cases/{}/messages",
        case["id"].as_str().expect("id")
    );
    let body = r#"{"channel":"sms"}"#;
    let a = post_with_key(&app, KEY_A, &path, "shared-key", body).await;
    assert_eq!(a.status().as_u16(), 202);

    // Agency B with the same key and body gets its own answer: A's case does not exist for it,
    // and A's saved response is not handed over.
    let b = post_with_key(&app, KEY_B, &path, "shared-key", body).await;
    assert_eq!(b.status().as_u16(), 404);
    assert!(b.headers().get("Idempotent-Replayed").is_none());
    let error: Value = b.json().await.expect("json");
    assert_eq!(error["error"], "case_not_found");
}

async fn an_unusable_key_is_a_clear_400_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("IDEM-4", "1200.00").await;
    let case_id = case["id"].as_str().expect("id");
    let path = format!("/api/v1/cases/{case_id}/messages");
    for bad in ["", "has space", &"k".repeat(256)] {
        let response = post_with_key(&app, KEY_A, &path, bad, r#"{"channel":"sms"}"#).await;
        assert_eq!(response.status().as_u16(), 400, "key {bad:?}");
        let error: Value = response.json().await.expect("json");
        assert_eq!(error["error"], "invalid_header");
        assert_eq!(error["field"], "Idempotency-Key");
    }
    assert_eq!(message_count(&app, case_id).await, 0);
}

async fn a_replayed_creation_keeps_its_location(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = common::case_body("IDEM-5", "300.00");
    let first = post_with_key(&app, KEY_A, "/api/v1/cases", "create-5", &body).await;
    assert_eq!(first.status().as_u16(), 201);
    let location = first.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let again = post_with_key(&app, KEY_A, "/api/v1/cases", "create-5", &body).await;
    assert_eq!(
        again.status().as_u16(),
        201,
        "the saved 201, not a 200 update"
    );
    assert!(again.headers().get("Idempotent-Replayed").is_some());
    assert_eq!(
        again.headers()["location"].to_str().expect("location"),
        location
    );
}

async fn a_refused_request_is_replayed_as_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = post_with_key(&app, KEY_A, "/api/v1/cases", "bad-case", "{}").await;
    let status = first.status().as_u16();
    assert!((400..500).contains(&status));
    let first: Value = first.json().await.expect("json");
    let again = post_with_key(&app, KEY_A, "/api/v1/cases", "bad-case", "{}").await;
    assert_eq!(again.status().as_u16(), status);
    assert!(again.headers().get("Idempotent-Replayed").is_some());
    assert_eq!(again.json::<Value>().await.expect("json"), first);
}

on_both_stores!(
    a_retried_post_gets_the_saved_answer_and_does_nothing_twice,
    a_reused_key_with_another_body_is_refused_and_changes_nothing,
    keys_belong_to_one_agency,
    an_unusable_key_is_a_clear_400_and_changes_nothing,
    a_refused_request_is_replayed_as_refused,
    a_replayed_creation_keeps_its_location,
);
