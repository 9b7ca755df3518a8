//! KID (kundeidentifikasjon), the Norwegian payment reference, and its MOD10/MOD11 check digits.

use std::fmt;

/// Shortest and longest KID including the check digit, as Norwegian banks accept them.
const MIN_KID_LEN: usize = 2;
const MAX_KID_LEN: usize = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KidAlgorithm {
    Mod10,
    Mod11,
}

impl KidAlgorithm {
    fn check_digit(self, digits: &str) -> Option<char> {
        match self {
            KidAlgorithm::Mod10 => mod10_check_digit(digits),
            KidAlgorithm::Mod11 => mod11_check_digit(digits),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KidError {
    #[error("KID must be 2 to 25 characters long, got {0}")]
    Length(usize),
    #[error("KID may only contain digits (and a trailing '-' for MOD11)")]
    NonDigit,
    #[error("KID check digit does not match")]
    WrongCheckDigit,
}

/// Digit values from the rightmost one leftwards; None if `digits` is empty or not all ASCII digits.
fn digits_from_right(digits: &str) -> Option<Vec<u32>> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.bytes().rev().map(|b| u32::from(b - b'0')).collect())
}

fn digit_char(value: u32) -> Option<char> {
    char::from_digit(value, 10)
}

/// Luhn check digit over the data digits.
pub fn mod10_check_digit(digits: &str) -> Option<char> {
    let sum: u32 = digits_from_right(digits)?
        .into_iter()
        .zip([2, 1].into_iter().cycle())
        .map(|(digit, weight)| {
            let product = digit * weight;
            // Summing the digits of a two-digit product equals subtracting 9.
            if product > 9 { product - 9 } else { product }
        })
        .sum();
    digit_char((10 - sum % 10) % 10)
}

/// MOD11 check digit over the data digits; `'-'` when the remainder leaves no digit.
pub fn mod11_check_digit(digits: &str) -> Option<char> {
    let sum: u32 = digits_from_right(digits)?
        .into_iter()
        .zip([2, 3, 4, 5, 6, 7].into_iter().cycle())
        .map(|(digit, weight)| digit * weight)
        .sum();
    match 11 - sum % 11 {
        11 => Some('0'),
        10 => Some('-'),
        check => digit_char(check),
    }
}

/// A KID with a verified check digit. Kept as text because leading zeros are significant.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[schema(example = "0000012348")]
pub struct Kid(String);

impl Kid {
    /// Parses a KID as typed or printed (spaces allowed) and verifies its check digit.
    pub fn parse(input: &str, algorithm: KidAlgorithm) -> Result<Kid, KidError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let len = compact.chars().count();
        if !(MIN_KID_LEN..=MAX_KID_LEN).contains(&len) {
            return Err(KidError::Length(len));
        }
        // Length is at least 2 ASCII-or-not chars; split off the last char safely.
        let Some((data, check)) = compact
            .char_indices()
            .last()
            .map(|(i, c)| (&compact[..i], c))
        else {
            return Err(KidError::Length(len));
        };
        let check_allowed =
            check.is_ascii_digit() || (check == '-' && algorithm == KidAlgorithm::Mod11);
        if !check_allowed || !data.bytes().all(|b| b.is_ascii_digit()) {
            return Err(KidError::NonDigit);
        }
        if algorithm.check_digit(data) != Some(check) {
            return Err(KidError::WrongCheckDigit);
        }
        Ok(Kid(compact))
    }

    /// Accepts a KID valid under either algorithm, for matching incoming payments.
    pub fn parse_any(input: &str) -> Result<Kid, KidError> {
        let mod10 = Kid::parse(input, KidAlgorithm::Mod10);
        if mod10.is_ok() {
            return mod10;
        }
        match Kid::parse(input, KidAlgorithm::Mod11) {
            Ok(kid) => Ok(kid),
            // A trailing '-' only makes sense for MOD11, so its verdict is the informative one.
            Err(mod11_error) if input.trim_end().ends_with('-') => Err(mod11_error),
            Err(_) => mod10,
        }
    }

