//! The retention schedule through the real app on both stores, with time moved by passing
//! `now`: cases paid or closed more than `erase_after_days` ago (the creditor's own number if
//! it sets one) are erased, newer and open ones are not; old events are trimmed.

use crate::common::{self, Backend, KEY_A, TestApp, spawn_app};
use chrono::{DateTime, Duration, Utc};
use innfri::domain::case::CaseStatus;
use innfri::domain::ids::{AgencyId, CaseId};
use innfri::domain::payment::PaymentMethod;
use innfri::payments::IncomingPayment;
use innfri::service::reconcile::{Outcome, apply_once};
use innfri::service::retention;

async fn create(app: &TestApp, external_ref: &str) -> CaseId {
    let case = app.create_case(external_ref, "1200.00").await;
    CaseId::parse(case["id"].as_str().expect("id")).expect("case id")
}

/// Pays the case in full as if it happened at `at` (through the payment path every provider
/// and bank file uses).
async fn pay_in_full(app: &TestApp, id: &CaseId, at: DateTime<Utc>) {
    let case = app.stored_case(id).await;
    let incoming = IncomingPayment {
        reference: format!("test-{id}"),
        legacy_reference: None,
        kid: None,
        amount: case.balance_without_interest(),
        booked_on: at.date_naive(),
        to_account: String::new(),
        from_account: None,
        line: 1,
    };
    let outcome = apply_once(&app.ctx, None, id, &incoming, PaymentMethod::Direct, at)
        .await
        .expect("store");
    assert!(matches!(outcome, Outcome::Applied { .. }), "{outcome:?}");
    assert_eq!(app.stored_case(id).await.status, CaseStatus::Paid);
}

async fn a_case_paid_91_days_ago_is_erased_and_one_paid_89_days_ago_is_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = Utc::now();
    let old = create(&app, "R-old").await;
    let recent = create(&app, "R-recent").await;
    let open = create(&app, "R-open").await;
    pay_in_full(&app, &old, now - Duration::days(91)).await;
    pay_in_full(&app, &recent, now - Duration::days(89)).await;

    let run = retention::run(&app.ctx, now).await.expect("run");
    assert_eq!(run.cases_erased, 1, "{run:?}");
    let erased = app.stored_case(&old).await;
    assert!(erased.is_erased() && erased.debtor.name.is_empty());
    assert_eq!(erased.payments.len(), 1, "the payment stays for the books");
    assert!(!app.stored_case(&recent).await.is_erased());
    assert!(!app.stored_case(&open).await.is_erased());

    // Run again: nothing more is due, and the erased one is not touched again.
    let again = retention::run(&app.ctx, now).await.expect("run");
    assert_eq!(again.cases_erased, 0);
    assert_eq!(app.stored_case(&old).await.version, erased.version);
    // Two days on, the second one is due too; the open case never is.
    let later = retention::run(&app.ctx, now + Duration::days(2))
        .await
        .expect("run");
    assert_eq!(later.cases_erased, 1);
    assert!(app.stored_case(&recent).await.is_erased());
    assert!(!app.stored_case(&open).await.is_erased());
}

async fn a_closed_case_is_erased_after_the_creditors_own_number_of_days(backend: Backend) {
    let mandate = common::example_mandate().replace(
        "# What innfri may grant",
        "[retention]\nerase_after_days = 30\n\n# What innfri may grant",
    );
    let app = TestApp::builder()
        .store(backend)
        .creditors(&[("nordlys-energi.toml", &mandate)])
        .start()
        .await;
    let id = create(&app, "R-closed").await;
    let closed = app
        .post_json(&format!("/api/v1/cases/{id}/close"), Some(KEY_A), "")
        .await;
    assert_eq!(closed.status().as_u16(), 200);
    let now = Utc::now();

    let early = retention::run(&app.ctx, now + Duration::days(29))
        .await
        .expect("run");
    assert_eq!(early.cases_erased, 0);
    let due = retention::run(&app.ctx, now + Duration::days(31))
        .await
        .expect("run");
    assert_eq!(due.cases_erased, 1, "30 days, not the default 90");
    assert!(app.stored_case(&id).await.is_erased());
}

