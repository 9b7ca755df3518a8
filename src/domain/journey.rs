//! A creditor's collection journey: the ordered steps a case goes through after its due date
//! (timing, channels, texts with A/B variants, fees, deadlines), where a case stands on it, and
//! when its next step is due. The legal limits on journeys live in the jurisdiction pack.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ids::MessageId;
use super::money::Money;

/// What a step is, legally: a nudge is a friendly reminder without a fee; the others are the
/// written notices of inkassoloven / inkassoforskriften.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Nudge,
    /// A reminder (purring, inkassoforskriften § 1-2).
    Purring,
    /// The notice that collection will start (inkassoloven § 9).
    Inkassovarsel,
    /// The demand to pay or object (inkassoloven § 10).
    Betalingsoppfordring,
    /// A last notice before the claim goes further (no fee).
    FinalNotice,
}

impl StepKind {
    pub const ALL: [StepKind; 5] = [
        StepKind::Nudge,
        StepKind::Purring,
        StepKind::Inkassovarsel,
        StepKind::Betalingsoppfordring,
        StepKind::FinalNotice,
    ];

    /// Where the kind comes in the course of collection (a nudge first, a final notice last).
    pub fn order(self) -> u8 {
        match self {
            StepKind::Nudge => 0,
            StepKind::Purring => 1,
            StepKind::Inkassovarsel => 2,
            StepKind::Betalingsoppfordring => 3,
            StepKind::FinalNotice => 4,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Nudge => "nudge",
            StepKind::Purring => "purring",
            StepKind::Inkassovarsel => "inkassovarsel",
            StepKind::Betalingsoppfordring => "betalingsoppfordring",
            StepKind::FinalNotice => "final_notice",
        }
    }
}

/// When a step is due, counted in calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepTiming {
    /// This many days after the case's due date.
    AfterDueDate(u32),
    /// This many days after the payment deadline the previous step set.
    AfterPreviousDeadline(u32),
}

/// Which channels a step uses; with `Both` the debtor gets each one that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepChannels {
    Sms,
    Email,
    Both,
}

impl StepChannels {
    pub fn uses_sms(self) -> bool {
        matches!(self, StepChannels::Sms | StepChannels::Both)
    }

    pub fn uses_email(self) -> bool {
        matches!(self, StepChannels::Email | StepChannels::Both)
    }

    /// The channels a message of this step can go out on: its own, and with the creditor's
    /// fallback the other one too (an undeliverable number falls back to e-mail and back).
    pub fn reachable(self, fallback: bool) -> StepChannels {
        if fallback { StepChannels::Both } else { self }
    }
}

/// The variables a journey text may use; the engine gives each of them a value when it sends.
pub const TEXT_VARIABLES: [&str; 16] = [
    "creditor",
    "agency",
    "name",
    "amount",
    "principal",
    "additional",
    "fee",
    "due",
    "deadline",
    "claim_for",
    "interest_rate",
    "interest_from",
    "reference",
    "kid",
    "account",
    "link",
];

/// One wording of a step: a Fluent message family (`{text}-sms`, `{text}-email-subject`,
/// `{text}-email-body`, and for written notices `{text}-notice`), chosen with `weight`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextVariant {
    pub text: String,
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

impl TextVariant {
    pub fn sms_id(&self) -> String {
        format!("{}-sms", self.text)
    }

    pub fn email_subject_id(&self) -> String {
        format!("{}-email-subject", self.text)
    }

    pub fn email_body_id(&self) -> String {
        format!("{}-email-body", self.text)
    }

    /// The written notice itself (shown behind the link; an e-mail carries it in its body).
    pub fn notice_id(&self) -> String {
        format!("{}-notice", self.text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JourneyStep {
    /// A short stable name (`purring-1`): events and statistics are reported per step id.
    pub id: String,
    pub kind: StepKind,
    pub when: StepTiming,
    pub channels: StepChannels,
    /// One or more wordings; a case keeps the one it was given.
    pub texts: Vec<TextVariant>,
    /// Whether the statutory fee for this kind of notice is added when it is sent.
    #[serde(default)]
    pub fee: bool,
    /// Days the notice gives the debtor to pay, counted from the day it is sent.
    #[serde(default)]
    pub deadline_days: Option<u32>,
}

/// Who sends the betalingsoppfordring: it decides its fee (an agency's salær, or the creditor's
/// own fee in egeninkasso).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Collector {
    #[default]
    Agency,
    Creditor,
}

/// A creditor's journey; an empty one means innfri sends nothing by itself.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Journey {
    #[serde(default)]
    pub collector: Collector,
    #[serde(default)]
    pub steps: Vec<JourneyStep>,
}

/// A journey that breaks a rule: which step (by position and id) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JourneyIssue {
    /// Position of the step in the journey, from 0; `None` for the journey as a whole.
    pub step: Option<usize>,
    pub step_id: String,
    /// A stable name of the rule (`fee_too_early`, `fee_count`, …).
    pub rule: &'static str,
    pub message: String,
}

