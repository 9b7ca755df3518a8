//! A creditor's journey through the agency API on both stores: read as configured, replaced
//! with one that passes what `check-config` checks (and the engine plans cases by it from
//! then on), refused whole with the step and rule named, and hidden from other agencies.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use innfri::clock::SettableClock;
use innfri::config::api_key_hash;
use innfri::domain::ids::{CaseId, CreditorId};
use innfri::domain::message::{MessageStatus, Template};
use serde_json::{Value, json};

use crate::common::{Backend, KEY_A, TestApp};

const PATH: &str = "/api/v1/creditors/nordlys-energi/journey";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Noon in Oslo on a day (inside the contact hours on a weekday).
fn oslo_noon(date: NaiveDate) -> DateTime<Utc> {
    chrono_tz::Europe::Oslo
        .from_local_datetime(&date.and_hms_opt(12, 0, 0).expect("time"))
        .earliest()
        .expect("local")
        .with_timezone(&Utc)
}

/// The app with the example creditor's journey, its clock on Monday 2 March 2026.
async fn journey_app(backend: Backend) -> (TestApp, SettableClock) {
    journey_app_sending_by(backend, None).await
}

/// As [`journey_app`], sending SMS through Twilio at `twilio` when given.
async fn journey_app_sending_by(
    backend: Backend,
    twilio: Option<&wiremock::MockServer>,
) -> (TestApp, SettableClock) {
    let clock = SettableClock::at(oslo_noon(day(2026, 3, 2)));
    let builder = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .with_journey()
        .uncapped();
    let app = match twilio {
        Some(server) => builder.with_twilio(server),
        None => builder,
    }
    .start()
    .await;
    (app, clock)
}

async fn put(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.http
        .put(app.url(PATH))
        .bearer_auth(key)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request")
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body:#}");
    body
}

async fn current(app: &TestApp) -> Value {
    json_of(app.get_api(PATH, KEY_A).await, 200).await
}

fn creditor() -> CreditorId {
    CreditorId::parse("nordlys-energi").expect("id")
}

async fn create_case(app: &TestApp, external_ref: &str) -> CaseId {
    let body = json!({
        "external_ref": external_ref,
        "creditor_id": "nordlys-energi",
        "debtor": {"name": "Ola Nordmann", "phone": "912 34 567", "email": "ola@example.no", "locale": "nb"},
        "claim": [{"kind": "principal", "description": "Faktura 1001", "amount": "1200.00"}],
        "due_date": "2026-03-02"
    });
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
        .await;
    let case = json_of(response, 201).await;
    CaseId::parse(case["id"].as_str().expect("id")).expect("id")
}

/// The case's queued journey messages, as (step id, text, not before).
async fn queued(app: &TestApp, id: &CaseId) -> Vec<(String, DateTime<Utc>)> {
    let mut out: Vec<_> = app
        .ctx
        .store
        .case_messages(id)
        .await
        .expect("messages")
        .into_iter()
        .filter(|m| m.template == Template::JourneyStep && m.status == MessageStatus::Scheduled)
        .map(|m| {
            (
                m.journey.map(|j| j.step_id).unwrap_or_default(),
                m.not_before,
            )
        })
        .collect();
    out.sort();
    out
}

