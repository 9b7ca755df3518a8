//! The creditor's journey in the console: its ordered steps as a form (kind, when, channels,
//! fee, the deadline it sets, its Fluent text family and A/B variants), changed without
//! JavaScript by submit buttons, saved through the use case the API's `PUT` uses (judged
//! exactly as `check-config` judges a file) as a new version, each step's SMS shown as a sample
//! case gets it with its part count, and the journey's versions (compare, restore).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use serde_json::Value;

use super::cases::load;
use super::layout::{page, page_response};
use super::settings::{no_creditor, refused, versions_section, visible_creditor};
use super::{field, fields, genuine, see_other, unavailable};
use crate::context::AppContext;
use crate::domain::creditor::Creditor;
use crate::domain::journey::{
    Collector, Journey, JourneyStep, MAX_STEPS, MAX_VARIANTS, StepChannels, StepKind, StepTiming,
    TextVariant,
};
use crate::domain::setting_history::compare;
use crate::domain::sms_segments::Encoding;
use crate::domain::staff::StaffUser;
use crate::service::journey_config::{self, JourneyConfigError, JourneyProblem};
use crate::service::setting_versions::{self, Changer};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/creditors/{id}/journey", web::get().to(show))
        .route("/console/creditors/{id}/journey", web::post().to(submit))
        .route(
            "/console/creditors/{id}/journey/compare",
            web::get().to(compare_page),
        )
        .route(
            "/console/creditors/{id}/journey/versions/{number}/restore",
            web::post().to(restore),
        );
}

/// One step as the form holds it: what was typed, kept as typed until it is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct StepRow {
    id: String,
    kind: String,
    /// `due` (days after the due date) or `previous` (days after the previous step's deadline).
    anchor: String,
    days: String,
    channels: String,
    fee: bool,
    deadline_days: String,
    /// The Fluent message family of each wording and its weight.
    variants: Vec<(String, String)>,
}

/// The journey form: who collects and the steps in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct JourneyForm {
    collector: String,
    steps: Vec<StepRow>,
}

/// A step's field as the API names it (`steps[2].fee`): the form uses the same names, so a
/// problem `journey_config` reports lands on its field.
fn name(step: usize, key: &str) -> String {
    format!("steps[{step}].{key}")
}

fn variant_name(step: usize, variant: usize, key: &str) -> String {
    format!("steps[{step}].texts[{variant}].{key}")
}

fn html_id(name: &str) -> String {
    name.replace(['[', '.'], "-").replace(']', "")
}

fn channels_str(channels: StepChannels) -> &'static str {
    match channels {
        StepChannels::Sms => "sms",
        StepChannels::Email => "email",
        StepChannels::Both => "both",
    }
}

const KINDS: [(&str, &str); 5] = [
    ("nudge", "Friendly reminder (no fee)"),
    ("purring", "Reminder (purring)"),
    ("inkassovarsel", "Notice of collection (inkassovarsel)"),
    (
        "betalingsoppfordring",
        "Demand to pay (betalingsoppfordring)",
    ),
    ("final_notice", "Final notice (no fee)"),
];

const CHANNELS: [(&str, &str); 3] = [
    ("sms", "SMS"),
    ("email", "E-mail"),
    ("both", "SMS and e-mail"),
];

impl JourneyForm {
    fn of(journey: &Journey) -> JourneyForm {
        JourneyForm {
            collector: match journey.collector {
                Collector::Agency => "agency".into(),
                Collector::Creditor => "creditor".into(),
            },
            steps: journey
                .steps
                .iter()
                .map(|step| {
                    let (anchor, days) = match step.when {
                        StepTiming::AfterDueDate(days) => ("due", days),
                        StepTiming::AfterPreviousDeadline(days) => ("previous", days),
                    };
                    StepRow {
                        id: step.id.clone(),
                        kind: step.kind.as_str().into(),
                        anchor: anchor.into(),
                        days: days.to_string(),
                        channels: channels_str(step.channels).into(),
                        fee: step.fee,
                        deadline_days: step
                            .deadline_days
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        variants: step
                            .texts
                            .iter()
                            .map(|v| (v.text.clone(), v.weight.to_string()))
                            .collect(),
                    }
                })
                .collect(),
        }
    }

