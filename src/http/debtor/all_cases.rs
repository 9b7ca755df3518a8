//! A debtor's cases at one agency on one page (`service::debtor_cases`): the list beside the
//! case a link opened, moving to another of them, paying all by bank transfer, and one plan
//! proposed for all (each case decided by its own creditor's mandate).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::DebtorState;
use super::pages::{Shown, back_link, csrf_field};
use super::self_service::{page, posted, refusal_text, see_case};
use super::session::{DebtorView, field, load, unavailable};
use crate::context::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::debtor_cases::total;
use crate::domain::ids::CaseId;
use crate::domain::plan::PlanShape;
use crate::domain::self_service::{
    DebtorRequest, Decision, RefusalReason, Terms, asked, effective_due_date,
};
use crate::service::debtor_cases::{self, OtherCase, PartOutcome, PlanPart};
use crate::store::SessionRef;

pub const PAY_ALL_PATH: &str = "/case/all/pay";
pub const PLAN_ALL_PATH: &str = "/case/all/plan";

/// The longest plan the form takes (as the one-case plan form).
const MOST_MONTHS: u32 = 240;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/case/switch", web::post().to(switch))
        .route(PAY_ALL_PATH, web::get().to(pay_all))
        .route(PLAN_ALL_PATH, web::get().to(plan_all_form))
        .route("/case/all/plan/preview", web::post().to(plan_all_preview))
        .route("/case/all/plan/confirm", web::post().to(plan_all_confirm));
}

/// The other cases may be listed from an open case only (a paid or disputed one shows its own
/// state and nothing more).
fn lists_others(view: &DebtorView) -> bool {
    view.case.status == CaseStatus::Open
}

/// The section of the case page that lists the debtor's other cases (nothing when none).
pub fn section(ctx: &AppContext, view: &DebtorView, others: &[OtherCase]) -> Markup {
    if others.is_empty() || !lists_others(view) {
        return html! {};
    }
    let (t, l) = (&ctx.texts, view.locale);
    let agency = view.agency.name.as_str();
    let balances: Vec<_> = std::iter::once(view.balance())
        .chain(others.iter().map(|o| o.balance))
        .collect();
    html! {
        section.others #others {
            h2 { (t.format(l, "others-heading", &[("agency", agency)])) }
            p { (t.format(l, "others-intro", &[("agency", agency)])) }
            ul.others {
                @for other in others {
                    li {
                        strong { (other.creditor.name.as_str()) }
                        br;
                        (other.balance.shown(l)) " · " (t.get(l, "due-date-label")) " " (t.date(l, effective_due_date(other.case.due_date)))
                        form.inline method="post" action="/case/switch" {
                            (csrf_field(view))
                            input type="hidden" name="case" value=(other.case.id.as_str());
                            button.quiet type="submit" { (t.format(l, "others-show", &[("creditor", other.creditor.name.as_str())])) }
                        }
                    }
                }
            }
            @if let Some(all) = total(&balances) {
                p.total { (t.format(l, "others-total", &[("total", &all.shown(l))])) }
            }
            p {
                a.button href=(PAY_ALL_PATH) { (t.get(l, "others-pay-all")) }
                " "
                a.button href=(PLAN_ALL_PATH) { (t.get(l, "others-plan-all")) }
            }
        }
    }
}

/// `POST /case/switch`: the page of another of the debtor's cases, in a new session.
async fn switch(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) = match posted(&req, &ctx, &state, &body, |_| true).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Some(target) = field(&fields, "case").and_then(|id| CaseId::parse(id).ok()) else {
        return see_case();
    };
    let Some(cookie) = req.cookie(state.cookie.name) else {
        return see_case();
    };
    let old = SessionRef::of_cookie(cookie.value());
    let now = ctx.clock.now();
    match debtor_cases::switch(
        &ctx,
        &old,
        &view.session,
        &view.case,
        &target,
        state.session_idle,
        now,
    )
    .await
    {
        Ok(Some(session_id)) => HttpResponse::SeeOther()
            .insert_header(("Location", "/case"))
            .cookie(state.cookie.session_cookie(session_id))
            .finish(),
        // Not a case this session may open: the page it came from, unchanged.
        Ok(None) => see_case(),
        Err(e) => unavailable(&ctx, &e),
    }
}

/// Loads the page and the other cases it may show; with none, back to the case page.
async fn with_others(
    req: &HttpRequest,
    ctx: &AppContext,
    state: &DebtorState,
) -> Result<(DebtorView, Vec<OtherCase>), HttpResponse> {
    let view = load(req, ctx, state).await?;
    others_of(ctx, view).await
}