impl JourneyIssue {
    pub fn at(step: usize, journey: &Journey, rule: &'static str, message: String) -> JourneyIssue {
        JourneyIssue {
            step: Some(step),
            step_id: journey
                .steps
                .get(step)
                .map(|s| s.id.clone())
                .unwrap_or_default(),
            rule,
            message,
        }
    }

    /// `steps[2] (purring-2)`: how check-config and the API name the place.
    pub fn field(&self) -> String {
        match self.step {
            Some(i) => format!("journey.steps[{i}] ({})", self.step_id),
            None => "journey".to_owned(),
        }
    }

    /// The setting the rule is about, as a creditor file spells it:
    /// `journey.steps[2].deadline_days`.
    pub fn setting(&self) -> String {
        match (self.step, rule_setting(self.rule)) {
            (Some(i), Some(key)) => format!("journey.steps[{i}].{key}"),
            (Some(i), None) => format!("journey.steps[{i}]"),
            (None, _) => "journey.steps".to_owned(),
        }
    }
}

/// The step setting a rule (of the shape check or a law pack) judges; `None` for the step as a
/// whole.
pub fn rule_setting(rule: &str) -> Option<&'static str> {
    match rule {
        "step_id" => Some("id"),
        "texts" => Some("text"),
        "when" | "order" | "varsel_before_due" | "oppfordring_before_varsel_deadline" => {
            Some("when")
        }
        "fee_on_non_notice" | "fee_too_early" | "fee_count" | "second_fee_before_deadline" => {
            Some("fee")
        }
        "deadline_too_short" | "deadline_missing" => Some("deadline_days"),
        "oppfordring_without_varsel" => Some("kind"),
        _ => None,
    }
}

pub const MAX_STEPS: usize = 20;
pub const MAX_VARIANTS: usize = 5;
/// A step later than this many days after the due date is almost surely a typo.
pub const MAX_STEP_DAYS: u32 = 730;

impl Journey {
    /// The earliest day each step can be sent, counted in days after the due date, assuming
    /// every earlier step went out on its own earliest day. `None` where it cannot be known (a
    /// step after a deadline the previous step does not set).
    pub fn earliest_offsets(&self) -> Vec<Option<i64>> {
        let mut offsets: Vec<Option<i64>> = Vec::with_capacity(self.steps.len());
        for (i, step) in self.steps.iter().enumerate() {
            let own = match step.when {
                StepTiming::AfterDueDate(days) => Some(i64::from(days)),
                StepTiming::AfterPreviousDeadline(days) => i
                    .checked_sub(1)
                    .and_then(|p| Some((offsets[p]?, self.steps[p].deadline_days?)))
                    .map(|(prev, deadline)| prev + i64::from(deadline) + i64::from(days)),
            };
            // A step never goes before the one ahead of it.
            let previous = i.checked_sub(1).and_then(|p| offsets[p]);
            offsets.push(match (own, previous) {
                (Some(own), Some(previous)) => Some(own.max(previous)),
                (own, _) => own,
            });
        }
        offsets
    }

