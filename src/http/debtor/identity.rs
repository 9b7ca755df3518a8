//! The identity step-up page: the debtor confirms a fact the agency knows (postcode or birth
//! date) before any case detail is shown; `service::identity` counts and judges the answers.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::DebtorState;
use super::pages::{csrf_field, debtor_page, notice};
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

fn too_many(ctx: &AppContext, view: &DebtorView) -> HttpResponse {
    html(
        StatusCode::TOO_MANY_REQUESTS,
        notice(&ctx.texts, view.locale, "too-many-title", "too-many-body"),
    )
}

fn locked(ctx: &AppContext, view: &DebtorView) -> Option<HttpResponse> {
    view.case
        .identity_locked(ctx.clock.now())
        .then(|| too_many(ctx, view))
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
    let rules = &view.creditor.mandate.identity;
    let answer = field(&fields, "answer").unwrap_or_default();
    let judged = identity::answer(&ctx, &view.case, rules, answer, ctx.clock.now()).await;
    let left = match judged {
        Ok(StepUp::Passed) => return passed(&ctx, &state, &view).await,
        Ok(StepUp::Wrong { left, .. }) => left,
        Ok(StepUp::Locked) => return too_many(&ctx, &view),
        Ok(StepUp::Gone) | Err(StoreError::Conflict) => return form_expired(&ctx, view.locale),
        Err(e) => return unavailable(&ctx, &e),
    };
    if left == 0 {
        return too_many(&ctx, &view);
    }
    form(&ctx, &view, Some(left))
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
