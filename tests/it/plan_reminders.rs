//! An agreed plan's follow-up through the real app and the worker on both stores, under a
//! clock the test moves: a reminder before each instalment with its amount, due date and KID;
//! a paid instalment gets none and the next one is queued; two missed instalments break the
//! plan (`plan.broken`, the debtor told, the journey's step queued again); nothing goes after
//! the case is paid in full.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use innfri::clock::{Clock, SettableClock};
use innfri::domain::event::EventKind;
use innfri::domain::locale::Locale;
use innfri::domain::message::{Message, MessageStatus, Template};
use innfri::domain::money::Money;
use innfri::domain::plan::InstalmentPlan;
use innfri::domain::plan_followup::FollowUp;
use innfri::messaging::composer::Composer;

use crate::common::{Backend, Debtor, KEY_A, TestApp, debtor_due_on};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Noon in Oslo on a day.
fn oslo_noon(date: NaiveDate) -> DateTime<Utc> {
    chrono_tz::Europe::Oslo
        .from_local_datetime(&date.and_hms_opt(12, 0, 0).expect("time"))
        .earliest()
        .expect("local")
        .with_timezone(&Utc)
}

fn oslo_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Oslo).date_naive()
}

/// A debtor of the example creditor (journey and all) whose case fell due on Monday 2 March
/// 2026 and who agreed a six-month plan that day; the plan receipt is sent.
async fn debtor_with_plan(backend: Backend) -> (Debtor, SettableClock, InstalmentPlan) {
    let start = oslo_noon(day(2026, 3, 2));
    let clock = SettableClock::at(start);
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .with_journey()
        .uncapped()
        .start()
        .await;
    let d = debtor_due_on(app, "6000.00", day(2026, 3, 2)).await;
    let (status, html) = d.post("/case/plan/confirm", &[("months", "6")]).await;
    assert_eq!(status, 200, "{html}");
    let plan = d.case().await.plan.expect("plan agreed");
    assert_eq!(plan.instalments.len(), 6);
    d.app.run_worker_at(start).await;
    (d, clock, plan)
}

/// The case's messages still waiting (receipts left out), as (template, follow-up).
async fn waiting(d: &Debtor) -> Vec<(Template, Option<FollowUp>)> {
    d.messages()
        .await
        .into_iter()
        .filter(|m| m.status == MessageStatus::Scheduled && m.template.is_collection())
        .map(|m| (m.template, m.follow_up))
        .collect()
}

fn sent(messages: &[Message], template: Template) -> Vec<&Message> {
    messages
        .iter()
        .filter(|m| m.template == template && m.status == MessageStatus::Sent)
        .collect()
}

