//! Getting in and out: the login form (password, then the TOTP code), logout, and the
//! invitation page that sets the password and enrols TOTP.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::layout::{notice, page, page_response};
use super::{
    ConsoleState, cookie, cookie_name, count_attempt, field, fields, form_cookie_name, genuine,
    removal, see_other, unavailable,
};
use crate::context::AppContext;
use crate::links::random_base62;
use crate::service::staff::{self, StaffError};
use crate::service::staff_login::{self, Step};
use crate::service::staff_sso;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/console",
        web::get().to(|| async { see_other("/console/cases") }),
    )
    .route("/console/login", web::get().to(login_page))
    .route("/console/login", web::post().to(login))
    .route("/console/login/code", web::get().to(code_page))
    .route("/console/login/code", web::post().to(code))
    .route("/console/logout", web::post().to(logout))
    .route("/console/invite/{token}", web::get().to(invite_page))
    .route("/console/invite/{token}", web::post().to(accept));
}

/// A page with a pre-session form: the token goes in the form and in a cookie of its own
/// (double submit), since there is no session to keep it in yet.
pub(super) fn with_form_token(
    ctx: &AppContext,
    status: StatusCode,
    render: impl FnOnce(&str) -> Markup,
) -> HttpResponse {
    let token = random_base62(22);
    let markup = render(&token);
    let mut res = page_response(status, markup);
    let _ = res
        .add_cookie(&cookie(ctx, form_cookie_name(ctx), token))
        .map_err(|e| tracing::warn!(error = %e, "could not set the form cookie"));
    res
}

pub(super) fn form_token_ok(req: &HttpRequest, ctx: &AppContext, given: Option<&str>) -> bool {
    let expected = req
        .cookie(form_cookie_name(ctx))
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    genuine(req, ctx, &expected, given)
}

fn login_form(ctx: &AppContext, csrf: &str, error: Option<&str>) -> Markup {
    let sso = staff_sso::agencies(ctx);
    page(
        "Log in",
        None,
        html! {
            h1 { "Log in" }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            @for (agency, name) in &sso {
                form method="post" action=(format!("/console/sso/{agency}")) {
                    input type="hidden" name="csrf" value=(csrf);
                    p { button type="submit" { "Sign in with " (name) "'s account" } }
                }
            }
            @if !sso.is_empty() { h2 { "Or with e-mail, password and code" } }
            form method="post" action="/console/login" {
                input type="hidden" name="csrf" value=(csrf);
                label for="email" { "E-mail address" }
                input id="email" name="email" type="email" autocomplete="username" required;
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                p { button type="submit" { "Next" } }
            }
        },
    )
}

async fn login_page(ctx: web::Data<AppContext>) -> HttpResponse {
    with_form_token(&ctx, StatusCode::OK, |csrf| login_form(&ctx, csrf, None))
}

fn locked_text(until: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let seconds = (until - now).num_seconds().max(1);
    format!("Too many failed attempts. Wait {seconds} seconds before trying again.")
}

fn address_limited(wait: std::time::Duration) -> String {
    format!(
        "Too many login attempts from your address. Wait {} seconds before trying again.",
        wait.as_secs().max(1)
    )
}

async fn login(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<ConsoleState>,
    body: web::Bytes,
) -> HttpResponse {
    if let Err(wait) = count_attempt(&req, &ctx, &state) {
        return with_form_token(&ctx, StatusCode::TOO_MANY_REQUESTS, |csrf| {
            login_form(&ctx, csrf, Some(&address_limited(wait)))
        });
    }
    let form = fields(&body);
    if !form_token_ok(&req, &ctx, field(&form, "csrf")) {
        return with_form_token(&ctx, StatusCode::FORBIDDEN, |csrf| {
            login_form(&ctx, csrf, Some("The form had expired. Please try again."))
        });
    }
    let now = ctx.clock.now();
    let email = field(&form, "email").unwrap_or_default();
    let password = field(&form, "password").unwrap_or_default();
    match staff_login::password(&ctx, email, password, now).await {
        Ok(Step::Passed { session_id }) => {
            let mut res = see_other("/console/login/code");
            let _ = res.add_cookie(&cookie(&ctx, cookie_name(&ctx), session_id));
            res
        }
        Ok(Step::Locked { until }) => {
            with_form_token(&ctx, StatusCode::TOO_MANY_REQUESTS, |csrf| {
                login_form(&ctx, csrf, Some(&locked_text(until, now)))
            })
        }
        Ok(Step::Refused | Step::Expired) => {
            with_form_token(&ctx, StatusCode::UNAUTHORIZED, |csrf| {
                login_form(
                    &ctx,
                    csrf,
                    Some("The e-mail address or the password is wrong."),
                )
            })
        }
        Err(e) => unavailable(&e),
    }
}

fn code_form(csrf: &str, error: Option<&str>) -> Markup {
    page(
        "Log in: code",
        None,
        html! {
            h1 { "The code from your authenticator app" }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/console/login/code" {
                input type="hidden" name="csrf" value=(csrf);
                label for="code" { "Six-digit code" }
                input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,8}" required;
                p { button type="submit" { "Log in" } }
            }
        },
    )
}

async fn code_page(ctx: web::Data<AppContext>) -> HttpResponse {
    with_form_token(&ctx, StatusCode::OK, |csrf| code_form(csrf, None))
}

