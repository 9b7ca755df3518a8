//! An agency admin's webhook endpoint through the console on both stores: a rotated secret
//! signs beside the new one for a day and then stops, a receiver that switched can retire it
//! at once, a moved address keeps the secret, a stopped endpoint gets nothing; only an admin
//! changes it, a bad or internal address changes nothing, and no secret reaches the log.

use chrono::Duration;
use innfri::clock::SettableClock;
use innfri::domain::ids::AgencyId;
use innfri::domain::staff::{AccessKind, Role, StaffScope};
use innfri::domain::webhook_secret::WebhookSecret;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::providers::WEBHOOK_SECRET;
use crate::common::{Backend, KEY_A, TestApp, case_body, csrf_of};
use crate::mandate_versions::{SESSION, log_in, page, pairs, post, user};

fn agency_a(role: Role) -> StaffScope {
    StaffScope::Agency {
        agency: AgencyId::parse("agency-a").expect("id"),
        role,
    }
}

/// A logged-in user of agency A: the session cookie and the page's anti-forgery token.
async fn console_as(app: &TestApp, email: &str, role: Role) -> (String, String) {
    let login = user(app, email, agency_a(role)).await;
    let session = log_in(app, &login).await;
    let (status, html) = page(app, "/console/cases", &session).await;
    assert_eq!(status, 200);
    (format!("{SESSION}={session}"), csrf_of(&html))
}

async fn submit(
    app: &TestApp,
    path: &str,
    cookie: &str,
    csrf: &str,
    url: &str,
) -> reqwest::Response {
    post(app, path, cookie, &pairs(&[("csrf", csrf), ("url", url)])).await
}

/// The endpoint agency A's admins saved, if any.
async fn saved(app: &TestApp) -> Option<innfri::domain::webhook_endpoint::WebhookSetting> {
    let agency = AgencyId::parse("agency-a").expect("id");
    app.ctx.store.webhook_setting(&agency).await.expect("read")
}

/// The secret a one-time page shows.
async fn shown_secret(response: reqwest::Response) -> WebhookSecret {
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.expect("html");
    let start = html.find("whsec_").expect("a secret is shown");
    let end = start + html[start..].find('<').expect("end");
    WebhookSecret::parse(&html[start..end]).expect("a valid secret")
}

/// A payment on a case of agency A: an event to deliver (taking a case in makes none).
async fn an_event(app: &TestApp, reference: &str) {
    let response = app
        .post_json("/api/v1/cases", Some(KEY_A), &case_body("W-0", "5000.00"))
        .await;
    let status = response.status().as_u16();
    assert!(status == 201 || status == 200, "{status}");
    let case: serde_json::Value = response.json().await.expect("json");
    let paid = app
        .post_json(
            &format!(
                "/api/v1/cases/{}/payments",
                case["id"].as_str().expect("id")
            ),
            Some(KEY_A),
            &serde_json::json!({ "reference": reference, "amount": "1" }).to_string(),
        )
        .await;
    assert_eq!(paid.status().as_u16(), 201);
}

/// Delivers what is due at the clock's time; the requests the receiver got in this pass.
async fn deliver(app: &TestApp, receiver: &MockServer) -> Vec<wiremock::Request> {
    let before = receiver.received_requests().await.expect("requests").len();
    app.ctx
        .deliverer()
        .expect("deliverer")
        .deliver_once(app.ctx.clock.now())
        .await
        .expect("store");
    receiver.received_requests().await.expect("requests")[before..].to_vec()
}

/// Which of `secrets` verify every delivery in `requests` (none when nothing came).
fn verified_by(requests: &[wiremock::Request], secrets: &[&WebhookSecret]) -> Vec<bool> {
    secrets
        .iter()
        .map(|secret| {
            !requests.is_empty()
                && requests.iter().all(|r| {
                    let header = |name: &str| r.headers[name].to_str().expect("ascii").to_owned();
                    let timestamp = header("webhook-timestamp").parse().expect("number");
                    secret.verify(
                        &header("webhook-id"),
                        timestamp,
                        &r.body,
                        &header("webhook-signature"),
                    )
                })
        })
        .collect()
}

