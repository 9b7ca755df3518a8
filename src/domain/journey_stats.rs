//! A/B statistics of a creditor's journey: per step and text variant, how many were sent,
//! delivered and opened, how many cases paid within 7 and 30 days of the step (with a 95 %
//! Wilson interval) and how much was collected. The counts are kept as they happen: each
//! change to a case says what it adds (`on_sent`, `on_delivered`, `on_link_opened`,
//! `on_payment`), so a report reads a few numbers instead of every case.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::journey::SentNotice;

/// The days after a step within which a payment counts for it.
const WINDOWS: [(i64, Count); 2] = [(7, Count::PaidWithin7Days), (30, Count::PaidWithin30Days)];

/// What is counted per step and variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Count {
    Sent,
    Delivered,
    LinkOpened,
    /// Cases with a payment in the 7 days from the day the step was sent.
    PaidWithin7Days,
    PaidWithin30Days,
    /// Minor units paid to the case within 30 days of the step.
    CollectedMinor,
}

impl Count {
    pub const ALL: [Count; 6] = [
        Count::Sent,
        Count::Delivered,
        Count::LinkOpened,
        Count::PaidWithin7Days,
        Count::PaidWithin30Days,
        Count::CollectedMinor,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Count::Sent => "sent",
            Count::Delivered => "delivered",
            Count::LinkOpened => "link_opened",
            Count::PaidWithin7Days => "paid_7",
            Count::PaidWithin30Days => "paid_30",
            Count::CollectedMinor => "collected_minor",
        }
    }

    pub fn parse(name: &str) -> Option<Count> {
        Count::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// One addition to one count of one step in one wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountAdd {
    pub step_id: String,
    pub variant: String,
    pub count: Count,
    pub amount: i64,
}

/// A payment as the counts see it: the day it was received and how much, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paid {
    pub on: NaiveDate,
    pub amount_minor: i64,
}

/// The step and wording a notice counts for: `None` for a notice from before innfri, one
/// planned but not sent, or one sent before the counts were kept (its sending was never
/// counted, so nothing after it is either).
fn counted(notice: &SentNotice) -> Option<(&String, &String)> {
    match (&notice.step_id, &notice.variant) {
        (Some(step_id), Some(variant)) if notice.reach.counted => Some((step_id, variant)),
        _ => None,
    }
}

fn add(notice: &SentNotice, count: Count, amount: i64) -> Option<CountAdd> {
    let (step_id, variant) = counted(notice)?;
    (amount != 0).then(|| CountAdd {
        step_id: step_id.clone(),
        variant: variant.clone(),
        count,
        amount,
    })
}

fn within(notice: &SentNotice, days: i64, on: NaiveDate) -> bool {
    on >= notice.sent_on && on <= notice.sent_on + Duration::days(days)
}

/// `notice` was just recorded on a case that has had `payments`. A payment booked on or after
/// the day of sending but applied before the notice was recorded counts here, so that each
/// pair of notice and payment is counted once, by whichever of the two came last.
pub fn on_sent(notice: &SentNotice, payments: &[Paid]) -> Vec<CountAdd> {
    let mut adds: Vec<CountAdd> = add(notice, Count::Sent, 1).into_iter().collect();
    for (days, count) in WINDOWS {
        let paid = payments.iter().any(|p| within(notice, days, p.on));
        adds.extend(add(notice, count, i64::from(paid)));
    }
    let collected = payments
        .iter()
        .filter(|p| within(notice, 30, p.on))
        .map(|p| p.amount_minor)
        .sum();
    adds.extend(add(notice, Count::CollectedMinor, collected));
    adds
}

/// `payment` was just applied to a case with `notices`, after `earlier` payments: it counts
/// for each step sent in the 7 (30) days before it, as a payer only when no earlier payment
/// already did.
pub fn on_payment(notices: &[SentNotice], earlier: &[Paid], payment: Paid) -> Vec<CountAdd> {
    let mut adds = Vec::new();
    for notice in notices {
        for (days, count) in WINDOWS {
            let first = within(notice, days, payment.on)
                && !earlier.iter().any(|p| within(notice, days, p.on));
            adds.extend(add(notice, count, i64::from(first)));
        }
        if within(notice, 30, payment.on) {
            adds.extend(add(notice, Count::CollectedMinor, payment.amount_minor));
        }
    }
    adds
}

/// A message of step `step_id` was reported delivered: marks the case's notice of that step
/// (once) and says what that adds.
pub fn on_delivered(notices: &mut [SentNotice], step_id: &str) -> Vec<CountAdd> {
    notices
        .iter_mut()
        .filter(|n| counted(n).is_some_and(|(s, _)| s == step_id) && !n.reach.delivered)
        .filter_map(|n| {
            n.reach.delivered = true;
            add(n, Count::Delivered, 1)
        })
        .collect()
}

fn unseen(notice: &SentNotice, today: NaiveDate) -> bool {
    counted(notice).is_some() && !notice.reach.link_opened && notice.sent_on <= today
}

