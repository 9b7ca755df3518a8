//! The debtor's self-service forms behind a link: more time, an instalment plan, a dispute.
//! Each POST is checked for forgery, handed to `service::self_service` (decided under the
//! creditor's mandate and recorded), and answered with what happened (granted, sent for
//! review, or refused with the nearest offer).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use maud::{Markup, html};

use super::DebtorState;
use super::pages::{
    Shown, back_link, csrf_field, debtor_page, limited_note, plan_cost, plan_table,
};
use super::session::{
    DebtorView, field, form_expired, form_fields, form_is_genuine, html, load, unavailable,
};
use crate::context::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::document::{DocumentKind, FileRefused, Uploader};
use crate::domain::money::Money;
use crate::domain::open_request;
use crate::domain::plan::{InstalmentPlan, PlanShape};
use crate::domain::self_service::{
    Asked, DebtorRequest, Decision, Dispute, Offer, PaidClaimError, PendingRequest, RefusalReason,
    Terms, asked, check_paid_claim, deferral_options, effective_due_date, evaluate,
    plan_month_range,
};
use crate::service::documents;
use crate::service::self_service::{self, DecideError, Decided, open_dispute_with_document};
use crate::store::StoreError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/case/more-time", web::get().to(more_time_form))
        .route("/case/more-time", web::post().to(more_time_submit))
        .route("/case/plan", web::get().to(plan_form))
        .route("/case/plan/preview", web::post().to(plan_preview))
        .route("/case/plan/confirm", web::post().to(plan_confirm))
        .route("/case/dispute", web::get().to(dispute_form))
        .route("/case/dispute", web::post().to(dispute_submit));
}

/// Self-service applies only to open cases without a plan; otherwise back to the case page.
fn open_for_requests(view: &DebtorView) -> bool {
    view.case.status == CaseStatus::Open && view.case.plan.is_none()
}

/// What waits for the agency, in the debtor's words: what was asked and on which day.
pub(super) fn waiting_text(ctx: &AppContext, view: &DebtorView) -> Option<Markup> {
    let (request, at) = open_request::waiting(&view.case)?;
    let (t, l) = (&ctx.texts, view.locale);
    let zone = view.creditor.jurisdiction.time_zone();
    let since = t.date(l, at.with_timezone(&zone).date_naive());
    let what = match request {
        PendingRequest::Deferral { new_due_date, .. } => t.format(
            l,
            "waiting-deferral",
            &[("date", &t.date(l, *new_due_date)), ("since", &since)],
        ),
        PendingRequest::Plan { plan, .. } => t.format(
            l,
            "waiting-plan",
            &[
                ("months", &plan.months().to_string()),
                ("monthly", &plan.monthly().shown(l)),
                ("since", &since),
            ],
        ),
        PendingRequest::Dispute { .. } => t.format(l, "waiting-dispute", &[("since", &since)]),
    };
    let agency = view.agency.name.as_str();
    Some(html! {
        p { (what) }
        p { (t.format(l, "waiting-body", &[("agency", agency)])) }
    })
}

/// The page a new request gets while another waits: one open request at a time.
fn waiting_page(ctx: &AppContext, view: &DebtorView, status: StatusCode) -> HttpResponse {
    let (t, l) = (&ctx.texts, view.locale);
    let body = html! { (waiting_text(ctx, view).unwrap_or_default()) (back_link(t, l)) };
    page(ctx, view, "/case", "waiting-title", status, body)
}

/// Every form post goes through here: the session, a genuine (same-site, CSRF-checked) form,
/// and a case that still `accepts` it; otherwise the answer to give instead.
pub(super) async fn posted(
    req: &HttpRequest,
    ctx: &AppContext,
    state: &DebtorState,
    body: &[u8],
    accepts: fn(&DebtorView) -> bool,
) -> Result<(DebtorView, Vec<(String, String)>), HttpResponse> {
    posted_fields(req, ctx, state, form_fields(body), accepts).await
}

/// As [`posted`], for fields already read (a form with a file).
pub(super) async fn posted_fields(
    req: &HttpRequest,
    ctx: &AppContext,
    state: &DebtorState,
    fields: Vec<(String, String)>,
    accepts: fn(&DebtorView) -> bool,
) -> Result<(DebtorView, Vec<(String, String)>), HttpResponse> {
    let view = load(req, ctx, state).await?;
    if !form_is_genuine(req, ctx, &view.session, field(&fields, "csrf")) {
        return Err(form_expired(ctx, view.locale));
    }
    if !accepts(&view) {
        return Err(see_case());
    }
    Ok((view, fields))
}

