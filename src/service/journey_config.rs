//! Replacing a creditor's journey through the API: judged exactly as `check-config` judges a
//! creditor file (shape, the law of its jurisdiction, the named Fluent texts and their SMS
//! parts); the engine follows the new one from then on.

use crate::config::journey_problems;
use crate::context::AppContext;
use crate::domain::creditor::Creditor;
use crate::domain::ids::AgencyId;
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

/// Replaces `creditor`'s journey with `journey`, as `agency` asks, if it passes every check;
/// a refused journey changes nothing.
pub async fn replace(
    ctx: &AppContext,
    agency: &AgencyId,
    creditor: &Creditor,
    journey: &Journey,
) -> Result<(), JourneyConfigError> {
    let found = problems(ctx, creditor, journey);
    if !found.is_empty() {
        return Err(JourneyConfigError::Breaks(found));
    }
    // No event, for the reason `service::mandates::replace` gives: the store saves a journey on
    // its own, with no outbox append in the same step. The log line is the record.
    ctx.tenants.replace_journey(&creditor.id, journey).await?;
    tracing::info!(%agency, creditor = %creditor.id, steps = journey.steps.len(), "journey replaced");
    Ok(())
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
