//! The served OpenAPI document against the real app: every documented operation has a handler
//! (it answers 401 without a key, never 404/405), the routes are exactly the documented ones,
//! and real answers validate against the documented schemas.

use std::collections::BTreeSet;

use crate::common::{Backend, KEY_A, TestApp, case_body, spawn_app};
use serde_json::{Value, json};

/// Every operation the agency API serves, written out by hand (not read from the document).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/close"),
    ("post", "/api/v1/cases/{id}/erase"),
    ("post", "/api/v1/cases/{id}/journey/pause"),
    ("post", "/api/v1/cases/{id}/journey/resume"),
    ("get", "/api/v1/cases/{id}/messages"),
    ("post", "/api/v1/cases/{id}/messages"),
    ("post", "/api/v1/cases/{id}/messages/{message_id}/cancel"),
    ("get", "/api/v1/cases/{id}/conversation"),
    ("post", "/api/v1/cases/{id}/conversation"),
    ("post", "/api/v1/cases/{id}/documents"),
    ("get", "/api/v1/cases/{id}/documents"),
    ("get", "/api/v1/cases/{id}/documents/{document_id}"),
    ("delete", "/api/v1/cases/{id}/documents/{document_id}"),
    ("get", "/api/v1/cases/{id}/requests"),
    ("post", "/api/v1/cases/{id}/requests/{request}/approve"),
    ("post", "/api/v1/cases/{id}/requests/{request}/decline"),
    ("post", "/api/v1/cases/{id}/payments"),
    ("post", "/api/v1/reconciliations"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/webhooks"),
    ("post", "/api/v1/webhooks/replay"),
    ("get", "/api/v1/creditors/{creditor_id}/mandate"),
    ("put", "/api/v1/creditors/{creditor_id}/mandate"),
    ("get", "/api/v1/creditors/{creditor_id}/journey"),
    ("put", "/api/v1/creditors/{creditor_id}/journey"),
    ("get", "/api/v1/creditors/{creditor_id}/journey/stats"),
    ("get", "/api/v1/creditors/{creditor_id}/mandate/versions"),
    (
        "get",
        "/api/v1/creditors/{creditor_id}/mandate/versions/{number}",
    ),
    (
        "post",
        "/api/v1/creditors/{creditor_id}/mandate/versions/{number}/restore",
    ),
    ("get", "/api/v1/creditors/{creditor_id}/journey/versions"),
    (
        "get",
        "/api/v1/creditors/{creditor_id}/journey/versions/{number}",
    ),
    (
        "post",
        "/api/v1/creditors/{creditor_id}/journey/versions/{number}/restore",
    ),
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn document(app: &TestApp) -> Value {
    let response = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("content type")
            .starts_with("application/json")
    );
    response.json().await.expect("the document is JSON")
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("path item");
            METHODS
                .iter()
                .filter(|m| item.contains_key(**m))
                .map(|m| ((*m).to_owned(), path.clone()))
        })
        .collect()
}

