//! Creditor settings in the console as the issue checks them, through the real app on both
//! stores: a creditor user logs in with TOTP, edits the mandate, previews the debtor's pages
//! from the unsaved form (the store unchanged), saves, and a debtor link shows exactly the
//! offers the preview showed; and the journey editor (steps changed by buttons, problems named
//! by step and rule with everything typed kept, SMS parts counted, versions compared and
//! restored).

use chrono::Duration;
use innfri::domain::ids::CreditorId;
use innfri::domain::journey::{Journey, StepTiming};
use innfri::domain::setting_history::ChangedBy;
use innfri::domain::staff::{Role, StaffScope};
use serde_json::{Value, json};

use crate::common::cluster::RawRedis;
use crate::common::{Backend, KEY_A, TestApp, csrf_of};
use crate::mandate_versions::{
    MANDATE, SESSION, SETTINGS, console_app, form_of, get_json, log_in, page, post, set, user,
};

const JOURNEY_PAGE: &str = "/console/creditors/nordlys-energi/journey";

fn nordlys() -> CreditorId {
    CreditorId::parse("nordlys-energi").expect("id")
}

fn kari() -> StaffScope {
    StaffScope::Creditor {
        creditor: nordlys(),
    }
}

/// Everything the store holds that a preview could have written: every Redis key and value of
/// the app's namespace but the staff sessions (each request refreshes its own), or for the
/// embedded store everything its reads show (cases, versions, events, the access log).
async fn store_contents(app: &TestApp, backend: Backend) -> Vec<String> {
    if backend == Backend::Redis {
        let raw = RawRedis::open(false).await;
        let ns = app.ctx.config.settings.store.namespace.clone();
        let mut keys: Vec<String> = raw.query(::redis::cmd("KEYS").arg(format!("{ns}:*"))).await;
        keys.retain(|k| !k.contains(":staff:session:"));
        keys.sort();
        let mut out = Vec::new();
        for key in keys {
            let dumped: Vec<u8> = raw.query(::redis::cmd("DUMP").arg(&key)).await;
            out.push(format!("{key} {dumped:?}"));
        }
        return out;
    }
    let store = &app.ctx.store;
    let mut out = Vec::new();
    for agency in ["agency-a", "agency-b"] {
        let id = innfri::domain::ids::AgencyId::parse(agency).expect("id");
        let cases = store.agency_cases(&id, 0, 1000).await.expect("cases");
        out.push(serde_json::to_string(&cases).expect("json"));
        let events = store.events_after(&id, None, 1000).await.expect("events");
        out.push(format!("{} events", events.len()));
    }
    let mandates = store.mandate_versions(&nordlys()).await.expect("versions");
    out.push(format!("{} mandate versions", mandates.len()));
    let journeys = store.journey_versions(&nordlys()).await.expect("versions");
    out.push(format!("{} journey versions", journeys.len()));
    out.push(format!(
        "{} access entries",
        store.access_log(1000).await.expect("log").len()
    ));
    out
}

/// The part of `html` from the first `from` on, up to and including the next `to`.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("{from} in {html}"));
    let rest = &html[start..];
    let end = rest.find(to).unwrap_or_else(|| panic!("{to} after {from}"));
    &rest[..end + to.len()]
}

/// The debtor's page `id` of the preview, from its title to the end of its first form.
fn previewed_part<'a>(html: &'a str, id: &str) -> &'a str {
    between(
        between(html, &format!("id=\"{id}\""), "</article>"),
        "<h1>",
        "</form>",
    )
}

/// A debtor page's markup as the preview shows it: its links and form targets inert, the
/// session's token the preview's.
fn as_previewed(html: &str, csrf: &str) -> String {
    html.replace(csrf, "preview")
        .replace(" href=\"/", " data-debtor-href=\"/")
        .replace(
            " action=\"/",
            " action=\"#debtor-preview\" data-debtor-action=\"/",
        )
}

