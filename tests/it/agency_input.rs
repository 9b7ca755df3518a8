//! Agency input is bounded, through the real app on both stores: every text an agency sends
//! (names, descriptions, references, reasons, notes) is refused with 422 naming the field when
//! it holds control characters or bidirectional overrides, due dates stay between 2000 and ten
//! years ahead, and a refused request changes nothing.

use crate::common::{Backend, KEY_A, TestApp, spawn_app};
use chrono::Datelike;
use innfri::domain::ids::{AgencyId, ExternalRef};
use serde_json::{Value, json};

/// Characters that hide or reorder text: escape, carriage return, NUL, a C1 control, a line
/// separator, a right-to-left override and an isolate.
const HOSTILE: &[&str] = &[
    "\u{1b}[2J",
    "\r",
    "\0",
    "\u{9b}",
    "\u{2028}",
    "\u{202e}",
    "\u{2067}",
];

fn case_json(external_ref: &str) -> Value {
    json!({
        "external_ref": external_ref,
        "creditor_id": "nordlys-energi",
        "debtor": {"name": "Ola Nordmann", "phone": "912 34 567"},
        "claim": [
            {"kind": "principal", "description": "Faktura 1001", "amount": "1200.00"},
            {"kind": "fee", "description": "Purregebyr", "amount": "35.00"}
        ],
        "due_date": "2026-12-15"
    })
}

async fn refused(app: &TestApp, path: &str, body: &Value, field: &str) {
    let response = app.post_json(path, Some(KEY_A), &body.to_string()).await;
    let status = response.status().as_u16();
    let answer: Value = response.json().await.expect("json");
    assert_eq!(status, 422, "{path} {body}: {answer}");
    assert_eq!(answer["error"], "invalid_field", "{body}");
    assert_eq!(answer["field"], field, "{body}: {answer}");
}

async fn exists(app: &TestApp, external_ref: &str) -> bool {
    let agency = AgencyId::parse("agency-a").expect("id");
    let r = ExternalRef::parse(external_ref).expect("ref");
    app.ctx
        .store
        .case_by_ref(&agency, &r)
        .await
        .expect("store")
        .is_some()
}

async fn case_texts_refuse_control_and_bidi_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    for (n, bad) in HOSTILE.iter().enumerate() {
        let external_ref = format!("T-{n}");
        let mut body = case_json(&external_ref);
        body["debtor"]["name"] = json!(format!("Ola {bad}Nordmann"));
        refused(&app, "/api/v1/cases", &body, "debtor.name").await;
        let mut body = case_json(&external_ref);
        body["claim"][1]["description"] = json!(format!("Purregebyr{bad}"));
        refused(&app, "/api/v1/cases", &body, "claim[1].description").await;
        assert!(!exists(&app, &external_ref).await, "nothing was stored");
    }
    // Identifiers and codes are taken as sent, not trimmed into something else.
    let mut body = case_json("T-x");
    body["external_ref"] = json!(" T-x");
    refused(&app, "/api/v1/cases", &body, "external_ref").await;
    let mut body = case_json("T-x");
    body["debtor"]["postcode"] = json!("0 150");
    refused(&app, "/api/v1/cases", &body, "debtor.postcode").await;
    let mut body = case_json("T-x");
    body["debtor"]["birth_date"] = json!("1980-5-17");
    refused(&app, "/api/v1/cases", &body, "debtor.birth_date").await;
    // Right-to-left names with their marks are fine; line breaks are not (a name is one line).
    let mut body = case_json("T-ok");
    body["debtor"]["name"] = json!("سارة\u{200f} Nordmann");
    let created = app
        .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let mut body = case_json("T-nl");
    body["debtor"]["name"] = json!("Ola\nNordmann");
    refused(&app, "/api/v1/cases", &body, "debtor.name").await;
}

async fn due_dates_stay_between_2000_and_ten_years_ahead(backend: Backend) {
    let app = spawn_app(backend).await;
    let last = chrono::Utc::now().year() + 10;
    for (n, (due, ok)) in [
        ("1999-12-31".to_owned(), false),
        ("2000-01-01".to_owned(), true),
        (format!("{last}-12-31"), true),
        (format!("{}-01-01", last + 1), false),
        ("9999-12-31".to_owned(), false),
    ]
    .into_iter()
    .enumerate()
    {
        let external_ref = format!("D-{n}");
        let mut body = case_json(&external_ref);
        body["due_date"] = json!(due);
        if ok {
            let response = app
                .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
                .await;
            assert_eq!(response.status().as_u16(), 201, "{due}");
        } else {
            refused(&app, "/api/v1/cases", &body, "due_date").await;
            assert!(
                !exists(&app, &external_ref).await,
                "{due}: nothing was stored"
            );
        }
    }
}

async fn reasons_notes_and_references_refuse_control_and_bidi_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("N-1", "1200.00").await;
    let id = case["id"].as_str().expect("id");
    for bad in HOSTILE {
        let text = format!("Betalt{bad} i sin helhet");
        refused(
            &app,
            &format!("/api/v1/cases/{id}/close"),
            &json!({ "reason": text }),
            "reason",
        )
        .await;
        // Checked before the request is looked up: the answer names the text, whatever the id.
        refused(
            &app,
            &format!("/api/v1/cases/{id}/requests/req_x/decline"),
            &json!({ "reason": text }),
            "reason",
        )
        .await;
        refused(
            &app,
            &format!("/api/v1/cases/{id}/requests/req_x/approve"),
            &json!({ "note": text }),
            "note",
        )
        .await;
        refused(
            &app,
            &format!("/api/v1/cases/{id}/payments"),
            &json!({ "reference": format!("bank{bad}1"), "amount": "100.00" }),
            "reference",
        )
        .await;
    }
    let stored = app
        .stored_case(&innfri::domain::ids::CaseId::parse(id).expect("id"))
        .await;
    assert_eq!(stored.status, innfri::domain::case::CaseStatus::Open);
    assert!(stored.payments.is_empty());
    // What the debtor reads may have line breaks.
    let closed = app
        .post_json(
            &format!("/api/v1/cases/{id}/close"),
            Some(KEY_A),
            &json!({"reason": "Betalt.\nTakk!"}).to_string(),
        )
        .await;
    assert_eq!(closed.status().as_u16(), 200);
}

on_both_stores!(
    case_texts_refuse_control_and_bidi_characters,
    due_dates_stay_between_2000_and_ten_years_ahead,
    reasons_notes_and_references_refuse_control_and_bidi_characters,
);
