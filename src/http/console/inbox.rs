//! The inbox: what debtors wrote (the case page's form, SMS replies) and wait to have answered,
//! across the cases the user may see, oldest first; and the conversation on a case's screen
//! with its actions (answer by SMS or e-mail, assign, mark done), through
//! `service::conversation`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::cases::load;
use super::layout::{notice, page, page_response};
use super::{field, fields, genuine, see_other, unavailable};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::conversation::{
    ConversationChannel, DebtorMessageState, Direction, MESSAGE_TEXT,
};
use crate::domain::event::Actor;
use crate::domain::ids::CaseId;
use crate::domain::message::Channel;
use crate::domain::staff::StaffUser;
use crate::service::conversation::{self, Assignee, Notify, TalkError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/inbox", web::get().to(inbox))
        .route(
            "/console/cases/{id}/conversation/answer",
            web::post().to(answer),
        )
        .route(
            "/console/cases/{id}/conversation/assign",
            web::post().to(assign),
        )
        .route(
            "/console/cases/{id}/conversation/done",
            web::post().to(done),
        );
}

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Oslo)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn who(actor: &Actor, me: &StaffUser) -> String {
    match actor {
        Actor::Debtor => "debtor".into(),
        Actor::Agency => "agency (API)".into(),
        Actor::System => "system".into(),
        Actor::Staff(id) if *id == me.id => "you".into(),
        Actor::Staff(id) => format!("staff {id}"),
    }
}

fn assignee_name(case: &Case, me: &StaffUser) -> String {
    match &case.conversation.assignee {
        None => "nobody".into(),
        Some(id) => who(&Actor::Staff(id.clone()), me),
    }
}

fn channel_name(channel: ConversationChannel) -> &'static str {
    match channel {
        ConversationChannel::Page => "case page",
        ConversationChannel::Sms => "SMS",
        ConversationChannel::Email => "e-mail",
    }
}

/// The first `max` characters of `text` on one line.
fn excerpt(text: &str, max: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// The conversation on a case's screen: every message, and for handlers and admins the answer,
/// assign and done forms. `typed` is an answer refused with `error`, offered again.
pub(super) fn conversation_section(
    case: &Case,
    user: &StaffUser,
    csrf: &str,
    typed: &str,
    error: Option<&str>,
) -> Markup {
    let talk = &case.conversation;
    let acts = user.scope.changes_cases() && case.debtor_pages_open();
    let base = format!("/console/cases/{}/conversation", case.id);
    html! {
        section #conversation {
            h2 { "Conversation with the debtor" }
            p { "Assigned to: " strong { (assignee_name(case, user)) } }
            @if talk.messages.is_empty() { p { "No messages yet." } }
            @else {
                ol.conversation {
                    @for m in &talk.messages {
                        li {
                            p {
                                strong { (who(&m.author, user)) }
                                " · " (when(m.at))
                                " · " (match m.direction { Direction::FromDebtor => "by ", Direction::FromAgency => "told by " })
                                (channel_name(m.channel))
                                @match &m.state {
                                    Some(DebtorMessageState::Waiting) => { " · " strong { "waiting" } }
                                    Some(DebtorMessageState::Answered { at, by, .. }) => { " · answered " (when(*at)) " by " (who(by, user)) }
                                    Some(DebtorMessageState::Done { at, by }) => { " · marked done " (when(*at)) " by " (who(by, user)) }
                                    None => {}
                                }
                            }
                            p { @for (i, line) in m.text.lines().enumerate() { @if i > 0 { br; } (line) } }
                        }
                    }
                }
            }
            @if acts {
                @if let Some(error) = error { p.error role="alert" id="answer-error" { (error) } }
                form method="post" action=(format!("{base}/answer")) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="answer-text" { "Answer (the debtor reads it on the case page; at most " (MESSAGE_TEXT.max_chars) " characters)" }
                    textarea #answer-text name="text" rows="4" maxlength=(MESSAGE_TEXT.max_chars) required
                        aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "answer-error")] { (typed) }
                    label for="answer-notify" { "Tell the debtor an answer waits by" }
                    select #answer-notify name="notify" {
                        @if case.debtor.phone.is_some() { option value="sms" { "SMS" } }
                        @if case.debtor.email.is_some() { option value="email" { "E-mail" } }
                        option value="none" { "nothing (page only)" }
                    }
                    p { button type="submit" { "Send the answer" } }
                }
                form method="post" action=(format!("{base}/assign")) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="assign-to" { "Assign to a handler's login e-mail (empty: to you; \"nobody\" to unassign)" }
                    input #assign-to name="to" type="text" autocomplete="off";
                    p { button type="submit" { "Assign" } }
                }
                @if talk.waiting_since().is_some() {
                    form method="post" action=(format!("{base}/done")) {
                        input type="hidden" name="csrf" value=(csrf);
                        p { button type="submit" { "Mark done without an answer" } }
                    }
                }
            }
        }
    }
}

