//! The debtor's side: opening a short link, and the case page the session then shows.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use super::pages::{CasePage, notice};
use super::security::{CookiePolicy, MissLimiter};
use crate::app::AppContext;
use crate::domain::link::{DebtorSession, LinkPurpose};
use crate::domain::locale::Locale;
use crate::links::{TokenDigest, random_base62};

/// State the debtor pages need besides the shared context.
pub struct DebtorState {
    pub limiter: MissLimiter,
    pub cookie: CookiePolicy,
    pub session_idle: Duration,
    pub session_max: Duration,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/k/{token}", web::get().to(open_link))
        .route("/case", web::get().to(case_page));
}

fn client_ip(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip())
}

fn html(status: StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

fn not_found(ctx: &AppContext, locale: Locale) -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        notice(&ctx.texts, locale, "not-found-title", "not-found-body"),
    )
}

fn unavailable(ctx: &AppContext, error: &dyn std::fmt::Display) -> HttpResponse {
    tracing::error!(%error, "store unavailable on a debtor page");
    html(
        StatusCode::SERVICE_UNAVAILABLE,
        notice(&ctx.texts, Locale::default(), "error-title", "error-body"),
    )
}

/// `/k/{token}`: verify (no store read for forgeries), look up, start a session, drop the token from the URL.
async fn open_link(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    token: web::Path<String>,
) -> HttpResponse {
    let ip = client_ip(&req);
    if state.limiter.is_blocked(ip) {
        return html(
            StatusCode::TOO_MANY_REQUESTS,
            notice(
                &ctx.texts,
                Locale::default(),
                "too-many-title",
                "too-many-body",
            ),
        );
    }
    let Ok(token) = ctx.config.link_keys.verify(&token) else {
        state.limiter.record_miss(ip);
        return not_found(&ctx, Locale::default());
    };
    let link = match ctx.store.link(&token.digest()).await {
        Ok(link) => link,
        Err(e) => return unavailable(&ctx, &e),
    };
    let now = Utc::now();
    let Some(link) = link.filter(|l| l.is_usable(now) && l.purpose == LinkPurpose::Case) else {
        state.limiter.record_miss(ip);
        return not_found(&ctx, Locale::default());
    };
    let session_id = random_base62(22);
    let session = DebtorSession {
        case_id: link.case_id,
        csrf_token: random_base62(22),
        created_at: now,
        expires_at: now
            + chrono::Duration::from_std(state.session_max).unwrap_or(chrono::Duration::hours(4)),
    };
    if let Err(e) = ctx
        .store
        .save_session(&TokenDigest::of(&session_id), &session, state.session_idle)
        .await
    {
        return unavailable(&ctx, &e);
    }
    HttpResponse::SeeOther()
        .insert_header(("Location", "/case"))
        // The token must not leak through Referer from the redirect either.
        .insert_header(("Referrer-Policy", "no-referrer"))
        .cookie(state.cookie.session_cookie(session_id))
        .finish()
}

#[derive(Deserialize)]
struct CaseQuery {
    lang: Option<String>,
}

async fn case_page(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    query: web::Query<CaseQuery>,
) -> HttpResponse {
    let asked = query.lang.as_deref().and_then(Locale::parse);
    let Some(cookie) = req.cookie(state.cookie.name) else {
        return not_found(&ctx, asked.unwrap_or_default());
    };
    let session = match ctx
        .store
        .session(&TokenDigest::of(cookie.value()), state.session_idle)
        .await
    {
        Ok(Some(s)) => s,
        Ok(None) => return not_found(&ctx, asked.unwrap_or_default()),
        Err(e) => return unavailable(&ctx, &e),
    };
    let case = match ctx.store.case(&session.case_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return not_found(&ctx, asked.unwrap_or_default()),
        Err(e) => return unavailable(&ctx, &e),
    };
    let locale = asked.unwrap_or(case.debtor.locale);
    let (Some(creditor), Some(agency)) = (
        ctx.config.creditors.get(&case.creditor_id),
        ctx.config.agencies.get(&case.agency_id),
    ) else {
        return not_found(&ctx, locale);
    };
    let page = CasePage {
        texts: &ctx.texts,
        locale,
        case: &case,
        creditor,
        agency,
    };
    html(StatusCode::OK, page.render())
}

/// Shared state constructor, kept here so the web module's wiring stays short.
pub fn state(ctx: &Arc<AppContext>) -> DebtorState {
    let links = &ctx.config.settings.links;
    let session_max = Duration::from_secs(u64::from(links.session_max_minutes) * 60);
    DebtorState {
        limiter: MissLimiter::new(links.misses_per_minute),
        cookie: CookiePolicy::for_base_url(
            &ctx.config.settings.server.public_base_url,
            session_max,
        ),
        session_idle: Duration::from_secs(u64::from(links.session_idle_minutes) * 60),
        session_max,
    }
}
