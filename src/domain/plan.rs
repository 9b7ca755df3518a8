//! Instalment plans: the exact schedule of dates and amounts for a balance, fee and interest.
//! Amounts are computed in minor units (øre), so the instalments always sum exactly.

use chrono::{Datelike, Duration, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::jurisdiction::no;
use super::kid::Kid;
use super::mandate::{FirstPayment, PlanRules};
use super::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Instalment {
    pub number: u32,
    pub due_date: NaiveDate,
    /// What the debtor pays: principal + interest + fee.
    pub amount: Money,
    pub principal: Money,
    pub interest: Money,
    pub fee: Money,
    /// Each instalment has its own payment reference once the plan is agreed.
    pub kid: Option<Kid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InstalmentPlan {
    pub agreed_on: NaiveDate,
    pub instalments: Vec<Instalment>,
    pub principal: Money,
    pub fee: Money,
    pub interest: Money,
    /// Everything the debtor pays over the plan; `fee + interest` is the extra cost of the plan.
    pub total: Money,
    /// Set for a limited agreement: the plan covers only part of the balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limited: Option<LimitedTerms>,
}

/// What makes a plan a limited agreement (begrenset avtale): smaller instalments than the
/// creditor's usual minimum for a period, then the agency takes a new look at the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LimitedTerms {
    /// The last instalment's due date: the period ends then (the review follows its grace).
    pub ends_on: NaiveDate,
    /// What is still owed once every instalment is paid; the review decides about it.
    pub left_after: Money,
}

impl InstalmentPlan {
    pub fn months(&self) -> u32 {
        self.instalments.len() as u32
    }

    pub fn extra_cost(&self) -> Money {
        Money::from_minor(
            self.fee.minor_units() + self.interest.minor_units(),
            self.total.currency(),
        )
    }

    /// The usual monthly principal: the one most instalments have (the larger on a tie), so a
    /// first payment or a smaller last instalment does not count as "usual".
    pub fn monthly(&self) -> Money {
        let mut counts: Vec<(i64, usize)> = Vec::new();
        for i in &self.instalments {
            let minor = i.principal.minor_units();
            match counts.iter_mut().find(|(m, _)| *m == minor) {
                Some((_, n)) => *n += 1,
                None => counts.push((minor, 1)),
            }
        }
        let usual = counts
            .into_iter()
            .max_by_key(|(m, n)| (*n, *m))
            .map_or(0, |(m, _)| m);
        Money::from_minor(usual, self.total.currency())
    }
}

/// How the debtor shapes the plan: a number of months, or a monthly amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanShape {
    Months(u32),
    Monthly(Money),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("a plan needs at least two instalments")]
    TooFewInstalments,
    #[error("the balance is not positive")]
    NothingOwed,
    #[error("the first payment is as large as the whole balance")]
    FirstPaymentTooLarge,
    #[error("the monthly amount must be above zero")]
    ZeroMonthly,
}

