//! Texts a debtor reads, from the Fluent files in `templates/locales/` (embedded at build time).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::resolver::ResolverError;
use fluent_bundle::resolver::errors::ReferenceKind;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};

use crate::domain::locale::Locale;

/// Each language's texts, in the order of [`Locale::ALL`].
const SOURCES: [(Locale, &str); 5] = [
    (Locale::Nb, include_str!("../templates/locales/nb/main.ftl")),
    (Locale::Nn, include_str!("../templates/locales/nn/main.ftl")),
    (Locale::En, include_str!("../templates/locales/en/main.ftl")),
    (Locale::Pl, include_str!("../templates/locales/pl/main.ftl")),
    (Locale::Uk, include_str!("../templates/locales/uk/main.ftl")),
];

pub struct Texts {
    /// One bundle per locale, at the locale's [`slot`].
    bundles: Vec<FluentBundle<FluentResource>>,
    /// Texts without placeholders, formatted once at start: most of a page is these.
    fixed: Vec<HashMap<String, String>>,
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
            bundles: SOURCES
                .iter()
                .map(|(locale, source)| bundle(locale.code(), source))
                .collect::<Result<_, _>>()?,
            fixed: Vec::new(),
        };
        let mut fixed = vec![HashMap::new(); SOURCES.len()];
        for (locale, source) in SOURCES {
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
        // Every locale has a bundle (`load` builds one per entry of SOURCES).
        &self.bundles[slot(locale)]
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
            fluent_args.set(*name, argument(value));
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

impl Texts {
    /// The longest date `locale` writes in `year` (a two-digit day in its longest month name:
    /// "30. september" in bokmål, "30 października" in Polish): what an SMS is measured with.
    pub fn longest_date(&self, locale: Locale, year: i32) -> String {
        (1..=12)
            .filter_map(|month| NaiveDate::from_ymd_opt(year, month, 28))
            .map(|d| {
                d.with_day(if d.month() == 2 { 28 } else { 30 })
                    .unwrap_or(d)
            })
            .map(|d| self.date(locale, d))
            .max_by_key(|text| text.chars().count())
            .unwrap_or_default()
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
        Locale::Nn => 1,
        Locale::En => 2,
        Locale::Pl => 3,
        Locale::Uk => 4,
    }
}

/// A placeholder's value for Fluent. A plain count ("3", "21") goes as a number, so a text can
/// choose its plural form (`{ $hours -> [one] … [few] … *[many] … }`, which Polish and
/// Ukrainian need); it prints exactly as given. Anything else (amounts, dates, a KID with
/// leading zeros, long references) stays text.
fn argument(value: &str) -> FluentValue<'_> {
    let count = (1..=9).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_digit())
        && (value == "0" || !value.starts_with('0'));
    match value.parse::<u32>() {
        Ok(n) if count => FluentValue::from(n),
        _ => FluentValue::from(value),
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
        let mut ids = message_ids(source);
        ids.sort();
        ids
    }

    /// Every directory under `templates/locales` (not only the ones compiled in) is a locale we
    /// ship, and defines exactly the ids bokmål defines.
    #[test]
    fn every_locale_directory_defines_the_same_texts() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/locales");
        let nb = ids(SOURCES[0].1);
        assert!(nb.len() > 20);
        let mut dirs = Vec::new();
        for entry in std::fs::read_dir(&root).expect("locales dir") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let locale = Locale::parse(&name).expect("a directory per supported locale");
            assert_eq!(locale.code(), name, "directory named by its code");
            let source = std::fs::read_to_string(entry.path().join("main.ftl")).expect("main.ftl");
            let found = ids(&source);
            let missing: Vec<_> = nb.iter().filter(|id| !found.contains(id)).collect();
            let extra: Vec<_> = found.iter().filter(|id| !nb.contains(id)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{name}: missing {missing:?}, not in nb {extra:?}"
            );
            dirs.push(locale);
        }
        for locale in Locale::ALL {
            assert!(dirs.contains(&locale), "no directory for {locale}");
        }
        for (i, (locale, _)) in SOURCES.iter().enumerate() {
            assert_eq!(slot(*locale), i);
        }
    }

    #[test]
    fn dates_follow_the_locale() {
        let texts = Texts::load().expect("texts");
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert_eq!(texts.date(Locale::Nb, date), "1. desember 2026");
        assert_eq!(texts.date(Locale::Nn, date), "1. desember 2026");
        assert_eq!(texts.date(Locale::En, date), "1 December 2026");
        // Polish and Ukrainian name the month in the genitive after a day.
        assert_eq!(texts.date(Locale::Pl, date), "1 grudnia 2026");
        assert_eq!(texts.date(Locale::Uk, date), "1 грудня 2026 р.");
        assert_eq!(texts.longest_date(Locale::Nb, 2026), "30. september 2026");
        assert_eq!(texts.longest_date(Locale::Pl, 2026), "30 października 2026");
        assert_eq!(texts.longest_date(Locale::Uk, 2026), "30 листопада 2026 р.");
        let september = NaiveDate::from_ymd_opt(2026, 9, 30).expect("date");
        assert_eq!(texts.date(Locale::Pl, september), "30 września 2026");
        assert_eq!(texts.date(Locale::Uk, september), "30 вересня 2026 р.");
    }

    #[test]
    fn counts_take_the_plural_form_of_polish_and_ukrainian() {
        let texts = Texts::load().expect("texts");
        let hours = |locale, n: &str| texts.format(locale, "too-many-in-hours", &[("hours", n)]);
        assert_eq!(hours(Locale::Pl, "2"), "za 2 godziny");
        assert_eq!(hours(Locale::Pl, "5"), "za 5 godzin");
        assert_eq!(hours(Locale::Pl, "22"), "za 22 godziny");
        assert_eq!(hours(Locale::Pl, "12"), "za 12 godzin");
        assert_eq!(hours(Locale::Uk, "2"), "через 2 години");
        assert_eq!(hours(Locale::Uk, "5"), "через 5 годин");
        assert_eq!(hours(Locale::Uk, "21"), "через 21 годину");
        assert_eq!(hours(Locale::Uk, "11"), "через 11 годин");
        assert_eq!(hours(Locale::Nb, "24"), "om 24 timer");
        let left = |locale, n: &str| texts.format(locale, "verify-wrong", &[("left", n)]);
        assert!(
            left(Locale::Pl, "1").contains("1 próba"),
            "{}",
            left(Locale::Pl, "1")
        );
        assert!(
            left(Locale::Pl, "3").contains("3 próby"),
            "{}",
            left(Locale::Pl, "3")
        );
        assert!(
            left(Locale::Uk, "1").contains("1 спроба"),
            "{}",
            left(Locale::Uk, "1")
        );
        assert!(
            left(Locale::Uk, "4").contains("4 спроби"),
            "{}",
            left(Locale::Uk, "4")
        );
    }

    #[test]
    fn a_wrong_code_says_how_many_tries_are_left_in_the_right_form() {
        let texts = Texts::load().expect("texts");
        let left =
            |locale, n: &str| texts.format(locale, "error-details-code-wrong", &[("left", n)]);
        assert!(
            left(Locale::Nb, "1").ends_with("én gang til."),
            "{}",
            left(Locale::Nb, "1")
        );
        assert!(left(Locale::Nb, "2").ends_with("2 ganger til."));
        assert!(left(Locale::Nn, "1").ends_with("éin gong til."));
        assert!(left(Locale::En, "1").ends_with("one more time."));
        assert!(left(Locale::En, "2").ends_with("2 more times."));
        assert!(left(Locale::Pl, "1").ends_with("jeszcze raz."));
        assert!(left(Locale::Pl, "2").ends_with("jeszcze 2 razy."));
        assert!(left(Locale::Uk, "1").ends_with("ще 1 раз."));
        assert!(left(Locale::Uk, "2").ends_with("ще 2 рази."));
        assert!(left(Locale::Uk, "5").ends_with("ще 5 разів."));
    }

    #[test]
    fn only_plain_counts_go_to_fluent_as_numbers() {
        assert!(matches!(argument("3"), FluentValue::Number(_)));
        assert!(matches!(argument("0"), FluentValue::Number(_)));
        assert!(matches!(argument("123456789"), FluentValue::Number(_)));
        for text in [
            "0000000414",
            "1234567890",
            "1 252,00 kr",
            "12.5",
            "-3",
            "",
            "03",
        ] {
            assert!(matches!(argument(text), FluentValue::String(_)), "{text}");
        }
        let texts = Texts::load().expect("texts");
        // A number prints as it came in.
        let text = texts.format(Locale::En, "instalment-heading", &[("number", "12")]);
        assert_eq!(text, "Instalment 12");
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