async fn the_configured_journey_is_read_with_every_step_setting(backend: Backend) {
    let (app, _clock) = journey_app(backend).await;
    let journey = current(&app).await;
    let configured =
        serde_json::to_value(&app.ctx.config.creditors[&creditor()].journey).expect("json");
    assert_eq!(journey, configured);
    // As in config/mandates/nordlys-energi.toml.
    let steps = journey["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 4, "{journey:#}");
    assert_eq!(steps[0]["id"], "nudge");
    assert_eq!(steps[0]["kind"], "nudge");
    assert_eq!(steps[0]["when"], json!({"after_due_date": 3}));
    assert_eq!(steps[0]["channels"], "sms");
    assert_eq!(
        steps[0]["texts"],
        json!([{"text": "journey-nudge", "weight": 1}])
    );
    assert_eq!(steps[1]["fee"], true);
    assert_eq!(steps[1]["deadline_days"], 14);
    assert_eq!(steps[2]["when"], json!({"after_previous_deadline": 1}));
}

async fn a_valid_journey_replaces_the_old_one_and_the_engine_follows_it(backend: Backend) {
    let (app, _clock) = journey_app(backend).await;
    let mut journey = current(&app).await;
    // The nudge on day 8 (Tuesday 10 March) instead of day 3, in two wordings.
    journey["steps"][0]["when"] = json!({"after_due_date": 8});
    journey["steps"][0]["texts"] = json!([
        {"text": "journey-nudge", "weight": 3},
        {"text": "journey-final-notice", "weight": 1}
    ]);
    let saved = json_of(put(&app, KEY_A, &journey).await, 200).await;
    assert_eq!(saved, journey);
    assert_eq!(current(&app).await, journey);
    let stored = app.ctx.store.journey(&creditor()).await.expect("store");
    assert_eq!(
        serde_json::to_value(stored).expect("json"),
        journey,
        "kept in the store"
    );
    // A new case is planned by the new journey: its nudge is day 8 at the opening hour.
    let id = create_case(&app, "JA-1").await;
    let nudge_at = Utc
        .with_ymd_and_hms(2026, 3, 10, 7, 0, 0)
        .single()
        .expect("t");
    assert_eq!(
        queued(&app, &id).await,
        vec![("nudge".to_owned(), nudge_at)]
    );
    let case = app.stored_case(&id).await;
    let sent_text = app
        .ctx
        .store
        .case_messages(&id)
        .await
        .expect("messages")
        .into_iter()
        .find_map(|m| m.journey.map(|j| j.variant));
    assert!(
        sent_text.is_some_and(|t| t == "journey-nudge" || t == "journey-final-notice"),
        "{case:?}"
    );
}

async fn a_journey_breaking_a_rule_is_refused_naming_step_and_rule_and_changes_nothing(
    backend: Backend,
) {
    let (app, _clock) = journey_app(backend).await;
    let before = current(&app).await;
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "a purring with its fee ten days after the due date",
            {
                let mut j = before.clone();
                j["steps"][1]["when"] = json!({"after_due_date": 10});
                j
            },
            "steps[1].fee",
            "(fee_too_early)",
        ),
        (
            "a varsel giving 7 days",
            {
                let mut j = before.clone();
                j["steps"][2]["deadline_days"] = json!(7);
                j
            },
            "steps[2].deadline_days",
            "(deadline_too_short)",
        ),
        (
            "a text that does not exist",
            {
                let mut j = before.clone();
                j["steps"][0]["texts"] = json!([{"text": "journey-no-such-text", "weight": 1}]);
                j
            },
            "steps[0].texts",
            "(text_missing)",
        ),
        (
            "a fee on a nudge",
            {
                let mut j = before.clone();
                j["steps"][0]["fee"] = json!(true);
                j
            },
            "steps[0].fee",
            "(fee_on_non_notice)",
        ),
    ];
    for (what, body, field, rule) in cases {
        let answer = json_of(put(&app, KEY_A, &body).await, 422).await;
        assert_eq!(answer["error"], "invalid_field", "{what}: {answer:#}");
        let issues = answer["issues"].as_array().expect("issues");
        assert!(
            issues
                .iter()
                .any(|i| i["field"] == field
                    && i["message"].as_str().is_some_and(|m| m.contains(rule))),
            "{what}: {answer:#}"
        );
        assert_eq!(current(&app).await, before, "{what}: nothing changed");
    }
    // Not a journey at all: 400 naming the field.
    let mut wrong = before.clone();
    wrong["steps"][0]["kind"] = json!("letter");
    let answer = json_of(put(&app, KEY_A, &wrong).await, 400).await;
    assert_eq!(answer["error"], "invalid_json");
    assert_eq!(answer["field"], "steps[0].kind", "{answer:#}");
    assert_eq!(
        app.ctx.store.journey(&creditor()).await.expect("store"),
        None
    );
}

