//! Exact amounts of money in a currency: parsing, formatting, arithmetic and serde.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::domain::locale::Locale;

/// Largest magnitude (in major units) accepted from text; anything above is a typo or an attack.
const MAX_PARSED_MAJOR: u64 = 1_000_000_000_000;

/// Integer digits needed to hold `MAX_PARSED_MAJOR`; longer input is rejected before any arithmetic.
const MAX_PARSED_INTEGER_DIGITS: usize = 13;

/// Upper bound for minor-unit digits, so `10^digits` and minor-unit sums stay far from overflow.
const MAX_MINOR_UNIT_DIGITS: u32 = 4;

// ISO 4217 codes are upper-case by definition; keeping them verbatim avoids a mapping table.
#[allow(clippy::upper_case_acronyms)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum Currency {
    NOK,
    SEK,
    DKK,
    EUR,
    GBP,
}

const _: () = {
    let mut i = 0;
    while i < Currency::ALL.len() {
        assert!(Currency::ALL[i].minor_unit_digits() <= MAX_MINOR_UNIT_DIGITS);
        assert!(Currency::ALL[i].minor_unit_digits() <= Decimal::MAX_SCALE);
        i += 1;
    }
};

impl Currency {
    pub const ALL: [Currency; 5] = [
        Currency::NOK,
        Currency::SEK,
        Currency::DKK,
        Currency::EUR,
        Currency::GBP,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::NOK => "NOK",
            Currency::SEK => "SEK",
            Currency::DKK => "DKK",
            Currency::EUR => "EUR",
            Currency::GBP => "GBP",
        }
    }

    pub const fn minor_unit_digits(self) -> u32 {
        match self {
            Currency::NOK | Currency::SEK | Currency::DKK | Currency::EUR | Currency::GBP => 2,
        }
    }

    /// Parses an ISO 4217 code, ignoring case and surrounding whitespace.
    pub fn parse(s: &str) -> Result<Currency, MoneyError> {
        let s = s.trim();
        Currency::ALL
            .into_iter()
            .find(|currency| currency.code().eq_ignore_ascii_case(s))
            .ok_or(MoneyError::UnknownCurrency)
    }

    /// Minor units per major unit, e.g. 100 øre per krone.
    fn minor_per_major(self) -> u64 {
        // Cannot overflow: digits are bounded by MAX_MINOR_UNIT_DIGITS at compile time.
        10u64.pow(self.minor_unit_digits())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount is empty")]
    Empty,
    #[error("amount contains whitespace")]
    ContainsWhitespace,
    #[error("amount contains a comma; use '.' as decimal separator and no grouping")]
    ContainsComma,
    #[error("amount uses exponent notation")]
    Exponent,
    #[error("amount is not a number")]
    NotANumber,
    #[error("amount has more than {max} decimals")]
    TooManyDecimals { max: u32 },
    #[error("amount is larger than 1000000000000 in magnitude")]
    TooLarge,
    #[error("amount is outside the representable range")]
    OutOfRange,
    #[error("currencies differ ({left} vs {right})")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("unknown currency code")]
    UnknownCurrency,
}

