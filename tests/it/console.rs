//! The staff console through the real app: login with a computed TOTP code, wrong passwords
//! and codes, growing lockout delays, session timeouts on the settable clock, CSRF refusals,
//! the invitation, and a role × tenant matrix (agency A never sees agency B's cases, a creditor
//! user only its creditor's, a viewer changes nothing, every change attributed).

use chrono::{DateTime, Duration, Utc};
use innfri::clock::{Clock, SettableClock};
use innfri::domain::case::CaseStatus;
use innfri::domain::event::Actor;
use innfri::domain::ids::{AgencyId, CaseId, CreditorId};
use innfri::domain::journey::PauseReason;
use innfri::domain::staff::{AccessKind, Role, StaffScope, StaffUser, staff_email};
use innfri::service::staff;

use crate::common::{Backend, KEY_B, TestApp, case_body, csrf_of, debtor_in};

const SESSION: &str = "innfri-staff";
const FORM: &str = "innfri-staff-form";

fn agency_scope(agency: &str, role: Role) -> StaffScope {
    StaffScope::Agency {
        agency: AgencyId::parse(agency).expect("id"),
        role,
    }
}

fn creditor_scope(creditor: &str) -> StaffScope {
    StaffScope::Creditor {
        creditor: CreditorId::parse(creditor).expect("id"),
    }
}

/// A staff user with a known password and TOTP secret.
struct Login {
    user: StaffUser,
    password: String,
}

async fn login_for(app: &TestApp, email: &str, scope: StaffScope) -> Login {
    let (user, password) = staff::demo_user(&app.ctx, email, scope, app.ctx.clock.now())
        .await
        .expect("user");
    Login { user, password }
}

fn code_at(user: &StaffUser, at: DateTime<Utc>) -> String {
    staff::totp(&user.totp_secret, &user.email)
        .expect("totp")
        .generate(at.timestamp() as u64)
}

/// The value of cookie `name` a response sets.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()?
                .strip_prefix(&format!("{name}="))
                .map(str::to_owned)
        })
}

/// A console page's form: its anti-forgery token and the form cookie that goes with it.
async fn form(app: &TestApp, path: &str, session: Option<&str>) -> (String, String) {
    let mut req = app.http.get(app.url(path));
    if let Some(session) = session {
        req = req.header("Cookie", format!("{SESSION}={session}"));
    }
    let response = req.send().await.expect("get");
    let cookie = set_cookie(&response, FORM).expect("form cookie");
    let html = response.text().await.expect("html");
    (csrf_of(&html), cookie)
}

async fn post(
    app: &TestApp,
    path: &str,
    cookies: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let cookie = cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    app.http
        .post(app.url(path))
        .header("Cookie", cookie)
        .header("Origin", &app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).expect("form"))
        .send()
        .await
        .expect("post")
}

/// The password step; the response as it came.
async fn password_step(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let (csrf, form_cookie) = form(app, "/console/login", None).await;
    post(
        app,
        "/console/login",
        &[(FORM, &form_cookie)],
        &[("csrf", &csrf), ("email", email), ("password", password)],
    )
    .await
}

/// The code step after a passed password step; the response as it came.
async fn code_step(app: &TestApp, pending: &str, code: &str) -> reqwest::Response {
    let (csrf, form_cookie) = form(app, "/console/login/code", None).await;
    post(
        app,
        "/console/login/code",
        &[(FORM, &form_cookie), (SESSION, pending)],
        &[("csrf", &csrf), ("code", code)],
    )
    .await
}

/// Logs in with password and the current code; returns the session cookie's value.
async fn log_in(app: &TestApp, login: &Login) -> String {
    let response = password_step(app, login.user.email.as_str(), &login.password).await;
    assert_eq!(response.status().as_u16(), 303, "password accepted");
    assert_eq!(response.headers()["location"], "/console/login/code");
    let pending = set_cookie(&response, SESSION).expect("pending session");
    let code = code_at(&login.user, app.ctx.clock.now());
    let response = code_step(app, &pending, &code).await;
    assert_eq!(response.status().as_u16(), 303, "code accepted");
    assert_eq!(response.headers()["location"], "/console/cases");
    let session = set_cookie(&response, SESSION).expect("session");
    assert_ne!(session, pending, "a new session id after the second factor");
    session
}

async fn get(app: &TestApp, path: &str, session: &str) -> reqwest::Response {
    app.get_with_cookie(path, &format!("{SESSION}={session}"))
        .await
}

