//! Webhook delivery through the real app on both stores: a receiver that is down for a while
//! gets every event later, in order, each verifying with the Standard Webhooks algorithm; 410
//! disables the endpoint; private destinations (in any IPv6 disguise, and after DNS rebinding)
//! are refused unless allowed.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::providers::WEBHOOK_SECRET as SECRET;
use crate::common::{self, Backend, TestApp};
use chrono::Duration;
use innfri::domain::webhook_secret::WebhookSecret;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn app_with_webhook(backend: Backend, receiver: &MockServer, allow_private: bool) -> TestApp {
    app_with_webhook_url(backend, &format!("{}/hooks", receiver.uri()), allow_private).await
}

async fn app_with_webhook_url(backend: Backend, url: &str, allow_private: bool) -> TestApp {
    TestApp::builder()
        .store(backend)
        .webhook(url, allow_private)
        .start()
        .await
}

/// Three events for agency A: the case opened twice by the debtor, then a payment.
async fn make_events(app: &TestApp) {
    let case = app.create_case("H-1", "1200.00").await;
    let id = innfri::domain::ids::CaseId::parse(case["id"].as_str().expect("id")).expect("id");
    for _ in 0..2 {
        app.open_link(&app.ctx.issue_case_link(&id).await.expect("link"))
            .await
            .expect("session");
    }
    let paid = app
        .post_json(
            &format!("/api/v1/cases/{id}/payments"),
            Some(common::KEY_A),
            r#"{"reference": "r", "amount": "1"}"#,
        )
        .await;
    assert_eq!(paid.status().as_u16(), 201);
}

async fn a_receiver_that_was_down_gets_every_event_later_in_order_and_signed(backend: Backend) {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let app = app_with_webhook(backend, &receiver, true).await;
    make_events(&app).await;
    let deliverer = app.ctx.deliverer().expect("deliverer");
    let now = chrono::Utc::now();

    assert_eq!(
        deliverer.deliver_once(now).await.expect("store"),
        0,
        "down: nothing delivered"
    );
    assert_eq!(
        deliverer
            .deliver_once(now + Duration::seconds(1))
            .await
            .expect("store"),
        0
    );
    assert_eq!(
        receiver.received_requests().await.expect("requests").len(),
        1,
        "no retry before the backoff"
    );
    assert_eq!(
        deliverer
            .deliver_once(now + Duration::seconds(10))
            .await
            .expect("store"),
        0,
        "still down"
    );
    assert_eq!(
        deliverer
            .deliver_once(now + Duration::minutes(10))
            .await
            .expect("store"),
        3,
        "up again: everything"
    );
    assert_eq!(
        deliverer
            .deliver_once(now + Duration::minutes(11))
            .await
            .expect("store"),
        0,
        "nothing twice"
    );

    let requests = receiver.received_requests().await.expect("requests");
    assert_eq!(requests.len(), 5);
    let secret = WebhookSecret::parse(SECRET).expect("secret");
    let delivered = &requests[2..];
    let mut types = Vec::new();
    for request in delivered {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .expect(name)
                .to_owned()
        };
        let (id, timestamp, signature) = (
            header("webhook-id"),
            header("webhook-timestamp"),
            header("webhook-signature"),
        );
        assert!(id.starts_with("evt_"));
        assert!(
            secret.verify(
                &id,
                timestamp.parse().expect("timestamp"),
                &request.body,
                &signature
            ),
            "signature verifies"
        );
        let body: serde_json::Value = serde_json::from_slice(&request.body).expect("json");
        types.push(body["type"].as_str().expect("type").to_owned());
    }
    assert_eq!(
        types,
        vec!["case.viewed", "case.viewed", "payment.succeeded"]
    );
    // The retried first event keeps its id across attempts.
    assert_eq!(
        requests[0].headers.get("webhook-id"),
        delivered[0].headers.get("webhook-id")
    );
}

async fn gone_disables_the_endpoint(backend: Backend) {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(410))
        .mount(&receiver)
        .await;
    let app = app_with_webhook(backend, &receiver, true).await;
    make_events(&app).await;
    let deliverer = app.ctx.deliverer().expect("deliverer");
    let now = chrono::Utc::now();
    deliverer.deliver_once(now).await.expect("store");
    deliverer
        .deliver_once(now + Duration::days(1))
        .await
        .expect("store");
    assert_eq!(
        receiver.received_requests().await.expect("requests").len(),
        1
    );
}

async fn a_loopback_endpoint_is_refused_unless_allowed(backend: Backend) {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let app = app_with_webhook(backend, &receiver, false).await;
    make_events(&app).await;
    let deliverer = app.ctx.deliverer().expect("deliverer");
    assert_eq!(
        deliverer
            .deliver_once(chrono::Utc::now())
            .await
            .expect("store"),
        0
    );
    assert!(
        receiver
            .received_requests()
            .await
            .expect("requests")
            .is_empty(),
        "nothing reaches a loopback address"
    );
}

