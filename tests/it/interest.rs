//! Late-payment interest innfri accrues (creditor setting `interest = "innfri"`), through the
//! real app on both stores: the case page shows what has accrued as of the creditor's today and
//! how much it grows per day, nothing is stored, and `/readyz` warns once the rate table has no
//! rate for the current half-year. What is owed counts the interest everywhere: paying the
//! shown amount (directly or by KID in a camt.054) settles the case, paying the amount without
//! interest leaves the interest owing, and a plan takes the interest accrued by its day.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use innfri::clock::SettableClock;

use crate::common::{Backend, Debtor, KEY_A, TestApp, debtor_due_on, example_mandate};
use innfri::domain::case::CaseStatus;

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

/// 1 200 kr due 2026-02-01 plus the agency's 14.50 interest line and 35 kr fee; on 2026-03-02
/// 29 days at 12 % have accrued: 1200 × 0.12 × 29 / 365 = 11.441… → 11.44, so 1 260.94 is owed.
async fn accruing_case(backend: Backend, clock: &SettableClock) -> Debtor {
    let app = accruing_app(backend, clock).await;
    let due = NaiveDate::from_ymd_opt(2026, 2, 1).expect("date");
    debtor_due_on(app, "1200.00", due).await
}

async fn api_view(d: &Debtor) -> serde_json::Value {
    d.app
        .get_api(&format!("/api/v1/cases/{}", d.case_id.as_str()), KEY_A)
        .await
        .json()
        .await
        .expect("json")
}

