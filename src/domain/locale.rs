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
    #[default]
    Nb,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Nb, Locale::En];

    /// Maps a language tag such as `nb-NO`, `en_GB` or `no` onto a supported locale.
    ///
    /// Nynorsk (`nn`) and the macro language `no` fall back to Bokmål because we
    /// only ship Bokmål texts and they are readable to every Norwegian speaker.
    pub fn parse(s: &str) -> Option<Locale> {
        let mut subtags = s.trim().split(['-', '_']);
        let primary = subtags.next()?.to_ascii_lowercase();
        let locale = match primary.as_str() {
            "nb" | "no" | "nn" => Locale::Nb,
            "en" => Locale::En,
            _ => return None,
        };
        // Region/script subtags are ignored, but garbage like "en-" or "nb-!!" is not a tag.
        let rest_is_well_formed = subtags.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
        });
        rest_is_well_formed.then_some(locale)
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::Nb => "nb",
            Locale::En => "en",
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
    fn norwegian_tags_in_any_case_and_separator_map_to_bokmal() {
        for tag in [
            "nb", "NB", "nb-NO", "nb_NO", "nb-no", "no", "NO-no", "nn", "nn-NO", " nb ",
        ] {
            assert_eq!(Locale::parse(tag), Some(Locale::Nb), "{tag}");
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
            "", "sv", "de-DE", "english", "nbNO", "en-", "nb--NO", "en-GB!", "e",
        ] {
            assert_eq!(Locale::parse(tag), None, "{tag}");
        }
    }

    #[test]
    fn code_and_display_are_the_short_language_code() {
        assert_eq!(Locale::Nb.code(), "nb");
        assert_eq!(Locale::En.code(), "en");
        assert_eq!(Locale::En.to_string(), "en");
    }

    #[test]
    fn default_locale_is_bokmal() {
        assert_eq!(Locale::default(), Locale::Nb);
    }

    #[test]
    fn every_locale_parses_back_from_its_code() {
        for locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.code()), Some(locale));
        }
    }

    #[test]
    fn serde_uses_the_lowercase_code() -> Result<(), serde_json::Error> {
        assert_eq!(serde_json::to_string(&Locale::Nb)?, "\"nb\"");
        assert_eq!(serde_json::from_str::<Locale>("\"en\"")?, Locale::En);
        Ok(())
    }
}
