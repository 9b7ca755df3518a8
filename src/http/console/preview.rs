//! Preview as debtor on the creditor settings page: the debtor's own pages (the case page, the
//! more-time dates offered, the plan form, a plan the debtor asks for and the counter-offer
//! when the creditor would not grant it), rendered by the debtor pages' code from the mandate
//! as typed (unsaved), for a made-up case held only in memory: nothing is written to the store.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use maud::{Markup, PreEscaped, html};

use super::cases::load;
use super::settings::{
    field_id, mandate_from, no_creditor, refused, settings_page, visible_creditor,
};
use super::{field, fields, genuine, unavailable};
use crate::context::AppContext;
use crate::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CaseId, ExternalRef};
use crate::domain::kid::Kid;
use crate::domain::link::DebtorSession;
use crate::domain::locale::Locale;
use crate::domain::money::Money;
use crate::domain::plan::PlanShape;
use crate::domain::self_service::{can_defer, plan_month_range};
use crate::domain::staff::{StaffScope, StaffUser};
use crate::http::debtor::pages::{CasePage, debtor_page_body};
use crate::http::debtor::self_service::{PlanTyped, more_time_body, plan_answer, plan_form_body};
use crate::http::debtor::session::DebtorView;
use crate::service::mandates;
use crate::service::setting_versions::{self, Changer};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/console/creditors/{id}/settings/preview",
        web::post().to(preview),
    );
}

/// The preview's own fields on the settings form, with their labels.
pub const FIELDS: [(&str, &str); 4] = [
    ("preview.balance", "Balance of the made-up case (kr)"),
    ("preview.due_date", "Its due date"),
    ("preview.language", "The debtor's language"),
    ("preview.months", "A plan the debtor asks for (months)"),
];

const LANGUAGES: [(&str, &str); 5] = [
    ("nb", "Norwegian bokmål"),
    ("nn", "Norwegian nynorsk"),
    ("en", "English"),
    ("pl", "Polish"),
    ("uk", "Ukrainian"),
];

/// What the preview is of, read from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Asked {
    balance: Money,
    due_date: NaiveDate,
    locale: Locale,
    /// The plan length the debtor asks for; `None`: a bit longer than the mandate allows, so
    /// the page shows the counter-offer.
    months: Option<u32>,
}

fn default_due(today: NaiveDate) -> NaiveDate {
    today - Duration::days(14)
}

/// The preview's fields inside the settings form: their button sends the whole form (the
/// mandate as typed) to the preview instead of saving it.
pub(super) fn inputs(
    action: &str,
    values: &HashMap<String, String>,
    errors: &HashMap<&'static str, Vec<String>>,
    today: NaiveDate,
    editable: bool,
) -> Markup {
    if !editable {
        return html! {};
    }
    let value = |name: &str, default: String| values.get(name).cloned().unwrap_or(default);
    let input = |name: &'static str, label: &str, default: String, mode: &str| {
        let id = field_id(name);
        let problem = errors.get(name);
        html! {
            div.field {
                label for=(id) { (label) }
                input id=(id) name=(name) inputmode=(mode) value=(value(name, default))
                    aria-invalid=[problem.map(|_| "true")]
                    aria-describedby=[problem.map(|_| format!("{id}-error"))];
                @if let Some(problem) = problem { p.error id=(format!("{id}-error")) { (problem.join("; ")) } }
            }
        }
    };
    let language = value("preview.language", "nb".into());
    html! {
        fieldset id="preview-inputs" {
            legend { "Preview as the debtor" }
            p.help { "See the debtor's pages for a made-up case under the settings above as they are typed, before saving. Nothing is saved, no case is made and nothing is sent." }
            (input(FIELDS[0].0, FIELDS[0].1, "12500".into(), "decimal"))
            (input(FIELDS[1].0, FIELDS[1].1, default_due(today).format("%Y-%m-%d").to_string(), "numeric"))
            div.field {
                label for=(field_id(FIELDS[2].0)) { (FIELDS[2].1) }
                select id=(field_id(FIELDS[2].0)) name=(FIELDS[2].0) {
                    @for (code, name) in LANGUAGES { option value=(code) selected[language == code] { (name) } }
                }
            }
            (input(FIELDS[3].0, FIELDS[3].1, String::new(), "numeric"))
            p.help { "Leave the months empty to ask for a little more than the longest plan, and see the counter-offer." }
            p { button type="submit" formaction=(format!("{action}/preview")) { "Preview as the debtor" } }
        }
    }
}

