//! The journey engine through the real app on both stores: a case's next step is a queued
//! message at the step's day; sending it records the notice and adds its fee once; notices sent
//! before the hand-over count and the journey continues after them (and unlawful ones are
//! refused with the field named); payment stops the journey, a dispute pauses it and a declined
//! dispute resumes it where it stood.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use innfri::clock::SettableClock;
use innfri::domain::ids::CaseId;
use innfri::domain::journey::StepKind;
use innfri::domain::message::{MessageStatus, Template};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};

use crate::common::{Backend, KEY_A, TestApp};

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

/// The app with the example creditor's journey (nudge d3, purring d14 with fee, inkassovarsel
/// and betalingsoppfordring after the deadlines), its clock on Monday 2 March 2026.
async fn journey_app(backend: Backend) -> (TestApp, SettableClock) {
    let clock = SettableClock::at(oslo_noon(day(2026, 3, 2)));
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .with_journey()
        .uncapped()
        .start()
        .await;
    (app, clock)
}

fn body(external_ref: &str, notices: Option<Value>) -> String {
    let mut case = json!({
        "external_ref": external_ref,
        "creditor_id": "nordlys-energi",
        "debtor": {"name": "Ola Nordmann", "phone": "912 34 567", "email": "ola@example.no", "locale": "nb"},
        "claim": [{"kind": "principal", "description": "Faktura 1001", "amount": "1200.00"}],
        "due_date": "2026-03-02"
    });
    if let Some(notices) = notices {
        case["notices_sent"] = notices;
    }
    case.to_string()
}

async fn create(app: &TestApp, external_ref: &str, notices: Option<Value>) -> CaseId {
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &body(external_ref, notices))
        .await;
    assert_eq!(
        response.status().as_u16(),
        201,
        "{:?}",
        response.text().await
    );
    let case: Value = response.json().await.expect("json");
    CaseId::parse(case["id"].as_str().expect("id")).expect("id")
}

/// The case's queued journey messages, as (step id, channel, not before).
async fn queued(app: &TestApp, id: &CaseId) -> Vec<(String, String, DateTime<Utc>)> {
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
                format!("{:?}", m.recipient.channel()),
                m.not_before,
            )
        })
        .collect();
    out.sort();
    out
}