fn webhook_ids(requests: &[wiremock::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            r.headers
                .get("webhook-id")
                .and_then(|v| v.to_str().ok())
                .expect("webhook-id")
                .to_owned()
        })
        .collect()
}

async fn delivery_replays_from_a_cursor_and_re_enables_a_disabled_endpoint(backend: Backend) {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(410))
        .up_to_n_times(1)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let app = app_with_webhook(backend, &receiver, true).await;
    make_events(&app).await;
    let deliverer = app.ctx.deliverer().expect("deliverer");
    let now = chrono::Utc::now();
    deliverer.deliver_once(now).await.expect("store");
    let status: serde_json::Value = app
        .get_api("/api/v1/webhooks", common::KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(status["disabled"], true, "410 disabled it: {status}");

    // The agency fixed its receiver: replay everything.
    let replay = app
        .post_json("/api/v1/webhooks/replay", Some(common::KEY_A), "{}")
        .await;
    assert_eq!(replay.status().as_u16(), 202);
    deliverer
        .deliver_once(now + Duration::seconds(1))
        .await
        .expect("store");
    let requests = receiver.received_requests().await.expect("requests");
    let all = webhook_ids(&requests[1..]);
    assert_eq!(all.len(), 3, "every event again: {all:?}");
    assert_eq!(
        webhook_ids(&requests[..1])[0],
        all[0],
        "same ids: receivers deduplicate"
    );

    // From a cursor: only what came after it.
    let events: serde_json::Value = app
        .get_api("/api/v1/events", common::KEY_A)
        .await
        .json()
        .await
        .expect("json");
    let first_cursor = events["events"][0]["cursor"].as_str().expect("cursor");
    let replay = app
        .post_json(
            "/api/v1/webhooks/replay",
            Some(common::KEY_A),
            &serde_json::json!({"after": first_cursor}).to_string(),
        )
        .await;
    assert_eq!(replay.status().as_u16(), 202);
    deliverer
        .deliver_once(now + Duration::seconds(2))
        .await
        .expect("store");
    let requests = receiver.received_requests().await.expect("requests");
    assert_eq!(webhook_ids(&requests[4..]), all[1..].to_vec());

    // Bad cursors and agencies without an endpoint get clear errors.
    let bad = app
        .post_json(
            "/api/v1/webhooks/replay",
            Some(common::KEY_A),
            r#"{"after":"x"}"#,
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let none = app
        .post_json("/api/v1/webhooks/replay", Some(common::KEY_B), "{}")
        .await;
    assert_eq!(none.status().as_u16(), 422);
}

/// A DNS server the test controls: the n-th lookup (of any name) gets the n-th answer, the last
/// one repeating, and every lookup is counted.
struct ScriptedDns {
    answers: Vec<Vec<IpAddr>>,
    asked: AtomicUsize,
}

impl ScriptedDns {
    fn new(answers: &[&[&str]]) -> Arc<ScriptedDns> {
        Arc::new(ScriptedDns {
            answers: answers
                .iter()
                .map(|a| a.iter().map(|ip| ip.parse().expect("ip")).collect())
                .collect(),
            asked: AtomicUsize::new(0),
        })
    }

    fn asked(&self) -> usize {
        self.asked.load(Ordering::SeqCst)
    }
}

impl Resolve for ScriptedDns {
    fn resolve(&self, _: Name) -> Resolving {
        let n = self.asked.fetch_add(1, Ordering::SeqCst);
        let answer = self.answers[n.min(self.answers.len() - 1)].clone();
        let addrs: Vec<SocketAddr> = answer
            .into_iter()
            .map(|ip| SocketAddr::new(ip, 0))
            .collect();
        Box::pin(async move { Ok(Box::new(addrs.into_iter()) as Addrs) })
    }
}

async fn accepting_receiver() -> MockServer {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    receiver
}

async fn delivery_view(app: &TestApp) -> serde_json::Value {
    let mut view: serde_json::Value = app
        .get_api("/api/v1/webhooks", common::KEY_A)
        .await
        .json()
        .await
        .expect("json");
    view.as_object_mut().expect("object").remove("url");
    view
}

/// A name that resolves to an internal address, however it is written (IPv4-mapped and
/// IPv4-compatible IPv6 included), is never connected to; and what the agency then sees is the
/// same for every internal host, whether something listens there or not: no probing signal.
async fn names_that_resolve_to_internal_addresses_in_any_form_are_refused_alike(backend: Backend) {
    let receiver = accepting_receiver().await;
    let port = receiver.address().port();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let now = chrono::Utc::now();
    let mut views = Vec::new();
    for (answer, port) in [
        ("::ffff:127.0.0.1", port),
        ("::127.0.0.1", port),
        ("127.0.0.1", port),
        ("::ffff:127.0.0.1", closed),
        ("::ffff:169.254.169.254", port),
        ("::ffff:10.0.0.1", port),
        ("fd00::1", port),
    ] {
        let app = app_with_webhook_url(
            backend,
            &format!("http://hooks.internal.test:{port}/hooks"),
            false,
        )
        .await;
        make_events(&app).await;
        let dns = ScriptedDns::new(&[&[answer]]);
        let deliverer = app
            .ctx
            .deliverer_with_resolver(dns.clone())
            .expect("deliverer");
        assert_eq!(
            deliverer.deliver_once(now).await.expect("store"),
            0,
            "{answer}"
        );
        assert_eq!(dns.asked(), 1, "{answer}: resolved once");
        assert!(
            receiver
                .received_requests()
                .await
                .expect("requests")
                .is_empty(),
            "nothing reaches {answer}"
        );
        views.push((answer, delivery_view(&app).await));
    }
    let (_, first) = &views[0];
    assert_eq!(first["failures"], 1, "{first}");
    assert_eq!(first["delivered_through"], serde_json::Value::Null);
    for (answer, view) in &views {
        assert_eq!(view, first, "{answer} looks like every other internal host");
    }
}

/// The address judged is the address connected to: a name answering public to one lookup and
/// loopback to the next (DNS rebinding) is looked up once, and the loopback never gets the event.
async fn a_name_is_resolved_once_and_connected_to_as_judged(backend: Backend) {
    let receiver = accepting_receiver().await;
    let url = format!("http://rebind.test:{}/hooks", receiver.address().port());
    let app = app_with_webhook_url(backend, &url, false).await;
    make_events(&app).await;
    // 2001:db8::/32 is unrouted but not internal: the connection to it fails on its own.
    let dns = ScriptedDns::new(&[&["2001:db8::10"], &["127.0.0.1"]]);
    let deliverer = app
        .ctx
        .deliverer_with_resolver(dns.clone())
        .expect("deliverer");
    assert_eq!(
        deliverer
            .deliver_once(chrono::Utc::now())
            .await
            .expect("store"),
        0
    );
    assert_eq!(
        dns.asked(),
        1,
        "no second lookup that could answer differently"
    );
    assert!(
        receiver
            .received_requests()
            .await
            .expect("requests")
            .is_empty(),
        "the rebound loopback address got nothing"
    );

    // The client really connects through that resolver: with private destinations allowed
    // (tests, a laptop), the name the system cannot resolve reaches the receiver.
    let allowed = app_with_webhook_url(backend, &url, true).await;
    make_events(&allowed).await;
    let dns = ScriptedDns::new(&[&["127.0.0.1"]]);
    let deliverer = allowed
        .ctx
        .deliverer_with_resolver(dns.clone())
        .expect("deliverer");
    assert_eq!(
        deliverer
            .deliver_once(chrono::Utc::now())
            .await
            .expect("store"),
        3
    );
    assert!(dns.asked() >= 1);
    assert_eq!(
        receiver.received_requests().await.expect("requests").len(),
        3
    );
}

/// IPv6 literals are judged like names: a mapped loopback literal is refused, and a literal
/// endpoint is delivered to when private destinations are allowed.
async fn ipv6_literal_endpoints_are_judged_by_their_address(backend: Backend) {
    let receiver = accepting_receiver().await;
    let url = format!(
        "http://[::ffff:127.0.0.1]:{}/hooks",
        receiver.address().port()
    );
    let refused = app_with_webhook_url(backend, &url, false).await;
    make_events(&refused).await;
    let deliverer = refused.ctx.deliverer().expect("deliverer");
    let now = chrono::Utc::now();
    assert_eq!(deliverer.deliver_once(now).await.expect("store"), 0);
    assert!(
        receiver
            .received_requests()
            .await
            .expect("requests")
            .is_empty()
    );
    assert_eq!(delivery_view(&refused).await["failures"], 1);

    let allowed = app_with_webhook_url(backend, &url, true).await;
    make_events(&allowed).await;
    let deliverer = allowed.ctx.deliverer().expect("deliverer");
    assert_eq!(deliverer.deliver_once(now).await.expect("store"), 3);
}

on_both_stores!(
    names_that_resolve_to_internal_addresses_in_any_form_are_refused_alike,
    a_name_is_resolved_once_and_connected_to_as_judged,
    ipv6_literal_endpoints_are_judged_by_their_address,
    delivery_replays_from_a_cursor_and_re_enables_a_disabled_endpoint,
    a_receiver_that_was_down_gets_every_event_later_in_order_and_signed,
    gone_disables_the_endpoint,
    a_loopback_endpoint_is_refused_unless_allowed,
);
