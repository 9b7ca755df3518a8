//! After a plan is agreed: how payments fill the instalments in order (an overpayment goes to
//! the next one), which instalment is paid, due, late or missed, when the plan is broken, and
//! what the follow-up sends next (a reminder before each instalment, a friendly note when one
//! is late, the notice that the plan broke).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::case::ClaimLine;
use super::ids::MessageId;
use super::money::Money;
use super::plan::InstalmentPlan;

/// Where one instalment stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstalmentState {
    Paid,
    /// Not yet due (or due today), not fully paid.
    Upcoming,
    /// Past its due date but inside the grace period.
    Late,
    /// Past the grace period and not fully paid.
    Missed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InstalmentStatus {
    pub number: u32,
    pub due_date: NaiveDate,
    pub amount: Money,
    /// What payments have covered of it.
    pub paid: Money,
    pub state: InstalmentState,
}

impl InstalmentStatus {
    pub fn left(&self) -> Money {
        Money::from_minor(
            (self.amount.minor_units() - self.paid.minor_units()).max(0),
            self.amount.currency(),
        )
    }
}

/// The follow-up rules a creditor sets in its mandate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRules {
    /// Days before each instalment the reminder goes out (0: none).
    #[serde(default = "default_reminder_days")]
    pub reminder_days_before: u32,
    /// Days after an instalment's due date before it counts as missed.
    #[serde(default = "default_grace_days")]
    pub grace_days: u32,
    /// Missed instalments in a row that break the plan.
    #[serde(default = "default_missed_to_break")]
    pub missed_in_a_row_to_break: u32,
}

fn default_reminder_days() -> u32 {
    3
}
fn default_grace_days() -> u32 {
    7
}
fn default_missed_to_break() -> u32 {
    2
}

impl Default for FollowUpRules {
    fn default() -> Self {
        FollowUpRules {
            reminder_days_before: default_reminder_days(),
            grace_days: default_grace_days(),
            missed_in_a_row_to_break: default_missed_to_break(),
        }
    }
}

/// Each instalment's state on `today`, given everything paid toward the plan so far.
pub fn instalment_states(
    plan: &InstalmentPlan,
    paid_toward_plan: Money,
    today: NaiveDate,
    grace_days: u32,
) -> Vec<InstalmentStatus> {
    let mut left = paid_toward_plan.minor_units().max(0);
    plan.instalments
        .iter()
        .map(|i| {
            let amount = i.amount.minor_units();
            let covered = left.min(amount);
            left -= covered;
            let state = if covered >= amount {
                InstalmentState::Paid
            } else if today <= i.due_date {
                InstalmentState::Upcoming
            } else if today <= i.due_date + Duration::days(i64::from(grace_days)) {
                InstalmentState::Late
            } else {
                InstalmentState::Missed
            };
            InstalmentStatus {
                number: i.number,
                due_date: i.due_date,
                amount: i.amount,
                paid: Money::from_minor(covered, i.amount.currency()),
                state,
            }
        })
        .collect()
}

/// What has been paid toward the plan. Agreeing a plan puts its fee and interest on the claim
/// ([`Case::agree_plan`](super::case::Case::agree_plan)), so the balance that day is the plan's
/// total and whatever it has fallen since went toward the plan; payments made before the plan
/// are already out of its principal and count for nothing here.
///
/// A limited agreement covers only part of the balance: what it leaves for the review is not
/// paid toward it.
pub fn paid_toward_plan(plan: &InstalmentPlan, balance: Money) -> Money {
    let left_after = plan.limited.map_or(0, |l| l.left_after.minor_units());
    Money::from_minor(
        plan.total
            .minor_units()
            .saturating_add(left_after)
            .saturating_sub(balance.minor_units())
            .max(0),
        plan.total.currency(),
    )
}

/// The day a limited agreement comes up for review: once its last instalment's grace period
/// is over, so the agency sees how the whole period went (a plan broken before is not
/// reviewed: the journey took over).
pub fn review_day(plan: &InstalmentPlan, rules: &FollowUpRules) -> Option<NaiveDate> {
    plan.limited
        .map(|l| l.ends_on + Duration::days(i64::from(rules.grace_days) + 1))
}

