//! The staff console: login (password, then TOTP), the invitation page, cases, a case and the
//! review queue, server-rendered with maud and usable without JavaScript. Handlers parse the
//! form, call one use case in `service::staff*` and render; the session is `service::staff_login`.

mod access;
mod agency;
mod cases;
mod inbox;
mod journey_editor;
mod layout;
mod overview;
mod preview;
mod settings;
mod sso;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::context::AppContext;
use crate::links::constant_time_eq;

pub use layout::CSS_PATH;

use crate::http::client_addr::client_addr;
use crate::http::security::MissLimiter;

/// Login attempts (password or code) one client address may make a minute. The lockout per
/// name stops guessing one user's password; this slows guessing across many names from one
/// place, and is generous enough for an office behind one address logging in at nine.
const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 60;

/// What the console keeps besides the shared context.
pub struct ConsoleState {
    attempts: MissLimiter,
}

/// The console's state for the server.
pub fn state() -> ConsoleState {
    ConsoleState {
        attempts: MissLimiter::new(
            std::num::NonZeroU32::new(LOGIN_ATTEMPTS_PER_MINUTE)
                .unwrap_or(std::num::NonZeroU32::MIN),
        ),
    }
}

/// Counts a login attempt from the request's client address: `Err` with the wait once the
/// address has used up its minute.
fn count_attempt(
    req: &HttpRequest,
    ctx: &AppContext,
    state: &ConsoleState,
) -> Result<(), std::time::Duration> {
    let server = &ctx.config.settings.server;
    let ip = client_addr(req, &server.trusted_proxies, server.forwarded_header);
    state.attempts.record_miss(ip)
}

/// Every console route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(CSS_PATH, web::get().to(layout::stylesheet))
        .configure(access::routes)
        .configure(agency::routes)
        .configure(cases::routes)
        .configure(inbox::routes)
        .configure(journey_editor::routes)
        .configure(overview::routes)
        .configure(preview::routes)
        .configure(settings::routes)
        .configure(sso::routes);
}

/// The staff session cookie's name: `__Host-` over https, else a plain name (as the debtor's).
fn cookie_name(ctx: &AppContext) -> &'static str {
    if secure(ctx) {
        "__Host-innfri-staff"
    } else {
        "innfri-staff"
    }
}

/// The cookie that carries the login form's anti-forgery token before there is a session.
fn form_cookie_name(ctx: &AppContext) -> &'static str {
    if secure(ctx) {
        "__Host-innfri-staff-form"
    } else {
        "innfri-staff-form"
    }
}

fn secure(ctx: &AppContext) -> bool {
    ctx.config
        .settings
        .server
        .public_base_url
        .starts_with("https://")
}

fn cookie(ctx: &AppContext, name: &'static str, value: String) -> Cookie<'static> {
    // Strict: no console request made from another site carries the session.
    Cookie::build(name, value)
        .path("/")
        .secure(secure(ctx))
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish()
}

fn removal(ctx: &AppContext, name: &'static str) -> Cookie<'static> {
    let mut gone = cookie(ctx, name, String::new());
    gone.make_removal();
    gone
}

/// A form post comes from our own pages: no cross-site fetch, our origin, and the token.
fn genuine(req: &HttpRequest, ctx: &AppContext, expected: &str, given: Option<&str>) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok())
        && origin != ctx.config.settings.server.public_base_url
    {
        return false;
    }
    !expected.is_empty()
        && given.is_some_and(|token| constant_time_eq(token.as_bytes(), expected.as_bytes()))
}

fn fields(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location.to_owned()))
        .finish()
}

fn unavailable(error: &dyn std::fmt::Display) -> HttpResponse {
    tracing::error!(%error, "store unavailable on a console page");
    layout::page_response(
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
        layout::notice(
            "Unavailable",
            "The service cannot reach its storage. Try again shortly.",
        ),
    )
}
