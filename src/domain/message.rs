//! Outbound messages to debtors and their life cycle.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::case::{Case, CaseStatus};
use super::contact::{EmailAddress, PhoneNumber};
use super::ids::{AgencyId, CaseId, MessageId};
use super::journey::StepRef;
use super::lost_send::UnknownOutcome;
use super::plan_followup::FollowUp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Email,
}

/// The SMS services innfri can send through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsProviderKind {
    /// Prints instead of sending (demo, development).
    Console,
    Twilio,
    Gatewayapi,
}

/// The e-mail services innfri can send through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailProviderKind {
    Console,
    Smtp,
    Postmark,
}

/// Where a message goes; fixed when it is scheduled, so a later contact change does not redirect it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", content = "address", rename_all = "lowercase")]
pub enum Recipient {
    Sms(PhoneNumber),
    Email(EmailAddress),
}

impl Recipient {
    pub fn channel(&self) -> Channel {
        match self {
            Recipient::Sms(_) => Channel::Sms,
            Recipient::Email(_) => Channel::Email,
        }
    }

    /// For logs and API listings that must not reveal the full address.
    pub fn masked(&self) -> String {
        match self {
            Recipient::Sms(p) => p.masked(),
            Recipient::Email(e) => e.masked(),
        }
    }
}

/// The texts the composer knows (one Fluent message family each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// A friendly note that a claim is due, with the link.
    Reminder,
    /// Confirms a deferral granted on the case page.
    DeferralReceipt,
    /// Confirms an instalment plan agreed on the case page.
    PlanReceipt,
    /// Tells the debtor the agency declined a request, pointing to the reason on the page.
    RequestDeclined,
    /// Tells the debtor the agency upheld the objection: nothing more to pay.
    DisputeUpheld,
    /// Confirms a payment that leaves something still to pay, and how much.
    PaymentReceipt,
    /// Confirms the case is paid in full: nothing more to do, so no link.
    PaidReceipt,
    /// Confirms a START reply: SMS to the number again. Answers the debtor, so no link.
    OptInConfirmation,
    /// A step of the creditor's journey; the message's `journey` says which step and wording.
    JourneyStep,
    /// A reminder of an instalment before its due date; the message's `follow_up` says which.
    InstalmentReminder,
    /// A friendly note that an instalment is late; the message's `follow_up` says which.
    InstalmentLate,
    /// Tells the debtor the plan has ended because instalments were missed, and what they can do.
    PlanBroken,
    /// Tells the debtor a limited agreement's period is over and the agency looks at the case.
    PlanReviewDue,
    /// Tells the debtor the agency answered in the conversation, with the link to read it.
    ConversationAnswer,
    /// Tells the debtor the agency ended a limited agreement at its review, pointing to the
    /// answer and what they can do now.
    LimitedAgreementEnded,
    /// The code that confirms a new phone number or e-mail address, sent to that new address
    /// (no link: it proves the address, it does not open the case).
    ContactCode,
    /// Tells the number or address a confirmed change replaced that it was replaced, so a
    /// change the debtor did not make is noticed (no link: the case no longer writes there).
    ContactChanged,
}

impl Template {
    /// Every template; [`Template::JourneyStep`] takes its text from the journey's step instead.
    pub const ALL: [Template; 17] = [
        Template::Reminder,
        Template::DeferralReceipt,
        Template::PlanReceipt,
        Template::RequestDeclined,
        Template::DisputeUpheld,
        Template::PaymentReceipt,
        Template::PaidReceipt,
        Template::OptInConfirmation,
        Template::JourneyStep,
        Template::InstalmentReminder,
        Template::InstalmentLate,
        Template::PlanBroken,
        Template::PlanReviewDue,
        Template::ConversationAnswer,
        Template::LimitedAgreementEnded,
        Template::ContactCode,
        Template::ContactChanged,
    ];

    /// Reminders press for payment and stop while a case is disputed, paid or closed;
    /// receipts and answers to the debtor go out whatever the case's state.
    pub fn is_collection(self) -> bool {
        matches!(
            self,
            Template::Reminder
                | Template::JourneyStep
                | Template::InstalmentReminder
                | Template::InstalmentLate
                | Template::PlanBroken
                | Template::PlanReviewDue
        )
    }