async fn pay_directly(d: &Debtor, reference: &str, amount: &str, on: &str) -> serde_json::Value {
    let response = d
        .app
        .post_json(
            &format!("/api/v1/cases/{}/payments", d.case_id.as_str()),
            Some(KEY_A),
            &serde_json::json!({"reference": reference, "amount": amount, "received_on": on})
                .to_string(),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    response.json().await.expect("json")
}

/// The page's text without the thousands separators (spaces, no-break spaces).
fn compact(page: &str) -> String {
    page.replace(['\u{a0}', '\u{202f}', ' '], "")
}

async fn paying_the_shown_amount_settles_the_case(backend: Backend) {
    let clock = SettableClock::at(oslo_noon(2026, 3, 2));
    let d = accruing_case(backend, &clock).await;
    assert!(
        compact(&d.page().await).contains("1260,94"),
        "the page shows it"
    );
    let view = api_view(&d).await;
    assert_eq!(view["balance"]["amount"], "1260.94", "{view}");
    let paid = pay_directly(&d, "bank-all", "1260.94", "2026-03-02").await;
    assert_eq!(paid["balance"]["amount"], "0.00", "{paid}");
    let case = d.case().await;
    assert_eq!(case.status, CaseStatus::Paid);
    // The day after, nothing more accrues on a principal that is paid.
    clock.set(oslo_noon(2026, 3, 3));
    assert_eq!(case_balance(&d).await, "0.00");
}

async fn paying_the_amount_without_interest_leaves_the_interest_owing(backend: Backend) {
    let clock = SettableClock::at(oslo_noon(2026, 3, 2));
    let d = accruing_case(backend, &clock).await;
    let paid = pay_directly(&d, "bank-claim", "1249.50", "2026-03-02").await;
    assert_eq!(paid["balance"]["amount"], "11.44", "{paid}");
    assert_eq!(d.case().await.status, CaseStatus::Open);
    assert!(compact(&d.page().await).contains("11,44"));
    // The payment covered the fee and the interest first, so the 11.44 left is principal and
    // earns interest: a week later 11.44 × 0.12 × 7 / 365 = 0.026… → 0.03 more.
    clock.set(oslo_noon(2026, 3, 9));
    assert_eq!(case_balance(&d).await, "11.47");
    pay_directly(&d, "bank-rest", "11.44", "2026-03-09").await;
    assert_eq!(d.case().await.status, CaseStatus::Open, "still 0.03 owed");
    assert_eq!(case_balance(&d).await, "0.03");
}

async fn case_balance(d: &Debtor) -> String {
    api_view(d).await["balance"]["amount"]
        .as_str()
        .expect("balance")
        .to_owned()
}

/// A camt.054 credit notification for the example creditor's account, booked on 2026-03-02.
fn camt(reference: &str, amount: &str, kid: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">\
         <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>T</MsgId></GrpHdr><Ntfctn><Acct><Id><Othr><Id>15031234562</Id></Othr></Id></Acct>\
         <Ntry><Amt Ccy=\"NOK\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt>\
         <NtryDtls><TxDtls><Refs><AcctSvcrRef>{reference}</AcctSvcrRef></Refs><Amt Ccy=\"NOK\">{amount}</Amt>\
         <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{kid}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>\
         </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    )
}

async fn import(d: &Debtor, file: String) -> serde_json::Value {
    let response = d
        .app
        .http
        .post(d.app.url("/api/v1/reconciliations"))
        .bearer_auth(KEY_A)
        .body(file)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

async fn a_kid_payment_in_a_bank_file_counts_the_interest_too(backend: Backend) {
    let clock = SettableClock::at(oslo_noon(2026, 3, 2));
    let d = accruing_case(backend, &clock).await;
    let other = accruing_case(backend, &clock).await;
    let kid = d.case().await.kid.as_str().to_owned();
    // The claim without interest: applied, but the interest stays owed and the case open.
    let report = import(&d, camt("PAY-1", "1249.50", &kid)).await;
    assert_eq!(report["applied"].as_u64(), Some(1), "{report}");
    assert_eq!(d.case().await.status, CaseStatus::Open);
    assert_eq!(case_balance(&d).await, "11.44");
    // Imported two days later, the file's booking day still counts: the rest settles it.
    clock.set(oslo_noon(2026, 3, 4));
    let report = import(&d, camt("PAY-2", "11.44", &kid)).await;
    assert_eq!(report["applied"].as_u64(), Some(1), "{report}");
    assert_eq!(d.case().await.status, CaseStatus::Paid);
    assert_eq!(case_balance(&d).await, "0.00");

    // Another case paid with the amount shown on 2026-03-02 in one transfer booked that day is
    // paid in full, also when the file comes two days later.
    let kid = other.case().await.kid.as_str().to_owned();
    let report = import(&other, camt("PAY-3", "1260.94", &kid)).await;
    assert_eq!(report["applied"].as_u64(), Some(1), "{report}");
    assert_eq!(other.case().await.status, CaseStatus::Paid);
}

async fn a_plan_made_today_includes_the_interest_accrued_so_far(backend: Backend) {
    let clock = SettableClock::at(oslo_noon(2026, 3, 2));
    let app = accruing_app(backend, &clock).await;
    let due = NaiveDate::from_ymd_opt(2026, 2, 1).expect("date");
    let d = debtor_due_on(app, "6000.00", due).await;
    // 6000 × 0.12 × 29 / 365 = 57.205… → 57.21 on top of 6 049.50.
    assert_eq!(case_balance(&d).await, "6106.71");
    let (status, html) = d.post("/case/plan/confirm", &[("months", "3")]).await;
    assert_eq!(status, 200, "{html}");
    let case = d.case().await;
    let plan = case.plan.as_ref().expect("plan granted");
    assert_eq!(plan.principal.to_plain_string(), "6106.71");
    assert_eq!(plan.total.to_plain_string(), "6106.71");
    // The interest became part of the plan: it is not counted again beside it.
    clock.set(oslo_noon(2026, 3, 20));
    assert_eq!(case_balance(&d).await, "6106.71");
    let view = api_view(&d).await;
    assert_eq!(view["plan"]["paid"]["amount"], "0.00", "{view}");
}

/// Every installation is warned, also one where no creditor has innfri accrue interest; a rate
/// the configuration adds for the half-year silences it and is the one interest runs at.
async fn configured_rates_extend_the_table_and_silence_the_warning(backend: Backend) {
    let clock = SettableClock::at(oslo_noon(2026, 12, 2));
    let plain = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .start()
        .await;
    let readyz = |app: &TestApp| {
        let (url, http) = (app.url("/readyz"), app.http.clone());
        async move {
            let response = http.get(url).send().await.expect("request");
            assert_eq!(response.status().as_u16(), 200);
            response.text().await.expect("text")
        }
    };
    let warned = readyz(&plain).await;
    assert!(
        warned.contains("warning: law NO: no late-payment interest rate is known for the half-year from 2026-07-01"),
        "{warned}"
    );
    let file = example_mandate().replace(
        "jurisdiction = \"NO\"",
        "jurisdiction = \"NO\"\ninterest = \"innfri\"",
    );
    let rates = serde_json::json!([{"from": "2026-07-01", "percent": "12.25"}]);
    let extended = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .creditors(&[("nordlys-energi.toml", &file)])
        .with("law.no.late_interest", rates)
        .start()
        .await;
    assert_eq!(readyz(&extended).await, "ready");
    // 1 200 kr due 2026-11-02, 30 days at the configured 12.25 %:
    // 1200 × 0.1225 × 30 / 365 = 12.082… → 12.08; one more day 0.40.
    let due = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let d = debtor_due_on(extended, "1200.00", due).await;
    let view = api_view(&d).await;
    assert_eq!(view["interest_accrued"]["amount"], "12.08", "{view}");
    assert_eq!(view["interest_per_day"]["amount"], "0.40", "{view}");
    assert_eq!(view["balance"]["amount"], "1261.58", "{view}");
}

/// A configured rate that is not on 1 January / 1 July, outside 0–30 %, or leaves a gap after
/// the built-in table is refused at load, naming the entry and field.
#[test]
fn check_config_refuses_bad_rates_and_warns_about_a_missing_half_year() {
    let dir = crate::config::config_dir_with(|c| c);
    let default = dir.join("default.toml");
    let shipped = std::fs::read_to_string(&default).expect("default.toml");
    let run = |extra: &str| {
        std::fs::write(&default, format!("{shipped}\n[law.no]\n{extra}\n")).expect("write");
        let output = crate::common::innfri_demo(&dir, "check-config")
            .output()
            .expect("run");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, _, errors) = run(
        r#"late_interest = [{ from = "2026-04-01", percent = "31" }, { from = "2027-07-01", percent = "12" }]"#,
    );
    assert_eq!(code, Some(2), "{errors}");
    for field in [
        "law.no.late_interest[0].from: must be 1 January or 1 July",
        "law.no.late_interest[0].percent: must be between 0 and 30",
        "law.no.late_interest[1].from: the half-year from 2026-07-01 is missing before it",
    ] {
        assert!(errors.contains(field), "{field}: {errors}");
    }
    // The machine's today is past the built-in table (it ends 2026-07-01): warned until the
    // operator adds every half-year up to the current one.
    let (code, out, errors) = run("late_interest = []");
    assert_eq!(code, Some(0), "{errors}");
    assert!(
        out.contains(
            "warning: law NO: no late-payment interest rate is known for the half-year from"
        ),
        "{out}"
    );
    let today = Utc::now().date_naive();
    let mut entries = Vec::new();
    let mut from = NaiveDate::from_ymd_opt(2026, 7, 1).expect("date");
    while from <= today {
        entries.push(format!("{{ from = \"{from}\", percent = \"12.00\" }}"));
        from = from + chrono::Months::new(6);
    }
    let (code, out, errors) = run(&format!("late_interest = [{}]", entries.join(", ")));
    assert_eq!(code, Some(0), "{errors}");
    assert!(!out.contains("late-payment interest"), "{out}");
    assert!(out.contains("configuration is valid"), "{out}");
}

/// Just after midnight in Oslo UTC is still on yesterday: a payment without a date is booked
/// on the creditor's day, the one the shown balance was counted on, so it settles exactly.
async fn a_payment_just_after_midnight_in_oslo_is_booked_on_the_creditors_day(backend: Backend) {
    let half_past_midnight = oslo_noon(2026, 3, 2) - chrono::Duration::minutes(11 * 60 + 30);
    assert_eq!(
        half_past_midnight.date_naive(),
        NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")
    );
    let clock = SettableClock::at(half_past_midnight);
    let d = accruing_case(backend, &clock).await;
    assert_eq!(api_view(&d).await["balance"]["amount"], "1260.94");
    let response = d
        .app
        .post_json(
            &format!("/api/v1/cases/{}/payments", d.case_id.as_str()),
            Some(KEY_A),
            &serde_json::json!({"reference": "bank-night", "amount": "1260.94"}).to_string(),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let paid: serde_json::Value = response.json().await.expect("json");
    assert_eq!(paid["balance"]["amount"], "0.00", "{paid}");
    assert_eq!(
        d.case().await.payments[0].received_on.to_string(),
        "2026-03-02"
    );
}

on_both_stores!(
    a_payment_just_after_midnight_in_oslo_is_booked_on_the_creditors_day,
    configured_rates_extend_the_table_and_silence_the_warning,
    the_case_page_shows_interest_accrued_to_today_and_per_day,
    readyz_warns_when_the_current_half_year_has_no_rate,
    paying_the_shown_amount_settles_the_case,
    paying_the_amount_without_interest_leaves_the_interest_owing,
    a_kid_payment_in_a_bank_file_counts_the_interest_too,
    a_plan_made_today_includes_the_interest_accrued_so_far,
);
