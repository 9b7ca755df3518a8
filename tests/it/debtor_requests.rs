//! The debtor's requests on both stores: one open request at a time (a new one is refused,
//! saying what waits and since when), the agency's approval re-checked against the case as it
//! now is, and refusals that say the numbers.

use crate::common::{Debtor, KEY_A, debtor};
use chrono::{Duration, Utc};
use innfri::domain::case::CaseStatus;
use innfri::domain::money::Money;

use crate::common::Backend;

async fn approve(d: &Debtor, id: &str) -> reqwest::Response {
    d.app
        .post_json(
            &format!("/api/v1/cases/{}/requests/{id}/approve", d.case_id),
            Some(KEY_A),
            "{}",
        )
        .await
}

/// A plan of 7 months, one over what the creditor grants at once: it waits for the agency.
async fn plan_waiting(d: &Debtor) {
    let (status, html) = d.post("/case/plan/confirm", &[("months", "7")]).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(d.case().await.pending.len(), 1, "{html}");
}

async fn a_new_request_is_refused_while_another_waits_saying_what_waits_and_since_when(
    backend: Backend,
) {
    let d = debtor(backend, "6000.00").await;
    plan_waiting(&d).await;
    let before = d.case().await;
    let today = innfri::i18n::Texts::load()
        .expect("texts")
        .date(innfri::domain::locale::Locale::Nb, Utc::now().date_naive());

    let page = d.page().await;
    assert!(
        page.contains("Forespørselen din venter på svar")
            && page.contains("Du ba om å betale i 7 avdrag")
            && page.contains(&format!("den {today}")),
        "{page}"
    );
    assert!(!page.contains("href=\"/case/more-time\""), "{page}");
    assert!(!page.contains("href=\"/case/plan\""), "{page}");

    let form = d.get("/case/more-time").await;
    assert!(form.contains("Forespørselen din venter på svar") && !form.contains("type=\"radio\""));
    // Posted anyway (an old tab): refused, nothing written.
    let date = (before.due_date + Duration::days(7)).to_string();
    let (status, html) = d.post("/case/more-time", &[("date", &date)]).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("7 avdrag"), "{html}");
    let (status, _) = d.post("/case/plan/confirm", &[("months", "3")]).await;
    assert_eq!(status, 409);
    let after = d.case().await;
    assert_eq!(after.due_date, before.due_date);
    assert_eq!(after.deferrals_granted, 0);
    assert!(after.plan.is_none());
    assert_eq!(after.pending.len(), 1);
    assert_eq!(after.version, before.version, "nothing written");
}

async fn an_approved_plan_is_scheduled_from_what_is_owed_when_it_is_approved(backend: Backend) {
    let d = debtor(backend, "6000.00").await;
    plan_waiting(&d).await;
    let case = d.case().await;
    let nok = |minor| Money::from_minor(minor, case.currency());
    innfri::service::payments::register_direct(
        &d.app.ctx,
        &case.agency_id,
        &d.case_id,
        "bank-1",
        nok(100_000),
        None,
        Utc::now(),
    )
    .await
    .expect("payment");
    let id = d.app.first_request_id(&d.case_id).await;
    let response = approve(&d, &id).await;
    assert_eq!(response.status().as_u16(), 200);
    let case = d.case().await;
    let plan = case.plan.as_ref().expect("plan");
    assert_eq!(plan.months(), 7, "the months asked for");
    assert_eq!(
        plan.principal,
        case.balance_without_interest(),
        "the plan covers what is still owed, not the amount before the payment"
    );
    let principal: i64 = plan
        .instalments
        .iter()
        .map(|i| i.principal.minor_units())
        .sum();
    assert_eq!(principal, case.balance_without_interest().minor_units());
}

async fn a_waiting_request_cannot_be_approved_once_the_case_is_no_longer_open(backend: Backend) {
    let d = debtor(backend, "6000.00").await;
    plan_waiting(&d).await;
    // A dispute is never held back by a waiting request: the right to object comes first.
    let (status, html) = d
        .post("/case/dispute", &[("text", "Jeg har betalt dette")])
        .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(d.case().await.status, CaseStatus::Disputed);
    let id = d.app.first_request_id(&d.case_id).await;
    let response = approve(&d, &id).await;
    assert_eq!(response.status().as_u16(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["field"], "request_id", "{body}");
    let case = d.case().await;
    assert!(case.plan.is_none(), "nothing granted");
    assert_eq!(case.pending.len(), 2, "both still wait");
}

async fn a_refusal_says_what_was_asked_and_what_the_creditor_allows(backend: Backend) {
    let d = debtor(backend, "6000.00").await;
    let (status, html) = d.post("/case/plan/confirm", &[("months", "13")]).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Du ba om 13 måneder, og kreditor tillater høyst 12."),
        "{html}"
    );
    // By amount: 250 kr a month on 6 049,50 kr is 25 months.
    let (status, html) = d.post("/case/plan/preview", &[("monthly", "250")]).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Du ba om 25 måneder"), "{html}");

    let due = d.case().await.due_date;
    // A business day 45 days or so past the due date: the creditor allows 30.
    let late = innfri::domain::jurisdiction::no::business_day_on_or_after(due + Duration::days(45));
    let days = (late - due).num_days();
    let (status, html) = d
        .post("/case/more-time", &[("date", &late.to_string())])
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains(&format!(
            "Du ba om {days} dager mer tid, og kreditor tillater høyst 30 dager."
        )),
        "{html}"
    );
    let small = debtor(backend, "2000.00").await;
    let (status, html) = small
        .post("/case/plan/preview", &[("monthly", "250")])
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Da blir avdragene 250,00\u{a0}kr i måneden, mindre enn minstebeløpet på 300,00\u{a0}kr."),
        "{html}"
    );
}

on_both_stores!(
    a_refusal_says_what_was_asked_and_what_the_creditor_allows,
    a_new_request_is_refused_while_another_waits_saying_what_waits_and_since_when,
    an_approved_plan_is_scheduled_from_what_is_owed_when_it_is_approved,
    a_waiting_request_cannot_be_approved_once_the_case_is_no_longer_open,
);
