//! The journey engine's decisions, without I/O: whether notices a creditor sent before the hand-over
//! are lawful, what a case's next action is (a step on a day, with its fee and channels, or a
//! pause, or nothing), the fee a step carries on the day it is sent, and how a sent step is
//! recorded. `service::journey` does the I/O around them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::case::{Case, CaseStatus, ClaimKind, ClaimLine};
use super::creditor::{Creditor, Jurisdiction};
use super::ids::MessageId;
use super::journey::{
    Collector, Journey, JourneyProgress, PauseReason, SentNotice, StepChannels, StepKind,
    next_step_day,
};
use super::jurisdiction::{FeeRefusal, LawPack, MIN_DEADLINE_DAYS, law};
use super::message::{Channel, Recipient};
use super::money::Money;

/// The part of a prior notice a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeField {
    SentOn,
    Deadline,
    Fee,
}

impl NoticeField {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeField::SentOn => "sent_on",
            NoticeField::Deadline => "deadline",
            NoticeField::Fee => "fee",
        }
    }
}

/// A notice from before the hand-over that breaks the law (or cannot be true).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PriorNoticeIssue {
    /// Position in the list as sent.
    pub index: usize,
    pub field: NoticeField,
    pub message: String,
}

/// Checks the notices a creditor sent before the case came to innfri, as the law checks the
/// journey's own: none in the future, every deadline at least 14 days, a fee only on a purring,
/// inkassovarsel or betalingsoppfordring sent at least 14 days after the due date, within the
/// combinations of § 1-3, a further fee only after the earlier fee's deadline was missed, and
/// no fee above what the law allowed on the day the notice was sent.
pub fn check_prior_notices(
    law: &dyn LawPack,
    collector: Collector,
    notices: &[SentNotice],
    due_date: NaiveDate,
    principal: Decimal,
    today: NaiveDate,
) -> Result<(), PriorNoticeIssue> {
    let issue = |index, field, message: String| PriorNoticeIssue {
        index,
        field,
        message,
    };
    let mut order: Vec<usize> = (0..notices.len()).collect();
    order.sort_by_key(|&i| notices[i].sent_on);
    let mut charged: Vec<&SentNotice> = Vec::new();
    for &i in &order {
        let notice = &notices[i];
        if notice.sent_on > today {
            return Err(issue(
                i,
                NoticeField::SentOn,
                "must not be after today".into(),
            ));
        }
        if let Some(deadline) = notice.deadline
            && deadline < notice.sent_on + Duration::days(MIN_DEADLINE_DAYS)
        {
            return Err(issue(
                i,
                NoticeField::Deadline,
                format!("must be at least {MIN_DEADLINE_DAYS} days after sent_on"),
            ));
        }
        let Some(fee) = notice.fee.filter(|f| f.is_positive()) else {
            continue;
        };
        if let Err(refusal) = law.fee_allowed(notice.kind, notice.sent_on, due_date, &charged) {
            return Err(issue(
                i,
                NoticeField::Fee,
                refusal_text(refusal, notice.kind),
            ));
        }
        let cap = law
            .notice_fee(notice.kind, collector, notice.sent_on, principal)
            .unwrap_or(Decimal::ZERO);
        if fee.amount() > cap {
            return Err(issue(
                i,
                NoticeField::Fee,
                format!(
                    "{} is more than the {cap} the law allowed on {}",
                    fee.amount(),
                    notice.sent_on
                ),
            ));
        }
        charged.push(notice);
    }
    Ok(())
}

/// Why a fee may not be charged, in words an agency reads.
pub fn refusal_text(refusal: FeeRefusal, kind: StepKind) -> String {
    match refusal {
        FeeRefusal::NotAFeeNotice => format!(
            "a {} carries no fee; only a purring, inkassovarsel or betalingsoppfordring does",
            kind.as_str()
        ),
        FeeRefusal::TooEarly => format!(
            "a fee needs the notice to be sent at least {MIN_DEADLINE_DAYS} days after the due date (inkassoforskriften § 1-2)"
        ),
        FeeRefusal::TooMany => "one fee too many: at most two purringer and a betalingsoppfordring, or a purring, an inkassovarsel and a betalingsoppfordring (inkassoforskriften § 1-3)".into(),
        FeeRefusal::EarlierDeadlineNotMissed => format!(
            "a further fee needs the earlier fee's deadline of at least {MIN_DEADLINE_DAYS} days to have passed"
        ),
    }
}

