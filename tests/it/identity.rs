//! The identity step-up a mandate may require, through the real app on both stores: nothing of
//! the case shows before the debtor confirms the postcode; wrong answers are limited per case.

use crate::common::{self, Backend, KEY_A, TestApp};

/// The app with the example creditor's mandate switched to a postcode check.
async fn app_with_postcode_check(backend: Backend) -> TestApp {
    app_with_postcode_check_on(backend, 1).await
}

/// As [`app_with_postcode_check`], serving on `workers` threads.
async fn app_with_postcode_check_on(backend: Backend, workers: usize) -> TestApp {
    let original = common::example_mandate();
    assert!(original.contains("check = \"none\""));
    TestApp::builder()
        .store(backend)
        .creditors(&[(
            "nordlys-energi.toml",
            &original.replace("check = \"none\"", "check = \"postcode\""),
        )])
        .with("server.workers", workers)
        .start()
        .await
}

async fn open_case(app: &TestApp, external_ref: &str, postcode: Option<&str>) -> String {
    let mut body: serde_json::Value =
        serde_json::from_str(&common::case_body(external_ref, "1200.00")).expect("json");
    if let Some(p) = postcode {
        body["debtor"]["postcode"] = serde_json::json!(p);
    }
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let case: serde_json::Value = response.json().await.expect("json");
    assert!(
        case["debtor"].get("postcode").is_none(),
        "identity facts are never echoed back"
    );
    let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    let link = app.ctx.issue_case_link(&id).await.expect("link");
    app.open_link(&link).await.expect("session")
}

async fn csrf_token(app: &TestApp, cookie: &str) -> String {
    common::csrf_of(&app.page_html("/case/verify", cookie).await)
}

async fn answer(app: &TestApp, cookie: &str, text: &str) -> reqwest::Response {
    let csrf = csrf_token(app, cookie).await;
    post_answer(app, cookie, &csrf, text).await
}

async fn post_answer(app: &TestApp, cookie: &str, csrf: &str, text: &str) -> reqwest::Response {
    app.http
        .post(app.url("/case/verify"))
        .header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([("csrf", csrf), ("answer", text)]).expect("form"))
        .send()
        .await
        .expect("post")
}

async fn the_case_stays_hidden_until_the_postcode_is_confirmed(backend: Backend) {
    let app = app_with_postcode_check(backend).await;
    let cookie = open_case(&app, "I-1", Some("0150")).await;
    let page = app.case_page(&cookie, "").await;
    assert_eq!(page.status().as_u16(), 303);
    assert_eq!(page.headers()["location"], "/case/verify");
    let plan = app.get_with_cookie("/case/plan", &cookie).await;
    assert_eq!(
        plan.status().as_u16(),
        303,
        "every case page waits for the step-up"
    );
    let form = app.page_html("/case/verify", &cookie).await;
    assert!(
        form.contains("Postnummeret ditt") && !form.contains("1 249,50"),
        "no case detail before the check"
    );

    let wrong = answer(&app, &cookie, "0151").await;
    assert_eq!(wrong.status().as_u16(), 422);
    assert!(wrong.text().await.expect("html").contains("2 forsøk igjen"));

    let right = answer(&app, &cookie, "01 50").await;
    assert_eq!(right.status().as_u16(), 303);
    let set_cookie = right.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    let verified = set_cookie.split(';').next().expect("pair").to_owned();
    assert_ne!(verified, cookie, "a new session id after the step-up");
    let page = app.case_page(&verified, "").await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("1\u{a0}249,50\u{a0}kr")
    );
    assert_eq!(
        app.case_page(&cookie, "").await.status().as_u16(),
        303,
        "the old session is still unverified"
    );
}

async fn too_many_wrong_answers_close_the_page_even_for_a_new_session(backend: Backend) {
    let app = app_with_postcode_check(backend).await;
    let cookie = open_case(&app, "I-2", Some("0150")).await;
    for expected in [422, 422, 429] {
        assert_eq!(
            answer(&app, &cookie, "9999").await.status().as_u16(),
            expected
        );
    }
    let locked = app.get_with_cookie("/case/verify", &cookie).await;
    assert_eq!(locked.status().as_u16(), 429);
    // Opening the link again does not reset the count: the lock is on the case.
    let agency = innfri::domain::ids::AgencyId::parse("agency-a").expect("id");
    let external_ref = innfri::domain::ids::ExternalRef::parse("I-2").expect("ref");
    let id = app
        .ctx
        .store
        .case_by_ref(&agency, &external_ref)
        .await
        .expect("store")
        .expect("case")
        .id;
    let fresh = app
        .open_link(&app.ctx.issue_case_link(&id).await.expect("link"))
        .await
        .expect("session");
    let response = app.get_with_cookie("/case/verify", &fresh).await;
    assert_eq!(response.status().as_u16(), 429);
}

