//! The identity step-up page: the debtor confirms a fact the agency knows (postcode or birth
//! date) before any case detail is shown. Wrong answers are counted on the case, so opening the
//! link again does not reset them; too many close the page for a day.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Duration, Utc};
use maud::{Markup, html};

use super::debtor::DebtorState;
use super::pages::{csrf_field, debtor_page, notice};
use super::session::{
    DebtorView, field, form_expired, form_fields, form_is_genuine, html, load_unverified,
    needs_step_up, unavailable,
};
use crate::app::AppContext;
use crate::domain::event::Actor;
use crate::domain::identity::answer_matches;
use crate::domain::link::DebtorSession;
use crate::domain::mandate::IdentityCheck;
use crate::links::{TokenDigest, random_base62};
use crate::store::StoreError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/case/verify", web::get().to(verify_form))
        .route("/case/verify", web::post().to(verify_submit));
}

fn form(ctx: &AppContext, view: &DebtorView, attempts_left: Option<u32>) -> HttpResponse {
    let (t, l) = (&ctx.texts, view.locale);
    let (label, input_mode) = match view.creditor.mandate.identity.check {
        IdentityCheck::BirthDate => ("verify-birth-date", "text"),
        _ => ("verify-postcode", "numeric"),
    };
    let body: Markup = html! {
        p { (t.get(l, "verify-intro")) }
        @if let Some(left) = attempts_left { p.error role="alert" { (t.format(l, "verify-wrong", &[("left", &left.to_string())])) } }
        form method="post" action="/case/verify" {
            (csrf_field(view))
            label for="answer" { (t.get(l, label)) }
            input #answer name="answer" inputmode=(input_mode) autocomplete="off" required;
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

fn locked(ctx: &AppContext, view: &DebtorView) -> Option<HttpResponse> {
    let until = view.case.identity_locked_until?;
    (Utc::now() < until).then(|| {
        html(
            StatusCode::TOO_MANY_REQUESTS,
            notice(&ctx.texts, view.locale, "too-many-title", "too-many-body"),
        )
    })
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
    locked(&ctx, &view).unwrap_or_else(|| form(&ctx, &view, None))
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
    if let Some(response) = locked(&ctx, &view) {
        return response;
    }
    let rules = &view.creditor.mandate.identity;
    let now = Utc::now();
    let answer = field(&fields, "answer").unwrap_or_default();
    if answer_matches(rules.check, &view.case.identity, answer) {
        // A new session id on passing the step-up (ASVS V7.2.4): the unverified one is left to expire.
        let session_id = random_base62(22);
        let session = DebtorSession {
            csrf_token: random_base62(22),
            verified: true,
            ..view.session.clone()
        };
        if let Err(e) = ctx
            .store
            .save_session(&TokenDigest::of(&session_id), &session, state.session_idle)
            .await
        {
            return unavailable(&ctx, &e);
        }
        return HttpResponse::SeeOther()
            .insert_header(("Location", "/case"))
            .cookie(state.cookie.session_cookie(session_id))
            .finish();
    }
    let mut case = view.case.clone();
    case.identity_failures += 1;
    let left = rules.max_attempts.saturating_sub(case.identity_failures);
    if left == 0 {
        case.identity_failures = 0;
        case.identity_locked_until = Some(now + Duration::hours(24));
        case.record(
            Actor::System,
            "identity.locked",
            "too many wrong answers; page closed for 24 hours",
            now,
        );
    }
    match ctx.store.update_case(&case).await {
        Ok(_) => {}
        Err(StoreError::Conflict) => return form_expired(&ctx, view.locale),
        Err(e) => return unavailable(&ctx, &e),
    }
    tracing::info!(case = %case.id, left, "identity step-up failed");
    if left == 0 {
        return html(
            StatusCode::TOO_MANY_REQUESTS,
            notice(&ctx.texts, view.locale, "too-many-title", "too-many-body"),
        );
    }
    form(&ctx, &view, Some(left))
}
