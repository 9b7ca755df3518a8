//! A creditor's mandate: what may be granted to a debtor without a person looking at it,
//! and the check that it never asks for more than the law allows.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::creditor::Jurisdiction;
use super::jurisdiction::no;

/// The most identity-check tries a mandate may allow per case.
pub const MAX_IDENTITY_ATTEMPTS: u32 = 10;

/// Mandate amounts and percentages as read from a file, the store or the API: a plain decimal
/// string (`"300"`, `"12.5"`, `"-1"`) or a number (configuration files write
/// `min_instalment = 300`), below 10^15 in magnitude with at most 12 decimals. Exactly the
/// strings of [`decimal_input::PATTERN`]; rust_decimal alone would also take `"1_000"`, `".5"`
/// or `"1e3"`.
pub mod decimal_input {
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::de::{self, Deserializer, Visitor};

    pub const PATTERN: &str = r"^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,12})?$";
    /// Magnitudes stay below this (10^15, with 12 decimals well within Decimal's 28 digits).
    pub const LIMIT: i64 = 1_000_000_000_000_000;

    /// Parses the strings of [`PATTERN`].
    pub fn parse(text: &str) -> Option<Decimal> {
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (integer, fraction) = match unsigned.split_once('.') {
            Some((integer, fraction)) => (integer, Some(fraction)),
            None => (unsigned, None),
        };
        let digits = |s: &str, max: usize| {
            !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
        };
        let integer_ok = digits(integer, 15) && (integer == "0" || !integer.starts_with('0'));
        if !integer_ok || !fraction.is_none_or(|f| digits(f, 12)) {
            return None;
        }
        text.parse().ok()
    }

    struct DecimalVisitor;

    impl Visitor<'_> for DecimalVisitor {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal string like \"300\" or \"12.5\" (or a number), below 10^15")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            match v.checked_abs() {
                Some(magnitude) if magnitude < LIMIT => Ok(Decimal::from(v)),
                _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
            }
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            match i64::try_from(v) {
                Ok(v) => self.visit_i64(v),
                Err(_) => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
            }
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            // Display never uses an exponent: 12.5 is "12.5", 300.0 is "300".
            parse(&v.to_string()).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    struct Wrapped(Decimal);

    impl<'de> serde::Deserialize<'de> for Wrapped {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d).map(Wrapped)
        }
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(<Option<Wrapped> as serde::Deserialize>::deserialize(d)?.map(|w| w.0))
    }
}

/// The schema of [`decimal_input`]: a string of its pattern or a whole number.
pub struct DecimalInput;

impl utoipa::PartialSchema for DecimalInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Type};
        AnyOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(decimal_input::PATTERN))
                    .examples(["300"]),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .exclusive_minimum(Some(-decimal_input::LIMIT))
                    .exclusive_maximum(Some(decimal_input::LIMIT)),
            )
            .description(Some(
                "A decimal string like \"300\" or \"12.5\" (no leading zeros or `+`, at most 12 \
                 decimals), or a whole JSON number; below 10^15 in magnitude",
            ))
            .into()
    }
}

impl ToSchema for DecimalInput {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("DecimalInput")
    }
}

/// Deferrals: more time to pay the whole balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeferralRules {
    /// Whether the debtor may ask for more time at all.
    pub allowed: bool,
    /// Longest extension of the current due date, in days.
    pub max_days: u32,
    /// How many deferrals one case may get.
    pub max_per_case: u32,
    /// Extensions up to this many days are granted at once; longer ones go to review.
    pub auto_grant_days: u32,
    /// Balance range (in the creditor's currency) deferrals apply to; outside it, review.
    #[serde(default, deserialize_with = "decimal_input::option")]
    #[schema(value_type = Option<DecimalInput>)]
    pub min_balance: Option<Decimal>,
    /// Upper end of that range; no upper end when left out.
    #[serde(default, deserialize_with = "decimal_input::option")]
    #[schema(value_type = Option<DecimalInput>)]
    pub max_balance: Option<Decimal>,
}