    /// Whether the plan follow-up queues it (with the follow-up in the message's `follow_up`).
    pub fn is_plan_follow_up(self) -> bool {
        matches!(
            self,
            Template::InstalmentReminder
                | Template::InstalmentLate
                | Template::PlanBroken
                | Template::PlanReviewDue
        )
    }

    /// The Fluent message family: `{name}-sms`, `{name}-email-subject`, `{name}-email-body`.
    pub fn name(self) -> &'static str {
        match self {
            Template::Reminder => "reminder",
            Template::DeferralReceipt => "receipt-deferral",
            Template::PlanReceipt => "receipt-plan",
            Template::RequestDeclined => "request-declined",
            Template::DisputeUpheld => "dispute-upheld",
            Template::PaymentReceipt => "receipt-payment",
            Template::PaidReceipt => "receipt-paid",
            Template::OptInConfirmation => "opt-in",
            Template::JourneyStep => "journey-step",
            Template::InstalmentReminder => "plan-reminder",
            Template::InstalmentLate => "plan-late",
            Template::PlanBroken => "plan-broken",
            Template::PlanReviewDue => "plan-review",
            Template::ConversationAnswer => "conversation-answer",
            Template::LimitedAgreementEnded => "limited-ended",
            Template::ContactCode => "contact-code",
            Template::ContactChanged => "contact-changed",
        }
    }

    /// Whether the text carries a link to the case (a new one is issued for each message).
    pub fn has_link(self) -> bool {
        !matches!(
            self,
            Template::PaidReceipt
                | Template::OptInConfirmation
                | Template::ContactCode
                | Template::ContactChanged
        )
    }

    /// Whether what this text tells the debtor is true of `case`: a payment receipt names the
    /// case's newest payment, a paid receipt says nothing more is owed, a deferral or plan
    /// receipt confirms one that was granted, a declined request points to the agency's answer,
    /// and an upheld dispute says the case is closed.
    pub fn is_founded_on(self, case: &Case) -> Result<(), UnfoundedReceipt> {
        // Every template named, so a new one must say what it needs.
        let unfounded = match self {
            Template::Reminder => None,
            Template::PaymentReceipt => case
                .payments
                .is_empty()
                .then_some(UnfoundedReceipt::NoPayment),
            Template::PaidReceipt => {
                (case.status != CaseStatus::Paid).then_some(UnfoundedReceipt::NotPaid)
            }
            Template::DeferralReceipt => {
                (case.deferrals_granted == 0).then_some(UnfoundedReceipt::NoDeferral)
            }
            Template::PlanReceipt => case.plan.is_none().then_some(UnfoundedReceipt::NoPlan),
            Template::RequestDeclined => case
                .note_to_debtor
                .is_none()
                .then_some(UnfoundedReceipt::NoAnswer),
            Template::DisputeUpheld => {
                (case.status != CaseStatus::Closed).then_some(UnfoundedReceipt::NotClosed)
            }
            // Only an answer in the conversation queues it (with the answer on the case).
            Template::ConversationAnswer => Some(UnfoundedReceipt::OnlyByConversation),
            // Only the agency's answer to a limited agreement's review queues it.
            Template::LimitedAgreementEnded => Some(UnfoundedReceipt::OnlyByReview),
            // Only the debtor's own contact change queues them (to the new address, and to
            // the one it replaced).
            Template::ContactCode | Template::ContactChanged => {
                Some(UnfoundedReceipt::OnlyByContactChange)
            }
            // Only the reply handling sends it, never an agency's request.
            Template::OptInConfirmation => Some(UnfoundedReceipt::OnlyOnReply),
            // Only the journey engine queues its steps (with the step they are).
            Template::JourneyStep => Some(UnfoundedReceipt::OnlyByJourney),
            // Only the plan follow-up queues them (with the instalment they are about).
            Template::InstalmentReminder
            | Template::InstalmentLate
            | Template::PlanBroken
            | Template::PlanReviewDue => Some(UnfoundedReceipt::OnlyByPlanFollowUp),
        };
        unfounded.map_or(Ok(()), Err)
    }
}