async fn others_of(
    ctx: &AppContext,
    view: DebtorView,
) -> Result<(DebtorView, Vec<OtherCase>), HttpResponse> {
    if !lists_others(&view) {
        return Err(see_case());
    }
    let others = debtor_cases::others(ctx, &view.session, &view.case, ctx.clock.now()).await;
    if others.is_empty() {
        return Err(see_case());
    }
    Ok((view, others))
}

/// `GET /case/all/pay`: every case with what to pay and its own KID, for one sitting in the
/// online bank. Online payment stays per case: a card or Vipps payment belongs to one case.
async fn pay_all(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let (view, others) = match with_others(&req, &ctx, &state).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (t, l) = (&ctx.texts, view.locale);
    let here = OtherCase {
        case: view.case.clone(),
        creditor: view.creditor.clone(),
        owed: view.owed.clone(),
        balance: view.balance(),
    };
    let cases: Vec<&OtherCase> = std::iter::once(&here).chain(&others).collect();
    let payable: Vec<_> = cases
        .iter()
        .filter(|c| c.case.plan.is_none())
        .map(|c| c.balance)
        .collect();
    let body = html! {
        p { (t.get(l, "all-pay-intro")) }
        @for other in &cases {
            section.pay-one {
                h2 { (other.creditor.name.as_str()) }
                @if other.case.plan.is_some() {
                    p { (t.get(l, "all-pay-plan")) }
                } @else {
                    dl.pay {
                        dt { (t.get(l, "pay-bank-account")) } dd.copy { (other.creditor.bank_account.formatted()) }
                        dt { (t.get(l, "pay-bank-kid")) } dd.copy { (other.case.kid.as_str()) }
                        dt { (t.get(l, "pay-bank-amount")) } dd.copy { (other.balance.shown(l)) }
                        dt { (t.get(l, "due-date-label")) } dd { (t.date(l, effective_due_date(other.case.due_date))) }
                    }
                }
            }
        }
        @if let Some(all) = total(&payable) {
            p.total { (t.format(l, "all-pay-total", &[("total", &all.shown(l))])) }
        }
        (back_link(t, l))
    };
    page(
        &ctx,
        &view,
        PAY_ALL_PATH,
        "all-pay-title",
        StatusCode::OK,
        body,
    )
}

/// The months the debtor chose, if a number the form takes.
fn months(fields: &[(String, String)]) -> Option<u32> {
    field(fields, "months")
        .and_then(|m| m.trim().parse::<u32>().ok())
        .filter(|m| (1..=MOST_MONTHS).contains(m))
}

fn plan_all_form_body(ctx: &AppContext, view: &DebtorView, typed: &str, error: bool) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    let agency = view.agency.name.as_str();
    html! {
        p { (t.format(l, "all-plan-intro", &[("agency", agency)])) }
        form method="post" action="/case/all/plan/preview" novalidate {
            (csrf_field(view))
            label for="months" { (t.get(l, "plan-months-label")) }
            @if error {
                p.error #months-error { (t.get(l, "all-plan-months-error")) }
                input #months type="number" name="months" min="1" max=(MOST_MONTHS) inputmode="numeric" value=(typed) aria-invalid="true" aria-describedby="months-error";
            } @else {
                input #months type="number" name="months" min="1" max=(MOST_MONTHS) inputmode="numeric" value=(typed);
            }
            button type="submit" { (t.get(l, "plan-preview-submit")) }
        }
        (back_link(t, l))
    }
}

/// `GET /case/all/plan`: how many months, for every case at once.
async fn plan_all_form(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let (view, _) = match with_others(&req, &ctx, &state).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let query = super::session::form_fields(req.query_string().as_bytes());
    let typed = field(&query, "months").unwrap_or("").to_owned();
    let body = plan_all_form_body(&ctx, &view, &typed, false);
    page(
        &ctx,
        &view,
        PLAN_ALL_PATH,
        "all-plan-title",
        StatusCode::OK,
        body,
    )
}

/// A posted plan-for-all form: the page, its other cases and the months (or the form again
/// with the error, keeping what was typed).
async fn posted_plan(
    req: &HttpRequest,
    ctx: &AppContext,
    state: &DebtorState,
    body: &[u8],
) -> Result<(DebtorView, Vec<OtherCase>, u32), HttpResponse> {
    let (view, fields) = posted(req, ctx, state, body, lists_others).await?;
    let Some(months) = months(&fields) else {
        let typed = field(&fields, "months").unwrap_or("").to_owned();
        let form = plan_all_form_body(ctx, &view, &typed, true);
        return Err(page(
            ctx,
            &view,
            PLAN_ALL_PATH,
            "all-plan-title",
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
        ));
    };
    let (view, others) = others_of(ctx, view).await?;
    Ok((view, others, months))
}