async fn a_creditor_user_previews_the_offers_saves_and_a_debtor_link_shows_exactly_those(
    backend: Backend,
) {
    let app = console_app(backend).await;
    let login = user(&app, "kari@nordlys.no", kari()).await;
    let session = log_in(&app, &login).await;
    let (status, html) = page(&app, SETTINGS, &session).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("formaction=\"{SETTINGS}/preview\"")),
        "the preview button sends the form as typed: {html}"
    );
    let mandate = get_json(&app, MANDATE, KEY_A, 200).await;
    assert_ne!(
        mandate["plan"]["max_months"],
        json!(8),
        "a change to preview"
    );
    let mut fields = form_of(&mandate, &csrf_of(&html));
    set(&mut fields, "plan.max_months", "8");
    set(&mut fields, "plan.auto_grant_months", "8");
    let today = app
        .ctx
        .clock
        .now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive();
    let due = (today - Duration::days(14)).format("%Y-%m-%d").to_string();
    let mut previewed = fields.clone();
    for (k, v) in [
        ("preview.balance", "12500"),
        ("preview.due_date", due.as_str()),
        ("preview.language", "nb"),
        ("preview.months", ""),
    ] {
        previewed.push((k.to_owned(), v.to_owned()));
    }

    let before = store_contents(&app, backend).await;
    let response = post(
        &app,
        &format!("{SETTINGS}/preview"),
        &format!("{SESSION}={session}"),
        &previewed,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let preview = response.text().await.expect("html");
    assert_eq!(
        store_contents(&app, backend).await,
        before,
        "a preview writes nothing"
    );
    assert_eq!(get_json(&app, MANDATE, KEY_A, 200).await, mandate);
    assert!(preview.contains("A preview, not saved"), "{preview}");
    assert!(
        preview.contains("<fieldset class=\"debtor-preview\" disabled>"),
        "its forms cannot submit"
    );
    let plan = between(&preview, "id=\"preview-plan\"", "</article>");
    assert!(
        plan.contains("<option value=\"8\"") && !plan.contains("<option value=\"9\""),
        "the unsaved longest plan: {plan}"
    );
    let asked = between(&preview, "id=\"preview-plan-asked\"", "</article>");
    assert!(
        preview.contains("<h2>The debtor asks for 14 months</h2>"),
        "a little over the unsaved longest plan"
    );
    assert!(
        asked.contains("data-debtor-action=\"/case/plan/confirm\""),
        "a counter-offer to accept, inert here: {asked}"
    );
    // The typed values are kept on the page.
    assert!(preview.contains("name=\"plan.max_months\" inputmode=\"numeric\" value=\"8\""));

    // Saved, and a debtor with that balance and due date opens the link.
    let response = post(&app, SETTINGS, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(response.status().as_u16(), 303);
    let body = json!({
        "external_ref": "P-1",
        "creditor_id": "nordlys-energi",
        "debtor": {"name": "Kari Nordmann", "phone": "912 34 567", "locale": "nb"},
        "claim": [{"kind": "principal", "description": "Faktura 1", "amount": "12500.00"}],
        "due_date": due,
    });
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &body.to_string())
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let case: Value = response.json().await.expect("json");
    let case_id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    let (cookie, csrf) = app.open_case(&case_id).await;

    let real = app.page_html("/case/more-time", &cookie).await;
    assert_eq!(
        previewed_part(&preview, "preview-more-time"),
        between(&as_previewed(&real, &csrf), "<h1>", "</form>"),
        "the same dates offered"
    );
    let real = app.page_html("/case/plan", &cookie).await;
    assert_eq!(
        previewed_part(&preview, "preview-plan"),
        between(&as_previewed(&real, &csrf), "<h1>", "</form>"),
        "the same plans offered"
    );
    let (status, real) = app
        .post_form("/case/plan/preview", &cookie, &csrf, &[("months", "14")])
        .await;
    assert_eq!(status, 422, "14 months is over the saved 8: {real}");
    assert_eq!(
        previewed_part(&preview, "preview-plan-asked"),
        between(&as_previewed(&real, &csrf), "<h1>", "</form>"),
        "the same counter-offer"
    );
}

