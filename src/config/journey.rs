//! The `[journey]` section of a creditor file as written (`[[journey.steps]]` with
//! `days_after_due` or `days_after_previous_deadline`, `text` or weighted `variants`), turned
//! into a [`Journey`] at the boundary; each problem names `journey.steps[i].field`.

use serde::Deserialize;

use crate::domain::journey::{
    Collector, Journey, JourneyStep, StepChannels, StepKind, StepTiming, TextVariant,
};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JourneyFile {
    /// Who sends the betalingsoppfordring: "agency" (default) or "creditor" (egeninkasso).
    #[serde(default)]
    collector: Collector,
    #[serde(default)]
    steps: Vec<StepFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    id: String,
    kind: StepKind,
    #[serde(default)]
    days_after_due: Option<u32>,
    #[serde(default)]
    days_after_previous_deadline: Option<u32>,
    channels: StepChannels,
    /// One Fluent message family for every case…
    #[serde(default)]
    text: Option<String>,
    /// …or several, each with a weight (A/B testing).
    #[serde(default)]
    variants: Option<Vec<VariantFile>>,
    #[serde(default)]
    fee: bool,
    #[serde(default)]
    deadline_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantFile {
    text: String,
    #[serde(default = "one")]
    weight: u32,
}

fn one() -> u32 {
    1
}

/// A problem in the section: the setting (`journey.steps[2].text`) and what is wrong.
pub(super) type JourneyFileIssue = (String, String);

impl JourneyFile {
    /// The journey, or every step's problem of form (the law and the texts are judged later).
    pub(super) fn into_journey(self) -> Result<Journey, Vec<JourneyFileIssue>> {
        let mut issues = Vec::new();
        let mut steps = Vec::with_capacity(self.steps.len());
        for (i, step) in self.steps.into_iter().enumerate() {
            let at = |key: &str| format!("journey.steps[{i}].{key}");
            let when = match (step.days_after_due, step.days_after_previous_deadline) {
                (Some(days), None) => Some(StepTiming::AfterDueDate(days)),
                (None, Some(days)) => Some(StepTiming::AfterPreviousDeadline(days)),
                (Some(_), Some(_)) => {
                    issues.push((
                        at("days_after_due"),
                        "set either days_after_due or days_after_previous_deadline, not both"
                            .to_owned(),
                    ));
                    None
                }
                (None, None) => {
                    issues.push((
                        at("days_after_due"),
                        "say when the step is sent: days_after_due or days_after_previous_deadline"
                            .to_owned(),
                    ));
                    None
                }
            };
            let texts = match (step.text, step.variants) {
                (Some(text), None) => Some(vec![TextVariant { text, weight: 1 }]),
                (None, Some(variants)) => Some(
                    variants
                        .into_iter()
                        .map(|v| TextVariant {
                            text: v.text,
                            weight: v.weight,
                        })
                        .collect(),
                ),
                (Some(_), Some(_)) => {
                    issues.push((
                        at("text"),
                        "set either text or variants, not both".to_owned(),
                    ));
                    None
                }
                (None, None) => {
                    issues.push((
                        at("text"),
                        "name the step's text (a Fluent message family) or its variants".to_owned(),
                    ));
                    None
                }
            };
            if let (Some(when), Some(texts)) = (when, texts) {
                steps.push(JourneyStep {
                    id: step.id,
                    kind: step.kind,
                    when,
                    channels: step.channels,
                    texts,
                    fee: step.fee,
                    deadline_days: step.deadline_days,
                });
            }
        }
        if issues.is_empty() {
            Ok(Journey {
                collector: self.collector,
                steps,
            })
        } else {
            Err(issues)
        }
    }
}

/// How a creditor file spells the setting of `key` on `step` (`when` is one of two keys).
pub(super) fn file_key(step: &JourneyStep, key: &str) -> String {
    match (key, step.when) {
        ("when", StepTiming::AfterDueDate(_)) => "days_after_due".to_owned(),
        ("when", StepTiming::AfterPreviousDeadline(_)) => "days_after_previous_deadline".to_owned(),
        _ => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::Figment;
    use figment::providers::{Format, Toml};

    fn extract<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        Figment::from(Toml::string(text))
            .extract()
            .map_err(|e| e.to_string())
    }

    fn parse(toml_text: &str) -> Result<Journey, Vec<JourneyFileIssue>> {
        #[derive(Deserialize)]
        struct File {
            journey: JourneyFile,
        }
        let file: File = extract(toml_text).expect("toml");
        file.journey.into_journey()
    }

    #[test]
    fn a_file_journey_becomes_the_domain_journey() {
        let journey = parse(
            r#"
            [journey]
            collector = "creditor"
            [[journey.steps]]
            id = "nudge"
            kind = "nudge"
            days_after_due = 3
            channels = "sms"
            text = "journey-nudge"
            [[journey.steps]]
            id = "purring"
            kind = "purring"
            days_after_previous_deadline = 1
            channels = "both"
            variants = [{ text = "journey-purring", weight = 3 }, { text = "journey-purring-b" }]
            fee = true
            deadline_days = 14
            "#,
        )
        .expect("valid");
        assert_eq!(journey.collector, Collector::Creditor);
        assert_eq!(journey.steps.len(), 2);
        let nudge = &journey.steps[0];
        assert_eq!(nudge.when, StepTiming::AfterDueDate(3));
        assert_eq!(nudge.channels, StepChannels::Sms);
        assert_eq!(
            nudge.texts,
            vec![TextVariant {
                text: "journey-nudge".into(),
                weight: 1
            }]
        );
        assert!(!nudge.fee);
        assert_eq!(nudge.deadline_days, None);
        let purring = &journey.steps[1];
        assert_eq!(purring.kind, StepKind::Purring);
        assert_eq!(purring.when, StepTiming::AfterPreviousDeadline(1));
        assert_eq!(
            purring
                .texts
                .iter()
                .map(|t| (t.text.as_str(), t.weight))
                .collect::<Vec<_>>(),
            vec![("journey-purring", 3), ("journey-purring-b", 1)]
        );
        assert!(purring.fee);
        assert_eq!(purring.deadline_days, Some(14));
    }

    #[test]
    fn a_step_needs_exactly_one_timing_and_one_kind_of_text() {
        let issues = parse(
            r#"
            [[journey.steps]]
            id = "a"
            kind = "nudge"
            days_after_due = 3
            days_after_previous_deadline = 3
            channels = "sms"
            [[journey.steps]]
            id = "b"
            kind = "nudge"
            channels = "email"
            text = "x"
            variants = [{ text = "y" }]
            "#,
        )
        .expect_err("invalid");
        let fields: Vec<&str> = issues.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "journey.steps[0].days_after_due",
                "journey.steps[0].text",
                "journey.steps[1].days_after_due",
                "journey.steps[1].text",
            ],
            "{issues:?}"
        );
        assert!(issues[0].1.contains("not both"));
        assert!(issues[2].1.contains("say when"));
    }

    #[test]
    fn unknown_settings_in_a_step_are_refused() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct File {
            journey: JourneyFile,
        }
        let error = extract::<File>(
            r#"
            [[journey.steps]]
            id = "a"
            kind = "nudge"
            days_after_due = 3
            channels = "sms"
            text = "x"
            deadline = 14
            "#,
        )
        .expect_err("unknown field");
        assert!(error.contains("found `deadline`"), "{error}");
        let bad_kind = extract::<File>(
            r#"
            [[journey.steps]]
            id = "a"
            kind = "warning"
            days_after_due = 3
            channels = "sms"
            text = "x"
            "#,
        )
        .expect_err("unknown kind");
        assert!(bad_kind.contains("found `warning`"), "{bad_kind}");
    }

    #[test]
    fn when_is_named_as_the_file_spells_it() {
        let journey = parse(
            r#"
            [[journey.steps]]
            id = "a"
            kind = "purring"
            days_after_due = 14
            channels = "sms"
            text = "x"
            deadline_days = 14
            [[journey.steps]]
            id = "b"
            kind = "purring"
            days_after_previous_deadline = 1
            channels = "sms"
            text = "x"
            "#,
        )
        .expect("valid");
        assert_eq!(file_key(&journey.steps[0], "when"), "days_after_due");
        assert_eq!(
            file_key(&journey.steps[1], "when"),
            "days_after_previous_deadline"
        );
        assert_eq!(file_key(&journey.steps[1], "fee"), "fee");
    }
}
