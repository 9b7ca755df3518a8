//! The logged-in screens: the case list with search, one case with its actions, and the
//! review queue.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};

use super::layout::{notice, page, page_response};
use super::{cookie_name, field, fields, genuine, see_other, unavailable};
use crate::context::AppContext;
use crate::domain::case::CaseStatus;
use crate::domain::ids::{CaseId, CreditorId};
use crate::domain::plan_followup::{FollowUpRules, instalment_states, paid_toward_plan};
use crate::domain::self_service::{PendingRequest, ReviewReason};
use crate::domain::staff::{AccessKind, StaffSession, StaffUser};
use crate::service::staff_cases::{self, ActionError, CaseQuery, CaseView, Terms};
use crate::service::staff_login;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/cases", web::get().to(list))
        .route("/console/cases/{id}", web::get().to(show))
        .route("/console/cases/{id}/close", web::post().to(close))
        .route("/console/cases/{id}/payments", web::post().to(payment))
        .route("/console/cases/{id}/messages", web::post().to(message))
        .route("/console/cases/{id}/journey/pause", web::post().to(pause))
        .route("/console/cases/{id}/journey/resume", web::post().to(resume))
        .route("/console/cases/{id}/erase", web::post().to(erase))
        .route(
            "/console/cases/{id}/requests/{request}/approve",
            web::post().to(approve),
        )
        .route(
            "/console/cases/{id}/requests/{request}/decline",
            web::post().to(decline),
        )
        .route(
            "/console/cases/{id}/requests/{request}/preview",
            web::get().to(preview),
        )
        .route(
            "/console/cases/{id}/documents/{document}",
            web::get().to(document),
        )
        .route("/console/reviews", web::get().to(reviews))
        .route("/console/access", web::get().to(access));
}

/// The logged-in user, or the redirect to the login.
pub(super) async fn load(
    req: &HttpRequest,
    ctx: &AppContext,
) -> Result<(StaffSession, StaffUser), HttpResponse> {
    let Some(cookie) = req.cookie(cookie_name(ctx)) else {
        return Err(see_other("/console/login"));
    };
    match staff_login::current(ctx, cookie.value(), ctx.clock.now()).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(see_other("/console/login")),
        Err(e) => Err(unavailable(&e)),
    }
}

fn status_name(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "open",
        CaseStatus::Disputed => "disputed",
        CaseStatus::Paid => "paid",
        CaseStatus::Closed => "closed",
    }
}

fn parse_status(text: &str) -> Option<CaseStatus> {
    [
        CaseStatus::Open,
        CaseStatus::Disputed,
        CaseStatus::Paid,
        CaseStatus::Closed,
    ]
    .into_iter()
    .find(|s| status_name(*s) == text)
}