/// What the debtor pays first when a plan starts: `{"amount": "500"}` or `{"percent": "10"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum FirstPayment {
    /// A fixed amount first.
    #[schema(value_type = DecimalInput)]
    Amount(#[serde(deserialize_with = "decimal_input::deserialize")] Decimal),
    /// A share of the balance first, in percent.
    #[schema(value_type = DecimalInput)]
    Percent(#[serde(deserialize_with = "decimal_input::deserialize")] Decimal),
}

/// Instalment plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRules {
    /// Whether the debtor may ask for an instalment plan at all.
    pub allowed: bool,
    /// Longest plan, in months (2 to 120 when plans are allowed).
    pub max_months: u32,
    /// Smallest monthly instalment (the last one may be smaller).
    #[serde(deserialize_with = "decimal_input::deserialize")]
    #[schema(value_type = DecimalInput)]
    pub min_instalment: Decimal,
    /// A first payment the plan starts with; none when left out or null.
    pub first_payment: Option<FirstPayment>,
    /// The first instalment falls due at the latest this many days after the agreement.
    pub first_due_within_days: u32,
    /// Plans up to this many months are granted at once; longer ones go to review.
    pub auto_grant_months: u32,
    /// Cost of setting up the plan, charged only for plans of more than four instalments.
    #[serde(deserialize_with = "decimal_input::deserialize")]
    #[schema(value_type = DecimalInput)]
    pub establishment_fee: Decimal,
    /// Whether late-payment interest keeps running on the unpaid balance during the plan.
    pub interest_during_plan: bool,
    /// Yearly rate in percent, used when interest runs.
    #[serde(deserialize_with = "decimal_input::deserialize")]
    #[schema(value_type = DecimalInput)]
    pub interest_rate_percent: Decimal,
    /// Limited agreements (begrenset avtale) for a debtor who cannot reach `min_instalment`.
    #[serde(default)]
    pub limited: LimitedPlanRules,
}

/// A limited agreement: smaller instalments than the usual minimum for a set period, covering
/// only part of the claim; after the period the agency takes a new look (`plan.review_due`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitedPlanRules {
    /// Whether a debtor whose instalment would be below `plan.min_instalment` is granted one.
    pub allowed: bool,
    /// Smallest instalment of a limited agreement (below `plan.min_instalment`).
    #[serde(deserialize_with = "decimal_input::deserialize")]
    #[schema(value_type = DecimalInput)]
    pub min_instalment: Decimal,
    /// The period: how many monthly instalments before the review (1 to `plan.max_months`).
    pub max_months: u32,
}

impl Default for PlanRules {
    fn default() -> Self {
        PlanRules {
            allowed: false,
            max_months: 0,
            min_instalment: Decimal::ZERO,
            first_payment: None,
            first_due_within_days: 14,
            auto_grant_months: 0,
            establishment_fee: Decimal::ZERO,
            interest_during_plan: false,
            interest_rate_percent: Decimal::ZERO,
            limited: LimitedPlanRules::default(),
        }
    }
}

/// Paying part of the balance online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartialPaymentRules {
    /// Whether the case page offers paying part of the balance.
    pub allowed: bool,
    /// The smallest part the debtor may pay.
    #[serde(deserialize_with = "decimal_input::deserialize")]
    #[schema(value_type = DecimalInput)]
    pub min_amount: Decimal,
}

/// What the debtor must confirm before the case page shows anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityCheck {
    /// The link alone opens the case page.
    #[default]
    None,
    /// The debtor confirms the postcode the agency gave with the case.
    Postcode,
    /// The debtor confirms the birth date the agency gave with the case.
    BirthDate,
}

/// The identity step-up on the case page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityRules {
    pub check: IdentityCheck,
    /// Wrong answers in a row before the case page locks for 24 hours.
    pub max_attempts: u32,
}

impl Default for IdentityRules {
    fn default() -> Self {
        IdentityRules {
            check: IdentityCheck::None,
            max_attempts: 3,
        }
    }
}