pub(super) fn see_case() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", "/case"))
        .finish()
}

pub(super) fn page(
    ctx: &AppContext,
    view: &DebtorView,
    path: &str,
    title_id: &str,
    status: StatusCode,
    body: Markup,
) -> HttpResponse {
    html(status, debtor_page(&ctx.texts, view, path, title_id, body))
}

/// Parses a date typed as dd.mm.yyyy (Norwegian habit) or yyyy-mm-dd (date inputs).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .ok()
}

/// Parses an amount typed by a person: "500", "500,50", "1 234,50", "500.50".
pub(super) fn parse_amount(text: &str, view: &DebtorView) -> Option<Money> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace(',', ".");
    Money::parse(&cleaned, view.case.currency())
        .ok()
        .filter(|m| m.is_positive())
}

// ---- more time ----

/// The more-time form; `chosen` is the date sent with an error, shown chosen again.
pub(crate) fn more_time_body(
    ctx: &AppContext,
    view: &DebtorView,
    error: bool,
    chosen: Option<&str>,
) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    let options = deferral_options(
        &view.facts(),
        &view.creditor.mandate,
        ctx.clock.now().date_naive(),
    );
    let agency = view.agency.name.as_str();
    html! {
        p { (t.format(l, "more-time-current", &[("date", &t.date(l, effective_due_date(view.case.due_date)))])) }
        p { (t.format(l, "more-time-intro", &[("agency", agency)])) }
        @if error { p.error role="alert" id="date-error" { (t.get(l, "error-choose-date")) } }
        form method="post" action="/case/more-time" {
            (csrf_field(view))
            fieldset aria-describedby=[error.then_some("date-error")] {
                legend { (t.get(l, "more-time-legend")) }
                @for (day, instant) in &options {
                    label.choice {
                        @let value = day.format("%Y-%m-%d").to_string();
                        input type="radio" name="date" value=(value) required
                            checked[chosen == Some(value.as_str())]
                            aria-invalid=[error.then_some("true")];
                        span { (t.date(l, *day)) " — " (t.get(l, if *instant { "more-time-instant" } else { "more-time-review" })) }
                    }
                }
            }
            button type="submit" { (t.get(l, "more-time-submit")) }
        }
        (back_link(t, l))
    }
}

async fn more_time_form(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !open_for_requests(&view) {
        return see_case();
    }
    if open_request::waiting(&view.case).is_some() {
        return waiting_page(&ctx, &view, StatusCode::OK);
    }
    page(
        &ctx,
        &view,
        "/case/more-time",
        "more-time-title",
        StatusCode::OK,
        more_time_body(&ctx, &view, false, None),
    )
}

async fn more_time_submit(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) = match posted(&req, &ctx, &state, &body, open_for_requests).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Some(date) = field(&fields, "date").and_then(parse_date) else {
        return page(
            &ctx,
            &view,
            "/case/more-time",
            "more-time-title",
            StatusCode::UNPROCESSABLE_ENTITY,
            more_time_body(&ctx, &view, true, field(&fields, "date")),
        );
    };
    decide(&ctx, view, DebtorRequest::Deferral { new_due_date: date }).await
}

// ---- instalment plan ----

/// What the debtor chose on the plan form, shown again after an error or when choosing anew
/// from a preview.
#[derive(Default)]
pub(crate) struct PlanTyped<'a> {
    pub(crate) months: Option<u32>,
    pub(crate) monthly: &'a str,
}

impl<'a> PlanTyped<'a> {
    fn from(fields: &'a [(String, String)]) -> Self {
        PlanTyped {
            months: field(fields, "months").and_then(|m| m.trim().parse().ok()),
            monthly: field(fields, "monthly").unwrap_or_default(),
        }
    }
}

