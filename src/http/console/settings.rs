//! Creditor settings in the console: the mandate as a form (each field with a plain
//! explanation and the legal limit on today's date), saved through the same use case as the
//! API's `PUT`, and the versions of the mandate with a field-by-field comparison and restore.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::cases::load;
use super::layout::{notice, page, page_response};
use super::{field, fields, genuine, see_other, unavailable};
use crate::context::AppContext;
use crate::domain::creditor::{Creditor, Jurisdiction};
use crate::domain::ids::CreditorId;
use crate::domain::jurisdiction::no;
use crate::domain::mandate::{MAX_IDENTITY_ATTEMPTS, Mandate, decimal_input};
use crate::domain::setting_history::{ChangedBy, compare};
use crate::domain::staff::{StaffScope, StaffUser};
use crate::service::mandates::{self, MandateError};
use crate::service::setting_versions::{self, Changer};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/settings", web::get().to(start))
        .route("/console/creditors/{id}/settings", web::get().to(show))
        .route("/console/creditors/{id}/settings", web::post().to(save))
        .route(
            "/console/creditors/{id}/settings/compare",
            web::get().to(compare_page),
        )
        .route(
            "/console/creditors/{id}/settings/versions/{number}/restore",
            web::post().to(restore),
        );
}

/// How a form field is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A checkbox.
    Yes,
    /// A whole number of days, months or tries.
    Whole,
    /// An amount or a percentage.
    Amount,
    /// An amount that may be left empty (no limit).
    MaybeAmount,
    /// `none`, `amount` or `percent`, with its value in `<name>.value`.
    FirstPayment,
    /// `none`, `postcode` or `birth_date`.
    Identity,
}

/// One field of the mandate form: its path in the mandate (as the API and `check-config` name
/// it), its label and what it means.
struct Spec {
    name: &'static str,
    label: &'static str,
    help: &'static str,
    kind: Kind,
}

