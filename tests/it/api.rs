//! The agency API through the real app on both stores: creating, re-sending, reading cases,
//! scheduling messages, and every kind of bad request leaving the store unchanged.

use crate::common::{self, Backend, KEY_A, KEY_B, TestApp, case_body, spawn_app};
use innfri::domain::ids::{AgencyId, ExternalRef};
use serde_json::Value;

async fn stored_case_count(app: &TestApp, external_ref: &str) -> usize {
    let agency = AgencyId::parse("agency-a").expect("id");
    let r = ExternalRef::parse(external_ref).expect("ref");
    usize::from(
        app.ctx
            .store
            .case_by_ref(&agency, &r)
            .await
            .expect("store")
            .is_some(),
    )
}

async fn assert_error(response: reqwest::Response, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(response.status().as_u16(), status);
    let body: Value = response.json().await.expect("json error body");
    assert_eq!(body["error"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains(field)),
            "{body}"
        );
    }
}

async fn creating_a_case_returns_it_with_a_kid_and_the_exact_total(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("R-1", "1200.00"))
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let case: Value = response.json().await.expect("json");
    assert_eq!(case["external_ref"], "R-1");
    assert_eq!(case["status"], "open");
    assert_eq!(
        case["amount_due"],
        serde_json::json!({"amount": "1249.50", "currency": "NOK"})
    );
    assert_eq!(case["debtor"]["phone"], "+4791234567");
    let kid = case["kid"].as_str().expect("kid");
    assert_eq!(kid.len(), 10);
    assert!(innfri::domain::kid::Kid::parse(kid, innfri::domain::kid::KidAlgorithm::Mod10).is_ok());
    let fetched: Value = app
        .get_api(&location, KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(fetched, case);
}

async fn resending_the_same_external_reference_updates_instead_of_duplicating(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.create_case("R-2", "1200.00").await;
    let again = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("R-2", "1200.00"))
        .await;
    assert_eq!(again.status().as_u16(), 200);
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["id"], first["id"]);
    let changed = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("R-2", "1000"))
        .await;
    assert_eq!(changed.status().as_u16(), 200);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["id"], first["id"]);
    assert_eq!(changed["kid"], first["kid"]);
    assert_eq!(changed["amount_due"]["amount"], "1049.50");
}

async fn malformed_json_is_a_400_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), "{\"external_ref\": \"R-3\",")
        .await;
    assert_error(response, 400, "invalid_json", None).await;
    let wrong_type = app
        .post_json(
            "/api/v1/cases",
            Some(KEY_A),
            &case_body("R-3", "1").replace("\"Ola Nordmann\"", "42"),
        )
        .await;
    assert_error(wrong_type, 400, "invalid_json", Some("debtor.name")).await;
    assert_eq!(stored_case_count(&app, "R-3").await, 0);
}

async fn a_negative_amount_names_the_line_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("R-4", "-10.00"))
        .await;
    assert_error(response, 422, "invalid_field", Some("claim[0].amount")).await;
    let too_precise = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("R-4", "10.001"))
        .await;
    assert_error(too_precise, 422, "invalid_field", Some("claim[0].amount")).await;
    assert_eq!(stored_case_count(&app, "R-4").await, 0);
}

async fn an_unknown_creditor_is_refused_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = case_body("R-5", "100").replace("nordlys-energi", "no-such-creditor");
    let response = app.post_json("/api/v1/cases", Some(KEY_A), &body).await;
    assert_error(response, 422, "unknown_creditor", Some("creditor_id")).await;
    assert_eq!(stored_case_count(&app, "R-5").await, 0);
}

async fn an_invalid_phone_number_is_refused_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = case_body("R-6", "100").replace("912 34 567", "12");
    let response = app.post_json("/api/v1/cases", Some(KEY_A), &body).await;
    assert_error(response, 422, "invalid_field", Some("debtor.phone")).await;
    assert_eq!(stored_case_count(&app, "R-6").await, 0);
}

async fn a_missing_or_wrong_api_key_is_a_401_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let missing = app
        .post_json("/api/v1/cases", None, &case_body("R-7", "100"))
        .await;
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    assert_error(missing, 401, "missing_api_key", None).await;
    let wrong = app
        .post_json(
            "/api/v1/cases",
            Some("ik_not_a_real_key"),
            &case_body("R-7", "100"),
        )
        .await;
    assert_error(wrong, 401, "invalid_api_key", None).await;
    assert_eq!(stored_case_count(&app, "R-7").await, 0);
}

async fn another_agency_cannot_see_or_message_a_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("R-8", "100").await;
    let path = format!("/api/v1/cases/{}", case["id"].as_str().expect("id"));
    assert_error(app.get_api(&path, KEY_B).await, 404, "case_not_found", None).await;
    let schedule = app
        .post_json(
            &format!("{path}/messages"),
            Some(KEY_B),
            r#"{"channel":"sms"}"#,
        )
        .await;
    assert_error(schedule, 404, "case_not_found", None).await;
    // The same external reference is a separate case for agency B.
    let b = app
        .post_json("/api/v1/cases", Some(KEY_B), &case_body("R-8", "100"))
        .await;
    assert_eq!(b.status().as_u16(), 201);
}