/// The preview's fields, or each one's problem.
fn asked(
    typed: &HashMap<String, String>,
    creditor: &Creditor,
) -> Result<Asked, HashMap<&'static str, Vec<String>>> {
    let mut errors: HashMap<&'static str, Vec<String>> = HashMap::new();
    let text = |name: &str| typed.get(name).map(|v| v.trim()).unwrap_or_default();
    let cleaned: String = text(FIELDS[0].0)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace(',', ".");
    let balance = Money::parse(&cleaned, creditor.currency)
        .ok()
        .filter(|m| m.is_positive());
    if balance.is_none() {
        errors
            .entry(FIELDS[0].0)
            .or_default()
            .push("must be an amount above 0, like 12500 or 12500.50".into());
    }
    let due_date = crate::service::cases::iso_date(text(FIELDS[1].0));
    if due_date.is_none() {
        errors
            .entry(FIELDS[1].0)
            .or_default()
            .push("must be a date like 2026-11-20".into());
    }
    let locale = Locale::parse(text(FIELDS[2].0));
    if locale.is_none() {
        errors
            .entry(FIELDS[2].0)
            .or_default()
            .push("choose one".into());
    }
    let months = match text(FIELDS[3].0) {
        "" => Some(None),
        months => months
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=240).contains(m))
            .map(Some),
    };
    if months.is_none() {
        errors
            .entry(FIELDS[3].0)
            .or_default()
            .push("must be a whole number of months from 1 to 240, or empty".into());
    }
    match (balance, due_date, locale, months) {
        (Some(balance), Some(due_date), Some(locale), Some(months)) => Ok(Asked {
            balance,
            due_date,
            locale,
            months,
        }),
        _ => Err(errors),
    }
}