/// Runs the worker (at noon, on the day the case's next message waits for) until `done`
/// holds for the case's messages; fails after 20 rounds.
async fn run_until(d: &Debtor, clock: &SettableClock, done: impl Fn(&[Message]) -> bool) {
    for _ in 0..20 {
        let messages = d.messages().await;
        if done(&messages) {
            return;
        }
        let next = messages
            .iter()
            .filter(|m| m.status == MessageStatus::Scheduled)
            .map(|m| m.not_before)
            .min()
            .unwrap_or_else(|| panic!("nothing waits: {messages:#?}"));
        let at = next.max(oslo_noon(oslo_day(next)));
        clock.set(at);
        d.app.run_worker_at(at).await;
    }
    panic!("not done after 20 rounds: {:#?}", d.messages().await);
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

/// The SMS text of `message` as the worker composes it.
async fn text_of(d: &Debtor, message: &Message) -> String {
    let case = d.case().await;
    let ctx = &d.app.ctx;
    let creditor = ctx
        .creditor(&case.creditor_id)
        .await
        .expect("store")
        .expect("creditor");
    let agency = ctx
        .agency(&case.agency_id)
        .await
        .expect("store")
        .expect("agency");
    Composer::new(ctx.texts.clone())
        .compose(
            message,
            &case,
            &creditor,
            &agency,
            "https://innfri.example.no/k/x",
        )
        .body
}

fn kr(amount: Money) -> String {
    amount.format(Locale::Nb)
}

async fn a_reminder_goes_before_each_instalment_and_none_for_one_paid_early(backend: Backend) {
    let (d, clock, plan) = debtor_with_plan(backend).await;
    let (first, second) = (&plan.instalments[0], &plan.instalments[1]);
    // The journey waits for the plan; the plan's first reminder waits for its day.
    assert_eq!(
        waiting(&d).await,
        vec![(
            Template::InstalmentReminder,
            Some(FollowUp::Reminder { number: 1 })
        )]
    );
    let queued = d
        .messages()
        .await
        .into_iter()
        .find(|m| m.template == Template::InstalmentReminder)
        .expect("reminder");
    let reminder_day = first.due_date - chrono::Duration::days(3);
    assert_eq!(oslo_day(queued.not_before), reminder_day);
    // Not before its day.
    d.app
        .run_worker_at(oslo_noon(reminder_day - chrono::Duration::days(1)))
        .await;
    assert!(sent(&d.messages().await, Template::InstalmentReminder).is_empty());

    run_until(&d, &clock, |m| {
        !sent(m, Template::InstalmentReminder).is_empty()
    })
    .await;
    let messages = d.messages().await;
    let reminder = sent(&messages, Template::InstalmentReminder)[0].clone();
    let text = text_of(&d, &reminder).await;
    let kid = first.kid.as_ref().expect("kid").as_str();
    assert!(
        text.contains("Avdrag 1 av 6")
            && text.contains(&kr(first.amount))
            && text.contains(kid)
            && text.contains(&d.app.ctx.texts.date(Locale::Nb, first.due_date))
            && text.contains("https://innfri.example.no/k/x"),
        "{text}"
    );
    // Unpaid so far: the friendly note waits for the day after the due date.
    assert_eq!(
        waiting(&d).await,
        vec![(
            Template::InstalmentLate,
            Some(FollowUp::LateNote { number: 1 })
        )]
    );

    // Instalment 1 paid, then instalment 2 paid early, before its reminder's day.
    pay(&d, "bank-1", first.amount).await;
    assert_eq!(
        waiting(&d).await,
        vec![(
            Template::InstalmentReminder,
            Some(FollowUp::Reminder { number: 2 })
        )]
    );
    pay(&d, "bank-2", second.amount).await;
    assert_eq!(
        waiting(&d).await,
        vec![(
            Template::InstalmentReminder,
            Some(FollowUp::Reminder { number: 3 })
        )]
    );
    // The worker comes past instalment 2's reminder day: only instalment 3's reminder goes.
    run_until(&d, &clock, |m| {
        sent(m, Template::InstalmentReminder).len() == 2
    })
    .await;
    let messages = d.messages().await;
    let reminders: Vec<Option<FollowUp>> = sent(&messages, Template::InstalmentReminder)
        .into_iter()
        .map(|m| m.follow_up)
        .collect();
    assert_eq!(
        reminders,
        vec![
            Some(FollowUp::Reminder { number: 1 }),
            Some(FollowUp::Reminder { number: 3 })
        ]
    );
    assert!(sent(&messages, Template::InstalmentLate).is_empty());
}

async fn two_missed_instalments_break_the_plan_tell_the_debtor_and_resume_the_journey(
    backend: Backend,
) {
    let (d, clock, plan) = debtor_with_plan(backend).await;
    run_until(&d, &clock, |m| !sent(m, Template::PlanBroken).is_empty()).await;
    let case = d.case().await;
    assert_eq!(case.plan, None, "the plan is off the case");
    let broken = case.broken_plans.last().expect("kept for the record");
    assert_eq!(broken.plan, plan);
    assert_eq!(broken.missed, vec![1, 2]);
    assert_eq!(
        broken.broken_on,
        plan.instalments[1].due_date + chrono::Duration::days(8),
        "the day after instalment 2's grace period"
    );
    // The due date the case had before the plan is back: the journey counts from it.
    assert_eq!(case.due_date, day(2026, 3, 2));
    assert!(case.audit.iter().any(|a| a.action == "plan.broken"));
    assert!(d.event_kinds().await.contains(&EventKind::PlanBroken));

    let messages = d.messages().await;
    let late: Vec<Option<FollowUp>> = sent(&messages, Template::InstalmentLate)
        .into_iter()
        .map(|m| m.follow_up)
        .collect();
    assert_eq!(
        late,
        vec![
            Some(FollowUp::LateNote { number: 1 }),
            Some(FollowUp::LateNote { number: 2 })
        ]
    );
    let notice = sent(&messages, Template::PlanBroken)[0].clone();
    let text = text_of(&d, &notice).await;
    assert!(
        text.contains("avsluttet") && text.contains(&kr(case.balance_without_interest())),
        "{text}"
    );
    let view: serde_json::Value = d
        .app
        .get_api(&format!("/api/v1/cases/{}", d.case_id.as_str()), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(view["plan"], serde_json::Value::Null, "{view}");
    assert_eq!(
        view["broken_plans"][0]["missed"],
        serde_json::json!([1, 2]),
        "{view}"
    );
    // Months on, the debtor opens a new link: the page says the plan has ended.
    let (cookie, _) = d.app.open_case(&d.case_id).await;
    let page = d.app.page_html("/case", &cookie).await;
    assert!(page.contains("Nedbetalingsavtalen er avsluttet"), "{page}");
    // The journey's next step is queued again; the plan's follow-up is over.
    let waiting = waiting(&d).await;
    assert!(
        waiting.iter().any(|(t, _)| *t == Template::JourneyStep),
        "{waiting:?}"
    );
    assert!(
        waiting.iter().all(|(t, _)| !t.is_plan_follow_up()),
        "{waiting:?}"
    );
}

async fn nothing_follows_up_a_plan_paid_in_full(backend: Backend) {
    let (d, clock, _plan) = debtor_with_plan(backend).await;
    assert_eq!(waiting(&d).await.len(), 1);
    let balance = d.case().await.balance_without_interest();
    pay(&d, "bank-all", balance).await;
    let waiting = waiting(&d).await;
    assert!(
        waiting.iter().all(|(t, _)| !t.is_plan_follow_up()),
        "{waiting:?}"
    );
    // A year on, the worker has sent no reminder, note or notice.
    let later = oslo_noon(day(2027, 3, 2));
    clock.set(later);
    d.app.run_worker_at(later).await;
    let messages = d.messages().await;
    assert!(
        messages
            .iter()
            .filter(|m| m.template.is_plan_follow_up())
            .all(|m| m.status != MessageStatus::Sent),
        "{messages:#?}"
    );
}

async fn a_dispute_stops_the_follow_up_and_a_declined_one_brings_it_back(backend: Backend) {
    let (d, _clock, _plan) = debtor_with_plan(backend).await;
    assert_eq!(waiting(&d).await.len(), 1);
    let (status, html) = d
        .post(
            "/case/dispute",
            &[("text", "Jeg har betalt dette allerede.")],
        )
        .await;
    assert!(status == 200 || status == 303, "{status} {html}");
    assert!(
        waiting(&d).await.is_empty(),
        "no reminder while the claim is disputed"
    );
    let request = d.app.first_request_id(&d.case_id).await;
    let response = d
        .app
        .post_json(
            &format!("/api/v1/cases/{}/requests/{request}/decline", d.case_id),
            Some(KEY_A),
            &serde_json::json!({"reason": "Vi finner ingen betaling."}).to_string(),
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "{:?}",
        response.text().await
    );
    assert_eq!(
        waiting(&d).await,
        vec![(
            Template::InstalmentReminder,
            Some(FollowUp::Reminder { number: 1 })
        )]
    );
}

/// Posts the case page's pay-online form; where the server sends the debtor.
async fn pay_online(d: &Debtor, method: &str, amount: &str) -> (u16, String) {
    let form = [
        ("csrf", d.csrf.as_str()),
        ("method", method),
        ("amount", amount),
    ];
    let response = d
        .app
        .http
        .post(d.app.url("/case/pay"))
        .header("Cookie", &d.cookie)
        .header("Origin", &d.app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).expect("form"))
        .send()
        .await
        .expect("post");
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

fn query_field(location: &str, name: &str) -> String {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("query");
    fields
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// Pays the instalment the case page's buttons offer with the fake Vipps; the checkout's
/// amount in øre.
async fn pay_the_instalment_online(d: &Debtor) -> i64 {
    let (status, location) = pay_online(d, "vipps", "instalment").await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/case/pay/fake?"), "{location}");
    let (attempt, amount) = (
        query_field(&location, "attempt"),
        query_field(&location, "amount"),
    );
    let fields = [
        ("method", "vipps"),
        ("amount", amount.as_str()),
        ("attempt", attempt.as_str()),
        ("decision", "approve"),
    ];
    let (status, _) = d.post("/case/pay/fake", &fields).await;
    assert_eq!(status, 303);
    amount.parse().expect("øre")
}

async fn the_pay_buttons_pay_the_next_instalment_and_when_behind_what_is_due(backend: Backend) {
    let start = oslo_noon(day(2026, 3, 2));
    let clock = SettableClock::at(start);
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .fake_payments()
        .start()
        .await;
    // 4 950,50 + 14,50 + 35 = 5 000 kr over six months: 833,33 kr five times, then 833,35 kr.
    let mut d = debtor_due_on(app, "4950.50", day(2026, 3, 2)).await;
    let (status, html) = d.post("/case/plan/confirm", &[("months", "6")]).await;
    assert_eq!(status, 200, "{html}");
    let plan = d.case().await.plan.expect("plan agreed");
    let page = d.page().await;
    assert!(page.contains("Neste avdrag (1 av 6)"), "{page}");
    assert!(
        page.contains("Betal 833,33\u{a0}kr med Vipps")
            && page.contains("Betal 833,33\u{a0}kr med kort")
            && page.contains("value=\"instalment\""),
        "{page}"
    );

    // The checkout is for the instalment, and paying it marks it paid.
    assert_eq!(pay_the_instalment_online(&d).await, 83_333);
    let case = d.case().await;
    assert_eq!(case.payments.len(), 1);
    assert_eq!(case.payments[0].amount, plan.instalments[0].amount);
    let page = d.page().await;
    let second_kid = plan.instalments[1].kid.as_ref().expect("kid").as_str();
    assert!(
        page.contains("Neste avdrag (2 av 6)") && page.contains(second_kid),
        "the page moves on to instalment 2: {page}"
    );
    assert!(page.contains("Betal 833,33\u{a0}kr med Vipps"), "{page}");
    // Any other amount, or a part, is not taken under the plan.
    let (status, location) = pay_online(&d, "vipps", "500").await;
    assert_eq!((status, location.as_str()), (303, "/case"));
    assert_eq!(d.case().await.payments.len(), 1);

    // Instalment 2 missed, instalment 3 due today: the buttons catch up on both, and say so.
    clock.set(oslo_noon(plan.instalments[2].due_date));
    // Months on, the debtor comes by a new link.
    (d.cookie, d.csrf) = d.app.open_case(&d.case_id).await;
    let page = d.page().await;
    assert!(
        page.contains("Betal 1\u{a0}666,66\u{a0}kr med Vipps")
            && page.contains("avdrag 2, 3, til sammen 1\u{a0}666,66\u{a0}kr"),
        "{page}"
    );
    assert_eq!(pay_the_instalment_online(&d).await, 166_666);
    let page = d.page().await;
    assert!(page.contains("Neste avdrag (4 av 6)"), "{page}");
    assert!(page.contains("Betal 833,33\u{a0}kr med Vipps"), "{page}");
    assert_eq!(d.case().await.payments.len(), 2);
}

/// The example creditor, allowing limited agreements of 100 kr a month or more for 3 months.
fn mandate_with_limited_agreements() -> String {
    format!(
        "{}\n[mandate.plan.limited]\nallowed = true\nmin_instalment = 100\nmax_months = 3\n",
        crate::common::example_mandate_with_journey()
    )
}

async fn a_limited_agreement_comes_up_for_review_once_when_its_period_is_over(backend: Backend) {
    let start = oslo_noon(day(2026, 3, 2));
    let clock = SettableClock::at(start);
    let mandate = mandate_with_limited_agreements();
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .creditors(&[("nordlys-energi.toml", mandate.as_str())])
        .uncapped()
        .start()
        .await;
    // 19 950,50 + 14,50 + 35 = 20 000 kr; 200 kr a month is below the usual 300 kr minimum.
    let d = debtor_due_on(app, "19950.50", day(2026, 3, 2)).await;
    let (status, preview) = d.post("/case/plan/preview", &[("monthly", "200")]).await;
    assert_eq!(status, 200, "{preview}");
    assert!(
        preview.contains("Dette er en begrenset avtale")
            && preview.contains("Etter det gjenstår 19\u{a0}400,00\u{a0}kr"),
        "{preview}"
    );
    let (status, html) = d.post("/case/plan/confirm", &[("monthly", "200")]).await;
    assert_eq!(status, 200, "{html}");
    let plan = d.case().await.plan.expect("plan agreed");
    assert_eq!(plan.instalments.len(), 3);
    let limited = plan.limited.expect("a limited agreement");
    assert_eq!(limited.left_after.to_plain_string(), "19400.00");
    assert!(d.event_kinds().await.contains(&EventKind::PlanGranted));
    let page = d.page().await;
    assert!(page.contains("Dette er en begrenset avtale"), "{page}");

    // Every instalment paid; nothing but the review follows, on its day.
    for (n, instalment) in plan.instalments.iter().enumerate() {
        pay(&d, &format!("bank-{n}"), instalment.amount).await;
    }
    assert_eq!(
        waiting(&d).await,
        vec![(Template::PlanReviewDue, Some(FollowUp::ReviewDue))]
    );
    let review_day = limited.ends_on + chrono::Duration::days(8);
    d.app
        .run_worker_at(oslo_noon(review_day - chrono::Duration::days(1)))
        .await;
    assert!(d.case().await.pending.is_empty(), "not before its day");
    assert!(!d.event_kinds().await.contains(&EventKind::PlanReviewDue));

    run_until(&d, &clock, |m| !sent(m, Template::PlanReviewDue).is_empty()).await;
    let case = d.case().await;
    assert_eq!(case.pending.len(), 1, "{:?}", case.pending);
    assert!(matches!(
        &case.pending[0].request,
        innfri::domain::self_service::PendingRequest::Plan {
            reason: innfri::domain::self_service::ReviewReason::LimitedAgreementEnded,
            ..
        }
    ));
    let reviews: serde_json::Value = d
        .app
        .get_api(
            &format!("/api/v1/cases/{}/requests", d.case_id.as_str()),
            KEY_A,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        reviews["requests"][0]["reason"], "limited_agreement_ended",
        "{reviews}"
    );
    let messages = d.messages().await;
    let notice = sent(&messages, Template::PlanReviewDue)[0].clone();
    let text = text_of(&d, &notice).await;
    assert!(text.contains("begrensede avtalen"), "{text}");

    // Once only: later changes and worker rounds add no second review or event.
    clock.set(oslo_noon(review_day + chrono::Duration::days(20)));
    pay(
        &d,
        "bank-extra",
        Money::from_minor(10_000, plan.total.currency()),
    )
    .await;
    d.app
        .run_worker_at(oslo_noon(review_day + chrono::Duration::days(21)))
        .await;
    let reviews_due = d
        .event_kinds()
        .await
        .into_iter()
        .filter(|k| *k == EventKind::PlanReviewDue)
        .count();
    assert_eq!(reviews_due, 1);
    assert_eq!(d.case().await.pending.len(), 1);
    assert!(waiting(&d).await.is_empty(), "{:?}", waiting(&d).await);
}

/// A limited agreement of 200 kr a month for 3 months on a 1 000 kr case, every instalment
/// paid, run to its review: 400 kr are left, too little for an ordinary plan of two 300 kr
/// instalments, so the proposal is another limited period. The review's request id.
async fn limited_agreement_at_its_review(backend: Backend) -> (Debtor, SettableClock, String) {
    let clock = SettableClock::at(oslo_noon(day(2026, 3, 2)));
    let mandate = mandate_with_limited_agreements();
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .creditors(&[("nordlys-energi.toml", mandate.as_str())])
        .uncapped()
        .start()
        .await;
    // 950,50 + 14,50 + 35 = 1 000 kr.
    let d = debtor_due_on(app, "950.50", day(2026, 3, 2)).await;
    let (status, html) = d.post("/case/plan/confirm", &[("monthly", "200")]).await;
    assert_eq!(status, 200, "{html}");
    let plan = d.case().await.plan.expect("plan agreed");
    assert!(plan.limited.is_some(), "{plan:?}");
    for (n, instalment) in plan.instalments.iter().enumerate() {
        pay(&d, &format!("bank-{n}"), instalment.amount).await;
    }
    run_until(&d, &clock, |m| !sent(m, Template::PlanReviewDue).is_empty()).await;
    let case = d.case().await;
    let review = case.pending.first().expect("a review");
    let innfri::domain::self_service::PendingRequest::Plan { plan: proposal, .. } = &review.request
    else {
        panic!("a plan proposal: {:?}", review.request);
    };
    assert!(
        proposal.limited.is_some(),
        "another limited period: {proposal:?}"
    );
    let id = review.id.clone();
    (d, clock, id)
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

async fn a_late_approval_of_a_further_limited_period_keeps_its_small_instalments(backend: Backend) {
    let (d, clock, id) = limited_agreement_at_its_review(backend).await;
    // The agency answers a month later: the proposal's first due date has passed.
    clock.set(clock.now() + chrono::Duration::days(30));
    let today = oslo_day(clock.now());
    let response = answer(&d, &id, "approve", "").await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let plan = d.case().await.plan.expect("the new period");
    assert!(
        plan.limited.is_some(),
        "still a limited agreement: {plan:?}"
    );
    let amounts: Vec<String> = plan
        .instalments
        .iter()
        .map(|i| i.amount.to_plain_string())
        .collect();
    assert_eq!(
        amounts,
        ["200.00", "200.00"],
        "200 kr a month, not the rest in a hurry"
    );
    assert!(
        plan.instalments.iter().all(|i| i.due_date >= today),
        "{plan:?}"
    );
    // Longer than the mandate's limited months is refused, and changes nothing.
    let (d2, _clock, id2) = limited_agreement_at_its_review(backend).await;
    let response = answer(&d2, &id2, "approve", r#"{"months": 4}"#).await;
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(d2.case().await.pending.len(), 1);
}

async fn declining_a_limited_agreements_review_ends_it_and_collection_goes_on(backend: Backend) {
    let (d, _clock, id) = limited_agreement_at_its_review(backend).await;
    let response = answer(
        &d,
        &id,
        "decline",
        r#"{"reason": "We cannot offer another period. Please pay the rest or ask for a plan."}"#,
    )
    .await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let case = d.case().await;
    assert_eq!(case.plan, None, "the finished agreement is off the case");
    assert!(case.pending.is_empty());
    assert!(
        case.interest_paused.iter().all(|p| p.until.is_some()),
        "late-payment interest runs again: {:?}",
        case.interest_paused
    );
    assert!(
        case.audit.iter().any(|a| a.action == "plan.limited_ended"),
        "{:?}",
        case.audit
    );
    let told = d.messages().await;
    assert_eq!(
        told.iter()
            .filter(|m| m.template == Template::LimitedAgreementEnded)
            .count(),
        1,
        "the debtor is told once: {told:#?}"
    );
    assert!(
        !told.iter().any(|m| m.template == Template::RequestDeclined),
        "not as if they had asked"
    );
    // The journey takes the case up again: its next step is queued.
    assert!(
        d.case().await.journey.queued.is_some(),
        "{:?}",
        d.case().await.journey
    );
    let page = d.page().await;
    assert!(!page.contains("Dette er en begrenset avtale"), "{page}");
}

on_both_stores!(
    a_late_approval_of_a_further_limited_period_keeps_its_small_instalments,
    declining_a_limited_agreements_review_ends_it_and_collection_goes_on,
    a_limited_agreement_comes_up_for_review_once_when_its_period_is_over,
    the_pay_buttons_pay_the_next_instalment_and_when_behind_what_is_due,
    a_reminder_goes_before_each_instalment_and_none_for_one_paid_early,
    two_missed_instalments_break_the_plan_tell_the_debtor_and_resume_the_journey,
    nothing_follows_up_a_plan_paid_in_full,
    a_dispute_stops_the_follow_up_and_a_declined_one_brings_it_back,
);