    /// The form as posted; `steps` says how many steps it has (at most [`MAX_STEPS`] + 1, so
    /// one too many is still shown and refused by the check instead of lost).
    fn posted(form: &[(String, String)]) -> JourneyForm {
        let text = |name: &str| field(form, name).map(str::trim).unwrap_or_default();
        let count = text("steps")
            .parse::<usize>()
            .unwrap_or(0)
            .min(MAX_STEPS + 1);
        let steps = (0..count)
            .map(|i| StepRow {
                id: text(&name(i, "id")).to_owned(),
                kind: text(&name(i, "kind")).to_owned(),
                anchor: text(&name(i, "anchor")).to_owned(),
                days: text(&name(i, "days")).to_owned(),
                channels: text(&name(i, "channels")).to_owned(),
                fee: field(form, &name(i, "fee")).is_some(),
                deadline_days: text(&name(i, "deadline_days")).to_owned(),
                variants: (0..MAX_VARIANTS)
                    .map(|j| {
                        (
                            text(&variant_name(i, j, "text")).to_owned(),
                            text(&variant_name(i, j, "weight")).to_owned(),
                        )
                    })
                    // An empty row is the form's room for one more wording, not a wording.
                    .filter(|(text, _)| !text.is_empty())
                    .collect(),
            })
            .collect();
        JourneyForm {
            collector: text("collector").to_owned(),
            steps,
        }
    }

    /// The journey the form describes, or every field that cannot be read (named as the API
    /// names it); the rules are judged afterwards by `journey_config`.
    fn journey(&self) -> Result<Journey, Vec<JourneyProblem>> {
        let mut problems = Vec::new();
        let mut problem = |field: String, id: &str, message: &str| {
            problems.push(JourneyProblem {
                field,
                message: format!("step \"{id}\": {message}"),
            });
        };
        let collector = match self.collector.as_str() {
            "creditor" => Collector::Creditor,
            _ => Collector::Agency,
        };
        let mut steps = Vec::with_capacity(self.steps.len());
        for (i, row) in self.steps.iter().enumerate() {
            let kind = StepKind::ALL.into_iter().find(|k| k.as_str() == row.kind);
            if kind.is_none() {
                problem(name(i, "kind"), &row.id, "choose what kind of notice it is");
            }
            let days = row.days.parse::<u32>().ok();
            if days.is_none() {
                problem(
                    name(i, "when"),
                    &row.id,
                    "the number of days must be a whole number, like 14",
                );
            }
            let when = days.and_then(|days| match row.anchor.as_str() {
                "due" => Some(StepTiming::AfterDueDate(days)),
                "previous" => Some(StepTiming::AfterPreviousDeadline(days)),
                _ => None,
            });
            if days.is_some() && when.is_none() {
                problem(
                    name(i, "when"),
                    &row.id,
                    "choose what the days are counted from",
                );
            }
            let channels = match row.channels.as_str() {
                "sms" => Some(StepChannels::Sms),
                "email" => Some(StepChannels::Email),
                "both" => Some(StepChannels::Both),
                _ => {
                    problem(name(i, "channels"), &row.id, "choose the channels");
                    None
                }
            };
            let deadline_days = match row.deadline_days.as_str() {
                "" => Some(None),
                text => text.parse::<u32>().ok().map(Some),
            };
            if deadline_days.is_none() {
                problem(
                    name(i, "deadline_days"),
                    &row.id,
                    "the deadline must be a whole number of days, like 14, or empty",
                );
            }
            let mut texts = Vec::with_capacity(row.variants.len());
            for (j, (text, weight)) in row.variants.iter().enumerate() {
                let weight = match weight.as_str() {
                    "" => Some(1),
                    w => w.parse::<u32>().ok(),
                };
                match weight {
                    Some(weight) => texts.push(TextVariant {
                        text: text.clone(),
                        weight,
                    }),
                    None => problem(
                        variant_name(i, j, "weight"),
                        &row.id,
                        "the weight must be a whole number, like 1",
                    ),
                }
            }
            if let (Some(kind), Some(when), Some(channels), Some(deadline_days)) =
                (kind, when, channels, deadline_days)
            {
                steps.push(JourneyStep {
                    id: row.id.clone(),
                    kind,
                    when,
                    channels,
                    texts,
                    fee: row.fee,
                    deadline_days,
                });
            }
        }
        if problems.is_empty() {
            Ok(Journey { collector, steps })
        } else {
            Err(problems)
        }
    }

