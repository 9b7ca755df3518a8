//! A creditor's journey against its shape, its country's law and the shipped texts: every
//! step's message family exists in each locale for each channel it can go out on, shows what
//! the law requires its kind of notice to say, and fits its SMS in `messaging.max_sms_segments`
//! (`max_sms_segments_ucs2` for Polish and Ukrainian).

use crate::config::Settings;
use crate::config::journey::file_key;
use crate::domain::creditor::Creditor;
use crate::domain::journey::{JourneyIssue, JourneyStep, StepKind, TEXT_VARIABLES, rule_setting};
use crate::domain::jurisdiction::{LawPack, law};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::sms_segments::{self as segments, Encoding};
use crate::i18n::Texts;

/// A problem: the setting (`journey.steps[2].deadline_days`) and `message (rule)`.
pub(in crate::config) type Problem = (String, String);

/// Every problem of `creditor`'s journey.
pub(in crate::config) fn check(
    creditor: &Creditor,
    settings: &Settings,
    texts: Option<&Texts>,
) -> Vec<Problem> {
    let journey = &creditor.journey;
    let law = law(creditor.jurisdiction);
    let mut found: Vec<Problem> = journey
        .check_shape()
        .into_iter()
        .chain(law.check_journey(journey))
        .map(|issue| rule_problem(creditor, &issue))
        .collect();
    // Without the texts (their failure to load is reported on its own) only the rules count.
    let Some(texts) = texts else {
        return found;
    };
    let samples = Samples::new(creditor, settings, texts);
    for (i, step) in journey.steps.iter().enumerate() {
        step_texts(
            creditor, law, texts, &samples, settings, i, step, &mut found,
        );
    }
    found
}

fn rule_problem(creditor: &Creditor, issue: &JourneyIssue) -> Problem {
    let step = issue.step.and_then(|i| creditor.journey.steps.get(i));
    let field = match (issue.step, step, rule_setting(issue.rule)) {
        (Some(i), Some(step), Some(key)) => format!("journey.steps[{i}].{}", file_key(step, key)),
        _ => issue.setting(),
    };
    let message = match step {
        Some(_) => format!(
            "step \"{}\": {} ({})",
            issue.step_id, issue.message, issue.rule
        ),
        None => format!("the journey {} ({})", issue.message, issue.rule),
    };
    (field, message)
}

/// Which message of a variant: its id, and whether it is a written notice's full text (which
/// must say what the law requires) and whether it is an SMS.
struct Wanted {
    id: String,
    notice: bool,
    sms: bool,
    link: bool,
}

fn wanted(creditor: &Creditor, step: &JourneyStep, variant: usize) -> Vec<Wanted> {
    let Some(v) = step.texts.get(variant) else {
        return Vec::new();
    };
    let channels = step.channels.reachable(creditor.messaging.channel_fallback);
    let mut ids = Vec::new();
    if channels.uses_sms() {
        ids.push(Wanted {
            id: v.sms_id(),
            notice: false,
            sms: true,
            link: true,
        });
    }
    if channels.uses_email() {
        ids.push(Wanted {
            id: v.email_subject_id(),
            notice: false,
            sms: false,
            link: false,
        });
        // An e-mail is the written notice itself (inkassoloven § 3a).
        ids.push(Wanted {
            id: v.email_body_id(),
            notice: true,
            sms: false,
            link: true,
        });
    }
    if step.kind != StepKind::Nudge {
        ids.push(Wanted {
            id: v.notice_id(),
            notice: true,
            sms: false,
            link: false,
        });
    }
    ids
}