pub(crate) fn plan_form_body(
    ctx: &AppContext,
    view: &DebtorView,
    error: bool,
    typed: &PlanTyped,
) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    let today = ctx.clock.now().date_naive();
    let Some((min, max)) = plan_month_range(&view.facts(), &view.creditor.mandate, today) else {
        return back_link(t, l);
    };
    // The plan is made from what is owed today (late-payment interest included).
    let amount = view.balance().shown(l);
    let min_instalment = Money::round_to_minor(
        view.creditor.mandate.plan.min_instalment,
        view.case.currency(),
    )
    .shown(l);
    html! {
        p { (t.format(l, "plan-intro", &[("amount", &amount), ("min", &min.to_string()), ("max", &max.to_string()), ("min_instalment", &min_instalment)])) }
        @if error { p.error role="alert" id="monthly-error" { (t.get(l, "error-amount")) } }
        form method="post" action="/case/plan/preview" {
            (csrf_field(view))
            label for="months" { (t.get(l, "plan-months-label")) }
            select #months name="months" {
                @let months = typed.months.filter(|m| (min..=max).contains(m)).unwrap_or(max.min(6).max(min));
                @for n in min..=max { option value=(n) selected[n == months] { (n) } }
            }
            label for="monthly" { (t.get(l, "plan-monthly-label")) }
            input #monthly name="monthly" inputmode="decimal" autocomplete="off" value=(typed.monthly)
                aria-invalid=[error.then_some("true")] aria-describedby=[error.then_some("monthly-error")];
            button type="submit" { (t.get(l, "plan-preview-submit")) }
        }
        (back_link(t, l))
    }
}

fn plan_form_again(ctx: &AppContext, view: &DebtorView, typed: &PlanTyped) -> HttpResponse {
    page(
        ctx,
        view,
        "/case/plan",
        "plan-title",
        StatusCode::UNPROCESSABLE_ENTITY,
        plan_form_body(ctx, view, true, typed),
    )
}

async fn plan_form(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !open_for_requests(&view) {
        return see_case();
    }
    if open_request::waiting(&view.case).is_some() {
        return waiting_page(&ctx, &view, StatusCode::OK);
    }
    let query = super::session::form_fields(req.query_string().as_bytes());
    page(
        &ctx,
        &view,
        "/case/plan",
        "plan-title",
        StatusCode::OK,
        // "Choose another plan" from a preview comes back with what was chosen there.
        plan_form_body(&ctx, &view, false, &PlanTyped::from(&query)),
    )
}

/// The plan shape from the form: a monthly amount when given, else the number of months.
fn plan_shape(fields: &[(String, String)], view: &DebtorView) -> Result<PlanShape, ()> {
    match field(fields, "monthly")
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(text) => parse_amount(text, view).map(PlanShape::Monthly).ok_or(()),
        None => field(fields, "months")
            .and_then(|m| m.trim().parse::<u32>().ok())
            .filter(|m| *m <= 240)
            .map(PlanShape::Months)
            .ok_or(()),
    }
}

/// A form that agrees to exactly this plan (the server recomputes and re-checks it).
fn confirm_form(
    ctx: &AppContext,
    view: &DebtorView,
    plan: &InstalmentPlan,
    label_id: &str,
) -> Markup {
    // A plan shaped by a monthly amount ends with a smaller instalment; say so to rebuild it.
    let monthly = plan.monthly();
    // A limited agreement is rebuilt from its monthly amount too (it covers part of the balance).
    let by_amount = plan.limited.is_some()
        || plan
            .instalments
            .last()
            .is_some_and(|last| last.principal.minor_units() < monthly.minor_units());
    html! {
        form method="post" action="/case/plan/confirm" {
            (csrf_field(view))
            input type="hidden" name="months" value=(plan.months());
            @if by_amount {
                input type="hidden" name="monthly" value=(monthly.to_plain_string());
            }
            button type="submit" { (ctx.texts.get(view.locale, label_id)) }
        }
    }
}

async fn plan_preview(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) = match posted(&req, &ctx, &state, &body, open_for_requests).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let shape = match plan_shape(&fields, &view) {
        Ok(shape) => shape,
        Err(()) => return plan_form_again(&ctx, &view, &PlanTyped::from(&fields)),
    };
    let answer = plan_answer(&ctx, &view, shape, &PlanTyped::from(&fields));
    page(
        &ctx,
        &view,
        answer.path,
        answer.title_id,
        answer.status,
        answer.body,
    )
}

/// A page's content before it is framed: the language switch's path, the title's Fluent id,
/// the status and the body.
pub(crate) struct Answer {
    pub(crate) path: &'static str,
    pub(crate) title_id: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) body: Markup,
}