/// The instalment the debtor should pay next: the first one not fully paid.
pub fn next_instalment(states: &[InstalmentStatus]) -> Option<&InstalmentStatus> {
    states.iter().find(|s| s.state != InstalmentState::Paid)
}

/// What the debtor pays now to be up to date: what is left of every instalment due on or
/// before `today` (a late or missed one together with the one due today, so one payment puts
/// the plan back on track), or, when none is due yet, what is left of the next one. With the
/// instalment numbers it covers; `None` when every instalment is paid. Instalments not yet due
/// are never asked for early: their own turn comes.
pub fn due_now(states: &[InstalmentStatus], today: NaiveDate) -> Option<(Money, Vec<u32>)> {
    let unpaid: Vec<&InstalmentStatus> = states
        .iter()
        .filter(|s| s.state != InstalmentState::Paid)
        .collect();
    let first = unpaid.first()?;
    let due: Vec<&InstalmentStatus> = unpaid
        .iter()
        .copied()
        .filter(|s| s.due_date <= today)
        .collect();
    let covered = if due.is_empty() { vec![*first] } else { due };
    let minor = covered.iter().map(|s| s.left().minor_units()).sum();
    Some((
        Money::from_minor(minor, first.amount.currency()),
        covered.iter().map(|s| s.number).collect(),
    ))
}

/// Whether the plan still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStanding {
    OnTrack,
    /// One or more instalments are late or missed, but not enough to break the plan.
    Behind,
    /// `missed_in_a_row_to_break` instalments in a row are missed.
    Broken,
    /// Every instalment is paid.
    Completed,
}

pub fn standing(states: &[InstalmentStatus], rules: &FollowUpRules) -> PlanStanding {
    if states.iter().all(|s| s.state == InstalmentState::Paid) {
        return PlanStanding::Completed;
    }
    let mut run = 0;
    for s in states {
        if s.state == InstalmentState::Missed {
            run += 1;
            if run >= rules.missed_in_a_row_to_break.max(1) {
                return PlanStanding::Broken;
            }
        } else {
            run = 0;
        }
    }
    if states
        .iter()
        .any(|s| matches!(s.state, InstalmentState::Late | InstalmentState::Missed))
    {
        PlanStanding::Behind
    } else {
        PlanStanding::OnTrack
    }
}

/// What the follow-up sends next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum FollowUp {
    /// A reminder of instalment `number` before its due date.
    Reminder { number: u32 },
    /// A friendly note that instalment `number` is late (sent the day after its due date).
    LateNote { number: u32 },
    /// The plan broke: tell the debtor, the agency gets `plan.broken`, the journey resumes.
    Break,
    /// A limited agreement has run its months: the agency reviews it (`plan.review_due`).
    ReviewDue,
}

/// The next follow-up and its day, given what has been sent already (`done`), so each
/// reminder and note goes once. `review_on` is the day a limited agreement needs a new look.
pub fn next_follow_up(
    states: &[InstalmentStatus],
    rules: &FollowUpRules,
    done: &[FollowUp],
    review_on: Option<NaiveDate>,
) -> Option<(FollowUp, NaiveDate)> {
    // Once a plan is broken nothing else follows.
    if done.contains(&FollowUp::Break) {
        return None;
    }
    let mut candidates: Vec<(FollowUp, NaiveDate)> = Vec::new();
    // Break: the day the last instalment of the breaking run turns missed.
    let mut run = 0;
    for s in states {
        if s.state == InstalmentState::Paid {
            run = 0;
            continue;
        }
        run += 1;
        if run >= rules.missed_in_a_row_to_break.max(1) {
            candidates.push((
                FollowUp::Break,
                s.due_date + Duration::days(i64::from(rules.grace_days) + 1),
            ));
            break;
        }
    }
    for s in states.iter().filter(|s| s.state != InstalmentState::Paid) {
        if rules.reminder_days_before > 0 {
            let reminder = FollowUp::Reminder { number: s.number };
            if !done.contains(&reminder) {
                candidates.push((
                    reminder,
                    s.due_date - Duration::days(i64::from(rules.reminder_days_before)),
                ));
            }
        }
        let note = FollowUp::LateNote { number: s.number };
        if !done.contains(&note) {
            candidates.push((note, s.due_date + Duration::days(1)));
        }
    }
    if let Some(day) = review_on
        && !done.contains(&FollowUp::ReviewDue)
    {
        candidates.push((FollowUp::ReviewDue, day));
    }
    // The earliest thing comes first; on one day the weightier one.
    candidates.into_iter().min_by_key(|(f, day)| {
        let rank = match f {
            FollowUp::Break => 0,
            FollowUp::ReviewDue => 1,
            FollowUp::LateNote { .. } => 2,
            FollowUp::Reminder { .. } => 3,
        };
        (*day, rank)
    })
}