async fn a_preview_with_a_broken_field_names_it_and_writes_nothing(backend: Backend) {
    let app = console_app(backend).await;
    let login = user(&app, "kari@nordlys.no", kari()).await;
    let session = log_in(&app, &login).await;
    let (_, html) = page(&app, SETTINGS, &session).await;
    let mandate = get_json(&app, MANDATE, KEY_A, 200).await;
    let mut fields = form_of(&mandate, &csrf_of(&html));
    set(&mut fields, "plan.establishment_fee", "99999");
    fields.push(("preview.balance".into(), "lots".into()));
    fields.push(("preview.due_date".into(), "2026-02-30".into()));
    fields.push(("preview.language".into(), "nb".into()));
    let before = store_contents(&app, backend).await;
    let response = post(
        &app,
        &format!("{SETTINGS}/preview"),
        &format!("{SESSION}={session}"),
        &fields,
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("href=\"#preview-balance\""), "{html}");
    assert!(html.contains("href=\"#preview-due_date\""), "{html}");
    assert!(html.contains("value=\"lots\""), "what was typed is kept");
    assert!(!html.contains("id=\"debtor-preview\""));
    assert_eq!(store_contents(&app, backend).await, before);

    // A viewer of an agency acting for the creditor reads the settings but previews nothing.
    let viewer = user(
        &app,
        "viewer@demo.no",
        StaffScope::Agency {
            agency: innfri::domain::ids::AgencyId::parse("agency-a").expect("id"),
            role: Role::Viewer,
        },
    )
    .await;
    let session = log_in(&app, &viewer).await;
    let (status, html) = page(&app, SETTINGS, &session).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("/preview\""),
        "no preview button for a read-only user"
    );
    let response = post(
        &app,
        &format!("{SETTINGS}/preview"),
        &format!("{SESSION}={session}"),
        &[("csrf".to_owned(), csrf_of(&html))],
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
}

/// The journey form as the page sends it, read back from the page itself: every input and
/// selected option with its value, and checked checkboxes.
fn journey_fields(html: &str) -> Vec<(String, String)> {
    let form = between(html, "id=\"journey-steps\"", "</form>");
    let mut fields = Vec::new();
    for piece in form.split('<').skip(1) {
        let attr = |name: &str| {
            piece
                .split_once(&format!(" {name}=\""))
                .and_then(|(_, rest)| rest.split('"').next())
                .map(|v| v.replace("&quot;", "\"").replace("&amp;", "&"))
        };
        if piece.starts_with("input") {
            let (Some(name), value) = (attr("name"), attr("value")) else {
                continue;
            };
            if attr("type").as_deref() == Some("checkbox") {
                if piece.contains(" checked") {
                    fields.push((name, "on".into()));
                }
            } else {
                fields.push((name, value.unwrap_or_default()));
            }
        } else if piece.starts_with("select") {
            let name = attr("name").expect("select name");
            let rest = between(form, &format!("name=\"{name}\""), "</select>");
            let chosen = rest
                .split("<option ")
                .find(|o| o.contains(" selected"))
                .and_then(|o| o.split_once("value=\""))
                .and_then(|(_, v)| v.split('"').next())
                .expect("a selected option")
                .to_owned();
            fields.push((name, chosen));
        }
    }
    fields
}

fn with(mut fields: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_owned(), value.to_owned()));
    fields
}

async fn journey(app: &TestApp) -> Journey {
    app.ctx
        .creditor(&nordlys())
        .await
        .expect("store")
        .expect("creditor")
        .journey
}