const SPECS: &[(&str, &[Spec])] = &[
    (
        "More time to pay",
        &[
            Spec {
                name: "deferral.allowed",
                label: "Debtors may ask for more time",
                help: "A new due date for the whole balance, asked for on the debtor's page.",
                kind: Kind::Yes,
            },
            Spec {
                name: "deferral.max_days",
                label: "Longest extension (days)",
                help: "How far the due date may move at most.",
                kind: Kind::Whole,
            },
            Spec {
                name: "deferral.max_per_case",
                label: "Extensions per case",
                help: "How many times one case may get more time.",
                kind: Kind::Whole,
            },
            Spec {
                name: "deferral.auto_grant_days",
                label: "Granted at once up to (days)",
                help: "Shorter extensions are granted without a person; longer ones go to the review queue.",
                kind: Kind::Whole,
            },
            Spec {
                name: "deferral.min_balance",
                label: "Smallest balance (kr, optional)",
                help: "Below this balance, requests for more time go to review.",
                kind: Kind::MaybeAmount,
            },
            Spec {
                name: "deferral.max_balance",
                label: "Largest balance (kr, optional)",
                help: "Above this balance, requests for more time go to review.",
                kind: Kind::MaybeAmount,
            },
        ],
    ),
    (
        "Instalment plans",
        &[
            Spec {
                name: "plan.allowed",
                label: "Debtors may ask for a plan",
                help: "Paying the balance in monthly instalments.",
                kind: Kind::Yes,
            },
            Spec {
                name: "plan.max_months",
                label: "Longest plan (months)",
                help: "The most instalments a plan may have.",
                kind: Kind::Whole,
            },
            Spec {
                name: "plan.min_instalment",
                label: "Smallest instalment (kr)",
                help: "No monthly instalment is smaller (the last may be).",
                kind: Kind::Amount,
            },
            Spec {
                name: "plan.first_payment",
                label: "First payment",
                help: "What the debtor pays first when the plan starts: nothing extra, a fixed amount, or a share of the balance in percent.",
                kind: Kind::FirstPayment,
            },
            Spec {
                name: "plan.first_due_within_days",
                label: "First instalment within (days)",
                help: "The first instalment falls due at the latest this many days after the agreement.",
                kind: Kind::Whole,
            },
            Spec {
                name: "plan.auto_grant_months",
                label: "Granted at once up to (months)",
                help: "Shorter plans are agreed without a person; longer ones go to the review queue.",
                kind: Kind::Whole,
            },
            Spec {
                name: "plan.establishment_fee",
                label: "Establishment fee (kr)",
                help: "Charged once for setting up a plan of more than four instalments.",
                kind: Kind::Amount,
            },
            Spec {
                name: "plan.interest_during_plan",
                label: "Interest runs during the plan",
                help: "Whether late-payment interest keeps running on the unpaid balance.",
                kind: Kind::Yes,
            },
            Spec {
                name: "plan.interest_rate_percent",
                label: "Interest rate (% a year)",
                help: "The yearly rate used when interest runs.",
                kind: Kind::Amount,
            },
        ],
    ),
    (
        "Paying part of the balance",
        &[
            Spec {
                name: "partial_payment.allowed",
                label: "Debtors may pay part online",
                help: "The case page offers paying part of the balance.",
                kind: Kind::Yes,
            },
            Spec {
                name: "partial_payment.min_amount",
                label: "Smallest part (kr)",
                help: "The least the debtor may pay at a time.",
                kind: Kind::Amount,
            },
        ],
    ),
    (
        "Identity check",
        &[
            Spec {
                name: "identity.check",
                label: "Before the case page opens, the debtor confirms",
                help: "Nothing (the link alone opens it), the postcode or the birth date the agency gave with the case.",
                kind: Kind::Identity,
            },
            Spec {
                name: "identity.max_attempts",
                label: "Wrong answers before a 24-hour lock",
                help: "Wrong answers in a row before the case page locks.",
                kind: Kind::Whole,
            },
        ],
    ),
    (
        "Following up a plan",
        &[
            Spec {
                name: "follow_up.reminder_days_before",
                label: "Reminder before each instalment (days)",
                help: "0 sends no reminder.",
                kind: Kind::Whole,
            },
            Spec {
                name: "follow_up.grace_days",
                label: "Grace period (days)",
                help: "Days after an instalment's due date before it counts as missed.",
                kind: Kind::Whole,
            },
            Spec {
                name: "follow_up.missed_in_a_row_to_break",
                label: "Missed instalments that end the plan",
                help: "This many missed in a row end the plan; the journey resumes.",
                kind: Kind::Whole,
            },
        ],
    ),
];

/// The limit beside a field: the law's (on `today`, from the jurisdiction pack) or the
/// mandate's own rule, as `Mandate::check` applies it.
fn limit(name: &str, creditor: &Creditor, today: chrono::NaiveDate) -> Option<String> {
    let jurisdiction = creditor.jurisdiction;
    let Jurisdiction::Norway = jurisdiction;
    Some(match name {
        "deferral.max_days" | "deferral.max_per_case" => "above 0 when allowed".into(),
        "deferral.auto_grant_days" => "at most the longest extension".into(),
        "deferral.min_balance" => "at most the largest balance".into(),
        "plan.max_months" => "2 to 120 months".into(),
        "plan.min_instalment" => "above 0 when plans are allowed".into(),
        "plan.first_payment" => "an amount above 0, or a share above 0 and below 100 %".into(),
        "plan.first_due_within_days" => "1 to 60 days".into(),
        "plan.auto_grant_months" => "at most the longest plan".into(),
        "plan.establishment_fee" => format!(
            "legal limit {} kr today (1.5 × inkassosats, inkassoforskriften § 2-4)",
            no::max_plan_fee(today, u32::MAX)
        ),
        "plan.interest_rate_percent" => match creditor.late_interest_rates().rate_on(today) {
            Ok(rate) => format!(
                "above 0 and at most {rate} % today (the late-payment interest rate in force)"
            ),
            Err(_) => "above 0 and at most the late-payment interest rate, which the law pack does not know for today: add it under [law] late_interest".into(),
        },
        "partial_payment.min_amount" => "above 0 when allowed".into(),
        "identity.max_attempts" => format!("1 to {MAX_IDENTITY_ATTEMPTS}"),
        "follow_up.reminder_days_before" | "follow_up.grace_days" => "at most 30 days".into(),
        "follow_up.missed_in_a_row_to_break" => "1 to 12".into(),
        _ => return None,
    })
}

