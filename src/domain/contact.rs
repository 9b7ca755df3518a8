//! Validated debtor contact points (phone numbers, email addresses) that never leak into logs.

use std::fmt;

use phonenumber::country::Id as CountryId;
use phonenumber::{Mode, Type};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest phone input worth handing to the parser; E.164 has at most 15 digits plus formatting.
const MAX_PHONE_INPUT_LEN: usize = 32;
const MAX_EMAIL_LEN: usize = 254;
const MAX_EMAIL_LOCAL_LEN: usize = 64;
const MAX_DOMAIN_LABEL_LEN: usize = 63;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("invalid phone number: {0}")]
    InvalidPhone(String),
    #[error("invalid email address: {0}")]
    InvalidEmail(String),
}

fn invalid_phone(reason: &str) -> ContactError {
    ContactError::InvalidPhone(reason.to_owned())
}

fn invalid_email(reason: &str) -> ContactError {
    ContactError::InvalidEmail(reason.to_owned())
}

/// A valid phone number in E.164 form, e.g. `+4791234567`.
#[derive(Clone, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[schema(example = "+4791234567")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number as a Norwegian would type it; numbers without a country code are Norwegian.
    pub fn parse(input: &str) -> Result<PhoneNumber, ContactError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(invalid_phone("is empty"));
        }
        if input.len() > MAX_PHONE_INPUT_LEN {
            return Err(invalid_phone("is too long"));
        }
        // Only plain dialling characters reach the parser: it has panicked on exotic input
        // before, and extensions, letters or `tel:` URIs are useless for SMS anyway.
        let (plus, rest) = match input.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", input),
        };
        let plain = rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'));
        if !plain {
            return Err(invalid_phone(
                "contains characters other than digits and separators",
            ));
        }
        if !rest.chars().any(|c| c.is_ascii_digit()) {
            return Err(invalid_phone("contains no digits"));
        }

        let parsed = phonenumber::parse(Some(CountryId::NO), format!("{plus}{rest}"))
            .map_err(|_| invalid_phone("could not be parsed"))?;
        if parsed.extension().is_some() {
            return Err(invalid_phone("extensions are not supported"));
        }
        if !phonenumber::is_valid(&parsed) {
            return Err(invalid_phone("is not a valid number"));
        }
        Ok(PhoneNumber(parsed.format().mode(Mode::E164).to_string()))
    }

    pub fn e164(&self) -> &str {
        &self.0
    }

    /// True when the number can receive SMS as far as the numbering plan tells.
    pub fn is_mobile(&self) -> bool {
        match phonenumber::parse(None, &self.0) {
            Ok(parsed) => matches!(
                parsed.number_type(&phonenumber::metadata::DATABASE),
                Type::Mobile | Type::FixedLineOrMobile
            ),
            Err(_) => false,
        }
    }

    /// Country code and last two digits only, e.g. `+47******67`.
    pub fn masked(&self) -> String {
        let digits = self.0.trim_start_matches('+');
        let country_len = phonenumber::parse(None, &self.0)
            .map(|parsed| parsed.code().value().to_string().len())
            .unwrap_or(0);
        let visible_tail = 2;
        let mut masked = String::with_capacity(self.0.len());
        masked.push('+');
        for (i, c) in digits.chars().enumerate() {
            if i < country_len || i + visible_tail >= digits.len() {
                masked.push(c);
            } else {
                masked.push('*');
            }
        }
        masked
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PhoneNumber").field(&self.masked()).finish()
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Reading a stored number back: it was fully validated when it came in, so only its E.164
/// shape is checked here. Running libphonenumber again on every record read dominated the cost
/// of a case page. Input from outside goes through [`PhoneNumber::parse`], never through serde.
impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let digits = text.strip_prefix('+').unwrap_or_default();
        if (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
        {
            Ok(PhoneNumber(text))
        } else {
            Err(serde::de::Error::custom("not an E.164 phone number"))
        }
    }
}

