//! A creditor's mandate through the agency API on both stores: read as configured, replaced
//! with one the law allows (and debtors are decided by it from then on), refused whole when it
//! breaks the law or is not a mandate, and hidden from agencies that do not act for the creditor.

use crate::common::{self, Backend, KEY_A, KEY_B, TestApp, spawn_app};
use chrono::{Duration, Utc};
use innfri::config::api_key_hash;
use innfri::domain::ids::CreditorId;
use innfri::domain::jurisdiction::no;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};

const PATH: &str = "/api/v1/creditors/nordlys-energi/mandate";
const KEY_C: &str = "ik_test_agency_c_key_2222222222";

async fn put(app: &TestApp, path: &str, key: Option<&str>, body: &str) -> reqwest::Response {
    let mut request = app
        .http
        .put(app.url(path))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    request.send().await.expect("request")
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body:#}");
    body
}

async fn current(app: &TestApp, key: &str) -> Value {
    json_of(app.get_api(PATH, key).await, 200).await
}

fn configured(app: &TestApp, creditor: &str) -> Value {
    let id = CreditorId::parse(creditor).expect("id");
    serde_json::to_value(&app.ctx.config.creditors[&id].mandate).expect("json")
}

/// The highest plan fee the law allows today (Oslo's calendar).
fn fee_cap() -> Decimal {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    no::max_plan_fee(today, u32::MAX)
}

async fn the_configured_mandate_is_read_with_amounts_as_decimal_strings(backend: Backend) {
    let app = spawn_app(backend).await;
    let mandate = current(&app, KEY_A).await;
    assert_eq!(mandate, configured(&app, "nordlys-energi"));
    // As in config/mandates/nordlys-energi.toml.
    assert_eq!(mandate["deferral"]["allowed"], true);
    assert_eq!(mandate["deferral"]["max_days"], 30);
    assert_eq!(mandate["plan"]["min_instalment"], "300");
    assert_eq!(mandate["partial_payment"]["min_amount"], "200");
    assert_eq!(mandate["identity"]["check"], "none");
    assert_eq!(
        current(&app, KEY_B).await,
        mandate,
        "every agency acting for it"
    );
}

async fn a_valid_mandate_replaces_the_old_one_and_decides_debtor_requests(backend: Backend) {
    let d = common::debtor(backend, "1200.00").await;
    let app = &d.app;
    assert!(
        d.page().await.contains("href=\"/case/more-time\""),
        "more time is offered under the configured mandate"
    );

    let mut mandate = current(app, KEY_A).await;
    mandate["deferral"]["allowed"] = json!(false);
    mandate["plan"]["max_months"] = json!(24);
    mandate["plan"]["establishment_fee"] = json!("250.50");
    mandate["plan"]["first_payment"] = json!({"percent": "10"});
    // A JSON number is read too, and answered as a decimal string.
    mandate["partial_payment"]["min_amount"] = json!(150);
    let saved = json_of(put(app, PATH, Some(KEY_A), &mandate.to_string()).await, 200).await;
    mandate["partial_payment"]["min_amount"] = json!("150");
    assert_eq!(saved, mandate);
    assert_ne!(saved, configured(app, "nordlys-energi"));
    assert_eq!(current(app, KEY_A).await, mandate);
    assert_eq!(
        current(app, KEY_B).await,
        mandate,
        "the creditor's mandate, not the agency's"
    );
    let id = CreditorId::parse("nordlys-energi").expect("id");
    let stored = app.ctx.store.mandate(&id).await.expect("store");
    assert_eq!(
        serde_json::to_value(stored.expect("saved in the store")).expect("json"),
        mandate
    );

    // The debtor's case is decided by the new mandate: no more time on offer, none granted.
    let page = d.page().await;
    assert!(!page.contains("href=\"/case/more-time\""), "{page}");
    assert!(
        page.contains("minst 150,00\u{a0}kr"),
        "the new partial minimum"
    );
    let before = d.case().await;
    let date = no::business_day_on_or_after(before.due_date + Duration::days(7));
    let (status, html) = d
        .post("/case/more-time", &[("date", &date.to_string())])
        .await;
    assert_eq!(status, 422, "{html}");
    let after = d.case().await;
    assert_eq!(after.due_date, before.due_date);
    assert_eq!(after.deferrals_granted, 0);
    assert!(after.pending.is_empty(), "not sent to review either");
}

