//! The conversation between debtor and agency through the real app: the debtor writes on the
//! case page (and a refused message keeps what was typed), an SMS reply lands in it, the agency
//! answers by the API (with an Idempotency-Key) or from the console inbox, the answer shows on
//! the debtor's page and a notice is queued to the debtor, and roles and tenants hold.

use chrono::Utc;
use innfri::clock::SettableClock;
use innfri::domain::conversation::{ConversationChannel, DebtorMessageState, Direction};
use innfri::domain::event::{Actor, EventKind};
use innfri::domain::ids::AgencyId;
use innfri::domain::message::{MessageStatus, Recipient, Template};
use innfri::domain::staff::{Role, StaffScope, StaffUser};
use innfri::service::staff;
use serde_json::{Value, json};

use crate::common::{Backend, Debtor, KEY_A, KEY_B, TestApp, csrf_of, debtor_in, twilio_fake};

const SESSION: &str = "innfri-staff";
const FORM: &str = "innfri-staff-form";

// ---- the console, as a browser uses it ----

struct Login {
    user: StaffUser,
    password: String,
}

async fn login_for(app: &TestApp, email: &str, agency: &str, role: Role) -> Login {
    let scope = StaffScope::Agency {
        agency: AgencyId::parse(agency).expect("id"),
        role,
    };
    let (user, password) = staff::demo_user(&app.ctx, email, scope, app.ctx.clock.now())
        .await
        .expect("user");
    Login { user, password }
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

/// Logs in through the login forms (password, then the TOTP code); the session cookie.
async fn log_in(app: &TestApp, login: &Login) -> String {
    let login_form = app
        .http
        .get(app.url("/console/login"))
        .send()
        .await
        .expect("get");
    let form_cookie = set_cookie(&login_form, FORM).expect("form cookie");
    let csrf = csrf_of(&login_form.text().await.expect("html"));
    let response = post(
        app,
        "/console/login",
        &[(FORM, &form_cookie)],
        &[
            ("csrf", &csrf),
            ("email", login.user.email.as_str()),
            ("password", &login.password),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303, "password accepted");
    let pending = set_cookie(&response, SESSION).expect("pending session");
    let code_form = app
        .http
        .get(app.url("/console/login/code"))
        .send()
        .await
        .expect("get");
    let form_cookie = set_cookie(&code_form, FORM).expect("form cookie");
    let csrf = csrf_of(&code_form.text().await.expect("html"));
    let code = staff::totp(&login.user.totp_secret, &login.user.email)
        .expect("totp")
        .generate(app.ctx.clock.now().timestamp() as u64);
    let response = post(
        app,
        "/console/login/code",
        &[(FORM, &form_cookie), (SESSION, &pending)],
        &[("csrf", &csrf), ("code", &code)],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303, "code accepted");
    set_cookie(&response, SESSION).expect("session")
}

async fn console_page(app: &TestApp, path: &str, session: &str) -> (u16, String) {
    let response = app
        .get_with_cookie(path, &format!("{SESSION}={session}"))
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

/// Posts a console form with the session's anti-forgery token.
async fn console_post(
    app: &TestApp,
    path: &str,
    session: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (_, html) = console_page(app, "/console/inbox", session).await;
    let csrf = csrf_of(&html);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = post(app, path, &[(SESSION, session)], &all).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

// ---- the debtor and the API ----

async fn app_on(backend: Backend) -> TestApp {
    TestApp::builder()
        .store(backend)
        .uncapped()
        .clock(SettableClock::at(Utc::now()))
        .start()
        .await
}

async fn conversation(app: &TestApp, key: &str, d: &Debtor) -> (u16, Value) {
    let response = app
        .get_api(&format!("/api/v1/cases/{}/conversation", d.case_id), key)
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn api_answer(
    app: &TestApp,
    key: &str,
    d: &Debtor,
    idempotency_key: &str,
    body: &Value,
) -> (u16, Value, bool) {
    let response = app
        .http
        .post(app.url(&format!("/api/v1/cases/{}/conversation", d.case_id)))
        .bearer_auth(key)
        .header("Idempotency-Key", idempotency_key)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        replayed,
    )
}

async fn events_of(app: &TestApp, kind: EventKind) -> Vec<Value> {
    let agency = AgencyId::parse("agency-a").expect("id");
    app.ctx
        .store
        .events_after(&agency, None, 1000)
        .await
        .expect("events")
        .into_iter()
        .filter(|(_, e)| e.kind == kind)
        .map(|(_, e)| e.data)
        .collect()
}

async fn a_debtor_writes_and_an_api_answer_reaches_the_page_and_the_phone(backend: Backend) {
    let d = debtor_in(app_on(backend).await, "1200.00").await;
    let app = &d.app;
    let page = d.page().await;
    assert!(
        page.contains("action=\"/case/message\""),
        "the form is on the case page"
    );
    assert!(
        page.contains("maxlength=\"1000\""),
        "the limit is in the form"
    );
    assert!(page.contains("Høyst 1000 tegn"), "and said in words");

    let (status, _) = d
        .post(
            "/case/message",
            &[("text", "Hei!\r\nKan jeg betale i januar?")],
        )
        .await;
    assert_eq!(status, 303);
    let page = d.page().await;
    assert!(page.contains("Kan jeg betale i januar?"), "{page}");
    assert!(page.contains("Du skrev") && page.contains("Venter på svar"));
    let written = events_of(app, EventKind::DebtorMessage).await;
    assert_eq!(written.len(), 1);
    assert_eq!(written[0]["channel"], "page");
    assert_eq!(written[0]["text"], "Hei!\nKan jeg betale i januar?");

    let (status, talk) = conversation(app, KEY_A, &d).await;
    assert_eq!(status, 200);
    assert_eq!(talk["messages"][0]["direction"], "from_debtor");
    assert_eq!(talk["messages"][0]["state"]["state"], "waiting");

    let body = json!({"text": "Ja, januar går fint. Vi setter saken på vent."});
    let (status, answered, replayed) = api_answer(app, KEY_A, &d, "answer-1", &body).await;
    assert_eq!(status, 201, "{answered}");
    assert!(!replayed);
    assert_eq!(answered["message"]["direction"], "from_agency");
    assert_eq!(
        answered["message"]["channel"], "sms",
        "SMS when there is a number"
    );
    let notice_id = answered["notice_message_id"]
        .as_str()
        .expect("a notice")
        .to_owned();
    // The same key and body again: the saved answer, nothing new.
    let (status, again, replayed) = api_answer(app, KEY_A, &d, "answer-1", &body).await;
    assert_eq!((status, replayed), (201, true));
    assert_eq!(again, answered);
    let case = d.case().await;
    assert_eq!(case.conversation.messages.len(), 2, "answered once");
    assert!(matches!(
        &case.conversation.messages[0].state,
        Some(DebtorMessageState::Answered {
            by: Actor::Agency,
            ..
        })
    ));

    let page = d.page().await;
    assert!(page.contains("januar går fint"), "{page}");
    assert!(page.contains(" svarte"), "who wrote it");
    assert!(!page.contains("Venter på svar"));
    let notices: Vec<_> = d
        .messages()
        .await
        .into_iter()
        .filter(|m| m.template == Template::ConversationAnswer)
        .collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].id.as_str(), notice_id);
    assert!(matches!(notices[0].recipient, Recipient::Sms(_)));
    let told = events_of(app, EventKind::AgencyMessage).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["message_id"], notice_id.as_str());

    // By the queue like every message: sent in the contact hours, with the link.
    assert_eq!(
        app.run_worker_at(crate::common::oslo_working_day_at(12))
            .await,
        1
    );
    assert_eq!(
        app.stored_message(&notices[0].id).await.status,
        MessageStatus::Sent
    );

    // Notify by e-mail, or the page only; a channel the debtor lacks is refused.
    let (status, answered, _) = api_answer(
        app,
        KEY_A,
        &d,
        "answer-2",
        &json!({"text": "Kvittering kommer på e-post.", "notify": "email"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(answered["message"]["channel"], "email");
    let (status, answered, _) = api_answer(
        app,
        KEY_A,
        &d,
        "answer-3",
        &json!({"text": "Bare på siden.", "notify": "none"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(answered["notice_message_id"], Value::Null);
}

async fn a_refused_message_names_the_field_keeps_the_text_and_changes_nothing(backend: Backend) {
    let d = debtor_in(app_on(backend).await, "1200.00").await;
    let long = "ord ".repeat(300);
    for (typed, says) in [
        ("   ", "Skriv en melding før du sender den."),
        (long.as_str(), "Meldingen er for lang: høyst 1000 tegn."),
        ("Hei \u{202E}der", "Meldingen har tegn vi ikke kan vise."),
    ] {
        let (status, html) = d.post("/case/message", &[("text", typed)]).await;
        assert_eq!(status, 422, "{typed:?}");
        assert!(html.contains(says), "{html}");
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(html.contains("aria-describedby=\"conversation-error conversation-hint\""));
        assert!(html.contains("id=\"conversation-error\""));
        let kept = maud::html! { (typed.trim_end()) }.into_string();
        assert!(html.contains(kept.trim()), "what was typed is kept");
    }
    assert!(d.case().await.conversation.messages.is_empty());
    assert!(!d.event_kinds().await.contains(&EventKind::DebtorMessage));
    // A form without its token changes nothing either.
    let (status, _) = d
        .app
        .post_form("/case/message", &d.cookie, "forged", &[("text", "Hei")])
        .await;
    assert_eq!(status, 403);
    assert!(d.case().await.conversation.messages.is_empty());
    // API input is checked the same way, with the field named.
    let (status, error, _) = api_answer(&d.app, KEY_A, &d, "bad-1", &json!({"text": ""})).await;
    assert_eq!(status, 422);
    assert_eq!(error["field"], "text");
    let (status, error, _) = api_answer(
        &d.app,
        KEY_A,
        &d,
        "bad-2",
        &json!({"text": "x", "notify": "fax"}),
    )
    .await;
    assert_eq!(status, 400, "{error}");
}

async fn a_handler_answers_from_the_console_inbox_and_a_viewer_only_reads(backend: Backend) {
    let d = debtor_in(app_on(backend).await, "1200.00").await;
    let app = &d.app;
    let (status, _) = d
        .post("/case/message", &[("text", "Jeg har mistet jobben.")])
        .await;
    assert_eq!(status, 303);
    let kari = login_for(app, "kari@a-inkasso.no", "agency-a", Role::Handler).await;
    let per = login_for(app, "per@a-inkasso.no", "agency-a", Role::Viewer).await;
    let other = login_for(app, "ola@b-inkasso.no", "agency-b", Role::Handler).await;
    let kari_s = log_in(app, &kari).await;
    let per_s = log_in(app, &per).await;
    let other_s = log_in(app, &other).await;
    let external_ref = d.case().await.external_ref.to_string();

    let (status, inbox) = console_page(app, "/console/inbox", &kari_s).await;
    assert_eq!(status, 200);
    assert!(
        inbox.contains(&external_ref) && inbox.contains("mistet jobben"),
        "{inbox}"
    );
    assert!(
        inbox.contains("href=\"/console/inbox\""),
        "the inbox is in the menu"
    );
    let (status, inbox) = console_page(app, "/console/inbox", &per_s).await;
    assert_eq!(status, 200, "a viewer reads the inbox");
    assert!(inbox.contains(&external_ref));
    let (_, inbox) = console_page(app, "/console/inbox", &other_s).await;
    assert!(!inbox.contains(&external_ref), "agency B sees none of A's");

    let case_path = format!("/console/cases/{}", d.case_id);
    let (_, screen) = console_page(app, &case_path, &kari_s).await;
    assert!(screen.contains("Conversation with the debtor") && screen.contains("mistet jobben"));
    assert!(screen.contains("/conversation/answer"));
    let (_, screen) = console_page(app, &case_path, &per_s).await;
    assert!(
        screen.contains("mistet jobben"),
        "a viewer sees the conversation"
    );
    assert!(
        !screen.contains("/conversation/answer"),
        "but no answer form"
    );

    let answer_path = format!("{case_path}/conversation/answer");
    let fields = [
        ("text", "Vi setter saken på pause en måned."),
        ("notify", "email"),
    ];
    let (status, _) = console_post(app, &answer_path, &per_s, &fields).await;
    assert_eq!(status, 403, "a viewer cannot answer");
    let (status, _) = console_post(app, &answer_path, &other_s, &fields).await;
    assert_eq!(status, 404, "another agency's case is not there");
    for path in ["assign", "done"] {
        let path = format!("{case_path}/conversation/{path}");
        assert_eq!(console_post(app, &path, &per_s, &[]).await.0, 403);
    }
    assert_eq!(
        d.case().await.conversation.messages.len(),
        1,
        "nothing changed"
    );

    // Assigned: to another agency's user is refused, to a viewer too, to oneself works.
    let assign = format!("{case_path}/conversation/assign");
    for to in ["ola@b-inkasso.no", "per@a-inkasso.no"] {
        let (status, html) = console_post(app, &assign, &kari_s, &[("to", to)]).await;
        assert_eq!(status, 422, "{to}");
        assert!(html.contains("assignee"), "{html}");
    }
    assert_eq!(
        console_post(app, &assign, &kari_s, &[("to", "")]).await.0,
        303
    );
    assert_eq!(
        d.case().await.conversation.assignee,
        Some(kari.user.id.clone())
    );
    let (_, inbox) = console_page(app, "/console/inbox", &kari_s).await;
    assert!(inbox.contains("<td>you</td>"), "{inbox}");

    // A refused answer comes back with the text to edit.
    let (status, html) = console_post(app, &answer_path, &kari_s, &[("text", " ")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("text: must not be empty"), "{html}");

    let (status, _) = console_post(app, &answer_path, &kari_s, &fields).await;
    assert_eq!(status, 303);
    let case = d.case().await;
    let answer = case.conversation.messages.last().expect("answer");
    assert_eq!(answer.direction, Direction::FromAgency);
    assert_eq!(answer.author, Actor::Staff(kari.user.id.clone()));
    assert_eq!(answer.channel, ConversationChannel::Email);
    assert!(
        case.audit
            .iter()
            .any(|a| a.action == "conversation.answered"
                && a.actor == Actor::Staff(kari.user.id.clone()))
    );
    let notice = d
        .messages()
        .await
        .into_iter()
        .find(|m| m.template == Template::ConversationAnswer)
        .expect("a notice");
    assert!(matches!(notice.recipient, Recipient::Email(_)));
    assert!(
        d.page().await.contains("pause en måned"),
        "the debtor reads it"
    );
    let (_, inbox) = console_page(app, "/console/inbox", &kari_s).await;
    assert!(inbox.contains("Nothing waits for an answer."), "{inbox}");
    assert_eq!(events_of(app, EventKind::AgencyMessage).await.len(), 1);

    // A thank-you needs no answer: marked done, out of the inbox.
    d.post("/case/message", &[("text", "Tusen takk!")]).await;
    let (_, inbox) = console_page(app, "/console/inbox", &kari_s).await;
    assert!(inbox.contains("Tusen takk!"));
    let done = format!("{case_path}/conversation/done");
    assert_eq!(console_post(app, &done, &kari_s, &[]).await.0, 303);
    let (_, inbox) = console_page(app, "/console/inbox", &kari_s).await;
    assert!(inbox.contains("Nothing waits for an answer."));
    assert!(matches!(
        d.case()
            .await
            .conversation
            .messages
            .last()
            .and_then(|m| m.state.clone()),
        Some(DebtorMessageState::Done { .. })
    ));
}

async fn an_sms_reply_lands_in_the_conversation_and_an_opt_out_does_not(backend: Backend) {
    let (twilio, _ledger) = twilio_fake::start(std::time::Duration::ZERO).await;
    let app = TestApp::builder()
        .store(backend)
        .uncapped()
        .with_twilio(&twilio)
        .start()
        .await;
    let d = debtor_in(app, "1200.00").await;
    let app = &d.app;
    app.schedule(KEY_A, &d.case_id, "sms").await;
    assert_eq!(app.run_worker_at_noon().await, 1);
    let reply = |sid: &'static str, text: &'static str| async move {
        twilio_fake::reply(app, sid, "+4791234567", "+4759000000", text).await
    };
    assert_eq!(
        reply(
            "SMreply000000000000000000000000010",
            "Kan jeg betale neste uke?"
        )
        .await,
        200
    );
    assert_eq!(
        reply("SMreply000000000000000000000000011", "STOPP").await,
        200
    );
    let case = d.case().await;
    assert_eq!(
        case.conversation.messages.len(),
        1,
        "the opt-out is not a message"
    );
    let message = &case.conversation.messages[0];
    assert_eq!(message.channel, ConversationChannel::Sms);
    assert_eq!(message.text, "Kan jeg betale neste uke?");
    assert!(message.is_waiting());
    assert!(
        case.audit.iter().any(|a| a.action == "sms.reply"),
        "still in the audit trail"
    );
    let written = events_of(app, EventKind::DebtorMessage).await;
    assert_eq!(written.len(), 1);
    assert_eq!(written[0]["channel"], "sms");
    assert!(
        d.page().await.contains("som SMS"),
        "the page says how it came"
    );

    // An answer by SMS to the opted-out number is kept on the page, and never sent.
    let (status, answered, _) = api_answer(
        app,
        KEY_A,
        &d,
        "answer-sms",
        &json!({"text": "Ja, neste uke går bra.", "notify": "sms"}),
    )
    .await;
    assert_eq!(status, 201);
    assert!(d.page().await.contains("neste uke går bra"));
    let notice = d
        .messages()
        .await
        .into_iter()
        .find(|m| m.template == Template::ConversationAnswer)
        .expect("notice");
    assert_eq!(answered["notice_message_id"], notice.id.as_str());
    app.run_worker_at_noon().await;
    assert_eq!(
        app.stored_message(&notice.id).await.status,
        MessageStatus::Cancelled,
        "the opt-out holds"
    );
}

async fn another_agency_gets_404_and_a_closed_case_takes_no_answer(backend: Backend) {
    let d = debtor_in(app_on(backend).await, "1200.00").await;
    let app = &d.app;
    d.post("/case/message", &[("text", "Hei")]).await;
    let (status, body) = conversation(app, KEY_B, &d).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "case_not_found");
    let (status, body, _) = api_answer(app, KEY_B, &d, "b-1", &json!({"text": "Hei"})).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "case_not_found");
    assert_eq!(d.case().await.conversation.messages.len(), 1);

    let close = app
        .post_json(
            &format!("/api/v1/cases/{}/close", d.case_id),
            Some(KEY_A),
            "{}",
        )
        .await;
    assert_eq!(close.status().as_u16(), 200);
    let (status, body, _) = api_answer(app, KEY_A, &d, "a-late", &json!({"text": "Hei"})).await;
    assert_eq!(status, 422);
    assert_eq!(body["field"], "case");
}

/// However long the conversation grows, the case page shows the latest messages and stays
/// under 20 KB; `/case/message` shows them all.
async fn a_long_conversation_keeps_the_case_page_small(backend: Backend) {
    let d = debtor_in(app_on(backend).await, "1200.00").await;
    for i in 0..12 {
        let text = format!("Melding {i:02}: {}", "lang tekst ".repeat(85));
        assert_eq!(d.post("/case/message", &[("text", &text)]).await.0, 303);
    }
    let page = d.page().await;
    assert!(page.len() < 20 * 1024, "{} bytes", page.len());
    assert!(page.contains("Melding 11") && page.contains("Melding 07"));
    assert!(!page.contains("Melding 06"), "only the latest five");
    assert!(page.contains("Se alle 12 meldingene"));
    let all = d.get("/case/message").await;
    assert!(all.contains("Melding 00") && all.contains("Melding 11"));
    assert!(all.contains("action=\"/case/message\""));
}

on_both_stores!(
    a_long_conversation_keeps_the_case_page_small,
    a_debtor_writes_and_an_api_answer_reaches_the_page_and_the_phone,
    a_refused_message_names_the_field_keeps_the_text_and_changes_nothing,
    a_handler_answers_from_the_console_inbox_and_a_viewer_only_reads,
    an_sms_reply_lands_in_the_conversation_and_an_opt_out_does_not,
    another_agency_gets_404_and_a_closed_case_takes_no_answer,
);
