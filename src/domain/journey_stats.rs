//! A/B statistics of a creditor's journey: per step and text variant, how many were sent,
//! delivered and opened, how many cases paid within 7 and 30 days of the step (with a 95 %
//! Wilson interval) and how much was collected, computed from plain facts about sends and
//! payments.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::ids::CaseId;

/// One step sent to one case in one wording (several messages of one step count once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSent {
    pub case: CaseId,
    pub step_id: String,
    pub variant: String,
    pub sent_on: NaiveDate,
    /// At least one of the step's messages was reported delivered.
    pub delivered: bool,
    /// The debtor opened the case's link on or after the day the step was sent.
    pub link_opened: bool,
}

/// A payment to a case, in minor units of the case's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMade {
    pub case: CaseId,
    pub received_on: NaiveDate,
    pub amount_minor: i64,
}

/// A share with its 95 % Wilson score interval (`None` when nothing was sent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rate {
    pub count: u64,
    pub rate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// One step in one wording.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VariantStats {
    pub step_id: String,
    pub variant: String,
    pub sent: u64,
    pub delivered: u64,
    pub link_opened: u64,
    pub paid_within_7_days: Rate,
    pub paid_within_30_days: Rate,
    /// Paid to the cases within 30 days of the step, in minor units.
    pub collected_minor: i64,
}

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval for `successes` out of `trials` (Wilson 1927): unlike the
/// normal approximation it stays inside 0..1 and is honest for small samples and rates near
/// 0 or 1, which A/B tests of a few hundred letters have. A dozen lines of arithmetic: a
/// statistics crate would bring far more than it gives here.
pub fn wilson(successes: u64, trials: u64) -> Option<(f64, f64)> {
    if trials == 0 || successes > trials {
        return None;
    }
    // Counts stay far below 2^52, so the conversion is exact.
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

fn rate(count: u64, trials: u64) -> Rate {
    let interval = wilson(count, trials);
    Rate {
        count,
        rate: (trials > 0).then(|| count as f64 / trials as f64),
        low: interval.map(|(low, _)| low),
        high: interval.map(|(_, high)| high),
    }
}

/// The statistics per (step, variant), in step id then variant order. A payment counts for
/// every step sent to its case in the 7 (30) days before it, from the day of sending: a
/// case that pays after the purring also paid within 30 days of a nudge sent 11 days
/// earlier. Comparing variants of the same step is what the numbers are for.
pub fn journey_stats(sent: &[StepSent], payments: &[PaymentMade]) -> Vec<VariantStats> {
    let mut by_case: BTreeMap<&CaseId, Vec<&PaymentMade>> = BTreeMap::new();
    for payment in payments {
        by_case.entry(&payment.case).or_default().push(payment);
    }
    let mut out: BTreeMap<(&str, &str), VariantStats> = BTreeMap::new();
    let mut paid: BTreeMap<(&str, &str), (u64, u64)> = BTreeMap::new();
    for s in sent {
        let key = (s.step_id.as_str(), s.variant.as_str());
        let stats = out.entry(key).or_insert_with(|| VariantStats {
            step_id: s.step_id.clone(),
            variant: s.variant.clone(),
            sent: 0,
            delivered: 0,
            link_opened: 0,
            paid_within_7_days: rate(0, 0),
            paid_within_30_days: rate(0, 0),
            collected_minor: 0,
        });
        stats.sent += 1;
        stats.delivered += u64::from(s.delivered);
        stats.link_opened += u64::from(s.link_opened);
        let within = |days: i64| {
            let last = s.sent_on + Duration::days(days);
            by_case
                .get(&s.case)
                .into_iter()
                .flatten()
                .filter(move |p| p.received_on >= s.sent_on && p.received_on <= last)
        };
        let counts = paid.entry(key).or_default();
        counts.0 += u64::from(within(7).next().is_some());
        counts.1 += u64::from(within(30).next().is_some());
        stats.collected_minor += within(30).map(|p| p.amount_minor).sum::<i64>();
    }
    out.into_iter()
        .map(|(key, mut stats)| {
            let (in7, in30) = paid.get(&key).copied().unwrap_or_default();
            stats.paid_within_7_days = rate(in7, stats.sent);
            stats.paid_within_30_days = rate(in30, stats.sent);
            stats
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
    }

    fn case(n: u32) -> CaseId {
        CaseId::parse(&format!("c{n}")).expect("id")
    }

    fn sent(n: u32, variant: &str, on: NaiveDate, delivered: bool) -> StepSent {
        StepSent {
            case: case(n),
            step_id: "nudge".into(),
            variant: variant.into(),
            sent_on: on,
            delivered,
            link_opened: n.is_multiple_of(2),
        }
    }

    #[test]
    fn the_wilson_interval_matches_the_published_values() {
        // 8 of 10: 0.490 to 0.943 (Newcombe 1998, table I).
        let (low, high) = wilson(8, 10).expect("interval");
        assert!(
            (low - 0.4902).abs() < 1e-3 && (high - 0.9433).abs() < 1e-3,
            "{low} {high}"
        );
        let (low, high) = wilson(0, 10).expect("interval");
        assert!(low == 0.0 && (high - 0.2775).abs() < 1e-3, "{high}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn each_variant_counts_its_own_sends_payments_and_collected_amount() {
        let sends = vec![
            sent(1, "a", day(5), true),
            sent(2, "a", day(5), true),
            sent(3, "a", day(5), false),
            sent(4, "b", day(5), true),
        ];
        let pay = |n, d, amount| PaymentMade {
            case: case(n),
            received_on: day(d),
            amount_minor: amount,
        };
        let payments = vec![
            pay(1, 8, 120_000), // within 7 days of the nudge
            pay(2, 25, 50_000), // within 30, not 7
            pay(2, 26, 10_000), // the same case again: one payer, both amounts
            pay(3, 4, 99_000),  // before the nudge: not counted
            pay(4, 12, 30_000), // the 7th day counts
        ];
        let stats = journey_stats(&sends, &payments);
        assert_eq!(stats.len(), 2);
        let (a, b) = (&stats[0], &stats[1]);
        assert_eq!(
            (a.variant.as_str(), a.sent, a.delivered, a.link_opened),
            ("a", 3, 2, 1)
        );
        assert_eq!(a.paid_within_7_days.count, 1);
        assert_eq!(a.paid_within_30_days.count, 2);
        assert_eq!(a.collected_minor, 180_000);
        assert_eq!(a.paid_within_30_days.rate, Some(2.0 / 3.0));
        assert_eq!(
            (b.sent, b.paid_within_7_days.count, b.collected_minor),
            (1, 1, 30_000)
        );
    }

    proptest! {
        #[test]
        fn the_interval_holds_the_observed_rate_inside_zero_and_one(n in 1u64..5000, k in 0u64..5000) {
            let k = k % (n + 1);
            let (low, high) = wilson(k, n).expect("interval");
            let p = k as f64 / n as f64;
            prop_assert!(0.0 <= low && low <= p + 1e-12 && p <= high + 1e-12 && high <= 1.0);
        }
    }
}