/// The creditor if `user` may see its settings: its own users, and every user of an agency
/// acting for it. Anything else is "no such creditor" (never telling whether it exists).
pub(super) async fn visible_creditor(
    ctx: &AppContext,
    user: &StaffUser,
    raw: &str,
) -> Result<Option<Creditor>, crate::store::StoreError> {
    let Ok(id) = CreditorId::parse(raw) else {
        return Ok(None);
    };
    let sees = match &user.scope {
        StaffScope::Creditor { creditor } => creditor == &id,
        StaffScope::Agency { agency, .. } => {
            ctx.agency(agency).await?.is_some_and(|a| a.acts_for(&id))
        }
    };
    if !sees {
        return Ok(None);
    }
    ctx.creditor(&id).await
}

pub(super) fn no_creditor(user: &StaffUser, csrf: &str) -> HttpResponse {
    page_response(
        StatusCode::NOT_FOUND,
        page(
            "Not found",
            Some((user, csrf)),
            html! { h1 { "Not found" } p { "No creditor with this id that you may see." } },
        ),
    )
}

pub(super) fn refused() -> HttpResponse {
    page_response(
        StatusCode::FORBIDDEN,
        notice(
            "Refused",
            "The form had expired; nothing was changed. Open the settings again.",
        ),
    )
}

/// `/console/settings`: a creditor user's own settings, or the creditors an agency acts for.
async fn start(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let creditors = match &user.scope {
        StaffScope::Creditor { creditor } => {
            return see_other(&format!("/console/creditors/{creditor}/settings"));
        }
        StaffScope::Agency { agency, .. } => match ctx.agency(agency).await {
            Ok(found) => found.map(|a| a.creditors).unwrap_or_default(),
            Err(e) => return unavailable(&e),
        },
    };
    let body = html! {
        h1 { "Creditor settings" }
        @if creditors.is_empty() {
            p { "Your agency acts for no creditor." }
        } @else {
            ul {
                @for c in &creditors {
                    li { a href=(format!("/console/creditors/{c}/settings")) { (c) } }
                }
            }
        }
    };
    page_response(
        StatusCode::OK,
        page(
            "Creditor settings",
            Some((&user, &session.csrf_token)),
            body,
        ),
    )
}

/// A mandate's values as the form shows them, by field name.
pub(super) fn values_of(mandate: &Mandate) -> HashMap<String, String> {
    let json = serde_json::to_value(mandate).unwrap_or(Value::Null);
    let mut values = HashMap::new();
    for (_, specs) in SPECS {
        for spec in *specs {
            let at = spec
                .name
                .split('.')
                .fold(&json, |v, key| v.get(key).unwrap_or(&Value::Null));
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            match spec.kind {
                Kind::FirstPayment => {
                    let (kind, value) = match at.as_object().and_then(|m| m.iter().next()) {
                        Some((kind, value)) => (kind.clone(), text(value)),
                        None => ("none".into(), String::new()),
                    };
                    values.insert(spec.name.to_owned(), kind);
                    values.insert(format!("{}.value", spec.name), value);
                }
                Kind::Yes => {
                    if at == &Value::Bool(true) {
                        values.insert(spec.name.to_owned(), "on".into());
                    }
                }
                _ => {
                    values.insert(spec.name.to_owned(), text(at));
                }
            }
        }
    }
    values
}

