//! The user-facing languages innfri speaks and how language tags map onto them.

use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Norwegian bokmål.
    #[default]
    Nb,
    /// Norwegian nynorsk.
    Nn,
    En,
    Pl,
    /// Ukrainian (BCP 47 `uk`; `ua` is the country, not the language).
    Uk,
}

/// Which way a language's text runs: the `dir` attribute of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

impl Locale {
    /// In the order the language chooser lists them.
    pub const ALL: [Locale; 5] = [Locale::Nb, Locale::Nn, Locale::En, Locale::Pl, Locale::Uk];

    /// Maps a language tag such as `nb-NO`, `en_GB`, `pl-PL` or `no` onto a supported locale.
    ///
    /// The macro language `no` means bokmål, which every Norwegian reader reads.
    pub fn parse(s: &str) -> Option<Locale> {
        let mut subtags = s.trim().split(['-', '_']);
        let primary = subtags.next()?.to_ascii_lowercase();
        let locale = match primary.as_str() {
            "nb" | "no" => Locale::Nb,
            "nn" => Locale::Nn,
            "en" => Locale::En,
            "pl" => Locale::Pl,
            "uk" => Locale::Uk,
            _ => return None,
        };
        // Region/script subtags are ignored, but garbage like "en-" or "nb-!!" is not a tag.
        let rest_is_well_formed = subtags.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
        });
        rest_is_well_formed.then_some(locale)
    }

    /// The BCP 47 tag, as in `lang`, `hreflang`, `?lang=` and the API.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Nb => "nb",
            Locale::Nn => "nn",
            Locale::En => "en",
            Locale::Pl => "pl",
            Locale::Uk => "uk",
        }
    }

    /// The language's name in itself, as the language chooser shows it (the same in every
    /// language, so a reader finds their own).
    pub fn own_name(self) -> &'static str {
        match self {
            Locale::Nb => "Bokmål",
            Locale::Nn => "Nynorsk",
            Locale::En => "English",
            Locale::Pl => "Polski",
            Locale::Uk => "Українська",
        }
    }

    /// Every language we ship runs left to right; the pages' CSS uses logical properties so
    /// one that does not needs no second sheet.
    pub fn direction(self) -> Direction {
        Direction::Ltr
    }

    /// Whether the language's SMS texts are written in the GSM-7 alphabet (160 characters a
    /// part). Polish letters such as ą, ł, ś and all of Cyrillic are not in it: those texts go
    /// as UCS-2, 70 characters a part, and are written short to fit the configured parts.
    pub fn sms_fits_gsm7(self) -> bool {
        match self {
            Locale::Nb | Locale::Nn | Locale::En => true,
            Locale::Pl | Locale::Uk => false,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_tags_in_any_case_and_separator_map_to_bokmal() {
        for tag in ["nb", "NB", "nb-NO", "nb_NO", "nb-no", "no", "NO-no", " nb "] {
            assert_eq!(Locale::parse(tag), Some(Locale::Nb), "{tag}");
        }
    }

    #[test]
    fn nynorsk_polish_and_ukrainian_tags_map_to_their_language() {
        for (tag, locale) in [
            ("nn", Locale::Nn),
            ("nn-NO", Locale::Nn),
            ("NN_no", Locale::Nn),
            ("pl", Locale::Pl),
            ("pl-PL", Locale::Pl),
            ("PL", Locale::Pl),
            ("uk", Locale::Uk),
            ("uk-UA", Locale::Uk),
            ("uk_ua", Locale::Uk),
        ] {
            assert_eq!(Locale::parse(tag), Some(locale), "{tag}");
        }
    }

    #[test]
    fn english_tags_with_any_region_map_to_english() {
        for tag in ["en", "EN", "en-GB", "en-US", "en_us", "en-Latn-GB"] {
            assert_eq!(Locale::parse(tag), Some(Locale::En), "{tag}");
        }
    }

    #[test]
    fn unsupported_or_malformed_tags_are_rejected() {
        for tag in [
            "", "sv", "de-DE", "english", "nbNO", "en-", "nb--NO", "en-GB!", "e", "ua", "ru",
            "pl-", "uk--UA",
        ] {
            assert_eq!(Locale::parse(tag), None, "{tag}");
        }
    }

    #[test]
    fn code_and_display_are_the_short_language_code() {
        assert_eq!(Locale::Nb.code(), "nb");
        assert_eq!(Locale::En.code(), "en");
        assert_eq!(Locale::Nn.code(), "nn");
        assert_eq!(Locale::Pl.code(), "pl");
        assert_eq!(Locale::Uk.code(), "uk");
        assert_eq!(Locale::En.to_string(), "en");
    }

    #[test]
    fn default_locale_is_bokmal() {
        assert_eq!(Locale::default(), Locale::Nb);
    }

    #[test]
    fn every_locale_parses_back_from_its_code_and_has_its_own_name() {
        for locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.code()), Some(locale));
            assert!(!locale.own_name().is_empty());
            assert_eq!(locale.direction(), Direction::Ltr);
        }
        assert_eq!(Locale::Uk.own_name(), "Українська");
    }

    #[test]
    fn serde_uses_the_lowercase_code() -> Result<(), serde_json::Error> {
        assert_eq!(serde_json::to_string(&Locale::Nb)?, "\"nb\"");
        assert_eq!(serde_json::to_string(&Locale::Uk)?, "\"uk\"");
        assert_eq!(serde_json::from_str::<Locale>("\"en\"")?, Locale::En);
        assert_eq!(serde_json::from_str::<Locale>("\"nn\"")?, Locale::Nn);
        assert_eq!(serde_json::from_str::<Locale>("\"pl\"")?, Locale::Pl);
        Ok(())
    }
}