/// An exact amount in one currency.
///
/// Invariants: `amount` has exactly the currency's minor-unit digits as scale, is never
/// negative zero, and its minor units fit in an `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Builds money from an exact amount; refuses to round away sub-minor-unit fractions.
    ///
    /// Trailing zeros do not count as decimals, so `10.000` NOK is accepted as `10.00`.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let digits = currency.minor_unit_digits();
        let normalized = amount.normalize();
        if normalized.scale() > digits {
            return Err(MoneyError::TooManyDecimals { max: digits });
        }
        let factor = 10i128
            .checked_pow(digits - normalized.scale())
            .ok_or(MoneyError::OutOfRange)?;
        let minor = normalized
            .mantissa()
            .checked_mul(factor)
            .ok_or(MoneyError::OutOfRange)?;
        let minor = i64::try_from(minor).map_err(|_| MoneyError::OutOfRange)?;
        Ok(Money::from_minor(minor, currency))
    }

    /// Parses a plain decimal like `1250.50`, `1250` or `-3.5`.
    ///
    /// Stricter than `new`: the text may not carry more decimals than the minor unit even
    /// when they are zeros, because `1.000` is likely a Norwegian-style "one thousand".
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(MoneyError::ContainsWhitespace);
        }
        if text.contains(',') {
            return Err(MoneyError::ContainsComma);
        }

        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => (mantissa, Some(exponent)),
            None => (unsigned, None),
        };
        let (integer, fraction) = match mantissa.split_once('.') {
            Some((integer, fraction)) => (integer, Some(fraction)),
            None => (mantissa, None),
        };
        if !is_ascii_digits(integer) || !fraction.is_none_or(is_ascii_digits) {
            return Err(MoneyError::NotANumber);
        }
        if let Some(exponent) = exponent {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            return Err(if is_ascii_digits(exponent) {
                MoneyError::Exponent
            } else {
                MoneyError::NotANumber
            });
        }

        let digits = currency.minor_unit_digits();
        let fraction = fraction.unwrap_or("");
        let fraction_len = u32::try_from(fraction.len())
            .map_err(|_| MoneyError::TooManyDecimals { max: digits })?;
        if fraction_len > digits {
            return Err(MoneyError::TooManyDecimals { max: digits });
        }
        let integer = integer.trim_start_matches('0');
        if integer.len() > MAX_PARSED_INTEGER_DIGITS {
            return Err(MoneyError::TooLarge);
        }

        let per_major = currency.minor_per_major();
        let major = parse_digits(integer)?;
        let fraction_scale = 10u64.pow(digits - fraction_len);
        let minor_fraction = parse_digits(fraction)? * fraction_scale;
        let minor_abs = major * per_major + minor_fraction;
        if minor_abs > MAX_PARSED_MAJOR * per_major {
            return Err(MoneyError::TooLarge);
        }
        // Fits: bounded by 10^12 * 10^MAX_MINOR_UNIT_DIGITS above.
        let minor_abs = i64::try_from(minor_abs).map_err(|_| MoneyError::TooLarge)?;
        let minor = if negative { -minor_abs } else { minor_abs };
        Ok(Money::from_minor(minor, currency))
    }

    /// Builds money from an exact count of minor units (øre, cents, pence).
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        // try_new only fails for scales above 28, which the compile-time check rules out.
        let amount = Decimal::try_new(minor, currency.minor_unit_digits())
            .unwrap_or_else(|_| Decimal::from(minor));
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::from_minor(0, currency)
    }

    /// The exact amount in minor units (øre, cents, pence).
    pub fn minor_units(&self) -> i64 {
        // The constructors keep the scale at the minor-unit digits and the mantissa in i64 range.
        let mantissa = self.amount.mantissa();
        i64::try_from(mantissa).unwrap_or(if mantissa < 0 { i64::MIN } else { i64::MAX })
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_zero(&self) -> bool {
        self.minor_units() == 0
    }

    pub fn is_negative(&self) -> bool {
        self.minor_units() < 0
    }

    pub fn is_positive(&self) -> bool {
        self.minor_units() > 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.ensure_same_currency(other)?;
        let minor = self
            .minor_units()
            .checked_add(other.minor_units())
            .ok_or(MoneyError::OutOfRange)?;
        Ok(Money::from_minor(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.ensure_same_currency(other)?;
        let minor = self
            .minor_units()
            .checked_sub(other.minor_units())
            .ok_or(MoneyError::OutOfRange)?;
        Ok(Money::from_minor(minor, self.currency))
    }

    /// Rounds a computed amount (interest, fees, splits) to whole minor units, halves away from zero.
    ///
    /// Amounts beyond the `i64` minor-unit range (about ±92 quadrillion kroner) saturate at
    /// the range limit; no real claim comes near it and the signature has no room for an error.
    pub fn round_to_minor(amount: Decimal, currency: Currency) -> Money {
        let rounded = amount.round_dp_with_strategy(
            currency.minor_unit_digits(),
            RoundingStrategy::MidpointAwayFromZero,
        );
        Money::new(rounded, currency).unwrap_or_else(|_| {
            let limit = if amount.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            };
            Money::from_minor(limit, currency)
        })
    }

    /// Formats for humans: `1 234,50 kr` in bokmål and nynorsk, and in Polish and Ukrainian
    /// too (space-grouped with a decimal comma, and the "kr" a reader in Norway sees on every
    /// bill and bank statement); `NOK 1,234.50` in English.
    pub fn format(&self, locale: Locale) -> String {
        let sign = if self.is_negative() { "-" } else { "" };
        let code = self.currency.code();
        match locale {
            Locale::Nb | Locale::Nn | Locale::Pl | Locale::Uk => {
                let number = self.unsigned_number(' ', ',');
                match self.currency {
                    Currency::NOK => format!("{sign}{number} kr"),
                    _ => format!("{sign}{number} {code}"),
                }
            }
            Locale::En => {
                let number = self.unsigned_number(',', '.');
                format!("{sign}{code} {number}")
            }
        }
    }

    /// Machine format for APIs: `1234.50`, `-3.50`.
    pub fn to_plain_string(&self) -> String {
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}{}", self.unsigned_number_ungrouped('.'))
    }

    fn ensure_same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// Whole and fractional part of the absolute value, both in integers.
    fn split_abs(&self) -> (u64, u64) {
        let abs = self.minor_units().unsigned_abs();
        let per_major = self.currency.minor_per_major();
        (abs / per_major, abs % per_major)
    }

    fn fraction_text(&self, decimal_separator: char, fraction: u64) -> String {
        let width = self.currency.minor_unit_digits() as usize;
        if width == 0 {
            String::new()
        } else {
            format!("{decimal_separator}{fraction:0width$}")
        }
    }

    fn unsigned_number(&self, group_separator: char, decimal_separator: char) -> String {
        let (whole, fraction) = self.split_abs();
        let mut text = group_thousands(whole, group_separator);
        text.push_str(&self.fraction_text(decimal_separator, fraction));
        text
    }

    fn unsigned_number_ungrouped(&self, decimal_separator: char) -> String {
        let (whole, fraction) = self.split_abs();
        format!("{whole}{}", self.fraction_text(decimal_separator, fraction))
    }
}

