//! The schemas of amounts in the agency API (a claim line, a direct payment): exactly what
//! `service::amount::parse` accepts, a decimal string or a whole JSON number.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

pub use crate::service::amount::Sign;

/// The largest amount: `Money::parse`'s limit of 10^12 major units.
const MAX_MAJOR: u64 = 1_000_000_000_000;

/// Zero or more, with at most two decimals (every currency innfri collects in has two), up to
/// 10^12. Leading zeros and a `+` are fine, as `Money::parse` takes them.
const NON_NEGATIVE_PATTERN: &str =
    r"^\+?0*(?:[0-9]{1,12}(?:\.[0-9]{1,2})?|1000000000000(?:\.00?)?)$";
/// The same above zero.
const POSITIVE_PATTERN: &str = r"^\+?0*(?:[1-9][0-9]{0,11}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?)|1000000000000(?:\.00?)?)$";

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
    use crate::domain::money::Currency;
    use crate::service::amount::parse;
    use serde_json::json;

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