    /// Issues the KID for a sequence number, zero-padded to `width` data digits.
    ///
    /// Returns None if the sequence does not fit, the length is out of range, or MOD11 would
    /// need a `-` check digit: debtors must type the KID, so the caller skips to the next sequence.
    pub fn for_sequence(sequence: u64, width: usize, algorithm: KidAlgorithm) -> Option<Kid> {
        let total = width.checked_add(1)?;
        if !(MIN_KID_LEN..=MAX_KID_LEN).contains(&total) {
            return None;
        }
        let data = format!("{sequence:0width$}");
        if data.len() != width {
            return None;
        }
        let check = algorithm.check_digit(&data)?;
        if check == '-' {
            return None;
        }
        Some(Kid(format!("{data}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mod10_check_digit_matches_the_luhn_example() {
        assert_eq!(mod10_check_digit("1234"), Some('4'));
        assert_eq!(mod10_check_digit("7992739871"), Some('3'));
        assert_eq!(mod10_check_digit("0"), Some('0'));
    }

    #[test]
    fn mod11_check_digit_matches_the_examples() {
        assert_eq!(mod11_check_digit("1234"), Some('3'));
        assert_eq!(mod11_check_digit("104"), Some('-'));
        assert_eq!(mod11_check_digit("0"), Some('0'));
    }

    #[test]
    fn check_digits_are_undefined_for_empty_or_non_digit_input() {
        for input in ["", "12a4", " 1234", "12-4", "１２"] {
            assert_eq!(mod10_check_digit(input), None, "{input:?}");
            assert_eq!(mod11_check_digit(input), None, "{input:?}");
        }
    }

    #[test]
    fn valid_kids_parse_and_spaces_are_stripped() -> Result<(), KidError> {
        assert_eq!(Kid::parse("12344", KidAlgorithm::Mod10)?.as_str(), "12344");
        assert_eq!(Kid::parse("1234 3", KidAlgorithm::Mod11)?.as_str(), "12343");
        assert_eq!(
            Kid::parse(" 1 2 3 4 4 ", KidAlgorithm::Mod10)?.to_string(),
            "12344"
        );
        Ok(())
    }

    #[test]
    fn mod11_kid_may_end_in_a_hyphen_but_mod10_may_not() -> Result<(), KidError> {
        assert_eq!(Kid::parse("104-", KidAlgorithm::Mod11)?.as_str(), "104-");
        assert_eq!(
            Kid::parse("104-", KidAlgorithm::Mod10),
            Err(KidError::NonDigit)
        );
        Ok(())
    }

    #[test]
    fn wrong_check_digit_is_rejected() {
        assert_eq!(
            Kid::parse("12345", KidAlgorithm::Mod10),
            Err(KidError::WrongCheckDigit)
        );
        assert_eq!(
            Kid::parse("12344", KidAlgorithm::Mod11),
            Err(KidError::WrongCheckDigit)
        );
        assert_eq!(
            Kid::parse("1040", KidAlgorithm::Mod11),
            Err(KidError::WrongCheckDigit)
        );
    }

    #[test]
    fn kids_outside_two_to_twenty_five_characters_are_rejected() {
        assert_eq!(
            Kid::parse("", KidAlgorithm::Mod10),
            Err(KidError::Length(0))
        );
        assert_eq!(
            Kid::parse("0", KidAlgorithm::Mod10),
            Err(KidError::Length(1))
        );
        let too_long = "1".repeat(26);
        assert_eq!(
            Kid::parse(&too_long, KidAlgorithm::Mod10),
            Err(KidError::Length(26))
        );
    }

    #[test]
    fn non_digits_are_rejected() {
        assert_eq!(
            Kid::parse("12a44", KidAlgorithm::Mod10),
            Err(KidError::NonDigit)
        );
        assert_eq!(
            Kid::parse("1-344", KidAlgorithm::Mod11),
            Err(KidError::NonDigit)
        );
        assert_eq!(
            Kid::parse("1234٤", KidAlgorithm::Mod10),
            Err(KidError::NonDigit)
        );
    }

    #[test]
    fn leading_zeros_are_preserved() -> Result<(), KidError> {
        let kid = Kid::for_sequence(42, 8, KidAlgorithm::Mod10).ok_or(KidError::NonDigit)?;
        assert!(kid.as_str().starts_with("00000042"), "{kid}");
        assert_eq!(kid.as_str().len(), 9);
        assert_eq!(Kid::parse(kid.as_str(), KidAlgorithm::Mod10)?, kid);
        let parsed = Kid::parse("0000000018", KidAlgorithm::Mod10)?;
        assert_eq!(parsed.as_str(), "0000000018");
        Ok(())
    }

    #[test]
    fn twenty_five_digit_kids_are_supported() -> Result<(), KidError> {
        for algorithm in [KidAlgorithm::Mod10, KidAlgorithm::Mod11] {
            let kid = Kid::for_sequence(u64::MAX - 1, 24, algorithm).ok_or(KidError::NonDigit)?;
            assert_eq!(kid.as_str().len(), 25);
            assert_eq!(Kid::parse(kid.as_str(), algorithm)?, kid);
        }
        Ok(())
    }

    #[test]
    fn for_sequence_refuses_what_does_not_fit() {
        assert_eq!(Kid::for_sequence(12345, 4, KidAlgorithm::Mod10), None);
        assert_eq!(Kid::for_sequence(1, 0, KidAlgorithm::Mod10), None);
        assert_eq!(Kid::for_sequence(1, 25, KidAlgorithm::Mod10), None);
        assert_eq!(Kid::for_sequence(1, usize::MAX, KidAlgorithm::Mod10), None);
        assert!(Kid::for_sequence(9, 1, KidAlgorithm::Mod10).is_some());
    }

    #[test]
    fn for_sequence_never_issues_hyphen_kids() {
        assert_eq!(Kid::for_sequence(104, 3, KidAlgorithm::Mod11), None);
        assert!(Kid::for_sequence(105, 3, KidAlgorithm::Mod11).is_some());
    }

    #[test]
    fn parse_any_accepts_either_algorithm() -> Result<(), KidError> {
        assert_eq!(Kid::parse_any("12344")?.as_str(), "12344");
        assert_eq!(Kid::parse_any("12343")?.as_str(), "12343");
        assert_eq!(Kid::parse_any("104-")?.as_str(), "104-");
        assert_eq!(Kid::parse_any("12340"), Err(KidError::WrongCheckDigit));
        assert_eq!(Kid::parse_any("105-"), Err(KidError::WrongCheckDigit));
        assert_eq!(Kid::parse_any("1"), Err(KidError::Length(1)));
        Ok(())
    }

    #[test]
    fn kid_serializes_as_a_string() -> Result<(), serde_json::Error> {
        let kid = Kid::for_sequence(7, 6, KidAlgorithm::Mod10);
        let json = serde_json::to_string(&kid)?;
        assert_eq!(json, "\"0000075\"");
        assert_eq!(serde_json::to_string(&KidAlgorithm::Mod11)?, "\"mod11\"");
        Ok(())
    }

    fn algorithm() -> impl Strategy<Value = KidAlgorithm> {
        prop_oneof![Just(KidAlgorithm::Mod10), Just(KidAlgorithm::Mod11)]
    }

    proptest! {
        #[test]
        fn issued_kids_parse_back_with_the_same_algorithm(
            sequence in any::<u64>(),
            width in 1usize..=24,
            algorithm in algorithm(),
        ) {
            if let Some(kid) = Kid::for_sequence(sequence, width, algorithm) {
                prop_assert_eq!(kid.as_str().len(), width + 1);
                prop_assert_eq!(Kid::parse(kid.as_str(), algorithm), Ok(kid.clone()));
            } else {
                let fits = sequence.to_string().len() <= width;
                let hyphen = algorithm == KidAlgorithm::Mod11
                    && mod11_check_digit(&format!("{sequence:0width$}")) == Some('-');
                prop_assert!(!fits || hyphen);
            }
        }

        #[test]
        fn changing_any_single_digit_invalidates_a_mod10_kid(
            sequence in any::<u64>(),
            position in any::<prop::sample::Index>(),
            delta in 1u8..=9,
        ) {
            let kid = Kid::for_sequence(sequence, 20, KidAlgorithm::Mod10);
            prop_assert!(kid.is_some());
            let mut bytes = kid.map(|k| k.as_str().as_bytes().to_vec()).unwrap_or_default();
            let i = position.index(bytes.len());
            bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(Kid::parse(&altered, KidAlgorithm::Mod10), Err(KidError::WrongCheckDigit));
        }

        #[test]
        fn kid_parse_never_panics(input in "\\PC{0,40}", algorithm in algorithm()) {
            let _ = Kid::parse(&input, algorithm);
            let _ = Kid::parse_any(&input);
        }
    }
}
