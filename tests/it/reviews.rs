//! The agency answers requests that needed a person, through the real app on both stores:
//! approve (as asked or with changed terms), decline with a reason the debtor reads, uphold or
//! reject a dispute; the debtor is told by message, and no other agency can touch them.

use crate::common::{Backend, Debtor, KEY_A, KEY_B, debtor};
use chrono::{Duration, Utc};
use innfri::domain::case::CaseStatus;
use innfri::domain::event::EventKind;
use innfri::domain::message::Template;
use serde_json::Value;

async fn requests(d: &Debtor, key: &str) -> reqwest::Response {
    d.app
        .get_api(&format!("/api/v1/cases/{}/requests", d.case_id), key)
        .await
}

async fn answer(d: &Debtor, id: &str, verb: &str, body: &str) -> reqwest::Response {
    d.app
        .post_json(
            &format!("/api/v1/cases/{}/requests/{id}/{verb}", d.case_id),
            Some(KEY_A),
            body,
        )
        .await
}

async fn a_reviewed_deferral_approved_by_the_agency_moves_the_due_date(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let asked = d.case().await.due_date + Duration::days(21);
    let (status, _) = d
        .post("/case/more-time", &[("date", &asked.to_string())])
        .await;
    assert_eq!(status, 200);
    let list: Value = requests(&d, KEY_A).await.json().await.expect("json");
    assert_eq!(list["requests"][0]["kind"], "deferral");
    assert_eq!(
        requests(&d, KEY_B).await.status().as_u16(),
        404,
        "another agency sees nothing"
    );
    let id = d.app.first_request_id(&d.case_id).await;
    let wrong_agency = d
        .app
        .post_json(
            &format!("/api/v1/cases/{}/requests/{id}/approve", d.case_id),
            Some(KEY_B),
            "{}",
        )
        .await;
    assert_eq!(wrong_agency.status().as_u16(), 404);

    let response = answer(&d, &id, "approve", "").await;
    assert_eq!(response.status().as_u16(), 200);
    let case = d.case().await;
    assert_eq!(
        case.due_date,
        innfri::domain::jurisdiction::no::business_day_on_or_after(asked)
    );
    assert!(case.pending.is_empty());
    assert!(
        case.audit
            .iter()
            .any(|a| a.action == "deferral.granted"
                && a.actor == innfri::domain::event::Actor::Agency)
    );
    assert_eq!(
        d.event_kinds()
            .await
            .iter()
            .filter(|k| **k == EventKind::DeferralGranted)
            .count(),
        1
    );
    assert_eq!(d.templates().await, vec![Template::DeferralReceipt]);
    let again = answer(&d, &id, "approve", "").await;
    assert_eq!(again.status().as_u16(), 404, "a request is answered once");
    let body: serde_json::Value = again.json().await.expect("json");
    assert_eq!(body["error"], "request_not_found");
}

async fn a_reviewed_plan_can_be_approved_with_other_terms(backend: Backend) {
    let d = debtor(backend, "6000.00").await;
    let (status, _) = d.post("/case/plan/confirm", &[("months", "9")]).await;
    assert_eq!(status, 200);
    let id = d.app.first_request_id(&d.case_id).await;
    let response = answer(&d, &id, "approve", r#"{"months": 8}"#).await;
    assert_eq!(response.status().as_u16(), 200);
    let plan = d.case().await.plan.expect("plan");
    assert_eq!(plan.months(), 8);
    assert!(plan.instalments.iter().all(|i| i.kid.is_some()));
    assert!(d.page().await.contains("Din nedbetalingsavtale"));
}

async fn a_declined_request_shows_the_reason_to_the_debtor(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let asked = d.case().await.due_date + Duration::days(21);
    d.post("/case/more-time", &[("date", &asked.to_string())])
        .await;
    let id = d.app.first_request_id(&d.case_id).await;
    let empty = answer(&d, &id, "decline", r#"{"reason": "  "}"#).await;
    assert_eq!(empty.status().as_u16(), 422);
    let response = answer(
        &d,
        &id,
        "decline",
        r#"{"reason": "Vi kan gi utsettelse i to uker. Ring oss gjerne."}"#,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let page = d.page().await;
    assert!(
        page.contains("Melding fra A Inkasso AS") && page.contains("Ring oss gjerne."),
        "{page}"
    );
    assert!(d.event_kinds().await.contains(&EventKind::RequestDeclined));
    assert_eq!(d.templates().await, vec![Template::RequestDeclined]);
}

async fn an_upheld_dispute_closes_the_case_and_a_rejected_one_resumes_collection(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    d.post("/case/dispute", &[("text", "Jeg har aldri bestilt dette.")])
        .await;
    let id = d.app.first_request_id(&d.case_id).await;
    let response = answer(
        &d,
        &id,
        "decline",
        r#"{"reason": "Vi har kontrollert bestillingen, og kravet står ved lag."}"#,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        d.case().await.status,
        CaseStatus::Open,
        "collection resumes"
    );

    d.post(
        "/case/dispute",
        &[("text", "Jeg har betalt, se kvittering.")],
    )
    .await;
    let id = d.app.first_request_id(&d.case_id).await;
    let response = answer(
        &d,
        &id,
        "approve",
        r#"{"note": "Vi fant betalingen din. Takk!"}"#,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let case = d.case().await;
    assert_eq!(case.status, CaseStatus::Closed);
    // A closed case's session ends at once; the debtor hears of the outcome by message.
    let page = d.app.case_page(&d.cookie, "").await;
    assert_eq!(page.status().as_u16(), 404);
    // The notice to the debtor goes out even though the case is closed.
    let worker = d.app.worker();
    worker.run_once().await.expect("store");
    let messages = d.messages().await;
    let upheld = messages
        .iter()
        .find(|m| m.template == Template::DisputeUpheld)
        .expect("notice queued");
    assert_eq!(upheld.status, innfri::domain::message::MessageStatus::Sent);
    assert!(d.event_kinds().await.contains(&EventKind::DisputeUpheld));
    assert!(Utc::now() > case.updated_at);
}

async fn answering_an_unknown_request_or_with_bad_json_changes_nothing(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    let before = d.case().await;
    let unknown = answer(&d, "req_nothing", "approve", "{}").await;
    assert_eq!(unknown.status().as_u16(), 404);
    let body: serde_json::Value = unknown.json().await.expect("json");
    assert_eq!(body["error"], "request_not_found");
    let bad = answer(&d, "req_nothing", "decline", "{\"reason\":").await;
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(d.case().await, before);
}

on_both_stores!(
    a_reviewed_deferral_approved_by_the_agency_moves_the_due_date,
    a_reviewed_plan_can_be_approved_with_other_terms,
    a_declined_request_shows_the_reason_to_the_debtor,
    an_upheld_dispute_closes_the_case_and_a_rejected_one_resumes_collection,
    answering_an_unknown_request_or_with_bad_json_changes_nothing,
);