/// The principal of a case: its principal lines together.
pub fn principal(case: &Case) -> Money {
    let minor: i64 = case
        .claim
        .iter()
        .filter(|l| l.kind == ClaimKind::Principal)
        .map(|l| l.amount.minor_units())
        .sum();
    Money::from_minor(minor, case.currency())
}

/// The fee step `index` carries when sent on `sent_on`: `Ok(None)` for a step without one, the
/// statutory amount of that day when the law allows it given the fees already charged, and the
/// refusal otherwise.
pub fn step_fee(
    law: &dyn LawPack,
    journey: &Journey,
    progress: &JourneyProgress,
    index: usize,
    due_date: NaiveDate,
    principal: Money,
    sent_on: NaiveDate,
) -> Result<Option<Money>, FeeRefusal> {
    let Some(step) = journey.steps.get(index).filter(|s| s.fee) else {
        return Ok(None);
    };
    let charged: Vec<&SentNotice> = progress.fees().collect();
    law.fee_allowed(step.kind, sent_on, due_date, &charged)?;
    let amount = law
        .notice_fee(step.kind, journey.collector, sent_on, principal.amount())
        .ok_or(FeeRefusal::NotAFeeNotice)?;
    Ok(Some(Money::round_to_minor(amount, principal.currency())))
}

/// The addresses a step goes to, in a fixed order (SMS, then e-mail): each channel the step
/// uses that the debtor has, or with the creditor's fallback the other one when the step's own
/// is missing.
pub fn recipients(case: &Case, channels: StepChannels, fallback: bool) -> Vec<Recipient> {
    let sms = case.debtor.phone.clone().map(Recipient::Sms);
    let email = case.debtor.email.clone().map(Recipient::Email);
    let wanted = |c: Channel| match c {
        Channel::Sms => channels.uses_sms(),
        Channel::Email => channels.uses_email(),
    };
    let mut out: Vec<Recipient> = [(Channel::Sms, &sms), (Channel::Email, &email)]
        .into_iter()
        .filter(|(c, r)| wanted(*c) && r.is_some())
        .filter_map(|(_, r)| r.clone())
        .collect();
    if out.is_empty() && fallback {
        out = [sms, email].into_iter().flatten().collect();
    }
    out
}

/// What happens next on a case's journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextAction {
    /// Nothing more: the journey is done, or the case is paid, closed or erased.
    Stopped,
    /// The journey waits.
    Paused(PauseReason),
    /// Step `step` goes out on `day` (not before the contact hours of that day).
    Send {
        step: usize,
        day: NaiveDate,
        fee: Option<Money>,
        to: Vec<Recipient>,
    },
    /// The step cannot be sent lawfully as configured (or not at all): a person must look.
    NeedsReview { step: usize, why: String },
}

