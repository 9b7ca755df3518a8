//! All of a debtor's cases at one agency, through the real app: two cases for one contact list
//! each other with their total and a third contact's case never shows (nor another agency's,
//! nor one whose other address differs); the session moves between them only to a listed
//! case; one plan for all is decided by each case's own mandate; a changed contact and an
//! erasure take the case out of the listing and the index.

use innfri::domain::event::EventKind;
use innfri::domain::ids::{AgencyId, CaseId};
use innfri::domain::message::Recipient;
use serde_json::json;

use crate::common::{Backend, KEY_A, KEY_B, TestApp, case_body, csrf_of, spawn_app};

const PHONE: &str = "+4791234567";

/// Creates (or re-sends) a case of `principal` for `phone` and `email` as the agency of `key`.
async fn case_for(
    app: &TestApp,
    key: &str,
    external_ref: &str,
    principal: &str,
    phone: &str,
    email: Option<&str>,
) -> CaseId {
    let mut body: serde_json::Value =
        serde_json::from_str(&case_body(external_ref, principal)).expect("json");
    body["debtor"]["phone"] = json!(phone);
    body["debtor"]["email"] = json!(email);
    let due = innfri::domain::jurisdiction::no::business_day_on_or_after(
        chrono::Utc::now().date_naive() + chrono::Duration::days(10),
    );
    body["due_date"] = json!(due.to_string());
    let response = app
        .post_json("/api/v1/cases", Some(key), &body.to_string())
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let case: serde_json::Value = response.json().await.expect("json");
    CaseId::parse(case["id"].as_str().expect("id")).expect("case id")
}

/// The debtor pages in plain spaces (amounts use non-breaking ones).
fn plain(html: &str) -> String {
    html.replace('\u{a0}', " ")
}

struct Cases {
    app: TestApp,
    /// 1 249,50 kr and 3 049,50 kr, one debtor at agency A.
    first: CaseId,
    second: CaseId,
}

/// Two cases for one debtor at agency A, and beside them: another debtor's case, a case of
/// another agency with the same number, and one with the same number but another e-mail.
async fn cases(backend: Backend) -> Cases {
    let app = spawn_app(backend).await;
    let first = case_for(&app, KEY_A, "A-1", "1200", PHONE, Some("ola@example.no")).await;
    let second = case_for(
        &app,
        KEY_A,
        "A-2",
        "3000",
        "912 34 567",
        Some("Ola@Example.no"),
    )
    .await;
    case_for(
        &app,
        KEY_A,
        "A-3",
        "5000",
        "+4741234567",
        Some("kari@example.no"),
    )
    .await;
    case_for(&app, KEY_B, "B-1", "7000", PHONE, Some("ola@example.no")).await;
    case_for(&app, KEY_A, "A-4", "9000", PHONE, Some("per@example.no")).await;
    Cases { app, first, second }
}

async fn two_cases_of_one_contact_list_each_other_and_no_one_elses(backend: Backend) {
    let c = cases(backend).await;
    let (cookie, _) = c.app.open_case(&c.first).await;
    let page = plain(&c.app.page_html("/case", &cookie).await);
    assert!(page.contains("Dine andre saker hos A Inkasso AS"), "{page}");
    assert_eq!(page.matches("action=\"/case/switch\"").count(), 1, "{page}");
    assert!(page.contains("3 049,50 kr"), "the other case's balance");
    assert!(page.contains("Alle sakene dine til sammen: 4 299,00 kr"));
    for not_hers in ["5 049,50", "7 049,50", "9 049,50"] {
        assert!(!page.contains(not_hers), "{not_hers} must not show");
    }
    // The same from the other side, and an erased or unknown address shows nothing extra.
    let (cookie, _) = c.app.open_case(&c.second).await;
    let page = plain(&c.app.page_html("/case", &cookie).await);
    assert!(page.contains("1 249,50 kr"));
    assert!(page.contains("4 299,00 kr"));
    assert!(!page.contains("9 049,50"));
}