async fn page(app: &TestApp, path: &str, session: &str) -> (u16, String) {
    let response = get(app, path, session).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

/// The session's CSRF token, as the logout form in every page's header carries it.
async fn session_csrf(app: &TestApp, session: &str) -> String {
    let (status, html) = page(app, "/console/cases", session).await;
    assert_eq!(status, 200);
    csrf_of(&html)
}

fn clock() -> SettableClock {
    SettableClock::at(Utc::now())
}

async fn app_on(backend: Backend, clock: &SettableClock) -> TestApp {
    TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .start()
        .await
}

async fn access_kinds(app: &TestApp) -> Vec<AccessKind> {
    app.ctx
        .store
        .access_log(100)
        .await
        .expect("log")
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

async fn a_handler_logs_in_with_password_and_totp_and_out_again(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    assert_eq!(
        get(&app, "/console/cases", "no-session")
            .await
            .status()
            .as_u16(),
        303,
        "no session: to the login"
    );
    let session = log_in(&app, &kari).await;
    let response = get(&app, "/console/cases", &session).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().contains_key("content-security-policy"));
    assert_eq!(response.headers()["cache-control"], "no-store");
    let csrf = csrf_of(&response.text().await.expect("html"));
    let out = post(
        &app,
        "/console/logout",
        &[(SESSION, &session)],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(
        get(&app, "/console/cases", &session)
            .await
            .status()
            .as_u16(),
        303,
        "the session ended"
    );
    assert_eq!(
        access_kinds(&app).await,
        vec![AccessKind::Login, AccessKind::Logout]
    );
    let again = password_step(&app, "kari@a-inkasso.no", &kari.password).await;
    let pending = set_cookie(&again, SESSION).expect("pending");
    let used = code_at(&kari.user, clock.now());
    assert_eq!(
        code_step(&app, &pending, &used).await.status().as_u16(),
        401,
        "a code works once"
    );
}

async fn a_wrong_password_or_code_is_refused_and_logged(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let wrong = password_step(&app, "kari@a-inkasso.no", "not the password").await;
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(set_cookie(&wrong, SESSION).is_none());
    let unknown = password_step(&app, "nobody@a-inkasso.no", &kari.password).await;
    assert_eq!(
        unknown.status().as_u16(),
        401,
        "the same answer for an unknown name"
    );

    let response = password_step(&app, "KARI@a-inkasso.no", &kari.password).await;
    assert_eq!(response.status().as_u16(), 303, "the address in any case");
    let pending = set_cookie(&response, SESSION).expect("pending");
    assert_eq!(
        get(&app, "/console/cases", &pending)
            .await
            .status()
            .as_u16(),
        303,
        "a password alone opens nothing"
    );
    let now = clock.now();
    let right = code_at(&kari.user, now);
    let wrong_code = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_eq!(
        code_step(&app, &pending, wrong_code)
            .await
            .status()
            .as_u16(),
        401
    );
    let stale = code_at(&kari.user, now - Duration::minutes(5));
    assert_eq!(
        code_step(&app, &pending, &stale).await.status().as_u16(),
        401
    );
    let kinds = access_kinds(&app).await;
    assert_eq!(kinds.len(), 4);
    assert!(
        kinds
            .iter()
            .all(|k| matches!(k, AccessKind::LoginFailed { .. }))
    );
    let log = app.ctx.store.access_log(10).await.expect("log");
    assert_eq!(log[0].user.as_ref(), Some(&kari.user.id));
    assert_eq!(log[1].user, None, "an unknown name is logged without it");
    assert_eq!(
        code_step(&app, &pending, &right).await.status().as_u16(),
        303
    );
}

async fn failed_logins_make_the_name_wait_longer_each_time(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    for _ in 0..3 {
        let wrong = password_step(&app, "kari@a-inkasso.no", "not the password").await;
        assert_eq!(wrong.status().as_u16(), 401);
    }
    let fourth = password_step(&app, "kari@a-inkasso.no", "not the password").await;
    assert_eq!(
        fourth.status().as_u16(),
        429,
        "the fourth failure makes it wait"
    );
    let locked = password_step(&app, "kari@a-inkasso.no", &kari.password).await;
    assert_eq!(
        locked.status().as_u16(),
        429,
        "even the right password waits"
    );
    assert!(
        locked
            .text()
            .await
            .expect("html")
            .contains("Wait 1 seconds")
    );
    clock.advance(Duration::seconds(2));
    let fifth = password_step(&app, "kari@a-inkasso.no", "not the password").await;
    assert_eq!(fifth.status().as_u16(), 429);
    assert!(
        fifth.text().await.expect("html").contains("Wait 2 seconds"),
        "it doubles"
    );
    clock.advance(Duration::seconds(3));
    log_in(&app, &kari).await;
    let failures = app
        .ctx
        .store
        .login_failures(&staff_email("kari@a-inkasso.no").expect("email"))
        .await
        .expect("failures");
    assert_eq!(failures.count, 0, "a login clears the count");
}

async fn a_session_ends_after_thirty_idle_minutes_or_twelve_hours(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let session = log_in(&app, &kari).await;
    clock.advance(Duration::minutes(29));
    assert_eq!(
        get(&app, "/console/cases", &session)
            .await
            .status()
            .as_u16(),
        200
    );
    clock.advance(Duration::minutes(29));
    assert_eq!(
        get(&app, "/console/cases", &session)
            .await
            .status()
            .as_u16(),
        200,
        "each request restarts the idle time"
    );
    clock.advance(Duration::minutes(30));
    assert_eq!(
        get(&app, "/console/cases", &session)
            .await
            .status()
            .as_u16(),
        303
    );

    let busy = log_in(&app, &kari).await;
    for _ in 0..29 {
        assert_eq!(
            get(&app, "/console/cases", &busy).await.status().as_u16(),
            200
        );
        clock.advance(Duration::minutes(25));
    }
    assert_eq!(
        get(&app, "/console/cases", &busy).await.status().as_u16(),
        303,
        "twelve hours after login, however busy"
    );
}

async fn a_form_without_its_token_or_from_another_site_changes_nothing(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let case = app.new_case("CSRF-1").await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let session = log_in(&app, &kari).await;
    let csrf = session_csrf(&app, &session).await;
    let path = format!("/console/cases/{case}/close");
    let without = post(&app, &path, &[(SESSION, &session)], &[("reason", "x")]).await;
    assert_eq!(without.status().as_u16(), 403);
    let forged = app
        .http
        .post(app.url(&path))
        .header("Cookie", format!("{SESSION}={session}"))
        .header("Origin", "https://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&reason=x"))
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(app.stored_case(&case).await.status, CaseStatus::Open);
    let login_without = post(
        &app,
        "/console/login",
        &[],
        &[("email", "kari@a-inkasso.no"), ("password", &kari.password)],
    )
    .await;
    assert_eq!(login_without.status().as_u16(), 403, "the login form too");
    let done = post(
        &app,
        &path,
        &[(SESSION, &session)],
        &[("csrf", &csrf), ("reason", "x")],
    )
    .await;
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(app.stored_case(&case).await.status, CaseStatus::Closed);
}

/// A case of agency B for the shared creditor, by B's API.
async fn case_of_b(app: &TestApp, external_ref: &str) -> CaseId {
    let response = app
        .post_json(
            "/api/v1/cases",
            Some(KEY_B),
            &case_body(external_ref, "500.00"),
        )
        .await;
    assert!(response.status().is_success());
    let case: serde_json::Value = response.json().await.expect("json");
    CaseId::parse(case["id"].as_str().expect("id")).expect("id")
}

async fn roles_and_tenants_see_and_change_only_what_they_may(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let a_case = app.new_case("A-CASE-1").await;
    let b_case = case_of_b(&app, "B-CASE-1").await;
    let users = [
        ("handler@a.no", agency_scope("agency-a", Role::Handler)),
        ("viewer@a.no", agency_scope("agency-a", Role::Viewer)),
        ("handler@b.no", agency_scope("agency-b", Role::Handler)),
        ("user@nordlys.no", creditor_scope("nordlys-energi")),
        ("user@other.no", creditor_scope("other-creditor")),
    ];
    // (sees A's case, sees B's case, may close what it sees)
    let expected = [
        (true, false, true),
        (true, false, false),
        (false, true, true),
        (true, true, false),
        (false, false, false),
    ];
    for ((email, scope), (sees_a, sees_b, changes)) in users.into_iter().zip(expected) {
        let login = login_for(&app, email, scope).await;
        let session = log_in(&app, &login).await;
        clock.advance(Duration::seconds(31));
        let (_, list) = page(&app, "/console/cases", &session).await;
        assert_eq!(list.contains("A-CASE-1"), sees_a, "{email} lists A's case");
        assert_eq!(list.contains("B-CASE-1"), sees_b, "{email} lists B's case");
        for (case, sees) in [(&a_case, sees_a), (&b_case, sees_b)] {
            let (status, html) = page(&app, &format!("/console/cases/{case}"), &session).await;
            assert_eq!(status, if sees { 200 } else { 404 }, "{email} opens {case}");
            assert_eq!(html.contains("Ola Nordmann"), sees, "{email} reads {case}");
            assert_eq!(
                html.contains("/close\""),
                sees && changes,
                "{email} is offered close"
            );
            let csrf = session_csrf(&app, &session).await;
            let closed = post(
                &app,
                &format!("/console/cases/{case}/close"),
                &[(SESSION, &session)],
                &[("csrf", &csrf), ("reason", "test")],
            )
            .await;
            let want = match (sees, changes) {
                (false, _) => 404,
                (true, false) => 403,
                (true, true) => 303,
            };
            assert_eq!(closed.status().as_u16(), want, "{email} closes {case}");
            let stored = app.stored_case(case).await;
            if want == 303 {
                assert_eq!(stored.status, CaseStatus::Closed);
                let entry = stored.audit.last().expect("audit");
                assert_eq!(entry.action, "case.closed");
                assert_eq!(
                    entry.actor,
                    Actor::Staff(login.user.id.clone()),
                    "attributed"
                );
            } else {
                assert_ne!(
                    stored.audit.last().map(|a| a.action.as_str()),
                    Some("case.closed"),
                    "{email} changed nothing on {case}"
                );
            }
        }
        // The cases closed by the handlers are the only changes; open them again for the next.
        for case in [&a_case, &b_case] {
            let mut stored = app.stored_case(case).await;
            if stored.status == CaseStatus::Closed {
                stored.status = CaseStatus::Open;
                stored.audit.push(innfri::domain::event::AuditEntry {
                    at: clock.now(),
                    actor: Actor::System,
                    action: "test.reopened".into(),
                    detail: String::new(),
                });
                app.ctx.store.update_case(&stored).await.expect("reopen");
            }
        }
    }
    let viewed: Vec<_> = app
        .ctx
        .store
        .access_log(1000)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| matches!(e.kind, AccessKind::CaseViewed { .. }))
        .collect();
    assert_eq!(
        viewed.len(),
        5,
        "every opening of a case is logged, and only those"
    );
}

