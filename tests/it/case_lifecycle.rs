//! The agency API beyond create/read, on both stores: listing with filters and a cursor,
//! closing (links revoked, queued messages cancelled), GDPR erasure, cancelling a message —
//! and another agency's key getting 404 on every one of them.

use crate::common::{self, Backend, KEY_A, KEY_B, TestApp, case_body, spawn_app};
use serde_json::{Value, json};

async fn create(app: &TestApp, key: &str, external_ref: &str) -> Value {
    let response = app
        .post_json(
            "/api/v1/cases",
            Some(key),
            &case_body(external_ref, "1200.00"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.expect("json")
}

async fn post(app: &TestApp, key: &str, path: &str, body: &str) -> (u16, Value) {
    let response = app.post_json(path, Some(key), body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, key: &str, path: &str) -> (u16, Value) {
    let response = app.get_api(path, key).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A reminder queued for a few months from now.
fn later_sms() -> String {
    let at = chrono::Utc::now() + chrono::Duration::days(90);
    json!({"channel": "sms", "send_at": at.to_rfc3339()}).to_string()
}

fn refs(page: &Value) -> Vec<String> {
    page["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["external_ref"].as_str().expect("ref").to_owned())
        .collect()
}

async fn cases_are_listed_with_filters_and_a_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    for i in 0..5 {
        create(&app, KEY_A, &format!("L-{i}")).await;
    }
    let other = create(&app, KEY_B, "B-1").await;
    let first: Value = create(&app, KEY_A, "L-5").await;
    let (status, _) = post(
        &app,
        KEY_A,
        &format!("/api/v1/cases/{}/close", first["id"].as_str().expect("id")),
        "",
    )
    .await;
    assert_eq!(status, 200);

    // Page through everything, two at a time.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => "/api/v1/cases?limit=2".to_owned(),
            Some(c) => format!("/api/v1/cases?limit=2&cursor={c}"),
        };
        let (status, page) = get(&app, KEY_A, &path).await;
        assert_eq!(status, 200, "{page}");
        assert!(refs(&page).len() <= 2);
        seen.extend(refs(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["L-0", "L-1", "L-2", "L-3", "L-4", "L-5"]);
    assert!(
        !seen.contains(&"B-1".to_owned()),
        "never another agency's case"
    );

    let (_, closed) = get(&app, KEY_A, "/api/v1/cases?status=closed").await;
    assert_eq!(refs(&closed), ["L-5"]);
    let (_, by_creditor) = get(&app, KEY_A, "/api/v1/cases?creditor_id=nordlys-energi").await;
    assert_eq!(refs(&by_creditor).len(), 6);
    let (_, none) = get(
        &app,
        KEY_A,
        "/api/v1/cases?updated_since=2100-01-01T00:00:00Z",
    )
    .await;
    assert!(refs(&none).is_empty() && none["next_cursor"].is_null());
    let (_, b_page) = get(&app, KEY_B, "/api/v1/cases").await;
    assert_eq!(refs(&b_page), ["B-1"]);
    assert_eq!(b_page["cases"][0]["id"], other["id"]);

    for bad in [
        "/api/v1/cases?limit=0",
        "/api/v1/cases?limit=1000",
        "/api/v1/cases?status=sleeping",
        "/api/v1/cases?cursor=abc",
        "/api/v1/cases?updated_since=yesterday",
        "/api/v1/cases?colour=blue",
    ] {
        let (status, body) = get(&app, KEY_A, bad).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["error"], "invalid_field", "{bad}: {body}");
    }
}

async fn closing_revokes_links_cancels_queued_messages_and_tells_the_agency(backend: Backend) {
    let debtor = common::debtor(backend, "1200.00").await;
    let app = &debtor.app;
    let case = debtor.case().await;
    let id = case.id.to_string();
    let (status, queued) = post(
        app,
        KEY_A,
        &format!("/api/v1/cases/{id}/messages"),
        &later_sms(),
    )
    .await;
    assert_eq!(status, 202);

    let link = app.ctx.issue_case_link(&case.id).await.expect("link");
    assert!(
        app.open_link(&link).await.is_some(),
        "opens before the close"
    );
    // Another agency cannot close it, and learns nothing.
    let (status, body) = post(app, KEY_B, &format!("/api/v1/cases/{id}/close"), "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("case_not_found"))
    );
    assert_eq!(debtor.case().await.status, case.status);

    let (status, closed) = post(
        app,
        KEY_A,
        &format!("/api/v1/cases/{id}/close"),
        r#"{"reason":"settled with the creditor"}"#,
    )
    .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["status"], "closed");
    let (status, again) = post(app, KEY_A, &format!("/api/v1/cases/{id}/close"), "").await;
    assert_eq!((status, again["status"].as_str()), (200, Some("closed")));

    let (_, messages) = get(app, KEY_A, &format!("/api/v1/cases/{id}/messages")).await;
    let message = messages["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["id"] == queued["id"])
        .expect("the queued message");
    assert_eq!(message["status"], "cancelled");
    // A link sent before the close no longer opens anything.
    assert!(app.open_link(&link).await.is_none(), "links are revoked");
    let kinds = debtor.event_kinds().await;
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == innfri::domain::event::EventKind::CaseClosed)
            .count(),
        1
    );
    let (status, body) = post(app, KEY_A, &format!("/api/v1/cases/{id}/close"), "{").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_json"))
    );
}

