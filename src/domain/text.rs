//! Rules for the text an agency sends (names, descriptions, references, reasons, notes): a
//! length in characters, and no characters that hide or reorder what a debtor or a clerk reads —
//! control characters, line separators, and bidirectional embeddings, overrides and isolates
//! (the "Trojan Source" set). One function checks every such field at the API boundary.

/// Whether line breaks belong in the text: one line (names, descriptions, references) or
/// several (what the agency writes to the debtor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    /// `\n` is allowed; `\r` is not (a lone carriage return can overwrite a line in a log).
    Multi,
}

/// What one field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    /// At most this many characters (Unicode scalar values, as JSON Schema's `maxLength`
    /// counts), surrounding spaces included.
    pub max_chars: usize,
    pub lines: Lines,
    /// Must hold something besides spaces.
    pub required: bool,
    /// May contain spaces at all (a payment reference may not).
    pub spaces: bool,
}

impl TextRule {
    /// One line of at most `max_chars`, may be empty.
    pub const fn line(max_chars: usize) -> TextRule {
        TextRule {
            max_chars,
            lines: Lines::Single,
            required: false,
            spaces: true,
        }
    }

    /// Several lines of at most `max_chars` in all, may be empty.
    pub const fn lines(max_chars: usize) -> TextRule {
        TextRule {
            lines: Lines::Multi,
            ..TextRule::line(max_chars)
        }
    }

    /// The same rule, but blank text is refused.
    pub const fn required(self) -> TextRule {
        TextRule {
            required: true,
            ..self
        }
    }

