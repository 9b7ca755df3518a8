//! Replacing a creditor's journey through the API: judged exactly as `check-config` judges a
//! creditor file (shape, the law of its jurisdiction, the named Fluent texts and their SMS
//! parts); the engine follows the new one from then on.

use chrono::{DateTime, Utc};

use super::setting_versions::{self, Changer};
use crate::config::journey_problems;
use crate::context::AppContext;
use crate::domain::creditor::Creditor;
use crate::domain::journey::Journey;
use crate::store::StoreError;

/// One problem of a journey sent through the API: the field as the API spells it
/// (`steps[2].fee`) and `message (rule)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneyProblem {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum JourneyConfigError {
    /// Every rule the journey breaks, each naming its field.
    #[error("the journey breaks {} rule(s)", .0.len())]
    Breaks(Vec<JourneyProblem>),
    /// The creditor's `changes_by` does not let this agency or user change it.
    #[error("the creditor does not let you change its journey")]
    NotAllowed,
    /// No such version to restore.
    #[error("no such version")]
    NoVersion,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The API's name for a setting `check-config` names as a creditor file spells it: the body is
/// the journey itself (no `journey.` in front), timing is `when` and the wordings are `texts`.
pub fn api_field(file_field: &str) -> String {
    let field = file_field
        .strip_prefix("journey.")
        .unwrap_or(if file_field == "journey" {
            "steps"
        } else {
            file_field
        });
    let field = field
        .replace(".days_after_due", ".when")
        .replace(".days_after_previous_deadline", ".when")
        .replace(".variants[", ".texts[");
    match field.strip_suffix(".text") {
        // One wording: a file writes `text = …`, the API `texts: [{"text": …}]`.
        Some(step) if !step.contains(".texts[") => format!("{step}.texts"),
        _ => field,
    }
}

/// Every problem of `journey` for `creditor`, as the API names them; empty when it is valid.
pub fn problems(ctx: &AppContext, creditor: &Creditor, journey: &Journey) -> Vec<JourneyProblem> {
    let mut candidate = creditor.clone();
    candidate.journey = journey.clone();
    journey_problems(&candidate, &ctx.config.settings, &ctx.texts)
        .into_iter()
        .map(|(field, message)| JourneyProblem {
            field: api_field(&field),
            message,
        })
        .collect()
}

/// Replaces `creditor`'s journey with `journey`, as `who` asks, if the creditor lets them
/// and it passes every check; a refused journey changes nothing. Returns the new version's
/// number.
pub async fn replace(
    ctx: &AppContext,
    who: &Changer,
    creditor: &Creditor,
    journey: &Journey,
    now: DateTime<Utc>,
) -> Result<u32, JourneyConfigError> {
    if !setting_versions::may_change(ctx, who, creditor).await? {
        return Err(JourneyConfigError::NotAllowed);
    }
    let found = problems(ctx, creditor, journey);
    if !found.is_empty() {
        return Err(JourneyConfigError::Breaks(found));
    }
    // No event, for the reason `service::mandates::replace` gives; the version is the record.
    let number = ctx
        .tenants
        .change(&ctx.config, &creditor.id, journey, who.changed_by(), now)
        .await?;
    tracing::info!(by = %who.describe(), creditor = %creditor.id, steps = journey.steps.len(), version = number, "journey replaced");
    Ok(number)
}

/// Makes version `number` of `creditor`'s journey the one in force again, as a new version,
/// judged like [`replace`].
pub async fn restore(
    ctx: &AppContext,
    who: &Changer,
    creditor: &Creditor,
    number: u32,
    now: DateTime<Utc>,
) -> Result<(u32, Journey), JourneyConfigError> {
    if !setting_versions::may_change(ctx, who, creditor).await? {
        return Err(JourneyConfigError::NotAllowed);
    }
    let old = setting_versions::version::<Journey>(ctx, &creditor.id, number)
        .await?
        .ok_or(JourneyConfigError::NoVersion)?;
    let number = replace(ctx, who, creditor, &old.content, now).await?;
    Ok((number, old.content))
}

#[cfg(test)]
mod tests {
    use super::api_field;

    #[test]
    fn check_config_settings_are_named_as_the_api_body_spells_them() {
        assert_eq!(api_field("journey.steps[2].fee"), "steps[2].fee");
        assert_eq!(
            api_field("journey.steps[0].days_after_due"),
            "steps[0].when"
        );
        assert_eq!(
            api_field("journey.steps[1].days_after_previous_deadline"),
            "steps[1].when"
        );
        assert_eq!(api_field("journey.steps[3].text"), "steps[3].texts");
        assert_eq!(
            api_field("journey.steps[3].variants[1].text"),
            "steps[3].texts[1].text"
        );
        assert_eq!(api_field("journey.steps"), "steps");
        assert_eq!(api_field("journey"), "steps");
        assert_eq!(api_field("journey.steps[4]"), "steps[4]");
    }
}