/// Everything a creditor allows; every section defaults to "not allowed".
///
/// Amounts and percentages are decimal strings such as `"300"` or `"12.5"` (in the creditor's
/// currency); JSON numbers are accepted on input too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Mandate {
    #[serde(default)]
    pub deferral: DeferralRules,
    #[serde(default)]
    pub plan: PlanRules,
    #[serde(default)]
    pub partial_payment: PartialPaymentRules,
    #[serde(default)]
    pub identity: IdentityRules,
    /// How an agreed plan is followed up: reminders, grace period, when it breaks.
    #[serde(default)]
    pub follow_up: super::plan_followup::FollowUpRules,
}

/// A mandate setting that breaks the law or contradicts itself: the field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateIssue {
    pub field: &'static str,
    pub message: String,
}

impl Mandate {
    /// As [`Mandate::check_with_rates`] with the law pack's built-in rate table.
    #[cfg(test)]
    pub fn check(&self, jurisdiction: Jurisdiction, today: NaiveDate) -> Vec<MandateIssue> {
        let rates = super::jurisdiction::law(jurisdiction).late_interest_rates(&[]);
        self.check_with_rates(jurisdiction, today, &rates)
    }

    /// Every problem with this mandate under `jurisdiction` on `today`, with the late-payment
    /// interest `rates` in force (built-in and configured); empty when it is fine.
    pub fn check_with_rates(
        &self,
        jurisdiction: Jurisdiction,
        today: NaiveDate,
        rates: &super::interest::RateTable,
    ) -> Vec<MandateIssue> {
        let mut issues = Vec::new();
        let mut issue =
            |field: &'static str, message: String| issues.push(MandateIssue { field, message });
        let d = &self.deferral;
        if d.auto_grant_days > d.max_days {
            issue(
                "deferral.auto_grant_days",
                format!(
                    "is {} but deferral.max_days is {}",
                    d.auto_grant_days, d.max_days
                ),
            );
        }
        if d.allowed && (d.max_days == 0 || d.max_per_case == 0) {
            issue(
                "deferral.max_days",
                "deferral is allowed, so max_days and max_per_case must be above 0".into(),
            );
        }
        if let (Some(min), Some(max)) = (d.min_balance, d.max_balance)
            && min > max
        {
            issue(
                "deferral.min_balance",
                format!("{min} is above deferral.max_balance {max}"),
            );
        }
        let p = &self.plan;
        if p.allowed && p.max_months < 2 {
            issue("plan.max_months", "a plan needs at least 2 months".into());
        }
        if p.max_months > 120 {
            issue("plan.max_months", "must be at most 120".into());
        }
        if p.auto_grant_months > p.max_months {
            issue(
                "plan.auto_grant_months",
                format!(
                    "is {} but plan.max_months is {}",
                    p.auto_grant_months, p.max_months
                ),
            );
        }
        if p.allowed && p.min_instalment <= Decimal::ZERO {
            issue("plan.min_instalment", "must be above 0".into());
        }
        if p.first_due_within_days == 0 || p.first_due_within_days > 60 {
            issue(
                "plan.first_due_within_days",
                "must be between 1 and 60".into(),
            );
        }
        match &p.first_payment {
            Some(FirstPayment::Percent(pct))
                if *pct <= Decimal::ZERO || *pct >= Decimal::ONE_HUNDRED =>
            {
                issue(
                    "plan.first_payment",
                    "percent must be above 0 and below 100".into(),
                )
            }
            Some(FirstPayment::Amount(a)) if *a <= Decimal::ZERO => {
                issue("plan.first_payment", "amount must be above 0".into())
            }
            _ => {}
        }
        let limited = &p.limited;
        if limited.allowed {
            if !p.allowed {
                issue(
                    "plan.limited.allowed",
                    "limited agreements need plan.allowed = true".into(),
                );
            }
            if limited.min_instalment <= Decimal::ZERO || limited.min_instalment >= p.min_instalment
            {
                issue(
                    "plan.limited.min_instalment",
                    format!(
                        "{} must be above 0 and below plan.min_instalment {}",
                        limited.min_instalment, p.min_instalment
                    ),
                );
            }
            if limited.max_months == 0 || limited.max_months > p.max_months {
                issue(
                    "plan.limited.max_months",
                    format!(
                        "{} must be between 1 and plan.max_months {}",
                        limited.max_months, p.max_months
                    ),
                );
            }
        }
        if self.partial_payment.allowed && self.partial_payment.min_amount <= Decimal::ZERO {
            issue("partial_payment.min_amount", "must be above 0".into());
        }
        if self.identity.check != IdentityCheck::None && self.identity.max_attempts == 0 {
            issue("identity.max_attempts", "must be at least 1".into());
        }
        // A postcode has 10,000 values: more tries than this would let anyone guess through.
        if self.identity.max_attempts > MAX_IDENTITY_ATTEMPTS {
            issue(
                "identity.max_attempts",
                format!("must be at most {MAX_IDENTITY_ATTEMPTS}"),
            );
        }
        let f = &self.follow_up;
        if f.reminder_days_before > 30 {
            issue(
                "follow_up.reminder_days_before",
                "must be at most 30".into(),
            );
        }
        if f.grace_days > 30 {
            issue("follow_up.grace_days", "must be at most 30".into());
        }
        if !(1..=12).contains(&f.missed_in_a_row_to_break) {
            issue(
                "follow_up.missed_in_a_row_to_break",
                "must be between 1 and 12".into(),
            );
        }
        match jurisdiction {
            Jurisdiction::Norway => {
                let cap = no::max_plan_fee(today, u32::MAX);
                if p.establishment_fee < Decimal::ZERO || p.establishment_fee > cap {
                    issue(
                        "plan.establishment_fee",
                        format!(
                            "{} exceeds the legal limit of {cap} kr (1.5 × inkassosats, inkassoforskriften § 2-4)",
                            p.establishment_fee
                        ),
                    );
                }
                // The cap is the rate in force; past the known table, the newest known one (a
                // limit for the plan's own rate, not interest charged).
                let rate = rates
                    .rate_on(today)
                    .ok()
                    .or_else(|| rates.periods().last().map(|p| p.percent))
                    .unwrap_or(Decimal::ZERO);
                if p.interest_during_plan
                    && (p.interest_rate_percent <= Decimal::ZERO || p.interest_rate_percent > rate)
                {
                    issue(
                        "plan.interest_rate_percent",
                        format!(
                            "{} % is outside 0–{rate} % (the late-payment interest rate in force)",
                            p.interest_rate_percent
                        ),
                    );
                }
            }
        }
        issues
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    pub fn generous() -> Mandate {
        Mandate {
            deferral: DeferralRules {
                allowed: true,
                max_days: 30,
                max_per_case: 2,
                auto_grant_days: 14,
                min_balance: None,
                max_balance: None,
            },
            plan: PlanRules {
                allowed: true,
                max_months: 12,
                min_instalment: dec!(300),
                first_payment: None,
                first_due_within_days: 14,
                auto_grant_months: 6,
                establishment_fee: dec!(0),
                interest_during_plan: false,
                interest_rate_percent: dec!(0),
                limited: LimitedPlanRules::default(),
            },
            partial_payment: PartialPaymentRules {
                allowed: true,
                min_amount: dec!(100),
            },
            identity: IdentityRules::default(),
            follow_up: Default::default(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn decimals_are_plain_strings_or_numbers_below_10_15() {
        use decimal_input::parse;
        assert_eq!(parse("300"), Some(dec!(300)));
        assert_eq!(parse("-12.5"), Some(dec!(-12.5)));
        assert_eq!(parse("0.000000000001"), Some(dec!(0.000000000001)));
        assert_eq!(
            parse("999999999999999.999999999999"),
            Some(dec!(999999999999999.999999999999))
        );
        for bad in [
            "",
            "-",
            "+1",
            "01",
            "1.",
            ".5",
            "1_000",
            "1e3",
            " 1",
            "1 ",
            "1000000000000000",
            "0.0000000000001",
            "NaN",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let from_toml: PlanRules = serde_json::from_value(serde_json::json!({
            "allowed": true, "max_months": 12, "min_instalment": 300, "first_due_within_days": 14,
            "auto_grant_months": 6, "establishment_fee": 0, "interest_during_plan": true,
            "interest_rate_percent": 8.75
        }))
        .expect("numbers as configuration files write them");
        assert_eq!(from_toml.interest_rate_percent, dec!(8.75));
        assert_eq!(from_toml.first_payment, None);
        let too_big = serde_json::json!({"amount": 1e15});
        assert!(serde_json::from_value::<FirstPayment>(too_big).is_err());
    }

    #[test]
    fn a_sensible_mandate_has_no_issues() {
        assert!(generous().check(Jurisdiction::Norway, today()).is_empty());
    }

    #[test]
    fn a_plan_fee_above_the_legal_limit_is_named_with_the_limit() {
        let mut m = generous();
        m.plan.establishment_fee = dec!(1125);
        assert!(
            m.check(Jurisdiction::Norway, today()).is_empty(),
            "exactly at the limit is fine"
        );
        m.plan.establishment_fee = dec!(1125.01);
        let issues = m.check(Jurisdiction::Norway, today());
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "plan.establishment_fee");
        assert!(issues[0].message.contains("1125"));
    }

    #[test]
    fn interest_above_the_late_payment_rate_is_refused() {
        let mut m = generous();
        m.plan.interest_during_plan = true;
        m.plan.interest_rate_percent = dec!(12);
        assert!(m.check(Jurisdiction::Norway, today()).is_empty());
        m.plan.interest_rate_percent = dec!(12.01);
        assert_eq!(
            m.check(Jurisdiction::Norway, today())[0].field,
            "plan.interest_rate_percent"
        );
    }

    #[test]
    fn auto_grant_limits_cannot_exceed_the_maximum() {
        let mut m = generous();
        m.deferral.auto_grant_days = 31;
        m.plan.auto_grant_months = 13;
        let fields: Vec<_> = m
            .check(Jurisdiction::Norway, today())
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(
            fields,
            vec!["deferral.auto_grant_days", "plan.auto_grant_months"]
        );
    }

    #[test]
    fn a_limited_agreement_must_sit_below_the_usual_minimum_within_the_plan_length() {
        let mut m = generous();
        m.plan.limited = LimitedPlanRules {
            allowed: true,
            min_instalment: dec!(100),
            max_months: 6,
        };
        assert!(m.check(Jurisdiction::Norway, today()).is_empty());
        m.plan.limited.min_instalment = dec!(300);
        m.plan.limited.max_months = 13;
        let fields: Vec<_> = m
            .check(Jurisdiction::Norway, today())
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(
            fields,
            vec!["plan.limited.min_instalment", "plan.limited.max_months"]
        );
        m.plan.limited.min_instalment = dec!(0);
        m.plan.limited.max_months = 0;
        m.plan.allowed = false;
        let fields: Vec<_> = m
            .check(Jurisdiction::Norway, today())
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "plan.limited.allowed",
                "plan.limited.min_instalment",
                "plan.limited.max_months"
            ]
        );
        // Not allowed: nothing to check.
        m.plan.limited.allowed = false;
        assert!(m.check(Jurisdiction::Norway, today()).is_empty());
    }

    #[test]
    fn an_empty_mandate_allows_nothing_and_is_valid() {
        let m = Mandate::default();
        assert!(!m.deferral.allowed && !m.plan.allowed && !m.partial_payment.allowed);
        assert!(m.check(Jurisdiction::Norway, today()).is_empty());
    }

    #[test]
    fn identity_tries_are_capped_so_a_postcode_cannot_be_guessed() {
        let mut m = generous();
        m.identity.check = IdentityCheck::Postcode;
        m.identity.max_attempts = MAX_IDENTITY_ATTEMPTS;
        assert!(m.check(Jurisdiction::Norway, today()).is_empty());
        m.identity.max_attempts = MAX_IDENTITY_ATTEMPTS + 1;
        let issues = m.check(Jurisdiction::Norway, today());
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "identity.max_attempts");
    }
}
