//! Amounts as an agency sends them (a claim line, a direct payment): a decimal string or a
//! whole JSON number, parsed into `Money` by one function. The API's schemas for them
//! (`http::api::amount`) are checked to accept exactly what this accepts.

use std::borrow::Cow;

use crate::domain::money::{Currency, Money};

/// Which amounts a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Zero or more (a claim line).
    NonNegative,
    /// Above zero (a payment).
    Positive,
}

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
}
