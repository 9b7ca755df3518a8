//! Single sign-on routes: the login page's "Sign in with …" button sends the browser to the
//! agency's identity provider, and its way back logs the user in (`service::staff_sso`).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::html;

use super::access::form_token_ok;
use super::layout::{notice, page, page_response};
use super::{ConsoleState, cookie, cookie_name, count_attempt, field, fields, secure, unavailable};
use crate::context::AppContext;
use crate::domain::ids::AgencyId;
use crate::domain::staff_sso::SIGN_IN_MINUTES;
use crate::service::staff_sso::{self, Callback, Outcome, SsoError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/sso/{agency}", web::post().to(begin))
        .route("/console/sso/{agency}/callback", web::get().to(callback));
}

/// The cookie that carries the sign-in under way to the provider and back.
fn attempt_cookie_name(ctx: &AppContext) -> &'static str {
    if secure(ctx) {
        "__Host-innfri-staff-sso"
    } else {
        "innfri-staff-sso"
    }
}

fn attempt_cookie(ctx: &AppContext, value: String) -> Cookie<'static> {
    // Lax, not Strict: the way back is a top-level navigation from the provider's site.
    Cookie::build(attempt_cookie_name(ctx), value)
        .path("/")
        .secure(secure(ctx))
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::minutes(SIGN_IN_MINUTES))
        .finish()
}

fn attempt_removal(ctx: &AppContext) -> Cookie<'static> {
    let mut gone = attempt_cookie(ctx, String::new());
    gone.make_removal();
    gone
}

fn refused(status: StatusCode, text: &str) -> HttpResponse {
    page_response(
        status,
        page(
            "Sign-in refused",
            None,
            html! {
                h1 { "Sign-in refused" }
                p { (text) }
                p { a href="/console/login" { "Back to the login" } }
            },
        ),
    )
}

fn failed(error: &SsoError) -> HttpResponse {
    match error {
        SsoError::NotConfigured => page_response(
            StatusCode::NOT_FOUND,
            notice("Not found", "This agency has no single sign-on."),
        ),
        SsoError::Provider(e) => {
            tracing::warn!(error = %e, "identity provider unavailable");
            page_response(
                StatusCode::BAD_GATEWAY,
                notice(
                    "Sign-in unavailable",
                    "Your organisation's sign-in service cannot be reached. Try again shortly, or log in with your password.",
                ),
            )
        }
        SsoError::Store(e) => unavailable(e),
    }
}

fn agency_of(path: &str) -> Option<AgencyId> {
    AgencyId::parse(path).ok()
}

async fn begin(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<ConsoleState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(agency) = agency_of(&path) else {
        return failed(&SsoError::NotConfigured);
    };
    if count_attempt(&req, &ctx, &state).is_err() {
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many login attempts from your address. Wait a minute before trying again.",
        );
    }
    let form = fields(&body);
    if !form_token_ok(&req, &ctx, field(&form, "csrf")) {
        return refused(
            StatusCode::FORBIDDEN,
            "The form had expired. Please try again.",
        );
    }
    match staff_sso::begin(&ctx, &agency, ctx.clock.now()).await {
        Ok(redirect) => {
            let mut res = HttpResponse::SeeOther()
                .insert_header(("Location", redirect.authorize_url))
                .finish();
            let _ = res
                .add_cookie(&attempt_cookie(&ctx, redirect.cookie))
                .map_err(|e| tracing::warn!(error = %e, "could not set the sign-in cookie"));
            res
        }
        Err(e) => failed(&e),
    }
}

#[derive(serde::Deserialize)]
struct Back {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

async fn callback(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<ConsoleState>,
    path: web::Path<String>,
) -> HttpResponse {
    let Some(agency) = agency_of(&path) else {
        return failed(&SsoError::NotConfigured);
    };
    if count_attempt(&req, &ctx, &state).is_err() {
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many login attempts from your address. Wait a minute before trying again.",
        );
    }
    let query: Back = serde_urlencoded::from_str(req.query_string()).unwrap_or(Back {
        state: None,
        code: None,
        error: None,
    });
    let cookie_value = req
        .cookie(attempt_cookie_name(&ctx))
        .map(|c| c.value().to_owned());
    let back = Callback {
        cookie: cookie_value.as_deref(),
        state: query.state.as_deref(),
        code: query.code.as_deref(),
        error: query.error.as_deref(),
    };
    let outcome = staff_sso::finish(&ctx, &agency, back, ctx.clock.now()).await;
    let mut res = match outcome {
        // A page that moves on by itself rather than a redirect: the session cookie is
        // SameSite=Strict, and a browser leaves it off a redirect that a cross-site
        // navigation (the provider's) started, so the next page is opened from our own.
        Ok(Outcome::LoggedIn { session_id }) => {
            let markup = html! {
                (maud::DOCTYPE)
                html lang="en" {
                    head {
                        meta charset="utf-8";
                        meta http-equiv="refresh" content="0; url=/console/cases";
                        title { "Signed in" }
                    }
                    body {
                        p { "You are signed in. " a href="/console/cases" { "Continue to the cases" } }
                    }
                }
            };
            let mut res = page_response(StatusCode::OK, markup);
            let _ = res
                .add_cookie(&cookie(&ctx, cookie_name(&ctx), session_id))
                .map_err(|e| tracing::warn!(error = %e, "could not set the session cookie"));
            res
        }
        Ok(Outcome::Refused { .. }) => refused(
            StatusCode::FORBIDDEN,
            "Your organisation's sign-in did not give access to the console. If you should have access, ask your administrator to add your e-mail address as a user, then try again.",
        ),
        Err(e) => failed(&e),
    };
    // The attempt is used up either way.
    let _ = res.add_cookie(&attempt_removal(&ctx));
    res
}