async fn a_mandate_breaking_the_law_is_refused_whole_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let old = current(&app, KEY_A).await;
    let cap = fee_cap();
    assert!(cap > Decimal::ZERO);

    let mut over = old.clone();
    over["plan"]["establishment_fee"] = json!((cap + dec!(0.01)).to_string());
    over["partial_payment"]["min_amount"] = json!("999");
    let body = json_of(put(&app, PATH, Some(KEY_A), &over.to_string()).await, 422).await;
    assert_eq!(body["error"], "invalid_field");
    assert_eq!(body["field"], "plan.establishment_fee");
    let message = body["message"].as_str().expect("message");
    assert!(message.contains(&format!("limit of {cap} kr")), "{message}");
    assert_eq!(body["issues"].as_array().expect("issues").len(), 1);
    assert_eq!(current(&app, KEY_A).await, old, "nothing changed");
    let id = CreditorId::parse("nordlys-energi").expect("id");
    assert_eq!(app.ctx.store.mandate(&id).await.expect("store"), None);

    // Several problems: the first is `field`, all are listed, in the order of the rules.
    let mut worse = over.clone();
    worse["deferral"]["auto_grant_days"] = json!(31);
    worse["plan"]["interest_during_plan"] = json!(true);
    worse["plan"]["interest_rate_percent"] = json!("40");
    let body = json_of(put(&app, PATH, Some(KEY_A), &worse.to_string()).await, 422).await;
    assert_eq!(body["field"], "deferral.auto_grant_days");
    let fields: Vec<&str> = body["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        [
            "deferral.auto_grant_days",
            "plan.establishment_fee",
            "plan.interest_rate_percent"
        ]
    );
    assert_eq!(current(&app, KEY_A).await, old, "nothing changed");

    // Exactly at the cap is lawful.
    let mut at_cap = old.clone();
    at_cap["plan"]["establishment_fee"] = json!(cap.to_string());
    let saved = json_of(put(&app, PATH, Some(KEY_A), &at_cap.to_string()).await, 200).await;
    assert_eq!(saved["plan"]["establishment_fee"], json!(cap.to_string()));
    assert_eq!(current(&app, KEY_A).await, at_cap);
}

async fn a_body_that_is_not_a_mandate_is_400_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let old = current(&app, KEY_A).await;
    let mut unknown = old.clone();
    unknown["plan"]["surprise_fee"] = json!("100");
    let mut top_level = old.clone();
    top_level["bonus"] = json!(true);
    let mut wrong_type = old.clone();
    wrong_type["deferral"]["max_days"] = json!("thirty");
    let mut missing = old.clone();
    missing["plan"]
        .as_object_mut()
        .expect("plan")
        .remove("min_instalment");
    for (body, field) in [
        (unknown.to_string(), Some("plan.surprise_fee")),
        (top_level.to_string(), Some("bonus")),
        (wrong_type.to_string(), Some("deferral.max_days")),
        (missing.to_string(), Some("plan")),
        ("not json".to_owned(), None),
        (String::new(), None),
    ] {
        let response = json_of(put(&app, PATH, Some(KEY_A), &body).await, 400).await;
        assert_eq!(response["error"], "invalid_json", "{body}");
        assert_eq!(response["field"].as_str(), field, "{body}: {response}");
    }
    assert_eq!(current(&app, KEY_A).await, old, "nothing changed");
}

