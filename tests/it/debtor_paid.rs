//! The page a debtor returns to from Vipps, the card page or the demo's fake checkout, on both
//! stores: it tells what the case records of that one payment (paid, still being confirmed,
//! cancelled, failed) and never thanks for a payment that did not happen.

use crate::common::{Backend, Debtor, TestApp, debtor_in};
use crate::online_payments::{post_stripe, post_vipps, stripe_signature, vipps_headers};
use wiremock::MockServer;

async fn fake_debtor(backend: Backend) -> Debtor {
    let app = TestApp::builder()
        .store(backend)
        .fake_payments()
        .start()
        .await;
    debtor_in(app, "1200.00").await
}

/// Starts a fake payment of `amount` and returns its attempt id.
async fn start(d: &Debtor, amount: &str) -> String {
    let response = d
        .app
        .http
        .post(d.app.url("/case/pay"))
        .header("Cookie", &d.cookie)
        .header("Origin", &d.app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}&method=vipps&amount={amount}", d.csrf))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("query");
    fields
        .into_iter()
        .find(|(k, _)| k == "attempt")
        .map(|(_, v)| v)
        .expect("attempt")
}

async fn decide(d: &Debtor, attempt: &str, minor: &str, decision: &str) -> u16 {
    let fields = [
        ("method", "vipps"),
        ("amount", minor),
        ("attempt", attempt),
        ("decision", decision),
    ];
    d.post("/case/pay/fake", &fields).await.0
}

async fn the_return_page_tells_paid_confirming_or_cancelled_from_the_case(backend: Backend) {
    let d = fake_debtor(backend).await;
    let attempt = start(&d, "full").await;
    let waiting = d.get(&format!("/case/paid?attempt={attempt}")).await;
    assert!(
        waiting.contains("Vi venter på bekreftelse") && waiting.contains("Ikke betal en gang til"),
        "{waiting}"
    );
    assert!(
        !waiting.contains("Takk"),
        "no thanks before money: {waiting}"
    );

    assert_eq!(decide(&d, &attempt, "124950", "decline").await, 200);
    let cancelled = d.get(&format!("/case/paid?attempt={attempt}")).await;
    assert!(
        cancelled.contains("Betalingen ble ikke fullført")
            && cancelled.contains("href=\"/case#pay-online\""),
        "{cancelled}"
    );
    assert!(d.case().await.payments.is_empty());

    // Back by a cancel address: cancelled, unless the case says it was paid.
    let other = start(&d, "200").await;
    let back = d
        .get(&format!("/case/paid?attempt={other}&cancelled=1"))
        .await;
    assert!(back.contains("Betalingen ble ikke fullført"), "{back}");
    assert_eq!(decide(&d, &other, "20000", "approve").await, 303);
    let paid = d.get(&format!("/case/paid?attempt={other}")).await;
    assert!(
        paid.contains("Takk! Vi har fått betalingen") && paid.contains("1\u{a0}049,50\u{a0}kr"),
        "{paid}"
    );
    // The first, declined attempt stays declined after another was paid.
    let first = d.get(&format!("/case/paid?attempt={attempt}")).await;
    assert!(first.contains("Betalingen ble ikke fullført"), "{first}");
}

async fn a_payment_vipps_says_was_cancelled_or_expired_is_shown_as_such(backend: Backend) {
    let vipps = MockServer::start().await;
    let app = TestApp::builder()
        .store(backend)
        .with_vipps(&vipps)
        .start()
        .await;
    let d = debtor_in(app, "1200.00").await;
    for (attempt, name, shown) in [
        ("attemptAborted1", "ABORTED", "Betalingen ble ikke fullført"),
        ("attemptExpired1", "EXPIRED", "Betalingen gikk ikke gjennom"),
    ] {
        let reference = innfri::payments::gateways::vipps::payment_reference(&d.case_id, attempt);
        let body = serde_json::json!({
            "msn": "123456", "reference": reference, "pspReference": "1", "name": name,
            "amount": {"currency": "NOK", "value": 124_950}, "timestamp": "2026-11-23T10:00:00Z",
            "idempotencyKey": "k", "success": true
        })
        .to_string();
        let headers = vipps_headers(&d, &body, crate::common::providers::VIPPS_WEBHOOK_SECRET);
        assert_eq!(post_vipps(&d, &body, &headers).await, 200);
        // Delivered again: recorded once.
        assert_eq!(post_vipps(&d, &body, &headers).await, 200);
        let page = d.get(&format!("/case/paid?attempt={attempt}")).await;
        assert!(page.contains(shown), "{name}: {page}");
    }
    let case = d.case().await;
    assert_eq!(case.checkouts_ended.len(), 2);
    assert!(case.payments.is_empty());
    // A return without an attempt, on an unpaid case, is sent to the case page.
    let bare = d.app.get_with_cookie("/case/paid", &d.cookie).await;
    assert_eq!(bare.status().as_u16(), 303);
}

async fn a_card_payment_stripe_let_expire_is_shown_as_not_gone_through(backend: Backend) {
    let stripe = MockServer::start().await;
    let app = TestApp::builder()
        .store(backend)
        .with_stripe(&stripe)
        .start()
        .await;
    let d = debtor_in(app, "1200.00").await;
    let body = serde_json::json!({
        "id": "evt_9", "type": "checkout.session.expired",
        "data": {"object": {"id": "cs_test_expired", "metadata": {"case_id": d.case_id.as_str(), "attempt": "a1"}}}
    })
    .to_string();
    let now = chrono::Utc::now().timestamp();
    let signature = stripe_signature(crate::common::providers::STRIPE_WEBHOOK_SECRET, now, &body);
    assert_eq!(post_stripe(&d, &body, &signature).await, 200);
    let page = d.get("/case/paid?attempt=a1&session=cs_test_expired").await;
    assert!(page.contains("Betalingen gikk ikke gjennom"), "{page}");
    let other = d.get("/case/paid?attempt=a2&session=cs_test_other").await;
    assert!(other.contains("Vi venter på bekreftelse"), "{other}");
}

on_both_stores!(
    a_card_payment_stripe_let_expire_is_shown_as_not_gone_through,
    the_return_page_tells_paid_confirming_or_cancelled_from_the_case,
    a_payment_vipps_says_was_cancelled_or_expired_is_shown_as_such,
);