async fn a_session_moves_only_to_a_listed_case(backend: Backend) {
    let c = cases(backend).await;
    let (cookie, csrf) = c.app.open_case(&c.first).await;
    let switch = |cookie: String, csrf: String, case: String| {
        let app = &c.app;
        async move {
            app.http
                .post(app.url("/case/switch"))
                .header("Cookie", cookie)
                .header("Origin", &app.base)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string([("csrf", csrf), ("case", case)]).expect("form"))
                .send()
                .await
                .expect("post")
        }
    };
    // A case of another debtor (known to the test, not to the page) opens nothing.
    let stranger = c
        .app
        .ctx
        .store
        .case_by_ref(
            &AgencyId::parse("agency-a").expect("agency"),
            &innfri::domain::ids::ExternalRef::parse("A-3").expect("ref"),
        )
        .await
        .expect("store")
        .expect("case");
    let refused = switch(cookie.clone(), csrf.clone(), stranger.id.to_string()).await;
    assert_eq!(refused.status().as_u16(), 303);
    assert!(refused.headers().get("set-cookie").is_none());
    // A forged form moves nothing.
    let forged = switch(cookie.clone(), "forged".into(), c.second.to_string()).await;
    assert_eq!(forged.status().as_u16(), 403);
    let page = plain(&c.app.page_html("/case", &cookie).await);
    assert!(
        page.contains("Dine andre saker"),
        "still the first case's page"
    );

    let moved = switch(cookie.clone(), csrf, c.second.to_string()).await;
    assert_eq!(moved.status().as_u16(), 303);
    assert_eq!(moved.headers()["location"], "/case");
    let new_cookie = moved.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("value")
        .to_owned();
    let page = plain(&c.app.page_html("/case", &new_cookie).await);
    assert!(
        page.contains("<p class=\"amount\">3 049,50 kr</p>"),
        "{page}"
    );
    assert!(
        page.contains("1 249,50 kr"),
        "the first case is listed from the second"
    );
    // The old session ended with the move.
    let old = c.app.case_page(&cookie, "").await;
    assert_eq!(old.status().as_u16(), 404);
    // And back: the first case's page again.
    let csrf = csrf_of(&page);
    let back = switch(new_cookie, csrf, c.first.to_string()).await;
    assert_eq!(back.status().as_u16(), 303);
    assert!(back.headers().get("set-cookie").is_some());
}

