//! The identity step-up page: the debtor confirms a fact the agency knows (postcode or birth
//! date) before any case detail is shown; `service::identity` counts and judges the answers.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::DebtorState;
use super::pages::{contact_block, csrf_field, debtor_page, layout, notice};
use super::session::{
    DebtorView, field, form_expired, form_fields, form_is_genuine, html, load_unverified,
    needs_step_up, unavailable,
};
use crate::context::AppContext;
use crate::domain::mandate::IdentityCheck;
use crate::service::identity::{self, StepUp};
use crate::service::sessions;
use crate::store::StoreError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/case/verify", web::get().to(verify_form))
        .route("/case/verify", web::post().to(verify_submit));
}

/// The step-up form; after a wrong answer it shows the answer as typed, to see a typo.
fn form(
    ctx: &AppContext,
    view: &DebtorView,
    attempts_left: Option<u32>,
    typed: &str,
) -> HttpResponse {
    let (t, l) = (&ctx.texts, view.locale);
    let (label, input_mode) = match view.creditor.mandate.identity.check {
        IdentityCheck::BirthDate => ("verify-birth-date", "text"),
        _ => ("verify-postcode", "numeric"),
    };
    let body: Markup = html! {
        p { (t.get(l, "verify-intro")) }
        @if let Some(left) = attempts_left { p.error role="alert" id="answer-error" { (t.format(l, "verify-wrong", &[("left", &left.to_string())])) } }
        form method="post" action="/case/verify" {
            (csrf_field(view))
            label for="answer" { (t.get(l, label)) }
            input #answer name="answer" inputmode=(input_mode) autocomplete="off" required value=(typed)
                aria-invalid=[attempts_left.is_some().then_some("true")]
                aria-describedby=[attempts_left.is_some().then_some("answer-error")];
            button type="submit" { (t.get(l, "verify-submit")) }
        }
    };
    let status = if attempts_left.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html(
        status,
        debtor_page(&ctx.texts, view, "/case/verify", "verify-title", body),
    )
}

/// The lockout page: says when the case opens again (Oslo time, and how long until then), so
/// the debtor does not come back in a minute to a page that stays closed for a day.
fn too_many(ctx: &AppContext, view: &DebtorView, until: Option<DateTime<Utc>>) -> HttpResponse {
    let (t, l) = (&ctx.texts, view.locale);
    let now = ctx.clock.now();
    let Some(until) = until.filter(|until| now < *until) else {
        return html(
            StatusCode::TOO_MANY_REQUESTS,
            notice(t, l, "too-many-title", "too-many-body"),
        );
    };
    let minutes = (until - now).num_minutes().max(0);
    // Rounded up: "in 24 hours" is never earlier than the page really opens.
    let hours = (minutes + 59) / 60;
    let when = if hours <= 1 {
        t.get(l, "too-many-within-hour")
    } else {
        t.format(l, "too-many-in-hours", &[("hours", &hours.to_string())])
    };
    let local = until.with_timezone(&chrono_tz::Europe::Oslo);
    let text = t.format(
        l,
        "too-many-locked-body",
        &[
            ("when", &when),
            ("date", &t.date(l, local.date_naive())),
            ("time", &local.format("%H:%M").to_string()),
        ],
    );
    let title = t.get(l, "too-many-title");
    let mut response = html(
        StatusCode::TOO_MANY_REQUESTS,
        layout(
            t,
            l,
            &title,
            None,
            html! { h1 { (title) } p { (text) } (contact_block(t, l, view)) },
        ),
    );
    let seconds = (until - now).num_seconds().max(0);
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&seconds.to_string()) {
        response
            .headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, value);
    }
    response
}

fn locked(ctx: &AppContext, view: &DebtorView) -> Option<HttpResponse> {
    view.case
        .identity_locked(ctx.clock.now())
        .then(|| too_many(ctx, view, view.case.identity_locked_until))
}

async fn verify_form(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load_unverified(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !needs_step_up(&view) {
        return HttpResponse::SeeOther()
            .insert_header(("Location", "/case"))
            .finish();
    }
    locked(&ctx, &view).unwrap_or_else(|| form(&ctx, &view, None, ""))
}

async fn verify_submit(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let view = match load_unverified(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let fields = form_fields(&body);
    if !form_is_genuine(&req, &ctx, &view.session, field(&fields, "csrf")) {
        return form_expired(&ctx, view.locale);
    }
    if !needs_step_up(&view) {
        return HttpResponse::SeeOther()
            .insert_header(("Location", "/case"))
            .finish();
    }
    let rules = &view.creditor.mandate.identity;
    let answer = field(&fields, "answer").unwrap_or_default();
    let judged = identity::answer(&ctx, &view.case, rules, answer, ctx.clock.now()).await;
    let left = match judged {
        Ok(StepUp::Passed) => return passed(&ctx, &state, &view).await,
        Ok(StepUp::Wrong { left, .. }) => left,
        Ok(StepUp::Locked) => return just_locked(&ctx, &view).await,
        Ok(StepUp::Gone) | Err(StoreError::Conflict) => return form_expired(&ctx, view.locale),
        Err(e) => return unavailable(&ctx, &e),
    };
    if left == 0 {
        return just_locked(&ctx, &view).await;
    }
    form(&ctx, &view, Some(left), answer)
}

/// The lockout page right after an answer: the lock was set by that answer (or a parallel
/// one), so its end is read from the case as stored now.
async fn just_locked(ctx: &AppContext, view: &DebtorView) -> HttpResponse {
    let until = match ctx.store.case(&view.case.id).await {
        Ok(Some(case)) => case.identity_locked_until,
        _ => view.case.identity_locked_until,
    };
    too_many(ctx, view, until)
}

/// The answer was right: the session is replaced by a verified one.
async fn passed(ctx: &AppContext, state: &DebtorState, view: &DebtorView) -> HttpResponse {
    match sessions::verified(ctx, &view.session, state.session_idle).await {
        Ok(session_id) => HttpResponse::SeeOther()
            .insert_header(("Location", "/case"))
            .cookie(state.cookie.session_cookie(session_id))
            .finish(),
        Err(e) => unavailable(ctx, &e),
    }
}