    /// Applies an editing button: `add`, `remove-N`, `up-N`, `down-N`. Anything else changes
    /// nothing.
    fn edit(&mut self, action: &str) {
        let at = |prefix: &str| {
            action
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
        };
        let len = self.steps.len();
        if action == "add" && len < MAX_STEPS {
            let previous = self.steps.last();
            self.steps.push(StepRow {
                id: format!("step-{}", len + 1),
                kind: previous.map_or("nudge".into(), |p| p.kind.clone()),
                anchor: if previous.is_some() {
                    "previous".into()
                } else {
                    "due".into()
                },
                days: "0".into(),
                channels: previous.map_or("sms".into(), |p| p.channels.clone()),
                fee: false,
                deadline_days: String::new(),
                variants: Vec::new(),
            });
        } else if let Some(i) = at("remove-").filter(|i| *i < len) {
            self.steps.remove(i);
        } else if let Some(i) = at("up-").filter(|i| *i > 0 && *i < len) {
            self.steps.swap(i - 1, i);
        } else if let Some(i) = at("down-").filter(|i| i + 1 < len) {
            self.steps.swap(i, i + 1);
        }
    }
}

/// The step a problem's field is about (`steps[2].fee` → 2).
fn step_of(problem: &JourneyProblem) -> Option<usize> {
    problem
        .field
        .strip_prefix("steps[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

/// What the page says above the form.
enum Said<'a> {
    Nothing,
    Status(&'a str),
    Problems(&'a [JourneyProblem], &'a str),
}

/// Each step's SMS as the sample case of `check-config` gets it, with its parts.
fn sms_parts(ctx: &AppContext, creditor: &Creditor, row: &StepRow) -> Markup {
    let reaches_sms = match row.channels.as_str() {
        "sms" | "both" => true,
        "email" => creditor.messaging.channel_fallback,
        _ => false,
    };
    if !reaches_sms {
        return html! {};
    }
    html! {
        @for (text, _) in &row.variants {
            @let samples = crate::config::journey_sms_samples(creditor, &ctx.config.settings, &ctx.texts, text);
            details.sms {
                summary { "SMS of " code { (text) } ": "
                    @match samples.iter().map(|s| s.count.segments).max() {
                        Some(most) => { "at most " (most) " SMS part" @if most != 1 { "s" } " in any language" }
                        None => { "no SMS text " code { (text) "-sms" } " in the message files" }
                    }
                }
                @if !samples.is_empty() {
                    table {
                        thead { tr { th { "Language" } th { "SMS parts" } th { "Text for a sample case" } } }
                        tbody {
                            @for s in &samples {
                                tr {
                                    td { (s.locale.code()) }
                                    td {
                                        span.parts data-parts=(s.count.segments) { (s.count.segments) }
                                        " of at most " (s.limit) " ("
                                        (s.count.units)
                                        @match s.count.encoding {
                                            Encoding::Gsm7 => " GSM-7 characters",
                                            Encoding::Ucs2 { .. } => " UCS-2 units",
                                        }
                                        ")"
                                        @if s.count.segments > s.limit { strong.error { " too long" } }
                                    }
                                    td lang=(s.locale.code()) { (s.text) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The editor page: the form (editable or not), any problems, SMS parts, and the versions.
async fn editor_page(
    ctx: &AppContext,
    user: &StaffUser,
    csrf: &str,
    creditor: &Creditor,
    form: &JourneyForm,
    said: Said<'_>,
    status: StatusCode,
) -> HttpResponse {
    let editable =
        match setting_versions::may_change(ctx, &Changer::Staff(Box::new(user.clone())), creditor)
            .await
        {
            Ok(may) => may,
            Err(e) => return unavailable(&e),
        };
    let versions = match setting_versions::versions::<Journey>(ctx, &creditor.id).await {
        Ok(v) => v,
        Err(e) => return unavailable(&e),
    };
    let base = format!("/console/creditors/{}/journey", creditor.id);
    let problems: &[JourneyProblem] = match &said {
        Said::Problems(p, _) => p,
        _ => &[],
    };
    let about = |i: usize| -> Vec<&JourneyProblem> {
        problems.iter().filter(|p| step_of(p) == Some(i)).collect()
    };
    let body = html! {
        h1 { "Journey of " (creditor.name) }
        p { "The messages a case gets after its due date, in order. Changed by "
            (creditor.changes_by.describe()) "; every change is kept as a version below. "
            a href=(format!("/console/creditors/{}/settings", creditor.id)) { "The mandate" } }
        @match &said {
            Said::Nothing => {},
            Said::Status(text) => p role="status" { (text) },
            Said::Problems(problems, intro) => div.error role="alert" {
                p { (intro) }
                ul {
                    @for p in problems.iter() {
                        li {
                            @match step_of(p) {
                                Some(i) => a href=(format!("#step-{i}")) { "Step " (i + 1) },
                                None => a href="#journey-steps" { "The journey" },
                            }
                            ": " (p.message) " " code { (p.field) }
                        }
                    }
                }
            },
        }
        @if !editable { p { "You can read this journey; only " (creditor.changes_by.describe()) " may change it." } }
        form method="post" action=(base) id="journey-steps" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="steps" value=(form.steps.len());
            // The first button is what Enter in a field presses: a check, never a removal.
            @if editable { p { button type="submit" name="action" value="check" { "Check and count SMS parts" } } }
            div.field {
                label for="collector" { "Who sends the demand to pay" }
                select id="collector" name="collector" disabled[!editable] {
                    option value="agency" selected[form.collector != "creditor"] { "the agency (its fee)" }
                    option value="creditor" selected[form.collector == "creditor"] { "the creditor itself (egeninkasso)" }
                }
            }
            @if form.steps.is_empty() { p { "No steps: innfri sends nothing by itself." } }
            @for (i, row) in form.steps.iter().enumerate() {
                @let mine = about(i);
                @let error_id = format!("step-{i}-errors");
                fieldset id=(format!("step-{i}")) aria-describedby=[(!mine.is_empty()).then_some(error_id.as_str())] {
                    legend { "Step " (i + 1) ": " (row.id) }
                    @if !mine.is_empty() {
                        ul.error id=(error_id) { @for p in &mine { li { (p.message) } } }
                    }
                    div.field {
                        label for=(html_id(&name(i, "id"))) { "Short name (for statistics)" }
                        input id=(html_id(&name(i, "id"))) name=(name(i, "id")) value=(row.id) disabled[!editable] autocomplete="off";
                    }
                    div.field {
                        label for=(html_id(&name(i, "kind"))) { "Kind" }
                        select id=(html_id(&name(i, "kind"))) name=(name(i, "kind")) disabled[!editable] {
                            @for (value, text) in KINDS { option value=(value) selected[row.kind == value] { (text) } }
                        }
                    }
                    div.field {
                        label for=(html_id(&name(i, "days"))) { "Sent after (days)" }
                        input id=(html_id(&name(i, "days"))) name=(name(i, "days")) inputmode="numeric" value=(row.days) disabled[!editable];
                        label for=(html_id(&name(i, "anchor"))) { "counted from" }
                        select id=(html_id(&name(i, "anchor"))) name=(name(i, "anchor")) disabled[!editable] {
                            option value="due" selected[row.anchor != "previous"] { "the case's due date" }
                            option value="previous" selected[row.anchor == "previous"] { "the deadline the previous step set" }
                        }
                    }
                    div.field {
                        label for=(html_id(&name(i, "channels"))) { "Channels" }
                        select id=(html_id(&name(i, "channels"))) name=(name(i, "channels")) disabled[!editable] {
                            @for (value, text) in CHANNELS { option value=(value) selected[row.channels == value] { (text) } }
                        }
                    }
                    div.field {
                        input id=(html_id(&name(i, "fee"))) name=(name(i, "fee")) type="checkbox" checked[row.fee] disabled[!editable];
                        " "
                        label for=(html_id(&name(i, "fee"))) { "Adds the statutory fee for its kind of notice" }
                    }
                    div.field {
                        label for=(html_id(&name(i, "deadline_days"))) { "Deadline it gives the debtor (days, optional)" }
                        input id=(html_id(&name(i, "deadline_days"))) name=(name(i, "deadline_days")) inputmode="numeric" value=(row.deadline_days) disabled[!editable];
                    }
                    fieldset {
                        legend { "Texts (Fluent message family; several with weights for A/B tests)" }
                        @let rows = if editable { (row.variants.len() + 1).min(MAX_VARIANTS) } else { row.variants.len() };
                        @for j in 0..rows {
                            @let (text, weight) = row.variants.get(j).cloned().unwrap_or_default();
                            div.field {
                                label for=(html_id(&variant_name(i, j, "text"))) { "Text " (j + 1) @if j >= row.variants.len() { " (optional, for another variant)" } }
                                input id=(html_id(&variant_name(i, j, "text"))) name=(variant_name(i, j, "text")) value=(text) disabled[!editable] autocomplete="off";
                                label for=(html_id(&variant_name(i, j, "weight"))) { "Weight" }
                                input id=(html_id(&variant_name(i, j, "weight"))) name=(variant_name(i, j, "weight")) inputmode="numeric" value=(weight) disabled[!editable];
                            }
                        }
                    }
                    (sms_parts(ctx, creditor, row))
                    @if editable {
                        p.actions {
                            @if i > 0 { button type="submit" name="action" value=(format!("up-{i}")) { "Move step " (i + 1) " up" } " " }
                            @if i + 1 < form.steps.len() { button type="submit" name="action" value=(format!("down-{i}")) { "Move step " (i + 1) " down" } " " }
                            button type="submit" name="action" value=(format!("remove-{i}")) { "Remove step " (i + 1) }
                        }
                    }
                }
            }
            @if editable {
                p {
                    @if form.steps.len() < MAX_STEPS { button type="submit" name="action" value="add" { "Add a step" } " " }
                    button type="submit" name="action" value="save" { "Save as a new version" }
                }
            }
        }
        (versions_section(&base, &versions, csrf, editable))
    };
    page_response(status, page("Journey", Some((user, csrf)), body))
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
    let said = if req.query_string().contains("saved=") {
        Said::Status("Saved as a new version.")
    } else {
        Said::Nothing
    };
    editor_page(
        &ctx,
        &user,
        &session.csrf_token,
        &creditor,
        &JourneyForm::of(&creditor.journey),
        said,
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
                p { "Only " (creditor.changes_by.describe()) " may change this journey; nothing was changed." }
                p { a href=(format!("/console/creditors/{}/journey", creditor.id)) { "Back to the journey" } }
            },
        ),
    )
}

/// Every button of the form: an edit (shown again, nothing saved), a check, or the save.
async fn submit(
    req: HttpRequest,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let posted = fields(&body);
    if !genuine(&req, &ctx, &session.csrf_token, field(&posted, "csrf")) {
        return refused();
    }
    let creditor = match visible_creditor(&ctx, &user, &path).await {
        Ok(Some(c)) => c,
        Ok(None) => return no_creditor(&user, &session.csrf_token),
        Err(e) => return unavailable(&e),
    };
    let who = Changer::Staff(Box::new(user.clone()));
    match setting_versions::may_change(&ctx, &who, &creditor).await {
        Ok(true) => {}
        Ok(false) => return not_allowed(&user, &session.csrf_token, &creditor),
        Err(e) => return unavailable(&e),
    }
    let mut form = JourneyForm::posted(&posted);
    let action = field(&posted, "action").unwrap_or("check");
    let csrf = &session.csrf_token;
    let again = |form: JourneyForm, problems: Vec<JourneyProblem>, intro: &'static str| {
        let (ctx, user, creditor) = (&ctx, &user, &creditor);
        async move {
            let status = if problems.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let said = if problems.is_empty() {
                Said::Status(intro)
            } else {
                Said::Problems(&problems, intro)
            };
            editor_page(ctx, user, csrf, creditor, &form, said, status).await
        }
    };
    if !matches!(action, "check" | "save") {
        form.edit(action);
        return again(
            form,
            Vec::new(),
            "Changed on this page only: nothing is saved until you save.",
        )
        .await;
    }
    let journey = match form.journey() {
        Ok(journey) => journey,
        Err(problems) => return again(form, problems, "Nothing was saved. Please correct:").await,
    };
    if action == "check" {
        let problems = journey_config::problems(&ctx, &creditor, &journey);
        let intro = if problems.is_empty() {
            "The journey passes every check; it is not saved yet."
        } else {
            "The journey is not saved. It breaks these rules:"
        };
        return again(form, problems, intro).await;
    }
    match journey_config::replace(&ctx, &who, &creditor, &journey, ctx.clock.now()).await {
        Ok(_) => see_other(&format!(
            "/console/creditors/{}/journey?saved=1",
            creditor.id
        )),
        Err(JourneyConfigError::Breaks(problems)) => {
            again(form, problems, "Nothing was saved. Please correct:").await
        }
        Err(JourneyConfigError::NotAllowed) => not_allowed(&user, csrf, &creditor),
        Err(JourneyConfigError::NoVersion) => no_creditor(&user, csrf),
        Err(JourneyConfigError::Store(e)) => unavailable(&e),
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
    let posted = fields(&body);
    if !genuine(&req, &ctx, &session.csrf_token, field(&posted, "csrf")) {
        return refused();
    }
    let (raw, number) = path.into_inner();
    let creditor = match visible_creditor(&ctx, &user, &raw).await {
        Ok(Some(c)) => c,
        Ok(None) => return no_creditor(&user, &session.csrf_token),
        Err(e) => return unavailable(&e),
    };
    let who = Changer::Staff(Box::new(user.clone()));
    let csrf = &session.csrf_token;
    match journey_config::restore(&ctx, &who, &creditor, number, ctx.clock.now()).await {
        Ok(_) => see_other(&format!(
            "/console/creditors/{}/journey?saved=1",
            creditor.id
        )),
        Err(JourneyConfigError::Breaks(problems)) => {
            editor_page(
                &ctx,
                &user,
                csrf,
                &creditor,
                &JourneyForm::of(&creditor.journey),
                Said::Problems(
                    &problems,
                    "That version breaks today's rules and was not restored:",
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(JourneyConfigError::NotAllowed) => not_allowed(&user, csrf, &creditor),
        Err(JourneyConfigError::NoVersion) => no_creditor(&user, csrf),
        Err(JourneyConfigError::Store(e)) => unavailable(&e),
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
    let versions = match setting_versions::versions::<Journey>(&ctx, &creditor.id).await {
        Ok(v) => v,
        Err(e) => return unavailable(&e),
    };
    let find = |n: Option<u32>| n.and_then(|n| versions.iter().find(|v| v.number == n));
    let back = format!("/console/creditors/{}/journey", creditor.id);
    let (Some(a), Some(b)) = (find(number("a")), find(number("b"))) else {
        return page_response(
            StatusCode::NOT_FOUND,
            page(
                "No such version",
                Some((&user, &session.csrf_token)),
                html! { h1 { "No such version" } p { a href=(back) { "Back to the journey" } } },
            ),
        );
    };
    let to_json = |j: &Journey| serde_json::to_value(j).unwrap_or(Value::Null);
    let changes = compare(&to_json(&a.content), &to_json(&b.content));
    let body = html! {
        h1 { "Journey version " (a.number) " and version " (b.number) }
        @if changes.is_empty() {
            p { "The two versions say the same." }
        } @else {
            table {
                thead { tr { th { "Field" } th { "Version " (a.number) } th { "Version " (b.number) } } }
                tbody {
                    @for change in &changes {
                        tr {
                            td { code { (change.field) } }
                            td { (change.before.clone().unwrap_or_else(|| "—".into())) }
                            td { (change.after.clone().unwrap_or_else(|| "—".into())) }
                        }
                    }
                }
            }
        }
        p { a href=(back) { "Back to the journey" } }
    };
    page_response(
        StatusCode::OK,
        page(
            "Compare journey versions",
            Some((&user, &session.csrf_token)),
            body,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journey() -> Journey {
        Journey {
            collector: Collector::Agency,
            steps: vec![
                JourneyStep {
                    id: "nudge-1".into(),
                    kind: StepKind::Nudge,
                    when: StepTiming::AfterDueDate(3),
                    channels: StepChannels::Sms,
                    texts: vec![
                        TextVariant {
                            text: "journey-nudge".into(),
                            weight: 2,
                        },
                        TextVariant {
                            text: "journey-nudge-b".into(),
                            weight: 1,
                        },
                    ],
                    fee: false,
                    deadline_days: None,
                },
                JourneyStep {
                    id: "purring-1".into(),
                    kind: StepKind::Purring,
                    when: StepTiming::AfterPreviousDeadline(0),
                    channels: StepChannels::Both,
                    texts: vec![TextVariant {
                        text: "journey-purring".into(),
                        weight: 1,
                    }],
                    fee: true,
                    deadline_days: Some(14),
                },
            ],
        }
    }

    /// The fields a browser sends for `form`, as the page names them.
    fn sent(form: &JourneyForm) -> Vec<(String, String)> {
        let mut out = vec![
            ("steps".to_owned(), form.steps.len().to_string()),
            ("collector".to_owned(), form.collector.clone()),
        ];
        for (i, row) in form.steps.iter().enumerate() {
            out.push((name(i, "id"), row.id.clone()));
            out.push((name(i, "kind"), row.kind.clone()));
            out.push((name(i, "anchor"), row.anchor.clone()));
            out.push((name(i, "days"), row.days.clone()));
            out.push((name(i, "channels"), row.channels.clone()));
            if row.fee {
                out.push((name(i, "fee"), "on".into()));
            }
            out.push((name(i, "deadline_days"), row.deadline_days.clone()));
            for (j, (text, weight)) in row.variants.iter().enumerate() {
                out.push((variant_name(i, j, "text"), text.clone()));
                out.push((variant_name(i, j, "weight"), weight.clone()));
            }
            // The empty row the page adds for another variant.
            out.push((variant_name(i, row.variants.len(), "text"), String::new()));
        }
        out
    }

    #[test]
    fn a_journey_comes_back_unchanged_through_the_form() {
        let form = JourneyForm::of(&journey());
        let posted = JourneyForm::posted(&sent(&form));
        assert_eq!(posted, form);
        assert_eq!(posted.journey(), Ok(journey()));
    }

    #[test]
    fn buttons_add_remove_and_reorder_steps() {
        let mut form = JourneyForm::of(&journey());
        form.edit("down-0");
        assert_eq!(form.steps[0].id, "purring-1");
        form.edit("up-1");
        assert_eq!(form.steps[0].id, "nudge-1");
        form.edit("up-0");
        form.edit("down-1");
        form.edit("remove-7");
        assert_eq!(
            form,
            JourneyForm::of(&journey()),
            "out of range does nothing"
        );
        form.edit("add");
        assert_eq!(form.steps.len(), 3);
        assert_eq!(form.steps[2].anchor, "previous");
        form.edit("remove-0");
        assert_eq!(form.steps[0].id, "purring-1");
        assert_eq!(form.steps.len(), 2);
    }

    fn any_step() -> impl proptest::strategy::Strategy<Value = JourneyStep> {
        use proptest::prelude::*;
        (
            "[a-z0-9-]{1,12}",
            0..StepKind::ALL.len(),
            any::<bool>(),
            0u32..800,
            0..3usize,
            any::<bool>(),
            proptest::option::of(0u32..60),
            proptest::collection::vec(("[a-z-]{1,10}", 0u32..10), 1..=MAX_VARIANTS),
        )
            .prop_map(
                |(id, kind, after_due, days, channels, fee, deadline_days, texts)| JourneyStep {
                    id,
                    kind: StepKind::ALL[kind],
                    when: if after_due {
                        StepTiming::AfterDueDate(days)
                    } else {
                        StepTiming::AfterPreviousDeadline(days)
                    },
                    channels: [StepChannels::Sms, StepChannels::Email, StepChannels::Both]
                        [channels],
                    texts: texts
                        .into_iter()
                        .map(|(text, weight)| TextVariant { text, weight })
                        .collect(),
                    fee,
                    deadline_days,
                },
            )
    }

    proptest::proptest! {
        /// Whatever the journey, the form shows it so that sending the page back unchanged
        /// gives the same journey: opening and saving the editor never changes a step.
        #[test]
        fn every_journey_comes_back_unchanged_through_the_form(
            steps in proptest::collection::vec(any_step(), 0..=MAX_STEPS),
            by_creditor in proptest::bool::ANY,
        ) {
            let journey = Journey {
                collector: if by_creditor { Collector::Creditor } else { Collector::Agency },
                steps,
            };
            let form = JourneyForm::of(&journey);
            proptest::prop_assert_eq!(JourneyForm::posted(&sent(&form)).journey(), Ok(journey));
        }

        /// Moving and removing steps never loses, doubles or changes one: the steps left are
        /// the ones there were, less the removed one.
        #[test]
        fn buttons_keep_every_step_but_the_removed_one(
            steps in proptest::collection::vec(any_step(), 0..=MAX_STEPS),
            actions in proptest::collection::vec((0..3usize, 0..MAX_STEPS + 2), 0..20),
        ) {
            let journey = Journey { collector: Collector::Agency, steps };
            let mut form = JourneyForm::of(&journey);
            let mut expected = form.steps.clone();
            for (what, at) in actions {
                let action = format!("{}-{at}", ["up", "down", "remove"][what]);
                if what == 2
                    && let Some(gone) = form.steps.get(at)
                    && let Some(i) = expected.iter().position(|s| s == gone)
                {
                    expected.remove(i);
                }
                form.edit(&action);
                let mut left = form.steps.clone();
                let mut wanted = expected.clone();
                left.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
                wanted.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
                proptest::prop_assert_eq!(left, wanted);
            }
        }
    }

    #[test]
    fn unreadable_fields_are_named_as_the_api_names_them() {
        let mut form = JourneyForm::of(&journey());
        form.steps[1].days = "two weeks".into();
        form.steps[1].deadline_days = "-1".into();
        form.steps[0].variants[1].1 = "x".into();
        let problems = form.journey().expect_err("unreadable");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "steps[0].texts[1].weight",
                "steps[1].when",
                "steps[1].deadline_days"
            ]
        );
        assert!(problems[1].message.starts_with("step \"purring-1\": "));
        assert_eq!(step_of(&problems[1]), Some(1));
    }
}
