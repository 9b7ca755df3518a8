//! Paying online from the case page: the debtor picks Vipps or card and an amount (the whole
//! balance, or a part where the mandate allows it); each click creates a fresh payment at the
//! provider and sends the debtor there. Providers confirm through their signed webhooks
//! (`web::callbacks`); the return page tells what the case records of that payment. The built-in fake provider's
//! approve/decline page lets the demo be paid end to end without a network.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use maud::{Markup, html};

use super::DebtorState;
use super::pages::{Shown, back_link, csrf_field};
use super::self_service::{page, parse_amount, posted, see_case};
use super::session::{DebtorView, field, load};
use crate::context::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::checkout::{CheckoutEnd, CheckoutState, checkout_state};
use crate::domain::creditor::OnlineMethod;
use crate::domain::money::Money;
use crate::domain::payment::PaymentMethod;
use crate::domain::plan_followup::{due_now, instalment_states, paid_toward_plan};
use crate::links::random_base62;
use crate::payments::gateways::checkout::{CheckoutRequest, Redirect};
use crate::payments::gateways::vipps::payment_reference;
use crate::service::payments::{apply_fake_checkout, checkout_ended};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/case/pay", web::get().to(pay_form))
        .route("/case/pay", web::post().to(pay_submit))
        .route("/case/pay/fake", web::get().to(fake_page))
        .route("/case/pay/fake", web::post().to(fake_decide))
        .route("/case/paid", web::get().to(paid_page));
}

/// Online payment is for open cases with something left to pay.
fn payable(view: &DebtorView) -> bool {
    view.case.status == CaseStatus::Open && view.balance().is_positive()
}

/// With a plan agreed, what the online buttons pay on `today` and which instalments that
/// covers (`domain::plan_followup::due_now`: the next instalment, or everything overdue with
/// the one due today when the debtor is behind), never more than the balance.
fn instalment_due(view: &DebtorView, today: NaiveDate) -> Option<(Money, Vec<u32>)> {
    let plan = view.case.plan.as_ref()?;
    let balance = view.balance();
    let grace = view.creditor.mandate.follow_up.grace_days;
    let states = instalment_states(plan, paid_toward_plan(plan, balance), today, grace);
    let (amount, numbers) = due_now(&states, today)?;
    let amount = Money::from_minor(
        amount.minor_units().min(balance.minor_units()),
        amount.currency(),
    );
    amount.is_positive().then_some((amount, numbers))
}

/// The amounts the debtor may pay now: the whole balance, or from the mandate's smallest partial
/// payment up to it. `None` when only the whole balance is allowed, and under a plan (its
/// instalments are what is paid then).
fn partial_range(view: &DebtorView) -> Option<(Money, Money)> {
    let partial = &view.creditor.mandate.partial_payment;
    let balance = view.balance();
    let min = Money::round_to_minor(partial.min_amount, balance.currency());
    (partial.allowed && view.case.plan.is_none() && min.minor_units() < balance.minor_units())
        .then_some((min, balance))
}

/// Whether the debtor may pay `amount` now: the whole balance, a part within the range, or
/// under a plan the instalment due.
fn allowed(view: &DebtorView, amount: Money, today: NaiveDate) -> bool {
    amount == view.balance()
        || partial_range(view).is_some_and(|(min, max)| {
            (min.minor_units()..=max.minor_units()).contains(&amount.minor_units())
        })
        || instalment_due(view, today).is_some_and(|(due, _)| due == amount)
}

/// The amount a form asks for: "full" (or nothing) is the balance, "instalment" the plan's
/// instalment due; anything else must be allowed.
fn chosen_amount(view: &DebtorView, text: Option<&str>, today: NaiveDate) -> Option<Money> {
    match text.map(str::trim) {
        None | Some("" | "full") => Some(view.balance()),
        Some("instalment") => instalment_due(view, today).map(|(amount, _)| amount),
        Some(typed) => parse_amount(typed, view).filter(|a| allowed(view, *a, today)),
    }
}

fn method_label(ctx: &AppContext, view: &DebtorView, method: OnlineMethod) -> String {
    let id = match method {
        OnlineMethod::Vipps => "pay-by-vipps",
        OnlineMethod::Card => "pay-by-card",
    };
    ctx.texts.get(view.locale, id).to_string()
}

