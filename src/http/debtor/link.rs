//! Opening a short link (`/k/{token}`), the case page (`/case`) the session then shows, and the
//! accessibility statement every page links to.

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::DebtorState;
use super::pages::{CasePage, notice};
use super::session::{
    chosen_locale, html, load, load_unverified, not_found, requested_locale, unavailable,
};
use crate::context::AppContext;
use crate::domain::locale::Locale;
use crate::http::client_addr::client_addr;
use crate::service::sessions::{self, Lifetimes, Opened};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/k/{token}", web::get().to(open_link))
        .route("/case", web::get().to(case_page))
        .route(
            super::pages::ACCESSIBILITY_PATH,
            web::get().to(accessibility),
        );
}

/// The answer to a link that opens nothing: the neutral page, or "too many" once the
/// address has used up its misses (the same for a forged tag as for an unknown token, so the
/// status tells nothing about the tag either).
fn miss(ctx: &AppContext, state: &DebtorState, ip: IpAddr, locale: Locale) -> HttpResponse {
    let limited = state.limiter.record_miss(ip);
    // A rising `limited` count is someone guessing links; `neutral` is mostly stale SMS.
    let answer = if limited.is_ok() {
        "neutral"
    } else {
        "limited"
    };
    metrics::counter!("innfri_link_misses_total", "answer" => answer).increment(1);
    match limited {
        Ok(()) => not_found(ctx, locale),
        Err(wait) => {
            let mut response = html(
                StatusCode::TOO_MANY_REQUESTS,
                notice(&ctx.texts, locale, "too-many-title", "too-many-body"),
            );
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(seconds),
            );
            response
        }
    }
}

/// `/k/{token}`: verify (no store read for forgeries), look up, start a session, drop the token from the URL.
async fn open_link(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    token: web::Path<String>,
) -> HttpResponse {
    let server = &ctx.config.settings.server;
    let ip = client_addr(&req, &server.trusted_proxies, server.forwarded_header);
    // No refusal before the link is looked at: a debtor behind a shared address (a carrier's
    // NAT, the TLS proxy) opens a real link whatever others there sent.
    let lifetimes = Lifetimes {
        idle: state.session_idle,
        max: state.session_max,
    };
    let session_id = match sessions::open_link(&ctx, &token, lifetimes, ctx.clock.now()).await {
        Ok(Opened::Started { session_id }) => {
            metrics::counter!("innfri_link_opens_total").increment(1);
            session_id
        }
        Ok(Opened::Miss) => return miss(&ctx, &state, ip, requested_locale(&req)),
        Err(e) => return unavailable(&ctx, &e),
    };
    HttpResponse::SeeOther()
        .insert_header(("Location", "/case"))
        // The token must not leak through Referer from the redirect either.
        .insert_header(("Referrer-Policy", "no-referrer"))
        .cookie(state.cookie.session_cookie(session_id))
        .finish()
}

async fn case_page(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    // The creditor's calendar day, the one the balance is counted on.
    let today = view.owed.day;
    let pay_now = super::pay::pay_now_section(&ctx, &view);
    let others =
        crate::service::debtor_cases::others(&ctx, &view.session, &view.case, ctx.clock.now())
            .await;
    let page = CasePage {
        others: super::all_cases::section(&ctx, &view, &others),
        texts: &ctx.texts,
        view: &view,
        today,
        online_offered: !pay_now.0.is_empty(),
        waiting: super::self_service::waiting_text(&ctx, &view),
        pay_now,
    };
    // The `?lang=` choice is remembered by `session::remember_language`, for every page.
    html(StatusCode::OK, page.render())
}

/// The accessibility statement: public, no session, in the language asked for.
async fn accessibility(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    // Linked from every page of a case: without a choice made, it is in the case's language.
    let locale = match chosen_locale(&req) {
        Some(locale) => locale,
        None => match load_unverified(&req, &ctx, &state).await {
            Ok(view) => view.locale,
            Err(_) => requested_locale(&req),
        },
    };
    html(
        StatusCode::OK,
        super::pages::accessibility_statement(&ctx.texts, locale),
    )
}
