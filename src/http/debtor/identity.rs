//! The identity step-up page: the debtor confirms a fact the agency knows (postcode or birth
//! date) before any case detail is shown. Answers are counted on the case before they are
//! compared, so opening the link again does not reset the count and parallel answers cannot
//! outrun it; too many close the page for a day.

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
use crate::domain::case::Case;
use crate::domain::identity::{AnswerTurn, answer_matches};
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

/// Most rounds a change to the case is tried against concurrent writers. Answers over the
/// limit write nothing, so a burst of any size makes only a handful of writes to lose against.
const CHANGE_ROUNDS: usize = 16;

/// Applies `change` to the case and saves it compare-and-set, reading the case again when
/// another request saved first; nothing is written when `change` leaves the case as it was.
/// `None`: the case is gone.
async fn change_case<T>(
    ctx: &AppContext,
    mut case: Case,
    mut change: impl FnMut(&mut Case) -> T,
) -> Result<Option<(Case, T)>, StoreError> {
    for _ in 0..CHANGE_ROUNDS {
        let before = case.clone();
        let outcome = change(&mut case);
        if case == before {
            return Ok(Some((case, outcome)));
        }
        match ctx.store.update_case(&case).await {
            Ok(saved) => return Ok(Some((saved, outcome))),
            Err(StoreError::Conflict) => match ctx.store.case(&case.id).await? {
                Some(fresh) => case = fresh,
                None => return Ok(None),
            },
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict)
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
    let now = ctx.clock.now();
    // Counted before it is compared: of answers sent in parallel, each takes its own turn.
    let counted = change_case(&ctx, view.case.clone(), |case| {
        case.take_identity_turn(rules.max_attempts, now)
    })
    .await;
    let (case, attempt) = match counted {
        Ok(Some((case, AnswerTurn::Compare { attempt }))) => (case, attempt),
        Ok(Some((_, AnswerTurn::Locked))) => return too_many(&ctx, &view),
        Ok(None) | Err(StoreError::Conflict) => return form_expired(&ctx, view.locale),
        Err(e) => return unavailable(&ctx, &e),
    };
    let answer = field(&fields, "answer").unwrap_or_default();
    if answer_matches(rules.check, &case.identity, answer) {
        if let Err(e) = change_case(&ctx, case, Case::identity_answer_right).await {
            // The debtor proved who they are; a count left standing only errs on the safe side.
            tracing::warn!(case = %view.case.id, error = %e, "could not reset the step-up count");
        }
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
    let judged = change_case(&ctx, case, |case| {
        case.identity_answer_wrong(attempt, rules.max_attempts, now)
    })
    .await;
    let left = match judged {
        Ok(Some((_, left))) => left,
        Ok(None) | Err(StoreError::Conflict) => return form_expired(&ctx, view.locale),
        Err(e) => return unavailable(&ctx, &e),
    };
    tracing::info!(case = %view.case.id, attempt, left, "identity step-up failed");
    if left == 0 {
        return too_many(&ctx, &view);
    }
    form(&ctx, &view, Some(left))
}