async fn erasing_removes_personal_data_and_keeps_the_amounts(backend: Backend) {
    let debtor = common::debtor(backend, "1200.00").await;
    let app = &debtor.app;
    let before = debtor.case().await;
    let id = before.id.to_string();
    let (status, _) = post(
        app,
        KEY_A,
        &format!("/api/v1/cases/{id}/messages"),
        r#"{"channel":"email"}"#,
    )
    .await;
    assert_eq!(status, 202);
    let (status, _) = post(app, KEY_B, &format!("/api/v1/cases/{id}/erase"), "").await;
    assert_eq!(status, 404);

    let (status, erased) = post(app, KEY_A, &format!("/api/v1/cases/{id}/erase"), "").await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["status"], "closed");
    assert_eq!(erased["debtor"]["name"], "");
    assert!(erased["debtor"]["phone"].is_null() && erased["debtor"]["email"].is_null());
    assert_eq!(
        erased["amount_due"],
        json!({"amount": "1249.50", "currency": "NOK"})
    );
    assert_eq!(erased["kid"].as_str(), Some(before.kid.as_str()));

    let stored = debtor.case().await;
    let text = serde_json::to_string(&stored).expect("json");
    for personal in [
        "Ola Nordmann",
        "+4791234567",
        "ola@example.no",
        "Faktura 1001",
    ] {
        assert!(!text.contains(personal), "{personal} is gone");
    }
    assert!(stored.audit.iter().any(|a| a.action == "case.erased"));
    let (_, messages) = get(app, KEY_A, &format!("/api/v1/cases/{id}/messages")).await;
    assert_eq!(messages["messages"], json!([]), "messages held the address");
    let (status, _) = post(app, KEY_A, &format!("/api/v1/cases/{id}/erase"), "").await;
    assert_eq!(status, 200, "erasing twice is fine");
}

async fn a_queued_message_can_be_cancelled_once_it_is_sent_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = create(&app, KEY_A, "C-1").await;
    let id = case["id"].as_str().expect("id");
    let (_, message) = post(
        &app,
        KEY_A,
        &format!("/api/v1/cases/{id}/messages"),
        &later_sms(),
    )
    .await;
    let mid = message["id"].as_str().expect("id");
    let cancel = format!("/api/v1/cases/{id}/messages/{mid}/cancel");
    let (status, _) = post(&app, KEY_B, &cancel, "").await;
    assert_eq!(status, 404, "not another agency's");
    let (status, cancelled) = post(&app, KEY_A, &cancel, "").await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (200, Some("cancelled"))
    );
    let (status, _) = post(&app, KEY_A, &cancel, "").await;
    assert_eq!(status, 200, "cancelling twice is fine");
    let (status, body) = post(
        &app,
        KEY_A,
        &format!("/api/v1/cases/{id}/messages/msg_nonexistent/cancel"),
        "",
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("message_not_found"))
    );

    // Sent messages cannot be called back.
    let (_, now) = post(
        &app,
        KEY_A,
        &format!("/api/v1/cases/{id}/messages"),
        r#"{"channel":"sms"}"#,
    )
    .await;
    app.run_worker_at_noon().await;
    let sent = format!(
        "/api/v1/cases/{id}/messages/{}/cancel",
        now["id"].as_str().expect("id")
    );
    let (status, body) = post(&app, KEY_A, &sent, "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("not_cancellable"))
    );
    // The cancelled one was never sent.
    let (_, listed) = get(&app, KEY_A, &format!("/api/v1/cases/{id}/messages")).await;
    let statuses: Vec<&str> = listed["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["status"].as_str().expect("status"))
        .collect();
    assert!(
        statuses.contains(&"cancelled") && statuses.contains(&"sent"),
        "{statuses:?}"
    );
}

on_both_stores!(
    cases_are_listed_with_filters_and_a_cursor,
    closing_revokes_links_cancels_queued_messages_and_tells_the_agency,
    erasing_removes_personal_data_and_keeps_the_amounts,
    a_queued_message_can_be_cancelled_once_it_is_sent_not,
);