/// The "pay now" buttons on the case page: each pays the whole balance with one method, or
/// under a plan the instalment due (with a line saying so when it covers more than one).
pub fn pay_now_section(ctx: &AppContext, view: &DebtorView) -> Markup {
    let methods = ctx.payments.offered(&view.creditor);
    if methods.is_empty() || !payable(view) {
        return html! {};
    }
    let (t, l) = (&ctx.texts, view.locale);
    let instalment = instalment_due(view, view.owed.day);
    if view.case.plan.is_some() && instalment.is_none() {
        return html! {};
    }
    let (owed, amount_field) = match &instalment {
        Some((amount, _)) => (amount.shown(l), "instalment"),
        None => (view.balance().shown(l), "full"),
    };
    let catch_up = instalment
        .as_ref()
        .filter(|(_, numbers)| numbers.len() > 1)
        .map(|(_, numbers)| {
            let numbers: Vec<String> = numbers.iter().map(u32::to_string).collect();
            t.format(
                l,
                "plan-pay-catch-up",
                &[("numbers", &numbers.join(", ")), ("amount", &owed)],
            )
        });
    html! {
        section #pay-online {
            h2 { (t.get(l, "pay-online-heading")) }
            @if let Some(text) = &catch_up { p { (text) } }
            form method="post" action="/case/pay" {
                (csrf_field(view))
                input type="hidden" name="amount" value=(amount_field);
                @for method in &methods {
                    @let id = match method { OnlineMethod::Vipps => "pay-with-vipps", OnlineMethod::Card => "pay-with-card" };
                    button.button name="method" value=(method.as_str()) { (t.format(l, id, &[("amount", &owed)])) }
                }
            }
            @if partial_range(view).is_some() {
                p { a href="/case/pay" { (t.get(l, "pay-part-link")) } }
            }
        }
    }
}

/// The pay form; after an error it shows the amount as the debtor typed it, never the whole
/// balance in its place (a second tap would pay everything).
fn pay_form_body(ctx: &AppContext, view: &DebtorView, error: bool, typed: Option<&str>) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    let methods = ctx.payments.offered(&view.creditor);
    let balance = view.balance();
    let (min, max) = partial_range(view).unwrap_or((balance, balance));
    let (min_text, max_text) = (min.shown(l), max.shown(l));
    let range = [("min", min_text.as_str()), ("max", max_text.as_str())];
    html! {
        @if error { p.error role="alert" id="amount-error" { (t.format(l, "pay-error-amount", &range)) } }
        form method="post" action="/case/pay" {
            (csrf_field(view))
            label for="amount" { (t.format(l, "pay-amount-label", &range)) }
            input #amount type="text" name="amount" inputmode="decimal" autocomplete="off"
                value=(typed.map_or_else(|| max.amount().to_string().replace('.', ","), str::to_owned))
                aria-invalid=[error.then_some("true")] aria-describedby=[error.then_some("amount-error")];
            @for method in &methods {
                button.button name="method" value=(method.as_str()) { (method_label(ctx, view, *method)) }
            }
        }
        (back_link(t, l))
    }
}

async fn pay_form(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    // Under a plan the case page's buttons pay the instalment; there is no form for a part.
    if !payable(&view)
        || view.case.plan.is_some()
        || ctx.payments.offered(&view.creditor).is_empty()
    {
        return see_case();
    }
    let body = pay_form_body(&ctx, &view, false, None);
    page(&ctx, &view, "/case/pay", "pay-title", StatusCode::OK, body)
}