/// What the debtor is shown after asking for a plan of `shape` (nothing is decided or stored
/// yet): the plan to confirm, granted at once or for review, or the refusal with the nearest
/// offer the mandate allows.
pub(crate) fn plan_answer(
    ctx: &AppContext,
    view: &DebtorView,
    shape: PlanShape,
    typed: &PlanTyped,
) -> Answer {
    let today = ctx.clock.now().date_naive();
    let decision = evaluate(
        &view.facts(),
        &view.creditor.mandate,
        &DebtorRequest::Plan(shape),
        today,
    );
    let plan = match &decision {
        Decision::Granted(Terms::Plan(plan))
        | Decision::NeedsReview {
            terms: Terms::Plan(plan),
            ..
        } => plan.clone(),
        _ => {
            let request = DebtorRequest::Plan(shape);
            let asked = asked(&view.facts(), &view.creditor.mandate, &request, today);
            return outcome_answer(ctx, view, &decision, asked.as_ref());
        }
    };
    let (t, l) = (&ctx.texts, view.locale);
    let months = typed.months.map(|m| m.to_string()).unwrap_or_default();
    let again = [("months", months.as_str()), ("monthly", typed.monthly)];
    let choose_again = format!(
        "/case/plan?{}",
        serde_urlencoded::to_string(again).unwrap_or_default()
    );
    let body = html! {
        (plan_table(t, l, &plan))
        (plan_cost(t, l, &plan))
        (limited_note(t, l, &plan, view.agency.name.as_str()))
        @if let Decision::NeedsReview { reason, .. } = &decision {
            p { (t.get(l, &format!("review-{}", reason_id(reason)))) }
        }
        (confirm_form(ctx, view, &plan, "plan-confirm"))
        p { a href=(choose_again) { (t.get(l, "plan-choose-other")) } }
    };
    Answer {
        path: "/case/plan",
        title_id: "plan-preview-title",
        status: StatusCode::OK,
        body,
    }
}

async fn plan_confirm(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) = match posted(&req, &ctx, &state, &body, open_for_requests).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let shape = match plan_shape(&fields, &view) {
        Ok(shape) => shape,
        Err(()) => return plan_form_again(&ctx, &view, &PlanTyped::from(&fields)),
    };
    decide(&ctx, view, DebtorRequest::Plan(shape)).await
}

// ---- dispute ----

/// What the debtor typed into the dispute form, shown again with an error so nothing is lost.
#[derive(Default)]
struct DisputeTyped<'a> {
    text: &'a str,
    paid_on: &'a str,
    paid_amount: &'a str,
    paid_reference: &'a str,
}

/// An error on one field of the dispute form: the field's name and what the debtor reads.
struct FieldError {
    field: &'static str,
    message: String,
}

impl FieldError {
    /// The message names the field ("Date you paid: …") so it reads right on its own too.
    fn new(
        t: &crate::i18n::Texts,
        l: crate::domain::locale::Locale,
        field: &'static str,
        message: String,
    ) -> Self {
        let label = match field {
            "paid_on" => "dispute-paid-on",
            "paid_amount" => "dispute-paid-amount",
            "receipt" => "dispute-receipt-label",
            _ => "dispute-text-label",
        };
        FieldError {
            field,
            message: format!("{}: {message}", t.get(l, label)),
        }
    }
}

fn dispute_body(
    ctx: &AppContext,
    view: &DebtorView,
    typed: &DisputeTyped,
    error: Option<&FieldError>,
) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    let invalid = |field: &str| error.is_some_and(|e| e.field == field).then_some("true");
    let described = |field: &str| {
        error
            .filter(|e| e.field == field)
            .map(|e| format!("{}-error", e.field))
    };
    html! {
        p { (t.get(l, "dispute-intro")) }
        @if let Some(e) = error { p.error role="alert" id=(format!("{}-error", e.field)) { (e.message) } }
        form method="post" action="/case/dispute" enctype="multipart/form-data" {
            (csrf_field(view))
            label for="text" { (t.get(l, "dispute-text-label")) }
            textarea #text name="text" rows="5" maxlength="2000" required
                aria-invalid=[invalid("text")] aria-describedby=[described("text")] { (typed.text) }
            fieldset {
                legend { (t.get(l, "dispute-paid-heading")) }
                label for="paid_on" { (t.get(l, "dispute-paid-on")) }
                input #paid_on name="paid_on" type="date" value=(typed.paid_on)
                    aria-invalid=[invalid("paid_on")] aria-describedby=[described("paid_on")];
                label for="paid_amount" { (t.get(l, "dispute-paid-amount")) }
                input #paid_amount name="paid_amount" inputmode="decimal" autocomplete="off" value=(typed.paid_amount)
                    aria-invalid=[invalid("paid_amount")] aria-describedby=[described("paid_amount")];
                label for="paid_reference" { (t.get(l, "dispute-paid-reference")) }
                input #paid_reference name="paid_reference" maxlength="100" autocomplete="off" value=(typed.paid_reference);
            }
            label for="receipt" { (t.get(l, "dispute-receipt-label")) }
            p.hint #receipt-hint { (t.get(l, "dispute-receipt-hint")) }
            input #receipt name="receipt" type="file" accept="application/pdf,image/jpeg,image/png"
                aria-invalid=[invalid("receipt")]
                aria-describedby=(described("receipt").unwrap_or_else(|| "receipt-hint".to_owned()));
            button type="submit" { (t.format(l, "dispute-submit", &[("agency", &view.agency.name)])) }
        }
        (back_link(t, l))
    }
}