    /// Problems of shape, whatever the law: ids, texts, anchors, order. The jurisdiction pack
    /// adds the legal rules.
    pub fn check_shape(&self) -> Vec<JourneyIssue> {
        let mut issues = Vec::new();
        if self.steps.len() > MAX_STEPS {
            issues.push(JourneyIssue {
                step: None,
                step_id: String::new(),
                rule: "too_many_steps",
                message: format!("has {} steps; at most {MAX_STEPS}", self.steps.len()),
            });
        }
        let mut own_offsets: Vec<Option<i64>> = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let mut issue = |rule, message: String| {
                issues.push(JourneyIssue::at(i, self, rule, message));
            };
            let id_ok = !step.id.is_empty()
                && step.id.len() <= 40
                && step
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !id_ok {
                issue(
                    "step_id",
                    "id must be 1–40 characters of a–z, 0–9 and '-'".into(),
                );
            }
            if self.steps[..i].iter().any(|s| s.id == step.id) {
                issue("step_id", format!("id \"{}\" is used twice", step.id));
            }
            if step.texts.is_empty() || step.texts.len() > MAX_VARIANTS {
                issue("texts", format!("needs 1 to {MAX_VARIANTS} text variants"));
            }
            for variant in &step.texts {
                let text_ok = !variant.text.is_empty()
                    && variant.text.len() <= 60
                    && variant
                        .text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-');
                if !text_ok {
                    issue(
                        "texts",
                        format!("text \"{}\" is not a Fluent message id", variant.text),
                    );
                }
                if variant.weight == 0 {
                    issue("texts", format!("text \"{}\" has weight 0", variant.text));
                }
            }
            let days = match step.when {
                StepTiming::AfterDueDate(d) | StepTiming::AfterPreviousDeadline(d) => d,
            };
            if days > MAX_STEP_DAYS {
                issue("when", format!("{days} days is more than {MAX_STEP_DAYS}"));
            }
            if let StepTiming::AfterPreviousDeadline(_) = step.when {
                match i.checked_sub(1).map(|p| &self.steps[p]) {
                    None => issue(
                        "when",
                        "the first step cannot follow a previous deadline".into(),
                    ),
                    Some(previous) if previous.deadline_days.is_none() => issue(
                        "when",
                        format!(
                            "follows the deadline of step \"{}\", which sets none",
                            previous.id
                        ),
                    ),
                    Some(_) => {}
                }
            }
            own_offsets.push(match step.when {
                StepTiming::AfterDueDate(d) => Some(i64::from(d)),
                StepTiming::AfterPreviousDeadline(_) => None,
            });
        }
        // A step timed after the due date must not come before the step ahead of it.
        let offsets = self.earliest_offsets();
        for i in 1..self.steps.len() {
            if let (Some(own), Some(previous)) = (own_offsets[i], offsets[i - 1])
                && own < previous
            {
                issues.push(JourneyIssue::at(
                    i,
                    self,
                    "order",
                    format!(
                        "is due {own} days after the due date, before step \"{}\" (day {previous})",
                        self.steps[i - 1].id
                    ),
                ));
            }
        }
        issues
    }
}

/// A notice the case has had: sent by innfri on its journey, or by the creditor before the
/// case arrived (it counts toward the fee limits all the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SentNotice {
    /// The journey step, or `None` for a notice sent before the case came to innfri.
    pub step_id: Option<String>,
    pub kind: StepKind,
    pub sent_on: NaiveDate,
    /// The payment deadline it set.
    pub deadline: Option<NaiveDate>,
    /// The fee charged with it.
    pub fee: Option<Money>,
    /// The text variant it was sent in (A/B statistics).
    #[serde(default)]
    pub variant: Option<String>,
    /// The message whose sending recorded it (`None` for a notice from before innfri): a
    /// report of the same send again finds it here and changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    /// What is known of it reaching the debtor (the A/B statistics count each once).
    #[serde(default, skip_serializing_if = "NoticeReach::is_unknown")]
    pub reach: NoticeReach,
}

/// Whether a notice reached its debtor: set once each, so a repeated receipt or a second look
/// at the page counts nothing again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeReach {
    /// Its sending was counted (from the version that keeps the counts on): only such a
    /// notice counts what follows, so rates never run above what was counted as sent.
    #[serde(default)]
    pub counted: bool,
    /// One of the step's messages was reported delivered.
    #[serde(default)]
    pub delivered: bool,
    /// The debtor opened the case's link after it was sent.
    #[serde(default)]
    pub link_opened: bool,
}

impl NoticeReach {
    fn is_unknown(&self) -> bool {
        *self == NoticeReach::default()
    }
}

/// Which step of its case's journey a queued message is, and in which wording: the worker
/// reports the message sent, and the engine records the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    /// Position of the step in the journey when it was queued.
    pub step: usize,
    pub step_id: String,
    /// The text variant (a Fluent message family).
    pub variant: String,
}

