//! Texts a debtor reads, from the Fluent files in `templates/locales/` (embedded at build time).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::resolver::ResolverError;
use fluent_bundle::resolver::errors::ReferenceKind;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};

use crate::domain::locale::Locale;

const NB: &str = include_str!("../templates/locales/nb/main.ftl");
const EN: &str = include_str!("../templates/locales/en/main.ftl");

pub struct Texts {
    nb: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
    /// Texts without placeholders, formatted once at start: most of a page is these.
    fixed: [HashMap<String, String>; 2],
}

#[derive(Debug, thiserror::Error)]
#[error("templates/locales/{locale}/main.ftl: {message}")]
pub struct TextsError {
    locale: &'static str,
    message: String,
}

fn bundle(locale: &'static str, source: &str) -> Result<FluentBundle<FluentResource>, TextsError> {
    let resource =
        FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| TextsError {
            locale,
            message: format!("{errors:?}"),
        })?;
    let langid = locale.parse().map_err(|_| TextsError {
        locale,
        message: "bad language id".into(),
    })?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Isolation marks (U+2068/U+2069) would push every SMS out of GSM-7.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).map_err(|errors| TextsError {
        locale,
        message: format!("{errors:?}"),
    })?;
    Ok(bundle)
}

impl Texts {
    pub fn load() -> Result<Texts, TextsError> {
        let mut texts = Texts {
            nb: bundle("nb", NB)?,
            en: bundle("en", EN)?,
            fixed: [HashMap::new(), HashMap::new()],
        };
        let mut fixed = [HashMap::new(), HashMap::new()];
        for (locale, source) in [(Locale::Nb, NB), (Locale::En, EN)] {
            let bundle = texts.bundle(locale);
            for id in message_ids(source) {
                if let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) {
                    let mut errors = Vec::new();
                    let text = bundle
                        .format_pattern(pattern, None, &mut errors)
                        .into_owned();
                    // A text with placeholders reports missing arguments: it stays dynamic.
                    if errors.is_empty() {
                        fixed[slot(locale)].insert(id, text);
                    }
                }
            }
        }
        texts.fixed = fixed;
        Ok(texts)
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        match locale {
            Locale::Nb => &self.nb,
            Locale::En => &self.en,
        }
    }

    /// The text `id` in `locale` with `{$name}` placeholders filled from `args`.
    /// A missing id shows as the id itself (a test checks both locales have every id).
    pub fn format(&self, locale: Locale, id: &str, args: &[(&str, &str)]) -> String {
        let bundle = self.bundle(locale);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, %locale, "missing text");
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(*value));
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, %locale, ?errors, "text formatted with errors");
        }
        text.into_owned()
    }

    /// Whether `locale` has a text `id` with a value.
    pub fn has(&self, locale: Locale, id: &str) -> bool {
        self.bundle(locale)
            .get_message(id)
            .is_some_and(|m| m.value().is_some())
    }

    /// Which of `known` the text `id` shows (each given a marker value and looked for in the
    /// result, so a variable behind a message reference counts), and the variables it uses that
    /// are not among them. `None` when the text does not exist.
    pub fn variables(&self, locale: Locale, id: &str, known: &[&str]) -> Option<VariableUse> {
        let pattern = self.bundle(locale).get_message(id)?.value()?;
        let marker = |name: &str| format!("\u{1}{name}\u{2}");
        let mut args = FluentArgs::new();
        for name in known {
            args.set(*name, FluentValue::from(marker(name)));
        }
        let mut errors = Vec::new();
        let text = self
            .bundle(locale)
            .format_pattern(pattern, Some(&args), &mut errors);
        let used = known
            .iter()
            .filter(|name| text.contains(&marker(name)))
            .map(|name| (*name).to_owned())
            .collect();
        let unknown = errors
            .into_iter()
            .filter_map(|e| match e {
                FluentError::ResolverError(ResolverError::Reference(ReferenceKind::Variable {
                    id,
                })) => Some(id),
                _ => None,
            })
            .collect();
        Some(VariableUse { used, unknown })
    }

    pub fn get(&self, locale: Locale, id: &str) -> String {
        match self.fixed[slot(locale)].get(id) {
            Some(text) => text.clone(),
            None => self.format(locale, id, &[]),
        }
    }

    /// A calendar date the way the locale writes it: "1. desember 2026" / "1 December 2026".
    pub fn date(&self, locale: Locale, date: NaiveDate) -> String {
        let month = self.get(locale, &format!("month-{}", date.month()));
        let day = date.day().to_string();
        let year = date.year().to_string();
        self.format(
            locale,
            "date-format",
            &[("day", &day), ("month", &month), ("year", &year)],
        )
    }
}

/// The variables a text shows, and the ones it names that no caller gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableUse {
    pub used: Vec<String>,
    pub unknown: Vec<String>,
}

fn slot(locale: Locale) -> usize {
    match locale {
        Locale::Nb => 0,
        Locale::En => 1,
    }
}

/// The message ids a Fluent file defines (top-level `id = …` lines).
fn message_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| !l.starts_with([' ', '#']) && l.contains(" ="))
        .filter_map(|l| l.split(" =").next().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        message_ids(source)
    }

    #[test]
    fn both_locales_define_the_same_texts() {
        let mut nb = ids(NB);
        let mut en = ids(EN);
        nb.sort();
        en.sort();
        assert!(nb.len() > 20);
        assert_eq!(nb, en);
    }

    #[test]
    fn dates_follow_the_locale() {
        let texts = Texts::load().expect("texts");
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert_eq!(texts.date(Locale::Nb, date), "1. desember 2026");
        assert_eq!(texts.date(Locale::En, date), "1 December 2026");
    }

    #[test]
    fn the_variables_a_text_shows_are_found_and_unknown_ones_named() {
        let texts = Texts::load().expect("texts");
        let found = texts
            .variables(Locale::Nb, "reminder-sms", &["creditor", "amount", "name"])
            .expect("exists");
        assert_eq!(found.used, vec!["creditor", "amount"]);
        assert_eq!(found.unknown, vec!["due", "link"]);
        assert!(texts.variables(Locale::En, "no-such-text", &[]).is_none());
        assert!(texts.has(Locale::En, "reminder-sms"));
        assert!(!texts.has(Locale::En, "no-such-text"));
    }

    #[test]
    fn a_journey_e_mail_carries_its_written_notice() {
        let texts = Texts::load().expect("texts");
        let args = [
            ("name", "Kari"),
            ("creditor", "Nordlys Energi AS"),
            ("claim_for", "strøm for august"),
            ("deadline", "30. september 2026"),
            ("link", "https://x/k/y"),
        ];
        for locale in Locale::ALL {
            let body = texts.format(locale, "journey-inkassovarsel-email-body", &args);
            let notice = texts.format(locale, "journey-inkassovarsel-notice", &args);
            assert!(body.contains(&notice), "{body}");
            assert!(body.contains("strøm for august") && body.contains("https://x/k/y"));
        }
    }

    #[test]
    fn placeholders_are_filled_without_isolation_marks() {
        let texts = Texts::load().expect("texts");
        let text = texts.format(
            Locale::En,
            "page-title",
            &[("creditor", "Nordlys Energi AS")],
        );
        assert_eq!(text, "Your case with Nordlys Energi AS");
    }
}