fn first_payment_minor(rules: &PlanRules, balance: i64, currency: Currency) -> i64 {
    match &rules.first_payment {
        None => 0,
        Some(FirstPayment::Amount(a)) => Money::round_to_minor(*a, currency).minor_units(),
        Some(FirstPayment::Percent(p)) => {
            // Balance is in minor units already, so the share is too.
            (Decimal::from(balance) * *p / Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .try_into()
                .unwrap_or(0_i64)
        }
    }
}

/// Principal of each instalment in minor units, summing exactly to `balance`.
fn principal_split(balance: i64, shape: PlanShape, first: i64) -> Result<Vec<i64>, PlanError> {
    if first >= balance {
        return Err(PlanError::FirstPaymentTooLarge);
    }
    let rest = balance - first;
    let mut parts = Vec::new();
    if first > 0 {
        parts.push(first);
    }
    match shape {
        PlanShape::Months(n) => {
            let regular = i64::from(n) - i64::from(first > 0);
            if n < 2 || regular < 1 {
                return Err(PlanError::TooFewInstalments);
            }
            let base = rest / regular;
            let remainder = rest % regular;
            for i in 0..regular {
                // The rounding remainder goes to the last instalment.
                parts.push(if i == regular - 1 {
                    base + remainder
                } else {
                    base
                });
            }
        }
        PlanShape::Monthly(m) => {
            let m = m.minor_units();
            if m <= 0 {
                return Err(PlanError::ZeroMonthly);
            }
            let mut left = rest;
            while left > 0 {
                let part = left.min(m);
                parts.push(part);
                left -= part;
            }
        }
    }
    if parts.len() < 2 {
        return Err(PlanError::TooFewInstalments);
    }
    Ok(parts)
}

/// The latest business day no later than `limit` and after `today` (falls back to the next one).
fn first_due_date(today: NaiveDate, within_days: u32) -> NaiveDate {
    let limit = today + Duration::days(i64::from(within_days.max(1)));
    let mut day = limit;
    while day > today {
        if no::is_business_day(day) {
            return day;
        }
        day -= Duration::days(1);
    }
    no::business_day_on_or_after(today + Duration::days(1))
}

fn days_in_year(year: i32) -> i64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// The schedule for `balance` shaped as asked, under the creditor's plan rules, agreed `today`.
pub fn schedule(
    balance: Money,
    shape: PlanShape,
    rules: &PlanRules,
    today: NaiveDate,
) -> Result<InstalmentPlan, PlanError> {
    let currency = balance.currency();
    let total_principal = balance.minor_units();
    if total_principal <= 0 {
        return Err(PlanError::NothingOwed);
    }
    let first = first_payment_minor(rules, total_principal, currency);
    let parts = principal_split(total_principal, shape, first)?;
    let count = parts.len() as u32;
    // Inkassoforskriften § 2-4: the extra cost is allowed only for more than four instalments.
    let fee = if count > 4 {
        let cap = no::max_plan_fee(today, count);
        Money::round_to_minor(
            rules.establishment_fee.min(cap).max(Decimal::ZERO),
            currency,
        )
        .minor_units()
    } else {
        0
    };
    let first_date = first_due_date(today, rules.first_due_within_days);
    let mut outstanding = total_principal;
    let mut previous = today;
    let mut instalments = Vec::with_capacity(parts.len());
    let (mut interest_total, mut paid_total) = (0_i64, 0_i64);
    for (i, principal) in parts.iter().enumerate() {
        let nominal = first_date
            .checked_add_months(Months::new(i as u32))
            .unwrap_or(first_date);
        let due = if i == 0 {
            first_date
        } else {
            no::business_day_on_or_after(nominal)
        };
        let interest = if rules.interest_during_plan {
            let days = (due - previous).num_days().max(0);
            let raw = Decimal::from(outstanding) * rules.interest_rate_percent
                / Decimal::ONE_HUNDRED
                * Decimal::from(days)
                / Decimal::from(days_in_year(due.year()));
            raw.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .try_into()
                .unwrap_or(0_i64)
        } else {
            0
        };
        let fee_part = if i == 0 { fee } else { 0 };
        let amount = principal + interest + fee_part;
        instalments.push(Instalment {
            number: i as u32 + 1,
            due_date: due,
            amount: Money::from_minor(amount, currency),
            principal: Money::from_minor(*principal, currency),
            interest: Money::from_minor(interest, currency),
            fee: Money::from_minor(fee_part, currency),
            kid: None,
        });
        outstanding -= principal;
        previous = due;
        interest_total += interest;
        paid_total += amount;
    }
    Ok(InstalmentPlan {
        agreed_on: today,
        instalments,
        principal: balance,
        fee: Money::from_minor(fee, currency),
        interest: Money::from_minor(interest_total, currency),
        total: Money::from_minor(paid_total, currency),
        limited: None,
    })
}

/// A limited agreement for `balance`: up to `months` monthly instalments of `monthly` (fewer
/// when they pay it all, the last then smaller), with no establishment fee and no plan
/// interest (what the rest costs is for the review to decide), agreed `today`.
pub fn limited_schedule(
    balance: Money,
    monthly: Money,
    months: u32,
    rules: &PlanRules,
    today: NaiveDate,
) -> Result<InstalmentPlan, PlanError> {
    let currency = balance.currency();
    let owed = balance.minor_units();
    if owed <= 0 {
        return Err(PlanError::NothingOwed);
    }
    let each = monthly.minor_units();
    if each <= 0 {
        return Err(PlanError::ZeroMonthly);
    }
    if months == 0 {
        return Err(PlanError::TooFewInstalments);
    }
    let first_date = first_due_date(today, rules.first_due_within_days);
    let mut instalments = Vec::new();
    let mut left = owed;
    for i in 0..months {
        if left <= 0 {
            break;
        }
        let part = left.min(each);
        left -= part;
        let due = if i == 0 {
            first_date
        } else {
            no::business_day_on_or_after(
                first_date
                    .checked_add_months(Months::new(i))
                    .unwrap_or(first_date),
            )
        };
        instalments.push(Instalment {
            number: i + 1,
            due_date: due,
            amount: Money::from_minor(part, currency),
            principal: Money::from_minor(part, currency),
            interest: Money::from_minor(0, currency),
            fee: Money::from_minor(0, currency),
            kid: None,
        });
    }
    let paid = owed - left;
    let ends_on = instalments.last().map_or(first_date, |i| i.due_date);
    Ok(InstalmentPlan {
        agreed_on: today,
        instalments,
        principal: Money::from_minor(paid, currency),
        fee: Money::from_minor(0, currency),
        interest: Money::from_minor(0, currency),
        total: Money::from_minor(paid, currency),
        limited: Some(LimitedTerms {
            ends_on,
            left_after: Money::from_minor(left, currency),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mandate::tests::generous;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn nok(minor: i64) -> Money {
        Money::from_minor(minor, Currency::NOK)
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn equal_instalments_put_the_remainder_last() {
        let plan = schedule(
            nok(100_000),
            PlanShape::Months(3),
            &generous().plan,
            today(),
        )
        .expect("plan");
        let amounts: Vec<i64> = plan
            .instalments
            .iter()
            .map(|i| i.amount.minor_units())
            .collect();
        assert_eq!(amounts, vec![33_333, 33_333, 33_334]);
        assert_eq!(plan.total, nok(100_000));
        assert_eq!(plan.extra_cost(), nok(0));
    }

    #[test]
    fn the_fee_applies_only_to_plans_of_more_than_four_instalments() {
        let mut rules = generous().plan;
        rules.establishment_fee = dec!(350);
        let four = schedule(nok(400_000), PlanShape::Months(4), &rules, today()).expect("plan");
        assert_eq!(four.fee, nok(0));
        let five = schedule(nok(400_000), PlanShape::Months(5), &rules, today()).expect("plan");
        assert_eq!(five.fee, nok(35_000));
        assert_eq!(five.total, nok(435_000));
        assert_eq!(five.instalments[0].fee, nok(35_000));
    }

    #[test]
    fn a_first_payment_share_comes_first() {
        let mut rules = generous().plan;
        rules.first_payment = Some(FirstPayment::Percent(dec!(25)));
        let plan = schedule(nok(100_000), PlanShape::Months(4), &rules, today()).expect("plan");
        let principal: Vec<i64> = plan
            .instalments
            .iter()
            .map(|i| i.principal.minor_units())
            .collect();
        assert_eq!(principal, vec![25_000, 25_000, 25_000, 25_000]);
    }

    #[test]
    fn interest_runs_on_the_declining_balance_when_the_mandate_says_so() {
        let mut rules = generous().plan;
        rules.interest_during_plan = true;
        rules.interest_rate_percent = dec!(12);
        let plan = schedule(nok(120_000), PlanShape::Months(2), &rules, today()).expect("plan");
        // 1 200 kr × 12 % × 14/365 days, then 600 kr × 12 % × 31/365 days, to the øre.
        assert_eq!(plan.instalments[0].interest, nok(552));
        assert_eq!(plan.instalments[1].interest, nok(612));
        assert_eq!(
            plan.total.minor_units(),
            120_000 + plan.interest.minor_units()
        );
    }

    #[test]
    fn a_monthly_amount_gives_a_smaller_last_instalment() {
        let plan = schedule(
            nok(100_000),
            PlanShape::Monthly(nok(30_000)),
            &generous().plan,
            today(),
        )
        .expect("plan");
        let amounts: Vec<i64> = plan
            .instalments
            .iter()
            .map(|i| i.amount.minor_units())
            .collect();
        assert_eq!(amounts, vec![30_000, 30_000, 30_000, 10_000]);
    }

    #[test]
    fn the_first_instalment_is_a_business_day_within_the_limit() {
        // 23 Nov 2026 + 14 days = Monday 7 Dec.
        let plan = schedule(
            nok(100_000),
            PlanShape::Months(2),
            &generous().plan,
            today(),
        )
        .expect("plan");
        assert_eq!(
            plan.instalments[0].due_date,
            NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")
        );
        assert_eq!(
            plan.instalments[1].due_date,
            NaiveDate::from_ymd_opt(2027, 1, 7).expect("date")
        );
        // 19 Dec + 14 = Saturday 2 Jan → moved back past New Year's Day and the bank-closed
        // New Year's Eve to Wednesday 30 Dec.
        let plan = schedule(
            nok(100_000),
            PlanShape::Months(2),
            &generous().plan,
            NaiveDate::from_ymd_opt(2026, 12, 19).expect("d"),
        )
        .expect("plan");
        assert_eq!(
            plan.instalments[0].due_date,
            NaiveDate::from_ymd_opt(2026, 12, 30).expect("date")
        );
    }

    #[test]
    fn one_instalment_is_not_a_plan() {
        assert_eq!(
            schedule(
                nok(100_000),
                PlanShape::Months(1),
                &generous().plan,
                today()
            ),
            Err(PlanError::TooFewInstalments)
        );
        assert_eq!(
            schedule(
                nok(100),
                PlanShape::Monthly(nok(500)),
                &generous().plan,
                today()
            ),
            Err(PlanError::TooFewInstalments)
        );
    }

    #[test]
    fn a_limited_agreement_pays_part_of_the_balance_over_its_period() {
        let plan = limited_schedule(nok(5_000_000), nok(20_000), 6, &generous().plan, today())
            .expect("plan");
        assert_eq!(plan.instalments.len(), 6);
        assert!(plan.instalments.iter().all(|i| i.amount == nok(20_000)));
        assert_eq!(plan.total, nok(120_000));
        assert_eq!(plan.extra_cost(), nok(0));
        let limited = plan.limited.expect("limited");
        assert_eq!(limited.left_after, nok(4_880_000));
        assert_eq!(limited.ends_on, plan.instalments[5].due_date);
        assert_eq!(
            plan.instalments[0].due_date,
            NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")
        );
        // Small enough to be paid inside the period: fewer instalments, nothing left.
        let short =
            limited_schedule(nok(50_000), nok(20_000), 6, &generous().plan, today()).expect("plan");
        let amounts: Vec<i64> = short
            .instalments
            .iter()
            .map(|i| i.amount.minor_units())
            .collect();
        assert_eq!(amounts, vec![20_000, 20_000, 10_000]);
        assert_eq!(short.limited.map(|l| l.left_after), Some(nok(0)));
        assert_eq!(
            limited_schedule(nok(50_000), nok(0), 6, &generous().plan, today()),
            Err(PlanError::ZeroMonthly)
        );
    }

    proptest! {
        #[test]
        fn schedules_sum_exactly_and_fall_on_business_days(
            balance in 1_000_i64..50_000_000,
            months in 2_u32..=24,
            fee in 0_i64..150_000,
            interest in proptest::bool::ANY,
            day_offset in 0_i64..800,
        ) {
            let mut rules = generous().plan;
            rules.establishment_fee = Decimal::new(fee, 2);
            rules.interest_during_plan = interest;
            rules.interest_rate_percent = dec!(12);
            let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Duration::days(day_offset);
            let plan = schedule(nok(balance), PlanShape::Months(months), &rules, today).expect("plan");
            let principal: i64 = plan.instalments.iter().map(|i| i.principal.minor_units()).sum();
            prop_assert_eq!(principal, balance);
            let paid: i64 = plan.instalments.iter().map(|i| i.amount.minor_units()).sum();
            prop_assert_eq!(paid, plan.total.minor_units());
            prop_assert_eq!(plan.total.minor_units(), balance + plan.fee.minor_units() + plan.interest.minor_units());
            // Equal instalments: every one but the last is the same; the last carries the remainder.
            let regular = balance / i64::from(months);
            let n = plan.instalments.len();
            for inst in &plan.instalments[..n - 1] {
                prop_assert_eq!(inst.principal.minor_units(), regular);
            }
            prop_assert!(plan.instalments[n - 1].principal.minor_units() >= regular);
            for inst in &plan.instalments {
                prop_assert!(no::is_business_day(inst.due_date), "{} is not a business day", inst.due_date);
                prop_assert!(inst.due_date > today);
            }
            let dates: Vec<_> = plan.instalments.iter().map(|i| i.due_date).collect();
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
        }

        #[test]
        fn monthly_amount_plans_sum_exactly_and_only_the_last_is_smaller(
            balance in 1_000_i64..5_000_000,
            monthly in 100_i64..1_000_000,
        ) {
            prop_assume!(balance > monthly);
            let plan = schedule(nok(balance), PlanShape::Monthly(nok(monthly)), &generous().plan, today()).expect("plan");
            let sum: i64 = plan.instalments.iter().map(|i| i.principal.minor_units()).sum();
            prop_assert_eq!(sum, balance);
            let n = plan.instalments.len();
            for inst in &plan.instalments[..n - 1] {
                prop_assert_eq!(inst.principal.minor_units(), monthly);
            }
            prop_assert!(plan.instalments[n - 1].principal.minor_units() <= monthly);
        }
    }
}