/// A follow-up waiting in the message queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedFollowUp {
    pub follow_up: FollowUp,
    /// The creditor's calendar day it goes out on.
    pub day: NaiveDate,
    pub messages: Vec<MessageId>,
}

/// Where an agreed plan's follow-up stands on the case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanFollowUp {
    /// What the follow-up has handled (sent, or given up on) for the current plan, so each
    /// reminder and note goes once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done: Vec<FollowUp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued: Option<QueuedFollowUp>,
    /// The due date in force when the plan was agreed: a broken plan puts it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date_before_plan: Option<NaiveDate>,
}

impl PlanFollowUp {
    pub fn is_empty(&self) -> bool {
        *self == PlanFollowUp::default()
    }
}

/// A plan that broke, kept on the case for the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenPlan {
    pub plan: InstalmentPlan,
    pub broken_on: NaiveDate,
    /// The instalments that were missed in a row and broke it.
    pub missed: Vec<u32>,
    /// The plan's interest for instalments falling due after the break: never earned, so taken
    /// off the claim.
    pub unearned_interest: Money,
    /// What the plan put on the claim and stays owed (its fee, the interest earned until the
    /// break): kept when the agency sends the case's lines again.
    pub kept_lines: Vec<ClaimLine>,
}

/// The plan's interest earned by `day`: that of the instalments due on or before it. The rest
/// was the price of time the debtor no longer gets.
pub fn earned_interest(plan: &InstalmentPlan, day: NaiveDate) -> Money {
    let minor: i64 = plan
        .instalments
        .iter()
        .filter(|i| i.due_date <= day)
        .map(|i| i.interest.minor_units())
        .sum();
    Money::from_minor(
        minor.min(plan.interest.minor_units()),
        plan.interest.currency(),
    )
}

/// Whether a follow-up no longer makes sense on `today`: a reminder whose day was on or before
/// the agreement (the plan receipt told the same) or whose instalment is already past due, and
/// a late note for an instalment past its grace period (the break or the next reminder follows).
fn stale(
    follow_up: FollowUp,
    day: NaiveDate,
    plan: &InstalmentPlan,
    states: &[InstalmentStatus],
    today: NaiveDate,
) -> bool {
    let status = |n: u32| states.iter().find(|s| s.number == n);
    match follow_up {
        FollowUp::Reminder { number } => {
            day <= plan.agreed_on || status(number).is_some_and(|s| today > s.due_date)
        }
        FollowUp::LateNote { number } => {
            status(number).is_some_and(|s| s.state == InstalmentState::Missed)
        }
        FollowUp::Break | FollowUp::ReviewDue => false,
    }
}

