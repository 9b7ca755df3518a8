//! The debtor changes how they are reached, through the real app: a new mobile number takes
//! effect only with the code sent to that number (by the real worker, to a fake of Twilio's
//! API), wrong codes count down and expired ones do nothing, codes are limited per day, a
//! postal address is saved with each field checked, every change is a `contact.updated` event
//! without the value, messages queued before a change go to the new number, and the number
//! given up is told of the change.

use chrono::Duration;
use innfri::clock::{Clock, SettableClock};
use innfri::domain::event::EventKind;
use innfri::domain::message::{MessageStatus, Recipient, Template};
use innfri::service::contact_update;

use crate::common::{Backend, Debtor, KEY_A, TestApp, debtor_in, oslo_working_day_at, twilio_fake};

const NEW_NUMBER: &str = "+4741234567";

/// An app on `backend` whose clock stands at noon of an Oslo working day (so the worker, run at
/// the clock's time, sends at once), with Twilio faked when `twilio` is given.
async fn app_on(
    backend: Backend,
    clock: &SettableClock,
    twilio: Option<&wiremock::MockServer>,
) -> TestApp {
    let builder = TestApp::builder()
        .store(backend)
        .uncapped()
        .clock(clock.clone());
    match twilio {
        Some(server) => builder.with_twilio(server),
        None => builder,
    }
    .start()
    .await
}

async fn contact_events(app: &TestApp) -> Vec<serde_json::Value> {
    app.ctx
        .store
        .events_after(
            &innfri::domain::ids::AgencyId::parse("agency-a").expect("id"),
            None,
            500,
        )
        .await
        .expect("events")
        .into_iter()
        .filter(|(_, e)| e.kind == EventKind::ContactUpdated)
        .map(|(_, e)| e.data)
        .collect()
}

/// The code the page's pending change expects (what the message to the new address carries).
/// The case's contact-code messages, oldest first.
async fn code_messages(d: &Debtor) -> Vec<innfri::domain::message::Message> {
    d.messages()
        .await
        .into_iter()
        .filter(|m| m.template == Template::ContactCode)
        .collect()
}

async fn code_of(d: &Debtor) -> String {
    contact_update::code_for(&d.app.ctx.config.link_keys, &d.case().await).expect("a code waits")
}

