//! The events pull API through the real app on both stores: an agency reads its own events in
//! order, page by page, and never another agency's.

use crate::common::{Backend, KEY_A, KEY_B, spawn_app};
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

/// A cursor no store handed out is 422 `invalid_field` naming `after`, on every store, for the
/// events page and for a replay alike; never 503, which clients retry forever.
async fn a_malformed_cursor_is_invalid_field_on_every_store(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_case("E-2", "1200.00").await;
    let long = "9".repeat(10_000);
    let long_pair = format!("1-{}", "0".repeat(5_000));
    let malformed = [
        "18446744073709551616",
        "18446744073709551616-0",
        "0-18446744073709551616",
        "99999999999999999999-0",
        "-1",
        "1--1",
        "abc",
        "",
        " ",
        "1",
        "1-",
        "-",
        "1-2-3",
        "%2B1-2",
        "1-2%20",
        "%00",
        long.as_str(),
        long_pair.as_str(),
    ];
    for after in malformed {
        let response = app
            .get_api(&format!("/api/v1/events?after={after}"), KEY_A)
            .await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("json");
        assert_eq!(status, 422, "after={after:.40}: {body}");
        assert_eq!(body["error"], "invalid_field", "after={after:.40}");
        assert_eq!(body["field"], "after", "after={after:.40}");

        let decoded = after
            .replace("%2B", "+")
            .replace("%20", " ")
            .replace("%00", "\0");
        let replay = app
            .post_json(
                "/api/v1/webhooks/replay",
                Some(KEY_A),
                &serde_json::json!({ "after": decoded }).to_string(),
            )
            .await;
        let status = replay.status().as_u16();
        let body: Value = replay.json().await.expect("json");
        assert_eq!(status, 422, "replay after={after:.40}: {body}");
        assert_eq!(body["field"], "after", "replay after={after:.40}");
    }
    // Either store's cursors are cursors to both: past the end is an empty page, not an error.
    for far in [
        "9999999999999999999-9999999999999999999",
        "0-9999999999999999999",
        "1767225600000-0",
    ] {
        let response = app
            .get_api(&format!("/api/v1/events?after={far}"), KEY_A)
            .await;
        assert_eq!(response.status().as_u16(), 200, "after={far}");
        let page: Value = response.json().await.expect("json");
        assert!(
            page["events"].as_array().is_some_and(Vec::is_empty),
            "after={far}: {page}"
        );
        assert_eq!(page["next_cursor"], far);
    }
}

on_both_stores!(
    an_agency_pages_through_its_own_events_in_order,
    a_malformed_cursor_is_invalid_field_on_every_store
);