async fn inbox(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let entries = match conversation::inbox(&ctx, &user).await {
        Ok(entries) => entries,
        Err(e) => return unavailable(&e),
    };
    let body = html! {
        h1 { "Inbox" }
        p { "Messages from debtors (the case page's form and SMS replies) that wait for an answer, the longest waiting first." }
        @if !user.scope.changes_cases() { p { "Your role reads the inbox; handlers and admins answer." } }
        @if entries.is_empty() { p { "Nothing waits for an answer." } }
        @else {
            table {
                thead { tr { th { "Case" } th { "Waiting since" } th { "Messages" } th { "Latest" } th { "Assigned to" } } }
                tbody {
                    @for entry in &entries {
                        @let latest = entry.case.conversation.waiting().last();
                        tr {
                            td { a href=(format!("/console/cases/{}#conversation", entry.case.id)) { (entry.case.external_ref) } }
                            td { (when(entry.since)) }
                            td { (entry.waiting) }
                            td {
                                @if let Some(m) = latest {
                                    "(" (channel_name(m.channel)) ") " (excerpt(&m.text, 120))
                                }
                            }
                            td { (assignee_name(&entry.case, &user)) }
                        }
                    }
                }
            }
        }
    };
    page_response(
        StatusCode::OK,
        page("Inbox", Some((&user, &session.csrf_token)), body),
    )
}

/// A conversation form's post: session, anti-forgery check, then `act`; back to the case's
/// conversation when done, the refusal otherwise (a refused answer offered again to edit).
async fn act<F, Fut>(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    raw_id: &str,
    body: web::Bytes,
    act: F,
) -> HttpResponse
where
    F: FnOnce(StaffUser, CaseId, Vec<(String, String)>) -> Fut,
    Fut: std::future::Future<Output = Result<(), TalkError>>,
{
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let form = fields(&body);
    if !genuine(&req, &ctx, &session.csrf_token, field(&form, "csrf")) {
        return page_response(
            StatusCode::FORBIDDEN,
            notice(
                "Refused",
                "The form had expired; nothing was changed. Open the case again.",
            ),
        );
    }
    let no_case = || {
        page_response(
            StatusCode::NOT_FOUND,
            notice(
                "No such case",
                "There is no case with this id that you may see.",
            ),
        )
    };
    let Ok(id) = CaseId::parse(raw_id) else {
        return no_case();
    };
    let back = format!("/console/cases/{id}");
    let typed = field(&form, "text").unwrap_or_default().to_owned();
    let frame = |status: StatusCode, title: &str, body: Markup| {
        page_response(
            status,
            page(title, Some((&user, &session.csrf_token)), body),
        )
    };
    match act(user.clone(), id.clone(), form).await {
        Ok(()) => see_other(&format!("{back}#conversation")),
        Err(TalkError::NotFound) => no_case(),
        Err(TalkError::Forbidden) => frame(
            StatusCode::FORBIDDEN,
            "Not allowed",
            html! { h1 { "Not allowed" } p { "Your role may not answer or assign." } p { a href=(back) { "Back to the case" } } },
        ),
        Err(TalkError::Store(e)) => unavailable(&e),
        Err(e) => {
            let error = e.to_string();
            let seen = ctx.store.case(&id).await.ok().flatten();
            let seen = seen.filter(|c| user.scope.sees_case(&c.agency_id, &c.creditor_id));
            let again = match seen {
                Some(case) => {
                    conversation_section(&case, &user, &session.csrf_token, &typed, Some(&error))
                }
                _ => html! { p.error role="alert" { (error) } },
            };
            frame(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Not done",
                html! { h1 { "Not done" } (again) p { a href=(back) { "Back to the case" } } },
            )
        }
    }
}

async fn answer(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    act(req, ctx, &path, body, |user, id, form| async move {
        let notify = match field(&form, "notify").map(str::trim) {
            Some("sms") => Notify::By(Channel::Sms),
            Some("email") => Notify::By(Channel::Email),
            Some("none") => Notify::PageOnly,
            _ => Notify::Best,
        };
        let text = field(&form, "text").unwrap_or_default();
        conversation::staff_answers(&c, &user, &id, text, notify, c.clock.now())
            .await
            .map(|_| ())
    })
    .await
}

async fn assign(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    act(req, ctx, &path, body, |user, id, form| async move {
        let to = match field(&form, "to").map(str::trim).unwrap_or_default() {
            "" => Assignee::Me,
            "nobody" => Assignee::Nobody,
            email => Assignee::Email(email.to_owned()),
        };
        conversation::assign(&c, &user, &id, to, c.clock.now())
            .await
            .map(|_| ())
    })
    .await
}

async fn done(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    act(req, ctx, &path, body, |user, id, _| async move {
        conversation::mark_done(&c, &user, &id, c.clock.now())
            .await
            .map(|_| ())
    })
    .await
}