/// The plan's next follow-up judged on `today`, with what has been paid toward it, stale
/// reminders and notes passed over.
pub fn plan_next(
    plan: &InstalmentPlan,
    rules: &FollowUpRules,
    progress: &PlanFollowUp,
    balance: Money,
    today: NaiveDate,
) -> Option<(FollowUp, NaiveDate)> {
    let states = instalment_states(
        plan,
        paid_toward_plan(plan, balance),
        today,
        rules.grace_days,
    );
    let mut done = progress.done.clone();
    // Each pass either returns or passes one follow-up over: at most two per instalment.
    for _ in 0..(2 * plan.instalments.len() + 3) {
        let (follow_up, day) = next_follow_up(&states, rules, &done, review_day(plan, rules))?;
        if !stale(follow_up, day, plan, &states, today) {
            return Some((follow_up, day));
        }
        done.push(follow_up);
    }
    None
}

/// Whether the plan is broken on `today`: the instalments (numbers) of the missed run that
/// breaks it and the day it broke (the day the run's last instalment turned missed), or `None`
/// while it holds.
pub fn broken_by(
    plan: &InstalmentPlan,
    rules: &FollowUpRules,
    balance: Money,
    today: NaiveDate,
) -> Option<(Vec<u32>, NaiveDate)> {
    let states = instalment_states(
        plan,
        paid_toward_plan(plan, balance),
        today,
        rules.grace_days,
    );
    if standing(&states, rules) != PlanStanding::Broken {
        return None;
    }
    let mut run = Vec::new();
    for s in &states {
        if s.state == InstalmentState::Missed {
            run.push(s.number);
            if run.len() as u32 >= rules.missed_in_a_row_to_break.max(1) {
                let day = s.due_date + Duration::days(i64::from(rules.grace_days) + 1);
                return Some((run, day));
            }
        } else {
            run.clear();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use crate::domain::plan::Instalment;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn kr(minor: i64) -> Money {
        Money::from_minor(minor, Currency::NOK)
    }

    /// Three instalments of 400 kr due on the 15th of March, April, May 2026.
    fn plan() -> InstalmentPlan {
        let instalments: Vec<Instalment> = (1..=3)
            .map(|n| Instalment {
                number: n,
                due_date: d(2026, 2 + n, 15),
                amount: kr(40_000),
                principal: kr(40_000),
                interest: kr(0),
                fee: kr(0),
                kid: None,
            })
            .collect();
        InstalmentPlan {
            agreed_on: d(2026, 3, 1),
            instalments,
            principal: kr(120_000),
            fee: kr(0),
            interest: kr(0),
            total: kr(120_000),
            limited: None,
        }
    }

    fn states_of(paid: i64, today: NaiveDate) -> Vec<InstalmentState> {
        instalment_states(&plan(), kr(paid), today, 7)
            .iter()
            .map(|s| s.state)
            .collect()
    }

    use InstalmentState::*;

    #[test]
    fn only_what_the_balance_fell_since_the_plan_counts_toward_it() {
        let plan = plan();
        assert_eq!(paid_toward_plan(&plan, kr(120_000)), kr(0));
        assert_eq!(paid_toward_plan(&plan, kr(70_000)), kr(50_000));
        // Overpaid: everything paid since counts, the balance below zero too.
        assert_eq!(paid_toward_plan(&plan, kr(-1_000)), kr(121_000));
        // The balance grew (the agency added a line): nothing is paid, never less than nothing.
        assert_eq!(paid_toward_plan(&plan, kr(130_000)), kr(0));
    }

    #[test]
    fn a_plan_with_a_fee_and_interest_counts_payments_against_its_total() {
        let mut plan = plan();
        plan.fee = kr(35_000);
        plan.interest = kr(2_000);
        plan.total = kr(157_000);
        // Right after agreeing, the balance is the plan's total: nothing paid yet.
        assert_eq!(paid_toward_plan(&plan, kr(157_000)), kr(0));
        assert_eq!(paid_toward_plan(&plan, kr(117_000)), kr(40_000));
        assert_eq!(paid_toward_plan(&plan, kr(0)), kr(157_000));
    }

    #[test]
    fn payments_fill_instalments_in_order_and_an_overpayment_goes_to_the_next() {
        let s = instalment_states(&plan(), kr(50_000), d(2026, 3, 10), 7);
        assert_eq!(s[0].state, Paid);
        assert_eq!(s[1].paid, kr(10_000));
        assert_eq!(s[1].left(), kr(30_000));
        assert_eq!(next_instalment(&s).map(|s| s.number), Some(2));
    }

    #[test]
    fn an_unpaid_instalment_is_late_in_its_grace_period_then_missed() {
        assert_eq!(
            states_of(0, d(2026, 3, 15)),
            vec![Upcoming, Upcoming, Upcoming]
        );
        assert_eq!(states_of(0, d(2026, 3, 16)), vec![Late, Upcoming, Upcoming]);
        assert_eq!(states_of(0, d(2026, 3, 22)), vec![Late, Upcoming, Upcoming]);
        assert_eq!(
            states_of(0, d(2026, 3, 23)),
            vec![Missed, Upcoming, Upcoming]
        );
    }

    #[test]
    fn the_amount_due_now_is_the_next_instalment_or_everything_overdue_with_todays() {
        let at = |paid: i64, today: NaiveDate| {
            due_now(&instalment_states(&plan(), kr(paid), today, 7), today)
        };
        // Before the first due date: the first instalment.
        assert_eq!(at(0, d(2026, 3, 1)), Some((kr(40_000), vec![1])));
        // Part paid: what is left of it.
        assert_eq!(at(10_000, d(2026, 3, 1)), Some((kr(30_000), vec![1])));
        // Paid: the next one, not yet due, is what the buttons pay.
        assert_eq!(at(40_000, d(2026, 3, 20)), Some((kr(40_000), vec![2])));
        // Late (inside the grace period): that one alone.
        assert_eq!(at(0, d(2026, 3, 20)), Some((kr(40_000), vec![1])));
        // Missed and the next due today: both, so one payment catches up.
        assert_eq!(at(0, d(2026, 4, 15)), Some((kr(80_000), vec![1, 2])));
        assert_eq!(at(20_000, d(2026, 4, 16)), Some((kr(60_000), vec![1, 2])));
        assert_eq!(at(120_000, d(2026, 6, 1)), None);
    }

    #[test]
    fn two_missed_in_a_row_break_the_plan_but_a_paid_one_between_does_not() {
        let rules = FollowUpRules::default();
        let s = instalment_states(&plan(), kr(0), d(2026, 4, 23), 7);
        assert_eq!(standing(&s, &rules), PlanStanding::Broken);
        let s = instalment_states(&plan(), kr(0), d(2026, 4, 22), 7);
        assert_eq!(standing(&s, &rules), PlanStanding::Behind);
        let s = instalment_states(&plan(), kr(120_000), d(2026, 6, 1), 7);
        assert_eq!(standing(&s, &rules), PlanStanding::Completed);
        let s = instalment_states(&plan(), kr(40_000), d(2026, 4, 10), 7);
        assert_eq!(standing(&s, &rules), PlanStanding::OnTrack);
    }

    #[test]
    fn the_follow_up_reminds_before_notes_after_and_breaks_once() {
        let rules = FollowUpRules::default();
        let s = instalment_states(&plan(), kr(0), d(2026, 3, 1), 7);
        assert_eq!(
            next_follow_up(&s, &rules, &[], None),
            Some((FollowUp::Reminder { number: 1 }, d(2026, 3, 12)))
        );
        let done = [FollowUp::Reminder { number: 1 }];
        assert_eq!(
            next_follow_up(&s, &rules, &done, None),
            Some((FollowUp::LateNote { number: 1 }, d(2026, 3, 16)))
        );
        let done = [
            FollowUp::Reminder { number: 1 },
            FollowUp::LateNote { number: 1 },
            FollowUp::Reminder { number: 2 },
            FollowUp::LateNote { number: 2 },
        ];
        assert_eq!(
            next_follow_up(&s, &rules, &done, None),
            Some((FollowUp::Break, d(2026, 4, 23)))
        );
        let mut done = done.to_vec();
        done.push(FollowUp::Break);
        assert_eq!(next_follow_up(&s, &rules, &done, None), None);
    }

    #[test]
    fn a_paid_instalment_gets_no_reminder() {
        let rules = FollowUpRules::default();
        let s = instalment_states(&plan(), kr(40_000), d(2026, 3, 1), 7);
        assert_eq!(
            next_follow_up(&s, &rules, &[], None),
            Some((FollowUp::Reminder { number: 2 }, d(2026, 4, 12)))
        );
    }

    #[test]
    fn a_limited_agreement_comes_up_for_review() {
        let rules = FollowUpRules {
            reminder_days_before: 0,
            ..FollowUpRules::default()
        };
        let s = instalment_states(&plan(), kr(120_000), d(2026, 6, 1), 7);
        assert_eq!(
            next_follow_up(&s, &rules, &[], Some(d(2026, 6, 1))),
            Some((FollowUp::ReviewDue, d(2026, 6, 1)))
        );
    }

    #[test]
    fn a_limited_agreement_counts_only_its_own_part_and_is_reviewed_after_the_last_grace() {
        use crate::domain::plan::LimitedTerms;
        let rules = FollowUpRules::default();
        let mut plan = plan();
        plan.limited = Some(LimitedTerms {
            ends_on: d(2026, 5, 15),
            left_after: kr(500_000),
        });
        // The balance when agreed is the plan's total and what it leaves for the review.
        assert_eq!(paid_toward_plan(&plan, kr(620_000)), kr(0));
        assert_eq!(paid_toward_plan(&plan, kr(580_000)), kr(40_000));
        assert_eq!(paid_toward_plan(&plan, kr(500_000)), kr(120_000));
        assert_eq!(review_day(&plan, &rules), Some(d(2026, 5, 23)));
        // Every instalment paid: the review is all that follows.
        let progress = PlanFollowUp::default();
        assert_eq!(
            plan_next(&plan, &rules, &progress, kr(500_000), d(2026, 5, 16)),
            Some((FollowUp::ReviewDue, d(2026, 5, 23)))
        );
        let progress = PlanFollowUp {
            done: vec![FollowUp::ReviewDue],
            ..PlanFollowUp::default()
        };
        assert_eq!(
            plan_next(&plan, &rules, &progress, kr(500_000), d(2026, 5, 24)),
            None
        );
        // An ordinary plan is never reviewed.
        assert_eq!(review_day(&super::tests::plan(), &rules), None);
    }

    #[test]
    fn a_reminder_inside_the_agreement_window_or_past_due_is_passed_over() {
        let rules = FollowUpRules::default();
        let mut plan = plan();
        // Agreed two days before instalment 1: its reminder day (the 12th) is before that.
        plan.agreed_on = d(2026, 3, 13);
        let progress = PlanFollowUp::default();
        assert_eq!(
            plan_next(&plan, &rules, &progress, kr(120_000), d(2026, 3, 13)),
            Some((FollowUp::LateNote { number: 1 }, d(2026, 3, 16)))
        );
        // Paid on time: the next is the reminder of instalment 2.
        assert_eq!(
            plan_next(&plan, &rules, &progress, kr(80_000), d(2026, 3, 14)),
            Some((FollowUp::Reminder { number: 2 }, d(2026, 4, 12)))
        );
    }

    #[test]
    fn the_run_that_breaks_the_plan_is_named_and_interest_is_earned_per_instalment() {
        let rules = FollowUpRules::default();
        let plan = plan();
        assert_eq!(broken_by(&plan, &rules, kr(120_000), d(2026, 4, 22)), None);
        assert_eq!(
            broken_by(&plan, &rules, kr(120_000), d(2026, 5, 2)),
            Some((vec![1, 2], d(2026, 4, 23)))
        );
        let mut with_interest = plan.clone();
        for (i, instalment) in with_interest.instalments.iter_mut().enumerate() {
            instalment.interest = kr(1_000 * (i as i64 + 1));
        }
        with_interest.interest = kr(6_000);
        assert_eq!(earned_interest(&with_interest, d(2026, 4, 23)), kr(3_000));
        assert_eq!(earned_interest(&with_interest, d(2026, 3, 1)), kr(0));
    }
}