async fn a_creditor_user_edits_the_journey_with_buttons_and_saves_it_as_a_version(
    backend: Backend,
) {
    let app = TestApp::builder()
        .store(backend)
        .with_journey()
        .start()
        .await;
    let configured = journey(&app).await;
    assert!(configured.steps.len() >= 2, "the shipped demo journey");
    let login = user(&app, "kari@nordlys.no", kari()).await;
    let session = log_in(&app, &login).await;
    let cookie = format!("{SESSION}={session}");
    let (status, html) = page(&app, JOURNEY_PAGE, &session).await;
    assert_eq!(status, 200);
    let first = &configured.steps[0];
    assert!(html.contains(&format!("value=\"{}\"", first.id)));
    // Each SMS with its parts, counted on the server for a sample case.
    assert!(html.contains("SMS parts"), "{html}");
    assert!(html.contains("class=\"parts\" data-parts=\"1\""), "{html}");
    assert!(
        html.contains("https://pay.innkreving-as.no/k/"),
        "the text as the sample case gets it: {html}"
    );

    // Moving the first step down only changes the page.
    let fields = with(journey_fields(&html), "action", "down-0");
    let response = post(&app, JOURNEY_PAGE, &cookie, &fields).await;
    assert_eq!(response.status().as_u16(), 200);
    let moved = response.text().await.expect("html");
    assert!(
        between(&moved, "id=\"step-1\"", "</legend>").contains(&first.id),
        "the first step is second now"
    );
    assert_eq!(journey(&app).await, configured, "nothing saved yet");

    // Saving it so: a nudge after the purring breaks the order of notices; the problem names
    // the step and the rule, and everything typed is kept.
    let fields = with(journey_fields(&moved), "action", "save");
    let fields = with(fields, "steps[0].id", "renamed-step");
    let response = post(&app, JOURNEY_PAGE, &cookie, &fields).await;
    assert_eq!(response.status().as_u16(), 422);
    let refused = response.text().await.expect("html");
    assert!(refused.contains("href=\"#step-1\""), "{refused}");
    assert!(refused.contains("(order)"), "the rule named: {refused}");
    assert!(refused.contains("value=\"renamed-step\""), "typed kept");
    assert_eq!(
        journey(&app).await,
        configured,
        "a refused journey changes nothing"
    );

    // A change that passes: a longer wait before the first step, saved as version 2 by Kari.
    let fields = with(journey_fields(&html), "action", "save");
    let fields = with(fields, "steps[0].days", "5");
    let fields = with(fields, "steps[0].anchor", "due");
    let response = post(&app, JOURNEY_PAGE, &cookie, &fields).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let saved = journey(&app).await;
    assert_eq!(saved.steps[0].when, StepTiming::AfterDueDate(5));
    assert_eq!(saved.steps[1..], configured.steps[1..]);
    let versions = app
        .ctx
        .store
        .journey_versions(&nordlys())
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[1].by,
        ChangedBy::Staff {
            user: login.user.id.clone()
        }
    );

    // Compared, then restored from the console as version 3.
    let (status, compared) = page(&app, &format!("{JOURNEY_PAGE}/compare?a=1&b=2"), &session).await;
    assert_eq!(status, 200);
    assert!(compared.contains("<td>5</td>"), "{compared}");
    let (_, html) = page(&app, JOURNEY_PAGE, &session).await;
    let response = post(
        &app,
        &format!("{JOURNEY_PAGE}/versions/1/restore"),
        &cookie,
        &[("csrf".to_owned(), csrf_of(&html))],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(journey(&app).await, configured);
    assert_eq!(
        app.ctx
            .store
            .journey_versions(&nordlys())
            .await
            .expect("versions")
            .len(),
        3
    );
}

async fn a_journey_with_a_broken_rule_is_refused_by_the_same_check_as_put(backend: Backend) {
    let app = TestApp::builder()
        .store(backend)
        .with_journey()
        .start()
        .await;
    let configured = journey(&app).await;
    let login = user(&app, "kari@nordlys.no", kari()).await;
    let session = log_in(&app, &login).await;
    let cookie = format!("{SESSION}={session}");
    let (_, html) = page(&app, JOURNEY_PAGE, &session).await;
    let fields = with(journey_fields(&html), "action", "save");
    let fields = with(fields, "steps[0].texts[0].text", "no-such-text");
    let response = post(&app, JOURNEY_PAGE, &cookie, &fields).await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("(text_missing)"), "the rule named: {html}");
    assert!(
        html.contains(&format!("step &quot;{}&quot;", configured.steps[0].id)),
        "the step named: {html}"
    );
    assert!(html.contains("value=\"no-such-text\""), "typed kept");
    assert!(html.contains("href=\"#step-0\""));
    assert_eq!(journey(&app).await, configured);

    // A handler reads the journey but cannot change it.
    let handler = user(
        &app,
        "handler@demo.no",
        StaffScope::Agency {
            agency: innfri::domain::ids::AgencyId::parse("agency-a").expect("id"),
            role: Role::Handler,
        },
    )
    .await;
    let session = log_in(&app, &handler).await;
    let (status, html) = page(&app, JOURNEY_PAGE, &session).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Save as a new version"));
    let fields = with(journey_fields(&html), "action", "save");
    let fields = with(fields, "csrf", &csrf_of(&html));
    let response = post(&app, JOURNEY_PAGE, &format!("{SESSION}={session}"), &fields).await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(journey(&app).await, configured);
}

on_both_stores!(
    a_creditor_user_previews_the_offers_saves_and_a_debtor_link_shows_exactly_those,
    a_preview_with_a_broken_field_names_it_and_writes_nothing,
    a_creditor_user_edits_the_journey_with_buttons_and_saves_it_as_a_version,
    a_journey_with_a_broken_rule_is_refused_by_the_same_check_as_put,
);