/// Two creditors: agency A acts for nordlys-energi, agency C for fjell-kraft only.
async fn app_with_two_creditors(backend: Backend) -> TestApp {
    let original = common::example_mandate();
    let other = original
        .replace("id = \"nordlys-energi\"", "id = \"fjell-kraft\"")
        .replace("Nordlys Energi AS", "Fjell Kraft AS")
        .replace("changes_by = [", "changes_by = [\"agency-c\", ");
    assert_ne!(other, original);
    let agencies = json!([
        {"id": "agency-a", "name": "A Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_A))], "creditors": ["nordlys-energi"]},
        {"id": "agency-c", "name": "C Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_C))], "creditors": ["fjell-kraft"]}
    ]);
    TestApp::builder()
        .store(backend)
        .creditors(&[
            ("nordlys-energi.toml", &original),
            ("fjell-kraft.toml", &other),
        ])
        .agencies(agencies)
        .start()
        .await
}

async fn another_agencys_creditor_is_not_found_like_an_unknown_one(backend: Backend) {
    let app = app_with_two_creditors(backend).await;
    let theirs = "/api/v1/creditors/fjell-kraft/mandate";
    let theirs_before = current_at(&app, theirs, KEY_C).await;
    let valid = current(&app, KEY_A).await.to_string();

    let mut answers = Vec::new();
    for path in [
        theirs,
        "/api/v1/creditors/ukjent-kreditor/mandate",
        "/api/v1/creditors/Not%20An%20Id!/mandate",
    ] {
        for response in [
            app.get_api(path, KEY_A).await,
            put(&app, path, Some(KEY_A), &valid).await,
        ] {
            let body = json_of(response, 404).await;
            assert_eq!(body["error"], "creditor_not_found", "{path}");
            answers.push(body);
        }
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "the answers never tell whether the creditor exists: {answers:?}"
    );
    // The other way round as well.
    let body = json_of(app.get_api(PATH, KEY_C).await, 404).await;
    assert_eq!(body["error"], "creditor_not_found");

    assert_eq!(current_at(&app, theirs, KEY_C).await, theirs_before);
    let id = CreditorId::parse("fjell-kraft").expect("id");
    assert_eq!(app.ctx.store.mandate(&id).await.expect("store"), None);
    // Its own agency can replace it.
    let mut changed = theirs_before.clone();
    changed["plan"]["allowed"] = json!(false);
    json_of(
        put(&app, theirs, Some(KEY_C), &changed.to_string()).await,
        200,
    )
    .await;
    assert_eq!(current_at(&app, theirs, KEY_C).await, changed);
}

async fn current_at(app: &TestApp, path: &str, key: &str) -> Value {
    json_of(app.get_api(path, key).await, 200).await
}

async fn without_a_valid_key_it_is_401_and_other_methods_are_405(backend: Backend) {
    let app = spawn_app(backend).await;
    let old = current(&app, KEY_A).await;
    let mut changed = old.clone();
    changed["deferral"]["allowed"] = json!(false);
    let no_key = app.http.get(app.url(PATH)).send().await.expect("request");
    assert_eq!(json_of(no_key, 401).await["error"], "missing_api_key");
    let response = put(&app, PATH, None, &changed.to_string()).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(json_of(response, 401).await["error"], "missing_api_key");
    let response = put(&app, PATH, Some("ik_not_a_key"), &changed.to_string()).await;
    assert_eq!(json_of(response, 401).await["error"], "invalid_api_key");
    assert_eq!(current(&app, KEY_A).await, old, "nothing changed");

    for method in [reqwest::Method::POST, reqwest::Method::DELETE] {
        let response = app
            .http
            .request(method.clone(), app.url(PATH))
            .bearer_auth(KEY_A)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 405, "{method}");
        let allow = response.headers()["allow"].to_str().expect("allow");
        assert!(allow.contains("GET") && allow.contains("PUT"), "{allow}");
    }
}

async fn put_with_key(app: &TestApp, idempotency_key: &str, body: &str) -> reqwest::Response {
    app.http
        .put(app.url(PATH))
        .bearer_auth(KEY_A)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotency_key)
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

async fn a_retried_put_gets_the_saved_answer_and_changes_nothing_twice(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut first = current(&app, KEY_A).await;
    first["plan"]["max_months"] = json!(18);
    let first = first.to_string();
    let saved = json_of(put_with_key(&app, "mandate-1", &first).await, 200).await;
    assert_eq!(saved["plan"]["max_months"], 18);

    // Someone changes it since; the retry of the first PUT must not undo that.
    let mut later = current(&app, KEY_A).await;
    later["plan"]["max_months"] = json!(12);
    json_of(put(&app, PATH, Some(KEY_A), &later.to_string()).await, 200).await;

    let again = put_with_key(&app, "mandate-1", &first).await;
    assert_eq!(
        again
            .headers()
            .get("Idempotent-Replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert_eq!(json_of(again, 200).await, saved, "the saved answer");
    assert_eq!(current(&app, KEY_A).await["plan"]["max_months"], 12);

    let reused = put_with_key(&app, "mandate-1", &later.to_string()).await;
    assert_eq!(
        json_of(reused, 422).await["error"],
        "idempotency_key_reused"
    );
}

on_both_stores!(
    the_configured_mandate_is_read_with_amounts_as_decimal_strings,
    a_valid_mandate_replaces_the_old_one_and_decides_debtor_requests,
    a_mandate_breaking_the_law_is_refused_whole_and_changes_nothing,
    a_body_that_is_not_a_mandate_is_400_naming_the_field,
    another_agencys_creditor_is_not_found_like_an_unknown_one,
    without_a_valid_key_it_is_401_and_other_methods_are_405,
    a_retried_put_gets_the_saved_answer_and_changes_nothing_twice,
);