async fn event_types(app: &TestApp) -> Vec<String> {
    let all: Value = app
        .get_api("/api/v1/events?limit=100", KEY_A)
        .await
        .json()
        .await
        .expect("json");
    all["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn a_case_follows_its_journey_and_each_fee_is_added_once_when_sent(backend: Backend) {
    let (app, clock) = journey_app(backend).await;
    let id = create(&app, "J-1", None).await;
    let taken = app.stored_case(&id).await;
    assert!(
        taken.journey.queued.is_some(),
        "the first step is on the case"
    );
    assert_eq!(
        taken.version, 0,
        "intake writes a new case once, its first step planned before the insert"
    );
    // The nudge, by SMS, at the opening of the contact hours three days after the due date.
    let nudge_at = Utc
        .with_ymd_and_hms(2026, 3, 5, 7, 0, 0)
        .single()
        .expect("t");
    assert_eq!(
        queued(&app, &id).await,
        vec![("nudge".to_owned(), "Sms".to_owned(), nudge_at)]
    );
    // Not before its time.
    assert_eq!(
        app.run_worker_at(nudge_at - chrono::Duration::hours(1))
            .await,
        0
    );
    clock.set(oslo_noon(day(2026, 3, 5)));
    assert_eq!(app.run_worker_at(oslo_noon(day(2026, 3, 5))).await, 1);
    let case = app.stored_case(&id).await;
    assert_eq!(case.journey.sent.len(), 1);
    assert_eq!(case.journey.sent[0].fee, None);
    let before = case.amount_due().minor_units();
    // The purring on day 14, by both channels; its fee (1/20 of 750) is added once.
    let purring_at = Utc
        .with_ymd_and_hms(2026, 3, 16, 7, 0, 0)
        .single()
        .expect("t");
    let q = queued(&app, &id).await;
    assert_eq!(q.len(), 2, "{q:?}");
    assert!(
        q.iter()
            .all(|(step, _, at)| step == "purring" && *at == purring_at),
        "{q:?}"
    );
    clock.set(oslo_noon(day(2026, 3, 16)));
    assert_eq!(app.run_worker_at(oslo_noon(day(2026, 3, 16))).await, 2);
    let case = app.stored_case(&id).await;
    assert_eq!(case.amount_due().minor_units() - before, 3750);
    let purring = &case.journey.sent[1];
    assert_eq!(purring.kind, StepKind::Purring);
    assert_eq!(purring.deadline, Some(day(2026, 3, 30)));
    assert_eq!(purring.fee.map(|f| f.minor_units()), Some(3750));
    assert_eq!(case.journey.fees().count(), 1);
    assert!(case.audit.iter().any(|a| a.action == "fee.added"));
    // The varsel the day after the purring's deadline.
    let q = queued(&app, &id).await;
    assert!(
        q.iter().all(|(step, _, at)| step == "inkassovarsel"
            && *at
                == Utc
                    .with_ymd_and_hms(2026, 3, 31, 6, 0, 0)
                    .single()
                    .expect("t")),
        "{q:?}"
    );
    let types = event_types(&app).await;
    assert_eq!(
        types.iter().filter(|t| *t == "journey.step_sent").count(),
        2,
        "{types:?}"
    );
    assert_eq!(
        types.iter().filter(|t| *t == "fee.added").count(),
        1,
        "{types:?}"
    );
}

async fn notices_sent_before_the_hand_over_count_and_the_journey_goes_on_after_them(
    backend: Backend,
) {
    let (app, clock) = journey_app(backend).await;
    clock.set(oslo_noon(day(2026, 3, 20)));
    let notices = json!([{"kind": "purring", "sent_on": "2026-03-16", "deadline": "2026-03-30", "fee": "37.50"}]);
    let id = create(&app, "J-2", Some(notices)).await;
    let case = app.stored_case(&id).await;
    assert_eq!(
        case.journey.next_step, 2,
        "continues after the journey's purring"
    );
    assert_eq!(case.journey.fees().count(), 1);
    let q = queued(&app, &id).await;
    assert!(
        !q.is_empty() && q.iter().all(|(step, _, _)| step == "inkassovarsel"),
        "{q:?}"
    );
    // Sent again unchanged: nothing moves.
    let again = app
        .post_json("/api/v1/cases", Some(KEY_A), &body("J-2", Some(json!([{"kind": "purring", "sent_on": "2026-03-16", "deadline": "2026-03-30", "fee": "37.50"}]))))
        .await;
    assert!(again.status().is_success());
    assert_eq!(queued(&app, &id).await, q);
}

async fn notices_that_break_the_law_are_refused_with_the_field_named(backend: Backend) {
    let (app, clock) = journey_app(backend).await;
    clock.set(oslo_noon(day(2026, 6, 1)));
    let cases = [
        // A fee ten days after the due date.
        (
            json!([{"kind": "purring", "sent_on": "2026-03-12", "deadline": "2026-03-26", "fee": "37.50"}]),
            "notices_sent[0].fee",
        ),
        // Above the cap of its day.
        (
            json!([{"kind": "purring", "sent_on": "2026-03-20", "deadline": "2026-04-03", "fee": "70"}]),
            "notices_sent[0].fee",
        ),
        // Three purringer with fees: beyond § 1-3.
        (
            json!([
                {"kind": "purring", "sent_on": "2026-03-16", "deadline": "2026-03-30", "fee": "37.50"},
                {"kind": "purring", "sent_on": "2026-04-01", "deadline": "2026-04-15", "fee": "37.50"},
                {"kind": "purring", "sent_on": "2026-04-20", "deadline": "2026-05-04", "fee": "37.50"}
            ]),
            "notices_sent[2].fee",
        ),
        // A deadline of a week.
        (
            json!([{"kind": "inkassovarsel", "sent_on": "2026-03-20", "deadline": "2026-03-27"}]),
            "notices_sent[0].deadline",
        ),
        (
            json!([{"kind": "purring", "sent_on": "20.03.2026"}]),
            "notices_sent[0].sent_on",
        ),
    ];
    for (i, (notices, field)) in cases.into_iter().enumerate() {
        let response = app
            .post_json(
                "/api/v1/cases",
                Some(KEY_A),
                &body(&format!("J-bad-{i}"), Some(notices)),
            )
            .await;
        assert_eq!(response.status().as_u16(), 422);
        let error: Value = response.json().await.expect("json");
        assert_eq!(error["field"], field, "{error}");
        // Nothing was taken.
        assert!(
            app.ctx
                .store
                .case_by_ref(
                    &innfri::domain::ids::AgencyId::parse("agency-a").expect("id"),
                    &innfri::domain::ids::ExternalRef::parse(&format!("J-bad-{i}")).expect("ref")
                )
                .await
                .expect("store")
                .is_none()
        );
    }
}

async fn payment_stops_the_journey_and_a_dispute_pauses_it_until_declined(backend: Backend) {
    let (app, clock) = journey_app(backend).await;
    let paid = create(&app, "J-paid", None).await;
    let disputed = create(&app, "J-dispute", None).await;
    let response = app
        .post_json(
            &format!("/api/v1/cases/{paid}/payments"),
            Some(KEY_A),
            r#"{"reference": "r1", "amount": "1200.00"}"#,
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(
        queued(&app, &paid).await,
        vec![],
        "paid: the queued step is cancelled"
    );
    assert_eq!(app.stored_case(&paid).await.journey.queued, None);

    let case = app.stored_case(&disputed).await;
    let now = innfri::clock::Clock::now(&clock);
    innfri::service::self_service::open_dispute(
        &app.ctx,
        &case,
        innfri::domain::self_service::Dispute {
            text: "Jeg har ikke fått denne regningen".into(),
            paid_on: None,
            paid_amount: None,
            paid_reference: None,
        },
        now,
    )
    .await
    .expect("dispute");
    assert_eq!(
        queued(&app, &disputed).await,
        vec![],
        "disputed: nothing waits to go"
    );
    // Nothing goes while disputed, whenever the worker runs.
    clock.set(oslo_noon(day(2026, 3, 5)));
    app.run_worker_at(oslo_noon(day(2026, 3, 5))).await;
    assert!(app.stored_case(&disputed).await.journey.sent.is_empty());
    // The agency declines: the journey goes on where it stood (the nudge, now).
    let case = app.stored_case(&disputed).await;
    let request = case.pending[0].id.clone();
    innfri::service::reviews::decline(
        &app.ctx,
        case,
        &request,
        "Regningen er riktig.",
        oslo_noon(day(2026, 3, 5)),
    )
    .await
    .expect("decline");
    let q = queued(&app, &disputed).await;
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].0, "nudge");
    app.run_worker_at(oslo_noon(day(2026, 3, 5))).await;
    assert_eq!(app.stored_case(&disputed).await.journey.sent.len(), 1);
}