/// The made-up case: one principal line of `balance`, due on `due_date`, with the creditor's
/// own KID shape, checked as a case the agency sends is; it is never stored.
fn synthetic_case(
    creditor: &Creditor,
    agency: &AgencyId,
    asked: &Asked,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Case, String> {
    let terms = CaseTerms {
        creditor_id: creditor.id.clone(),
        debtor: Debtor {
            name: "Kari Nordmann".into(),
            phone: None,
            email: None,
            locale: asked.locale,
        },
        claim: vec![ClaimLine {
            kind: ClaimKind::Principal,
            description: "Preview".into(),
            amount: asked.balance,
        }],
        due_date: asked.due_date,
    };
    terms
        .validate(creditor.currency, today)
        .map_err(|e| e.to_string())?;
    let kid = Kid::for_sequence(1, creditor.kid_length, creditor.kid_algorithm)
        .ok_or_else(|| "the creditor's KID settings give no number".to_owned())?;
    let reference = ExternalRef::parse("PREVIEW").map_err(|e| e.to_string())?;
    Ok(Case::open(
        CaseId::generate(),
        agency.clone(),
        reference,
        terms,
        kid,
        now,
    ))
}

/// The agency the debtor would see: the user's own, or for a creditor user the first agency
/// acting for the creditor (none: no case of the creditor can exist).
async fn agency_for(
    ctx: &AppContext,
    user: &StaffUser,
    creditor: &Creditor,
) -> Result<Option<Agency>, crate::store::StoreError> {
    let id = match &user.scope {
        StaffScope::Agency { agency, .. } => Some(agency.clone()),
        StaffScope::Creditor { .. } => ctx
            .config
            .settings
            .agencies
            .iter()
            .find(|a| a.creditors.iter().any(|c| c == creditor.id.as_str()))
            .and_then(|a| AgencyId::parse(&a.id).ok()),
    };
    match id {
        Some(id) => ctx.agency(&id).await,
        None => Ok(None),
    }
}

/// Links and form targets of the debtor's markup lead nowhere real in the preview: an `href`
/// becomes a data attribute (the link is then plain text) and a form posts back to the
/// preview's own anchor (and cannot post at all: it sits in a disabled fieldset). The markup is
/// maud's own output, so `href="/` and `action="/` only occur as attributes.
fn inert(markup: Markup) -> Markup {
    PreEscaped(
        markup
            .into_string()
            .replace(" href=\"/", " data-debtor-href=\"/")
            .replace(
                " action=\"/",
                " action=\"#debtor-preview\" data-debtor-action=\"/",
            ),
    )
}

/// The debtor's pages for `view`, as the debtor routes render them.
fn pages(ctx: &AppContext, view: &DebtorView, asked: &Asked) -> Markup {
    let (t, l) = (&ctx.texts, view.locale);
    let mandate = &view.creditor.mandate;
    let facts = view.facts();
    // The debtor routes judge requests on this day (`self_service`).
    let today = ctx.clock.now().date_naive();
    let pay_now = crate::http::debtor::pay::pay_now_section(ctx, view);
    let case_page = CasePage {
        texts: t,
        view,
        today: view.owed.day,
        online_offered: !pay_now.0.is_empty(),
        waiting: None,
        pay_now,
        // A preview has no debtor's other cases to show.
        others: maud::html! {},
    }
    .body();
    let more_time = can_defer(&facts, mandate, today).then(|| {
        debtor_page_body(
            t,
            view,
            "more-time-title",
            more_time_body(ctx, view, false, None),
        )
    });
    let range = plan_month_range(&facts, mandate, today);
    let plan_form = range.map(|_| {
        debtor_page_body(
            t,
            view,
            "plan-title",
            plan_form_body(ctx, view, false, &PlanTyped::default()),
        )
    });
    let months = asked
        .months
        .unwrap_or_else(|| mandate.plan.max_months.saturating_add(6));
    let answer = mandate.plan.allowed.then(|| {
        let answer = plan_answer(
            ctx,
            view,
            PlanShape::Months(months),
            &PlanTyped {
                months: Some(months),
                monthly: "",
            },
        );
        debtor_page_body(t, view, answer.title_id, answer.body)
    });
    let due = asked.due_date.format("%Y-%m-%d").to_string();
    html! {
        section id="debtor-preview" aria-labelledby="preview-heading" {
            // Each part's heading is an h2 like this one: the debtor's pages inside start at h1.
            h2 id="preview-heading" { "Preview as the debtor" }
            p.preview-note {
                strong { "A preview, not saved: " }
                "a made-up case of " (asked.balance.format(Locale::En)) " due " (due)
                " in " (l.code()) ", under the settings as typed above. These are the debtor's own pages; "
                "their buttons and links do nothing here."
            }
            fieldset.debtor-preview disabled {
                legend { "What the debtor sees" }
                h2 { "The case page" }
                article.debtor lang=(l.code()) dir=(l.direction().code()) { (inert(case_page)) }
                h2 { "More time to pay: the dates offered" }
                @match more_time {
                    Some(page) => article.debtor #preview-more-time lang=(l.code()) dir=(l.direction().code()) { (inert(page)) },
                    None => p { "Not offered: the case page shows no way to ask for more time." },
                }
                h2 { "Instalment plan: the plans offered" }
                @match (plan_form, range) {
                    (Some(page), Some((min, max))) => {
                        p { "From " (min) " to " (max) " months." }
                        article.debtor #preview-plan lang=(l.code()) dir=(l.direction().code()) { (inert(page)) }
                    }
                    _ => p { "Not offered: the case page shows no way to ask for a plan." },
                }
                @if let Some(answer) = answer {
                    h2 { "The debtor asks for " (months) " months" }
                    article.debtor #preview-plan-asked lang=(l.code()) dir=(l.direction().code()) { (inert(answer)) }
                }
            }
        }
    }
}

/// The settings form's "Preview as the debtor" button: the form (unsaved) and the preview's
/// fields in, the settings page with the preview below out; nothing is written.
async fn preview(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let form = fields(&body);
    if !genuine(&req, &ctx, &session.csrf_token, field(&form, "csrf")) {
        return refused();
    }
    let creditor = match visible_creditor(&ctx, &user, &path).await {
        Ok(Some(c)) => c,
        Ok(None) => return no_creditor(&user, &session.csrf_token),
        Err(e) => return unavailable(&e),
    };
    let csrf = &session.csrf_token;
    let typed: HashMap<String, String> = form.into_iter().filter(|(k, _)| k != "csrf").collect();
    let now = ctx.clock.now();
    let today = creditor.today(now);
    let show = |errors: HashMap<&'static str, Vec<String>>,
                message: Option<&'static str>,
                preview: Option<Markup>,
                status: StatusCode| {
        let (ctx, user, creditor, typed) = (&ctx, &user, &creditor, &typed);
        async move {
            settings_page(
                ctx, user, csrf, creditor, typed, &errors, message, preview, status,
            )
            .await
        }
    };
    // Only who may change the settings has them as a form (a read-only page sends no fields).
    match setting_versions::may_change(&ctx, &Changer::Staff(Box::new(user.clone())), &creditor)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            return show(
                HashMap::new(),
                Some("Only who may change these settings can preview changes to them."),
                None,
                StatusCode::FORBIDDEN,
            )
            .await;
        }
        Err(e) => return unavailable(&e),
    }
    let mut errors = HashMap::new();
    let mandate = mandate_from(&typed).map_err(|e| errors.extend(e)).ok();
    let asked = asked(&typed, &creditor).map_err(|e| errors.extend(e)).ok();
    let (Some(mut mandate), Some(asked)) = (mandate, asked) else {
        return show(
            errors,
            Some("Nothing to preview yet."),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // As a save does: the form has no fields for limited agreements, so the rules in force hold.
    mandate.plan.limited = creditor.mandate.plan.limited.clone();
    let issues = mandates::problems(&creditor, &mandate, now);
    if !issues.is_empty() {
        let mut errors: HashMap<&'static str, Vec<String>> = HashMap::new();
        for issue in issues {
            errors.entry(issue.field).or_default().push(issue.message);
        }
        return show(
            errors,
            Some("Nothing to preview: these settings could not be saved as they are."),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mut edited = creditor.clone();
    edited.mandate = mandate;
    let agency = match agency_for(&ctx, &user, &creditor).await {
        Ok(Some(agency)) => agency,
        Ok(None) => {
            return show(
                HashMap::new(),
                Some("No agency acts for this creditor, so no debtor of it has pages to preview."),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return unavailable(&e),
    };
    let case = match synthetic_case(&edited, &agency.id, &asked, today, now) {
        Ok(case) => case,
        Err(message) => {
            return show(
                HashMap::from([(FIELDS[1].0, vec![message])]),
                Some("Nothing to preview yet."),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let contact = ctx
        .config
        .settings
        .agencies
        .iter()
        .find(|a| a.id == agency.id.as_str())
        .map(|a| a.contact.clone())
        .unwrap_or_default();
    let view = DebtorView {
        session: DebtorSession {
            case_id: case.id.clone(),
            csrf_token: "preview".into(),
            created_at: now,
            expires_at: now,
            verified: true,
            others: Vec::new(),
        },
        owed: crate::service::owed::owed_on(&edited, now),
        case,
        creditor: edited,
        agency,
        contact,
        locale: asked.locale,
    };
    let markup = pages(&ctx, &view, &asked);
    show(
        HashMap::new(),
        Some("A preview of the settings as typed: nothing was saved."),
        Some(markup),
        StatusCode::OK,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_leaves_no_link_or_form_leading_to_a_real_page() {
        let markup = html! {
            form method="post" action="/case/plan/confirm" { button type="submit" { "Ja" } }
            p { a href="/case/plan?months=8" { "Velg en annen plan" } }
            p { a href="#top" { "Til toppen" } }
        };
        let shown = inert(markup).into_string();
        assert!(!shown.contains(" href=\"/"), "{shown}");
        assert!(!shown.contains(" action=\"/"), "{shown}");
        assert!(
            shown.contains("action=\"#debtor-preview\" data-debtor-action=\"/case/plan/confirm\"")
        );
        assert!(shown.contains("data-debtor-href=\"/case/plan?months=8\""));
        assert!(
            shown.contains("href=\"#top\""),
            "a link within the page stays"
        );
    }
}