/// The mandate a submitted form describes, or every field's problem (by field name).
pub(super) fn mandate_from(
    form: &HashMap<String, String>,
) -> Result<Mandate, HashMap<&'static str, Vec<String>>> {
    let mut errors: HashMap<&'static str, Vec<String>> = HashMap::new();
    let mut json = json!({});
    let given = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let amount = |text: &str| {
        decimal_input::parse(text)
            .filter(|d| d.abs() < Decimal::from(decimal_input::LIMIT))
            .is_some()
    };
    for (_, specs) in SPECS {
        for spec in *specs {
            let raw = given(spec.name);
            let value = match spec.kind {
                Kind::Yes => Some(json!(form.contains_key(spec.name))),
                Kind::Whole => match raw.parse::<u32>() {
                    Ok(n) => Some(json!(n)),
                    Err(_) => {
                        errors
                            .entry(spec.name)
                            .or_default()
                            .push("must be a whole number, like 14".into());
                        None
                    }
                },
                Kind::Amount | Kind::MaybeAmount => {
                    if raw.is_empty() && spec.kind == Kind::MaybeAmount {
                        Some(Value::Null)
                    } else if amount(&raw) {
                        Some(json!(raw))
                    } else {
                        errors.entry(spec.name).or_default().push(
                            "must be a number like 300 or 12.5 (a point before decimals)".into(),
                        );
                        None
                    }
                }
                Kind::FirstPayment => {
                    let value = given(&format!("{}.value", spec.name));
                    match raw.as_str() {
                        "" | "none" => Some(Value::Null),
                        kind @ ("amount" | "percent") if amount(&value) => {
                            Some(json!({ kind: value }))
                        }
                        "amount" | "percent" => {
                            errors
                                .entry(spec.name)
                                .or_default()
                                .push("needs a number like 500 or 10".into());
                            None
                        }
                        _ => {
                            errors
                                .entry(spec.name)
                                .or_default()
                                .push("choose one".into());
                            None
                        }
                    }
                }
                Kind::Identity => match raw.as_str() {
                    "none" | "postcode" | "birth_date" => Some(json!(raw)),
                    _ => {
                        errors
                            .entry(spec.name)
                            .or_default()
                            .push("choose one".into());
                        None
                    }
                },
            };
            if let Some(value) = value {
                let (section, key) = spec.name.split_once('.').unwrap_or((spec.name, ""));
                json[section][key] = value;
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(json)
        .map_err(|e| HashMap::from([("deferral.allowed", vec![format!("could not be read: {e}")])]))
}

fn who(by: &ChangedBy) -> String {
    match by {
        ChangedBy::Configuration => "the configuration file".into(),
        ChangedBy::Unrecorded => "before versions were kept".into(),
        ChangedBy::Agency { agency, key_id } => match key_id {
            Some(key) => format!("agency {agency} (API key {key})"),
            None => format!("agency {agency}"),
        },
        ChangedBy::Staff { user } => format!("staff user {user}"),
    }
}

pub(super) fn field_id(name: &str) -> String {
    name.replace('.', "-")
}

/// The whole settings page: the form (editable or not), any problems, the preview as debtor
/// when one was asked for, and the versions.
#[allow(clippy::too_many_arguments)]
pub(super) async fn settings_page(
    ctx: &AppContext,
    user: &StaffUser,
    csrf: &str,
    creditor: &Creditor,
    values: &HashMap<String, String>,
    errors: &HashMap<&'static str, Vec<String>>,
    message: Option<&str>,
    preview: Option<Markup>,
    status: StatusCode,
) -> HttpResponse {
    let editable =
        match setting_versions::may_change(ctx, &Changer::Staff(Box::new(user.clone())), creditor)
            .await
        {
            Ok(may) => may,
            Err(e) => return unavailable(&e),
        };
    let versions = match setting_versions::versions::<Mandate>(ctx, &creditor.id).await {
        Ok(v) => v,
        Err(e) => return unavailable(&e),
    };
    let today = ctx
        .clock
        .now()
        .with_timezone(&creditor.jurisdiction.time_zone())
        .date_naive();
    let action = format!("/console/creditors/{}/settings", creditor.id);
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let body = html! {
        h1 { "Settings of " (creditor.name) }
        p { "What debtors may be granted without a person looking at it. Changed by "
            (creditor.changes_by.describe()) "; every change is kept as a version below. "
            a href=(format!("/console/creditors/{}/journey", creditor.id)) { "The journey (the messages a case gets)" } }
        @if let Some(message) = message { p role="status" { (message) } }
        @if !errors.is_empty() {
            div.error role="alert" {
                p { "Nothing was saved. Please correct:" }
                ul {
                    @for (_, specs) in SPECS { @for spec in *specs {
                        @if let Some(problems) = errors.get(spec.name) {
                            li { a href=(format!("#{}", field_id(spec.name))) { (spec.label) } ": " (problems.join("; ")) }
                        }
                    } }
                    @for (name, label) in super::preview::FIELDS {
                        @if let Some(problems) = errors.get(name) {
                            li { a href=(format!("#{}", field_id(name))) { (label) } ": " (problems.join("; ")) }
                        }
                    }
                }
            }
        }
        @if !editable { p { "You can read these settings; only " (creditor.changes_by.describe()) " may change them." } }
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            @for (title, specs) in SPECS {
                fieldset {
                    legend { (title) }
                    @for spec in *specs {
                        @let id = field_id(spec.name);
                        @let help_id = format!("{id}-help");
                        @let problem = errors.get(spec.name);
                        @let error_id = format!("{id}-error");
                        @let described = if problem.is_some() { format!("{help_id} {error_id}") } else { help_id.clone() };
                        div.field {
                            @match spec.kind {
                                Kind::Yes => {
                                    input id=(id) name=(spec.name) type="checkbox" checked[values.contains_key(spec.name)] disabled[!editable] aria-describedby=(described);
                                    " "
                                    label for=(id) { (spec.label) }
                                }
                                Kind::Identity => {
                                    label for=(id) { (spec.label) }
                                    select id=(id) name=(spec.name) disabled[!editable] aria-describedby=(described) aria-invalid=[problem.map(|_| "true")] {
                                        @for (v, text) in [("none", "nothing"), ("postcode", "the postcode"), ("birth_date", "the birth date")] {
                                            option value=(v) selected[value(spec.name) == v] { (text) }
                                        }
                                    }
                                }
                                Kind::FirstPayment => {
                                    label for=(id) { (spec.label) }
                                    select id=(id) name=(spec.name) disabled[!editable] aria-describedby=(described) aria-invalid=[problem.map(|_| "true")] {
                                        @for (v, text) in [("none", "nothing extra"), ("amount", "an amount (kr)"), ("percent", "a share (%)")] {
                                            option value=(v) selected[value(spec.name) == v] { (text) }
                                        }
                                    }
                                    label for=(format!("{id}-value")) { "Amount or share" }
                                    input id=(format!("{id}-value")) name=(format!("{}.value", spec.name)) inputmode="decimal" value=(value(&format!("{}.value", spec.name))) disabled[!editable];
                                }
                                _ => {
                                    label for=(id) { (spec.label) }
                                    input id=(id) name=(spec.name) inputmode=(if spec.kind == Kind::Whole { "numeric" } else { "decimal" }) value=(value(spec.name)) disabled[!editable] aria-describedby=(described) aria-invalid=[problem.map(|_| "true")];
                                }
                            }
                            p.help id=(help_id) {
                                (spec.help)
                                @if let Some(limit) = limit(spec.name, creditor, today) {
                                    " Limit: " (limit) "."
                                }
                            }
                            @if let Some(problem) = problem {
                                p.error id=(error_id) { (problem.join("; ")) }
                            }
                        }
                    }
                }
            }
            // Before the save button: Enter in a field previews, it never saves by surprise.
            (super::preview::inputs(&action, values, errors, today, editable))
            @if editable { p { button type="submit" { "Save as a new version" } } }
        }
        @if let Some(preview) = preview { (preview) }
        (versions_section(&action, &versions, csrf, editable))
    };
    page_response(status, page("Creditor settings", Some((user, csrf)), body))
}

/// The versions of a mandate or journey whose page is `base`: who made each and when, a link
/// comparing it with the one in force, and (for who may change it) its restore button.
pub(super) fn versions_section<T>(
    base: &str,
    versions: &[crate::domain::setting_history::Version<T>],
    csrf: &str,
    editable: bool,
) -> Markup {
    let last = versions.last().map(|v| v.number);
    let compare = format!("{base}/compare");
    html! {
        section aria-labelledby="versions" {
            h2 id="versions" { "Versions" }
            table {
                thead { tr { th { "Version" } th { "By" } th { "When" } th { "Compare or restore" } } }
                tbody {
                    @for v in versions.iter().rev() {
                        tr {
                            td { (v.number) @if Some(v.number) == last { " (in force)" } }
                            td { (who(&v.by)) }
                            td { (v.at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "—".into())) }
                            td {
                                @if Some(v.number) != last {
                                    @if let Some(last) = last {
                                        a href=(format!("{compare}?a={}&b={last}", v.number)) { "Compare with the one in force" }
                                    }
                                    @if editable {
                                        form method="post" action=(format!("{base}/versions/{}/restore", v.number)) {
                                            input type="hidden" name="csrf" value=(csrf);
                                            button type="submit" { "Restore version " (v.number) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if versions.len() > 1 {
                form method="get" action=(compare) class="filters" {
                    div { label for="a" { "Compare version" } input id="a" name="a" inputmode="numeric"; }
                    div { label for="b" { "with version" } input id="b" name="b" inputmode="numeric"; }
                    div { button type="submit" { "Compare" } }
                }
            }
        }
    }
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
    let creditor = match visible_creditor(&ctx, &user, &path).await {
        Ok(Some(c)) => c,
        Ok(None) => return no_creditor(&user, &session.csrf_token),
        Err(e) => return unavailable(&e),
    };
    let saved = req.query_string().contains("saved=");
    settings_page(
        &ctx,
        &user,
        &session.csrf_token,
        &creditor,
        &values_of(&creditor.mandate),
        &HashMap::new(),
        saved.then_some("Saved as a new version."),
        None,
        StatusCode::OK,
    )
    .await
}

fn not_allowed(user: &StaffUser, csrf: &str, creditor: &Creditor) -> HttpResponse {
    page_response(
        StatusCode::FORBIDDEN,
        page(
            "Not allowed",
            Some((user, csrf)),
            html! {
                h1 { "Not allowed" }
                p { "Only " (creditor.changes_by.describe()) " may change these settings; nothing was changed." }
                p { a href=(format!("/console/creditors/{}/settings", creditor.id)) { "Back to the settings" } }
            },
        ),
    )
}

async fn save(
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
    let typed: HashMap<String, String> = form.into_iter().filter(|(k, _)| k != "csrf").collect();
    let who = Changer::Staff(Box::new(user.clone()));
    let invalid = |errors: HashMap<&'static str, Vec<String>>| {
        let (ctx, user, session, creditor, typed) = (&ctx, &user, &session, &creditor, &typed);
        async move {
            settings_page(
                ctx,
                user,
                &session.csrf_token,
                creditor,
                typed,
                &errors,
                None,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    // Who may is checked first: a read-only user learns nothing from the values' checks.
    match setting_versions::may_change(&ctx, &who, &creditor).await {
        Ok(true) => {}
        Ok(false) => return not_allowed(&user, &session.csrf_token, &creditor),
        Err(e) => return unavailable(&e),
    }
    let mut mandate = match mandate_from(&typed) {
        Ok(m) => m,
        Err(errors) => return invalid(errors).await,
    };
    // The form has no fields for limited agreements yet: a save keeps the rules in force
    // instead of switching them off.
    mandate.plan.limited = creditor.mandate.plan.limited.clone();
    match mandates::replace(&ctx, &who, &creditor, &mandate, ctx.clock.now()).await {
        Ok(_) => see_other(&format!(
            "/console/creditors/{}/settings?saved=1",
            creditor.id
        )),
        Err(MandateError::Breaks(issues)) => {
            let mut errors: HashMap<&'static str, Vec<String>> = HashMap::new();
            for issue in issues {
                errors.entry(issue.field).or_default().push(issue.message);
            }
            invalid(errors).await
        }
        Err(MandateError::NotAllowed) => not_allowed(&user, &session.csrf_token, &creditor),
        Err(MandateError::NoVersion) => no_creditor(&user, &session.csrf_token),
        Err(MandateError::Store(e)) => unavailable(&e),
    }
}

async fn restore(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<(String, u32)>,
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
    let (raw, number) = path.into_inner();
    let creditor = match visible_creditor(&ctx, &user, &raw).await {
        Ok(Some(c)) => c,
        Ok(None) => return no_creditor(&user, &session.csrf_token),
        Err(e) => return unavailable(&e),
    };
    let who = Changer::Staff(Box::new(user.clone()));
    match mandates::restore(&ctx, &who, &creditor, number, ctx.clock.now()).await {
        Ok(_) => see_other(&format!(
            "/console/creditors/{}/settings?saved=1",
            creditor.id
        )),
        Err(MandateError::Breaks(issues)) => {
            let mut errors: HashMap<&'static str, Vec<String>> = HashMap::new();
            for issue in issues {
                errors.entry(issue.field).or_default().push(issue.message);
            }
            settings_page(
                &ctx,
                &user,
                &session.csrf_token,
                &creditor,
                &values_of(&creditor.mandate),
                &errors,
                Some("That version breaks today's rules and was not restored."),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(MandateError::NotAllowed) => not_allowed(&user, &session.csrf_token, &creditor),
        Err(MandateError::NoVersion) => no_creditor(&user, &session.csrf_token),
        Err(MandateError::Store(e)) => unavailable(&e),
    }
}

async fn compare_page(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let creditor = match visible_creditor(&ctx, &user, &path).await {
        Ok(Some(c)) => c,
        Ok(None) => return no_creditor(&user, &session.csrf_token),
        Err(e) => return unavailable(&e),
    };
    let params = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let number = |name: &str| field(&params, name).and_then(|v| v.trim().parse::<u32>().ok());
    let versions = match setting_versions::versions::<Mandate>(&ctx, &creditor.id).await {
        Ok(v) => v,
        Err(e) => return unavailable(&e),
    };
    let find = |n: Option<u32>| n.and_then(|n| versions.iter().find(|v| v.number == n));
    let back = format!("/console/creditors/{}/settings", creditor.id);
    let (Some(a), Some(b)) = (find(number("a")), find(number("b"))) else {
        return page_response(
            StatusCode::NOT_FOUND,
            page(
                "No such version",
                Some((&user, &session.csrf_token)),
                html! { h1 { "No such version" } p { a href=(back) { "Back to the settings" } } },
            ),
        );
    };
    let to_json = |m: &Mandate| serde_json::to_value(m).unwrap_or(Value::Null);
    let changes = compare(&to_json(&a.content), &to_json(&b.content));
    let label = |name: &str| {
        SPECS
            .iter()
            .flat_map(|(_, specs)| specs.iter())
            .find(|s| name == s.name || name.starts_with(&format!("{}.", s.name)))
            .map_or(name.to_owned(), |s| s.label.to_owned())
    };
    let body = html! {
        h1 { "Version " (a.number) " and version " (b.number) }
        @if changes.is_empty() {
            p { "The two versions say the same." }
        } @else {
            table {
                thead { tr { th { "Setting" } th { "Field" } th { "Version " (a.number) } th { "Version " (b.number) } } }
                tbody {
                    @for change in &changes {
                        tr {
                            td { (label(&change.field)) }
                            td { code { (change.field) } }
                            td { (change.before.clone().unwrap_or_else(|| "—".into())) }
                            td { (change.after.clone().unwrap_or_else(|| "—".into())) }
                        }
                    }
                }
            }
        }
        p { a href=(back) { "Back to the settings" } }
    };
    page_response(
        StatusCode::OK,
        page("Compare versions", Some((&user, &session.csrf_token)), body),
    )
}