/// `POST /case/all/plan/preview`: what each creditor would say, nothing written.
async fn plan_all_preview(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, others, months) = match posted_plan(&req, &ctx, &state, &body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let now = ctx.clock.now();
    let current = (&view.case, &view.creditor);
    let parts = debtor_cases::preview_plan_for_all(current, others, months, now);
    let (t, l) = (&ctx.texts, view.locale);
    let any = parts.iter().any(|p| {
        matches!(
            p.outcome,
            PartOutcome::Decided(Decision::Granted(_) | Decision::NeedsReview { .. })
        )
    });
    let body = html! {
        (parts_list(&ctx, &view, &parts, months, false))
        @if any {
            form method="post" action="/case/all/plan/confirm" {
                (csrf_field(&view))
                input type="hidden" name="months" value=(months);
                button type="submit" { (t.get(l, "all-plan-confirm")) }
            }
        } @else {
            p { (t.format(l, "all-plan-none", &[("agency", view.agency.name.as_str())])) }
        }
        p { a href=(format!("{PLAN_ALL_PATH}?months={months}")) { (t.get(l, "plan-choose-other")) } }
        (back_link(t, l))
    };
    page(
        &ctx,
        &view,
        PLAN_ALL_PATH,
        "all-plan-preview-title",
        StatusCode::OK,
        body,
    )
}

/// `POST /case/all/plan/confirm`: each case decided and written by its creditor's rules.
async fn plan_all_confirm(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, others, months) = match posted_plan(&req, &ctx, &state, &body).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let now = ctx.clock.now();
    let current = (&view.case, &view.creditor);
    let parts = debtor_cases::plan_for_all(&ctx, current, others, months, now).await;
    let (t, l) = (&ctx.texts, view.locale);
    let body = html! {
        (parts_list(&ctx, &view, &parts, months, true))
        (back_link(t, l))
    };
    page(
        &ctx,
        &view,
        PLAN_ALL_PATH,
        "all-plan-done-title",
        StatusCode::OK,
        body,
    )
}

/// Each case's part: what its creditor would say (`done` false) or what became of it.
fn parts_list(
    ctx: &AppContext,
    view: &DebtorView,
    parts: &[PlanPart],
    months: u32,
    done: bool,
) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    let agency = view.agency.name.as_str();
    html! {
        ul.plan-parts {
            @for part in parts {
                li {
                    strong { (part.creditor.name.as_str()) }
                    br;
                    @match &part.outcome {
                        PartOutcome::HasPlan => (t.get(l, "all-plan-has-plan")),
                        PartOutcome::Waiting => (t.format(l, "all-plan-waiting", &[("agency", agency)])),
                        PartOutcome::Failed => (t.get(l, "all-plan-failed")),
                        PartOutcome::Decided(Decision::Granted(Terms::Plan(plan))) => {
                            @let first = plan.instalments.first().map(|i| t.date(l, i.due_date)).unwrap_or_default();
                            @let args = [("months", plan.months().to_string()), ("monthly", plan.monthly().shown(l)), ("date", first)];
                            @let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                            (t.format(l, if done { "all-plan-granted" } else { "all-plan-would-grant" }, &args))
                        }
                        PartOutcome::Decided(Decision::Granted(Terms::Deferral { .. })) => {}
                        PartOutcome::Decided(Decision::NeedsReview { .. }) => {
                            (t.format(l, if done { "all-plan-review" } else { "all-plan-would-review" }, &[("agency", agency)]))
                        }
                        PartOutcome::Decided(Decision::Refused { reason, .. }) => {
                            (refusal(ctx, view, part, reason, months))
                        }
                    }
                }
            }
        }
    }
}

/// Why a part was refused, in the numbers of its own case and creditor.
fn refusal(
    ctx: &AppContext,
    view: &DebtorView,
    part: &PlanPart,
    reason: &RefusalReason,
    months: u32,
) -> String {
    let owed = crate::service::owed::owed_on(&part.creditor, ctx.clock.now());
    let request = DebtorRequest::Plan(PlanShape::Months(months));
    let asked = asked(
        &part.case.facts(&owed),
        &part.creditor.mandate,
        &request,
        owed.day,
    );
    let part_view = DebtorView {
        session: view.session.clone(),
        case: part.case.clone(),
        creditor: part.creditor.clone(),
        agency: view.agency.clone(),
        contact: view.contact.clone(),
        locale: view.locale,
        owed,
    };
    refusal_text(ctx, &part_view, reason, asked.as_ref())
}
