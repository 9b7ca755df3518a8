//! Amounts as the agency API takes them (a claim line, a direct payment): a decimal string or a
//! whole JSON number, parsed into `Money` with one function, and the schemas that describe
//! exactly what it accepts.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::money::{Currency, Money};

/// Which amounts a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Zero or more (a claim line).
    NonNegative,
    /// Above zero (a payment).
    Positive,
}

/// The largest amount: `Money::parse`'s limit of 10^12 major units.
const MAX_MAJOR: u64 = 1_000_000_000_000;

/// Zero or more, with at most two decimals (every currency innfri collects in has two), up to
/// 10^12. Leading zeros and a `+` are fine, as `Money::parse` takes them.
const NON_NEGATIVE_PATTERN: &str =
    r"^\+?0*(?:[0-9]{1,12}(?:\.[0-9]{1,2})?|1000000000000(?:\.00?)?)$";
/// The same above zero.
const POSITIVE_PATTERN: &str = r"^\+?0*(?:[1-9][0-9]{0,11}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?)|1000000000000(?:\.00?)?)$";

/// Parses an amount in `currency`: a plain decimal string (`"1250.50"`, no spaces, no sign but
/// `+`), or a whole JSON number. A number with decimals is refused: JSON numbers are binary
/// floats, and money is never one.
pub fn parse(value: &serde_json::Value, currency: Currency, sign: Sign) -> Result<Money, String> {
    let text = match value {
        serde_json::Value::String(s) => {
            if s.chars().any(char::is_whitespace) {
                return Err("must be a decimal string without spaces, like \"1250.50\"".into());
            }
            Cow::Borrowed(s.as_str())
        }
        serde_json::Value::Number(n) => Cow::Owned(whole_number(n)?),
        _ => return Err("must be a decimal string like \"1250.50\"".into()),
    };
    if text.starts_with('-') {
        return Err("must not be negative".into());
    }
    let money = Money::parse(&text, currency).map_err(|e| e.to_string())?;
    if sign == Sign::Positive && !money.is_positive() {
        return Err("must be above zero".into());
    }
    Ok(money)
}

/// A JSON number as decimal digits, when it is whole (`12`, `12.0`, `-0`).
fn whole_number(n: &serde_json::Number) -> Result<String, String> {
    if let Some(whole) = n.as_u64() {
        return Ok(whole.to_string());
    }
    if let Some(whole) = n.as_i64() {
        return Ok(whole.to_string());
    }
    match n.as_f64() {
        // `+ 0.0` turns -0.0 into 0.0, which prints without a sign.
        Some(f) if f.is_finite() && f.fract() == 0.0 => Ok(format!("{:.0}", f + 0.0)),
        _ => Err("a number with decimals must be sent as a string, like \"1250.50\"".into()),
    }
}

fn schema_for(sign: Sign) -> RefOr<Schema> {
    let (pattern, minimum, what) = match sign {
        Sign::NonNegative => (NON_NEGATIVE_PATTERN, 0, "zero or more"),
        Sign::Positive => (POSITIVE_PATTERN, 1, "above zero"),
    };
    AnyOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(pattern))
                .examples(["1250.50"]),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(minimum))
                .maximum(Some(MAX_MAJOR)),
        )
        .description(Some(format!(
            "An amount in the creditor's currency, {what}, at most 1000000000000: a decimal string \
             like \"1250.50\" (at most two decimals, `.` as separator, no grouping or spaces), or \
             a whole JSON number"
        )))
        .into()
}

/// The schema of [`Sign::NonNegative`] amounts.
pub struct AmountInput;

impl PartialSchema for AmountInput {
    fn schema() -> RefOr<Schema> {
        schema_for(Sign::NonNegative)
    }
}

impl ToSchema for AmountInput {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("AmountInput")
    }
}

/// The schema of [`Sign::Positive`] amounts.
pub struct PositiveAmountInput;

impl PartialSchema for PositiveAmountInput {
    fn schema() -> RefOr<Schema> {
        schema_for(Sign::Positive)
    }
}

impl ToSchema for PositiveAmountInput {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PositiveAmountInput")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nok(value: serde_json::Value, sign: Sign) -> Result<String, String> {
        parse(&value, Currency::NOK, sign).map(|m| m.to_plain_string())
    }

    #[test]
    fn strings_and_whole_numbers_are_amounts() {
        assert_eq!(nok(json!("1250.50"), Sign::Positive), Ok("1250.50".into()));
        assert_eq!(nok(json!("+007.5"), Sign::Positive), Ok("7.50".into()));
        assert_eq!(nok(json!(1250), Sign::Positive), Ok("1250.00".into()));
        assert_eq!(nok(json!(12.0), Sign::Positive), Ok("12.00".into()));
        assert_eq!(nok(json!(0), Sign::NonNegative), Ok("0.00".into()));
        assert_eq!(nok(json!(-0.0), Sign::NonNegative), Ok("0.00".into()));
        assert_eq!(
            nok(json!(1_000_000_000_000u64), Sign::Positive),
            Ok("1000000000000.00".into())
        );
    }

    #[test]
    fn floats_signs_spaces_and_zero_payments_are_refused() {
        for (value, sign) in [
            (json!(12.5), Sign::NonNegative),
            (json!(0.1), Sign::Positive),
            (json!("-0"), Sign::NonNegative),
            (json!(-5), Sign::NonNegative),
            (json!(" 5"), Sign::NonNegative),
            (json!("5 "), Sign::NonNegative),
            (json!("0"), Sign::Positive),
            (json!("0.00"), Sign::Positive),
            (json!(0), Sign::Positive),
            (json!("1000000000000.01"), Sign::Positive),
            (json!(1e13), Sign::Positive),
            (json!(1e300), Sign::Positive),
            (json!(null), Sign::Positive),
            (json!("12."), Sign::Positive),
            (json!(".5"), Sign::Positive),
        ] {
            assert!(nok(value.clone(), sign).is_err(), "{value} {sign:?}");
        }
    }

    fn validator(sign: Sign) -> jsonschema::Validator {
        let schema = serde_json::to_value(schema_for(sign)).expect("schema json");
        jsonschema::validator_for(&schema).expect("the schema compiles")
    }

    static NON_NEGATIVE: std::sync::LazyLock<jsonschema::Validator> =
        std::sync::LazyLock::new(|| validator(Sign::NonNegative));
    static POSITIVE: std::sync::LazyLock<jsonschema::Validator> =
        std::sync::LazyLock::new(|| validator(Sign::Positive));

    fn agree(
        value: serde_json::Value,
        positive: bool,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let (sign, schema) = match positive {
            true => (Sign::Positive, &*POSITIVE),
            false => (Sign::NonNegative, &*NON_NEGATIVE),
        };
        proptest::prop_assert_eq!(
            schema.is_valid(&value),
            parse(&value, Currency::NOK, sign).is_ok(),
            "{}",
            value
        );
        Ok(())
    }

    proptest::proptest! {
        /// The published schema takes exactly the amounts `parse` takes.
        #[test]
        fn the_schema_is_the_parser(
            shaped in r"[ +-]?0{0,3}[0-9]{0,14}(\.[0-9]{0,3})?[ ]?",
            noise in r"[-+0-9. ]{0,16}",
            whole in proptest::num::i64::ANY,
            positive in proptest::bool::ANY,
        ) {
            agree(json!(shaped), positive)?;
            agree(json!(noise), positive)?;
            agree(json!(whole), positive)?;
            agree(json!(whole % 2_000_000_000_000), positive)?;
        }
    }
}
