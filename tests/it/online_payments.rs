//! Paying online through the real app on both stores: the demo's fake provider end to end
//! (whole and partial amounts, decline, forged forms), Stripe Checkout and Vipps ePayment against
//! local fakes of their wire formats, and their signed webhooks: a payment delivered five times
//! moves the balance once; tampered, wrongly keyed or old webhooks apply nothing.

use crate::common::providers::{STRIPE_WEBHOOK_SECRET, VIPPS_WEBHOOK_SECRET};
use crate::common::{Backend, Debtor, TestApp, debtor_in};
use chrono::Utc;
use innfri::domain::case::CaseStatus;
use innfri::domain::event::EventKind;
use innfri::domain::message::Template;
use wiremock::matchers::{body_string_contains, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn fake_debtor(backend: Backend, principal: &str) -> Debtor {
    let app = TestApp::builder()
        .store(backend)
        .fake_payments()
        .start()
        .await;
    debtor_in(app, principal).await
}

async fn stripe_debtor(backend: Backend, stripe: &MockServer) -> Debtor {
    let app = TestApp::builder()
        .store(backend)
        .with_stripe(stripe)
        .start()
        .await;
    debtor_in(app, "1200.00").await
}

async fn vipps_debtor(backend: Backend, vipps: &MockServer) -> Debtor {
    let app = TestApp::builder()
        .store(backend)
        .with_vipps(vipps)
        .start()
        .await;
    debtor_in(app, "1200.00").await
}

/// 1 200 + 14,50 + 35 = 1 249,50 kr.
const BALANCE_MINOR: i64 = 124_950;

/// Posts the pay form and returns where the server sends the debtor.
async fn pay(d: &Debtor, fields: &[(&str, &str)]) -> (u16, String) {
    let mut all = vec![("csrf", d.csrf.as_str())];
    all.extend_from_slice(fields);
    let response = d
        .app
        .http
        .post(d.app.url("/case/pay"))
        .header("Cookie", &d.cookie)
        .header("Origin", &d.app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&all).expect("form"))
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    (status, location)
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

async fn the_demo_is_paid_in_full_with_the_fake_vipps(backend: Backend) {
    let d = fake_debtor(backend, "1200.00").await;
    let page = d.page().await;
    assert!(
        page.contains("Betal 1\u{a0}249,50\u{a0}kr med Vipps"),
        "{page}"
    );
    assert!(page.contains("Betal 1\u{a0}249,50\u{a0}kr med kort"));

    let (status, location) = pay(&d, &[("method", "vipps"), ("amount", "full")]).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/case/pay/fake?"), "{location}");
    let approve_page = d.get(&location).await;
    assert!(
        approve_page.contains("Godkjenn 1\u{a0}249,50\u{a0}kr"),
        "{approve_page}"
    );
    let attempt = query_field(&location, "attempt");
    let amount = query_field(&location, "amount");
    assert_eq!(amount, BALANCE_MINOR.to_string());

    let fields = [
        ("method", "vipps"),
        ("amount", amount.as_str()),
        ("attempt", attempt.as_str()),
        ("decision", "approve"),
    ];
    let (status, _) = d.post("/case/pay/fake", &fields).await;
    assert_eq!(status, 303);
    let case = d.case().await;
    assert_eq!(case.status, CaseStatus::Paid);
    assert!(case.balance_without_interest().is_zero());
    let kinds = d.event_kinds().await;
    assert!(kinds.contains(&EventKind::PaymentSucceeded));
    assert!(kinds.contains(&EventKind::CasePaid));
    assert_eq!(d.templates().await, vec![Template::PaidReceipt]);

    // Approving the same attempt again (a double tap, a reload) pays nothing more.
    d.post("/case/pay/fake", &fields).await;
    assert_eq!(d.case().await.payments.len(), 1);
    let thanks = d.get("/case/paid").await;
    assert!(thanks.contains("Denne saken er betalt"), "{thanks}");
}

async fn a_partial_payment_inside_the_mandate_is_taken_and_one_below_it_is_not(backend: Backend) {
    let d = fake_debtor(backend, "1200.00").await;
    // The example mandate allows parts of at least 200 kr.
    let (status, _) = pay(&d, &[("method", "card"), ("amount", "199,99")]).await;
    assert_eq!(status, 422);
    let (status, _) = pay(&d, &[("method", "card"), ("amount", "1249,51")]).await;
    assert_eq!(status, 422);
    let (status, _) = pay(&d, &[("method", "bitcoin"), ("amount", "500")]).await;
    assert_eq!(status, 303, "an unknown method goes back to the case");
    assert!(d.case().await.payments.is_empty());

    let (status, location) = pay(&d, &[("method", "card"), ("amount", "200")]).await;
    assert_eq!(status, 303);
    assert_eq!(query_field(&location, "amount"), "20000");
    let attempt = query_field(&location, "attempt");
    // The amount on the approve form cannot be raised past what the debtor may pay.
    let (status, _) = d
        .post(
            "/case/pay/fake",
            &[
                ("method", "card"),
                ("amount", "124951"),
                ("attempt", &attempt),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert!(d.case().await.payments.is_empty());

    d.post(
        "/case/pay/fake",
        &[
            ("method", "card"),
            ("amount", "20000"),
            ("attempt", &attempt),
            ("decision", "approve"),
        ],
    )
    .await;
    let case = d.case().await;
    assert_eq!(case.status, CaseStatus::Open);
    assert_eq!(
        case.balance_without_interest().minor_units(),
        BALANCE_MINOR - 20_000
    );
    assert_eq!(d.templates().await, vec![Template::PaymentReceipt]);
    assert!(d.page().await.contains("1\u{a0}049,50\u{a0}kr"));
}

async fn a_declined_or_forged_fake_payment_changes_nothing(backend: Backend) {
    let d = fake_debtor(backend, "1200.00").await;
    let (_, location) = pay(&d, &[("method", "vipps")]).await;
    let attempt = query_field(&location, "attempt");
    let amount = BALANCE_MINOR.to_string();
    let (status, body) = d
        .post(
            "/case/pay/fake",
            &[
                ("method", "vipps"),
                ("amount", &amount),
                ("attempt", &attempt),
                ("decision", "decline"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("Betalingen ble ikke fullført"));
    // Without the CSRF token (another site posting the form):
    let forged = d
        .app
        .http
        .post(d.app.url("/case/pay/fake"))
        .header("Cookie", &d.cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "method=vipps&amount={amount}&attempt={attempt}&decision=approve&csrf=wrong"
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403);
    let case = d.case().await;
    assert!(case.payments.is_empty());
    assert_eq!(case.status, CaseStatus::Open);
}

fn stripe_event(event_id: &str, case_id: &str, status: &str, amount: i64) -> String {
    serde_json::json!({
        "id": event_id, "object": "event", "type": "checkout.session.completed",
        "data": {"object": {
            "id": "cs_test_a1", "object": "checkout.session", "payment_status": status,
            "amount_total": amount, "currency": "nok", "client_reference_id": case_id,
            "metadata": {"case_id": case_id}
        }}
    })
    .to_string()
}

pub(crate) async fn post_stripe(d: &Debtor, body: &str, signature: &str) -> u16 {
    d.app
        .http
        .post(d.app.url("/callbacks/stripe"))
        .header("Stripe-Signature", signature)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

pub(crate) fn stripe_signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!(
        "t={timestamp},v1={}",
        innfri::payments::gateways::stripe::signature(secret, timestamp, body.as_bytes())
    )
}

async fn stripe_checkout_is_created_and_its_webhook_applies_the_payment_once(backend: Backend) {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("authorization", "Bearer sk_test_innfri"))
        .and(header_exists("idempotency-key"))
        .and(body_string_contains("mode=payment"))
        .and(body_string_contains(
            "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=124950",
        ))
        .and(body_string_contains(
            "line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=nok",
        ))
        .and(body_string_contains("metadata%5Bcase_id%5D=cs_"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "cs_test_a1", "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_a1", "status": "open", "payment_status": "unpaid"
        })))
        .expect(1)
        .mount(&stripe)
        .await;
    let d = stripe_debtor(backend, &stripe).await;
    assert!(d.page().await.contains("med kort"));
    let (status, location) = pay(&d, &[("method", "card"), ("amount", "full")]).await;
    assert_eq!(status, 303);
    assert_eq!(location, "https://checkout.stripe.com/c/pay/cs_test_a1");

    let case_id = d.case_id.as_str().to_owned();
    let body = stripe_event("evt_1", &case_id, "paid", BALANCE_MINOR);
    let now = Utc::now().timestamp();
    // Refused, nothing applied: a tampered body, a wrong secret, an old timestamp, no header.
    let tampered = body.replace("124950", "1");
    assert_eq!(
        post_stripe(
            &d,
            &tampered,
            &stripe_signature(STRIPE_WEBHOOK_SECRET, now, &body)
        )
        .await,
        400
    );
    assert_eq!(
        post_stripe(&d, &body, &stripe_signature("whsec_wrong", now, &body)).await,
        400
    );
    assert_eq!(
        post_stripe(
            &d,
            &body,
            &stripe_signature(STRIPE_WEBHOOK_SECRET, now - 301, &body)
        )
        .await,
        400
    );
    assert_eq!(post_stripe(&d, &body, "").await, 400);
    assert!(d.case().await.payments.is_empty());

    // An unpaid completion (a delayed method) is not a payment.
    let unpaid = stripe_event("evt_0", &case_id, "unpaid", BALANCE_MINOR);
    assert_eq!(
        post_stripe(
            &d,
            &unpaid,
            &stripe_signature(STRIPE_WEBHOOK_SECRET, now, &unpaid)
        )
        .await,
        200
    );
    assert!(d.case().await.payments.is_empty());

    // The same paid event delivered five times moves the balance once.
    for _ in 0..5 {
        let signature = stripe_signature(STRIPE_WEBHOOK_SECRET, Utc::now().timestamp(), &body);
        assert_eq!(post_stripe(&d, &body, &signature).await, 200);
    }
    let case = d.case().await;
    assert_eq!(case.payments.len(), 1);
    assert_eq!(case.status, CaseStatus::Paid);
    let kinds = d.event_kinds().await;
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::PaymentSucceeded)
            .count(),
        1
    );
}

