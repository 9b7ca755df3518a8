//! Versions of a creditor's mandate and journey through the real app on both stores: every
//! change (API `PUT`, console save, restore) kept with who and when, decisions on debtors'
//! requests recording the version they were made under, the creditor's `changes_by` refusing
//! an agency it does not name, and the console's settings form (errors tied to fields, typed
//! values kept, read-only roles refused).

use chrono::{DateTime, Duration, Utc};
use innfri::domain::event::EventKind;
use innfri::domain::ids::{AgencyId, CreditorId};
use innfri::domain::setting_history::ChangedBy;
use innfri::domain::staff::{Role, StaffScope, StaffUser};
use innfri::service::staff;
use serde_json::{Value, json};

use crate::common::{Backend, KEY_A, KEY_B, TestApp, csrf_of, debtor, spawn_app};

pub(crate) const MANDATE: &str = "/api/v1/creditors/nordlys-energi/mandate";
pub(crate) const JOURNEY: &str = "/api/v1/creditors/nordlys-energi/journey";
pub(crate) const SETTINGS: &str = "/console/creditors/nordlys-energi/settings";
pub(crate) const SESSION: &str = "innfri-staff";
const FORM: &str = "innfri-staff-form";

pub(crate) fn creditor() -> CreditorId {
    CreditorId::parse("nordlys-energi").expect("id")
}

pub(crate) async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    key: &str,
    body: &str,
) -> reqwest::Response {
    let request = match method {
        "put" => app.http.put(app.url(path)),
        _ => app.http.post(app.url(path)),
    };
    request
        .bearer_auth(key)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

pub(crate) async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body:#}");
    body
}

pub(crate) async fn get_json(app: &TestApp, path: &str, key: &str, status: u16) -> Value {
    json_of(app.get_api(path, key).await, status).await
}

/// The public id of a key, as versions record it.
fn key_id(key: &str) -> String {
    innfri::tenants::key_id(&innfri::config::api_key_hash(key))
}