async fn an_agency_not_acting_for_the_creditor_gets_not_found(backend: Backend) {
    const KEY_C: &str = "ik_test_agency_c_key_2222222222";
    let agencies = json!([
        {"id": "agency-a", "name": "A Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_A))], "creditors": ["nordlys-energi"]},
        {"id": "agency-c", "name": "C Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_C))], "creditors": []}
    ]);
    let app = TestApp::builder()
        .store(backend)
        .with_journey()
        .agencies(agencies)
        .start()
        .await;
    let before = current(&app).await;
    let mut changed = before.clone();
    changed["steps"][0]["when"] = json!({"after_due_date": 8});
    let mut answers = Vec::new();
    for (path, key) in [
        (PATH, KEY_C),
        ("/api/v1/creditors/ukjent/journey", KEY_A),
        ("/api/v1/creditors/Not%20An%20Id!/journey", KEY_A),
    ] {
        answers.push(json_of(app.get_api(path, key).await, 404).await);
        let response = app
            .http
            .put(app.url(path))
            .bearer_auth(key)
            .header("Content-Type", "application/json")
            .body(changed.to_string())
            .send()
            .await
            .expect("request");
        answers.push(json_of(response, 404).await);
    }
    assert_eq!(answers[0]["error"], "creditor_not_found");
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "the answers never tell whether the creditor exists: {answers:?}"
    );
    assert_eq!(current(&app).await, before);
    assert_eq!(
        app.ctx.store.journey(&creditor()).await.expect("store"),
        None
    );
}

/// Two wordings of the nudge, sent by the real engine under the test's clock through Twilio;
/// the numbers are what the test did: who got which text, whose SMS was reported delivered,
/// who opened the link, who paid when and how much. A repeated receipt or a second look at
/// the page counts once.
async fn the_stats_count_each_variant_s_sends_and_payments(backend: Backend) {
    let (twilio, ledger) = crate::common::twilio_fake::start(std::time::Duration::ZERO).await;
    let (app, clock) = journey_app_sending_by(backend, Some(&twilio)).await;
    let mut journey = current(&app).await;
    journey["steps"][0]["texts"] = json!([
        {"text": "journey-nudge", "weight": 1},
        {"text": "journey-final-notice", "weight": 1}
    ]);
    json_of(put(&app, KEY_A, &journey).await, 200).await;
    let mut ids = Vec::new();
    for n in 0..8 {
        ids.push(create_case(&app, &format!("AB-{n}")).await);
    }
    // The nudges go out on Thursday 5 March.
    clock.set(oslo_noon(day(2026, 3, 5)));
    assert_eq!(app.run_worker_at(oslo_noon(day(2026, 3, 5))).await, 8);
    // Twilio reports the nudges of cases 0 to 2 delivered (case 0's twice), and the debtors
    // of cases 0 and 1 open their links the next day (case 0's twice).
    let sent = ledger.sent();
    assert_eq!(sent.len(), 8);
    for n in [0usize, 0, 1, 2] {
        let case = app.stored_case(&ids[n]).await;
        let message = case.journey.sent[0].message_id.clone().expect("message");
        let sms = sent
            .iter()
            .find(|s| s.our_id().as_deref() == Some(message.as_str()))
            .expect("sent by twilio");
        let callback = sms.status_callback.as_deref().expect("callback");
        let path = callback
            .split_once("/callbacks/")
            .map(|(_, p)| format!("/callbacks/{p}"))
            .expect("path");
        let params = [
            ("MessageSid", sms.sid.as_str()),
            ("MessageStatus", "delivered"),
            ("AccountSid", crate::common::twilio_fake::SID),
            ("To", sms.to.as_str()),
        ];
        assert_eq!(
            crate::common::twilio_fake::callback(&app, &path, &params).await,
            204
        );
    }
    // The same report again (as a second channel's receipt would be) counts nothing more.
    let first = app.stored_case(&ids[0]).await.journey.sent[0]
        .message_id
        .clone()
        .expect("message");
    innfri::service::journey_stats::delivered(&app.ctx, &app.stored_message(&first).await).await;
    clock.set(oslo_noon(day(2026, 3, 6)));
    for n in [0usize, 0, 1] {
        let link = app.ctx.issue_case_link(&ids[n]).await.expect("link");
        assert!(app.open_link(&link).await.is_some(), "the link opens");
    }
    // Cases 0 and 1 pay 7 days later (counts for both windows), case 2 pays 20 days later.
    let pays = [
        (0usize, "2026-03-12", "1200.00"),
        (1, "2026-03-12", "500.00"),
        (2, "2026-03-25", "1200.00"),
    ];
    for (n, on, amount) in pays {
        let body = json!({"reference": format!("P-{n}"), "amount": amount, "received_on": on});
        let response = app
            .post_json(
                &format!("/api/v1/cases/{}/payments", ids[n]),
                Some(KEY_A),
                &body.to_string(),
            )
            .await;
        assert!(
            response.status().is_success(),
            "{:?}",
            response.text().await
        );
    }
    // Per variant: sent, delivered, link opened, paid within 7 and 30 days, collected.
    let mut expected: std::collections::BTreeMap<String, (u64, u64, u64, u64, u64, i64)> =
        Default::default();
    for (n, id) in ids.iter().enumerate() {
        let case = app.stored_case(id).await;
        let variant = case.journey.sent[0].variant.clone().expect("variant");
        let e = expected.entry(variant).or_default();
        e.0 += 1;
        e.1 += u64::from(n < 3);
        e.2 += u64::from(n < 2);
        e.3 += u64::from(n < 2);
        e.4 += u64::from(n < 3);
        e.5 += match n {
            0 | 2 => 120_000,
            1 => 50_000,
            _ => 0,
        };
    }
    assert_eq!(expected.len(), 2, "both wordings went out: {expected:?}");
    let stats = json_of(app.get_api(&format!("{PATH}/stats"), KEY_A).await, 200).await;
    let rows = stats["variants"].as_array().expect("variants");
    assert_eq!(rows.len(), expected.len(), "{stats:#}");
    for row in rows {
        assert_eq!(row["step_id"], "nudge");
        let (sent, delivered, opened, in7, in30, collected) =
            expected[row["variant"].as_str().expect("variant")];
        assert_eq!(row["sent"], sent, "{stats:#}");
        assert_eq!(row["delivered"], delivered, "{stats:#}");
        assert_eq!(row["link_opened"], opened, "{stats:#}");
        assert_eq!(row["paid_within_7_days"]["count"], in7, "{stats:#}");
        assert_eq!(row["paid_within_30_days"]["count"], in30, "{stats:#}");
        assert_eq!(row["collected_minor"], collected, "{stats:#}");
        let (low, high) = (
            row["paid_within_30_days"]["low"].as_f64().expect("low"),
            row["paid_within_30_days"]["high"].as_f64().expect("high"),
        );
        assert!(0.0 <= low && low <= high && high <= 1.0, "{stats:#}");
    }
}

on_both_stores!(
    the_configured_journey_is_read_with_every_step_setting,
    a_valid_journey_replaces_the_old_one_and_the_engine_follows_it,
    a_journey_breaking_a_rule_is_refused_naming_step_and_rule_and_changes_nothing,
    an_agency_not_acting_for_the_creditor_gets_not_found,
    the_stats_count_each_variant_s_sends_and_payments,
);