fn is_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses at most `MAX_PARSED_INTEGER_DIGITS` ASCII digits; empty means zero.
fn parse_digits(s: &str) -> Result<u64, MoneyError> {
    if s.is_empty() {
        return Ok(0);
    }
    s.parse::<u64>().map_err(|_| MoneyError::NotANumber)
}

fn group_thousands(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_plain_string(), self.currency.code())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Money", 2)?;
        state.serialize_field("amount", &self.to_plain_string())?;
        state.serialize_field("currency", &self.currency)?;
        state.end()
    }
}

/// Wire shape of `Money`; the amount stays text until `Money::parse` has validated it.
#[derive(Deserialize)]
#[serde(rename = "Money", deny_unknown_fields)]
struct MoneyWire {
    amount: AmountText,
    currency: Currency,
}

struct AmountText(String);

impl<'de> Deserialize<'de> for AmountText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AmountTextVisitor)
    }
}

struct AmountTextVisitor;

impl Visitor<'_> for AmountTextVisitor {
    type Value = AmountText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a string or number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<AmountText, E> {
        Ok(AmountText(v.to_owned()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<AmountText, E> {
        Ok(AmountText(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<AmountText, E> {
        Ok(AmountText(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<AmountText, E> {
        // Display gives the shortest text that round-trips, so 0.1 stays "0.1" and a
        // binary artefact like 0.30000000000000004 is caught by the decimal check.
        Ok(AmountText(format!("{v}")))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = MoneyWire::deserialize(deserializer)?;
        Money::parse(&wire.amount.0, wire.currency).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn nok(text: &str) -> Money {
        match Money::parse(text, Currency::NOK) {
            Ok(money) => money,
            Err(e) => panic!("{text} should parse: {e}"),
        }
    }

    #[test]
    fn bokmal_formats_nok_with_space_grouping_comma_decimals_and_kr() {
        assert_eq!(nok("0").format(Locale::Nb), "0,00 kr");
        assert_eq!(nok("5").format(Locale::Nb), "5,00 kr");
        assert_eq!(nok("1234.5").format(Locale::Nb), "1 234,50 kr");
        assert_eq!(nok("1234567.89").format(Locale::Nb), "1 234 567,89 kr");
        assert_eq!(nok("-1234.5").format(Locale::Nb), "-1 234,50 kr");
        assert_eq!(nok("-0.5").format(Locale::Nb), "-0,50 kr");
        assert_eq!(nok("100000").format(Locale::Nb), "100 000,00 kr");
        for locale in [Locale::Nn, Locale::Pl, Locale::Uk] {
            assert_eq!(nok("1252").format(locale), "1 252,00 kr");
            assert_eq!(nok("-1234.5").format(locale), "-1 234,50 kr");
        }
    }

    #[test]
    fn english_formats_code_first_with_comma_grouping_and_dot_decimals() {
        assert_eq!(nok("0").format(Locale::En), "NOK 0.00");
        assert_eq!(nok("5").format(Locale::En), "NOK 5.00");
        assert_eq!(nok("1234.5").format(Locale::En), "NOK 1,234.50");
        assert_eq!(nok("1234567.89").format(Locale::En), "NOK 1,234,567.89");
        assert_eq!(nok("-1234.5").format(Locale::En), "-NOK 1,234.50");
    }

    #[test]
    fn bokmal_uses_the_iso_code_for_currencies_other_than_nok() -> Result<(), MoneyError> {
        let eur = Money::parse("1234.5", Currency::EUR)?;
        assert_eq!(eur.format(Locale::Nb), "1 234,50 EUR");
        assert_eq!(eur.format(Locale::En), "EUR 1,234.50");
        let sek = Money::parse("-12", Currency::SEK)?;
        assert_eq!(sek.format(Locale::Nb), "-12,00 SEK");
        Ok(())
    }

    #[test]
    fn extreme_minor_unit_values_format_without_overflow() {
        let min = Money::from_minor(i64::MIN, Currency::NOK);
        assert_eq!(min.to_plain_string(), "-92233720368547758.08");
        assert_eq!(min.format(Locale::Nb), "-92 233 720 368 547 758,08 kr");
    }

    #[test]
    fn plain_string_uses_dot_and_exact_minor_digits_without_grouping() {
        assert_eq!(nok("1234.5").to_plain_string(), "1234.50");
        assert_eq!(nok("-3.5").to_plain_string(), "-3.50");
        assert_eq!(nok("0.07").to_plain_string(), "0.07");
        assert_eq!(nok("1234.5").to_string(), "1234.50 NOK");
    }

    #[test]
    fn negative_zero_is_plain_zero() {
        let zero = nok("-0.00");
        assert!(zero.is_zero());
        assert!(!zero.is_negative());
        assert_eq!(zero.to_plain_string(), "0.00");
        assert_eq!(zero, Money::zero(Currency::NOK));
    }

    #[test]
    fn parse_accepts_plain_decimals_with_optional_sign() {
        assert_eq!(nok("1250.50").minor_units(), 125_050);
        assert_eq!(nok("1250").minor_units(), 125_000);
        assert_eq!(nok("-3.5").minor_units(), -350);
        assert_eq!(nok("+7.25").minor_units(), 725);
        assert_eq!(nok("  42 ").minor_units(), 4_200);
        assert_eq!(nok("000123.40").minor_units(), 12_340);
    }

    #[test]
    fn parse_rejects_malformed_amounts_with_distinct_errors() {
        let cases = [
            ("", MoneyError::Empty),
            ("   ", MoneyError::Empty),
            ("1 234", MoneyError::ContainsWhitespace),
            ("1\u{a0}234", MoneyError::ContainsWhitespace),
            ("1234,50", MoneyError::ContainsComma),
            ("1,234.50", MoneyError::ContainsComma),
            ("1e3", MoneyError::Exponent),
            ("1.5E-2", MoneyError::Exponent),
            ("NaN", MoneyError::NotANumber),
            ("inf", MoneyError::NotANumber),
            ("-Infinity", MoneyError::NotANumber),
            ("none", MoneyError::NotANumber),
            ("abc", MoneyError::NotANumber),
            ("-", MoneyError::NotANumber),
            (".5", MoneyError::NotANumber),
            ("5.", MoneyError::NotANumber),
            ("1.2.3", MoneyError::NotANumber),
            ("--1", MoneyError::NotANumber),
            ("1e", MoneyError::NotANumber),
            ("١٢", MoneyError::NotANumber),
            ("1.234", MoneyError::TooManyDecimals { max: 2 }),
            ("1.000", MoneyError::TooManyDecimals { max: 2 }),
            ("1000000000000.01", MoneyError::TooLarge),
            ("-1000000000001", MoneyError::TooLarge),
            ("99999999999999999999999999999999", MoneyError::TooLarge),
        ];
        for (text, expected) in cases {
            assert_eq!(Money::parse(text, Currency::NOK), Err(expected), "{text:?}");
        }
    }

    #[test]
    fn parse_accepts_exactly_the_magnitude_limit() {
        assert_eq!(nok("1000000000000").minor_units(), 100_000_000_000_000);
        assert_eq!(nok("-1000000000000.00").minor_units(), -100_000_000_000_000);
    }

    #[test]
    fn new_normalises_scale_so_equal_values_are_equal_and_print_the_same() -> Result<(), MoneyError>
    {
        let ten = Money::new(dec!(10), Currency::NOK)?;
        let ten_with_decimals = Money::new(dec!(10.00), Currency::NOK)?;
        let ten_with_extra_zeros = Money::new(dec!(10.000), Currency::NOK)?;
        assert_eq!(ten, ten_with_decimals);
        assert_eq!(ten, ten_with_extra_zeros);
        assert_eq!(ten.to_plain_string(), ten_with_decimals.to_plain_string());
        assert_eq!(ten.amount().scale(), 2);
        Ok(())
    }

    #[test]
    fn new_refuses_to_round_sub_minor_fractions() {
        assert_eq!(
            Money::new(dec!(10.005), Currency::NOK),
            Err(MoneyError::TooManyDecimals { max: 2 })
        );
    }

    #[test]
    fn new_refuses_amounts_whose_minor_units_overflow() {
        assert_eq!(
            Money::new(Decimal::MAX, Currency::NOK),
            Err(MoneyError::OutOfRange)
        );
    }

    #[test]
    fn minor_units_round_trip_exactly() {
        let money = Money::from_minor(123_456, Currency::NOK);
        assert_eq!(money.amount(), dec!(1234.56));
        assert_eq!(money.minor_units(), 123_456);
        assert_eq!(
            Money::from_minor(-1, Currency::NOK).to_plain_string(),
            "-0.01"
        );
    }

    #[test]
    fn sign_predicates_follow_the_amount() {
        assert!(nok("0.01").is_positive());
        assert!(nok("-0.01").is_negative());
        assert!(Money::zero(Currency::EUR).is_zero());
        assert!(!Money::zero(Currency::EUR).is_positive());
    }

    #[test]
    fn adding_and_subtracting_same_currency_is_exact() -> Result<(), MoneyError> {
        let sum = nok("0.10").checked_add(nok("0.20"))?;
        assert_eq!(sum, nok("0.30"));
        assert_eq!(nok("1").checked_sub(nok("1.01"))?, nok("-0.01"));
        Ok(())
    }

    #[test]
    fn arithmetic_across_currencies_is_refused() -> Result<(), MoneyError> {
        let sek = Money::parse("1", Currency::SEK)?;
        let err = nok("1").checked_add(sek);
        assert_eq!(
            err,
            Err(MoneyError::CurrencyMismatch {
                left: Currency::NOK,
                right: Currency::SEK
            })
        );
        assert_eq!(
            MoneyError::CurrencyMismatch {
                left: Currency::NOK,
                right: Currency::SEK
            }
            .to_string(),
            "currencies differ (NOK vs SEK)"
        );
        assert!(nok("1").checked_sub(sek).is_err());
        Ok(())
    }

    #[test]
    fn arithmetic_overflow_is_an_error_not_a_panic() {
        let max = Money::from_minor(i64::MAX, Currency::NOK);
        assert_eq!(
            max.checked_add(Money::from_minor(1, Currency::NOK)),
            Err(MoneyError::OutOfRange)
        );
        let min = Money::from_minor(i64::MIN, Currency::NOK);
        assert_eq!(
            min.checked_sub(Money::from_minor(1, Currency::NOK)),
            Err(MoneyError::OutOfRange)
        );
    }

    #[test]
    fn rounding_computed_amounts_sends_halves_away_from_zero() {
        assert_eq!(
            Money::round_to_minor(dec!(0.125), Currency::NOK),
            nok("0.13")
        );
        assert_eq!(
            Money::round_to_minor(dec!(0.135), Currency::NOK),
            nok("0.14")
        );
        assert_eq!(
            Money::round_to_minor(dec!(-0.125), Currency::NOK),
            nok("-0.13")
        );
        assert_eq!(
            Money::round_to_minor(dec!(0.124999), Currency::NOK),
            nok("0.12")
        );
        assert_eq!(Money::round_to_minor(dec!(-0.001), Currency::NOK), nok("0"));
        assert_eq!(Money::round_to_minor(dec!(7), Currency::NOK), nok("7"));
    }

    #[test]
    fn rounding_beyond_the_minor_unit_range_saturates() {
        let huge = Money::round_to_minor(Decimal::MAX, Currency::NOK);
        assert_eq!(huge.minor_units(), i64::MAX);
        let tiny = Money::round_to_minor(Decimal::MIN, Currency::NOK);
        assert_eq!(tiny.minor_units(), i64::MIN);
    }

    #[test]
    fn currency_parses_iso_codes_case_insensitively() {
        assert_eq!(Currency::parse("nok"), Ok(Currency::NOK));
        assert_eq!(Currency::parse("Eur"), Ok(Currency::EUR));
        assert_eq!(Currency::parse("GBP"), Ok(Currency::GBP));
        assert_eq!(Currency::parse("USD"), Err(MoneyError::UnknownCurrency));
        assert_eq!(Currency::parse(""), Err(MoneyError::UnknownCurrency));
        assert_eq!(Currency::DKK.to_string(), "DKK");
    }

    #[test]
    fn every_supported_currency_has_two_minor_digits() {
        for currency in Currency::ALL {
            assert_eq!(currency.minor_unit_digits(), 2);
            assert_eq!(Currency::parse(currency.code()), Ok(currency));
        }
    }

    #[test]
    fn error_messages_are_readable() {
        assert_eq!(
            MoneyError::TooManyDecimals { max: 2 }.to_string(),
            "amount has more than 2 decimals"
        );
        assert_eq!(MoneyError::NotANumber.to_string(), "amount is not a number");
        assert_eq!(
            MoneyError::UnknownCurrency.to_string(),
            "unknown currency code"
        );
    }

    #[test]
    fn serializes_amount_as_string_with_currency_code() -> Result<(), serde_json::Error> {
        let json = serde_json::to_string(&nok("1234.5"))?;
        assert_eq!(json, r#"{"amount":"1234.50","currency":"NOK"}"#);
        Ok(())
    }

    #[test]
    fn deserializes_amount_from_string_or_json_number() -> Result<(), serde_json::Error> {
        let from_text: Money = serde_json::from_str(r#"{"amount":"1234.50","currency":"NOK"}"#)?;
        let from_float: Money = serde_json::from_str(r#"{"amount":1234.5,"currency":"NOK"}"#)?;
        let from_int: Money = serde_json::from_str(r#"{"amount":1234,"currency":"NOK"}"#)?;
        let from_negative: Money = serde_json::from_str(r#"{"amount":-12,"currency":"EUR"}"#)?;
        assert_eq!(from_text, nok("1234.50"));
        assert_eq!(from_float, nok("1234.5"));
        assert_eq!(from_int, nok("1234"));
        assert_eq!(from_negative.minor_units(), -1200);
        assert_eq!(from_negative.currency(), Currency::EUR);
        Ok(())
    }

    #[test]
    fn deserialization_rejects_what_parse_rejects() {
        let rejected = [
            r#"{"amount":"1,5","currency":"NOK"}"#,
            r#"{"amount":"1.234","currency":"NOK"}"#,
            r#"{"amount":0.30000000000000004,"currency":"NOK"}"#,
            r#"{"amount":1e300,"currency":"NOK"}"#,
            r#"{"amount":"1","currency":"nok"}"#,
            r#"{"amount":"1","currency":"USD"}"#,
            r#"{"amount":true,"currency":"NOK"}"#,
            r#"{"amount":"1"}"#,
            r#"{"amount":"1","currency":"NOK","extra":1}"#,
        ];
        for json in rejected {
            assert!(serde_json::from_str::<Money>(json).is_err(), "{json}");
        }
    }

    proptest! {
        #[test]
        fn from_minor_then_minor_units_is_identity(minor in any::<i64>()) {
            prop_assert_eq!(Money::from_minor(minor, Currency::NOK).minor_units(), minor);
        }

        #[test]
        fn plain_string_parses_back_to_the_same_money(
            minor in -100_000_000_000_000i64..=100_000_000_000_000i64,
            index in 0usize..Currency::ALL.len(),
        ) {
            let currency = Currency::ALL[index];
            let money = Money::from_minor(minor, currency);
            prop_assert_eq!(Money::parse(&money.to_plain_string(), currency), Ok(money));
        }

        #[test]
        fn serde_round_trips(minor in -100_000_000_000_000i64..=100_000_000_000_000i64) {
            let money = Money::from_minor(minor, Currency::GBP);
            let json = serde_json::to_string(&money).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: Money = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, money);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,40}") {
            let _ = Money::parse(&text, Currency::NOK);
        }
    }
}
