//! `/u/{message}/{tag}`: an e-mail's one-click unsubscribe. A POST — from the mail client
//! (RFC 8058) or the button on the page — stops e-mail to the address at once; a GET only shows
//! that button, so a link scanner that opens every URL in a mail changes nothing.
//!
//! No session, cookie or CSRF token: the signed URL is the whole authority (a mail client posts
//! it from anywhere, without cookies), so a forged cross-site POST could do no more than the
//! holder of the URL can anyway.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::html;

use super::pages::layout;
use super::session::{chosen_locale, html, not_found, requested_locale, unavailable};
use crate::context::AppContext;
use crate::domain::locale::Locale;
use crate::domain::message::Message;
use crate::messaging::unsubscribe;
use crate::service;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/u/{message}/{tag}", web::get().to(confirm_page))
        .route("/u/{message}/{tag}", web::post().to(unsubscribe_now));
}

/// The message a genuine URL names, with the language chosen on the page (the language
/// chooser) or else its case's; the neutral 404 otherwise.
async fn named_message(
    req: &HttpRequest,
    ctx: &AppContext,
    path: &(String, String),
) -> Result<(Message, Locale), HttpResponse> {
    let Some(id) = unsubscribe::verify(ctx, &path.0, &path.1) else {
        return Err(not_found(ctx, requested_locale(req)));
    };
    let message = match ctx.store.message(&id).await {
        Ok(Some(message)) if service::unsubscribe::address(&message).is_some() => message,
        Ok(_) => return Err(not_found(ctx, requested_locale(req))),
        Err(e) => return Err(unavailable(ctx, &e)),
    };
    let case_locale = match ctx.store.case(&message.case_id).await {
        Ok(case) => case.map(|c| c.debtor.locale).unwrap_or_default(),
        Err(e) => return Err(unavailable(ctx, &e)),
    };
    let locale = chosen_locale(req).unwrap_or(case_locale);
    Ok((message, locale))
}

async fn confirm_page(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (message, locale) = match named_message(&req, &ctx, &path).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let address = service::unsubscribe::address(&message)
        .map(|a| a.masked())
        .unwrap_or_default();
    let texts = &ctx.texts;
    let title = texts.get(locale, "unsubscribe-title");
    let action = format!("/u/{}/{}", path.0, path.1);
    let body = html! {
        h1 { (title) }
        p { (texts.format(locale, "unsubscribe-body", &[("address", &address)])) }
        form method="post" action=(action) {
            // The same body a mail client's one-click POST carries.
            input type="hidden" name="List-Unsubscribe" value="One-Click";
            button type="submit" { (texts.get(locale, "unsubscribe-button")) }
        }
    };
    html(StatusCode::OK, layout(texts, locale, &title, None, body))
}

async fn unsubscribe_now(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (message, locale) = match named_message(&req, &ctx, &path).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if let Err(e) = service::unsubscribe::unsubscribe(&ctx, &message, ctx.clock.now()).await {
        return unavailable(&ctx, &e);
    }
    let address = service::unsubscribe::address(&message)
        .map(|a| a.masked())
        .unwrap_or_default();
    let texts = &ctx.texts;
    let title = texts.get(locale, "unsubscribed-title");
    let body = html! {
        h1 { (title) }
        p { (texts.format(locale, "unsubscribed-body", &[("address", &address)])) }
    };
    html(StatusCode::OK, layout(texts, locale, &title, None, body))
}