/// A receipt that would tell the debtor something the case does not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnfoundedReceipt {
    #[error("a payment receipt confirms a payment, and this case has none")]
    NoPayment,
    #[error("a paid receipt says the case is paid in full, and this case is not")]
    NotPaid,
    #[error("a deferral receipt confirms a deferral, and this case has none")]
    NoDeferral,
    #[error("a plan receipt confirms a payment plan, and this case has none")]
    NoPlan,
    #[error("a declined-request message points to the agency's answer, and this case has none")]
    NoAnswer,
    #[error("a dispute-upheld message says the case is closed, and this case is not")]
    NotClosed,
    #[error(
        "a conversation-answer message is queued by an answer in the conversation, never on request"
    )]
    OnlyByConversation,
    #[error("a limited-agreement-ended message is queued by the agency's answer to its review")]
    OnlyByReview,
    #[error(
        "contact codes and change notices are queued by the debtor's own contact change, to the new address and to the one it replaced"
    )]
    OnlyByContactChange,
    #[error("an opt-in confirmation answers the debtor's START reply; it is sent only then")]
    OnlyOnReply,
    #[error("a journey step is queued by the creditor's journey, never on request")]
    OnlyByJourney,
    #[error(
        "an instalment reminder, late note or broken-plan notice is queued by the plan's follow-up, never on request"
    )]
    OnlyByPlanFollowUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Scheduled,
    Sending,
    Sent,
    Delivered,
    Failed,
    Cancelled,
}

impl MessageStatus {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            MessageStatus::Sent
                | MessageStatus::Delivered
                | MessageStatus::Failed
                | MessageStatus::Cancelled
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    pub recipient: Recipient,
    pub template: Template,
    pub not_before: DateTime<Utc>,
    pub status: MessageStatus,
    pub attempts: u32,
    /// Counts the starts of a send (`begin_send`): it only goes up, also when a start ends in
    /// a hold that gives the attempt back, so a worker holding a stale copy can never start.
    #[serde(default)]
    pub starts: u64,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    /// The provider that sent it (`twilio`, `console`, …): the namespace of `provider_id`.
    /// `None` on a message stored before the provider was recorded.
    #[serde(default)]
    pub provider: Option<String>,
    /// Set on a message sent by the other channel because this one failed for good; such a
    /// message never falls back again.
    #[serde(default)]
    pub fallback_of: Option<MessageId>,
    /// A start whose outcome was lost (the worker stopped mid-send): the provider is asked
    /// before the message is sent again (`domain::lost_send`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_outcome: Option<UnknownOutcome>,
    /// For a [`Template::JourneyStep`]: which step, in which wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journey: Option<StepRef>,
    /// For a plan follow-up ([`Template::is_plan_follow_up`]): which reminder, note or break,
    /// with the instalment number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
    /// The digest (hex) of the link issued for the latest start, written with the start before
    /// the link itself: revocation finds a message's link here, so sending needs no write to
    /// the case's link index. (An earlier start's link goes into that index when replaced.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_digest: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Message {
    pub fn schedule(
        case_id: CaseId,
        agency_id: AgencyId,
        recipient: Recipient,
        template: Template,
        not_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Message {
        Message {
            id: MessageId::generate(),
            case_id,
            agency_id,
            recipient,
            template,
            not_before,
            status: MessageStatus::Scheduled,
            attempts: 0,
            starts: 0,
            last_error: None,
            provider_id: None,
            provider: None,
            fallback_of: None,
            unknown_outcome: None,
            journey: None,
            follow_up: None,
            link_digest: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// Sends a message to the debtor where the debtor is reached now on its channel, when the
    /// number or address changed after it was queued (the debtor's confirmed change or the
    /// agency's update): a reminder queued weeks ahead must not go to a number given up. A
    /// channel left without an address keeps the old one. Whether it changed.
    pub fn readdress(&mut self, case: &Case) -> bool {
        // A contact code proves its new address; the notice of a change goes to the address
        // it replaced; an opt-in confirmation answers the number that texted START, whatever
        // the case's number is.
        if matches!(
            self.template,
            Template::ContactCode | Template::ContactChanged | Template::OptInConfirmation
        ) {
            return false;
        }
        match case.contact_on(self.recipient.channel()) {
            Some(now) if now != self.recipient => {
                self.recipient = now;
                true
            }
            _ => false,
        }
    }

    /// The provider's id for this message with its provider, once both are known.
    pub fn provider_ref(&self) -> Option<ProviderRef<'_>> {
        Some(ProviderRef {
            provider: self.provider.as_deref()?,
            id: self.provider_id.as_deref()?,
        })
    }
}

/// A provider's id for one of our messages, with the provider that gave it (its `name`).
/// Receipts are matched by both, so an id one provider gave can never find a message another
/// one sent (two runs of the console provider count as one provider, so its ids are unique).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderRef<'a> {
    pub provider: &'a str,
    pub id: &'a str,
}

impl ProviderRef<'_> {
    /// The id within its provider's namespace, as the store indexes it: `twilio:SM…`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.provider, self.id)
    }
}