async fn code(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<ConsoleState>,
    body: web::Bytes,
) -> HttpResponse {
    if let Err(wait) = count_attempt(&req, &ctx, &state) {
        return with_form_token(&ctx, StatusCode::TOO_MANY_REQUESTS, |csrf| {
            code_form(csrf, Some(&address_limited(wait)))
        });
    }
    let form = fields(&body);
    if !form_token_ok(&req, &ctx, field(&form, "csrf")) {
        return with_form_token(&ctx, StatusCode::FORBIDDEN, |csrf| {
            code_form(csrf, Some("The form had expired. Please try again."))
        });
    }
    let Some(session) = req.cookie(cookie_name(&ctx)) else {
        return see_other("/console/login");
    };
    let now = ctx.clock.now();
    let code = field(&form, "code").unwrap_or_default();
    match staff_login::second_factor(&ctx, session.value(), code, now).await {
        Ok(Step::Passed { session_id }) => {
            let mut res = see_other("/console/cases");
            let _ = res.add_cookie(&cookie(&ctx, cookie_name(&ctx), session_id));
            res
        }
        Ok(Step::Refused) => with_form_token(&ctx, StatusCode::UNAUTHORIZED, |csrf| {
            code_form(
                csrf,
                Some("The code is wrong. Check the time on your phone and try again."),
            )
        }),
        Ok(Step::Locked { until }) => {
            with_form_token(&ctx, StatusCode::TOO_MANY_REQUESTS, |csrf| {
                code_form(csrf, Some(&locked_text(until, now)))
            })
        }
        Ok(Step::Expired) => see_other("/console/login"),
        Err(e) => unavailable(&e),
    }
}

async fn logout(req: HttpRequest, ctx: web::Data<AppContext>, body: web::Bytes) -> HttpResponse {
    let form = fields(&body);
    let Some(session_id) = req.cookie(cookie_name(&ctx)).map(|c| c.value().to_owned()) else {
        return see_other("/console/login");
    };
    let now = ctx.clock.now();
    let (session, user) = match staff_login::current(&ctx, &session_id, now).await {
        Ok(Some(found)) => found,
        Ok(None) => return see_other("/console/login"),
        Err(e) => return unavailable(&e),
    };
    if !genuine(&req, &ctx, &session.csrf_token, field(&form, "csrf")) {
        return page_response(
            StatusCode::FORBIDDEN,
            notice("Refused", "The form had expired; nothing was done."),
        );
    }
    if let Err(e) = staff_login::logout(&ctx, &session_id, &user.id, now).await {
        return unavailable(&e);
    }
    let mut res = see_other("/console/login");
    let _ = res.add_cookie(&removal(&ctx, cookie_name(&ctx)));
    res
}

fn invite_form(
    token: &str,
    user: &crate::domain::staff::StaffUser,
    csrf: &str,
    error: Option<&str>,
) -> Markup {
    let uri = staff::otpauth_uri(user).unwrap_or_default();
    page(
        "Welcome",
        None,
        html! {
            h1 { "Set up your login" }
            p { "You are invited as " strong { (user.email.as_str()) } " (" (user.scope.describe()) ")." }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            h2 { "1. Add innfri to your authenticator app" }
            p { "Enter this secret in the app (time-based, six digits, 30 seconds):" }
            p { code { (user.totp_secret) } }
            p { "or open this address on the phone with the app: " a href=(uri) { code { (uri) } } }
            h2 { "2. Choose a password and confirm with a code" }
            form method="post" action=(format!("/console/invite/{token}")) {
                input type="hidden" name="csrf" value=(csrf);
                label for="password" { "Password (at least 12 characters)" }
                input id="password" name="password" type="password" minlength="12" autocomplete="new-password" required;
                label for="repeated" { "The same password again" }
                input id="repeated" name="repeated" type="password" minlength="12" autocomplete="new-password" required;
                label for="code" { "The six-digit code the app shows now" }
                input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required;
                p { button type="submit" { "Save and finish" } }
            }
        },
    )
}

fn invitation_gone() -> HttpResponse {
    page_response(
        StatusCode::NOT_FOUND,
        notice(
            "Invitation not valid",
            "This invitation link is not valid any more. Ask your administrator for a new one.",
        ),
    )
}

async fn invite_page(ctx: web::Data<AppContext>, path: web::Path<String>) -> HttpResponse {
    let token = path.into_inner();
    match staff::invited_user(&ctx, &token, ctx.clock.now()).await {
        Ok(user) => with_form_token(&ctx, StatusCode::OK, |csrf| {
            invite_form(&token, &user, csrf, None)
        }),
        Err(StaffError::Store(e)) => unavailable(&e),
        Err(_) => invitation_gone(),
    }
}

async fn accept(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let token = path.into_inner();
    let form = fields(&body);
    let now = ctx.clock.now();
    let user = match staff::invited_user(&ctx, &token, now).await {
        Ok(user) => user,
        Err(StaffError::Store(e)) => return unavailable(&e),
        Err(_) => return invitation_gone(),
    };
    if !form_token_ok(&req, &ctx, field(&form, "csrf")) {
        return with_form_token(&ctx, StatusCode::FORBIDDEN, |csrf| {
            invite_form(
                &token,
                &user,
                csrf,
                Some("The form had expired. Please try again."),
            )
        });
    }
    let password = field(&form, "password").unwrap_or_default();
    let repeated = field(&form, "repeated").unwrap_or_default();
    let code = field(&form, "code").unwrap_or_default();
    match staff::accept_invitation(&ctx, &token, password, repeated, code, now).await {
        Ok(_) => page_response(
            StatusCode::OK,
            page(
                "Done",
                None,
                html! { h1 { "Your login is ready" } p { a href="/console/login" { "Log in" } } },
            ),
        ),
        Err(StaffError::Store(e)) => unavailable(&e),
        Err(StaffError::InvitationUnusable) => invitation_gone(),
        Err(e) => with_form_token(&ctx, StatusCode::UNPROCESSABLE_ENTITY, |csrf| {
            invite_form(&token, &user, csrf, Some(&e.to_string()))
        }),
    }
}