async fn a_stripe_outage_leaves_the_debtor_a_way_to_pay_and_changes_nothing(backend: Backend) {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&stripe)
        .await;
    let d = stripe_debtor(backend, &stripe).await;
    let (status, body) = d.post("/case/pay", &[("method", "card")]).await;
    assert_eq!(status, 503);
    assert!(body.contains("bankoverføring"), "{body}");
    assert!(d.case().await.payments.is_empty());
}

pub(crate) fn vipps_headers(d: &Debtor, body: &str, secret: &str) -> Vec<(&'static str, String)> {
    let host = d.app.base.trim_start_matches("http://").to_owned();
    let date = Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let hash = innfri::payments::gateways::vipps::content_hash(body.as_bytes());
    let auth = innfri::payments::gateways::vipps::authorization(
        secret,
        "/callbacks/vipps",
        &date,
        &host,
        &hash,
    );
    vec![
        ("x-ms-date", date),
        ("x-ms-content-sha256", hash),
        ("authorization", auth),
    ]
}

pub(crate) async fn post_vipps(d: &Debtor, body: &str, headers: &[(&'static str, String)]) -> u16 {
    let mut request = d
        .app
        .http
        .post(d.app.url("/callbacks/vipps"))
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.send().await.expect("post").status().as_u16()
}

async fn vipps_payment_is_created_on_click_captured_once_and_applied_once(backend: Backend) {
    let vipps = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accesstoken/get"))
        .and(header("client_id", "client-1"))
        .and(header("client_secret", "secret-1"))
        .and(header("ocp-apim-subscription-key", "sub-1"))
        .and(header("merchant-serial-number", "123456"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "token_type": "Bearer", "expires_in": "3599", "ext_expires_in": "3599",
            "expires_on": "1700003599", "not_before": "1700000000", "resource": "00000002-0000-0000-c000-000000000000",
            "access_token": "eyJ0.test.token"
        })))
        // Cached: two clicks and a capture ask for one token.
        .expect(1)
        .mount(&vipps)
        .await;
    Mock::given(method("POST"))
        .and(path("/epayment/v1/payments"))
        .and(header("authorization", "Bearer eyJ0.test.token"))
        .and(header_exists("idempotency-key"))
        .and(body_string_contains("\"userFlow\":\"WEB_REDIRECT\""))
        .and(body_string_contains("\"value\":124950"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "redirectUrl": "https://landing.vipps.no/?token=abc", "reference": "ignored"
        })))
        .expect(2)
        .mount(&vipps)
        .await;
    let d = vipps_debtor(backend, &vipps).await;
    for _ in 0..2 {
        let (status, location) = pay(&d, &[("method", "vipps")]).await;
        assert_eq!(status, 303);
        assert_eq!(location, "https://landing.vipps.no/?token=abc");
    }
    // Each click made its own payment (fresh request, own reference).
    let created: Vec<serde_json::Value> = vipps
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.url.path() == "/epayment/v1/payments")
        .map(|r| serde_json::from_slice(&r.body).expect("json"))
        .collect();
    let reference = created[0]["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    assert_ne!(created[0]["reference"], created[1]["reference"]);
    let pattern_ok = (8..=50).contains(&reference.len())
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    assert!(pattern_ok, "{reference}");

    Mock::given(method("POST"))
        .and(path(format!("/epayment/v1/payments/{reference}/capture")))
        .and(header(
            "idempotency-key",
            format!("capture-{reference}").as_str(),
        ))
        .and(body_string_contains("\"value\":124950"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"reference": reference})),
        )
        .mount(&vipps)
        .await;
    let event = |name: &str| {
        serde_json::json!({
            "msn": "123456", "reference": reference, "pspReference": "777", "name": name,
            "amount": {"currency": "NOK", "value": BALANCE_MINOR},
            "timestamp": "2026-11-23T10:00:00Z", "idempotencyKey": "k", "success": true
        })
        .to_string()
    };
    let authorized = event("AUTHORIZED");
    // Forged: wrong secret, or the body changed after signing.
    assert_eq!(
        post_vipps(&d, &authorized, &vipps_headers(&d, &authorized, "wrong")).await,
        401
    );
    let signed_for_other = vipps_headers(&d, &event("CREATED"), VIPPS_WEBHOOK_SECRET);
    assert_eq!(post_vipps(&d, &authorized, &signed_for_other).await, 401);
    assert_eq!(post_vipps(&d, &authorized, &[]).await, 401);
    assert!(d.case().await.payments.is_empty());

    // Delivered three times, then the CAPTURED event: applied once.
    for _ in 0..3 {
        let headers = vipps_headers(&d, &authorized, VIPPS_WEBHOOK_SECRET);
        assert_eq!(post_vipps(&d, &authorized, &headers).await, 200);
    }
    let captured = event("CAPTURED");
    let headers = vipps_headers(&d, &captured, VIPPS_WEBHOOK_SECRET);
    assert_eq!(post_vipps(&d, &captured, &headers).await, 200);
    let case = d.case().await;
    assert_eq!(case.payments.len(), 1);
    assert_eq!(case.status, CaseStatus::Paid);
    assert_eq!(
        case.payments[0].method,
        innfri::domain::payment::PaymentMethod::Vipps
    );
}