async fn a_deferral_moves_the_journey_and_a_plan_pauses_it(backend: Backend) {
    let (app, clock) = journey_app(backend).await;
    let id = create(&app, "J-defer", None).await;
    let creditor = app
        .ctx
        .creditor(&innfri::domain::ids::CreditorId::parse("nordlys-energi").expect("id"))
        .await
        .expect("store")
        .expect("creditor");
    let now = innfri::clock::Clock::now(&clock);
    let case = app.stored_case(&id).await;
    let decided = innfri::service::self_service::decide(
        &app.ctx,
        &case,
        &creditor,
        innfri::domain::self_service::DebtorRequest::Deferral {
            new_due_date: day(2026, 3, 12),
        },
        now,
    )
    .await
    .expect("decide");
    assert!(decided.saved.is_some(), "{:?}", decided.decision);
    // Three days after the new due date is a Sunday: Monday at 08:00 in Oslo.
    assert_eq!(
        queued(&app, &id).await,
        vec![(
            "nudge".to_owned(),
            "Sms".to_owned(),
            Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0)
                .single()
                .expect("t")
        )]
    );
    // An agreed plan takes over: nothing of the journey waits any more.
    let case = app.stored_case(&id).await;
    let decided = innfri::service::self_service::decide(
        &app.ctx,
        &case,
        &creditor,
        innfri::domain::self_service::DebtorRequest::Plan(innfri::domain::plan::PlanShape::Months(
            3,
        )),
        now,
    )
    .await
    .expect("decide");
    assert!(decided.saved.is_some(), "{:?}", decided.decision);
    assert_eq!(queued(&app, &id).await, vec![]);
    assert_eq!(app.stored_case(&id).await.journey.queued, None);
}

async fn a_step_reported_sent_again_changes_nothing(backend: Backend) {
    let (app, clock) = journey_app(backend).await;
    let id = create(&app, "J-again", None).await;
    clock.set(oslo_noon(day(2026, 3, 5)));
    assert_eq!(app.run_worker_at(oslo_noon(day(2026, 3, 5))).await, 1);
    let sent = app
        .ctx
        .store
        .case_messages(&id)
        .await
        .expect("messages")
        .into_iter()
        .find(|m| m.status == MessageStatus::Sent)
        .expect("the nudge");
    let before = app.stored_case(&id).await;
    // A worker that stopped after recording the step reports it again (recovery).
    innfri::service::journey::step_sent(&app.ctx, &sent, oslo_noon(day(2026, 3, 6)))
        .await
        .expect("report");
    let after = app.stored_case(&id).await;
    assert_eq!(after.journey, before.journey);
    assert_eq!(after.claim, before.claim);
    assert_eq!(after.version, before.version, "nothing was written");
}

