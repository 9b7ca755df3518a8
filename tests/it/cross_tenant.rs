//! Tenant isolation over every operation the served OpenAPI document lists: agency B, holding
//! the ids of agency A's case, message and pending request, gets 404 on each case operation
//! (the same answer as for an id that does not exist), sees none of A's data anywhere, and
//! changes nothing of A's. A new operation is swept as soon as it is documented.

use crate::common::{self, Backend, Debtor, KEY_A, KEY_B, debtor};
use serde_json::Value;

/// A body B could plausibly send to each operation (valid in form, so a refusal is about the
/// tenant, not the input).
fn body_for(path: &str) -> &'static str {
    if path.ends_with("/messages") {
        r#"{"channel":"sms"}"#
    } else if path.ends_with("/payments") {
        r#"{"reference":"b-pay-1","amount":"100.00"}"#
    } else if path.ends_with("/approve") || path.ends_with("/close") || path.ends_with("/erase") {
        "{}"
    } else if path.ends_with("/conversation") {
        r#"{"text":"Hei"}"#
    } else if path.ends_with("/decline") {
        r#"{"reason":"Nei"}"#
    } else {
        "{}"
    }
}

/// A's case as its own key sees it, with its messages and requests: must not change.
async fn snapshot(d: &Debtor) -> (Value, Value, Value) {
    let get = |path: String| async move {
        let response = d.app.get_api(&path, KEY_A).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response.json::<Value>().await.expect("json")
    };
    let id = &d.case_id;
    (
        get(format!("/api/v1/cases/{id}")).await,
        get(format!("/api/v1/cases/{id}/messages")).await,
        get(format!("/api/v1/cases/{id}/requests")).await,
    )
}

async fn agency_b_cannot_read_change_or_detect_agency_a_cases(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let app = &d.app;
    let case_id = d.case_id.to_string();
    // A pending request (a deferral longer than the mandate grants at once) and a queued message.
    let asked = d.case().await.due_date + chrono::Duration::days(21);
    let (status, _) = d
        .post("/case/more-time", &[("date", &asked.to_string())])
        .await;
    assert_eq!(status, 200);
    let request_id = app.first_request_id(&d.case_id).await;
    let message = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/messages"),
            Some(KEY_A),
            r#"{"channel":"sms"}"#,
        )
        .await;
    assert_eq!(message.status().as_u16(), 202);
    let message: Value = message.json().await.expect("json");
    let message_id = message["id"].as_str().expect("id").to_owned();
    let before = snapshot(&d).await;
    let a_case = &before.0;
    // What would give A's case away if it showed up in an answer to B.
    let secrets = [
        case_id.clone(),
        a_case["external_ref"].as_str().expect("ref").to_owned(),
        a_case["kid"].as_str().expect("kid").to_owned(),
        message_id.clone(),
        request_id.clone(),
        a_case["debtor"]["name"].as_str().expect("name").to_owned(),
    ];

    let doc: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    let mut swept = 0;
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, _) in item.as_object().expect("item") {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            // A mandate is the creditor's, and B acts for that creditor too; the creditor's
            // `changes_by` names only A, so B's replace is refused like every other change here
            // (tests/it/mandate_versions.rs covers who may).
            let path = template
                .replace("{id}", &case_id)
                .replace("{message_id}", &message_id)
                .replace("{request}", &request_id)
                .replace("{creditor_id}", "nordlys-energi");
            let query = match path.as_str() {
                "/api/v1/cases" if method == "get" => "?limit=100",
                "/api/v1/events" => "?limit=1000",
                _ => "",
            };
            let url = app.url(&format!("{path}{query}"));
            let request = match method.as_str() {
                "get" => app.http.get(&url),
                "post" => app.http.post(&url),
                "put" => app.http.put(&url),
                "delete" => app.http.delete(&url),
                _ => app.http.patch(&url),
            };
            let response = request
                .bearer_auth(KEY_B)
                .header("Content-Type", "application/json")
                .body(body_for(template))
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            let text = response.text().await.expect("body");
            swept += 1;
            if template.contains("{id}") {
                assert_eq!(status, 404, "{method} {template}: {text}");
                let error: Value = serde_json::from_str(&text).expect("json error");
                assert_eq!(error["error"], "case_not_found", "{method} {template}");
            }
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{method} {template} showed agency B {secret}: {text}"
                );
            }
        }
    }
    assert!(
        swept >= 16,
        "every documented operation was tried ({swept})"
    );

    // B's case with A's external reference is B's own new case, not an update of A's.
    let same_ref = app
        .post_json(
            "/api/v1/cases",
            Some(KEY_B),
            &common::case_body(a_case["external_ref"].as_str().expect("ref"), "50.00"),
        )
        .await;
    assert_eq!(same_ref.status().as_u16(), 201, "created, not found");
    let b_case: Value = same_ref.json().await.expect("json");
    assert_ne!(b_case["id"], a_case["id"]);

    let after = snapshot(&d).await;
    assert_eq!(after, before, "nothing of A's changed");
}

on_both_stores!(agency_b_cannot_read_change_or_detect_agency_a_cases);