/// A syntactically valid email address with a lower-cased domain.
#[derive(Clone, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[schema(example = "ola@example.no")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Validates the pragmatic subset of RFC 5321 addresses that mail providers actually accept.
    pub fn parse(input: &str) -> Result<EmailAddress, ContactError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(invalid_email("is empty"));
        }
        if input.len() > MAX_EMAIL_LEN {
            return Err(invalid_email("is longer than 254 characters"));
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid_email("contains whitespace or control characters"));
        }
        let mut parts = input.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid_email("must contain exactly one '@'"));
        };

        if local.is_empty() {
            return Err(invalid_email("local part is empty"));
        }
        if local.len() > MAX_EMAIL_LOCAL_LEN {
            return Err(invalid_email("local part is longer than 64 characters"));
        }
        // These need quoting to be legal and are the usual tools of header injection.
        if local.chars().any(|c| "()<>[]:;,\\\"".contains(c)) {
            return Err(invalid_email(
                "local part contains characters that need quoting",
            ));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(invalid_email("local part has a misplaced dot"));
        }

        validate_domain(domain)?;
        Ok(EmailAddress(format!(
            "{local}@{}",
            domain.to_ascii_lowercase()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First character of the local part and the full domain, e.g. `o***@example.no`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

fn validate_domain(domain: &str) -> Result<(), ContactError> {
    if domain.is_empty() {
        return Err(invalid_email("domain is empty"));
    }
    if !domain.contains('.') {
        return Err(invalid_email("domain has no dot"));
    }
    for label in domain.split('.') {
        if label.is_empty() || label.len() > MAX_DOMAIN_LABEL_LEN {
            return Err(invalid_email("domain has an empty or overlong label"));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(invalid_email(
                "domain may only contain letters, digits and hyphens",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid_email("domain label starts or ends with a hyphen"));
        }
    }
    Ok(())
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EmailAddress").field(&self.masked()).finish()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for EmailAddress {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EmailAddress::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn phone(input: &str) -> PhoneNumber {
        match PhoneNumber::parse(input) {
            Ok(phone) => phone,
            Err(e) => panic!("{input:?} should parse: {e}"),
        }
    }

    fn email(input: &str) -> EmailAddress {
        match EmailAddress::parse(input) {
            Ok(email) => email,
            Err(e) => panic!("{input:?} should parse: {e}"),
        }
    }

    #[test]
    fn norwegian_number_without_country_code_parses() {
        assert_eq!(phone("91234567").e164(), "+4791234567");
        assert_eq!(phone("912 34 567").e164(), "+4791234567");
    }

    #[test]
    fn norwegian_number_with_country_code_in_any_notation_parses() {
        assert_eq!(phone("+47 912 34 567").e164(), "+4791234567");
        assert_eq!(phone("004791234567").e164(), "+4791234567");
        assert_eq!(phone("+47 (912) 34-567").e164(), "+4791234567");
    }

    #[test]
    fn foreign_number_with_country_code_keeps_its_country() {
        assert_eq!(phone("+46 70 123 45 67").e164(), "+46701234567");
        assert_eq!(phone("+44 7400 123456").e164(), "+447400123456");
    }

    #[test]
    fn invalid_numbers_are_rejected() {
        for input in [
            "",
            "   ",
            "123",
            "9123456",
            "912345678",
            "+47 0000 0000",
            "abc",
            "+",
            "++4791234567",
            "91234567 ext 12",
            "tel:+4791234567",
            "9123456７",
            "+47 912 34 567 999 999 999 999 99",
        ] {
            assert!(
                matches!(
                    PhoneNumber::parse(input),
                    Err(ContactError::InvalidPhone(_))
                ),
                "{input:?}"
            );
        }
    }

    #[test]
    fn phone_errors_do_not_echo_the_input() {
        match PhoneNumber::parse("12345") {
            Err(error) => assert!(!error.to_string().contains("12345")),
            Ok(parsed) => panic!("unexpectedly parsed {parsed}"),
        }
    }

    #[test]
    fn mobile_numbers_are_recognised_and_landlines_are_not() {
        assert!(phone("91234567").is_mobile());
        assert!(phone("41234567").is_mobile());
        assert!(!phone("22 12 34 56").is_mobile());
    }

    #[test]
    fn masked_phone_keeps_country_code_and_last_two_digits() {
        assert_eq!(phone("91234567").masked(), "+47******67");
        assert_eq!(phone("+46701234567").masked(), "+46*******67");
    }

    #[test]
    fn phone_debug_is_masked_and_display_is_full() {
        let number = phone("91234567");
        let debug = format!("{number:?}");
        assert!(debug.contains("+47******67"), "{debug}");
        assert!(!debug.contains("91234567"), "{debug}");
        assert_eq!(number.to_string(), "+4791234567");
    }

    #[test]
    fn stored_phone_numbers_round_trip_as_e164_and_other_shapes_are_refused()
    -> Result<(), serde_json::Error> {
        let number = phone("912 34 567");
        assert_eq!(serde_json::to_string(&number)?, "\"+4791234567\"");
        let back: PhoneNumber = serde_json::from_str("\"+4791234567\"")?;
        assert_eq!(back, number);
        for bad in [
            "\"123\"",
            "\"+47 912 34 567\"",
            "\"4791234567\"",
            "\"+0123456789\"",
            "\"+47912345678901234\"",
        ] {
            assert!(serde_json::from_str::<PhoneNumber>(bad).is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn ordinary_email_addresses_parse_and_domain_is_lowercased() {
        assert_eq!(
            email("ola.nordmann@example.no").as_str(),
            "ola.nordmann@example.no"
        );
        assert_eq!(
            email("  Ola+faktura@Example.NO ").as_str(),
            "Ola+faktura@example.no"
        );
        assert_eq!(
            email("øyvind@post.example.com").as_str(),
            "øyvind@post.example.com"
        );
        assert_eq!(email("a@b-c.d1.no").as_str(), "a@b-c.d1.no");
    }

    #[test]
    fn malformed_email_addresses_are_rejected() {
        let long_local = format!("{}@example.no", "a".repeat(65));
        let long_total = format!("a@{}.no", "b.".repeat(130));
        let long_label = format!("a@{}.no", "b".repeat(64));
        for input in [
            "",
            "ola",
            "ola@",
            "@example.no",
            "ola@@example.no",
            "ola@nordmann@example.no",
            "ola@localhost",
            "ola@example..no",
            "ola@.example.no",
            "ola@example.no.",
            "ola@-example.no",
            "ola@example-.no",
            "ola@exa_mple.no",
            "ola@eksempel.nø",
            "ola nordmann@example.no",
            "ola\t@example.no",
            "ola\u{7}@example.no",
            "<ola>@example.no",
            "ola,kari@example.no",
            ".ola@example.no",
            "ola.@example.no",
            "ola..n@example.no",
            long_local.as_str(),
            long_total.as_str(),
            long_label.as_str(),
        ] {
            assert!(
                matches!(
                    EmailAddress::parse(input),
                    Err(ContactError::InvalidEmail(_))
                ),
                "{input:?}"
            );
        }
    }

    #[test]
    fn email_errors_do_not_echo_the_input() {
        match EmailAddress::parse("secret.person@localhost") {
            Err(error) => assert!(!error.to_string().contains("secret")),
            Ok(parsed) => panic!("unexpectedly parsed {parsed}"),
        }
    }

    #[test]
    fn masked_email_keeps_first_character_and_domain() {
        assert_eq!(email("ola@example.no").masked(), "o***@example.no");
        assert_eq!(email("øyvind@example.no").masked(), "ø***@example.no");
    }

    #[test]
    fn email_debug_is_masked_and_display_is_full() {
        let address = email("ola@example.no");
        let debug = format!("{address:?}");
        assert!(debug.contains("o***@example.no"), "{debug}");
        assert!(!debug.contains("ola@"), "{debug}");
        assert_eq!(address.to_string(), "ola@example.no");
    }

    #[test]
    fn email_serde_uses_the_address_and_validates_on_the_way_in() -> Result<(), serde_json::Error> {
        let address = email("ola@example.no");
        assert_eq!(serde_json::to_string(&address)?, "\"ola@example.no\"");
        let back: EmailAddress = serde_json::from_str("\"ola@EXAMPLE.no\"")?;
        assert_eq!(back, address);
        assert!(serde_json::from_str::<EmailAddress>("\"ola\"").is_err());
        Ok(())
    }

    proptest! {
        #[test]
        fn phone_parse_never_panics_on_dialling_characters(input in "[+0-9 ().-]{0,32}") {
            let _ = PhoneNumber::parse(&input);
        }

        #[test]
        fn phone_parse_never_panics_on_arbitrary_text(input in "\\PC{0,40}") {
            let _ = PhoneNumber::parse(&input);
        }

        #[test]
        fn parsed_phone_numbers_parse_back_to_themselves(national in 40_000_000u32..50_000_000u32) {
            let number = PhoneNumber::parse(&national.to_string());
            if let Ok(number) = number {
                prop_assert_eq!(PhoneNumber::parse(number.e164()), Ok(number.clone()));
                prop_assert_eq!(number.masked().len(), number.e164().len());
            }
        }

        #[test]
        fn email_parse_never_panics(input in "\\PC{0,80}") {
            let _ = EmailAddress::parse(&input);
        }
    }
}