async fn an_admin_rotates_the_signing_secret_without_a_delivery_the_receiver_cannot_verify(
    backend: Backend,
) {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let clock = SettableClock::at(chrono::Utc::now());
    let app = TestApp::builder()
        .store(backend)
        .clock(clock.clone())
        .webhook(&format!("{}/old", receiver.uri()), true)
        .start()
        .await;
    let configured = WebhookSecret::parse(WEBHOOK_SECRET).expect("secret");
    let (admin, csrf) = console_as(&app, "admin@a-inkasso.no", Role::Admin).await;

    // A handler may not: nothing changes.
    let (handler, handler_csrf) = console_as(&app, "kari@a-inkasso.no", Role::Handler).await;
    let refused = submit(
        &app,
        "/console/agency/webhook/rotate",
        &handler,
        &handler_csrf,
        "",
    )
    .await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(saved(&app).await.is_none());

    // A rotation: both secrets sign, so a receiver on either verifies.
    let rotated = submit(&app, "/console/agency/webhook/rotate", &admin, &csrf, "").await;
    let first = shown_secret(rotated).await;
    an_event(&app, "W-1").await;
    let requests = deliver(&app, &receiver).await;
    assert!(requests.iter().all(|r| r.url.path() == "/old"));
    assert_eq!(verified_by(&requests, &[&configured, &first]), [true, true]);
    let (_, html) = page(
        &app,
        "/console/agency",
        admin.split('=').nth(1).expect("session"),
    )
    .await;
    assert!(
        html.contains("beside the new one until"),
        "the overlap is shown"
    );
    assert!(
        !html.contains(&first.reveal()),
        "a secret is shown once only"
    );

    // A day later the old one no longer signs.
    clock.advance(Duration::hours(24));
    an_event(&app, "W-2").await;
    let requests = deliver(&app, &receiver).await;
    assert_eq!(
        verified_by(&requests, &[&configured, &first]),
        [false, true]
    );

    // (The day ended the admin's session: another admin goes on.)
    let (admin, csrf) = console_as(&app, "ola@a-inkasso.no", Role::Admin).await;
    // A moved address keeps its secret, and gets the events from where delivery stood.
    let moved = submit(
        &app,
        "/console/agency/webhook",
        &admin,
        &csrf,
        &format!("{}/new", receiver.uri()),
    )
    .await;
    assert_eq!(moved.status().as_u16(), 303, "no new secret to show");
    an_event(&app, "W-3").await;
    let requests = deliver(&app, &receiver).await;
    assert_eq!(requests.len(), 1, "only the new event");
    assert_eq!(requests[0].url.path(), "/new");
    assert_eq!(verified_by(&requests, &[&first]), [true]);

    // A receiver that switched retires the old secret at once.
    let second =
        shown_secret(submit(&app, "/console/agency/webhook/rotate", &admin, &csrf, "").await).await;
    let retired = submit(&app, "/console/agency/webhook/retire", &admin, &csrf, "").await;
    assert_eq!(retired.status().as_u16(), 303);
    an_event(&app, "W-4").await;
    let requests = deliver(&app, &receiver).await;
    assert_eq!(verified_by(&requests, &[&first, &second]), [false, true]);

    // A bad address changes nothing.
    let bad = submit(
        &app,
        "/console/agency/webhook",
        &admin,
        &csrf,
        "ftp://cases.example.no/",
    )
    .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(
        bad.text()
            .await
            .expect("html")
            .contains("url: must be a full address")
    );
    let kept = saved(&app).await.expect("saved");
    assert_eq!(kept.url.expect("url").url().path(), "/new");

    // Stopped: nothing is pushed, and the API says so.
    let stopped = submit(&app, "/console/agency/webhook/stop", &admin, &csrf, "").await;
    assert_eq!(stopped.status().as_u16(), 303);
    an_event(&app, "W-5").await;
    assert!(deliver(&app, &receiver).await.is_empty());
    let view: serde_json::Value = app
        .get_api("/api/v1/webhooks", KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert!(view["url"].is_null(), "{view}");

    // Every change is logged under the admin, and no secret with it.
    let changes: Vec<String> = app
        .ctx
        .store
        .access_log(1_000)
        .await
        .expect("log")
        .into_iter()
        .filter_map(|e| match e.kind {
            AccessKind::SettingsChanged { change } => Some(change),
            _ => None,
        })
        .filter(|c| c.contains("webhook"))
        .collect();
    assert_eq!(changes.len(), 5, "{changes:?}");
    assert!(changes.iter().all(|c| !c.contains("whsec_")));
}

async fn a_first_endpoint_gets_a_secret_and_an_address_inside_is_refused(backend: Backend) {
    // No endpoint configured, private destinations not allowed (the installation's default).
    let app = TestApp::builder().store(backend).start().await;
    let (admin, csrf) = console_as(&app, "admin@a-inkasso.no", Role::Admin).await;
    for (url, says) in [
        ("http://cases.example.no/hook", "url: must use https://"),
        ("https://127.0.0.1/hook", "url: names an address inside"),
        (
            "https://[::ffff:10.0.0.1]/hook",
            "url: names an address inside",
        ),
        (
            "https://ops:pw@cases.example.no/hook",
            "url: must not carry a user name",
        ),
    ] {
        let refused = submit(&app, "/console/agency/webhook", &admin, &csrf, url).await;
        assert_eq!(refused.status().as_u16(), 422, "{url}");
        let html = refused.text().await.expect("html");
        assert!(html.contains(says), "{url}: {html}");
    }
    assert!(saved(&app).await.is_none());
    let rotate = submit(&app, "/console/agency/webhook/rotate", &admin, &csrf, "").await;
    assert_eq!(
        rotate.status().as_u16(),
        422,
        "no endpoint, nothing to rotate"
    );

    let set = submit(
        &app,
        "/console/agency/webhook",
        &admin,
        &csrf,
        "https://cases.example.no/hook",
    )
    .await;
    let secret = shown_secret(set).await;
    let saved = saved(&app).await.expect("saved");
    assert_eq!(saved.signing_at(app.ctx.clock.now()).len(), 1);
    assert_eq!(saved.secrets[0].secret.reveal(), secret.reveal());
    let view: serde_json::Value = app
        .get_api("/api/v1/webhooks", KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(view["url"], "https://cases.example.no/hook");
    // A replay needs an endpoint, and now there is one.
    let replay = post(
        &app,
        "/console/agency/webhook/replay",
        &admin,
        &pairs(&[("csrf", &csrf), ("after", "")]),
    )
    .await;
    assert_eq!(replay.status().as_u16(), 303);
}

on_both_stores!(
    an_admin_rotates_the_signing_secret_without_a_delivery_the_receiver_cannot_verify,
    a_first_endpoint_gets_a_secret_and_an_address_inside_is_refused
);