async fn the_api_shows_the_journey_and_the_import_takes_notices(backend: Backend) {
    let (app, clock) = journey_app(backend).await;
    clock.set(oslo_noon(day(2026, 3, 20)));
    let csv = "external_ref;debtor_name;phone;principal;due_date;notices_sent\n\
        J-csv-1;Kari Nordmann;912 34 567;1200,00;2026-03-02;purring:2026-03-16:2026-03-30:37,50\n\
        J-csv-2;Per Hansen;912 34 568;800,00;2026-03-02;purring:2026-03-10:2026-03-24:37,50\n";
    let report = innfri::service::import::import_cases(
        &app.ctx,
        &innfri::domain::ids::AgencyId::parse("agency-a").expect("id"),
        &innfri::domain::ids::CreditorId::parse("nordlys-energi").expect("id"),
        csv.as_bytes(),
    )
    .await
    .expect("import");
    assert_eq!(report.created, 1, "{report:?}");
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(report.rejected[0].field, "notices_sent", "{report:?}");
    let case = app
        .ctx
        .store
        .case_by_ref(
            &innfri::domain::ids::AgencyId::parse("agency-a").expect("id"),
            &innfri::domain::ids::ExternalRef::parse("J-csv-1").expect("ref"),
        )
        .await
        .expect("store")
        .expect("case");
    let view: Value = app
        .get_api(&format!("/api/v1/cases/{}", case.id), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    let journey = &view["journey"];
    assert_eq!(journey["sent"][0]["kind"], "purring", "{view}");
    assert_eq!(journey["sent"][0]["fee"]["amount"], "37.50", "{view}");
    assert_eq!(journey["next"]["step_id"], "inkassovarsel", "{view}");
    assert_eq!(journey["next"]["day"], "2026-03-31", "{view}");
}

async fn an_agency_pauses_and_resumes_a_journey_through_the_api(backend: Backend) {
    let (app, _clock) = journey_app(backend).await;
    let id = create(&app, "J-hold", None).await;
    let before = queued(&app, &id).await;
    assert_eq!(before.len(), 1);
    let paused = app
        .post_json(
            &format!("/api/v1/cases/{id}/journey/pause"),
            Some(KEY_A),
            "",
        )
        .await;
    assert_eq!(paused.status().as_u16(), 200);
    let view: Value = paused.json().await.expect("json");
    assert_eq!(view["journey"]["paused"], "manual", "{view}");
    assert_eq!(view["journey"]["next"], Value::Null, "{view}");
    assert_eq!(queued(&app, &id).await, vec![]);
    // The other agency cannot touch it.
    let other = app
        .post_json(
            &format!("/api/v1/cases/{id}/journey/resume"),
            Some(crate::common::KEY_B),
            "",
        )
        .await;
    assert_eq!(other.status().as_u16(), 404);
    let resumed = app
        .post_json(
            &format!("/api/v1/cases/{id}/journey/resume"),
            Some(KEY_A),
            "",
        )
        .await;
    assert_eq!(resumed.status().as_u16(), 200);
    let view: Value = resumed.json().await.expect("json");
    assert_eq!(view["journey"]["paused"], Value::Null, "{view}");
    assert_eq!(view["journey"]["next"]["step_id"], "nudge", "{view}");
    let after = queued(&app, &id).await;
    assert_eq!(after.len(), 1);
    assert_eq!((&after[0].0, after[0].2), (&before[0].0, before[0].2));
}

on_both_stores!(
    a_case_follows_its_journey_and_each_fee_is_added_once_when_sent,
    an_agency_pauses_and_resumes_a_journey_through_the_api,
    a_deferral_moves_the_journey_and_a_plan_pauses_it,
    a_step_reported_sent_again_changes_nothing,
    the_api_shows_the_journey_and_the_import_takes_notices,
    notices_sent_before_the_hand_over_count_and_the_journey_goes_on_after_them,
    notices_that_break_the_law_are_refused_with_the_field_named,
    payment_stops_the_journey_and_a_dispute_pauses_it_until_declined,
);

// ---------------------------------------------------------------------------------------------
// The simulation, read against the law independently of the engine's own rules.

/// Norwegian public holidays in the simulated months of 2026 (Easter on 5 April).
const HOLIDAYS_2026: [(u32, u32); 9] = [
    (4, 2),
    (4, 3),
    (4, 5),
    (4, 6),
    (5, 1),
    (5, 14),
    (5, 17),
    (5, 24),
    (5, 25),
];

fn inside_contact_hours(at: &chrono::DateTime<chrono::FixedOffset>) -> bool {
    use chrono::{Datelike, Timelike, Weekday};
    let local = at.with_timezone(&chrono_tz::Europe::Oslo);
    let minutes = local.hour() * 60 + local.minute();
    if HOLIDAYS_2026.contains(&(local.month(), local.day())) {
        return false;
    }
    match local.weekday() {
        Weekday::Sun => false,
        Weekday::Sat => (9 * 60..15 * 60).contains(&minutes),
        _ => (8 * 60..21 * 60).contains(&minutes),
    }
}

fn date_of(line: &Value, key: &str) -> Option<NaiveDate> {
    line[key]
        .as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The kinds of the journey's own notices (a plan's follow-up messages have their own).
const JOURNEY_KINDS: [&str; 5] = [
    "nudge",
    "purring",
    "inkassovarsel",
    "betalingsoppfordring",
    "final_notice",
];

/// What the law says about one case's lines, in order: every message inside the contact
/// hours, nothing after the case stopped or while it is disputed, every deadline at least 14
/// days, no fee before 14 days after the due date, within a day's cap (37.50 for a purring or
/// varsel in 2026), within § 1-3, a further fee only after the earlier fee's deadline, and a
/// betalingsoppfordring only after the varsel's deadline. While a plan runs no journey notice
/// or fee goes out (only its reminders and late notes); a broken plan hands the case back to
/// the journey (a `resumed` line), which keeps the same rules.
fn check_case(case: &str, lines: &[&Value]) -> Result<(), String> {
    let mut stopped = false;
    let mut disputed = false;
    let mut plan_active = false;
    // A broken plan must be followed by the journey taking over again.
    let mut awaiting_resume = false;
    let mut fees: Vec<(String, NaiveDate, Option<NaiveDate>)> = Vec::new();
    let mut varsel_deadline: Option<NaiveDate> = None;
    for line in lines {
        let action = line["action"].as_str().unwrap_or_default();
        let at = chrono::DateTime::parse_from_rfc3339(line["at"].as_str().unwrap_or_default())
            .map_err(|e| format!("{case}: at: {e}"))?;
        let on = at.with_timezone(&chrono_tz::Europe::Oslo).date_naive();
        let due = date_of(line, "due_date").ok_or(format!("{case}: no due_date"))?;
        let kind = line["kind"].as_str().unwrap_or_default().to_owned();
        if stopped
            && matches!(
                action,
                "message"
                    | "fee"
                    | "paused"
                    | "resumed"
                    | "payment"
                    | "plan_agreed"
                    | "plan_broken"
            )
        {
            return Err(format!("{case}: {action} after the case stopped: {line}"));
        }
        if awaiting_resume && action != "resumed" {
            return Err(format!(
                "{case}: the journey did not resume after the plan broke: {line}"
            ));
        }
        match action {
            "message" => {
                if !inside_contact_hours(&at) {
                    return Err(format!("{case}: sent outside the contact hours: {line}"));
                }
                if plan_active && JOURNEY_KINDS.contains(&kind.as_str()) {
                    return Err(format!(
                        "{case}: a journey notice while a plan runs: {line}"
                    ));
                }
                if !plan_active && kind.starts_with("instalment_") {
                    return Err(format!(
                        "{case}: an instalment message without a plan: {line}"
                    ));
                }
                if disputed {
                    return Err(format!("{case}: sent while disputed: {line}"));
                }
                if let Some(deadline) = date_of(line, "deadline")
                    && deadline < on + chrono::Duration::days(14)
                {
                    return Err(format!("{case}: a deadline under 14 days: {line}"));
                }
                if kind == "inkassovarsel" {
                    varsel_deadline = date_of(line, "deadline");
                }
                if kind == "betalingsoppfordring" && varsel_deadline.is_none_or(|d| on <= d) {
                    return Err(format!(
                        "{case}: a betalingsoppfordring before the varsel's deadline passed: {line}"
                    ));
                }
            }
            "fee" => {
                if plan_active {
                    return Err(format!("{case}: a fee while a plan runs: {line}"));
                }
                if on < due + chrono::Duration::days(14) {
                    return Err(format!(
                        "{case}: a fee earlier than 14 days after the due date: {line}"
                    ));
                }
                let amount: rust_decimal::Decimal = line["amount"]
                    .as_str()
                    .and_then(|a| a.parse().ok())
                    .ok_or(format!("{case}: fee without amount"))?;
                if matches!(kind.as_str(), "purring" | "inkassovarsel")
                    && amount > rust_decimal_macros::dec!(37.50)
                {
                    return Err(format!("{case}: a fee above the cap: {line}"));
                }
                if let Some((_, _, previous_deadline)) = fees.last()
                    && !previous_deadline.is_some_and(|d| on > d)
                {
                    return Err(format!(
                        "{case}: a second fee before the first deadline was missed: {line}"
                    ));
                }
                fees.push((kind.clone(), on, date_of(line, "deadline")));
                let count = |k: &str| fees.iter().filter(|(f, _, _)| f == k).count();
                let (p, v, b) = (
                    count("purring"),
                    count("inkassovarsel"),
                    count("betalingsoppfordring"),
                );
                let lawful =
                    fees.len() == p + v + b && b <= 1 && ((p <= 2 && v == 0) || (p <= 1 && v <= 1));
                if !lawful {
                    return Err(format!(
                        "{case}: fees beyond inkassoforskriften § 1-3: {fees:?}"
                    ));
                }
            }
            // Fees the creditor charged before the hand-over count toward § 1-3.
            "handed_over" => {
                for n in line["notices_sent"].as_array().into_iter().flatten() {
                    if !n["fee"].is_null() {
                        fees.push((
                            n["kind"].as_str().unwrap_or_default().to_owned(),
                            date_of(n, "sent_on").unwrap_or(on),
                            date_of(n, "deadline"),
                        ));
                    }
                }
            }
            // Disputed, or waiting for a person: nothing may go out until it is resumed.
            "paused" => disputed = true,
            // The due date on the lines after it is the new one.
            "deferred" => {}
            "resumed" => {
                disputed = false;
                awaiting_resume = false;
            }
            // An agreed plan ends a review's pause; the plan's follow-up replaces the journey.
            "plan_agreed" => {
                if plan_active {
                    return Err(format!("{case}: a second plan while one runs: {line}"));
                }
                disputed = false;
                plan_active = true;
            }
            "plan_broken" => {
                if !plan_active {
                    return Err(format!("{case}: a plan broke that was not agreed: {line}"));
                }
                plan_active = false;
                awaiting_resume = true;
            }
            "stopped" => stopped = true,
            _ => {}
        }
    }
    Ok(())
}

/// The simulation's output for `cases` over `days`, as JSON lines.
async fn simulate(cases: usize, days: u32, seed: u64) -> Vec<Value> {
    simulate_in(
        std::path::Path::new(crate::common::CONFIG_DIR),
        cases,
        days,
        seed,
    )
    .await
}

/// As [`simulate`] with the configuration in `dir`.
async fn simulate_in(dir: &std::path::Path, cases: usize, days: u32, seed: u64) -> Vec<Value> {
    let config = innfri::config::ConfigSource::new(dir, Some("demo"))
        .with("store.backend", "embedded")
        .load()
        .expect("config");
    let options = innfri::app::simulate::SimulateOptions {
        creditor: innfri::domain::ids::CreditorId::parse("nordlys-energi").expect("id"),
        cases,
        days,
        seed,
        start: day(2026, 3, 2),
    };
    let mut out: Vec<u8> = Vec::new();
    innfri::app::simulate::run(config, &options, &mut out)
        .await
        .expect("simulation");
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Late-payment interest by hand: 12.00 % a year in 2026 (the statutory rate of the first
/// half-year), simple, on `principal` for each day from `due` up to (not including) `paid`,
/// over 365 days; rounded to øre once at the end.
fn interest_by_hand(principal: Decimal, due: NaiveDate, paid: NaiveDate) -> Decimal {
    let days = Decimal::from((paid - due).num_days().max(0));
    (principal * dec!(0.12) * days / dec!(365))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[tokio::test]
async fn the_simulation_counts_the_interest_innfri_accrues_in_every_balance() {
    // The demo creditor with innfri accruing interest and limited agreements allowed.
    let dir = crate::config::config_dir_with(|c| {
        format!(
            "{}\n[mandate.plan.limited]\nallowed = true\nmin_instalment = 100\nmax_months = 3\n",
            c.replace(
                "jurisdiction = \"NO\"",
                "jurisdiction = \"NO\"\ninterest = \"innfri\""
            )
        )
    });
    let lines = simulate_in(&dir, 300, 110, 11).await;
    let (summary, actions) = lines.split_last().expect("lines");
    let accrued: Decimal = summary["interest_accrued"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("interest in the summary: {summary}"));
    assert!(accrued > dec!(1000), "{summary}");
    let mut by_case: HashMap<&str, Vec<&Value>> = HashMap::new();
    for line in actions {
        by_case
            .entry(line["case"].as_str().expect("case"))
            .or_default()
            .push(line);
    }
    let amount = |line: &Value, key: &str| -> Decimal {
        line[key]
            .as_str()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("{key}: {line}"))
    };
    let mut checked = 0;
    for (case, lines) in &by_case {
        assert!(
            check_case(case, lines).is_ok(),
            "{:?}",
            check_case(case, lines)
        );
        // Cases paid in one payment with nothing else moving their balance: the payment is the
        // principal, the fees and the interest from the due date to the day of payment.
        let simple = lines.iter().all(|l| {
            matches!(
                l["action"].as_str(),
                Some("message" | "fee" | "handed_over" | "payment" | "stopped")
            )
        });
        let payments: Vec<&&Value> = lines.iter().filter(|l| l["action"] == "payment").collect();
        if !simple || payments.len() != 1 {
            continue;
        }
        let paid = payments[0];
        // The creditor's day: `at` carries the creditor's offset.
        let paid_on = paid["at"]
            .as_str()
            .and_then(|at| at.get(..10))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .expect("day");
        let due = date_of(paid, "due_date").expect("due");
        let mut fees: Decimal = lines
            .iter()
            .filter(|l| l["action"] == "fee")
            .map(|l| amount(l, "amount"))
            .sum();
        for l in lines.iter().filter(|l| l["action"] == "handed_over") {
            for n in l["notices_sent"].as_array().into_iter().flatten() {
                fees += amount(n, "fee");
            }
        }
        let principal = amount(paid, "principal");
        let interest = interest_by_hand(principal, due, paid_on);
        assert_eq!(
            amount(paid, "amount"),
            principal + fees + interest,
            "{case}: principal {principal}, fees {fees}, interest by hand {interest}: {lines:#?}"
        );
        assert_eq!(amount(paid, "balance"), Decimal::ZERO, "{paid}");
        checked += 1;
    }
    assert!(checked > 50, "only {checked} cases checked by hand");
    // The balance on every line counts the interest: an unpaid case's balance grows by itself.
    let grows = by_case.values().any(|lines| {
        lines.windows(2).any(|w| {
            w[0]["action"] == "message"
                && w[1]["action"] == "message"
                && amount(w[1], "balance") > amount(w[0], "balance")
        })
    });
    assert!(grows, "no balance grew with interest between two messages");
}

#[tokio::test]
async fn a_thousand_cases_over_120_days_keep_the_law() {
    let started = std::time::Instant::now();
    let lines = simulate(1000, 120, 7).await;
    let elapsed = started.elapsed();
    let (summary, actions) = lines.split_last().expect("lines");
    assert_eq!(summary["action"], "summary");
    assert_eq!(summary["cases"], 1000);
    let mut by_case: HashMap<&str, Vec<&Value>> = HashMap::new();
    for line in actions {
        for key in ["case", "at", "action", "due_date", "principal", "balance"] {
            assert!(!line[key].is_null(), "{key} missing: {line}");
        }
        by_case
            .entry(line["case"].as_str().expect("case"))
            .or_default()
            .push(line);
    }
    let mut problems: Vec<String> = by_case
        .iter()
        .filter_map(|(case, lines)| check_case(case, lines).err())
        .collect();
    problems.sort();
    assert!(
        problems.is_empty(),
        "{} cases broke the law, e.g. {:?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    // The run did what it is for: every kind of action happened, often.
    let count = |action: &str| actions.iter().filter(|l| l["action"] == action).count();
    assert_eq!(by_case.len(), 1000, "every case had a message");
    assert!(count("message") > 4000, "{}", count("message"));
    assert!(count("fee") > 1000, "{}", count("fee"));
    assert!(count("payment") > 300 && count("stopped") > 300);
    assert!(count("paused") > 50 && count("resumed") > 20);
    assert!(count("deferred") > 20, "{}", count("deferred"));
    assert!(count("handed_over") > 50, "{}", count("handed_over"));
    assert!(
        actions.iter().any(|l| l["reason"] == "needs_review"),
        "a case with two purringer already waits for a person"
    );
    // One fee line per step with a fee, and the summary says the same.
    assert_eq!(summary["fees"]["count"].as_u64(), Some(count("fee") as u64));
    // Plans: granted at once, after a counter-offer and after the agency's review; kept, paid
    // late inside the grace period, and broken, after which the journey went on.
    assert!(count("plan_agreed") > 60, "{}", count("plan_agreed"));
    assert!(count("plan_broken") > 10, "{}", count("plan_broken"));
    for how in ["granted", "counter_offer", "reviewed"] {
        assert!(
            actions
                .iter()
                .any(|l| l["action"] == "plan_agreed" && l["how"] == how),
            "no plan was agreed by {how}"
        );
    }
    assert_eq!(
        summary["plans"]["agreed"].as_u64(),
        Some(count("plan_agreed") as u64)
    );
    assert_eq!(
        summary["plans"]["broken"].as_u64(),
        Some(count("plan_broken") as u64)
    );
    let kind = |k: &str| actions.iter().filter(|l| l["kind"] == k).count();
    assert!(
        kind("instalment_reminder") > 100,
        "{}",
        kind("instalment_reminder")
    );
    assert!(kind("instalment_late") > 20, "{}", kind("instalment_late"));
    let instalments_paid = actions
        .iter()
        .filter(|l| l["action"] == "payment" && !l["instalment"].is_null())
        .count();
    assert!(instalments_paid > 100, "{instalments_paid}");
    // Some plans were paid in full (the case stopped on an instalment), and after some broken
    // plans the journey sent its next notice.
    assert!(
        by_case.values().any(|lines| lines.windows(2).any(|w| {
            !w[0]["instalment"].is_null()
                && w[0]["action"] == "payment"
                && w[1]["action"] == "stopped"
        })),
        "no plan was paid to the end"
    );
    assert!(
        by_case.values().any(|lines| {
            lines
                .iter()
                .skip_while(|l| l["action"] != "plan_broken")
                .any(|l| {
                    l["action"] == "message"
                        && JOURNEY_KINDS.contains(&l["kind"].as_str().unwrap_or_default())
                })
        }),
        "the journey never went on after a broken plan"
    );
    eprintln!(
        "1000 cases × 120 days: {} lines in {elapsed:?}",
        lines.len()
    );
}

#[tokio::test]
async fn the_law_check_catches_what_breaks_it() {
    // Without this, an empty or lenient check would pass any simulation.
    let at = |t: &str, action: &str, extra: Value| {
        let mut line = json!({"case": "X", "at": t, "action": action, "due_date": "2026-03-02", "principal": "100.00", "balance": "100.00"});
        if let (Some(map), Value::Object(extra)) = (line.as_object_mut(), extra) {
            map.extend(extra);
        }
        line
    };
    let night = at(
        "2026-03-05T22:00:00+01:00",
        "message",
        json!({"kind": "nudge"}),
    );
    assert!(check_case("X", &[&night]).is_err());
    let early_fee = at(
        "2026-03-10T10:00:00+01:00",
        "fee",
        json!({"kind": "purring", "amount": "37.50", "deadline": "2026-03-24"}),
    );
    assert!(check_case("X", &[&early_fee]).is_err());
    let fee = |t: &str, kind: &str, deadline: &str| {
        at(
            t,
            "fee",
            json!({"kind": kind, "amount": "37.50", "deadline": deadline}),
        )
    };
    let three = [
        fee("2026-03-16T10:00:00+01:00", "purring", "2026-03-30"),
        fee("2026-03-31T10:00:00+02:00", "purring", "2026-04-14"),
        fee("2026-04-15T10:00:00+02:00", "purring", "2026-04-29"),
    ];
    assert!(check_case("X", &three.iter().collect::<Vec<_>>()).is_err());
    let hasty = [
        fee("2026-03-16T10:00:00+01:00", "purring", "2026-03-30"),
        fee("2026-03-20T10:00:00+01:00", "inkassovarsel", "2026-04-03"),
    ];
    assert!(check_case("X", &hasty.iter().collect::<Vec<_>>()).is_err());
    let short = at(
        "2026-03-16T10:00:00+01:00",
        "message",
        json!({"kind": "purring", "deadline": "2026-03-20"}),
    );
    assert!(check_case("X", &[&short]).is_err());
    let stop = at("2026-03-16T10:00:00+01:00", "stopped", json!({}));
    let after = at(
        "2026-03-17T10:00:00+01:00",
        "message",
        json!({"kind": "nudge"}),
    );
    assert!(check_case("X", &[&stop, &after]).is_err());
    let pause = at("2026-03-16T10:00:00+01:00", "paused", json!({}));
    assert!(check_case("X", &[&pause, &after]).is_err());
    // A plan replaces the journey until it breaks, and then the journey resumes.
    let agreed = at("2026-03-16T10:00:00+01:00", "plan_agreed", json!({}));
    let purring = at(
        "2026-03-20T10:00:00+01:00",
        "message",
        json!({"kind": "purring", "deadline": "2026-04-03"}),
    );
    assert!(check_case("X", &[&agreed, &purring]).is_err());
    let fee_in_plan = fee("2026-03-20T10:00:00+01:00", "purring", "2026-04-03");
    assert!(check_case("X", &[&agreed, &fee_in_plan]).is_err());
    let reminder = at(
        "2026-03-20T10:00:00+01:00",
        "message",
        json!({"kind": "instalment_reminder"}),
    );
    assert_eq!(check_case("X", &[&agreed, &reminder]), Ok(()));
    assert!(check_case("X", &[&reminder]).is_err());
    let late_at_night = at(
        "2026-03-20T22:30:00+01:00",
        "message",
        json!({"kind": "instalment_late"}),
    );
    assert!(check_case("X", &[&agreed, &late_at_night]).is_err());
    let broken = at("2026-04-20T10:00:00+02:00", "plan_broken", json!({}));
    let resumed = at("2026-04-20T10:00:00+02:00", "resumed", json!({}));
    let later = at(
        "2026-04-21T10:00:00+02:00",
        "message",
        json!({"kind": "purring", "deadline": "2026-05-05"}),
    );
    assert_eq!(
        check_case("X", &[&agreed, &broken, &resumed, &later]),
        Ok(())
    );
    assert!(check_case("X", &[&agreed, &broken, &later]).is_err());
    let paid = at(
        "2026-03-17T10:00:00+01:00",
        "payment",
        json!({"amount": "1.00"}),
    );
    assert!(check_case("X", &[&stop, &paid]).is_err());
    let easter = at(
        "2026-04-06T10:00:00+02:00",
        "message",
        json!({"kind": "nudge"}),
    );
    assert!(check_case("X", &[&easter]).is_err());
    let fine = at(
        "2026-03-17T10:00:00+01:00",
        "message",
        json!({"kind": "nudge"}),
    );
    assert_eq!(check_case("X", &[&fine]), Ok(()));
}

#[test]
fn the_simulate_command_prints_json_lines_and_a_summary() {
    let output = crate::common::innfri_demo(crate::common::CONFIG_DIR, "journey")
        .args([
            "simulate",
            "--creditor",
            "nordlys-energi",
            "--cases",
            "20",
            "--days",
            "40",
            "--seed",
            "3",
            "--start",
            "2026-03-02",
        ])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let last = lines.last().expect("lines");
    assert_eq!(last["action"], "summary");
    assert!(lines.iter().any(|l| l["action"] == "message"));
    // The same seed gives the same run.
    let again = crate::common::innfri_demo(crate::common::CONFIG_DIR, "journey")
        .args([
            "simulate",
            "--creditor",
            "nordlys-energi",
            "--cases",
            "20",
            "--days",
            "40",
            "--seed",
            "3",
            "--start",
            "2026-03-02",
        ])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&again.stdout), text);
}

#[tokio::test]
async fn the_demo_case_shows_its_journey_with_dates_and_fees() {
    let config = innfri::config::ConfigSource::new(crate::common::CONFIG_DIR, Some("demo"))
        .with("store.backend", "embedded")
        .load()
        .expect("config");
    let clock = SettableClock::at(oslo_noon(day(2026, 3, 2)));
    let ctx = innfri::app::AppContext::with_clock(config, std::sync::Arc::new(clock))
        .await
        .expect("context");
    let demo = innfri::app::demo::seed(&ctx).await.expect("seed");
    // Due 14 days after 2 March: nudge on day 3, purring on day 14 (with the 2026 fee), the
    // varsel and the betalingsoppfordring the day after each deadline.
    assert_eq!(demo.timeline.len(), 4, "{:?}", demo.timeline);
    assert!(
        demo.timeline[0].starts_with("2026-03-19  planned  nudge"),
        "{:?}",
        demo.timeline
    );
    assert!(
        demo.timeline[1].starts_with("2026-03-30  planned  purring")
            && demo.timeline[1].contains("fee 37.50 NOK, pay by 2026-04-13"),
        "{:?}",
        demo.timeline
    );
    assert!(
        demo.timeline[2].starts_with("2026-04-14  planned  inkassovarsel"),
        "{:?}",
        demo.timeline
    );
    assert!(
        demo.timeline[3].starts_with("2026-04-29  planned  betalingsoppfordring"),
        "{:?}",
        demo.timeline
    );
}