/// Whether opening the link on `today` would mark any of `notices` as opened: lets the link
/// path write the case only when it changes something.
pub fn opens_unseen(notices: &[SentNotice], today: NaiveDate) -> bool {
    notices.iter().any(|n| unseen(n, today))
}

/// The debtor opened the case's link on `today`: marks each notice sent by then that was not
/// yet opened, and says what that adds.
pub fn on_link_opened(notices: &mut [SentNotice], today: NaiveDate) -> Vec<CountAdd> {
    notices
        .iter_mut()
        .filter(|n| unseen(n, today))
        .filter_map(|n| {
            n.reach.link_opened = true;
            add(n, Count::LinkOpened, 1)
        })
        .collect()
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

/// The statistics per (step, variant), in step id then variant order, from the kept counts.
pub fn variant_stats(counts: impl IntoIterator<Item = CountAdd>) -> Vec<VariantStats> {
    let mut rows: BTreeMap<(String, String), BTreeMap<Count, i64>> = BTreeMap::new();
    for c in counts {
        *rows
            .entry((c.step_id, c.variant))
            .or_default()
            .entry(c.count)
            .or_default() += c.amount;
    }
    rows.into_iter()
        .map(|((step_id, variant), counts)| {
            let get = |c: Count| counts.get(&c).copied().unwrap_or_default();
            // A count is never negative; a damaged one reads as nothing rather than wrapping.
            let n = |c: Count| u64::try_from(get(c)).unwrap_or_default();
            let sent = n(Count::Sent);
            VariantStats {
                step_id,
                variant,
                sent,
                delivered: n(Count::Delivered),
                link_opened: n(Count::LinkOpened),
                paid_within_7_days: rate(n(Count::PaidWithin7Days), sent),
                paid_within_30_days: rate(n(Count::PaidWithin30Days), sent),
                collected_minor: get(Count::CollectedMinor),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::CaseId;
    use proptest::prelude::*;

    // The statistics computed in one pass over every case's facts: the oracle the kept counts
    // must agree with.
    /// One step sent to one case in one wording (several messages of one step count once).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) struct StepSent {
        pub(super) case: CaseId,
        pub(super) step_id: String,
        pub(super) variant: String,
        pub(super) sent_on: NaiveDate,
        /// At least one of the step's messages was reported delivered.
        pub(super) delivered: bool,
        /// The debtor opened the case's link on or after the day the step was sent.
        pub(super) link_opened: bool,
    }

    /// A payment to a case, in minor units of the case's currency.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) struct PaymentMade {
        pub(super) case: CaseId,
        pub(super) received_on: NaiveDate,
        pub(super) amount_minor: i64,
    }

    /// The statistics per (step, variant), in step id then variant order. A payment counts for
    /// every step sent to its case in the 7 (30) days before it, from the day of sending: a
    /// case that pays after the purring also paid within 30 days of a nudge sent 11 days
    /// earlier. Comparing variants of the same step is what the numbers are for.
    pub(super) fn journey_stats(sent: &[StepSent], payments: &[PaymentMade]) -> Vec<VariantStats> {
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

    fn notice(step: &str, variant: &str, on: NaiveDate) -> SentNotice {
        SentNotice {
            step_id: Some(step.into()),
            kind: crate::domain::journey::StepKind::Nudge,
            sent_on: on,
            deadline: None,
            fee: None,
            variant: Some(variant.into()),
            message_id: None,
            reach: crate::domain::journey::NoticeReach {
                counted: true,
                ..Default::default()
            },
        }
    }

    #[test]
    fn delivery_and_opening_count_once_per_notice() {
        let mut notices = vec![
            notice("nudge", "a", day(5)),
            notice("purring", "b", day(19)),
        ];
        let delivered = on_delivered(&mut notices, "nudge");
        assert_eq!(delivered.len(), 1);
        assert_eq!(
            (delivered[0].count, delivered[0].amount),
            (Count::Delivered, 1)
        );
        assert!(
            on_delivered(&mut notices, "nudge").is_empty(),
            "a second receipt adds nothing"
        );
        // Opened on the 10th: the nudge was out, the purring not yet.
        assert!(opens_unseen(&notices, day(10)));
        let opened = on_link_opened(&mut notices, day(10));
        assert_eq!(
            opened
                .iter()
                .map(|a| a.step_id.as_str())
                .collect::<Vec<_>>(),
            ["nudge"]
        );
        assert!(
            !opens_unseen(&notices, day(12)),
            "a second look changes nothing"
        );
        assert_eq!(
            on_link_opened(&mut notices, day(20)).len(),
            1,
            "the purring, once out"
        );
        assert!(!opens_unseen(&notices, day(25)));
    }

    #[test]
    fn a_notice_whose_sending_was_not_counted_counts_nothing_after_it() {
        let mut old = notice("nudge", "a", day(5));
        old.reach.counted = false;
        let mut notices = vec![old];
        assert!(on_delivered(&mut notices, "nudge").is_empty());
        assert!(!opens_unseen(&notices, day(10)));
        assert!(on_link_opened(&mut notices, day(10)).is_empty());
        let paid = Paid {
            on: day(6),
            amount_minor: 10_000,
        };
        assert!(on_payment(&notices, &[], paid).is_empty());
    }

    #[test]
    fn a_payment_booked_before_its_notice_was_recorded_still_counts_once() {
        let nudge = notice("nudge", "a", day(5));
        let paid = Paid {
            on: day(5),
            amount_minor: 10_000,
        };
        let adds = on_sent(&nudge, &[paid]);
        let stats = variant_stats(adds);
        assert_eq!(stats[0].paid_within_7_days.count, 1);
        assert_eq!(stats[0].collected_minor, 10_000);
        let earlier = Paid {
            on: day(4),
            amount_minor: 5_000,
        };
        assert_eq!(
            variant_stats(on_sent(&nudge, &[earlier]))[0].collected_minor,
            0
        );
    }

    /// One case's history: notices (step index, variant, day, delivered) and payments (day,
    /// amount).
    type History = (Vec<(usize, bool, u32, bool)>, Vec<(u32, i64)>);

    /// What reaches a case, in some order.
    enum Arrival<'a> {
        Notice(&'a SentNotice),
        Payment(&'a Paid),
        Receipt(&'a str),
    }

    proptest! {
        /// Whatever order notices, payments and delivery receipts (each after its notice)
        /// arrive in, the kept counts end where one pass over all the facts ends.
        #[test]
        fn the_kept_counts_equal_a_count_over_all_facts(
            cases in prop::collection::vec(
                (prop::collection::vec((0usize..3, any::<bool>(), 1u32..28, any::<bool>()), 0..4),
                 prop::collection::vec((1u32..28, 1i64..100_000), 0..4)),
                1..12),
            order in prop::collection::vec(any::<u16>(), 64),
        ) {
            let cases: Vec<History> = cases;
            let steps = ["nudge", "purring", "varsel"];
            let mut adds = Vec::new();
            let (mut sent, mut payments) = (Vec::new(), Vec::new());
            for (n, (notes, pays)) in cases.iter().enumerate() {
                // One notice per step, as the engine records.
                let mut seen = std::collections::BTreeSet::new();
                let notes: Vec<(SentNotice, bool)> = notes
                    .iter()
                    .filter(|(step, _, _, _)| seen.insert(*step))
                    .map(|(step, b, d, delivered)| {
                        (notice(steps[*step], if *b { "b" } else { "a" }, day(*d)), *delivered)
                    })
                    .collect();
                let pays: Vec<Paid> = pays
                    .iter()
                    .map(|(d, amount)| Paid { on: day(*d), amount_minor: *amount })
                    .collect();
                let id = case(n as u32);
                for (note, delivered) in &notes {
                    sent.push(StepSent {
                        case: id.clone(),
                        step_id: note.step_id.clone().unwrap_or_default(),
                        variant: note.variant.clone().unwrap_or_default(),
                        sent_on: note.sent_on,
                        delivered: *delivered,
                        link_opened: false,
                    });
                }
                payments.extend(pays.iter().map(|p| PaymentMade {
                    case: id.clone(),
                    received_on: p.on,
                    amount_minor: p.amount_minor,
                }));
                // Interleave the case's notices, payments and receipts in a drawn order (a
                // receipt drawn before its notice waits for it).
                let receipts = notes
                    .iter()
                    .filter(|(_, delivered)| *delivered)
                    .filter_map(|(note, _)| note.step_id.as_deref())
                    .map(Arrival::Receipt);
                let mut arrivals: Vec<(u16, Arrival)> = notes
                    .iter()
                    .map(|(note, _)| Arrival::Notice(note))
                    .chain(pays.iter().map(Arrival::Payment))
                    .chain(receipts)
                    .enumerate()
                    .map(|(i, a)| (order[(i + n) % order.len()], a))
                    .collect();
                arrivals.sort_by_key(|(k, _)| *k);
                let (mut had_notices, mut had_payments) = (Vec::new(), Vec::new());
                let mut waiting: Vec<&str> = Vec::new();
                for (_, arrival) in arrivals {
                    match arrival {
                        Arrival::Notice(note) => {
                            adds.extend(on_sent(note, &had_payments));
                            had_notices.push(note.clone());
                            for step in std::mem::take(&mut waiting) {
                                let got = on_delivered(&mut had_notices, step);
                                if got.is_empty() {
                                    waiting.push(step);
                                }
                                adds.extend(got);
                            }
                        }
                        Arrival::Payment(paid) => {
                            adds.extend(on_payment(&had_notices, &had_payments, *paid));
                            had_payments.push(*paid);
                        }
                        Arrival::Receipt(step) => {
                            let got = on_delivered(&mut had_notices, step);
                            if got.is_empty() {
                                waiting.push(step);
                            }
                            adds.extend(got);
                        }
                    }
                }
            }
            prop_assert_eq!(variant_stats(adds), journey_stats(&sent, &payments));
        }
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