async fn scheduling_a_message_queues_it_for_the_debtor(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("R-9", "100").await;
    let path = format!(
        "/api/v1/cases/{}/messages",
        case["id"].as_str().expect("id")
    );
    let response = app
        .post_json(&path, Some(KEY_A), r#"{"channel":"sms"}"#)
        .await;
    assert_eq!(response.status().as_u16(), 202);
    let message: Value = response.json().await.expect("json");
    assert_eq!(message["status"], "scheduled");
    assert_eq!(message["to"], "+47******67");
    let later = app
        .post_json(
            &path,
            Some(KEY_A),
            r#"{"channel":"email","send_at":"2030-01-01T09:00:00Z"}"#,
        )
        .await;
    assert_error(later, 422, "invalid_field", Some("send_at")).await;
    let list: Value = app.get_api(&path, KEY_A).await.json().await.expect("json");
    assert_eq!(list["messages"].as_array().map(Vec::len), Some(1));
    let bad_channel = app
        .post_json(&path, Some(KEY_A), r#"{"channel":"pigeon"}"#)
        .await;
    assert_error(bad_channel, 400, "invalid_json", Some("channel")).await;
}

async fn a_receipt_needs_what_it_confirms(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("R-10", "100").await;
    let path = format!("/api/v1/cases/{}", case["id"].as_str().expect("id"));
    let receipt = r#"{"channel":"sms","template":"payment_receipt"}"#;
    let refused = app
        .post_json(&format!("{path}/messages"), Some(KEY_A), receipt)
        .await;
    assert_error(refused, 422, "no_payment", Some("template")).await;
    // Nor may any other answer confirm what did not happen ("nothing more to pay" on an open case).
    for (template, code) in [
        ("paid_receipt", "not_paid"),
        ("plan_receipt", "no_plan"),
        ("deferral_receipt", "no_deferral"),
        ("request_declined", "no_answer"),
        ("dispute_upheld", "not_closed"),
    ] {
        let body = format!(r#"{{"channel":"sms","template":"{template}"}}"#);
        let refused = app
            .post_json(&format!("{path}/messages"), Some(KEY_A), &body)
            .await;
        assert_error(refused, 422, code, Some("template")).await;
    }
    let list: Value = app
        .get_api(&format!("{path}/messages"), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["messages"], serde_json::json!([]), "nothing queued");

    let payment = app
        .post_json(
            &format!("{path}/payments"),
            Some(KEY_A),
            r#"{"reference": "bank-1", "amount": "40.00"}"#,
        )
        .await;
    assert_eq!(payment.status().as_u16(), 201);
    let queued = app
        .post_json(&format!("{path}/messages"), Some(KEY_A), receipt)
        .await;
    assert_eq!(queued.status().as_u16(), 202);
}

async fn the_bearer_scheme_is_case_insensitive(backend: Backend) {
    let app = spawn_app(backend).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .http
            .get(app.url("/api/v1/cases/cs_0"))
            .header("Authorization", format!("{scheme} {KEY_A}"))
            .send()
            .await
            .expect("request");
        // Past the key check: the case does not exist.
        assert_error(response, 404, "case_not_found", None).await;
    }
    let basic = app
        .http
        .get(app.url("/api/v1/cases/cs_0"))
        .header("Authorization", format!("Basic {KEY_A}"))
        .send()
        .await
        .expect("request");
    assert_error(basic, 401, "missing_api_key", None).await;
}

async fn an_unknown_endpoint_answers_json_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get_api("/api/v1/nothing", KEY_A).await;
    assert_error(response, 404, "not_found", None).await;
}

/// A body over 256 KiB gets the API's JSON error on every route, also when the Idempotency-Key
/// middleware reads it first; a debtor's form keeps an answer that is not the API's JSON.
async fn an_oversized_body_is_a_json_413(backend: Backend) {
    let debtor = common::debtor(backend, "1200.00").await;
    let app = &debtor.app;
    let id = debtor.case_id.to_string();
    let padding = "x".repeat(300 * 1024);
    let big = format!(r#"{{"reason": "{padding}"}}"#);
    for (path, key) in [
        ("/api/v1/cases".to_owned(), None),
        (format!("/api/v1/cases/{id}/close"), None),
        (format!("/api/v1/cases/{id}/close"), Some("k-413")),
        ("/api/v1/webhooks/replay".to_owned(), Some("k-413-b")),
    ] {
        let mut request = app
            .http
            .post(app.url(&path))
            .bearer_auth(KEY_A)
            .header("Content-Type", "application/json")
            .body(big.clone());
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.expect("request");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        assert_error(response, 413, "payload_too_large", None).await;
    }
    let put = app
        .http
        .put(app.url("/api/v1/creditors/nordlys-energi/mandate"))
        .bearer_auth(KEY_A)
        .header("Content-Type", "application/json")
        .body(big.clone())
        .send()
        .await
        .expect("request");
    assert_error(put, 413, "payload_too_large", None).await;
    assert_eq!(
        debtor.case().await.status,
        innfri::domain::case::CaseStatus::Open,
        "nothing changed"
    );
    let (status, body) = debtor
        .post("/case/dispute", &[("reason", padding.as_str())])
        .await;
    assert_eq!(status, 413);
    assert!(!body.contains("payload_too_large"), "{body:.200}");
    assert!(
        body.contains("<html") && body.contains("for langt"),
        "{body:.300}"
    );
}

on_both_stores!(
    an_oversized_body_is_a_json_413,
    creating_a_case_returns_it_with_a_kid_and_the_exact_total,
    resending_the_same_external_reference_updates_instead_of_duplicating,
    malformed_json_is_a_400_and_stores_nothing,
    a_negative_amount_names_the_line_and_stores_nothing,
    an_unknown_creditor_is_refused_and_stores_nothing,
    an_invalid_phone_number_is_refused_and_stores_nothing,
    a_missing_or_wrong_api_key_is_a_401_and_stores_nothing,
    another_agency_cannot_see_or_message_a_case,
    scheduling_a_message_queues_it_for_the_debtor,
    a_receipt_needs_what_it_confirms,
    the_bearer_scheme_is_case_insensitive,
    an_unknown_endpoint_answers_json_404,
);