/// The next action of `case` on `creditor`'s journey, judged on `today` (the creditor's
/// calendar day).
pub fn next_action(creditor: &Creditor, case: &Case, today: NaiveDate) -> NextAction {
    let progress = &case.journey;
    if case.is_erased() || matches!(case.status, CaseStatus::Paid | CaseStatus::Closed) {
        return NextAction::Stopped;
    }
    if case.status == CaseStatus::Disputed {
        return NextAction::Paused(PauseReason::Disputed);
    }
    if let Some(reason) = progress.paused {
        return NextAction::Paused(reason);
    }
    // A request waits for the agency: nothing presses the debtor until it is answered.
    if case.has_pending_review() {
        return NextAction::Paused(PauseReason::InReview);
    }
    if case.plan.is_some() {
        return NextAction::Paused(PauseReason::Plan);
    }
    let journey = &creditor.journey;
    let Some((index, day)) = next_step_day(journey, progress, case.due_date) else {
        return NextAction::Stopped;
    };
    let Some(step) = journey.steps.get(index) else {
        return NextAction::Stopped;
    };
    let mut day = day.max(today);
    // After a broken plan the journey resumes the day after: the debtor reads the notice that
    // the plan ended (and what they can do) first, and the step's copies then go out together,
    // none held back behind that notice by the SMS cooldown with a deadline shorter than 14 days.
    if let Some(broken) = case.broken_plans.last().filter(|_| case.plan.is_none()) {
        // The notice goes at the first contact hour from the day it broke (a holiday waits).
        let told = send_time(
            creditor.jurisdiction,
            broken.broken_on,
            DateTime::<Utc>::MIN_UTC,
        );
        day = day.max(local_day(creditor.jurisdiction, told) + Duration::days(1));
    }
    if !progress.sent.is_empty() {
        // A deferral granted after earlier notices: nothing more until the new date has passed.
        day = day.max(case.due_date + Duration::days(1));
    }
    let law = law(creditor.jurisdiction);
    // A fee that is only too early (the due date moved, an earlier deadline runs) waits for
    // the first day it is lawful; one the law never allows here needs a person.
    let mut tries = 0;
    let fee = loop {
        tries += 1;
        let refusal = match step_fee(
            law,
            journey,
            progress,
            index,
            case.due_date,
            principal(case),
            day,
        ) {
            Ok(fee) => break fee,
            Err(refusal) => refusal,
        };
        let later = match refusal {
            FeeRefusal::TooEarly => Some(case.due_date + Duration::days(MIN_DEADLINE_DAYS)),
            FeeRefusal::EarlierDeadlineNotMissed => progress
                .fees()
                .last()
                .filter(|n| {
                    n.deadline
                        .is_some_and(|d| d >= n.sent_on + Duration::days(MIN_DEADLINE_DAYS))
                })
                .and_then(|n| n.deadline)
                .map(|d| d + Duration::days(1)),
            FeeRefusal::NotAFeeNotice | FeeRefusal::TooMany => None,
        };
        match later {
            Some(later) if later > day && tries < 3 => day = later,
            _ => {
                return NextAction::NeedsReview {
                    step: index,
                    why: format!(
                        "step \"{}\" cannot carry its fee on {day}: {}",
                        step.id,
                        refusal_text(refusal, step.kind)
                    ),
                };
            }
        }
    };
    let to = recipients(case, step.channels, creditor.messaging.channel_fallback);
    if to.is_empty() {
        return NextAction::NeedsReview {
            step: index,
            why: format!(
                "step \"{}\" has no phone number or e-mail address to go to",
                step.id
            ),
        };
    }
    NextAction::Send {
        step: index,
        day,
        fee,
        to,
    }
}

/// The creditor's calendar day at `at`.
pub fn local_day(jurisdiction: Jurisdiction, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&jurisdiction.time_zone()).date_naive()
}

/// The first moment a step due on `day` may go out: the opening of the contact hours on or
/// after that day, or `now` when that has passed.
pub fn send_time(jurisdiction: Jurisdiction, day: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(jurisdiction.time_zone()).earliest())
        .map_or(now, |t| t.with_timezone(&Utc));
    law(jurisdiction).next_contact_instant(midnight.max(now))
}

/// What a step's text says about money and time, on the day it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepTextFacts {
    /// The fee the step adds (or added, for the second channel of a step already recorded).
    pub fee: Option<Money>,
    /// What is owed once the fee is on the claim.
    pub total: Money,
    pub deadline: Option<NaiveDate>,
}

/// The fee, the total after it and the deadline a text of step `step_id` shows when sent on
/// `sent_on`: the same the engine records when the worker reports it sent that day.
pub fn step_text_facts(
    creditor: &Creditor,
    case: &Case,
    step_id: &str,
    sent_on: NaiveDate,
) -> StepTextFacts {
    let balance = case.balance(&creditor.owed_on(sent_on));
    if let Some(n) = case
        .journey
        .sent
        .iter()
        .find(|n| n.step_id.as_deref() == Some(step_id))
    {
        return StepTextFacts {
            fee: n.fee,
            total: balance,
            deadline: n.deadline,
        };
    }
    let journey = &creditor.journey;
    let index = journey.steps.iter().position(|s| s.id == step_id);
    let fee = index
        .and_then(|i| {
            step_fee(
                law(creditor.jurisdiction),
                journey,
                &case.journey,
                i,
                case.due_date,
                principal(case),
                sent_on,
            )
            .ok()
        })
        .flatten();
    let total = fee
        .and_then(|f| balance.checked_add(f).ok())
        .unwrap_or(balance);
    StepTextFacts {
        fee,
        total,
        deadline: index
            .and_then(|i| journey.steps[i].deadline_days)
            .map(|d| sent_on + Duration::days(i64::from(d))),
    }
}

/// What a claim line for a notice's fee says it is for.
pub fn fee_description(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Purring => "Purregebyr",
        StepKind::Inkassovarsel => "Gebyr for inkassovarsel",
        StepKind::Betalingsoppfordring => "Gebyr for betalingsoppfordring",
        StepKind::Nudge | StepKind::FinalNotice => "Gebyr",
    }
}