async fn a_new_number_takes_effect_only_with_the_code_sent_to_it(backend: Backend) {
    let (twilio, ledger) = twilio_fake::start(std::time::Duration::ZERO).await;
    let clock = SettableClock::at(oslo_working_day_at(12));
    let d = debtor_in(app_on(backend, &clock, Some(&twilio)).await, "1200.00").await;
    let app = &d.app;
    assert!(
        d.page().await.contains("href=\"/case/contact\""),
        "the case page leads there"
    );
    let page = d.get("/case/contact").await;
    assert!(page.contains("+47******67"), "the number in force, masked");
    assert!(!page.contains("91234567"), "never in full");
    assert!(page.contains("autocomplete=\"tel\""));

    let (status, _) = d
        .post("/case/contact/phone", &[("phone", "412 34 567")])
        .await;
    assert_eq!(status, 303);
    let case = d.case().await;
    assert_eq!(
        case.debtor.phone.as_ref().map(|p| p.e164()),
        Some("+4791234567"),
        "nothing changes before the code"
    );
    let codes = code_messages(&d).await;
    assert_eq!(codes.len(), 1);
    assert!(
        matches!(&codes[0].recipient, Recipient::Sms(p) if p.e164() == NEW_NUMBER),
        "the code goes to the new number, not the old"
    );
    let page = d.get("/case/contact?done=code").await;
    assert!(page.contains("Koden er på vei"), "{page}");
    assert!(page.contains("+47******67") && page.contains("autocomplete=\"one-time-code\""));

    assert_eq!(app.run_worker_at(clock.now()).await, 1);
    let sent = ledger.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, NEW_NUMBER);
    let code: String = sent[0]
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("six digits in the SMS")
        .to_owned();
    assert_eq!(code, code_of(&d).await);
    assert!(
        !sent[0].body.contains("Ola") && !sent[0].body.contains("1 200"),
        "a stranger's number learns nothing of the debt: {}",
        sent[0].body
    );

    // Queued before the change, sent after it: to the new number.
    let queued = app.schedule(KEY_A, &d.case_id, "sms").await;

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, page) = d.post("/case/contact/code", &[("code", wrong)]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Du kan prøve 4 ganger til"), "{page}");
    assert!(page.contains("aria-invalid=\"true\"") && page.contains(&format!("value=\"{wrong}\"")));
    assert_eq!(
        d.case()
            .await
            .contact_changes
            .pending
            .map(|p| p.wrong_codes),
        Some(1),
        "a wrong code is counted in the store"
    );
    assert!(contact_events(app).await.is_empty());

    let (status, _) = d.post("/case/contact/code", &[("code", &code)]).await;
    assert_eq!(status, 303);
    let case = d.case().await;
    assert_eq!(
        case.debtor.phone.as_ref().map(|p| p.e164()),
        Some(NEW_NUMBER)
    );
    assert!(case.contact_changes.pending.is_none());
    assert!(
        case.audit
            .iter()
            .any(|a| a.action == "contact.updated" && a.detail == "phone")
    );
    let events = contact_events(app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["changed"], "phone");
    assert!(
        !events[0].to_string().contains("41234567"),
        "never the value"
    );
    assert!(
        d.get("/case/contact?done=phone")
            .await
            .contains("Mobilnummeret ditt er endret")
    );
    let (status, _) = d.post("/case/contact/code", &[("code", &code)]).await;
    assert_eq!(status, 422, "a code confirms once");

    // The earlier message follows the debtor; the number given up is told of the change.
    assert_eq!(app.run_worker_at(clock.now()).await, 2);
    let sent = ledger.sent();
    assert_eq!(sent.len(), 3);
    let to = |number: &str| {
        sent[1..]
            .iter()
            .filter(|s| s.to == number)
            .map(|s| s.body.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        to(NEW_NUMBER).len(),
        1,
        "the earlier message follows the debtor"
    );
    let told = to("+4791234567");
    assert_eq!(told.len(), 1, "the old number hears of the change once");
    assert!(
        told[0].contains("Et nytt nummer ble lagt inn") && told[0].contains("ta kontakt med"),
        "{}",
        told[0]
    );
    assert!(
        !told[0].contains("Ola") && !told[0].contains("Nordlys"),
        "a number given up may be a stranger's: neither the debtor nor the creditor is named: {}",
        told[0]
    );
    assert!(
        !told[0].contains("/k/") && !told[0].contains(NEW_NUMBER) && !told[0].contains("41234567"),
        "no link, and never the new number: {}",
        told[0]
    );
    let notices: Vec<_> = d
        .messages()
        .await
        .into_iter()
        .filter(|m| m.template == Template::ContactChanged)
        .collect();
    assert_eq!(notices.len(), 1);
    assert!(
        matches!(&notices[0].recipient, Recipient::Sms(p) if p.e164() == "+4791234567"),
        "it is not readdressed to the new number"
    );
    let message = app.stored_message(&queued).await;
    assert_eq!(message.status, MessageStatus::Sent);
    assert!(matches!(&message.recipient, Recipient::Sms(p) if p.e164() == NEW_NUMBER));
}

async fn wrong_codes_run_out_and_an_expired_code_is_never_sent(backend: Backend) {
    let clock = SettableClock::at(oslo_working_day_at(12));
    let d = debtor_in(app_on(backend, &clock, None).await, "1200.00").await;
    assert_eq!(
        d.post("/case/contact/email", &[("email", "ny@example.no")])
            .await
            .0,
        303
    );
    let code = code_of(&d).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in ["4 ganger", "3 ganger", "2 ganger", "én gang"] {
        let (status, page) = d.post("/case/contact/code", &[("code", wrong)]).await;
        assert_eq!(status, 422);
        assert!(page.contains(&format!("Du kan prøve {left} til")), "{page}");
    }
    let (status, page) = d.post("/case/contact/code", &[("code", wrong)]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Koden gjelder ikke lenger"), "{page}");
    assert!(
        page.contains("href=\"#details-email\"") && page.contains("id=\"details-email\""),
        "the error leads to where a new code is asked for, not to a code field that is gone: {page}"
    );
    assert!(!page.contains("id=\"details-code\""));
    let (status, _) = d.post("/case/contact/code", &[("code", &code)]).await;
    assert_eq!(status, 422, "the right code no longer helps");
    assert_eq!(
        d.case().await.debtor.email.as_ref().map(|e| e.as_str()),
        Some("ola@example.no")
    );
    let (status, page) = d.post("/case/contact/code", &[("code", "12")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Koden gjelder ikke lenger"), "{page}");

    // A new request, typed back too late: refused, and the worker never sends the old code.
    assert_eq!(
        d.post("/case/contact/email", &[("email", "ny@example.no")])
            .await
            .0,
        303
    );
    let code = code_of(&d).await;
    clock.advance(Duration::minutes(15));
    let (status, page) = d.post("/case/contact/code", &[("code", &code)]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Koden gjelder ikke lenger"), "{page}");
    assert_eq!(
        d.app.run_worker_at(clock.now()).await,
        2,
        "both codes handled: none sent"
    );
    let codes = code_messages(&d).await;
    assert_eq!(codes.len(), 2);
    assert!(
        codes.iter().all(|m| m.status == MessageStatus::Cancelled),
        "{:?}",
        codes.iter().map(|m| m.status).collect::<Vec<_>>()
    );
    assert!(contact_events(&d.app).await.is_empty());
}

async fn codes_are_limited_per_day_and_bad_input_is_named(backend: Backend) {
    let clock = SettableClock::at(oslo_working_day_at(12));
    let d = debtor_in(app_on(backend, &clock, None).await, "1200.00").await;
    let (status, page) = d
        .post("/case/contact/phone", &[("phone", "22 22 22 22")])
        .await;
    assert_eq!(status, 422, "a landline cannot take the code");
    assert!(page.contains("ser ikke ut som et mobilnummer"), "{page}");
    assert!(
        page.contains("value=\"22 22 22 22\""),
        "what was typed is kept"
    );
    let (status, page) = d
        .post("/case/contact/phone", &[("phone", "912 34 567")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("allerede nummeret"), "{page}");
    let (status, page) = d
        .post("/case/contact/email", &[("email", "not an address")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("ser ikke ut som en e-postadresse"), "{page}");
    assert!(
        d.messages().await.is_empty(),
        "nothing was sent for any of them"
    );

    for n in ["412 34 567", "412 34 568", "412 34 569"] {
        assert_eq!(d.post("/case/contact/phone", &[("phone", n)]).await.0, 303);
    }
    let (status, page) = d
        .post("/case/contact/phone", &[("phone", "412 34 560")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Du har bedt om 3 koder"), "{page}");
    assert_eq!(d.messages().await.len(), 3, "three codes, no fourth");
    clock.advance(Duration::days(1) + Duration::minutes(1));
    // A day later (in a new session: the old one has ended) there is room again.
    let (cookie, csrf) = d.app.open_case(&d.case_id).await;
    let (status, _) = d
        .app
        .post_form(
            "/case/contact/phone",
            &cookie,
            &csrf,
            &[("phone", "412 34 560")],
        )
        .await;
    assert_eq!(status, 303);

    // A form without its token changes nothing.
    let (status, _) = d
        .app
        .post_form(
            "/case/contact/phone",
            &cookie,
            "forged",
            &[("phone", "412 34 561")],
        )
        .await;
    assert_eq!(status, 403, "a forged CSRF token is refused");
    assert_eq!(d.messages().await.len(), 4);
}

async fn a_postal_address_is_saved_field_by_field_and_erased_with_the_case(backend: Backend) {
    let clock = SettableClock::at(oslo_working_day_at(12));
    let d = debtor_in(app_on(backend, &clock, None).await, "1200.00").await;
    let typed = [
        ("street", "Storgata 1"),
        ("postcode", "155"),
        ("city", "Oslo"),
        ("country", "NO"),
    ];
    let (status, page) = d.post("/case/contact/address", &typed).await;
    assert_eq!(status, 422);
    assert!(page.contains("Sjekk postnummeret"), "{page}");
    assert!(page.contains("value=\"Storgata 1\"") && page.contains("value=\"155\""));
    assert!(
        page.contains("id=\"details-postcode\"")
            && page.contains("aria-describedby=\"details-postcode-error\"")
    );
    assert!(d.case().await.contact_changes.postal_address.is_none());
    assert!(contact_events(&d.app).await.is_empty());

    let (status, _) = d
        .post(
            "/case/contact/address",
            &[
                ("street", "Storgata 1"),
                ("postcode", "0155"),
                ("city", "Oslo"),
                ("country", ""),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let address = d
        .case()
        .await
        .contact_changes
        .postal_address
        .expect("saved");
    assert_eq!(
        (
            address.street.as_str(),
            address.postcode.as_str(),
            address.country.as_str()
        ),
        ("Storgata 1", "0155", "NO")
    );
    assert!(
        d.get("/case/contact?done=address")
            .await
            .contains("Lagret: 0155 Oslo")
    );
    let events = contact_events(&d.app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["changed"], "postal_address");
    assert!(!events[0].to_string().contains("Storgata"));
    let api: serde_json::Value = d
        .app
        .get_api(&format!("/api/v1/cases/{}", d.case_id), KEY_A)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(api["postal_address"]["city"], "Oslo", "the agency reads it");

    assert_eq!(
        d.post("/case/contact/phone", &[("phone", "412 34 567")])
            .await
            .0,
        303
    );
    let erased = d
        .app
        .post_json(
            &format!("/api/v1/cases/{}/erase", d.case_id),
            Some(KEY_A),
            "{}",
        )
        .await;
    assert!(erased.status().is_success(), "{}", erased.status());
    let case = d.case().await;
    assert!(
        case.contact_changes.is_empty(),
        "no address or waiting number is left after erasure"
    );
}

/// Asking twice for a code to the same new number sends one SMS, with the code that counts:
/// the first request's message, still queued, is the one it no longer asks for.
async fn a_second_request_for_a_code_sends_only_its_own(backend: Backend) {
    let (twilio, ledger) = twilio_fake::start(std::time::Duration::ZERO).await;
    let clock = SettableClock::at(oslo_working_day_at(12));
    let d = debtor_in(app_on(backend, &clock, Some(&twilio)).await, "1200.00").await;
    for _ in 0..2 {
        let (status, _) = d
            .post("/case/contact/phone", &[("phone", "412 34 567")])
            .await;
        assert_eq!(status, 303);
    }
    let codes = code_messages(&d).await;
    assert_eq!(codes.len(), 2, "both requests queued a code");
    d.app.run_worker_at(clock.now()).await;
    let sent = ledger.sent();
    assert_eq!(sent.len(), 1, "one SMS: {sent:?}");
    assert!(sent[0].body.contains(&code_of(&d).await));
    let asked = d
        .case()
        .await
        .contact_changes
        .pending
        .map(|p| p.message_id)
        .expect("a change waits");
    for code in &codes {
        let stored = d.app.stored_message(&code.id).await;
        let expected = if code.id == asked {
            MessageStatus::Sent
        } else {
            MessageStatus::Cancelled
        };
        assert_eq!(stored.status, expected);
    }
}

/// A confirmed e-mail address brings the debtor back to the e-mail section, not the phone's.
async fn a_confirmed_change_returns_to_its_own_section(backend: Backend) {
    let clock = SettableClock::at(oslo_working_day_at(12));
    let d = debtor_in(app_on(backend, &clock, None).await, "1200.00").await;
    let (status, _) = d
        .post("/case/contact/email", &[("email", "ny@example.no")])
        .await;
    assert_eq!(status, 303);
    let code = code_of(&d).await;
    let response = d
        .app
        .http
        .post(d.app.url("/case/contact/code"))
        .header("Cookie", &d.cookie)
        .header("Origin", &d.app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([("csrf", d.csrf.as_str()), ("code", &code)])
                .expect("form"),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        response.headers()["location"],
        "/case/contact?done=email#email"
    );
}

/// A notice of a change that was never written (its case write lost after the notice was
/// queued) is cancelled by the worker, never sent: only a change the case records is told.
async fn a_change_notice_the_case_does_not_name_is_never_sent(backend: Backend) {
    let (twilio, ledger) = twilio_fake::start(std::time::Duration::ZERO).await;
    let clock = SettableClock::at(oslo_working_day_at(12));
    let d = debtor_in(app_on(backend, &clock, Some(&twilio)).await, "1200.00").await;
    let case = d.case().await;
    let orphan = innfri::domain::message::Message::schedule(
        case.id.clone(),
        case.agency_id.clone(),
        case.contact_on(innfri::domain::message::Channel::Sms)
            .expect("phone"),
        Template::ContactChanged,
        clock.now(),
        clock.now(),
    );
    d.app
        .ctx
        .store
        .schedule_message(&orphan)
        .await
        .expect("queued");
    d.app.run_worker_at(clock.now()).await;
    assert!(ledger.sent().is_empty(), "nothing went out");
    let stored = d.app.stored_message(&orphan.id).await;
    assert_eq!(stored.status, MessageStatus::Cancelled);
    assert_eq!(
        stored.last_error.as_deref(),
        Some("the contact change this notice tells of was not made")
    );
}

on_both_stores!(
    a_change_notice_the_case_does_not_name_is_never_sent,
    a_new_number_takes_effect_only_with_the_code_sent_to_it,
    wrong_codes_run_out_and_an_expired_code_is_never_sent,
    codes_are_limited_per_day_and_bad_input_is_named,
    a_postal_address_is_saved_field_by_field_and_erased_with_the_case,
    a_second_request_for_a_code_sends_only_its_own,
    a_confirmed_change_returns_to_its_own_section,
);