#[allow(clippy::too_many_arguments)]
fn step_texts(
    creditor: &Creditor,
    law: &dyn LawPack,
    texts: &Texts,
    samples: &Samples,
    settings: &Settings,
    i: usize,
    step: &JourneyStep,
    found: &mut Vec<Problem>,
) {
    let required = law.required_notice_variables(step.kind);
    for variant in 0..step.texts.len() {
        let field = if step.texts.len() == 1 {
            format!("journey.steps[{i}].text")
        } else {
            format!("journey.steps[{i}].variants[{variant}].text")
        };
        for locale in Locale::ALL {
            let file = format!("templates/locales/{}/main.ftl", locale.code());
            let (limit, limit_key) = settings.messaging.sms_part_limit(locale);
            for want in wanted(creditor, step, variant) {
                let mut problem = |message: String, rule: &str| {
                    found.push((
                        field.clone(),
                        format!("step \"{}\": {message} ({rule})", step.id),
                    ));
                };
                let Some(used) = texts.variables(locale, &want.id, &TEXT_VARIABLES) else {
                    problem(format!("{file} has no message {}", want.id), "text_missing");
                    continue;
                };
                for name in &used.unknown {
                    problem(
                        format!(
                            "{file}: {} uses {{${name}}}, which a journey text is not given",
                            want.id
                        ),
                        "text_unknown_variable",
                    );
                }
                let shows = |name: &str| used.used.iter().any(|u| u == name);
                if want.notice {
                    for name in required.iter().filter(|n| !shows(n)) {
                        problem(
                            format!(
                                "{file}: {} does not show {{${name}}}, which a {} must state",
                                want.id,
                                step.kind.as_str()
                            ),
                            "text_required_variable",
                        );
                    }
                }
                if want.link && !shows("link") {
                    problem(
                        format!(
                            "{file}: {} does not show {{$link}}, the way to the case and the notice",
                            want.id
                        ),
                        "text_link",
                    );
                }
                if want.sms {
                    let text = texts.format(locale, &want.id, &samples.args(locale));
                    let count = segments::count(&text);
                    if count.segments > limit {
                        let unit = match count.encoding {
                            Encoding::Gsm7 => "GSM-7 septets",
                            Encoding::Ucs2 { .. } => "UTF-16 units (not GSM-7)",
                        };
                        problem(
                            format!(
                                "{file}: {} needs {} SMS parts ({} {unit} with a {}-character link), more than messaging.{limit_key} = {limit}",
                                want.id,
                                count.segments,
                                count.units,
                                samples.link.chars().count()
                            ),
                            "sms_segments",
                        );
                    }
                }
            }
        }
    }
}

/// One journey SMS in one language as [`check`] measures it: rendered for the sample case,
/// its parts, and the most parts `messaging` allows for the language.
#[derive(Debug, Clone)]
pub struct SmsSample {
    pub locale: Locale,
    pub text: String,
    pub count: segments::SegmentCount,
    pub limit: usize,
}

/// The SMS `{family}-sms` of `creditor`'s journey in every language that has it, rendered
/// with the same sample case (names, amounts, longest dates, a production-length link) the
/// check counts its parts with.
pub fn sms_samples(
    creditor: &Creditor,
    settings: &Settings,
    texts: &Texts,
    family: &str,
) -> Vec<SmsSample> {
    let samples = Samples::new(creditor, settings, texts);
    let id = format!("{family}-sms");
    Locale::ALL
        .into_iter()
        .filter(|locale| texts.has(*locale, &id))
        .map(|locale| {
            let text = texts.format(locale, &id, &samples.args(locale));
            SmsSample {
                locale,
                count: segments::count(&text),
                limit: settings.messaging.sms_part_limit(locale).0,
                text,
            }
        })
        .collect()
}

/// Realistic values for measuring an SMS: this creditor's name, its longest agency name, a
/// five-digit amount, the longest dates, and a production-length link.
struct Samples {
    creditor: String,
    agency: String,
    link: String,
    kid: String,
    account: String,
    per_locale: Vec<(Locale, LocaleSamples)>,
}

struct LocaleSamples {
    amount: String,
    principal: String,
    additional: String,
    fee: String,
    date: String,
}

/// The longest host a production link is measured with (`https://` + 20 characters).
const PRODUCTION_BASE_URL: &str = "https://pay.innkreving-as.no";

