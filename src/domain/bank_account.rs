//! Norwegian bank account numbers (11 digits, MOD11 check digit).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const ACCOUNT_DIGITS: usize = 11;
const WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankAccountError {
    #[error("bank account number must have 11 digits, got {0}")]
    Length(usize),
    #[error("bank account number may only contain digits, spaces and dots")]
    NonDigit,
    #[error("bank account number check digit does not match")]
    WrongCheckDigit,
}

/// A Norwegian bank account number with a verified check digit, stored as its 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BankAccountNumber(String);

impl BankAccountNumber {
    /// Accepts `86011117947`, `8601.11.17947` or `8601 11 17947`.
    pub fn parse(input: &str) -> Result<BankAccountNumber, BankAccountError> {
        let mut digits = String::with_capacity(ACCOUNT_DIGITS);
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' => {}
                _ => return Err(BankAccountError::NonDigit),
            }
        }
        if digits.len() != ACCOUNT_DIGITS {
            return Err(BankAccountError::Length(digits.len()));
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        // Remainder 1 gives 10, which no digit can express: such numbers are never issued.
        let expected = match 11 - sum % 11 {
            11 => 0,
            10 => return Err(BankAccountError::WrongCheckDigit),
            check => check,
        };
        if values.last() != Some(&expected) {
            return Err(BankAccountError::WrongCheckDigit);
        }
        Ok(BankAccountNumber(digits))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The conventional `XXXX.XX.XXXXX` grouping.
    pub fn formatted(&self) -> String {
        match (self.0.get(..4), self.0.get(4..6), self.0.get(6..)) {
            (Some(bank), Some(group), Some(serial)) => format!("{bank}.{group}.{serial}"),
            // Unreachable while `parse` is the only constructor; never panic over formatting.
            _ => self.0.clone(),
        }
    }
}

impl fmt::Display for BankAccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

impl Serialize for BankAccountNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for BankAccountNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BankAccountNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid_account_number_parses_in_all_notations() -> Result<(), BankAccountError> {
        for input in [
            "86011117947",
            "8601.11.17947",
            "8601 11 17947",
            " 8601 11 17947 ",
        ] {
            assert_eq!(BankAccountNumber::parse(input)?.digits(), "86011117947");
        }
        Ok(())
    }

    #[test]
    fn changing_one_digit_makes_the_number_invalid() {
        assert_eq!(
            BankAccountNumber::parse("86011117948"),
            Err(BankAccountError::WrongCheckDigit)
        );
        assert_eq!(
            BankAccountNumber::parse("86011117937"),
            Err(BankAccountError::WrongCheckDigit)
        );
    }

    #[test]
    fn check_digit_eleven_becomes_zero() -> Result<(), BankAccountError> {
        // 1234.56.7897 weighs to 209 = 19 * 11: remainder 0, so 11 - 0 = 11 maps to 0.
        assert_eq!(
            BankAccountNumber::parse("12345678970")?.digits(),
            "12345678970"
        );
        Ok(())
    }

    #[test]
    fn numbers_whose_check_would_be_ten_are_invalid() {
        // 0000.00.0006 weighs to 12: remainder 1 would need check digit 10.
        for last in '0'..='9' {
            let input = format!("0000000006{last}");
            assert_eq!(
                BankAccountNumber::parse(&input),
                Err(BankAccountError::WrongCheckDigit)
            );
        }
    }

    #[test]
    fn wrong_length_and_foreign_characters_are_rejected() {
        assert_eq!(
            BankAccountNumber::parse(""),
            Err(BankAccountError::Length(0))
        );
        assert_eq!(
            BankAccountNumber::parse("8601111794"),
            Err(BankAccountError::Length(10))
        );
        assert_eq!(
            BankAccountNumber::parse("860111179470"),
            Err(BankAccountError::Length(12))
        );
        assert_eq!(
            BankAccountNumber::parse("8601-11-17947"),
            Err(BankAccountError::NonDigit)
        );
        assert_eq!(
            BankAccountNumber::parse("NO9386011117947"),
            Err(BankAccountError::NonDigit)
        );
    }

    #[test]
    fn formatted_uses_dots_between_groups() -> Result<(), BankAccountError> {
        let account = BankAccountNumber::parse("86011117947")?;
        assert_eq!(account.formatted(), "8601.11.17947");
        assert_eq!(account.to_string(), "8601.11.17947");
        Ok(())
    }

    #[test]
    fn serde_uses_the_eleven_digits_and_validates_on_the_way_in() -> Result<(), serde_json::Error> {
        let account: BankAccountNumber = serde_json::from_str("\"8601.11.17947\"")?;
        assert_eq!(serde_json::to_string(&account)?, "\"86011117947\"");
        assert!(serde_json::from_str::<BankAccountNumber>("\"86011117948\"").is_err());
        Ok(())
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in "\\PC{0,30}") {
            let _ = BankAccountNumber::parse(&input);
        }

        #[test]
        fn exactly_one_check_digit_fits_any_issuable_prefix(prefix in "[0-9]{10}") {
            let valid = ('0'..='9')
                .filter(|c| BankAccountNumber::parse(&format!("{prefix}{c}")).is_ok())
                .count();
            prop_assert!(valid <= 1);
        }
    }
}