async fn pay_submit(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) = match posted(&req, &ctx, &state, &body, payable).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let offered = ctx.payments.offered(&view.creditor);
    let Some(method) = field(&fields, "method")
        .and_then(OnlineMethod::parse)
        .filter(|m| offered.contains(m))
    else {
        return see_case();
    };
    let Some(amount) = chosen_amount(&view, field(&fields, "amount"), view.owed.day) else {
        if view.case.plan.is_some() {
            // The page was older than the plan's last payment: it shows what is due now.
            return see_case();
        }
        let body = pay_form_body(&ctx, &view, true, field(&fields, "amount"));
        return page(
            &ctx,
            &view,
            "/case/pay",
            "pay-title",
            StatusCode::UNPROCESSABLE_ENTITY,
            body,
        );
    };
    let base = &ctx.config.settings.server.public_base_url;
    let description: String = format!("{} {}", view.creditor.name, view.case.external_ref.as_str())
        .chars()
        .take(100)
        .collect();
    let attempt = random_base62(22);
    // The return page finds this payment by its attempt; Stripe fills in its session id, by
    // which its payment is applied.
    let session = match method {
        OnlineMethod::Card => "&session={CHECKOUT_SESSION_ID}",
        OnlineMethod::Vipps => "",
    };
    let request = CheckoutRequest {
        case_id: view.case.id.clone(),
        return_url: format!("{base}/case/paid?attempt={attempt}{session}"),
        cancel_url: format!("{base}/case/paid?attempt={attempt}&cancelled=1"),
        attempt,
        amount,
        description,
        locale: view.locale,
        now: ctx.clock.now(),
    };
    match ctx.payments.start(method, &request).await {
        Ok(Redirect::Provider(url)) => HttpResponse::SeeOther()
            .insert_header(("Location", url))
            .finish(),
        Ok(Redirect::Fake) => HttpResponse::SeeOther()
            .insert_header((
                "Location",
                format!(
                    "/case/pay/fake?method={}&amount={}&attempt={}",
                    method.as_str(),
                    amount.minor_units(),
                    request.attempt
                ),
            ))
            .finish(),
        Err(e) => {
            tracing::warn!(case = %view.case.id, error = %e, "payment could not be started");
            let (t, l) = (&ctx.texts, view.locale);
            let body =
                html! { p.error role="alert" { (t.get(l, "pay-unavailable")) } (back_link(t, l)) };
            page(
                &ctx,
                &view,
                "/case/pay",
                "pay-title",
                StatusCode::SERVICE_UNAVAILABLE,
                body,
            )
        }
    }
}

/// The fake provider's request: only for a method the fake stands in for, with an amount the
/// debtor may pay and an attempt id of our own shape.
fn fake_request(
    ctx: &AppContext,
    view: &DebtorView,
    fields: &[(String, String)],
) -> Option<(OnlineMethod, Money, String)> {
    let method = field(fields, "method")
        .and_then(OnlineMethod::parse)
        .filter(|m| ctx.payments.is_fake(*m) && ctx.payments.offered(&view.creditor).contains(m))?;
    let minor: i64 = field(fields, "amount")?.parse().ok()?;
    let amount = Some(Money::from_minor(minor, view.case.currency()))
        .filter(|a| allowed(view, *a, view.owed.day))?;
    let attempt = field(fields, "attempt")
        .filter(|a| a.len() == 22 && a.chars().all(|c| c.is_ascii_alphanumeric()))?;
    Some((method, amount, attempt.to_owned()))
}

async fn fake_page(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let fields = super::session::form_fields(req.query_string().as_bytes());
    let Some((method, amount, attempt)) =
        fake_request(&ctx, &view, &fields).filter(|_| payable(&view))
    else {
        return see_case();
    };
    let (t, l) = (&ctx.texts, view.locale);
    let method_name = t.get(
        l,
        match method {
            OnlineMethod::Vipps => "method-vipps",
            OnlineMethod::Card => "method-card",
        },
    );
    let shown = amount.shown(l);
    let body = html! {
        p { (t.format(l, "fake-body", &[("method", &method_name)])) }
        p.amount { (shown) }
        form method="post" action="/case/pay/fake" {
            (csrf_field(&view))
            input type="hidden" name="method" value=(method.as_str());
            input type="hidden" name="amount" value=(amount.minor_units());
            input type="hidden" name="attempt" value=(attempt);
            button.button name="decision" value="approve" { (t.format(l, "fake-approve", &[("amount", &shown)])) }
            button.button.quiet name="decision" value="decline" { (t.get(l, "fake-decline")) }
        }
    };
    page(
        &ctx,
        &view,
        "/case/pay/fake",
        "fake-title",
        StatusCode::OK,
        body,
    )
}