    /// The same rule, but no whitespace anywhere.
    pub const fn without_spaces(self) -> TextRule {
        TextRule {
            spaces: false,
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain spaces")]
    Whitespace,
    #[error("must not contain control characters or line breaks (U+{0:04X})")]
    Control(u32),
    #[error("must not contain bidirectional embedding, override or isolate characters (U+{0:04X})")]
    Bidi(u32),
}

/// C0 controls, DEL and C1 controls, and the Unicode line and paragraph separators: invisible,
/// and they break lines where none are expected. `\n` (U+000A) is let through in `Lines::Multi`.
const CONTROL: &[(char, char)] = &[
    ('\u{0}', '\u{1F}'),
    ('\u{7F}', '\u{9F}'),
    ('\u{2028}', '\u{2029}'),
];

/// Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they reorder the
/// text around them, so what is shown differs from what is stored. The marks U+200E, U+200F and
/// U+061C stay allowed: they change no strong character's direction, and right-to-left names
/// may need them.
const BIDI: &[(char, char)] = &[('\u{202A}', '\u{202E}'), ('\u{2066}', '\u{2069}')];

/// `char::is_whitespace` as ranges (Unicode White_Space), for the document's patterns; a test
/// checks the two agree on every character.
const WHITESPACE: &[(char, char)] = &[
    ('\u{9}', '\u{D}'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{A0}', '\u{A0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200A}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202F}', '\u{202F}'),
    ('\u{205F}', '\u{205F}'),
    ('\u{3000}', '\u{3000}'),
];

fn within(ranges: &[(char, char)], c: char) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

fn forbidden(c: char, lines: Lines) -> Result<(), TextError> {
    if lines == Lines::Multi && c == '\n' {
        return Ok(());
    }
    if within(CONTROL, c) {
        return Err(TextError::Control(u32::from(c)));
    }
    if within(BIDI, c) {
        return Err(TextError::Bidi(u32::from(c)));
    }
    Ok(())
}

/// Checks `raw` against `rule` and returns it with surrounding whitespace trimmed.
pub fn agency_text(raw: &str, rule: TextRule) -> Result<String, TextError> {
    if raw.chars().count() > rule.max_chars {
        return Err(TextError::TooLong(rule.max_chars));
    }
    for c in raw.chars() {
        forbidden(c, rule.lines)?;
        if !rule.spaces && c.is_whitespace() {
            return Err(TextError::Whitespace);
        }
    }
    let text = raw.trim();
    if rule.required && text.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(text.to_owned())
}

/// The characters `agency_text` refuses under `rule` (besides length), as `(first, last)` ranges:
/// the API document turns them into a `pattern`.
pub fn refused_ranges(rule: TextRule) -> Vec<(char, char)> {
    let mut ranges: Vec<(char, char)> = Vec::new();
    for &(lo, hi) in CONTROL.iter().chain(BIDI) {
        if rule.lines == Lines::Multi && (lo..=hi).contains(&'\n') {
            if lo < '\n' {
                ranges.push((lo, '\u{9}'));
            }
            if hi > '\n' {
                ranges.push(('\u{B}', hi));
            }
        } else {
            ranges.push((lo, hi));
        }
    }
    if !rule.spaces {
        ranges.extend_from_slice(WHITESPACE);
    }
    ranges
}

/// What `char::is_whitespace` counts as whitespace (trimmed away, blank when only these).
pub fn whitespace_ranges() -> &'static [(char, char)] {
    WHITESPACE
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAME: TextRule = TextRule::line(10).required();

    #[test]
    fn text_is_trimmed_and_counted_in_characters() {
        assert_eq!(
            agency_text("  Åse Ødegård ", TextRule::line(14)),
            Ok("Åse Ødegård".into())
        );
        assert_eq!(agency_text("ææææææææææ", NAME), Ok("ææææææææææ".into()));
        assert_eq!(
            agency_text("æææææææææææ", NAME),
            Err(TextError::TooLong(10))
        );
        // The limit counts what was sent, spaces too, as the document's maxLength does.
        assert_eq!(
            agency_text("abcdefghij ", NAME),
            Err(TextError::TooLong(10))
        );
    }

    #[test]
    fn blank_text_is_refused_only_where_required() {
        assert_eq!(agency_text(" \u{3000} ", NAME), Err(TextError::Empty));
        assert_eq!(agency_text("", NAME), Err(TextError::Empty));
        assert_eq!(agency_text("  ", TextRule::line(10)), Ok(String::new()));
    }

    #[test]
    fn control_characters_and_separators_are_refused() {
        for c in [
            '\0', '\t', '\r', '\u{1B}', '\u{7F}', '\u{85}', '\u{9B}', '\u{2028}', '\u{2029}',
        ] {
            let text = format!("Ola{c}Nordmann");
            assert_eq!(
                agency_text(&text, TextRule::lines(100)),
                Err(TextError::Control(u32::from(c))),
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(
            agency_text("a\nb", TextRule::line(10)),
            Err(TextError::Control(0x0A))
        );
        assert_eq!(agency_text("a\nb", TextRule::lines(10)), Ok("a\nb".into()));
    }

    #[test]
    fn bidi_overrides_and_isolates_are_refused_but_marks_are_not() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}',
        ] {
            let text = format!("Faktura {c}1001");
            assert_eq!(
                agency_text(&text, TextRule::line(100)),
                Err(TextError::Bidi(u32::from(c)))
            );
        }
        for mark in ['\u{200E}', '\u{200F}', '\u{61C}'] {
            let text = format!("سارة{mark} Nordmann");
            assert!(agency_text(&text, TextRule::line(100)).is_ok());
        }
    }

    #[test]
    fn references_take_no_spaces() {
        let reference = TextRule::line(100).required().without_spaces();
        assert_eq!(agency_text("bank-123", reference), Ok("bank-123".into()));
        assert_eq!(
            agency_text("bank 123", reference),
            Err(TextError::Whitespace)
        );
        assert_eq!(agency_text(" bank", reference), Err(TextError::Whitespace));
        assert_eq!(
            agency_text("bank\u{A0}", reference),
            Err(TextError::Whitespace)
        );
    }

    #[test]
    fn the_whitespace_table_is_char_is_whitespace() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                within(WHITESPACE, c),
                c.is_whitespace(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    proptest! {
        /// The ranges the document publishes are exactly the characters refused.
        #[test]
        fn refused_ranges_match_the_check(c in any::<char>(), multi in any::<bool>(), spaces in any::<bool>()) {
            let mut rule = if multi { TextRule::lines(10) } else { TextRule::line(10) };
            rule.spaces = spaces;
            let refused = agency_text(&format!("a{c}"), rule).is_err();
            prop_assert_eq!(within(&refused_ranges(rule), c), refused);
        }
    }
}