/// A step that was sent, as the case records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSent {
    pub notice: SentNotice,
    /// Why a fee the step carries was not charged after all (the law would not allow it).
    pub fee_refused: Option<String>,
}

/// Records on `case` that step `index` of `creditor`'s journey went out on `sent_on` in
/// `variant` by `message`: the notice with its deadline, and its fee as a claim line when the
/// law allows it that day (never above the day's amount, never beyond § 1-3). `None` when the
/// case already has this step (a second channel of the same step, or the same report again).
pub fn record_step(
    creditor: &Creditor,
    case: &mut Case,
    index: usize,
    sent_on: NaiveDate,
    variant: Option<String>,
    message: &MessageId,
) -> Option<StepSent> {
    let journey = &creditor.journey;
    let step = journey.steps.get(index)?;
    if case.journey.sent.iter().any(|n| {
        n.step_id.as_deref() == Some(step.id.as_str()) || n.message_id.as_ref() == Some(message)
    }) {
        return None;
    }
    let law = law(creditor.jurisdiction);
    let (fee, fee_refused) = match step_fee(
        law,
        journey,
        &case.journey,
        index,
        case.due_date,
        principal(case),
        sent_on,
    ) {
        Ok(fee) => (fee, None),
        Err(refusal) => (None, Some(refusal_text(refusal, step.kind))),
    };
    let notice = SentNotice {
        step_id: Some(step.id.clone()),
        kind: step.kind,
        sent_on,
        deadline: step
            .deadline_days
            .map(|d| sent_on + Duration::days(i64::from(d))),
        fee,
        // Counted as sent by the A/B statistics when the step is recorded for a real send.
        reach: crate::domain::journey::NoticeReach {
            counted: variant.is_some(),
            ..Default::default()
        },
        variant,
        message_id: Some(message.clone()),
    };
    if let Some(fee) = fee {
        case.claim.push(ClaimLine {
            kind: ClaimKind::Fee,
            description: fee_description(step.kind).to_owned(),
            amount: fee,
        });
    }
    case.journey.sent.push(notice.clone());
    case.journey.next_step = case.journey.next_step.max(index + 1);
    if case
        .journey
        .queued
        .as_ref()
        .is_some_and(|q| q.step <= index)
    {
        case.journey.queued = None;
    }
    Some(StepSent {
        notice,
        fee_refused,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::journey::tests::{d, typical};
    use crate::domain::jurisdiction::Norway;
    use crate::domain::money::Currency;
    use rust_decimal_macros::dec;

    fn nok(minor: i64) -> Money {
        Money::from_minor(minor, Currency::NOK)
    }

    fn notice(kind: StepKind, sent_on: NaiveDate, deadline: i64, fee: Option<i64>) -> SentNotice {
        SentNotice {
            step_id: None,
            kind,
            sent_on,
            deadline: Some(sent_on + Duration::days(deadline)),
            fee: fee.map(nok),
            variant: None,
            message_id: None,
            reach: crate::domain::journey::NoticeReach::default(),
        }
    }

    /// A Norwegian creditor with the typical journey (nudge, purring, varsel, oppfordring).
    pub(crate) fn creditor() -> Creditor {
        use crate::domain::creditor::{CreditorMessaging, OrgNumber};
        Creditor {
            id: crate::domain::ids::CreditorId::parse("fjordkraft-demo").expect("id"),
            name: "Fjordkraft".into(),
            org_number: OrgNumber::parse("923456783").expect("org"),
            bank_account: crate::domain::bank_account::BankAccountNumber::parse("1503.12.34562")
                .expect("account"),
            kid_algorithm: crate::domain::kid::KidAlgorithm::Mod10,
            currency: Currency::NOK,
            jurisdiction: Jurisdiction::Norway,
            kid_length: 9,
            mandate: crate::domain::mandate::Mandate::default(),
            online_payments: vec![],
            messaging: CreditorMessaging::default(),
            erase_after_days: None,
            journey: typical(),
            interest: Default::default(),
            late_interest: Vec::new(),
            changes_by: Default::default(),
            mandate_version: 1,
        }
    }

    #[test]
    fn a_purring_with_its_fee_after_fourteen_days_is_lawful() {
        let due = d(2026, 3, 2);
        let prior = [notice(StepKind::Purring, d(2026, 3, 16), 14, Some(3750))];
        assert_eq!(
            check_prior_notices(
                &Norway,
                Collector::Agency,
                &prior,
                due,
                dec!(1000),
                d(2026, 4, 1)
            ),
            Ok(())
        );
    }

    #[test]
    fn prior_notices_that_break_the_law_name_their_place_and_field() {
        let due = d(2026, 3, 2);
        let today = d(2026, 6, 1);
        let check = |prior: &[SentNotice]| {
            check_prior_notices(&Norway, Collector::Agency, prior, due, dec!(1000), today)
                .map_err(|e| (e.index, e.field))
        };
        // Too early for a fee.
        let early = [notice(StepKind::Purring, d(2026, 3, 10), 14, Some(3750))];
        assert_eq!(check(&early), Err((0, NoticeField::Fee)));
        // Above the day's cap (37.50 in 2026).
        let high = [notice(StepKind::Purring, d(2026, 3, 20), 14, Some(7000))];
        assert_eq!(check(&high), Err((0, NoticeField::Fee)));
        // A deadline under 14 days.
        let short = [notice(StepKind::Purring, d(2026, 3, 20), 7, None)];
        assert_eq!(check(&short), Err((0, NoticeField::Deadline)));
        // Three purringer with a fee: beyond § 1-3 (sent in another order than dated).
        let three = [
            notice(StepKind::Purring, d(2026, 5, 1), 14, Some(3750)),
            notice(StepKind::Purring, d(2026, 3, 20), 14, Some(3750)),
            notice(StepKind::Purring, d(2026, 4, 10), 14, Some(3750)),
        ];
        assert_eq!(check(&three), Err((0, NoticeField::Fee)));
        // A second fee before the first deadline passed.
        let hasty = [
            notice(StepKind::Purring, d(2026, 3, 20), 14, Some(3750)),
            notice(StepKind::Inkassovarsel, d(2026, 3, 25), 14, Some(3750)),
        ];
        assert_eq!(check(&hasty), Err((1, NoticeField::Fee)));
        let future = [notice(StepKind::Nudge, d(2026, 7, 1), 14, None)];
        assert_eq!(check(&future), Err((0, NoticeField::SentOn)));
    }

    #[test]
    fn the_next_action_is_the_next_step_with_its_fee_of_that_day() {
        let creditor = creditor();
        let mut case = crate::domain::case::tests::sample_case();
        case.due_date = d(2026, 3, 2);
        let action = next_action(&creditor, &case, d(2026, 3, 1));
        assert!(
            matches!(&action, NextAction::Send { step: 0, day, fee: None, to } if *day == d(2026, 3, 5) && to.len() == 1),
            "{action:?}"
        );
        let sent = record_step(
            &creditor,
            &mut case,
            0,
            d(2026, 3, 5),
            None,
            &MessageId::generate(),
        );
        assert!(sent.is_some());
        let action = next_action(&creditor, &case, d(2026, 3, 5));
        assert!(
            matches!(&action, NextAction::Send { step: 1, day, fee: Some(fee), .. } if *day == d(2026, 3, 16) && *fee == nok(3750)),
            "{action:?}"
        );
    }

    #[test]
    fn a_recorded_fee_is_a_claim_line_once_and_sets_the_deadline() {
        let creditor = creditor();
        let mut case = crate::domain::case::tests::sample_case();
        case.due_date = d(2026, 3, 2);
        case.journey.next_step = 1;
        let before = case.amount_due();
        let message = MessageId::generate();
        let sent =
            record_step(&creditor, &mut case, 1, d(2026, 3, 16), None, &message).expect("recorded");
        assert_eq!(sent.notice.fee, Some(nok(3750)));
        assert_eq!(sent.notice.deadline, Some(d(2026, 3, 30)));
        assert_eq!(case.amount_due().minor_units() - before.minor_units(), 3750);
        // The other channel of the same step, or the same report again: nothing more.
        assert_eq!(
            record_step(&creditor, &mut case, 1, d(2026, 3, 16), None, &message),
            None
        );
        assert_eq!(
            record_step(
                &creditor,
                &mut case,
                1,
                d(2026, 3, 17),
                None,
                &MessageId::generate()
            ),
            None
        );
        assert_eq!(case.journey.fees().count(), 1);
    }

    #[test]
    fn a_fee_the_law_does_not_allow_is_not_charged_and_pauses_for_review() {
        let creditor = creditor();
        let mut case = crate::domain::case::tests::sample_case();
        case.due_date = d(2026, 3, 2);
        // The creditor already charged two purringer: the journey's inkassovarsel may not.
        case.journey = JourneyProgress::resume_after(
            &creditor.journey,
            vec![
                notice(StepKind::Purring, d(2026, 3, 16), 14, Some(3750)),
                notice(StepKind::Purring, d(2026, 4, 1), 14, Some(3750)),
            ],
        );
        let action = next_action(&creditor, &case, d(2026, 4, 20));
        assert!(
            matches!(action, NextAction::NeedsReview { .. }),
            "{action:?}"
        );
        let sent = record_step(
            &creditor,
            &mut case,
            2,
            d(2026, 4, 20),
            None,
            &MessageId::generate(),
        )
        .expect("recorded");
        assert_eq!(sent.notice.fee, None);
        assert!(sent.fee_refused.is_some());
    }

    #[test]
    fn after_a_deferral_the_next_fee_waits_for_fourteen_days_after_the_new_due_date() {
        let creditor = creditor();
        let mut case = crate::domain::case::tests::sample_case();
        case.due_date = d(2026, 3, 2);
        case.journey.next_step = 1;
        record_step(
            &creditor,
            &mut case,
            1,
            d(2026, 3, 16),
            None,
            &MessageId::generate(),
        )
        .expect("purring");
        // The debtor got until 10 April: the varsel (due 31 March) waits until its fee is
        // lawful, 14 days after the new due date.
        case.due_date = d(2026, 4, 10);
        let action = next_action(&creditor, &case, d(2026, 3, 20));
        assert!(
            matches!(&action, NextAction::Send { step: 2, day, fee: Some(_), .. } if *day == d(2026, 4, 24)),
            "{action:?}"
        );
        // A step without a fee still waits for the new due date to pass.
        let mut no_fee = creditor.clone();
        no_fee.journey.steps[2].fee = false;
        let action = next_action(&no_fee, &case, d(2026, 3, 20));
        assert!(
            matches!(&action, NextAction::Send { step: 2, day, fee: None, .. } if *day == d(2026, 4, 11)),
            "{action:?}"
        );
    }

    #[test]
    fn a_request_waiting_for_the_agency_pauses_the_journey() {
        let creditor = creditor();
        let mut case = crate::domain::case::tests::sample_case();
        case.request_review(
            crate::domain::self_service::PendingRequest::Deferral {
                new_due_date: d(2027, 1, 5),
                reason: crate::domain::self_service::ReviewReason::LongerThanAutoGrant,
                at: Utc::now(),
            },
            Utc::now(),
        );
        assert_eq!(
            next_action(&creditor, &case, d(2026, 11, 1)),
            NextAction::Paused(PauseReason::InReview)
        );
    }

    #[test]
    fn paid_closed_disputed_and_planned_cases_do_not_go_on() {
        let creditor = creditor();
        let mut case = crate::domain::case::tests::sample_case();
        case.status = CaseStatus::Disputed;
        assert_eq!(
            next_action(&creditor, &case, d(2026, 3, 1)),
            NextAction::Paused(PauseReason::Disputed)
        );
        case.status = CaseStatus::Paid;
        assert_eq!(
            next_action(&creditor, &case, d(2026, 3, 1)),
            NextAction::Stopped
        );
        case.status = CaseStatus::Open;
        case.journey.paused = Some(PauseReason::InReview);
        assert_eq!(
            next_action(&creditor, &case, d(2026, 3, 1)),
            NextAction::Paused(PauseReason::InReview)
        );
    }

    #[test]
    fn a_step_waits_for_the_contact_hours_of_its_day() {
        // Saturday 2026-03-07: opens at 09:00 Oslo (08:00 UTC).
        let now = DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let at = send_time(Jurisdiction::Norway, d(2026, 3, 7), now);
        assert_eq!(at.to_rfc3339(), "2026-03-07T08:00:00+00:00");
        // Sunday goes to Monday 08:00 Oslo.
        let at = send_time(Jurisdiction::Norway, d(2026, 3, 8), now);
        assert_eq!(at.to_rfc3339(), "2026-03-09T07:00:00+00:00");
        // A day already past goes as soon as the hours allow.
        let late = DateTime::parse_from_rfc3339("2026-03-10T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(send_time(Jurisdiction::Norway, d(2026, 3, 5), late), late);
    }
}