async fn every_put_and_restore_keeps_a_version_with_who_and_when(backend: Backend) {
    let app = spawn_app(backend).await;
    let configured = get_json(&app, MANDATE, KEY_A, 200).await;
    let list = get_json(&app, &format!("{MANDATE}/versions"), KEY_A, 200).await;
    assert_eq!(
        list,
        json!({"versions": [{"number": 1, "by": {"kind": "configuration"}, "at": null, "in_force": true}]}),
        "the file is version 1"
    );

    let before = Utc::now();
    let mut changed = configured.clone();
    changed["plan"]["max_months"] = json!(6);
    changed["plan"]["auto_grant_months"] = json!(6);
    json_of(
        send(&app, "put", MANDATE, KEY_A, &changed.to_string()).await,
        200,
    )
    .await;
    let list = get_json(&app, &format!("{MANDATE}/versions"), KEY_A, 200).await;
    let versions = list["versions"].as_array().expect("list");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["in_force"], false);
    assert_eq!(
        versions[1]["by"],
        json!({"kind": "agency", "agency": "agency-a", "key_id": key_id(KEY_A)})
    );
    let at: DateTime<Utc> = versions[1]["at"]
        .as_str()
        .expect("at")
        .parse()
        .expect("time");
    assert!(
        at >= before - Duration::seconds(1) && at <= Utc::now(),
        "{at}"
    );
    assert_eq!(versions[1]["in_force"], true);

    // Each version with what it said; B, acting for the creditor, reads them too.
    let one = get_json(&app, &format!("{MANDATE}/versions/1"), KEY_B, 200).await;
    assert_eq!(one["mandate"], configured);
    let two = get_json(&app, &format!("{MANDATE}/versions/2"), KEY_A, 200).await;
    assert_eq!(two["mandate"], changed);
    for missing in ["3", "0", "x"] {
        let body = get_json(&app, &format!("{MANDATE}/versions/{missing}"), KEY_A, 404).await;
        assert_eq!(body["error"], "version_not_found");
    }

    // Restoring version 1 makes it version 3, in force at once.
    let restored = json_of(
        send(
            &app,
            "post",
            &format!("{MANDATE}/versions/1/restore"),
            KEY_A,
            "",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(restored["number"], 3);
    assert_eq!(restored["mandate"], configured);
    assert_eq!(get_json(&app, MANDATE, KEY_A, 200).await, configured);
    let stored = app
        .ctx
        .store
        .mandate_versions(&creditor())
        .await
        .expect("versions");
    assert_eq!(
        stored.iter().map(|v| v.number).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(stored[0].by, ChangedBy::Configuration);
    let not_there = send(
        &app,
        "post",
        &format!("{MANDATE}/versions/9/restore"),
        KEY_A,
        "",
    )
    .await;
    assert_eq!(json_of(not_there, 404).await["error"], "version_not_found");

    // The journey likewise.
    let journey = get_json(&app, JOURNEY, KEY_A, 200).await;
    json_of(
        send(&app, "put", JOURNEY, KEY_A, &journey.to_string()).await,
        200,
    )
    .await;
    let list = get_json(&app, &format!("{JOURNEY}/versions"), KEY_A, 200).await;
    assert_eq!(list["versions"].as_array().expect("list").len(), 2);
    assert_eq!(list["versions"][1]["by"]["agency"], "agency-a");
    let one = get_json(&app, &format!("{JOURNEY}/versions/1"), KEY_A, 200).await;
    assert_eq!(one["journey"], journey);
    json_of(
        send(
            &app,
            "post",
            &format!("{JOURNEY}/versions/1/restore"),
            KEY_A,
            "",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        app.ctx
            .store
            .journey_versions(&creditor())
            .await
            .expect("versions")
            .len(),
        3
    );
}

async fn an_agency_the_creditor_does_not_name_is_refused_and_changes_nothing(backend: Backend) {
    // Both agencies act for the creditor; its `changes_by` names A only.
    let app = spawn_app(backend).await;
    let mandate = get_json(&app, MANDATE, KEY_B, 200).await;
    let mut changed = mandate.clone();
    changed["deferral"]["allowed"] = json!(false);
    let journey = get_json(&app, JOURNEY, KEY_B, 200).await;
    for (method, path, body) in [
        ("put", MANDATE.to_owned(), changed.to_string()),
        ("put", JOURNEY.to_owned(), journey.to_string()),
        (
            "post",
            format!("{MANDATE}/versions/1/restore"),
            String::new(),
        ),
        (
            "post",
            format!("{JOURNEY}/versions/1/restore"),
            String::new(),
        ),
    ] {
        let body = json_of(send(&app, method, &path, KEY_B, &body).await, 403).await;
        assert_eq!(body["error"], "change_not_allowed", "{method} {path}");
    }
    assert_eq!(get_json(&app, MANDATE, KEY_A, 200).await, mandate);
    assert!(
        app.ctx
            .store
            .mandate_versions(&creditor())
            .await
            .expect("versions")
            .is_empty()
    );
    assert!(
        app.ctx
            .store
            .journey_versions(&creditor())
            .await
            .expect("versions")
            .is_empty()
    );
    // A may.
    json_of(
        send(&app, "put", MANDATE, KEY_A, &changed.to_string()).await,
        200,
    )
    .await;
    assert_eq!(get_json(&app, MANDATE, KEY_B, 200).await, changed);
}

/// The `mandate_version` in agency A's events of `kind`.
async fn versions_in_events(app: &TestApp, kind: EventKind) -> Vec<Value> {
    app.ctx
        .store
        .events_after(&AgencyId::parse("agency-a").expect("id"), None, 1000)
        .await
        .expect("events")
        .into_iter()
        .filter(|(_, e)| e.kind == kind)
        .map(|(_, e)| e.data["mandate_version"].clone())
        .collect()
}

async fn a_decision_records_the_mandate_version_it_was_made_under(backend: Backend) {
    let d = debtor(backend, "1200.00").await;
    // Under version 1 (the file): more time granted at once.
    let asked = d.case().await.due_date + Duration::days(7);
    let (status, html) = d
        .post("/case/more-time", &[("date", &asked.to_string())])
        .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        versions_in_events(&d.app, EventKind::DeferralGranted).await,
        vec![json!(1)]
    );
    let case = d.case().await;
    let line = case
        .audit
        .iter()
        .find(|a| a.action == "deferral.granted")
        .expect("audit line");
    assert!(line.detail.contains("mandate version 1"), "{}", line.detail);

    // A new version (nothing granted at once any more), then a request the agency approves.
    let mut mandate = get_json(&d.app, MANDATE, KEY_A, 200).await;
    mandate["deferral"]["auto_grant_days"] = json!(0);
    json_of(
        send(&d.app, "put", MANDATE, KEY_A, &mandate.to_string()).await,
        200,
    )
    .await;
    let asked = d.case().await.due_date + Duration::days(7);
    let (status, html) = d
        .post("/case/more-time", &[("date", &asked.to_string())])
        .await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(
        versions_in_events(&d.app, EventKind::DeferralRequested).await,
        vec![json!(2)],
        "sent to review under version 2"
    );
    let id = d.app.first_request_id(&d.case_id).await;
    let approved = d
        .app
        .post_json(
            &format!("/api/v1/cases/{}/requests/{id}/approve", d.case_id),
            Some(KEY_A),
            "{}",
        )
        .await;
    assert_eq!(approved.status().as_u16(), 200);
    assert_eq!(
        versions_in_events(&d.app, EventKind::DeferralGranted).await,
        vec![json!(1), json!(2)],
        "approved under version 2"
    );
    let case = d.case().await;
    let last = case
        .audit
        .iter()
        .rev()
        .find(|a| a.action == "deferral.granted")
        .expect("audit line");
    assert!(last.detail.contains("mandate version 2"), "{}", last.detail);
}

// The console.

pub(crate) struct Login {
    pub(crate) user: StaffUser,
    password: String,
}

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

pub(crate) async fn post(
    app: &TestApp,
    path: &str,
    cookie: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
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

pub(crate) fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

pub(crate) async fn user(app: &TestApp, email: &str, scope: StaffScope) -> Login {
    let (user, password) = staff::demo_user(&app.ctx, email, scope, app.ctx.clock.now())
        .await
        .expect("user");
    Login { user, password }
}

/// Logs in with password and TOTP; the session cookie's value.
pub(crate) async fn log_in(app: &TestApp, login: &Login) -> String {
    let page = app
        .http
        .get(app.url("/console/login"))
        .send()
        .await
        .expect("get");
    let form = set_cookie(&page, FORM).expect("form cookie");
    let csrf = csrf_of(&page.text().await.expect("html"));
    let response = post(
        app,
        "/console/login",
        &format!("{FORM}={form}"),
        &pairs(&[
            ("csrf", &csrf),
            ("email", login.user.email.as_str()),
            ("password", &login.password),
        ]),
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let pending = set_cookie(&response, SESSION).expect("pending");
    let page = app
        .http
        .get(app.url("/console/login/code"))
        .send()
        .await
        .expect("get");
    let form = set_cookie(&page, FORM).expect("form cookie");
    let csrf = csrf_of(&page.text().await.expect("html"));
    let code = staff::totp(&login.user.totp_secret, &login.user.email)
        .expect("totp")
        .generate(app.ctx.clock.now().timestamp() as u64);
    let response = post(
        app,
        "/console/login/code",
        &format!("{FORM}={form}; {SESSION}={pending}"),
        &pairs(&[("csrf", &csrf), ("code", &code)]),
    )
    .await;
    assert_eq!(response.status().as_u16(), 303, "code accepted");
    set_cookie(&response, SESSION).expect("session")
}

pub(crate) async fn page(app: &TestApp, path: &str, session: &str) -> (u16, String) {
    let response = app
        .get_with_cookie(path, &format!("{SESSION}={session}"))
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

/// The settings form as a browser would send it for `mandate` (the API's JSON).
pub(crate) fn form_of(mandate: &Value, csrf: &str) -> Vec<(String, String)> {
    let mut fields = vec![("csrf".to_owned(), csrf.to_owned())];
    for (section, rules) in mandate.as_object().expect("mandate") {
        for (key, value) in rules.as_object().expect("section") {
            let name = format!("{section}.{key}");
            match value {
                Value::Bool(true) => fields.push((name, "on".into())),
                Value::Bool(false) => {}
                Value::Null => fields.push((name, String::new())),
                Value::String(s) => fields.push((name, s.clone())),
                Value::Object(map) => {
                    let (kind, v) = map.iter().next().expect("first payment");
                    fields.push((name.clone(), kind.clone()));
                    fields.push((format!("{name}.value"), v.as_str().unwrap_or("").into()));
                }
                other => fields.push((name, other.to_string())),
            }
        }
    }
    if mandate["plan"]["first_payment"].is_null() {
        fields.retain(|(k, _)| k != "plan.first_payment");
        fields.push(("plan.first_payment".into(), "none".into()));
    }
    fields
}

pub(crate) fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    for (k, v) in fields.iter_mut() {
        if k == name {
            *v = value.to_owned();
        }
    }
}

pub(crate) async fn console_app(backend: Backend) -> TestApp {
    TestApp::builder().store(backend).start().await
}

async fn a_creditor_user_saves_the_form_as_a_version_and_compares_it(backend: Backend) {
    let app = console_app(backend).await;
    let login = user(
        &app,
        "kari@nordlys.no",
        StaffScope::Creditor {
            creditor: creditor(),
        },
    )
    .await;
    let session = log_in(&app, &login).await;
    let (status, html) = page(&app, "/console/settings", &session).await;
    assert_eq!(
        status, 303,
        "a creditor user goes to its own settings: {html}"
    );
    let (status, html) = page(&app, SETTINGS, &session).await;
    assert_eq!(status, 200);
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let cap = innfri::domain::jurisdiction::no::max_plan_fee(today, u32::MAX);
    assert!(
        html.contains(&format!("legal limit {cap} kr today")),
        "the fee cap beside the field"
    );
    assert!(html.contains("Save as a new version"));

    let mandate = get_json(&app, MANDATE, KEY_A, 200).await;
    let mut fields = form_of(&mandate, &csrf_of(&html));
    set(&mut fields, "plan.max_months", "6");
    set(&mut fields, "plan.auto_grant_months", "6");
    let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let now_in_force = get_json(&app, MANDATE, KEY_A, 200).await;
    let mut expected = mandate.clone();
    expected["plan"]["max_months"] = json!(6);
    expected["plan"]["auto_grant_months"] = json!(6);
    assert_eq!(
        now_in_force, expected,
        "the form changes only what was changed"
    );
    let versions = app
        .ctx
        .store
        .mandate_versions(&creditor())
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[1].by,
        ChangedBy::Staff {
            user: login.user.id.clone()
        }
    );
    assert!(versions[1].at.is_some());

    let (status, html) = page(&app, &format!("{SETTINGS}/compare?a=1&b=2"), &session).await;
    assert_eq!(status, 200);
    assert!(html.contains("<code>plan.max_months</code>"), "{html}");
    assert!(html.contains("<td>12</td><td>6</td>"), "{html}");
    assert!(
        !html.contains("<code>plan.min_instalment</code>"),
        "unchanged fields are left out"
    );

    // Restore from the console: version 1 comes back as version 3.
    let (_, html) = page(&app, SETTINGS, &session).await;
    let response = post(
        &app,
        &format!("{SETTINGS}/versions/1/restore"),
        &format!("{SESSION}={session}"),
        &pairs(&[("csrf", &csrf_of(&html))]),
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(get_json(&app, MANDATE, KEY_A, 200).await, mandate);
    assert_eq!(
        app.ctx
            .store
            .mandate_versions(&creditor())
            .await
            .expect("versions")
            .len(),
        3
    );
}

async fn an_invalid_field_shows_its_error_keeps_what_was_typed_and_changes_nothing(
    backend: Backend,
) {
    let app = console_app(backend).await;
    let login = user(
        &app,
        "kari@nordlys.no",
        StaffScope::Creditor {
            creditor: creditor(),
        },
    )
    .await;
    let session = log_in(&app, &login).await;
    let (_, html) = page(&app, SETTINGS, &session).await;
    let mandate = get_json(&app, MANDATE, KEY_A, 200).await;
    let csrf = csrf_of(&html);

    // Over the law's fee cap: the same check as PUT and check-config.
    let mut fields = form_of(&mandate, &csrf);
    set(&mut fields, "plan.establishment_fee", "99999");
    let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("Nothing was saved"), "{html}");
    assert!(
        html.contains("id=\"plan-establishment_fee-error\""),
        "the error at its field"
    );
    assert!(html.contains("exceeds the legal limit"), "{html}");
    assert!(html.contains("value=\"99999\""), "what was typed is kept");

    // Not a number at all.
    let mut fields = form_of(&mandate, &csrf);
    set(&mut fields, "deferral.max_days", "thirty");
    let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("id=\"deferral-max_days-error\""), "{html}");
    assert!(html.contains("value=\"thirty\""));

    // Without the form's token.
    let mut fields = form_of(&mandate, "forged");
    set(&mut fields, "plan.max_months", "6");
    let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(response.status().as_u16(), 403);

    assert_eq!(get_json(&app, MANDATE, KEY_A, 200).await, mandate);
    assert!(
        app.ctx
            .store
            .mandate_versions(&creditor())
            .await
            .expect("versions")
            .is_empty(),
        "nothing was saved"
    );
}

async fn viewers_handlers_and_unnamed_agencies_read_but_cannot_save(backend: Backend) {
    let app = console_app(backend).await;
    let mandate = get_json(&app, MANDATE, KEY_A, 200).await;
    let agency = |id: &str, role| StaffScope::Agency {
        agency: AgencyId::parse(id).expect("id"),
        role,
    };
    for (email, scope) in [
        ("viewer@a.no", agency("agency-a", Role::Viewer)),
        ("handler@a.no", agency("agency-a", Role::Handler)),
        // B acts for the creditor, but its changes_by names only A.
        ("admin@b.no", agency("agency-b", Role::Admin)),
    ] {
        let login = user(&app, email, scope).await;
        let session = log_in(&app, &login).await;
        let (status, html) = page(&app, SETTINGS, &session).await;
        assert_eq!(status, 200, "{email} reads the settings");
        assert!(
            !html.contains("Save as a new version"),
            "{email}: read only"
        );
        let mut fields = form_of(&mandate, &csrf_of(&html));
        set(&mut fields, "plan.max_months", "6");
        let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
        assert_eq!(response.status().as_u16(), 403, "{email} may not save");
        let response = post(
            &app,
            &format!("{SETTINGS}/versions/1/restore"),
            &format!("{SESSION}={session}"),
            &pairs(&[("csrf", &csrf_of(&html))]),
        )
        .await;
        assert_eq!(response.status().as_u16(), 403, "{email} may not restore");
    }
    assert!(
        app.ctx
            .store
            .mandate_versions(&creditor())
            .await
            .expect("versions")
            .is_empty()
    );
    // Another creditor's user does not even see it.
    let other = user(
        &app,
        "per@fjell.no",
        StaffScope::Creditor {
            creditor: CreditorId::parse("fjell-kraft").expect("id"),
        },
    )
    .await;
    let session = log_in(&app, &other).await;
    assert_eq!(page(&app, SETTINGS, &session).await.0, 404);

    // An admin of A, which the creditor names, may.
    let admin = user(&app, "admin@a.no", agency("agency-a", Role::Admin)).await;
    let session = log_in(&app, &admin).await;
    let (_, html) = page(&app, SETTINGS, &session).await;
    assert!(html.contains("Save as a new version"));
    let mut fields = form_of(&mandate, &csrf_of(&html));
    set(&mut fields, "plan.max_months", "6");
    set(&mut fields, "plan.auto_grant_months", "6");
    let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        get_json(&app, MANDATE, KEY_A, 200).await["plan"]["max_months"],
        6
    );
}

/// The form has no fields for limited agreements: saving it keeps the rules in force.
async fn a_console_save_keeps_the_limited_agreement_rules(backend: Backend) {
    let app = console_app(backend).await;
    let mut mandate = get_json(&app, MANDATE, KEY_A, 200).await;
    mandate["plan"]["limited"] = json!({"allowed": true, "min_instalment": "100", "max_months": 6});
    json_of(
        send(&app, "put", MANDATE, KEY_A, &mandate.to_string()).await,
        200,
    )
    .await;
    let limited = get_json(&app, MANDATE, KEY_A, 200).await["plan"]["limited"].clone();
    assert_eq!(limited["allowed"], json!(true), "{limited}");
    let login = user(
        &app,
        "kari@nordlys.no",
        StaffScope::Creditor {
            creditor: creditor(),
        },
    )
    .await;
    let session = log_in(&app, &login).await;
    let (_, html) = page(&app, SETTINGS, &session).await;
    let current = get_json(&app, MANDATE, KEY_A, 200).await;
    let mut fields = form_of(&current, &csrf_of(&html));
    set(&mut fields, "follow_up.grace_days", "5");
    let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(response.status().as_u16(), 303);
    let saved = get_json(&app, MANDATE, KEY_A, 200).await;
    assert_eq!(saved["follow_up"]["grace_days"], json!(5));
    assert_eq!(saved["plan"]["limited"], limited, "still in force");
}

on_both_stores!(
    a_console_save_keeps_the_limited_agreement_rules,
    every_put_and_restore_keeps_a_version_with_who_and_when,
    an_agency_the_creditor_does_not_name_is_refused_and_changes_nothing,
    a_decision_records_the_mandate_version_it_was_made_under,
    a_creditor_user_saves_the_form_as_a_version_and_compares_it,
    an_invalid_field_shows_its_error_keeps_what_was_typed_and_changes_nothing,
    viewers_handlers_and_unnamed_agencies_read_but_cannot_save,
);