async fn fake_decide(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
    body: web::Bytes,
) -> HttpResponse {
    let (view, fields) = match posted(&req, &ctx, &state, &body, payable).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let Some((method, amount, attempt)) = fake_request(&ctx, &view, &fields) else {
        return see_case();
    };
    if field(&fields, "decision") != Some("approve") {
        let reference = format!("fake:{attempt}");
        let now = ctx.clock.now();
        let ended = checkout_ended(&ctx, &view.case.id, &reference, CheckoutEnd::Cancelled, now);
        if let Err(e) = ended.await {
            return super::session::unavailable(&ctx, &e);
        }
        let (t, l) = (&ctx.texts, view.locale);
        let body = html! { p { (t.get(l, "declined-body")) } (back_link(t, l)) };
        return page(&ctx, &view, "/case", "declined-title", StatusCode::OK, body);
    }
    let paid_with = match method {
        OnlineMethod::Vipps => PaymentMethod::Vipps,
        OnlineMethod::Card => PaymentMethod::Card,
    };
    let applied = apply_fake_checkout(
        &ctx,
        &view.case.id,
        &attempt,
        amount,
        paid_with,
        ctx.clock.now(),
    )
    .await;
    match applied {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/case/paid?attempt={attempt}")))
            .finish(),
        Err(e) => super::session::unavailable(&ctx, &e),
    }
}

/// The references the payment of one attempt is applied under, whichever provider took it.
fn attempt_references(view: &DebtorView, fields: &[(String, String)]) -> Option<Vec<String>> {
    let well_formed = |v: &&str| {
        (1..=255).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let attempt = field(fields, "attempt").filter(well_formed)?;
    let mut references = vec![
        format!("fake:{attempt}"),
        format!("vipps:{}", payment_reference(&view.case.id, attempt)),
    ];
    if let Some(session) = field(fields, "session").filter(well_formed) {
        references.push(format!("stripe:{session}"));
    }
    Some(references)
}

/// Where providers send the debtor back (`?attempt=`, Stripe's `&session=`, `&cancelled=1`
/// from a cancel address). The payment itself arrives by webhook, so the page tells what the
/// case records of this one payment: paid, still being confirmed, cancelled or failed, each
/// with what to do next. Nothing is ever thanked for that did not happen.
async fn paid_page(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    state: web::Data<DebtorState>,
) -> HttpResponse {
    let view = match load(&req, &ctx, &state).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let fields = super::session::form_fields(req.query_string().as_bytes());
    let (t, l) = (&ctx.texts, view.locale);
    let Some(references) = attempt_references(&view, &fields) else {
        return match view.case.status {
            CaseStatus::Paid => {
                let body = html! { p.status { (t.get(l, "status-paid")) } (back_link(t, l)) };
                page(
                    &ctx,
                    &view,
                    "/case/paid",
                    "paid-title",
                    StatusCode::OK,
                    body,
                )
            }
            _ => see_case(),
        };
    };
    let cancelled = field(&fields, "cancelled").is_some();
    let agency = view.agency.name.as_str();
    let balance = view.balance().shown(l);
    let (title, body) = match checkout_state(&view.case, &references, cancelled) {
        CheckoutState::Paid if view.case.status == CaseStatus::Paid => (
            "paid-title",
            html! { p.status { (t.get(l, "status-paid")) } },
        ),
        CheckoutState::Paid => (
            "paid-title",
            html! { p { (t.format(l, "paid-part-body", &[("left", &balance)])) } },
        ),
        CheckoutState::Confirming => (
            "paid-confirming-title",
            html! {
                p { (t.get(l, "paid-confirming-body")) }
                // A link, not an automatic refresh: the debtor reads at their own pace.
                p { a.button href=(format!("/case/paid?{}", req.query_string())) { (t.get(l, "paid-check-again")) } }
                p { (t.format(l, "paid-confirming-help", &[("agency", agency)])) }
            },
        ),
        CheckoutState::Cancelled => (
            "declined-title",
            html! {
                p { (t.get(l, "declined-body")) }
                p { a.button href="/case#pay-online" { (t.get(l, "paid-try-again")) } }
            },
        ),
        CheckoutState::Failed => (
            "paid-failed-title",
            html! {
                p { (t.get(l, "paid-failed-body")) }
                p { a.button href="/case#pay-online" { (t.get(l, "paid-try-again")) } }
            },
        ),
    };
    let body = html! { (body) (back_link(t, l)) };
    page(&ctx, &view, "/case/paid", title, StatusCode::OK, body)
}