impl Samples {
    fn new(creditor: &Creditor, settings: &Settings, texts: &Texts) -> Samples {
        let agency = settings
            .agencies
            .iter()
            .filter(|a| a.creditors.iter().any(|c| c == creditor.id.as_str()))
            .map(|a| a.name.clone())
            .max_by_key(|n| n.chars().count())
            .unwrap_or_else(|| creditor.name.clone());
        Samples::with(
            &creditor.name,
            &agency,
            &settings.server.public_base_url,
            creditor.currency,
            creditor.kid_length,
            texts,
        )
    }

    fn with(
        creditor: &str,
        agency: &str,
        base_url: &str,
        currency: Currency,
        kid_length: usize,
        texts: &Texts,
    ) -> Samples {
        let configured = base_url.trim_end_matches('/');
        let base = if configured.chars().count() > PRODUCTION_BASE_URL.chars().count() {
            configured
        } else {
            PRODUCTION_BASE_URL
        };
        let link = format!("{base}/k/{}", "A".repeat(crate::links::TOKEN_LEN));
        let money = |minor| Money::from_minor(minor, currency);
        let per_locale = Locale::ALL
            .into_iter()
            .map(|locale| {
                (
                    locale,
                    LocaleSamples {
                        amount: money(1_234_567).format(locale),
                        principal: money(1_219_567).format(locale),
                        additional: money(15_000).format(locale),
                        fee: money(3_750).format(locale),
                        // The longest date of the language ("30 października 2026").
                        date: texts.longest_date(locale, 2026),
                    },
                )
            })
            .collect();
        Samples {
            creditor: creditor.to_owned(),
            agency: agency.to_owned(),
            link,
            kid: "7".repeat(kid_length + 1),
            account: "1503.12.34562".to_owned(),
            per_locale,
        }
    }

    fn args(&self, locale: Locale) -> Vec<(&str, &str)> {
        let Some((_, l)) = self.per_locale.iter().find(|(at, _)| *at == locale) else {
            return Vec::new();
        };
        vec![
            ("creditor", self.creditor.as_str()),
            ("agency", self.agency.as_str()),
            ("name", "Kari Nordmann"),
            ("amount", l.amount.as_str()),
            ("principal", l.principal.as_str()),
            ("additional", l.additional.as_str()),
            ("fee", l.fee.as_str()),
            ("due", l.date.as_str()),
            ("deadline", l.date.as_str()),
            ("claim_for", "strøm for august"),
            ("interest_rate", "12,00 %"),
            ("interest_from", l.date.as_str()),
            ("reference", "NE-2026-004711"),
            ("kid", self.kid.as_str()),
            ("account", self.account.as_str()),
            ("link", self.link.as_str()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_production_link_has_a_20_character_host_and_a_full_token() {
        let host = PRODUCTION_BASE_URL.trim_start_matches("https://");
        assert_eq!(host.chars().count(), 20);
        assert_eq!(crate::links::TOKEN_LEN, 25);
    }

    /// The default SMS of every kind, with the demo creditor's and agency's names, a
    /// production-length link and realistic amounts and dates: GSM-7 and one part in bokmål,
    /// nynorsk and English; Polish and Ukrainian are UCS-2 and fit the default two parts.
    #[test]
    fn every_default_journey_sms_fits_one_gsm7_part_or_two_ucs2_parts() {
        let texts = Texts::load().expect("texts");
        let samples = Samples::with(
            "Nordlys Energi AS",
            "Demo Inkasso AS",
            "http://127.0.0.1:8080",
            Currency::NOK,
            9,
            &texts,
        );
        assert_eq!(samples.link.chars().count(), 56);
        for kind in StepKind::ALL {
            let id = format!("journey-{}-sms", kind.as_str().replace('_', "-"));
            for locale in Locale::ALL {
                assert!(texts.has(locale, &id), "{id}");
                let text = texts.format(locale, &id, &samples.args(locale));
                let count = segments::count(&text);
                println!("{locale:?} {id}: {} units: {text}", count.units);
                if locale.sms_fits_gsm7() {
                    assert_eq!(count.encoding, Encoding::Gsm7, "{text}");
                    assert!(count.units <= 160, "{} septets: {text}", count.units);
                } else {
                    assert!(count.segments <= 2, "{} units: {text}", count.units);
                }
            }
        }
    }
}