async fn a_handler_declines_a_dispute_from_the_review_queue(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let d = debtor_in(app, "1200.00").await;
    let (status, _) = d
        .post("/case/dispute", &[("text", "Jeg har aldri bestilt dette.")])
        .await;
    assert_eq!(status, 200);
    let app = &d.app;
    clock.advance(Duration::hours(1));
    let kari = login_for(
        app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let session = log_in(app, &kari).await;
    let (status, queue) = page(app, "/console/reviews", &session).await;
    assert_eq!(status, 200);
    assert!(queue.contains("disputes the claim"), "{queue}");
    assert!(
        queue.contains("6 days 23 hours"),
        "a week to answer: {queue}"
    );
    let request = d.case().await.pending[0].id.clone();
    let csrf = session_csrf(app, &session).await;
    let declined = post(
        app,
        &format!("/console/cases/{}/requests/{request}/decline", d.case_id),
        &[(SESSION, &session)],
        &[
            ("csrf", &csrf),
            ("reason", "Vi har signert avtale fra 3. mars."),
        ],
    )
    .await;
    assert_eq!(declined.status().as_u16(), 303);
    let case = d.case().await;
    assert!(case.pending.is_empty());
    assert_eq!(case.status, CaseStatus::Open);
    assert_eq!(
        case.note_to_debtor.as_deref(),
        Some("Vi har signert avtale fra 3. mars.")
    );
    assert_eq!(
        case.audit.last().map(|a| a.actor.clone()),
        Some(Actor::Staff(kari.user.id.clone()))
    );
    let (_, queue) = page(app, "/console/reviews", &session).await;
    assert!(queue.contains("Nothing waits"));
}

async fn an_invitation_sets_the_password_and_enrols_totp_once(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let invited = staff::create_user(
        &app.ctx,
        "Ny.Bruker@a-inkasso.no",
        agency_scope("agency-a", Role::Viewer),
        clock.now(),
    )
    .await
    .expect("user");
    let path = invited
        .link
        .strip_prefix(&app.base)
        .expect("a link to this app")
        .to_owned();
    let (csrf, form_cookie) = form(&app, &path, None).await;
    let user = invited.user;
    let code = code_at(&user, clock.now());
    let short = post(
        &app,
        &path,
        &[(FORM, &form_cookie)],
        &[
            ("csrf", &csrf),
            ("password", "kort"),
            ("repeated", "kort"),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(short.status().as_u16(), 422);
    assert!(
        short
            .text()
            .await
            .expect("html")
            .contains("at least 12 characters")
    );
    let password = "et langt og godt passord";
    let fields = [
        ("csrf", csrf.as_str()),
        ("password", password),
        ("repeated", password),
        ("code", &code),
    ];
    let done = post(&app, &path, &[(FORM, &form_cookie)], &fields).await;
    assert_eq!(done.status().as_u16(), 200);
    let again = post(&app, &path, &[(FORM, &form_cookie)], &fields).await;
    assert_eq!(again.status().as_u16(), 404, "an invitation works once");
    clock.advance(Duration::seconds(31));
    let login = Login {
        user,
        password: password.to_owned(),
    };
    log_in(&app, &login).await;
    assert!(
        staff::create_user(
            &app.ctx,
            "ny.bruker@a-inkasso.no",
            agency_scope("agency-a", Role::Viewer),
            clock.now()
        )
        .await
        .is_err(),
        "one user per address"
    );
    let again = staff::reinvite(&app.ctx, "ny.bruker@a-inkasso.no", clock.now())
        .await
        .expect("invite again");
    assert_ne!(
        again.user.totp_secret, login.user.totp_secret,
        "a new secret"
    );
    assert_eq!(
        password_step(&app, "ny.bruker@a-inkasso.no", password)
            .await
            .status()
            .as_u16(),
        401,
        "no login until the new invitation is accepted"
    );
    let older = again.link.strip_prefix(&app.base).expect("link").to_owned();
    let again = staff::reinvite(&app.ctx, "ny.bruker@a-inkasso.no", clock.now())
        .await
        .expect("invite once more");
    assert_eq!(
        page(&app, &older, "none").await.0,
        404,
        "a newer invitation ends the older"
    );
    let path = again.link.strip_prefix(&app.base).expect("link").to_owned();
    let (csrf, form_cookie) = form(&app, &path, None).await;
    let code = code_at(&again.user, clock.now());
    let fields = [
        ("csrf", csrf.as_str()),
        ("password", password),
        ("repeated", password),
        ("code", &code),
    ];
    assert_eq!(
        post(&app, &path, &[(FORM, &form_cookie)], &fields)
            .await
            .status()
            .as_u16(),
        200
    );
    clock.advance(Duration::seconds(31));
    log_in(
        &app,
        &Login {
            user: again.user,
            password: password.to_owned(),
        },
    )
    .await;
    staff::disable_user(&app.ctx, "ny.bruker@a-inkasso.no")
        .await
        .expect("disable");
    let refused = password_step(&app, "ny.bruker@a-inkasso.no", password).await;
    assert_eq!(
        refused.status().as_u16(),
        401,
        "a disabled user cannot log in"
    );
}

async fn a_handler_sends_a_reminder_and_registers_a_payment_as_themself(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let case = app.new_case("ACT-1").await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let session = log_in(&app, &kari).await;
    let csrf = session_csrf(&app, &session).await;
    let sent = post(
        &app,
        &format!("/console/cases/{case}/messages"),
        &[(SESSION, &session)],
        &[
            ("csrf", &csrf),
            ("channel", "sms"),
            ("template", "reminder"),
        ],
    )
    .await;
    assert_eq!(sent.status().as_u16(), 303);
    let messages = app.ctx.store.case_messages(&case).await.expect("messages");
    assert_eq!(messages.len(), 1);
    let paid = post(
        &app,
        &format!("/console/cases/{case}/payments"),
        &[(SESSION, &session)],
        &[
            ("csrf", &csrf),
            ("amount", "200.00"),
            ("reference", "BANK-77"),
        ],
    )
    .await;
    assert_eq!(paid.status().as_u16(), 303);
    let bad = post(
        &app,
        &format!("/console/cases/{case}/payments"),
        &[(SESSION, &session)],
        &[("csrf", &csrf), ("amount", "-1"), ("reference", "BANK-78")],
    )
    .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(bad.text().await.expect("html").contains("amount"));
    let stored = app.stored_case(&case).await;
    assert_eq!(stored.payments.len(), 1);
    let by_kari: Vec<&str> = stored
        .audit
        .iter()
        .filter(|a| a.actor == Actor::Staff(kari.user.id.clone()))
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(by_kari, vec!["message.scheduled", "payment.received"]);
    let (status, html) = page(&app, &format!("/console/cases/{case}"), &session).await;
    assert_eq!(status, 200);
    assert!(html.contains("Reminder"), "the message is listed");
    assert!(html.contains("BANK-77"), "the payment is listed");
}

async fn a_plan_request_is_previewed_with_other_months_then_approved(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let d = debtor_in(app, "6000.00").await;
    let (status, _) = d.post("/case/plan/confirm", &[("months", "9")]).await;
    assert_eq!(status, 200);
    let app = &d.app;
    let kari = login_for(
        app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let viewer = login_for(
        app,
        "viewer@a-inkasso.no",
        agency_scope("agency-a", Role::Viewer),
    )
    .await;
    let session = log_in(app, &kari).await;
    let request = d.case().await.pending[0].id.clone();
    let preview = format!("/console/cases/{}/requests/{request}/preview", d.case_id);
    let (status, html) = page(app, &format!("{preview}?months=8"), &session).await;
    assert_eq!(status, 200);
    assert!(html.contains("8 months"), "{html}");
    assert_eq!(d.case().await.pending.len(), 1, "a preview changes nothing");
    let (status, html) = page(app, &format!("{preview}?months=500"), &session).await;
    assert_eq!(status, 422, "{html}");
    let viewing = log_in(app, &viewer).await;
    assert_eq!(
        page(app, &format!("{preview}?months=8"), &viewing).await.0,
        403
    );
    let csrf = csrf_of(&html);
    let approved = post(
        app,
        &format!("/console/cases/{}/requests/{request}/approve", d.case_id),
        &[(SESSION, &session)],
        &[("csrf", &csrf), ("months", "8")],
    )
    .await;
    assert_eq!(approved.status().as_u16(), 303);
    let case = d.case().await;
    let plan = case.plan.expect("plan");
    assert_eq!(plan.months(), 8);
    assert!(plan.instalments.iter().all(|i| i.kid.is_some()));
    assert_eq!(
        case.audit
            .last()
            .map(|a| (a.actor.clone(), a.action.clone())),
        Some((
            Actor::Staff(kari.user.id.clone()),
            "plan.granted".to_owned()
        ))
    );
}

async fn the_case_list_searches_and_pages_by_cursor(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    for i in 0..30 {
        app.new_case(&format!("PAGE-{i:02}")).await;
    }
    let special = app
        .post_json(
            "/api/v1/cases",
            Some(crate::common::KEY_A),
            &serde_json::json!({
                "external_ref": "SPECIAL-1", "creditor_id": "nordlys-energi",
                "debtor": {"name": "Per Spesiell", "phone": "+47 987 65 432", "locale": "nb"},
                "claim": [{"kind": "principal", "description": "Faktura", "amount": "100.00"}],
                "due_date": "2026-12-01"
            })
            .to_string(),
        )
        .await;
    assert!(special.status().is_success());
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let session = log_in(&app, &kari).await;
    let rows = |html: &str| html.matches("<tr>").count() - 1;
    let (_, first) = page(&app, "/console/cases?q=PAGE", &session).await;
    assert_eq!(rows(&first), 25);
    let next = first
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("after="))
        .expect("a next page")
        .replace("&amp;", "&");
    let (_, second) = page(&app, &next, &session).await;
    assert_eq!(rows(&second), 5);
    assert!(second.contains("PAGE-29") && !second.contains("PAGE-00"));
    assert!(!second.contains("after="), "the last page has no next");
    let (_, by_phone) = page(&app, "/console/cases?phone=65432", &session).await;
    assert_eq!(rows(&by_phone), 1);
    assert!(by_phone.contains("SPECIAL-1"));
    let (_, by_name) = page(&app, "/console/cases?q=spesiell", &session).await;
    assert!(by_name.contains("SPECIAL-1") && rows(&by_name) == 1);
    let (_, closed) = page(&app, "/console/cases?status=closed", &session).await;
    assert!(closed.contains("No cases match"));
    let (_, other) = page(&app, "/console/cases?creditor=someone-else", &session).await;
    assert!(other.contains("No cases match"));
}

async fn one_address_is_slowed_whatever_names_it_tries(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let mut limited = Vec::new();
    for _ in 0..70 {
        // One name, locked after its fourth failure, so the later attempts cost no hashing and
        // the address's budget (a minute's worth, refilled by the second) is spent at once.
        let response = password_step(&app, "guess@a-inkasso.no", "password1234").await;
        let html = response.text().await.expect("html");
        limited.push(html.contains("from your address"));
    }
    assert!(!limited[..60].iter().any(|l| *l), "{limited:?}");
    assert!(
        limited[60..].iter().filter(|l| **l).count() >= 5,
        "{limited:?}"
    );
}

async fn an_agency_admin_reads_who_opened_which_case_and_no_one_else_does(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let case = app.new_case("SEEN-1").await;
    let admin = login_for(
        &app,
        "admin@a-inkasso.no",
        agency_scope("agency-a", Role::Admin),
    )
    .await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let other = login_for(
        &app,
        "admin@b-inkasso.no",
        agency_scope("agency-b", Role::Admin),
    )
    .await;
    let kari_session = log_in(&app, &kari).await;
    assert_eq!(
        page(&app, &format!("/console/cases/{case}"), &kari_session)
            .await
            .0,
        200
    );
    assert_eq!(
        page(&app, "/console/access", &kari_session).await.0,
        403,
        "a handler"
    );
    let admin_session = log_in(&app, &admin).await;
    let (status, html) = page(&app, "/console/access", &admin_session).await;
    assert_eq!(status, 200);
    assert!(html.contains("kari@a-inkasso.no"), "{html}");
    assert!(
        html.contains(&format!("opened case <a href=\"/console/cases/{case}\"")),
        "{html}"
    );
    let other_session = log_in(&app, &other).await;
    let (status, html) = page(&app, "/console/access", &other_session).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("kari@a-inkasso.no"),
        "agency B's admin reads only B's users"
    );
    assert!(!html.contains(case.as_str()));
}

/// Runs `innfri user …` (demo profile) on the Redis namespace `ns`.
fn user_cli(ns: &str, args: &[&str]) -> std::process::Output {
    crate::common::demo_cli("user", ns)
        .args(args)
        .output()
        .expect("innfri user")
}

#[tokio::test]
async fn a_user_made_on_the_command_line_enrols_by_the_printed_link_and_can_be_disabled() {
    let ns = crate::common::unique_namespace();
    let made = user_cli(
        &ns,
        &[
            "create",
            "Ola@Demo-Inkasso.no",
            "--agency",
            "demo-inkasso",
            "--role",
            "handler",
        ],
    );
    let out = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(
        made.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(
        out.contains("ola@demo-inkasso.no (handler at demo-inkasso)"),
        "{out}"
    );
    let link = out
        .lines()
        .find_map(|l| {
            l.split_whitespace()
                .find(|w| w.contains("/console/invite/"))
        })
        .expect("an invitation link")
        .to_owned();
    let token = link.rsplit('/').next().expect("token").to_owned();
    assert!(
        !out.contains("TOTP"),
        "the secret is shown on the invitation page, not here"
    );

    let again = user_cli(
        &ns,
        &[
            "create",
            "ola@demo-inkasso.no",
            "--creditor",
            "nordlys-energi",
        ],
    );
    assert!(!again.status.success(), "one user per address");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    let bad_role = user_cli(
        &ns,
        &[
            "create",
            "kari@demo-inkasso.no",
            "--agency",
            "demo-inkasso",
            "--role",
            "boss",
        ],
    );
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("--role"));

    let clock = clock();
    let app = TestApp::builder()
        .store(Backend::Redis)
        .namespace(&ns)
        .clock(clock.clone())
        .start()
        .await;
    let path = format!("/console/invite/{token}");
    let (csrf, form_cookie) = form(&app, &path, None).await;
    let user = app
        .ctx
        .store
        .staff_user_by_email(&staff_email("ola@demo-inkasso.no").expect("email"))
        .await
        .expect("store")
        .expect("user");
    let password = "et langt og godt passord";
    let code = code_at(&user, clock.now());
    let done = post(
        &app,
        &path,
        &[(FORM, &form_cookie)],
        &[
            ("csrf", &csrf),
            ("password", password),
            ("repeated", password),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(done.status().as_u16(), 200);
    clock.advance(Duration::seconds(31));
    let login = Login {
        user,
        password: password.to_owned(),
    };
    let session = log_in(&app, &login).await;
    let disabled = user_cli(&ns, &["disable", "ola@demo-inkasso.no"]);
    assert!(disabled.status.success());
    assert_eq!(
        get(&app, "/console/cases", &session)
            .await
            .status()
            .as_u16(),
        303,
        "a disabled user's session ends at its next request"
    );
}

#[test]
fn user_commands_refuse_a_store_that_dies_with_them() {
    let output = crate::common::innfri_demo(crate::common::CONFIG_DIR, "user")
        .args(["disable", "ola@demo-inkasso.no"])
        .env("INNFRI__STORE__BACKEND", "embedded")
        .env("INNFRI__LOG__LEVEL", "warn")
        .output()
        .expect("innfri user");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs a store that outlives"));
}

async fn a_handler_pauses_resumes_and_erases_a_case_from_its_screen(backend: Backend) {
    let clock = clock();
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .with_journey()
        .start()
        .await;
    let case = app.new_case("ERASE-1").await;
    let kari = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let session = log_in(&app, &kari).await;
    let csrf = session_csrf(&app, &session).await;
    let (status, html) = page(&app, &format!("/console/cases/{case}"), &session).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("planned"),
        "the steps to come are listed: {html}"
    );
    assert!(html.contains("Pause the journey"));

    let paused = post(
        &app,
        &format!("/console/cases/{case}/journey/pause"),
        &[(SESSION, &session)],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(paused.status().as_u16(), 303);
    let stored = app.stored_case(&case).await;
    assert_eq!(stored.journey.paused, Some(PauseReason::Manual));
    let (_, html) = page(&app, &format!("/console/cases/{case}"), &session).await;
    assert!(html.contains("Resume the journey"));
    let resumed = post(
        &app,
        &format!("/console/cases/{case}/journey/resume"),
        &[(SESSION, &session)],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(resumed.status().as_u16(), 303);
    assert_eq!(app.stored_case(&case).await.journey.paused, None);

    let wrong = post(
        &app,
        &format!("/console/cases/{case}/erase"),
        &[(SESSION, &session)],
        &[("csrf", &csrf), ("confirm_ref", "ERASE-2")],
    )
    .await;
    assert_eq!(wrong.status().as_u16(), 422, "the reference must match");
    assert!(!app.stored_case(&case).await.is_erased());
    let erased = post(
        &app,
        &format!("/console/cases/{case}/erase"),
        &[(SESSION, &session)],
        &[("csrf", &csrf), ("confirm_ref", "ERASE-1")],
    )
    .await;
    assert_eq!(erased.status().as_u16(), 303);
    let stored = app.stored_case(&case).await;
    assert!(stored.is_erased());
    assert_eq!(stored.status, CaseStatus::Closed);
    assert!(stored.debtor.name.is_empty());
    let by_kari: Vec<&str> = stored
        .audit
        .iter()
        .filter(|a| a.actor == Actor::Staff(kari.user.id.clone()))
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(
        by_kari,
        vec![
            "journey.paused",
            "journey.resumed",
            "case.closed",
            "case.erased"
        ]
    );

    let viewer = login_for(
        &app,
        "viewer@a-inkasso.no",
        agency_scope("agency-a", Role::Viewer),
    )
    .await;
    let viewer_session = log_in(&app, &viewer).await;
    let viewer_csrf = session_csrf(&app, &viewer_session).await;
    let other = app.new_case("ERASE-3").await;
    let (_, html) = page(&app, &format!("/console/cases/{other}"), &viewer_session).await;
    assert!(
        !html.contains("confirm_ref"),
        "a viewer is not offered erasure"
    );
    let refused = post(
        &app,
        &format!("/console/cases/{other}/erase"),
        &[(SESSION, &viewer_session)],
        &[("csrf", &viewer_csrf), ("confirm_ref", "ERASE-3")],
    )
    .await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(!app.stored_case(&other).await.is_erased());
}

/// A multipart/form-data body as a browser sends the import form.
fn upload_body(boundary: &str, fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cases.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

async fn an_agency_admin_manages_keys_users_and_imports_cases(backend: Backend) {
    let clock = clock();
    let app = app_on(backend, &clock).await;
    let admin = login_for(
        &app,
        "admin@a-inkasso.no",
        agency_scope("agency-a", Role::Admin),
    )
    .await;
    let handler = login_for(
        &app,
        "kari@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let other_admin = login_for(
        &app,
        "admin@b-inkasso.no",
        agency_scope("agency-b", Role::Admin),
    )
    .await;
    let session = log_in(&app, &admin).await;
    let csrf = session_csrf(&app, &session).await;
    let (status, html) = page(&app, "/console/agency", &session).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("kari@a-inkasso.no"),
        "the agency's users are listed"
    );
    assert!(!html.contains("admin@b-inkasso.no"), "not another agency's");

    // A key shown once works on the API until it is revoked.
    let issued = post(
        &app,
        "/console/agency/keys",
        &[(SESSION, &session)],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(issued.status().as_u16(), 200);
    assert_eq!(issued.headers()["cache-control"], "no-store");
    let html = issued.text().await.expect("html");
    let key = html
        .split("ik_")
        .nth(1)
        .map(|rest| format!("ik_{}", &rest[..32]))
        .expect("the key is shown");
    let listed = app.get_api("/api/v1/cases", &key).await;
    assert_eq!(listed.status().as_u16(), 200, "the new key works");
    let key_id = innfri::tenants::key_id(&innfri::config::api_key_hash(&key));
    let revoked = post(
        &app,
        &format!("/console/agency/keys/{key_id}/revoke"),
        &[(SESSION, &session)],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(revoked.status().as_u16(), 303);
    let refused = app.get_api("/api/v1/cases", &key).await;
    assert_eq!(
        refused.status().as_u16(),
        401,
        "a revoked key stops at once"
    );

    // Users: invited with a role, disabled (not oneself), never another agency's.
    let invited = post(
        &app,
        "/console/agency/users",
        &[(SESSION, &session)],
        &[
            ("csrf", &csrf),
            ("email", "new@a-inkasso.no"),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(invited.status().as_u16(), 200);
    assert!(
        invited
            .text()
            .await
            .expect("html")
            .contains("/console/invite/")
    );
    let new = app
        .ctx
        .store
        .staff_user_by_email(
            &innfri::domain::contact::EmailAddress::parse("new@a-inkasso.no").expect("email"),
        )
        .await
        .expect("read")
        .expect("created");
    assert_eq!(new.scope, agency_scope("agency-a", Role::Viewer));
    let bad_role = post(
        &app,
        "/console/agency/users",
        &[(SESSION, &session)],
        &[
            ("csrf", &csrf),
            ("email", "x@a-inkasso.no"),
            ("role", "owner"),
        ],
    )
    .await;
    assert_eq!(bad_role.status().as_u16(), 422);
    assert!(bad_role.text().await.expect("html").contains("role:"));
    let myself = post(
        &app,
        &format!("/console/agency/users/{}/disable", admin.user.id),
        &[(SESSION, &session)],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(myself.status().as_u16(), 422);
    let disabled = post(
        &app,
        &format!("/console/agency/users/{}/disable", handler.user.id),
        &[(SESSION, &session)],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(disabled.status().as_u16(), 303);
    let stored = |id: innfri::domain::staff::StaffUserId| {
        let store = app.ctx.store.clone();
        async move { store.staff_user(&id).await.expect("read").expect("user") }
    };
    assert!(stored(handler.user.id.clone()).await.disabled);
    let b_session = log_in(&app, &other_admin).await;
    let b_csrf = session_csrf(&app, &b_session).await;
    let across = post(
        &app,
        &format!("/console/agency/users/{}/invite", new.id),
        &[(SESSION, &b_session)],
        &[("csrf", &b_csrf)],
    )
    .await;
    assert_eq!(
        across.status().as_u16(),
        422,
        "another agency's user is not found"
    );
    assert!(!stored(new.id.clone()).await.enrolled);

    // A CSV upload imports with the command line's row report.
    let due = (clock.now() + Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    let csv = format!(
        "external_ref,debtor_name,principal,due_date\nUP-1,Ola Nordmann,250,{due}\nUP-2,Kari,abc,{due}\n"
    );
    let boundary = "innfri-test-boundary";
    let response = app
        .http
        .post(app.url("/console/agency/import"))
        .header("Cookie", format!("{SESSION}={session}"))
        .header("Origin", &app.base)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(upload_body(
            boundary,
            &[("csrf", &csrf), ("creditor", "nordlys-energi")],
            csv.as_bytes(),
        ))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.expect("html");
    assert!(
        html.contains("2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected"),
        "{html}"
    );
    assert!(
        html.contains("principal"),
        "the rejected row names its field"
    );
    let forged = app
        .http
        .post(app.url("/console/agency/import"))
        .header("Cookie", format!("{SESSION}={session}"))
        .header("Origin", &app.base)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(upload_body(
            boundary,
            &[("csrf", "wrong"), ("creditor", "nordlys-energi")],
            csv.replace("UP-1", "UP-9").as_bytes(),
        ))
        .send()
        .await
        .expect("upload");
    assert_eq!(forged.status().as_u16(), 403);

    let changes: Vec<String> = app
        .ctx
        .store
        .access_log(100)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.user.as_ref() == Some(&admin.user.id))
        .filter_map(|e| match e.kind {
            AccessKind::SettingsChanged { change } => Some(change),
            _ => None,
        })
        .collect();
    assert_eq!(changes.len(), 5, "{changes:?}");
    assert!(
        changes.iter().all(|c| !c.contains('@')),
        "no address in the log: {changes:?}"
    );

    // A handler has no settings.
    let handler2 = login_for(
        &app,
        "ola@a-inkasso.no",
        agency_scope("agency-a", Role::Handler),
    )
    .await;
    let h_session = log_in(&app, &handler2).await;
    let h_csrf = session_csrf(&app, &h_session).await;
    let (status, _) = page(&app, "/console/agency", &h_session).await;
    assert_eq!(status, 403);
    let refused = post(
        &app,
        "/console/agency/keys",
        &[(SESSION, &h_session)],
        &[("csrf", &h_csrf)],
    )
    .await;
    assert_eq!(refused.status().as_u16(), 403);
}

on_both_stores!(
    an_agency_admin_manages_keys_users_and_imports_cases,
    a_handler_pauses_resumes_and_erases_a_case_from_its_screen,
    an_agency_admin_reads_who_opened_which_case_and_no_one_else_does,
    one_address_is_slowed_whatever_names_it_tries,
    the_case_list_searches_and_pages_by_cursor,
    a_plan_request_is_previewed_with_other_months_then_approved,
    a_handler_sends_a_reminder_and_registers_a_payment_as_themself,
    a_handler_logs_in_with_password_and_totp_and_out_again,
    a_wrong_password_or_code_is_refused_and_logged,
    failed_logins_make_the_name_wait_longer_each_time,
    a_session_ends_after_thirty_idle_minutes_or_twelve_hours,
    a_form_without_its_token_or_from_another_site_changes_nothing,
    roles_and_tenants_see_and_change_only_what_they_may,
    a_handler_declines_a_dispute_from_the_review_queue,
    an_invitation_sets_the_password_and_enrols_totp_once,
);