async fn a_failed_vipps_capture_asks_vipps_to_deliver_again(backend: Backend) {
    let vipps = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accesstoken/get"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"token_type": "Bearer", "expires_in": "3599", "access_token": "t"}),
        ))
        .mount(&vipps)
        .await;
    Mock::given(method("POST"))
        .and(path_regex_capture())
        .respond_with(ResponseTemplate::new(503))
        .mount(&vipps)
        .await;
    let d = vipps_debtor(backend, &vipps).await;
    let reference = innfri::payments::gateways::vipps::payment_reference(&d.case_id, "attempt1");
    let body = serde_json::json!({
        "msn": "123456", "reference": reference, "pspReference": "1", "name": "AUTHORIZED",
        "amount": {"currency": "NOK", "value": BALANCE_MINOR}, "timestamp": "2026-11-23T10:00:00Z",
        "idempotencyKey": "k", "success": true
    })
    .to_string();
    let headers = vipps_headers(&d, &body, VIPPS_WEBHOOK_SECRET);
    assert_eq!(post_vipps(&d, &body, &headers).await, 503);
    assert!(d.case().await.payments.is_empty());
}

fn path_regex_capture() -> wiremock::matchers::PathRegexMatcher {
    wiremock::matchers::path_regex(r"^/epayment/v1/payments/[A-Za-z0-9-]+/capture$")
}

on_both_stores!(
    the_demo_is_paid_in_full_with_the_fake_vipps,
    a_partial_payment_inside_the_mandate_is_taken_and_one_below_it_is_not,
    a_declined_or_forged_fake_payment_changes_nothing,
    stripe_checkout_is_created_and_its_webhook_applies_the_payment_once,
    a_stripe_outage_leaves_the_debtor_a_way_to_pay_and_changes_nothing,
    vipps_payment_is_created_on_click_captured_once_and_applied_once,
    a_failed_vipps_capture_asks_vipps_to_deliver_again,
);