/// The path with every `{param}` filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "x_1"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every `$ref` in the document.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => found.push(r.clone()),
                    _ => refs(v, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_the_app_serves() {
    let app = spawn_app(Backend::Embedded).await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "innfri agency API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["servers"][0]["url"], "/");
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(operations(&doc), expected);

    // A handler answers each documented operation: without a key it is 401, never 404/405.
    for (method, path) in ROUTES {
        let url = app.url(&concrete(path));
        let request = match *method {
            "get" => app.http.get(&url),
            "delete" => app.http.delete(&url),
            "put" => app
                .http
                .put(&url)
                .header("Content-Type", "application/json")
                .body("{}"),
            _ => app
                .http
                .post(&url)
                .header("Content-Type", "application/json")
                .body("{}"),
        };
        let response = request.send().await.expect("request");
        assert_eq!(
            response.status().as_u16(),
            401,
            "{} {path}",
            method.to_uppercase()
        );
        let body: Value = response.json().await.expect("json error");
        assert_eq!(body["error"], "missing_api_key");
    }

    // Paths the document does not have are not served …
    for path in [
        "/api/v1/nope",
        "/api/v1/cases/x_1/nope",
        "/api/v1/case",
        "/api/v2/cases",
    ] {
        let response = app.get_api(path, KEY_A).await;
        assert_eq!(response.status().as_u16(), 404, "GET {path}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], "not_found");
    }
    // … nor documented paths with methods the document does not list.
    for (method, path) in [
        (reqwest::Method::DELETE, "/api/v1/cases"),
        (reqwest::Method::PUT, "/api/v1/cases/x_1"),
        (reqwest::Method::GET, "/api/v1/cases/x_1/close"),
        (reqwest::Method::POST, "/api/v1/events"),
        (reqwest::Method::GET, "/api/v1/reconciliations"),
        (reqwest::Method::POST, "/api/v1/openapi.json"),
        (reqwest::Method::DELETE, "/api/v1/creditors/x_1/mandate"),
        (reqwest::Method::POST, "/api/v1/creditors/x_1/mandate"),
    ] {
        let response = app
            .http
            .request(method.clone(), app.url(path))
            .bearer_auth(KEY_A)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 405, "{method} {path}");
        assert!(response.headers().contains_key("allow"), "{method} {path}");
    }
}

#[tokio::test]
async fn every_operation_is_secured_and_every_post_and_put_takes_an_idempotency_key() {
    let app = spawn_app(Backend::Embedded).await;
    let doc = document(&app).await;
    let scheme = &doc["components"]["securitySchemes"]["api_key"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert_eq!(doc["security"], json!([{"api_key": []}]));
    for (method, path) in ROUTES {
        let operation = &doc["paths"][path][method];
        let responses = operation["responses"].as_object().expect("responses");
        assert!(responses.contains_key("401"), "{method} {path}");
        for (status, response) in responses {
            // 204 No Content has no body to describe.
            if !matches!(status.as_str(), "200" | "201" | "202" | "204") {
                assert!(
                    response["content"]["application/json"]["schema"]["$ref"]
                        .as_str()
                        .is_some_and(|r| r.ends_with("/Error")),
                    "{method} {path} {status}"
                );
            }
        }
        let params = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for name in path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        {
            assert!(
                params
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true),
                "{method} {path}: path parameter {name}"
            );
        }
        let key = params.iter().find(|p| p["name"] == "Idempotency-Key");
        if *method == "post" || *method == "put" {
            let key = key.unwrap_or_else(|| panic!("{method} {path}: Idempotency-Key"));
            assert_eq!(key["in"], "header");
            assert_ne!(key["required"], true);
            assert_eq!(key["schema"]["maxLength"], 255);
            assert_eq!(key["schema"]["minLength"], 1);
            assert_eq!(key["schema"]["pattern"], "^[!-~]+$", "{path}");
            assert!(responses.contains_key("409") && responses.contains_key("422"));
        } else {
            assert!(key.is_none(), "{method} {path}");
        }
        if *method == "post" || *method == "put" {
            assert!(responses.contains_key("413"), "{method} {path}: 413");
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "$ref {r} resolves"
        );
    }
}

/// A validator for one schema of the document, its `$ref`s resolved against the components.
fn validator(doc: &Value, schema: Value) -> jsonschema::Validator {
    let root = json!({"components": doc["components"], "allOf": [schema]});
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .expect("the documented schema compiles")
}

/// The document states the server's value rules: what it says is valid, the server takes, and
/// what it says is not, the server refuses (the fuzzer checks the same at scale).
#[tokio::test]
async fn the_document_states_the_value_rules_of_the_server() {
    let app = spawn_app(Backend::Embedded).await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    let name = validator(&doc, schemas["DebtorInput"]["properties"]["name"].clone());
    assert!(name.is_valid(&json!("Ola Nordmann")));
    assert!(name.is_valid(&json!("سارة\u{200f} Nordmann")));
    for bad in [
        "",
        "   ",
        "Ola\u{202e}",
        "Ola\nNordmann",
        "Ola\u{1b}[2J",
        "\u{2066}x",
    ] {
        assert!(!name.is_valid(&json!(bad)), "{bad:?}");
    }
    assert!(!name.is_valid(&json!("x".repeat(201))));
    let reason = validator(
        &doc,
        schemas["DeclineInput"]["properties"]["reason"].clone(),
    );
    assert!(reason.is_valid(&json!("Vi har ikke mottatt betaling.\nRing oss.")));
    assert!(!reason.is_valid(&json!("Vi har\r\nikke")));
    let reference = validator(
        &doc,
        schemas["DirectPaymentInput"]["properties"]["reference"].clone(),
    );
    assert!(reference.is_valid(&json!("bank-123")));
    assert!(!reference.is_valid(&json!("bank 123")));

    // Amounts: a payment is above zero, a claim line zero or more; decimals only in strings.
    let payment = validator(
        &doc,
        schemas["DirectPaymentInput"]["properties"]["amount"].clone(),
    );
    for (amount, ok) in [
        (json!("0.01"), true),
        (json!(500), true),
        (json!("0"), false),
        (json!(0), false),
        (json!("0.00"), false),
        (json!(749.5), false),
        (json!("1.001"), false),
        (json!("-1"), false),
    ] {
        assert_eq!(payment.is_valid(&amount), ok, "{amount}");
    }
    let line = validator(
        &doc,
        schemas["ClaimLineInput"]["properties"]["amount"].clone(),
    );
    assert!(line.is_valid(&json!("0")) && line.is_valid(&json!(0)));

    // The due-date window moves with the year.
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let due = validator(&doc, schemas["CaseInput"]["properties"]["due_date"].clone());
    assert!(due.is_valid(&json!("2000-01-01")));
    assert!(due.is_valid(&json!(format!("{}-12-31", year + 10))));
    assert!(!due.is_valid(&json!("1999-12-31")));
    assert!(!due.is_valid(&json!(format!("{}-01-01", year + 11))));
    assert!(!due.is_valid(&json!("2026-1-5")));

    // Cursors: the events cursor is the stores' own pattern.
    let after = doc["paths"]["/api/v1/events"]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "after"))
        .expect("after");
    assert_eq!(
        after["schema"]["pattern"],
        innfri::domain::event::EVENT_CURSOR_PATTERN
    );
    // Unsigned integers carry their real range, not OpenAPI's int32.
    let months = &schemas["ApproveInput"]["properties"]["months"];
    assert_eq!(months["maximum"], u32::MAX, "{months}");
    assert!(months.get("format").is_none(), "{months}");

    // Optional bodies are documented as nullable, and `null` is taken.
    let case = app.create_case("O-null", "1200.00").await;
    let id = case["id"].as_str().expect("id");
    let closed = app
        .post_json(&format!("/api/v1/cases/{id}/close"), Some(KEY_A), "null")
        .await;
    assert_documented(&doc, "post", "/api/v1/cases/{id}/close", closed).await;
    let replay = app
        .post_json("/api/v1/webhooks/replay", Some(KEY_A), "null")
        .await;
    assert_eq!(replay.status().as_u16(), 422, "no webhook: past the body");
}