async fn the_lockout_page_says_when_the_case_opens_again_in_the_debtors_language(backend: Backend) {
    use chrono::{Duration, Utc};
    let start = chrono::DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now");
    let clock = innfri::clock::SettableClock::at(start);
    let original = common::example_mandate();
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .creditors(&[(
            "nordlys-energi.toml",
            &original.replace("check = \"none\"", "check = \"postcode\""),
        )])
        .start()
        .await;
    let opens = (start + Duration::hours(24)).with_timezone(&chrono_tz::Europe::Oslo);
    let time = opens.format("%H:%M").to_string();
    for (external_ref, locale, in_hours) in
        [("L-1", "nb", "om 24 timer"), ("L-2", "en", "in 24 hours")]
    {
        let mut body: serde_json::Value =
            serde_json::from_str(&common::case_body(external_ref, "1200.00")).expect("json");
        body["debtor"]["postcode"] = serde_json::json!("0150");
        body["debtor"]["locale"] = serde_json::json!(locale);
        let response = app
            .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
            .await;
        assert_eq!(response.status().as_u16(), 201);
        let case: serde_json::Value = response.json().await.expect("json");
        let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
        let cookie = app
            .open_link(&app.ctx.issue_case_link(&id).await.expect("link"))
            .await
            .expect("session");
        let locale = innfri::domain::locale::Locale::parse(locale).expect("locale");
        let date = app.ctx.texts.date(locale, opens.date_naive());
        let mut pages = Vec::new();
        for _ in 0..3 {
            pages.push(answer(&app, &cookie, "9999").await);
        }
        let last = pages.pop().expect("the locking answer");
        assert_eq!(last.status().as_u16(), 429);
        assert_eq!(
            last.headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("86400")
        );
        let later = app.get_with_cookie("/case/verify", &cookie).await;
        assert_eq!(later.status().as_u16(), 429);
        for html in [
            last.text().await.expect("html"),
            later.text().await.expect("html"),
        ] {
            assert!(html.contains(in_hours), "{html}");
            assert!(
                html.contains(&date) && html.contains(&time),
                "{date} {time}: {html}"
            );
            assert!(
                !html.contains("Vent litt") && !html.contains("wait a little"),
                "{html}"
            );
        }
    }
}

async fn without_a_known_postcode_there_is_nothing_to_check(backend: Backend) {
    let app = app_with_postcode_check(backend).await;
    let cookie = open_case(&app, "I-3", None).await;
    assert_eq!(app.case_page(&cookie, "").await.status().as_u16(), 200);
}

async fn stored_case(app: &TestApp, external_ref: &str) -> innfri::domain::case::Case {
    let agency = innfri::domain::ids::AgencyId::parse("agency-a").expect("id");
    let external_ref = innfri::domain::ids::ExternalRef::parse(external_ref).expect("ref");
    app.ctx
        .store
        .case_by_ref(&agency, &external_ref)
        .await
        .expect("store")
        .expect("case")
}

/// Twenty wrong postcodes sent at once, with three attempts allowed: exactly three are
/// compared (two answered "wrong, n left", the third closes the page), the other seventeen are
/// turned away unread, and afterwards even the right postcode meets the closed page.
async fn a_burst_of_parallel_answers_gets_no_more_than_the_allowed_attempts(backend: Backend) {
    // Several server threads, so that answers are really handled at the same time (on one
    // thread the embedded store never yields between reading and writing the case).
    let app = app_with_postcode_check_on(backend, 4).await;
    let cookie = open_case(&app, "I-4", Some("0150")).await;
    let csrf = csrf_token(&app, &cookie).await;
    let guesses: Vec<String> = (0..20).map(|i| format!("{:04}", 9000 + i)).collect();
    let responses = futures::future::join_all(
        guesses
            .iter()
            .map(|guess| post_answer(&app, &cookie, &csrf, guess)),
    )
    .await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    let mut expected = vec![422, 422];
    expected.extend([429; 18]);
    assert_eq!(
        statuses, expected,
        "two forms with attempts left, then closed"
    );

    let case = stored_case(&app, "I-4").await;
    let actions = |name: &str| case.audit.iter().filter(|a| a.action == name).count();
    assert_eq!(
        actions("identity.wrong_answer"),
        3,
        "three answers were compared"
    );
    assert_eq!(actions("identity.locked"), 1);
    assert!(
        case.identity_locked_until
            .is_some_and(|until| until > chrono::Utc::now()),
        "the page is closed"
    );
    assert_eq!(
        post_answer(&app, &cookie, &csrf, "0150")
            .await
            .status()
            .as_u16(),
        429,
        "the right answer is not compared while the page is closed"
    );
}

on_both_stores!(
    a_burst_of_parallel_answers_gets_no_more_than_the_allowed_attempts,
    the_case_stays_hidden_until_the_postcode_is_confirmed,
    too_many_wrong_answers_close_the_page_even_for_a_new_session,
    the_lockout_page_says_when_the_case_opens_again_in_the_debtors_language,
    without_a_known_postcode_there_is_nothing_to_check,
);