/// The frequency cap: at most `max` reminders to one debtor from one agency within `window`,
/// and at least `cooldown` between two of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactCap {
    pub max: u32,
    pub window: chrono::Duration,
    pub cooldown: chrono::Duration,
}

impl ContactCap {
    /// `None` when a reminder may go now, given when the earlier ones went; otherwise the
    /// earliest moment one may.
    pub fn next_allowed(
        &self,
        earlier: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let mut recent: Vec<DateTime<Utc>> = earlier
            .iter()
            .copied()
            .filter(|t| *t > now - self.window)
            .collect();
        recent.sort();
        let mut allowed = now;
        if let Some(last) = recent.last() {
            allowed = allowed.max(*last + self.cooldown);
        }
        let max = self.max as usize;
        if max == 0 {
            return Some(now + self.window);
        }
        if recent.len() >= max {
            // The window must have let go of enough earlier ones to leave one place.
            allowed = allowed.max(recent[recent.len() - max] + self.window);
        }
        (allowed > now).then_some(allowed)
    }
}

/// Exponential backoff for transient send failures: 30 s, 1 min, 2 min … capped at 1 h.
pub fn retry_delay(attempt: u32) -> chrono::Duration {
    let exp = attempt.saturating_sub(1).min(7);
    chrono::Duration::seconds((30_i64 << exp).min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_follows_the_case_to_its_new_number_but_a_code_or_an_opt_in_answer_does_not() {
        let mut case = crate::domain::case::tests::sample_case();
        let old = PhoneNumber::parse("+4798765432").expect("phone");
        case.debtor.phone = Some(PhoneNumber::parse("+4741234567").expect("phone"));
        let now = chrono::Utc::now();
        let queued = |template| {
            Message::schedule(
                case.id.clone(),
                case.agency_id.clone(),
                Recipient::Sms(old.clone()),
                template,
                now,
                now,
            )
        };
        let mut reminder = queued(Template::Reminder);
        assert!(reminder.readdress(&case));
        assert_eq!(
            reminder.recipient,
            Recipient::Sms(case.debtor.phone.clone().expect("phone"))
        );
        assert!(!reminder.readdress(&case), "once there, nothing changes");
        for template in [Template::ContactCode, Template::OptInConfirmation] {
            let mut kept = queued(template);
            assert!(!kept.readdress(&case));
            assert_eq!(kept.recipient, Recipient::Sms(old.clone()));
        }
        case.debtor.email = None;
        let mut email = Message::schedule(
            case.id.clone(),
            case.agency_id.clone(),
            Recipient::Email(EmailAddress::parse("ola@example.no").expect("email")),
            Template::Reminder,
            now,
            now,
        );
        assert!(
            !email.readdress(&case),
            "a channel without an address keeps the old one"
        );
    }

    #[test]
    fn retry_delay_doubles_and_is_capped_at_an_hour() {
        assert_eq!(retry_delay(1).num_seconds(), 30);
        assert_eq!(retry_delay(2).num_seconds(), 60);
        assert_eq!(retry_delay(3).num_seconds(), 120);
        assert_eq!(retry_delay(30).num_seconds(), 3600);
    }

    #[test]
    fn the_cap_allows_two_a_week_a_day_apart() {
        let cap = ContactCap {
            max: 2,
            window: chrono::Duration::days(7),
            cooldown: chrono::Duration::hours(24),
        };
        let now = Utc::now();
        let h = chrono::Duration::hours;
        assert_eq!(cap.next_allowed(&[], now), None);
        // One an hour ago: the cooldown says wait 23 hours.
        assert_eq!(cap.next_allowed(&[now - h(1)], now), Some(now + h(23)));
        assert_eq!(cap.next_allowed(&[now - h(30)], now), None);
        // Two this week: the older must leave the window first.
        let earlier = [now - h(24 * 6), now - h(48)];
        assert_eq!(cap.next_allowed(&earlier, now), Some(now + h(24)));
        // Older than a week no longer count.
        assert_eq!(cap.next_allowed(&[now - h(24 * 8), now - h(48)], now), None);
    }

    #[test]
    fn a_payment_receipt_needs_a_payment_and_a_paid_receipt_a_paid_case() {
        let mut case = crate::domain::case::tests::sample_case();
        assert_eq!(
            Template::PaymentReceipt.is_founded_on(&case),
            Err(UnfoundedReceipt::NoPayment)
        );
        assert_eq!(
            Template::PaidReceipt.is_founded_on(&case),
            Err(UnfoundedReceipt::NotPaid)
        );
        assert_eq!(Template::Reminder.is_founded_on(&case), Ok(()));
        for (template, unfounded) in [
            (Template::DeferralReceipt, UnfoundedReceipt::NoDeferral),
            (Template::PlanReceipt, UnfoundedReceipt::NoPlan),
            (Template::RequestDeclined, UnfoundedReceipt::NoAnswer),
            (Template::DisputeUpheld, UnfoundedReceipt::NotClosed),
        ] {
            assert_eq!(
                template.is_founded_on(&case),
                Err(unfounded),
                "{template:?}"
            );
        }
        let now = Utc::now();
        let currency = case.currency();
        let payment = |amount: &str| crate::domain::payment::Payment {
            reference: format!("direct:a:{amount}"),
            amount: crate::domain::money::Money::parse(amount, currency).expect("amount"),
            received_on: now.date_naive(),
            method: crate::domain::payment::PaymentMethod::Direct,
            recorded_at: now,
        };
        let part = payment("500.00");
        case.apply_payment(
            part,
            crate::domain::event::Actor::System,
            now,
            &crate::domain::ledger::OwedOn::without_interest(now.date_naive()),
        );
        assert_eq!(Template::PaymentReceipt.is_founded_on(&case), Ok(()));
        assert_eq!(
            Template::PaidReceipt.is_founded_on(&case),
            Err(UnfoundedReceipt::NotPaid)
        );
        let rest = payment("749.50");
        case.apply_payment(
            rest,
            crate::domain::event::Actor::System,
            now,
            &crate::domain::ledger::OwedOn::without_interest(now.date_naive()),
        );
        assert_eq!(Template::PaidReceipt.is_founded_on(&case), Ok(()));
    }

    #[test]
    fn answers_to_the_debtor_need_what_they_answer() {
        let mut case = crate::domain::case::tests::sample_case();
        let now = Utc::now();
        case.grant_deferral(crate::domain::event::Actor::Agency, case.due_date, now);
        assert_eq!(Template::DeferralReceipt.is_founded_on(&case), Ok(()));
        case.uphold_dispute(Some("Fakturaen var betalt."), now);
        assert_eq!(Template::RequestDeclined.is_founded_on(&case), Ok(()));
        assert_eq!(Template::DisputeUpheld.is_founded_on(&case), Ok(()));
    }

    #[test]
    fn only_scheduled_and_sending_are_not_final() {
        assert!(!MessageStatus::Scheduled.is_final());
        assert!(!MessageStatus::Sending.is_final());
        assert!(MessageStatus::Sent.is_final());
    }
}