async fn list(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let params = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let given = |name: &str| {
        field(&params, name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let query = CaseQuery {
        text: given("q"),
        phone_digits: given("phone").filter(|d| d.chars().all(|c| c.is_ascii_digit())),
        status: given("status").as_deref().and_then(parse_status),
        creditor: given("creditor").and_then(|c| CreditorId::parse(&c).ok()),
    };
    let after = given("after");
    let found =
        match staff_cases::search(&ctx, &user, &query, after.as_deref(), ctx.clock.now()).await {
            Ok(found) => found,
            Err(e) => return unavailable(&e),
        };
    let keep: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "after")
        .cloned()
        .collect();
    let next = found.next.map(|cursor| {
        let mut next = keep.clone();
        next.push(("after".into(), cursor));
        format!(
            "/console/cases?{}",
            serde_urlencoded::to_string(&next).unwrap_or_default()
        )
    });
    let value = |name: &str| given(name).unwrap_or_default();
    let body = html! {
        h1 { "Cases" }
        form method="get" action="/console/cases" class="filters" role="search" {
            div { label for="q" { "Reference or name" } input id="q" name="q" value=(value("q")); }
            div { label for="phone" { "Phone ends with" } input id="phone" name="phone" inputmode="numeric" value=(value("phone")); }
            div {
                label for="status" { "Status" }
                select id="status" name="status" {
                    option value="" { "any" }
                    @for s in ["open", "disputed", "paid", "closed"] {
                        option value=(s) selected[value("status") == s] { (s) }
                    }
                }
            }
            div { label for="creditor" { "Creditor" } input id="creditor" name="creditor" value=(value("creditor")); }
            div { button type="submit" { "Search" } }
        }
        @if found.cases.is_empty() {
            p { "No cases match." }
        } @else {
            table {
                thead { tr { th { "Reference" } th { "Debtor" } th { "Creditor" } th { "Status" } th { "Balance" } th { "Due" } } }
                tbody {
                    @for (case, balance) in found.cases.iter().zip(&found.balances) {
                        tr {
                            td { a href=(format!("/console/cases/{}", case.id)) { (case.external_ref) } }
                            td { (case.debtor.name) }
                            td { (case.creditor_id) }
                            td { (status_name(case.status)) }
                            td { (balance) }
                            td { (case.due_date) }
                        }
                    }
                }
            }
        }
        @if let Some(next) = next { p { a href=(next) rel="next" { "Next page" } } }
    };
    page_response(
        StatusCode::OK,
        page("Cases", Some((&user, &session.csrf_token)), body),
    )
}

fn case_body(
    view: &CaseView,
    today: chrono::NaiveDate,
    user: &StaffUser,
    csrf: &str,
    error: Option<&str>,
) -> Markup {
    let case = &view.case;
    let changes = user.scope.changes_cases();
    html! {
        h1 { "Case " (case.external_ref) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        p { "Status: " strong { (status_name(case.status)) } " · creditor " (case.creditor_id) " · agency " (case.agency_id) " · KID " (case.kid.as_str()) }
        section {
            h2 { "Debtor" }
            p { (case.debtor.name) }
            p { "Phone: " (case.debtor.phone.as_ref().map(|p| p.e164().to_owned()).unwrap_or_else(|| "none".into())) }
            p { "E-mail: " (case.debtor.email.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_else(|| "none".into())) }
        }
        section {
            h2 { "Claim" }
            table {
                thead { tr { th { "Kind" } th { "Description" } th { "Amount" } } }
                tbody {
                    @for line in &case.claim { tr { td { (format!("{:?}", line.kind).to_lowercase()) } td { (line.description) } td { (line.amount) } } }
                }
            }
            p { "Due date: " (case.due_date) " · balance: " strong { (view.balance) } }
        }
        section {
            h2 { "Payments" }
            @if case.payments.is_empty() { p { "None yet." } }
            @else {
                table {
                    thead { tr { th { "Received" } th { "Amount" } th { "Method" } th { "Reference" } } }
                    tbody { @for p in &case.payments { tr { td { (p.received_on) } td { (p.amount) } td { (format!("{:?}", p.method).to_lowercase()) } td { (p.reference) } } } }
                }
            }
        }
        @if let Some(plan) = &case.plan {
            section {
                h2 { "Instalment plan" }
                @let states = instalment_states(plan, paid_toward_plan(plan, view.balance), today, FollowUpRules::default().grace_days);
                table {
                    thead { tr { th { "No." } th { "Due" } th { "Amount" } th { "Paid" } th { "State" } } }
                    tbody { @for i in &states { tr { td { (i.number) } td { (i.due_date) } td { (i.amount) } td { (i.paid) } td { (format!("{:?}", i.state).to_lowercase()) } } } }
                }
            }
        }
        section {
            h2 { "Journey" }
            p {
                @match case.journey.paused {
                    Some(reason) => { "Paused: " (pause_reason(reason)) "." }
                    None => { "Running: the next step goes out by itself on its day unless the debtor pays or answers." }
                }
            }
            @if view.timeline.is_empty() { p { "No notices sent and none to come." } }
            @else {
                table {
                    thead { tr { th { "Step" } th { "Kind" } th { "Sent or planned" } th { "Day" } th { "Deadline" } th { "Fee" } } }
                    tbody {
                        @for step in &view.timeline {
                            tr {
                                td { (step.step) } td { (step.kind) } td { (step.state) } td { (step.day) }
                                td { (step.deadline.map(|d| d.to_string()).unwrap_or_default()) }
                                td { (step.fee.map(|f| f.to_string()).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
            @if changes && case.status.is_active() {
                @let (action, label) = if case.journey.paused.is_some() { ("resume", "Resume the journey") } else { ("pause", "Pause the journey") };
                form method="post" action=(format!("/console/cases/{}/journey/{action}", case.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { (label) }
                }
            }
        }
        section {
            h2 { "Requests and disputes waiting" }
            @if case.pending.is_empty() { p { "None." } }
            @for review in &case.pending {
                div {
                    p { code { (review.id) } ": " (describe_request(&review.request)) }
                    @if changes {
                        form method="post" action=(format!("/console/cases/{}/requests/{}/approve", case.id, review.id)) {
                            input type="hidden" name="csrf" value=(csrf);
                            @match &review.request {
                                PendingRequest::Deferral { .. } => {
                                    label for=(format!("date-{}", review.id)) { "Another due date (empty: as asked)" }
                                    input id=(format!("date-{}", review.id)) name="new_due_date" type="date";
                                }
                                PendingRequest::Dispute { .. } => {
                                    label for=(format!("note-{}", review.id)) { "A note the debtor reads (optional)" }
                                    textarea id=(format!("note-{}", review.id)) name="note" {}
                                }
                                PendingRequest::Plan { .. } => {}
                            }
                            button type="submit" { "Approve" }
                        }
                        @if matches!(review.request, PendingRequest::Plan { .. }) {
                            form method="get" action=(format!("/console/cases/{}/requests/{}/preview", case.id, review.id)) {
                                label for=(format!("months-{}", review.id)) { "Other number of months" }
                                input id=(format!("months-{}", review.id)) name="months" inputmode="numeric" required;
                                button type="submit" { "Show the plan" }
                            }
                        }
                        form method="post" action=(format!("/console/cases/{}/requests/{}/decline", case.id, review.id)) {
                            input type="hidden" name="csrf" value=(csrf);
                            label for=(format!("reason-{}", review.id)) { "Reason the debtor reads" }
                            textarea id=(format!("reason-{}", review.id)) name="reason" required {}
                            button type="submit" { "Decline" }
                        }
                    }
                }
            }
        }
        (super::inbox::conversation_section(case, user, csrf, "", None))
        section {
            h2 { "Messages" }
            @if view.messages.is_empty() { p { "None." } }
            @else {
                table {
                    thead { tr { th { "Queued" } th { "To" } th { "Template" } th { "Status" } th { "Attempts" } } }
                    tbody {
                        @for m in &view.messages {
                            tr { td { (m.created_at.format("%Y-%m-%d %H:%M")) } td { (m.recipient.masked()) } td { (format!("{:?}", m.template)) } td { (format!("{:?}", m.status).to_lowercase()) } td { (m.attempts) } }
                        }
                    }
                }
            }
            @if changes && case.status.is_active() {
                form method="post" action=(format!("/console/cases/{}/messages", case.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="channel" { "Send by" }
                    select id="channel" name="channel" { option value="sms" { "SMS" } option value="email" { "E-mail" } }
                    label for="template" { "Message" }
                    select id="template" name="template" { option value="reminder" { "Reminder with the link" } }
                    p { button type="submit" { "Send" } }
                }
            }
        }
        section {
            h2 { "Documents" }
            @if case.documents.is_empty() { p { "None." } }
            @else {
                ul {
                    @for d in &case.documents {
                        li {
                            a href=(format!("/console/cases/{}/documents/{}", case.id, d.id)) download { (d.file_name) }
                            " (" (d.kind.as_str()) ", from the " (format!("{:?}", d.uploaded_by).to_lowercase()) ", " (d.uploaded_at.format("%Y-%m-%d %H:%M")) ")"
                        }
                    }
                }
            }
        }
        @if changes && case.status != CaseStatus::Closed {
            section {
                h2 { "Register a direct payment" }
                form method="post" action=(format!("/console/cases/{}/payments", case.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="amount" { "Amount" }
                    input id="amount" name="amount" inputmode="decimal" required;
                    label for="reference" { "Your reference" }
                    input id="reference" name="reference" required;
                    p { button type="submit" { "Register" } }
                }
            }
            section {
                h2 { "Close the case" }
                form method="post" action=(format!("/console/cases/{}/close", case.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="close-reason" { "Reason (kept in the audit trail)" }
                    textarea id="close-reason" name="reason" {}
                    p { button type="submit" { "Close" } }
                }
            }
        }
        @if changes && !case.is_erased() {
            section {
                h2 { "Erase the debtor's personal data" }
                p { "The name, contact data and every free text go from the case, its messages, links and events; amounts, dates and payments stay for the books. This cannot be undone; an active case is closed first." }
                form method="post" action=(format!("/console/cases/{}/erase", case.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="confirm-ref" { "Type the case's reference (" (case.external_ref) ") to confirm" }
                    input id="confirm-ref" name="confirm_ref" required autocomplete="off";
                    p { button type="submit" { "Erase" } }
                }
            }
        }
        section {
            h2 { "Audit trail" }
            table {
                thead { tr { th { "When" } th { "Who" } th { "What" } th { "Detail" } } }
                tbody {
                    @for entry in &case.audit {
                        tr { td { (entry.at.format("%Y-%m-%d %H:%M")) } td { (actor_name(&entry.actor)) } td { (entry.action) } td { (entry.detail) } }
                    }
                }
            }
        }
    }
}

fn pause_reason(reason: crate::domain::journey::PauseReason) -> &'static str {
    use crate::domain::journey::PauseReason;
    match reason {
        PauseReason::Manual => "by a person",
        PauseReason::Disputed => "the debtor disputes the claim",
        PauseReason::InReview => "a request waits for a person",
        PauseReason::Hardship => "the debtor told of hardship",
        PauseReason::Plan => "an agreed instalment plan runs instead",
        PauseReason::NeedsReview => {
            "the next step cannot lawfully go out as configured; check the creditor's journey"
        }
    }
}

fn actor_name(actor: &crate::domain::event::Actor) -> String {
    use crate::domain::event::Actor;
    match actor {
        Actor::Debtor => "debtor".into(),
        Actor::Agency => "agency (API)".into(),
        Actor::System => "system".into(),
        Actor::Staff(user) => format!("staff {user}"),
    }
}

/// Why the mandate sent a request to a person, in the handler's words.
fn why(reason: ReviewReason) -> &'static str {
    match reason {
        ReviewReason::LongerThanAutoGrant => {
            "it is longer than the creditor grants without a person"
        }
        ReviewReason::BalanceOutsideRange => {
            "the balance is outside the range the creditor's rules cover"
        }
        ReviewReason::LimitedAgreementEnded => {
            "a limited agreement's period is over: the plan shown is a proposal for what is left"
        }
    }
}

fn describe_request(request: &PendingRequest) -> String {
    match request {
        PendingRequest::Deferral {
            new_due_date,
            reason,
            ..
        } => format!(
            "more time until {new_due_date}; to a person because {}",
            why(*reason)
        ),
        PendingRequest::Plan { plan, reason, .. } => format!(
            "instalment plan of {} months, {} in all; to a person because {}",
            plan.months(),
            plan.total,
            why(*reason)
        ),
        PendingRequest::Dispute { .. } => {
            "the debtor disputes the claim; disputes always go to a person".into()
        }
    }
}

fn case_id(raw: &str) -> Option<CaseId> {
    CaseId::parse(raw).ok()
}

fn no_case() -> HttpResponse {
    page_response(
        StatusCode::NOT_FOUND,
        notice(
            "No such case",
            "There is no case with this id that you may see.",
        ),
    )
}

async fn show(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let Some(id) = case_id(&path) else {
        return no_case();
    };
    match staff_cases::open(&ctx, &user, &id, ctx.clock.now()).await {
        Ok(Some(view)) => page_response(
            StatusCode::OK,
            page(
                &format!("Case {}", view.case.external_ref),
                Some((&user, &session.csrf_token)),
                case_body(&view, today(&ctx), &user, &session.csrf_token, None),
            ),
        ),
        Ok(None) => no_case(),
        Err(e) => unavailable(&e),
    }
}

/// Runs a change from a case page's form: session, anti-forgery check, then `change`; back to
/// the case on success, the case with the error otherwise.
async fn change<F, Fut, T>(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    raw_id: &str,
    body: web::Bytes,
    change: F,
) -> HttpResponse
where
    F: FnOnce(StaffUser, CaseId, Vec<(String, String)>) -> Fut,
    Fut: std::future::Future<Output = Result<T, ActionError>>,
{
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let form = fields(&body);
    if !genuine(&req, &ctx, &session.csrf_token, field(&form, "csrf")) {
        return page_response(
            StatusCode::FORBIDDEN,
            notice(
                "Refused",
                "The form had expired; nothing was changed. Open the case again.",
            ),
        );
    }
    let Some(id) = case_id(raw_id) else {
        return no_case();
    };
    let back = format!("/console/cases/{id}");
    match change(user.clone(), id.clone(), form).await {
        Ok(_) => see_other(&back),
        Err(ActionError::NotFound) => no_case(),
        Err(ActionError::Forbidden) => page_response(
            StatusCode::FORBIDDEN,
            page(
                "Not allowed",
                Some((&user, &session.csrf_token)),
                html! { h1 { "Not allowed" } p { "Your role may not change cases." } p { a href=(back) { "Back to the case" } } },
            ),
        ),
        Err(ActionError::Store(e)) => unavailable(&e),
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            match staff_cases::open(&ctx, &user, &id, ctx.clock.now()).await {
                Ok(Some(view)) => page_response(
                    status,
                    page(
                        "Not done",
                        Some((&user, &session.csrf_token)),
                        case_body(
                            &view,
                            today(&ctx),
                            &user,
                            &session.csrf_token,
                            Some(&e.to_string()),
                        ),
                    ),
                ),
                Ok(None) => no_case(),
                Err(e) => unavailable(&e),
            }
        }
    }
}

async fn close(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, &path, body, |user, id, form| async move {
        let reason = field(&form, "reason").unwrap_or_default().to_owned();
        staff_cases::close(&c, &user, &id, &reason, c.clock.now()).await
    })
    .await
}

async fn payment(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, &path, body, |user, id, form| async move {
        let amount = field(&form, "amount").unwrap_or_default().to_owned();
        let reference = field(&form, "reference").unwrap_or_default().to_owned();
        staff_cases::register_payment(&c, &user, &id, &amount, &reference, c.clock.now()).await
    })
    .await
}

async fn message(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, &path, body, |user, id, form| async move {
        let channel = field(&form, "channel").unwrap_or_default().to_owned();
        let template = field(&form, "template").unwrap_or("reminder").to_owned();
        staff_cases::send_message(&c, &user, &id, &channel, &template, c.clock.now()).await
    })
    .await
}

async fn pause(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, &path, body, |user, id, _| async move {
        staff_cases::pause_journey(&c, &user, &id, c.clock.now()).await
    })
    .await
}

async fn resume(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, &path, body, |user, id, _| async move {
        staff_cases::resume_journey(&c, &user, &id, c.clock.now()).await
    })
    .await
}

async fn erase(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let c = ctx.clone();
    change(req, ctx, &path, body, |user, id, form| async move {
        let confirm = field(&form, "confirm_ref").unwrap_or_default().to_owned();
        staff_cases::erase(&c, &user, &id, &confirm, c.clock.now()).await
    })
    .await
}

/// Today in the jurisdiction's calendar, for the instalment states.
fn today(ctx: &AppContext) -> chrono::NaiveDate {
    ctx.clock
        .now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}

async fn approve(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (raw_id, request) = path.into_inner();
    let c = ctx.clone();
    change(req, ctx, &raw_id, body, |user, id, form| async move {
        let terms = Terms {
            new_due_date: field(&form, "new_due_date"),
            months: field(&form, "months"),
            note: field(&form, "note"),
        };
        staff_cases::approve(&c, &user, &id, &request, terms, c.clock.now()).await
    })
    .await
}

/// The plan approving with other months would give, and the button that approves it.
async fn preview(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let (raw_id, request) = path.into_inner();
    let Some(id) = case_id(&raw_id) else {
        return no_case();
    };
    let params = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let months = field(&params, "months").unwrap_or_default();
    let back = format!("/console/cases/{id}");
    let (case, plan) = match staff_cases::preview_plan(
        &ctx,
        &user,
        &id,
        &request,
        months,
        ctx.clock.now(),
    )
    .await
    {
        Ok(found) => found,
        Err(ActionError::NotFound) => return no_case(),
        Err(ActionError::Store(e)) => return unavailable(&e),
        Err(e) => {
            let status = if matches!(e, ActionError::Forbidden) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return page_response(
                status,
                page(
                    "Not possible",
                    Some((&user, &session.csrf_token)),
                    html! { h1 { "Not possible" } p.error { (e.to_string()) } p { a href=(back) { "Back to the case" } } },
                ),
            );
        }
    };
    let body = html! {
        h1 { "Plan for case " (case.external_ref) ": " (plan.months()) " months" }
        p { "Total " (plan.total) ", of which extra cost " (plan.extra_cost()) ". Checked against the creditor's mandate and the law." }
        table {
            thead { tr { th { "No." } th { "Due" } th { "Amount" } } }
            tbody { @for i in &plan.instalments { tr { td { (i.number) } td { (i.due_date) } td { (i.amount) } } } }
        }
        form method="post" action=(format!("/console/cases/{id}/requests/{request}/approve")) {
            input type="hidden" name="csrf" value=(session.csrf_token);
            input type="hidden" name="months" value=(plan.months());
            button type="submit" { "Approve this plan" }
        }
        p { a href=(back) { "Back to the case" } }
    };
    page_response(
        StatusCode::OK,
        page("Plan preview", Some((&user, &session.csrf_token)), body),
    )
}

async fn decline(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (raw_id, request) = path.into_inner();
    let c = ctx.clone();
    change(req, ctx, &raw_id, body, |user, id, form| async move {
        let reason = field(&form, "reason").unwrap_or_default().to_owned();
        staff_cases::decline(&c, &user, &id, &request, &reason, c.clock.now()).await
    })
    .await
}

/// The one-week answer deadline for a request.
const ANSWER_DAYS: i64 = 7;

async fn reviews(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let waiting = match staff_cases::review_queue(&ctx, &user).await {
        Ok(waiting) => waiting,
        Err(e) => return unavailable(&e),
    };
    let now = ctx.clock.now();
    let body = html! {
        h1 { "Review queue" }
        @if waiting.is_empty() { p { "Nothing waits for a person." } }
        @else {
            table {
                thead { tr { th { "Case" } th { "Request" } th { "Asked" } th { "Time left" } } }
                tbody {
                    @for (case, id) in &waiting {
                        @let asked = staff_cases::requested_at(case, id);
                        @let left = asked + chrono::Duration::days(ANSWER_DAYS) - now;
                        tr {
                            td { a href=(format!("/console/cases/{}", case.id)) { (case.external_ref) } }
                            td { (case.pending.iter().find(|r| &r.id == id).map(|r| describe_request(&r.request)).unwrap_or_default()) }
                            td { (asked.format("%Y-%m-%d %H:%M")) }
                            td {
                                @if left.num_seconds() <= 0 { strong.error { "overdue" } }
                                @else { (left.num_days()) " days " (left.num_hours() % 24) " hours" }
                            }
                        }
                    }
                }
            }
        }
    };
    page_response(
        StatusCode::OK,
        page("Review queue", Some((&user, &session.csrf_token)), body),
    )
}

/// The access log of the agency's users, for its admins.
async fn access(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let lines = match staff_cases::access_log(&ctx, &user).await {
        Ok(Some(lines)) => lines,
        Ok(None) => {
            return page_response(
                StatusCode::FORBIDDEN,
                page(
                    "Not allowed",
                    Some((&user, &session.csrf_token)),
                    html! { h1 { "Not allowed" } p { "Only an agency's admins read its access log." } },
                ),
            );
        }
        Err(e) => return unavailable(&e),
    };
    let body = html! {
        h1 { "Access log" }
        p { "Logins, failed logins, logouts and every opening of a case by your agency's users, newest first." }
        table {
            thead { tr { th { "When" } th { "Who" } th { "What" } } }
            tbody {
                @for (entry, who) in &lines {
                    tr {
                        td { (entry.at.format("%Y-%m-%d %H:%M:%S")) }
                        td { (who.email.as_str()) }
                        td {
                            @match &entry.kind {
                                AccessKind::Login => "logged in",
                                AccessKind::Logout => "logged out",
                                AccessKind::LoginFailed { reason } => { "failed login (" (reason) ")" }
                                AccessKind::SsoLogin { agency } => { "signed in by " (agency) "'s identity provider" }
                                AccessKind::SsoLoginFailed { agency, reason } => { "failed sign-in by " (agency) "'s identity provider (" (reason) ")" }
                                AccessKind::CaseViewed { case_id } => { "opened case " a href=(format!("/console/cases/{case_id}")) { (case_id) } }
                                AccessKind::SettingsChanged { change } => { "settings: " (change) }
                            }
                        }
                    }
                }
            }
        }
    };
    page_response(
        StatusCode::OK,
        page("Access log", Some((&user, &session.csrf_token)), body),
    )
}

/// A document of a case the user may see, as a download (the read is recorded like the case's).
async fn document(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (_, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let (id, document) = path.into_inner();
    let Some(id) = case_id(&id) else {
        return no_case();
    };
    let view = match staff_cases::open(&ctx, &user, &id, ctx.clock.now()).await {
        Ok(Some(view)) => view,
        Ok(None) => return no_case(),
        Err(e) => return unavailable(&e),
    };
    match crate::service::documents::fetch(&ctx, &view.case, &document).await {
        Ok((meta, bytes)) => {
            crate::http::api::documents::download(meta.file_type, &meta.file_name, bytes)
        }
        Err(crate::service::documents::DocumentError::NotFound) => no_case(),
        Err(e) => unavailable(&e),
    }
}
