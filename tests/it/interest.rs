//! Late-payment interest innfri accrues (creditor setting `interest = "innfri"`), through the
//! real app on both stores: the case page shows what has accrued as of the creditor's today and
//! how much it grows per day, nothing is stored, and `/readyz` warns once the rate table has no
//! rate for the current half-year.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use innfri::clock::SettableClock;

use crate::common::{Backend, KEY_A, TestApp, debtor_due_on, example_mandate};

fn oslo_noon(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Oslo
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .expect("date")
                .and_hms_opt(12, 0, 0)
                .expect("time"),
        )
        .earliest()
        .expect("local")
        .with_timezone(&Utc)
}

async fn accruing_app(backend: Backend, clock: &SettableClock) -> TestApp {
    let file = example_mandate().replace(
        "jurisdiction = \"NO\"",
        "jurisdiction = \"NO\"\ninterest = \"innfri\"",
    );
    assert!(file.contains("interest = \"innfri\""));
    TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .creditors(&[("nordlys-energi.toml", &file)])
        .start()
        .await
}

async fn the_case_page_shows_interest_accrued_to_today_and_per_day(backend: Backend) {
    let clock = SettableClock::at(oslo_noon(2026, 3, 2));
    let app = accruing_app(backend, &clock).await;
    let due = NaiveDate::from_ymd_opt(2026, 2, 1).expect("date");
    let d = debtor_due_on(app, "1200.00", due).await;
    let page = d.page().await;
    // 29 days on 1 200 kr at 12 %: 1200 × 0.12 × 29 / 365 = 11.44; one more day 0.39.
    assert!(
        page.contains("Forsinkelsesrente påløpt til i dag")
            && page.contains("11,44")
            && page.contains("0,39"),
        "{page}"
    );
    let view: serde_json::Value = d
        .app
        .get_api(&format!("/api/v1/cases/{}", d.case_id.as_str()), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(view["interest_accrued"]["amount"], "11.44", "{view}");
    assert_eq!(view["interest_per_day"]["amount"], "0.39", "{view}");
    // Computed on read: the claim lines are as the agency sent them.
    assert_eq!(d.case().await.claim.len(), 3);
}

async fn readyz_warns_when_the_current_half_year_has_no_rate(backend: Backend) {
    let clock = SettableClock::at(oslo_noon(2026, 3, 2));
    let app = accruing_app(backend, &clock).await;
    let body = |app: &TestApp| {
        let url = app.url("/readyz");
        let http = app.http.clone();
        async move {
            let response = http.get(url).send().await.expect("request");
            assert_eq!(response.status().as_u16(), 200);
            response.text().await.expect("text")
        }
    };
    assert_eq!(body(&app).await, "ready");
    clock.set(oslo_noon(2026, 12, 2));
    let warned = body(&app).await;
    assert!(
        warned.contains("warning: creditor nordlys-energi: no late-payment interest rate is known for the half-year from 2026-07-01"),
        "{warned}"
    );
}

on_both_stores!(
    the_case_page_shows_interest_accrued_to_today_and_per_day,
    readyz_warns_when_the_current_half_year_has_no_rate,
);
