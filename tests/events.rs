//! The events pull API through the real app on both stores: an agency reads its own events in
//! order, page by page, and never another agency's.

#[macro_use]
mod common;

use common::{Backend, KEY_A, KEY_B, spawn_app};
use serde_json::Value;

async fn an_agency_pages_through_its_own_events_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let case = app.create_case("E-1", "1200.00").await;
    let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    for _ in 0..3 {
        let link = app.ctx.issue_case_link(&id).await.expect("link");
        app.open_link(&link).await.expect("session");
    }
    let path = format!("/api/v1/cases/{id}/payments");
    let paid = app
        .post_json(
            &path,
            Some(KEY_A),
            r#"{"reference": "r1", "amount": "100"}"#,
        )
        .await;
    assert_eq!(paid.status().as_u16(), 201);

    let all: Value = app
        .get_api("/api/v1/events", KEY_A)
        .await
        .json()
        .await
        .expect("json");
    let types: Vec<&str> = all["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types,
        vec![
            "case.viewed",
            "case.viewed",
            "case.viewed",
            "payment.succeeded"
        ]
    );
    assert_eq!(all["events"][3]["data"]["case_id"], case["id"]);

    let first: Value = app
        .get_api("/api/v1/events?limit=2", KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(first["events"].as_array().map(Vec::len), Some(2));
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let rest: Value = app
        .get_api(&format!("/api/v1/events?after={cursor}"), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(rest["events"].as_array().map(Vec::len), Some(2));
    assert_eq!(rest["events"][1]["type"], "payment.succeeded");
    let end_cursor = rest["next_cursor"].as_str().expect("cursor");
    let end: Value = app
        .get_api(&format!("/api/v1/events?after={end_cursor}"), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(end["events"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        end["next_cursor"], end_cursor,
        "an empty page keeps the cursor"
    );

    let other: Value = app
        .get_api("/api/v1/events", KEY_B)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        other["events"].as_array().map(Vec::len),
        Some(0),
        "agency B sees none of A's events"
    );
    for bad in [
        "/api/v1/events?after=abc",
        "/api/v1/events?after=1-2-3",
        "/api/v1/events?limit=0",
        "/api/v1/events?limit=5000",
    ] {
        assert_eq!(
            app.get_api(bad, KEY_A).await.status().as_u16(),
            422,
            "{bad}"
        );
    }
    assert_eq!(
        app.http
            .get(app.url("/api/v1/events"))
            .send()
            .await
            .expect("get")
            .status()
            .as_u16(),
        401
    );
}

on_both_stores!(an_agency_pages_through_its_own_events_in_order);
