//! The console's overview through the real app: payments, a paid case, cases taken in and a
//! failed message show in the agency's figures and charts, another agency's do not, a creditor
//! user sees its creditor across agencies, and the charts say their figures in words.

use innfri::clock::SettableClock;
use innfri::domain::ids::{AgencyId, CreditorId};
use innfri::domain::staff::{Role, StaffScope};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Backend, KEY_A, KEY_B, TestApp, case_body, oslo_working_day_at, twilio_fake};
use crate::mandate_versions::{log_in, page, user};

async fn case_of(app: &TestApp, key: &str, external_ref: &str, principal: &str) -> String {
    let response = app
        .post_json(
            "/api/v1/cases",
            Some(key),
            &case_body(external_ref, principal),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let case: Value = response.json().await.expect("json");
    case["id"].as_str().expect("id").to_owned()
}

async fn pay(app: &TestApp, key: &str, case: &str, reference: &str, amount: &str) {
    let response = app
        .post_json(
            &format!("/api/v1/cases/{case}/payments"),
            Some(key),
            &json!({ "reference": reference, "amount": amount }).to_string(),
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        201,
        "{:?}",
        response.text().await
    );
}

/// The total a chart states ("Last 30 days: <strong>…</strong>") under its heading.
fn total(html: &str, title: &str) -> String {
    let at = html
        .find(&format!(">{title}</h2>"))
        .unwrap_or_else(|| panic!("no chart {title}: {html}"));
    let rest = &html[at..];
    let start = rest.find("<strong>").expect("total") + "<strong>".len();
    let end = rest[start..].find("</strong>").expect("end");
    rest[start..start + end].to_owned()
}

/// The figure beside a label of the overview's list.
fn figure(html: &str, label: &str) -> String {
    let at = html
        .find(&format!("<dt>{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("no figure {label}: {html}"));
    let rest = &html[at + label.len() + "<dt></dt><dd>".len()..];
    let end = rest.find("</dd>").expect("end");
    let value = &rest[..end];
    // A figure may be a link (the review queue).
    match value.find('>') {
        Some(gt) if value.starts_with("<a") => value[gt + 1..].trim_end_matches("</a>").to_owned(),
        _ => value.to_owned(),
    }
}

async fn overview_as(app: &TestApp, email: &str, scope: StaffScope) -> String {
    let login = user(app, email, scope).await;
    let session = log_in(app, &login).await;
    let (status, html) = page(app, "/console/overview", &session).await;
    assert_eq!(status, 200, "{html}");
    html
}

async fn the_overview_counts_what_happened_for_whoever_may_see_it(backend: Backend) {
    // Every SMS fails for good: a number Twilio calls invalid.
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(twilio_fake::messages_path()))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}),
        ))
        .mount(&twilio)
        .await;
    let clock = SettableClock::at(oslo_working_day_at(12));
    let app = TestApp::builder()
        .store(backend)
        .uncapped()
        .clock(clock)
        .with_twilio(&twilio)
        .start()
        .await;
    let paid = case_of(&app, KEY_A, "O-1", "1200.00").await;
    let open = case_of(&app, KEY_A, "O-2", "800.00").await;
    let other = case_of(&app, KEY_B, "O-3", "900.00").await;
    // The whole claim: 1 200 + 14,50 interest + 35 fee.
    pay(&app, KEY_A, &paid, "bank-o1", "1249.50").await;
    pay(&app, KEY_A, &open, "bank-o2", "300.00").await;
    pay(&app, KEY_B, &other, "bank-o3", "500.00").await;
    app.schedule(
        KEY_A,
        &innfri::domain::ids::CaseId::parse(&open).expect("id"),
        "sms",
    )
    .await;
    // The reminder and three payment receipts (one of them agency B's).
    assert_eq!(app.run_worker_at(oslo_working_day_at(12)).await, 4);

    let agency_a = AgencyId::parse("agency-a").expect("id");
    let html = overview_as(
        &app,
        "viewer@a.example",
        StaffScope::Agency {
            agency: agency_a,
            role: Role::Viewer,
        },
    )
    .await;
    assert!(
        html.contains("href=\"/console/overview\""),
        "in the navigation"
    );
    assert_eq!(figure(&html, "Open cases"), "1");
    assert_eq!(figure(&html, "Paid in full, last 7 days"), "1");
    assert_eq!(total(&html, "Collected (NOK)"), "NOK 1,549.50", "{html}");
    assert_eq!(total(&html, "Cases taken in"), "2");
    assert_eq!(total(&html, "Cases paid in full"), "1");
    // The reminder and the two payment receipts, all to the number Twilio refuses.
    assert_eq!(total(&html, "Messages that failed"), "3");
    assert!(html.contains("role=\"img\"") && html.contains("<rect"));
    assert!(
        html.contains("Collected (NOK): NOK 1,549.50 in the last 30 days"),
        "the chart says its figures in words: {html}"
    );

    let html = overview_as(
        &app,
        "handler@b.example",
        StaffScope::Agency {
            agency: AgencyId::parse("agency-b").expect("id"),
            role: Role::Handler,
        },
    )
    .await;
    assert_eq!(
        total(&html, "Collected (NOK)"),
        "NOK 500.00",
        "only its own"
    );
    assert_eq!(total(&html, "Cases taken in"), "1");
    assert_eq!(
        total(&html, "Messages that failed"),
        "1",
        "its receipt only"
    );
    assert_eq!(figure(&html, "Open cases"), "1");

    let html = overview_as(
        &app,
        "creditor@nordlys.example",
        StaffScope::Creditor {
            creditor: CreditorId::parse("nordlys-energi").expect("id"),
        },
    )
    .await;
    assert_eq!(
        total(&html, "Collected (NOK)"),
        "NOK 2,049.50",
        "across its agencies"
    );
    assert_eq!(total(&html, "Cases taken in"), "3");
    assert_eq!(figure(&html, "Open cases"), "2");

    let (status, _) = page(&app, "/console/overview", "not-a-session").await;
    assert_eq!(status, 303, "no figures without a login: to the login page");
}

/// A request waiting for review counts until its case is paid: then it waits for nobody.
async fn a_paid_case_leaves_the_review_count(backend: Backend) {
    let d = crate::common::debtor(backend, "1200.00").await;
    let asked = d.case().await.due_date + chrono::Duration::days(21);
    let (status, _) = d
        .post("/case/more-time", &[("date", &asked.to_string())])
        .await;
    assert_eq!(status, 200);
    let viewer = StaffScope::Agency {
        agency: AgencyId::parse("agency-a").expect("id"),
        role: Role::Viewer,
    };
    let html = overview_as(&d.app, "viewer@a.example", viewer.clone()).await;
    assert_eq!(figure(&html, "Waiting for review"), "1");
    let case = d.case().await;
    let owed = case.balance_without_interest();
    innfri::service::payments::register_direct(
        &d.app.ctx,
        &case.agency_id,
        &d.case_id,
        "bank-review",
        owed,
        None,
        chrono::Utc::now(),
    )
    .await
    .expect("payment");
    assert_eq!(
        d.case().await.status,
        innfri::domain::case::CaseStatus::Paid
    );
    let session = log_in(&d.app, &user(&d.app, "viewer2@a.example", viewer).await).await;
    let (_, html) = page(&d.app, "/console/overview", &session).await;
    assert_eq!(figure(&html, "Waiting for review"), "0", "{html}");
    assert_eq!(figure(&html, "Open cases"), "0");
}

on_both_stores!(
    the_overview_counts_what_happened_for_whoever_may_see_it,
    a_paid_case_leaves_the_review_count,
);