/// Validates an answer against the schema the document gives for that operation and status.
async fn assert_documented(
    doc: &Value,
    method: &str,
    path: &str,
    response: reqwest::Response,
) -> Value {
    let status = response.status().as_u16().to_string();
    let documented = &doc["paths"][path][method]["responses"][&status];
    assert!(
        documented.is_object(),
        "{method} {path} answered {status}, which is not documented"
    );
    let body: Value = response.json().await.expect("json");
    let schema = &documented["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {path} {status}: no schema");
    let root = json!({"components": doc["components"], "allOf": [schema]});
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .expect("the documented schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:?}\n{body:#}"
    );
    body
}

async fn real_answers_match_the_documented_schemas(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = document(&app).await;

    let created = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("O-1", "1200.00"))
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let case = assert_documented(&doc, "post", "/api/v1/cases", created).await;
    let id = case["id"].as_str().expect("id").to_owned();
    // The required properties are there, not just allowed.
    for field in [
        "id",
        "external_ref",
        "status",
        "debtor",
        "claim",
        "amount_due",
        "kid",
    ] {
        assert!(case.get(field).is_some(), "{field}");
    }
    let again = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("O-1", "1200.00"))
        .await;
    assert_documented(&doc, "post", "/api/v1/cases", again).await;

    let get = |path: String| {
        let app = &app;
        async move { app.get_api(&path, KEY_A).await }
    };
    let r = get(format!("/api/v1/cases/{id}")).await;
    assert_documented(&doc, "get", "/api/v1/cases/{id}", r).await;
    let r = get("/api/v1/cases?limit=1".into()).await;
    assert_documented(&doc, "get", "/api/v1/cases", r).await;
    let r = get("/api/v1/cases/cs_nope".into()).await;
    assert_documented(&doc, "get", "/api/v1/cases/{id}", r).await;
    let r = get("/api/v1/cases?limit=0".into()).await;
    assert_documented(&doc, "get", "/api/v1/cases", r).await;

    let r = app
        .post_json(
            &format!("/api/v1/cases/{id}/messages"),
            Some(KEY_A),
            r#"{"channel": "sms"}"#,
        )
        .await;
    let message = assert_documented(&doc, "post", "/api/v1/cases/{id}/messages", r).await;
    let r = get(format!("/api/v1/cases/{id}/messages")).await;
    assert_documented(&doc, "get", "/api/v1/cases/{id}/messages", r).await;
    let message_id = message["id"].as_str().expect("message id");
    let r = app
        .post_json(
            &format!("/api/v1/cases/{id}/messages/{message_id}/cancel"),
            Some(KEY_A),
            "",
        )
        .await;
    assert_documented(
        &doc,
        "post",
        "/api/v1/cases/{id}/messages/{message_id}/cancel",
        r,
    )
    .await;

    let r = get(format!("/api/v1/cases/{id}?include=audit,replies,messages")).await;
    let full = assert_documented(&doc, "get", "/api/v1/cases/{id}", r).await;
    assert!(
        full["audit"].is_array() && full["messages"].is_array(),
        "{full}"
    );
    let r = get(format!("/api/v1/cases/{id}?include=everything")).await;
    assert_documented(&doc, "get", "/api/v1/cases/{id}", r).await;

    let r = get(format!("/api/v1/cases/{id}/requests")).await;
    assert_documented(&doc, "get", "/api/v1/cases/{id}/requests", r).await;
    let r = app
        .post_json(
            &format!("/api/v1/cases/{id}/requests/nope/decline"),
            Some(KEY_A),
            r#"{"reason": "no"}"#,
        )
        .await;
    assert_documented(
        &doc,
        "post",
        "/api/v1/cases/{id}/requests/{request}/decline",
        r,
    )
    .await;

    let r = app
        .post_json(
            &format!("/api/v1/cases/{id}/payments"),
            Some(KEY_A),
            r#"{"reference": "bank-1", "amount": "100.00"}"#,
        )
        .await;
    assert_documented(&doc, "post", "/api/v1/cases/{id}/payments", r).await;
    let r = app
        .post_json("/api/v1/reconciliations", Some(KEY_A), "not a bank file")
        .await;
    assert_documented(&doc, "post", "/api/v1/reconciliations", r).await;

    let r = get("/api/v1/events".into()).await;
    let events = assert_documented(&doc, "get", "/api/v1/events", r).await;
    assert!(!events["events"].as_array().expect("events").is_empty());
    let r = get("/api/v1/events?limit=x".into()).await;
    assert_documented(&doc, "get", "/api/v1/events", r).await;
    let r = get("/api/v1/webhooks".into()).await;
    assert_documented(&doc, "get", "/api/v1/webhooks", r).await;
    let r = app
        .post_json("/api/v1/webhooks/replay", Some(KEY_A), "")
        .await;
    assert_documented(&doc, "post", "/api/v1/webhooks/replay", r).await;

    let mandate_path = "/api/v1/creditors/{creditor_id}/mandate";
    let r = get("/api/v1/creditors/nordlys-energi/mandate".into()).await;
    let mut mandate = assert_documented(&doc, "get", mandate_path, r).await;
    let r = get("/api/v1/creditors/ukjent/mandate".into()).await;
    assert_documented(&doc, "get", mandate_path, r).await;
    let put = |body: Value| {
        let app = &app;
        async move {
            app.http
                .put(app.url("/api/v1/creditors/nordlys-energi/mandate"))
                .bearer_auth(KEY_A)
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .expect("request")
        }
    };
    mandate["plan"]["first_payment"] = json!({"amount": "500"});
    mandate["deferral"]["max_balance"] = json!("50000");
    let r = put(mandate.clone()).await;
    let saved = assert_documented(&doc, "put", mandate_path, r).await;
    assert_eq!(saved, mandate);
    let mut unlawful = mandate.clone();
    unlawful["plan"]["establishment_fee"] = json!("100000");
    unlawful["plan"]["max_months"] = json!(121);
    let r = put(unlawful).await;
    let refused = assert_documented(&doc, "put", mandate_path, r).await;
    assert_eq!(refused["issues"].as_array().map(Vec::len), Some(2));
    let r = put(json!({"plan": {"nope": 1}})).await;
    assert_documented(&doc, "put", mandate_path, r).await;

    let r = app
        .post_json(&format!("/api/v1/cases/{id}/close"), Some(KEY_A), "")
        .await;
    assert_documented(&doc, "post", "/api/v1/cases/{id}/close", r).await;
    let r = app
        .post_json(&format!("/api/v1/cases/{id}/erase"), Some(KEY_A), "")
        .await;
    assert_documented(&doc, "post", "/api/v1/cases/{id}/erase", r).await;
    let r = app.post_json("/api/v1/cases", None, "{}").await;
    assert_documented(&doc, "post", "/api/v1/cases", r).await;
}

on_both_stores!(real_answers_match_the_documented_schemas);