/// The messages queued for the next step: a pause or a stop cancels them, and a replayed
/// report of the step before finds them already planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QueuedStep {
    /// Position of the step in the journey.
    pub step: usize,
    pub step_id: String,
    /// The day it is due (the message waits for the contact hours of that day).
    pub day: NaiveDate,
    /// One message per channel, in the order [`super::journey_engine::recipients`] gives.
    pub messages: Vec<MessageId>,
}

/// Why a journey waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// The debtor disputed the claim.
    Disputed,
    /// A request waits for the agency.
    InReview,
    /// A person paused it (console or API).
    Manual,
    /// The debtor told of hardship.
    Hardship,
    /// An agreed plan runs instead.
    Plan,
    /// The next step cannot lawfully be sent as configured; a person must look.
    NeedsReview,
}

/// Where a case stands on its creditor's journey.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JourneyProgress {
    /// Position of the next step to send.
    #[serde(default)]
    pub next_step: usize,
    /// Every notice the case has had, oldest first.
    #[serde(default)]
    pub sent: Vec<SentNotice>,
    /// Set while the journey waits (a pause never loses the position).
    #[serde(default)]
    pub paused: Option<PauseReason>,
    /// The next step's messages while they wait in the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued: Option<QueuedStep>,
}

impl JourneyProgress {
    /// Starts a case that already had `prior` notices: the journey continues after the last
    /// step of the same kind as the newest of them (or from the start when none matches).
    pub fn resume_after(journey: &Journey, mut prior: Vec<SentNotice>) -> JourneyProgress {
        prior.sort_by_key(|n| n.sent_on);
        let next_step = prior
            .last()
            .and_then(|last| {
                // The first step of that kind: a creditor's one purring matches the journey's first.
                let kind_rank = prior.iter().filter(|n| n.kind == last.kind).count();
                let same_kind = || {
                    journey
                        .steps
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.kind == last.kind)
                };
                same_kind()
                    .nth(kind_rank.saturating_sub(1))
                    // More of them than the journey has: after its last one.
                    .or_else(|| same_kind().next_back())
                    .map(|(i, _)| i + 1)
                    // A kind the journey does not have: after every step that comes no later
                    // in the law's order (never back to a nudge after a varsel).
                    .or_else(|| {
                        journey
                            .steps
                            .iter()
                            .rposition(|s| s.kind.order() <= last.kind.order())
                            .map(|i| i + 1)
                    })
            })
            .unwrap_or(0);
        JourneyProgress {
            next_step,
            sent: prior,
            paused: None,
            queued: None,
        }
    }

    pub fn last_sent(&self) -> Option<&SentNotice> {
        self.sent.last()
    }

    /// The notices that carried a fee, oldest first.
    pub fn fees(&self) -> impl Iterator<Item = &SentNotice> {
        self.sent
            .iter()
            .filter(|n| n.fee.is_some_and(|f| f.is_positive()))
    }
}

/// The day the next step is due for a case with `due_date` (after deferrals), or `None` when
/// the journey has no further step.
pub fn next_step_day(
    journey: &Journey,
    progress: &JourneyProgress,
    due_date: NaiveDate,
) -> Option<(usize, NaiveDate)> {
    let index = progress.next_step;
    let step = journey.steps.get(index)?;
    let last = progress.last_sent();
    let day = match step.when {
        StepTiming::AfterDueDate(days) => due_date + Duration::days(i64::from(days)),
        StepTiming::AfterPreviousDeadline(days) => {
            // A notice from before innfri that set no deadline is given the legal minimum.
            let deadline = last.map(|n| {
                n.deadline
                    .unwrap_or(n.sent_on + Duration::days(super::jurisdiction::MIN_DEADLINE_DAYS))
            });
            deadline.unwrap_or(due_date) + Duration::days(i64::from(days))
        }
    };
    // Never before (or on the day of) the notice ahead of it.
    let day = match last {
        Some(n) if day <= n.sent_on => n.sent_on + Duration::days(1),
        _ => day,
    };
    Some((index, day))
}

