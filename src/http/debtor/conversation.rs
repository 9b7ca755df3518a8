//! The conversation on the debtor's pages: what the debtor and the agency wrote, oldest first,
//! and the form to write (`/case/message`), handed to `service::conversation`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::DebtorState;
use super::pages::{csrf_field, debtor_page};
use super::self_service::{posted, see_case};
use super::session::{DebtorView, field, html, load, unavailable};
use crate::context::AppContext;
use crate::domain::conversation::{
    ConversationChannel, ConversationError, Direction, MESSAGE_TEXT,
};
use crate::domain::locale::Locale;
use crate::domain::text::TextError;
use crate::i18n::Texts;
use crate::service::conversation::{self, TalkError};

pub const PATH: &str = "/case/message";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(form))
        .route(PATH, web::post().to(submit));
}

/// Messages the case page shows at most (the latest); `/case/message` shows them all. Keeps the
/// page small (under 20 KB) however long the conversation grows.
pub const ON_CASE_PAGE: usize = 5;

/// The conversation and the form, as the case page shows it (the latest `limit` messages);
/// `typed` is kept and `error` (already in the debtor's words) tied to the field after a
/// refused message.
pub fn section(
    t: &Texts,
    view: &DebtorView,
    typed: &str,
    error: Option<&str>,
    limit: Option<usize>,
) -> Markup {
    let l = view.locale;
    let agency = view.agency.name.as_str();
    let zone = view.creditor.jurisdiction.time_zone();
    let max = MESSAGE_TEXT.max_chars.to_string();
    let described = match error {
        Some(_) => "conversation-error conversation-hint",
        None => "conversation-hint",
    };
    let all = &view.case.conversation.messages;
    let shown = &all[all.len() - limit.unwrap_or(all.len()).min(all.len())..];
    let count = all.len().to_string();
    html! {
        section #conversation {
            h2 { (t.format(l, "conversation-heading", &[("agency", agency)])) }
            @if shown.len() < all.len() {
                p { a href=(PATH) { (t.format(l, "conversation-all", &[("count", &count)])) } }
            }
            @if !shown.is_empty() {
                ol.conversation {
                    @for m in shown {
                        @let local = m.at.with_timezone(&zone);
                        @let time = local.format(time_format(l)).to_string();
                        @let when = t.format(l, "conversation-at", &[("date", &t.date(l, local.date_naive())), ("time", &time)]);
                        li {
                            p.meta {
                                strong {
                                    @match m.direction {
                                        Direction::FromDebtor => (t.get(l, "conversation-from-you")),
                                        Direction::FromAgency => (t.format(l, "conversation-from-agency", &[("agency", agency)])),
                                    }
                                }
                                " · " (when)
                                @if m.direction == Direction::FromDebtor {
                                    @match m.channel {
                                        ConversationChannel::Sms => { " · " (t.get(l, "conversation-by-sms")) }
                                        ConversationChannel::Email => { " · " (t.get(l, "conversation-by-email")) }
                                        ConversationChannel::Page => {}
                                    }
                                }
                            }
                            p {
                                @for (i, line) in m.text.lines().enumerate() {
                                    @if i > 0 { br; }
                                    (line)
                                }
                            }
                            @if m.is_waiting() { p.status { (t.get(l, "conversation-waiting")) } }
                        }
                    }
                }
            }
            p { (t.format(l, "conversation-intro", &[("agency", agency)])) }
            @if let Some(error) = error { p.error role="alert" id="conversation-error" { (error) } }
            form method="post" action=(PATH) {
                (csrf_field(view))
                label for="conversation-text" { (t.get(l, "conversation-label")) }
                p.hint id="conversation-hint" { (t.format(l, "conversation-hint", &[("max", &max)])) }
                textarea #conversation-text name="text" rows="4" maxlength=(max) required
                    aria-describedby=(described) aria-invalid=[error.map(|_| "true")] { (typed) }
                button type="submit" { (t.format(l, "conversation-submit", &[("agency", agency)])) }
            }
        }
    }
}

/// Hours and minutes as the language writes them: "14.05" in Norwegian, "14:05" elsewhere.
pub(super) fn time_format(locale: Locale) -> &'static str {
    if locale == Locale::Nb {
        "%H.%M"
    } else {
        "%H:%M"
    }
}

/// The refusal in the debtor's words.
fn error_text(t: &Texts, view: &DebtorView, error: &ConversationError) -> String {
    let l = view.locale;
    match error {
        ConversationError::Text(TextError::Empty) => t.get(l, "error-conversation-empty"),
        ConversationError::Text(TextError::TooLong(max)) => t.format(
            l,
            "error-conversation-too-long",
            &[("max", &max.to_string())],
        ),
        ConversationError::Text(_) => t.get(l, "error-conversation-characters"),
        ConversationError::Full => t.format(
            l,
            "conversation-full",
            &[("agency", view.agency.name.as_str())],
        ),
    }
}

fn page(ctx: &AppContext, view: &DebtorView, status: StatusCode, body: Markup) -> HttpResponse {
    html(
        status,
        debtor_page(&ctx.texts, view, PATH, "conversation-title", body),
    )
}

/// `/case/message`: the conversation and the form on a page of their own.
async fn form(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let body = html! { (section(&ctx.texts, &view, "", None, None)) (super::pages::back_link(&ctx.texts, view.locale)) };
    page(&ctx, &view, StatusCode::OK, body)
}

async fn submit(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) =
        match posted(&req, &ctx, &state, &body, |v| v.case.debtor_pages_open()).await {
            Ok(posted) => posted,
            Err(response) => return response,
        };
    let typed = field(&fields, "text").unwrap_or_default();
    match conversation::debtor_writes(&ctx, &view.case.id, typed, ctx.clock.now()).await {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header(("Location", "/case#conversation"))
            .finish(),
        Err(TalkError::Text(e)) => {
            let error = error_text(&ctx.texts, &view, &e);
            let body = html! {
                (section(&ctx.texts, &view, typed, Some(&error), None))
                (super::pages::back_link(&ctx.texts, view.locale))
            };
            page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY, body)
        }
        Err(TalkError::Store(e)) => unavailable(&ctx, &e),
        Err(TalkError::Conflict) => unavailable(&ctx, &"the case kept changing"),
        Err(_) => see_case(),
    }
}
