//! An agreed plan on the debtor's case page through the real app on both stores: payments fill
//! the instalments in order, the page leads with the next one, and a date past an instalment's
//! due date shows it late, then missed.

use chrono::{Duration, NaiveTime, Utc};
use innfri::clock::SettableClock;
use innfri::domain::locale::Locale;
use innfri::domain::money::Money;
use innfri::domain::plan::{Instalment, InstalmentPlan};

use crate::common::{Backend, Debtor, KEY_A, TestApp, debtor_in};

/// A debtor on an app whose clock the test moves, with a six-month plan agreed.
async fn debtor_with_plan(backend: Backend) -> (Debtor, SettableClock, InstalmentPlan) {
    let clock = SettableClock::at(Utc::now());
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .start()
        .await;
    let d = debtor_in(app, "6000.00").await;
    let (status, html) = d.post("/case/plan/confirm", &[("months", "6")]).await;
    assert_eq!(status, 200, "{html}");
    let plan = d.case().await.plan.expect("plan agreed");
    assert_eq!(plan.instalments.len(), 6);
    (d, clock, plan)
}

async fn pay(d: &Debtor, reference: &str, amount: Money) {
    let body = serde_json::json!({"reference": reference, "amount": amount.to_plain_string()});
    let response = d
        .app
        .post_json(
            &format!("/api/v1/cases/{}/payments", d.case_id.as_str()),
            Some(KEY_A),
            &body.to_string(),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
}

/// An amount as the page shows it: Norwegian, with non-breaking spaces.
fn kr(amount: Money) -> String {
    amount.format(Locale::Nb).replace(' ', "\u{a0}")
}

fn minus(a: Money, b: i64) -> Money {
    Money::from_minor(a.minor_units() - b, a.currency())
}

/// The section the page leads with.
fn lead(page: &str) -> &str {
    page.split("<section class=\"summary\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("no summary section: {page}"))
}

/// The list item of instalment `number`.
fn item(page: &str, number: usize) -> &str {
    page.split("<ol class=\"instalments\">")
        .nth(1)
        .and_then(|list| list.split("<li ").nth(number))
        .and_then(|li| li.split("</li>").next())
        .unwrap_or_else(|| panic!("no instalment {number}: {page}"))
}

fn kid(i: &Instalment) -> &str {
    i.kid.as_ref().expect("instalment KID").as_str()
}

async fn a_paid_instalment_is_marked_paid_and_the_page_leads_with_the_next(backend: Backend) {
    let (d, _clock, plan) = debtor_with_plan(backend).await;
    let (first, second) = (&plan.instalments[0], &plan.instalments[1]);
    let page = d.page().await;
    let before = lead(&page);
    assert!(
        before.contains("Neste avdrag (1 av 6)")
            && before.contains(&kr(first.amount))
            && before.contains(kid(first)),
        "an agreed plan leads with its first instalment: {before}"
    );
    assert!(item(&page, 1).contains("Neste å betale"), "{page}");

    pay(&d, "bank-1", first.amount).await;
    let page = d.page().await;
    let now = lead(&page);
    assert!(
        now.contains("Neste avdrag (2 av 6)")
            && now.contains(&kr(second.amount))
            && now.contains(kid(second))
            && now.contains(&d.app.ctx.texts.date(Locale::Nb, second.due_date))
            && now.contains("Kontonummer"),
        "after instalment 1 is paid the page leads with instalment 2: {now}"
    );
    assert!(!now.contains(kid(first)), "{now}");
    assert!(
        item(&page, 1).contains("instalment-paid") && item(&page, 1).contains("Betalt"),
        "instalment 1 is marked paid: {page}"
    );
    assert!(item(&page, 2).contains("Neste å betale"), "{page}");
    assert!(
        page.contains("Igjen å betale"),
        "the payment is a line in the breakdown: {page}"
    );
}

async fn a_partial_payment_shows_on_the_instalment_it_went_to(backend: Backend) {
    let (d, _clock, plan) = debtor_with_plan(backend).await;
    let (first, second) = (&plan.instalments[0], &plan.instalments[1]);
    let part = Money::from_minor(50_000, first.amount.currency());

    pay(&d, "vipps-1", part).await;
    let page = d.page().await;
    let now = lead(&page);
    assert!(
        now.contains("Neste avdrag (1 av 6)")
            && now.contains(&kr(minus(first.amount, 50_000)))
            && now.contains(&format!("{} betalt", kr(part))),
        "part of instalment 1 is paid, the rest is left on it: {now}"
    );
    assert!(item(&page, 1).contains(&format!("{} betalt", kr(part))));
    assert!(!item(&page, 2).contains("betalt,"), "{page}");

    // A whole instalment's amount now: the rest of 1, then 500 kr toward 2.
    pay(&d, "card-1", first.amount).await;
    let page = d.page().await;
    let now = lead(&page);
    assert!(
        now.contains("Neste avdrag (2 av 6)")
            && now.contains(&kr(minus(second.amount, 50_000)))
            && now.contains(kid(second)),
        "the overpayment went to instalment 2: {now}"
    );
    assert!(item(&page, 1).contains("instalment-paid"), "{page}");
    assert!(
        item(&page, 2).contains(&format!("{} betalt", kr(part))),
        "{page}"
    );
}

async fn an_unpaid_instalment_past_its_due_date_is_late_then_missed(backend: Backend) {
    let (d, clock, plan) = debtor_with_plan(backend).await;
    let first = &plan.instalments[0];
    let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("noon");

    clock.set(
        (first.due_date + Duration::days(2))
            .and_time(noon)
            .and_utc(),
    );
    let (cookie, _) = d.app.open_case(&d.case_id).await;
    let page = d.app.page_html("/case", &cookie).await;
    let due = d.app.ctx.texts.date(Locale::Nb, first.due_date);
    assert!(
        lead(&page).contains(&format!("Dette avdraget forfalt {due}")),
        "two days after its due date instalment 1 is late: {page}"
    );
    assert!(
        item(&page, 1).contains("instalment-late") && item(&page, 1).contains("Forsinket"),
        "{page}"
    );
    assert!(item(&page, 2).contains("Ikke forfalt ennå"), "{page}");

    clock.set(
        (first.due_date + Duration::days(10))
            .and_time(noon)
            .and_utc(),
    );
    let (cookie, _) = d.app.open_case(&d.case_id).await;
    let page = d.app.page_html("/case", &cookie).await;
    assert!(
        lead(&page).contains("er ikke betalt ennå"),
        "past the grace period it is missed, said kindly: {page}"
    );
    assert!(item(&page, 1).contains("instalment-missed"), "{page}");
}

async fn the_case_api_shows_the_balance_payments_and_each_instalments_state(backend: Backend) {
    let (d, clock, plan) = debtor_with_plan(backend).await;
    let first = &plan.instalments[0];
    pay(&d, "bank-1", first.amount).await;
    let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("noon");
    // Past the second instalment's grace period, unpaid.
    clock.set(
        (plan.instalments[1].due_date + Duration::days(10))
            .and_time(noon)
            .and_utc(),
    );
    let path = format!("/api/v1/cases/{}", d.case_id.as_str());
    let response = d.app.get_api(&path, KEY_A).await;
    assert_eq!(response.status().as_u16(), 200);
    let case: serde_json::Value = response.json().await.expect("json");
    let left = Money::from_minor(
        plan.total.minor_units() - first.amount.minor_units(),
        plan.total.currency(),
    );
    assert_eq!(case["balance"]["amount"], left.to_plain_string(), "{case}");
    assert_eq!(
        case["payments"][0]["reference"], "direct:agency-a:bank-1",
        "{case}"
    );
    assert_eq!(
        case["payments"][0]["amount"]["amount"],
        first.amount.to_plain_string()
    );
    let instalments = case["plan"]["instalments"].as_array().expect("instalments");
    let states: Vec<&str> = instalments
        .iter()
        .map(|i| i["state"].as_str().expect("state"))
        .collect();
    assert_eq!(
        states,
        [
            "paid", "missed", "upcoming", "upcoming", "upcoming", "upcoming"
        ]
    );
    assert_eq!(instalments[1]["kid"], kid(&plan.instalments[1]));
    assert_eq!(
        case["plan"]["paid"]["amount"],
        first.amount.to_plain_string()
    );
    assert_eq!(case["requests"], serde_json::json!([]));
    assert!(
        case.get("audit").is_none(),
        "the audit trail only when asked: {case}"
    );

    let response = d
        .app
        .get_api(&format!("{path}?include=audit,replies,messages"), KEY_A)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let case: serde_json::Value = response.json().await.expect("json");
    let actions: Vec<&str> = case["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .map(|a| a["action"].as_str().expect("action"))
        .collect();
    assert!(
        actions.contains(&"plan.granted") && actions.contains(&"payment.received"),
        "{actions:?}"
    );
    assert_eq!(case["replies"], serde_json::json!([]));
    let templates: Vec<&str> = case["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["template"].as_str().expect("template"))
        .collect();
    assert!(templates.contains(&"plan_receipt"), "{templates:?}");

    let response = d
        .app
        .get_api(&format!("{path}?include=secrets"), KEY_A)
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let error: serde_json::Value = response.json().await.expect("json");
    assert_eq!(error["field"], "include", "{error}");
}

on_both_stores!(
    a_paid_instalment_is_marked_paid_and_the_page_leads_with_the_next,
    a_partial_payment_shows_on_the_instalment_it_went_to,
    an_unpaid_instalment_past_its_due_date_is_late_then_missed,
    the_case_api_shows_the_balance_payments_and_each_instalments_state,
);