/// The text variant a case gets for a step: stable for the case (a hash of case and step), in
/// proportion to the weights. `seed` is any stable number for the case.
pub fn choose_variant(step: &JourneyStep, seed: u64) -> Option<&TextVariant> {
    let total: u64 = step.texts.iter().map(|t| u64::from(t.weight)).sum();
    if total == 0 {
        return step.texts.first();
    }
    // splitmix64 of the seed and the step id: spreads consecutive case numbers evenly.
    let mut x = seed
        ^ step.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    let mut pick = x % total;
    for variant in &step.texts {
        let w = u64::from(variant.weight);
        if pick < w {
            return Some(variant);
        }
        pick -= w;
    }
    step.texts.last()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    pub fn step(
        id: &str,
        kind: StepKind,
        when: StepTiming,
        fee: bool,
        deadline: Option<u32>,
    ) -> JourneyStep {
        JourneyStep {
            id: id.into(),
            kind,
            when,
            channels: StepChannels::Both,
            texts: vec![TextVariant {
                text: format!("journey-{id}"),
                weight: 1,
            }],
            fee,
            deadline_days: deadline,
        }
    }

    /// A lawful Norwegian journey: nudge, purring with fee, inkassovarsel with fee,
    /// betalingsoppfordring with fee.
    pub fn typical() -> Journey {
        Journey {
            collector: Collector::Agency,
            steps: vec![
                step(
                    "nudge",
                    StepKind::Nudge,
                    StepTiming::AfterDueDate(3),
                    false,
                    None,
                ),
                step(
                    "purring",
                    StepKind::Purring,
                    StepTiming::AfterDueDate(14),
                    true,
                    Some(14),
                ),
                step(
                    "varsel",
                    StepKind::Inkassovarsel,
                    StepTiming::AfterPreviousDeadline(1),
                    true,
                    Some(14),
                ),
                step(
                    "oppfordring",
                    StepKind::Betalingsoppfordring,
                    StepTiming::AfterPreviousDeadline(1),
                    true,
                    Some(14),
                ),
            ],
        }
    }

    #[test]
    fn offsets_follow_the_deadlines() {
        assert_eq!(
            typical().earliest_offsets(),
            vec![Some(3), Some(14), Some(29), Some(44)]
        );
    }

    #[test]
    fn a_typical_journey_has_a_good_shape() {
        assert_eq!(typical().check_shape(), vec![]);
    }

    #[test]
    fn shape_problems_name_the_step() {
        let mut j = typical();
        j.steps[1].id = "nudge".into();
        j.steps[2].texts.clear();
        j.steps[0].when = StepTiming::AfterPreviousDeadline(1);
        let issues = j.check_shape();
        let rules: Vec<_> = issues.iter().map(|i| (i.step, i.rule)).collect();
        assert!(rules.contains(&(Some(1), "step_id")), "{issues:?}");
        assert!(rules.contains(&(Some(2), "texts")), "{issues:?}");
        assert!(rules.contains(&(Some(0), "when")), "{issues:?}");
        assert_eq!(issues[0].field(), "journey.steps[0] (nudge)");
    }

    #[test]
    fn an_issue_names_the_setting_its_rule_judges() {
        let mut j = typical();
        j.steps[1].deadline_days = Some(0);
        j.steps[1].id = "Purring".into();
        let issues = j.check_shape();
        assert_eq!(issues[0].setting(), "journey.steps[1].id");
        let whole = JourneyIssue {
            step: None,
            step_id: String::new(),
            rule: "too_many_steps",
            message: String::new(),
        };
        assert_eq!(whole.setting(), "journey.steps");
        assert_eq!(rule_setting("deadline_too_short"), Some("deadline_days"));
        assert_eq!(rule_setting("fee_count"), Some("fee"));
    }

    #[test]
    fn fallback_reaches_both_channels() {
        assert_eq!(StepChannels::Sms.reachable(true), StepChannels::Both);
        assert_eq!(StepChannels::Sms.reachable(false), StepChannels::Sms);
        assert!(StepChannels::Both.uses_sms() && StepChannels::Both.uses_email());
        assert!(!StepChannels::Email.uses_sms());
    }

    #[test]
    fn a_step_after_a_step_without_deadline_cannot_follow_its_deadline() {
        let mut j = typical();
        j.steps[1].deadline_days = None;
        assert!(
            j.check_shape()
                .iter()
                .any(|i| i.step == Some(2) && i.rule == "when")
        );
    }

    #[test]
    fn a_step_before_the_one_ahead_of_it_is_refused() {
        let mut j = typical();
        j.steps[1].when = StepTiming::AfterDueDate(2);
        assert!(
            j.check_shape()
                .iter()
                .any(|i| i.step == Some(1) && i.rule == "order")
        );
    }

    #[test]
    fn the_next_step_day_counts_from_the_due_date_then_from_deadlines() {
        let j = typical();
        let due = d(2026, 3, 2);
        let mut p = JourneyProgress::default();
        assert_eq!(next_step_day(&j, &p, due), Some((0, d(2026, 3, 5))));
        p.next_step = 1;
        p.sent.push(SentNotice {
            step_id: Some("nudge".into()),
            kind: StepKind::Nudge,
            sent_on: d(2026, 3, 5),
            deadline: None,
            fee: None,
            variant: None,
            message_id: None,
            reach: NoticeReach::default(),
        });
        assert_eq!(next_step_day(&j, &p, due), Some((1, d(2026, 3, 16))));
        p.next_step = 2;
        p.sent.push(SentNotice {
            step_id: Some("purring".into()),
            kind: StepKind::Purring,
            sent_on: d(2026, 3, 17),
            deadline: Some(d(2026, 3, 31)),
            fee: None,
            variant: None,
            message_id: None,
            reach: NoticeReach::default(),
        });
        assert_eq!(next_step_day(&j, &p, due), Some((2, d(2026, 4, 1))));
        p.next_step = 4;
        assert_eq!(next_step_day(&j, &p, due), None);
    }

    #[test]
    fn a_late_start_never_goes_before_the_last_notice() {
        let j = typical();
        let p = JourneyProgress {
            next_step: 0,
            sent: vec![SentNotice {
                step_id: None,
                kind: StepKind::Nudge,
                sent_on: d(2026, 3, 10),
                deadline: None,
                fee: None,
                variant: None,
                message_id: None,
                reach: NoticeReach::default(),
            }],
            paused: None,
            queued: None,
        };
        assert_eq!(
            next_step_day(&j, &p, d(2026, 3, 2)),
            Some((0, d(2026, 3, 11)))
        );
    }

    #[test]
    fn a_case_that_had_a_purring_continues_after_the_journeys_purring() {
        let j = typical();
        let prior = vec![SentNotice {
            step_id: None,
            kind: StepKind::Purring,
            sent_on: d(2026, 3, 20),
            deadline: Some(d(2026, 4, 3)),
            fee: None,
            variant: None,
            message_id: None,
            reach: NoticeReach::default(),
        }];
        let p = JourneyProgress::resume_after(&j, prior.clone());
        assert_eq!(p.next_step, 2);
        assert_eq!(
            next_step_day(&j, &p, d(2026, 3, 2)),
            Some((2, d(2026, 4, 4)))
        );
        assert_eq!(JourneyProgress::resume_after(&j, vec![]).next_step, 0);
        // Two purringer where the journey has one: after its purring, not back to the start.
        let two = vec![prior[0].clone(), prior[0].clone()];
        assert_eq!(JourneyProgress::resume_after(&j, two).next_step, 2);
        // A kind the journey lacks: after the steps that come no later.
        let mut no_varsel = j.clone();
        no_varsel.steps.remove(2);
        let mut varsel = prior[0].clone();
        varsel.kind = StepKind::Inkassovarsel;
        assert_eq!(
            JourneyProgress::resume_after(&no_varsel, vec![varsel]).next_step,
            2
        );
    }

    #[test]
    fn variants_follow_their_weights_and_stay_with_the_case() {
        let mut s = step(
            "purring",
            StepKind::Purring,
            StepTiming::AfterDueDate(14),
            true,
            Some(14),
        );
        s.texts = vec![
            TextVariant {
                text: "a".into(),
                weight: 3,
            },
            TextVariant {
                text: "b".into(),
                weight: 1,
            },
        ];
        let picks: Vec<&str> = (0..4000u64)
            .map(|seed| choose_variant(&s, seed).map_or("", |v| v.text.as_str()))
            .collect();
        let a = picks.iter().filter(|p| **p == "a").count();
        assert!((2800..3200).contains(&a), "{a} of 4000 got a");
        assert_eq!(choose_variant(&s, 42), choose_variant(&s, 42));
    }
}