async fn dispute_form(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if view.case.status != CaseStatus::Open {
        return see_case();
    }
    page(
        &ctx,
        &view,
        "/case/dispute",
        "dispute-title",
        StatusCode::OK,
        dispute_body(&ctx, &view, &DisputeTyped::default(), None),
    )
}

async fn dispute_submit(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    payload: web::Payload,
) -> HttpResponse {
    let (fields, receipt) = match super::documents::read_form(&req, payload, "receipt").await {
        Ok(read) => read,
        Err(super::documents::Unreadable::Malformed) => return HttpResponse::BadRequest().finish(),
        Err(super::documents::Unreadable::TooLarge) => {
            return HttpResponse::PayloadTooLarge().finish();
        }
    };
    let (view, fields) = match posted_fields(&req, &ctx, &state, fields, |v| {
        v.case.status == CaseStatus::Open
    })
    .await
    {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let (t, l) = (&ctx.texts, view.locale);
    let typed_field = |name| field(&fields, name).unwrap_or_default();
    let typed = DisputeTyped {
        text: typed_field("text"),
        paid_on: typed_field("paid_on"),
        paid_amount: typed_field("paid_amount"),
        paid_reference: typed_field("paid_reference"),
    };
    let invalid = |error: FieldError| {
        page(
            &ctx,
            &view,
            "/case/dispute",
            "dispute-title",
            StatusCode::UNPROCESSABLE_ENTITY,
            dispute_body(&ctx, &view, &typed, Some(&error)),
        )
    };
    let plain = |field, id: &str| FieldError::new(t, l, field, t.get(l, id));
    let text = typed.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return invalid(plain("text", "error-dispute-text"));
    }
    let optional = |name| {
        field(&fields, name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let paid_on = match optional("paid_on").map(parse_date) {
        Some(None) => return invalid(plain("paid_on", "error-date")),
        other => other.flatten(),
    };
    let paid_amount = match optional("paid_amount").map(|a| parse_amount(a, &view)) {
        Some(None) => return invalid(plain("paid_amount", "error-amount")),
        other => other.flatten(),
    };
    let dispute = Dispute {
        text: text.to_owned(),
        paid_on,
        paid_amount,
        paid_reference: optional("paid_reference").map(|r| r.chars().take(100).collect()),
    };
    // The debtor's own calendar day: a payment made this morning in Oslo is not "in the future"
    // because UTC is still on yesterday.
    let today = ctx
        .clock
        .now()
        .with_timezone(&view.creditor.jurisdiction.time_zone())
        .date_naive();
    // Everything the case has asked for: the claim, and the interest innfri accrued on it,
    // which is what a debtor who paid the page's amount paid.
    let paid: i64 = view
        .case
        .payments
        .iter()
        .map(|p| p.amount.minor_units())
        .sum();
    let amount_due = view.case.amount_due();
    let total = crate::domain::money::Money::from_minor(
        (view.balance().minor_units() + paid).max(amount_due.minor_units()),
        amount_due.currency(),
    );
    if let Err(e) = check_paid_claim(&dispute, today, view.case.original_due_date(), total) {
        let message = match e {
            PaidClaimError::PaidOnInFuture => t.get(l, "error-paid-on-future"),
            PaidClaimError::PaidOnBeforeClaim { earliest } => t.format(
                l,
                "error-paid-on-before-claim",
                &[("earliest", &t.date(l, earliest))],
            ),
            PaidClaimError::PaidAmountAboveTotal { total } => t.format(
                l,
                "error-paid-amount-above-total",
                &[("total", &total.shown(l))],
            ),
        };
        return invalid(FieldError::new(t, l, e.field(), message));
    }
    let mut case = view.case.clone();
    let mut document = None;
    if let Some(file) = receipt {
        let upload = documents::Upload {
            kind: DocumentKind::Receipt,
            file_name: file.file_name,
            bytes: file.bytes,
            uploaded_by: Uploader::Debtor,
        };
        let refused = |why: FileRefused| {
            let id = match why {
                FileRefused::TooLarge => "error-receipt-too-large",
                FileRefused::Empty | FileRefused::WrongType(_) => "error-receipt-type",
            };
            FieldError::new(t, l, "receipt", t.get(l, id))
        };
        if let Err(documents::DocumentError::Refused(why)) =
            documents::check(&upload, documents::DEBTOR_TYPES)
        {
            return invalid(refused(why));
        }
        match documents::attach(
            &ctx,
            &case.id,
            upload,
            documents::DEBTOR_TYPES,
            ctx.clock.now(),
        )
        .await
        {
            Ok((meta, written)) => {
                case = written;
                document = Some(meta);
            }
            Err(documents::DocumentError::Refused(why)) => return invalid(refused(why)),
            Err(documents::DocumentError::Store(e)) => return store_failure(&ctx, &view, e),
            Err(e) => {
                return store_failure(&ctx, &view, StoreError::Unavailable(e.to_string()));
            }
        }
    }
    if let Err(e) =
        open_dispute_with_document(&ctx, &case, dispute, document.as_ref(), ctx.clock.now()).await
    {
        return store_failure(&ctx, &view, e);
    }
    let body = html! { p { (t.format(l, "dispute-received-body", &[("agency", &view.agency.name)])) } (back_link(t, l)) };
    page(
        &ctx,
        &view,
        "/case",
        "dispute-received-title",
        StatusCode::OK,
        body,
    )
}

// ---- deciding and recording ----

fn reason_id<T: serde::Serialize>(reason: &T) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn store_failure(ctx: &AppContext, view: &DebtorView, error: StoreError) -> HttpResponse {
    match error {
        // Someone (the agency, another tab) changed the case meanwhile: nothing was written.
        StoreError::Conflict => form_expired(ctx, view.locale),
        other => unavailable(ctx, &other),
    }
}

/// Has the request decided and recorded, and shows the outcome.
async fn decide(ctx: &AppContext, view: DebtorView, request: DebtorRequest) -> HttpResponse {
    let today = ctx.clock.now().date_naive();
    let asked = asked(&view.facts(), &view.creditor.mandate, &request, today);
    let asked = asked.as_ref();
    let decided =
        self_service::decide(ctx, &view.case, &view.creditor, request, ctx.clock.now()).await;
    match decided {
        Err(DecideError::Store(e)) => store_failure(ctx, &view, e),
        Err(DecideError::Waiting(..)) => waiting_page(ctx, &view, StatusCode::CONFLICT),
        Ok(Decided {
            decision,
            saved: None,
        }) => outcome_page(ctx, &view, &decision, asked),
        Ok(Decided {
            decision,
            saved: Some(saved),
        }) => {
            let view = DebtorView {
                case: saved,
                ..view
            };
            outcome_page(ctx, &view, &decision, asked)
        }
    }
}

fn offer_markup(ctx: &AppContext, view: &DebtorView, offer: &Offer) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    match offer {
        Offer::Deferral { latest } => html! {
            p { (t.format(l, "offer-deferral", &[("date", &t.date(l, *latest))])) }
            form method="post" action="/case/more-time" {
                (csrf_field(view))
                input type="hidden" name="date" value=(latest.format("%Y-%m-%d"));
                button type="submit" { (t.get(l, "offer-accept")) }
            }
        },
        Offer::Plan(plan) => html! {
            p { (t.format(l, "offer-plan", &[("months", &plan.months().to_string()), ("monthly", &plan.monthly().shown(l))])) }
            (plan_table(t, l, plan))
            (plan_cost(t, l, plan))
            (limited_note(t, l, plan, view.agency.name.as_str()))
            (confirm_form(ctx, view, plan, "offer-accept"))
        },
    }
}

/// A refusal in numbers: what was asked beside what the creditor allows.
pub(super) fn refusal_text(
    ctx: &AppContext,
    view: &DebtorView,
    reason: &RefusalReason,
    asked: Option<&Asked>,
) -> String {
    let (t, l) = (&ctx.texts, view.locale);
    let mandate = &view.creditor.mandate;
    let min = Money::round_to_minor(mandate.plan.min_instalment, view.case.currency()).shown(l);
    let due = t.date(l, effective_due_date(view.case.due_date));
    match (reason, asked) {
        (RefusalReason::TooLong, Some(Asked::Plan { months, .. })) => t.format(
            l,
            "refused-plan-too-long",
            &[
                ("asked", &months.to_string()),
                ("max", &mandate.plan.max_months.to_string()),
            ],
        ),
        (RefusalReason::TooLong, Some(Asked::Deferral { days, .. })) => t.format(
            l,
            "refused-deferral-too-long",
            &[
                ("asked", &days.to_string()),
                ("max", &mandate.deferral.max_days.to_string()),
            ],
        ),
        (RefusalReason::InstalmentTooSmall, Some(Asked::Plan { monthly, .. })) => t.format(
            l,
            "refused-instalment_too_small",
            &[("asked", &monthly.shown(l)), ("min", &min)],
        ),
        (RefusalReason::DateNotLater, Some(Asked::Deferral { date, .. })) => t.format(
            l,
            "refused-date_not_later",
            &[("asked", &t.date(l, *date)), ("due", &due)],
        ),
        (RefusalReason::NoMoreDeferrals, _) => t.format(
            l,
            "refused-no_more_deferrals",
            &[
                ("granted", &view.case.deferrals_granted.to_string()),
                ("max", &mandate.deferral.max_per_case.to_string()),
            ],
        ),
        (reason, _) => t.format(
            l,
            &format!("refused-{}", reason_id(reason)),
            &[("min", &min)],
        ),
    }
}

fn outcome_page(
    ctx: &AppContext,
    view: &DebtorView,
    decision: &Decision,
    asked: Option<&Asked>,
) -> HttpResponse {
    let answer = outcome_answer(ctx, view, decision, asked);
    page(
        ctx,
        view,
        answer.path,
        answer.title_id,
        answer.status,
        answer.body,
    )
}

/// The outcome of a decided request as the debtor reads it: granted, sent for review, or
/// refused in numbers with the nearest offer.
fn outcome_answer(
    ctx: &AppContext,
    view: &DebtorView,
    decision: &Decision,
    asked: Option<&Asked>,
) -> Answer {
    let (t, l) = (&ctx.texts, view.locale);
    let agency = view.agency.name.as_str();
    let (title, status, body) = match decision {
        Decision::Granted(Terms::Deferral { new_due_date }) => (
            "granted-deferral-title",
            StatusCode::OK,
            html! { p { (t.format(l, "granted-deferral-body", &[("date", &t.date(l, *new_due_date))])) } },
        ),
        Decision::Granted(Terms::Plan(_)) => {
            let plan = view.case.plan.as_ref();
            let first = plan.and_then(|p| p.instalments.first());
            let amount = first.map(|i| i.amount.shown(l)).unwrap_or_default();
            let date = first.map(|i| t.date(l, i.due_date)).unwrap_or_default();
            (
                "granted-plan-title",
                StatusCode::OK,
                html! {
                    p { (t.format(l, "granted-plan-body", &[("amount", &amount), ("date", &date)])) }
                    @if let Some(plan) = plan { (plan_table(t, l, plan)) (plan_cost(t, l, plan)) }
                },
            )
        }
        Decision::NeedsReview { reason, .. } => (
            "review-title",
            StatusCode::OK,
            html! {
                p { (t.get(l, &format!("review-{}", reason_id(reason)))) }
                p { (t.format(l, "review-body", &[("agency", agency)])) }
            },
        ),
        Decision::Refused { reason, offer } => (
            "refused-title",
            StatusCode::UNPROCESSABLE_ENTITY,
            html! {
                p { (refusal_text(ctx, view, reason, asked)) }
                @if let Some(offer) = offer { (offer_markup(ctx, view, offer)) }
                p { (t.format(l, "refused-contact", &[("agency", agency)])) }
            },
        ),
    };
    let body = html! { (body) (back_link(t, l)) };
    Answer {
        path: "/case",
        title_id: title,
        status,
        body,
    }
}