async fn events_older_than_the_limit_are_trimmed(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = create(&app, "R-events").await;
    // case.viewed, written now.
    let link = app.ctx.issue_case_link(&id).await.expect("link");
    app.open_link(&link).await.expect("session");
    let agency = AgencyId::parse("agency-a").expect("id");
    let events = |app: &TestApp| {
        let store = app.ctx.store.clone();
        let agency = agency.clone();
        async move {
            store
                .events_after(&agency, None, 100)
                .await
                .expect("events")
        }
    };
    let before = events(&app).await;
    assert!(!before.is_empty());
    let days = i64::from(app.ctx.config.settings.retention.events_days);

    let kept = retention::run(&app.ctx, Utc::now() + Duration::days(days - 1))
        .await
        .expect("run");
    assert_eq!(kept.events_trimmed, 0);
    assert_eq!(events(&app).await.len(), before.len());

    // Newer events after the trim keep their place: a reader's cursor still works.
    let cursor = before.last().map(|(c, _)| c.clone()).expect("cursor");
    let trimmed = retention::run(&app.ctx, Utc::now() + Duration::days(days + 1))
        .await
        .expect("run");
    assert_eq!(trimmed.events_trimmed, before.len());
    assert!(events(&app).await.is_empty());
    app.open_link(&app.ctx.issue_case_link(&id).await.expect("link"))
        .await
        .expect("session");
    let after = app
        .ctx
        .store
        .events_after(&agency, Some(&cursor), 100)
        .await
        .expect("events");
    assert_eq!(after.len(), 1, "the event after the cursor, and only it");
    // The case itself is open and stays as it was.
    assert!(!app.stored_case(&id).await.is_erased());
}

/// Cases paid or closed before the retention index existed are put on it at the first start.
#[tokio::test]
async fn cases_settled_before_the_upgrade_are_indexed_once_at_start() {
    use ::redis::AsyncCommands;
    let app = spawn_app(Backend::Redis).await;
    let id = create(&app, "R-legacy").await;
    let closed = app
        .post_json(&format!("/api/v1/cases/{id}/close"), Some(KEY_A), "")
        .await;
    assert_eq!(closed.status().as_u16(), 200);
    // As a store of the previous version left it: no index, no record of the migration.
    let ns = app.ctx.config.settings.store.namespace.clone();
    let client = ::redis::Client::open(common::redis_url()).expect("client");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("redis");
    let _: () = conn
        .del(&[
            format!("{ns}:retention:nordlys-energi"),
            format!("{ns}:retention-creditors"),
            format!("{ns}:migrations"),
        ])
        .await
        .expect("del");
    assert_eq!(
        retention::run(&app.ctx, Utc::now() + Duration::days(91))
            .await
            .expect("run")
            .cases_erased,
        0,
        "not indexed: not found"
    );

    let restarted =
        innfri::store::RedisStore::connect(common::redis_url(), &ns, common::pseudonyms())
            .await
            .expect("connect");
    use innfri::store::CaseStore;
    let due = restarted
        .cases_settled_before(
            &innfri::domain::ids::CreditorId::parse("nordlys-energi").expect("id"),
            Utc::now() + Duration::days(1),
            10,
        )
        .await
        .expect("index");
    assert_eq!(due, vec![id.clone()]);
    assert_eq!(
        retention::run(&app.ctx, Utc::now() + Duration::days(91))
            .await
            .expect("run")
            .cases_erased,
        1
    );
}

on_both_stores!(
    a_case_paid_91_days_ago_is_erased_and_one_paid_89_days_ago_is_not,
    a_closed_case_is_erased_after_the_creditors_own_number_of_days,
    events_older_than_the_limit_are_trimmed,
);