async fn one_plan_for_all_is_decided_by_each_cases_mandate(backend: Backend) {
    let c = cases(backend).await;
    let (cookie, csrf) = c.app.open_case(&c.first).await;
    let form = plain(&c.app.page_html("/case/all/plan", &cookie).await);
    assert!(form.contains("name=\"months\""));

    // 8 months: below the smallest instalment on the first case, longer than the mandate
    // grants at once on the second (6): a refusal in numbers and a review.
    let (status, preview) = c
        .app
        .post_form("/case/all/plan/preview", &cookie, &csrf, &[("months", "8")])
        .await;
    assert_eq!(status, 200);
    let preview = plain(&preview);
    assert!(
        preview.contains("mindre enn minstebeløpet på 300,00 kr"),
        "{preview}"
    );
    assert!(preview.contains("A Inkasso AS må se på denne"), "{preview}");
    let before = c.app.event_kinds().await.len();
    assert!(
        c.app.stored_case(&c.second).await.pending.is_empty(),
        "a preview writes nothing"
    );

    let (status, done) = c
        .app
        .post_form("/case/all/plan/confirm", &cookie, &csrf, &[("months", "8")])
        .await;
    assert_eq!(status, 200);
    assert!(plain(&done).contains("Sendt til A Inkasso AS"), "{done}");
    assert!(c.app.stored_case(&c.first).await.plan.is_none());
    assert_eq!(c.app.stored_case(&c.second).await.pending.len(), 1);
    let kinds = c.app.event_kinds().await;
    assert_eq!(kinds[before..], [EventKind::PlanRequested]);

    // Bad months are named, and what was typed stays.
    let (status, again) = c
        .app
        .post_form(
            "/case/all/plan/preview",
            &cookie,
            &csrf,
            &[("months", "tre")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(again.contains("Antall måneder: skriv et helt tall fra 1 til 240."));
    assert!(again.contains("value=\"tre\""));
}

async fn one_plan_for_all_granted_on_both_cases(backend: Backend) {
    let c = cases(backend).await;
    let (cookie, csrf) = c.app.open_case(&c.first).await;
    let (status, done) = c
        .app
        .post_form("/case/all/plan/confirm", &cookie, &csrf, &[("months", "3")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        plain(&done).matches("Avtalt: 3 avdrag på").count(),
        2,
        "{done}"
    );
    for case in [&c.first, &c.second] {
        let stored = c.app.stored_case(case).await;
        assert_eq!(stored.plan.expect("plan").instalments.len(), 3);
    }
    let granted = c
        .app
        .event_kinds()
        .await
        .into_iter()
        .filter(|k| *k == EventKind::PlanGranted)
        .count();
    assert_eq!(granted, 2);
}

async fn pay_all_lists_each_case_with_its_own_kid(backend: Backend) {
    let c = cases(backend).await;
    let (cookie, _) = c.app.open_case(&c.first).await;
    let page = plain(&c.app.page_html("/case/all/pay", &cookie).await);
    for case in [&c.first, &c.second] {
        let kid = c.app.stored_case(case).await.kid;
        assert!(page.contains(kid.as_str()), "KID {kid:?} on the page");
    }
    assert!(page.contains("Til sammen: 4 299,00 kr"), "{page}");
    // A debtor with one case has no such page.
    let (lone, _) = c
        .app
        .open_case(
            &c.app
                .ctx
                .store
                .case_by_ref(
                    &AgencyId::parse("agency-a").expect("agency"),
                    &innfri::domain::ids::ExternalRef::parse("A-3").expect("ref"),
                )
                .await
                .expect("store")
                .expect("case")
                .id,
        )
        .await;
    let response = c
        .app
        .http
        .get(c.app.url("/case/all/pay"))
        .header("Cookie", lone)
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 303);
}

async fn a_changed_contact_or_an_erasure_leaves_the_listing_and_the_index(backend: Backend) {
    let c = cases(backend).await;
    let agency = AgencyId::parse("agency-a").expect("agency");
    let phone = Recipient::Sms(innfri::domain::contact::PhoneNumber::parse(PHONE).expect("phone"));
    // The agency gives the second case another number and address.
    case_for(
        &c.app,
        KEY_A,
        "A-2",
        "3000",
        "+4790000001",
        Some("ny@example.no"),
    )
    .await;
    let indexed = c
        .app
        .ctx
        .store
        .debtor_cases(&agency, std::slice::from_ref(&phone))
        .await
        .expect("index");
    assert!(
        !indexed.contains(&c.second),
        "the number given up no longer finds it"
    );
    let (cookie, _) = c.app.open_case(&c.first).await;
    let page = c.app.page_html("/case", &cookie).await;
    assert!(!page.contains("Dine andre saker"), "{page}");

    // Erased, the first case is no longer found by its number.
    assert!(indexed.contains(&c.first));
    let erased = c
        .app
        .post_json(&format!("/api/v1/cases/{}/erase", c.first), Some(KEY_A), "")
        .await;
    assert!(erased.status().is_success());
    let indexed = c
        .app
        .ctx
        .store
        .debtor_cases(&agency, &[phone])
        .await
        .expect("index");
    assert!(!indexed.contains(&c.first), "{indexed:?}");
}

on_both_stores!(
    two_cases_of_one_contact_list_each_other_and_no_one_elses,
    a_session_moves_only_to_a_listed_case,
    one_plan_for_all_is_decided_by_each_cases_mandate,
    one_plan_for_all_granted_on_both_cases,
    pay_all_lists_each_case_with_its_own_kid,
    a_changed_contact_or_an_erasure_leaves_the_listing_and_the_index,
);
