//! Whether a message a worker has started goes out now, waits, or never goes: the case's
//! state, the configuration, the opt-out, the contact hours and the frequency cap, judged at
//! `now`. The worker does the I/O around it (see `messaging::worker`).

use chrono::{DateTime, Duration, Utc};

use super::case::{Case, CaseStatus};
use super::creditor::Jurisdiction;
use super::jurisdiction::law;
use super::message::{Channel, Message, MessageStatus, Template};

/// What is known about a started message when it is judged.
#[derive(Debug, Clone, Copy)]
pub struct SendFacts<'a> {
    pub message: &'a Message,
    /// The case as it was when the start was won; `None` when it no longer exists.
    pub case: Option<&'a Case>,
    /// The recipient opted out of the message's channel (as the start was won).
    pub opted_out: bool,
    /// The case's creditor and agency; `None` until looked up.
    pub tenants: Option<Tenants>,
    /// The frequency cap's answer for this reminder; `None` until asked.
    pub cap: Option<CapSlot>,
    pub now: DateTime<Utc>,
}

/// Whether the case's creditor and agency are still configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenants {
    /// Both are; the creditor's jurisdiction sets the contact hours.
    Configured(Jurisdiction),
    Missing,
}

/// The frequency cap's answer for one reminder (the store takes the place atomically).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapSlot {
    /// A place was taken for this message.
    Taken,
    /// No place before this moment.
    FullUntil(DateTime<Utc>),
}

/// What the worker does with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendDecision {
    Send,
    /// Back to the queue until `until`; nothing was sent, so the attempt is given back.
    Hold {
        until: DateTime<Utc>,
        reason: HoldReason,
    },
    /// Never sent: the message ends in [`CancelReason::status`].
    Cancel {
        reason: CancelReason,
    },
    /// The decision needs a fact that costs a trip to the store: the worker finds it out, fills
    /// it in, and decides again. Asked only when every cheaper reason to stop has been ruled out.
    Ask(Question),
}

/// A fact [`decide`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// Look up the case's creditor and agency ([`SendFacts::tenants`]).
    Tenants,
    /// Take a place under the frequency cap ([`SendFacts::cap`]).
    CapSlot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldReason {
    /// The law stops collection while a dispute is open: the reminder waits, it is not dropped.
    Disputed,
    /// Outside the contact hours of the creditor's jurisdiction.
    ContactHours,
    /// The debtor has had as many reminders from the agency as the cap allows for now.
    FrequencyCap,
}

impl HoldReason {
    /// What the message's `last_error` says while it waits (`None`: nothing is wrong).
    pub fn note(self) -> Option<&'static str> {
        match self {
            HoldReason::Disputed => Some("held: the case is disputed"),
            HoldReason::ContactHours => None,
            HoldReason::FrequencyCap => Some("waits for the frequency cap"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// Gone, erased, or (for a reminder) no longer collected.
    CaseNotOpen,
    /// The creditor or agency was removed from the configuration.
    NotConfigured,
    /// The debtor said STOP (SMS) or unsubscribed (e-mail).
    OptedOut(Channel),
    /// A contact code whose change no longer waits (confirmed, replaced, expired).
    CodeNotAwaited,
    /// The notice of a contact change that was never written (its write lost or failed).
    ChangeNotMade,
}

impl CancelReason {
    /// The message's final state: a configuration fault is a failure the agency must see;
    /// the rest are the debtor's or the case's own course.
    pub fn status(self) -> MessageStatus {
        match self {
            CancelReason::NotConfigured => MessageStatus::Failed,
            CancelReason::CaseNotOpen
            | CancelReason::OptedOut(_)
            | CancelReason::CodeNotAwaited
            | CancelReason::ChangeNotMade => MessageStatus::Cancelled,
        }
    }

    /// The message's `last_error`.
    pub fn note(self) -> &'static str {
        match self {
            CancelReason::CaseNotOpen => "case is not open",
            CancelReason::NotConfigured => "creditor or agency no longer configured",
            CancelReason::OptedOut(Channel::Sms) => "the debtor asked for no more SMS (STOP)",
            CancelReason::OptedOut(Channel::Email) => "the debtor unsubscribed from e-mail",
            CancelReason::CodeNotAwaited => "no contact change waits for this code any more",
            CancelReason::ChangeNotMade => "the contact change this notice tells of was not made",
        }
    }
}

/// Judges a started message. Reminders stop with the case and keep to the contact hours and
/// the frequency cap; receipts answer something the debtor just did, so they go out at once
/// while the case exists. Nothing at all goes to a debtor whose data was erased.
pub fn decide(facts: &SendFacts<'_>) -> SendDecision {
    let now = facts.now;
    let collection = facts.message.template.is_collection();
    if facts
        .case
        .is_some_and(|c| collection && c.status == CaseStatus::Disputed)
    {
        return SendDecision::Hold {
            // Looked at again the next day.
            until: now + Duration::days(1),
            reason: HoldReason::Disputed,
        };
    }
    if !facts
        .case
        .is_some_and(|c| !c.is_erased() && (!collection || c.status.is_active()))
    {
        return cancel(CancelReason::CaseNotOpen);
    }
    if facts.message.template == Template::ContactCode
        && !facts.case.is_some_and(|c| {
            c.contact_changes
                .awaits(&facts.message.id, &facts.message.recipient, facts.now)
        })
    {
        return cancel(CancelReason::CodeNotAwaited);
    }
    if facts.message.template == Template::ContactChanged
        && !facts
            .case
            .is_some_and(|c| c.contact_changes.change_notices.contains(&facts.message.id))
    {
        return cancel(CancelReason::ChangeNotMade);
    }
    let jurisdiction = match facts.tenants {
        None => return SendDecision::Ask(Question::Tenants),
        Some(Tenants::Missing) => return cancel(CancelReason::NotConfigured),
        Some(Tenants::Configured(jurisdiction)) => jurisdiction,
    };
    if facts.opted_out {
        return cancel(CancelReason::OptedOut(facts.message.recipient.channel()));
    }
    if !collection {
        return SendDecision::Send;
    }
    let allowed = law(jurisdiction).next_contact_instant(now);
    if allowed > now {
        return SendDecision::Hold {
            until: allowed,
            reason: HoldReason::ContactHours,
        };
    }
    match facts.cap {
        None => SendDecision::Ask(Question::CapSlot),
        Some(CapSlot::FullUntil(until)) => SendDecision::Hold {
            until,
            reason: HoldReason::FrequencyCap,
        },
        Some(CapSlot::Taken) => SendDecision::Send,
    }
}

fn cancel(reason: CancelReason) -> SendDecision {
    SendDecision::Cancel { reason }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::domain::case::tests::sample_case;
    use crate::domain::contact::{EmailAddress, PhoneNumber};
    use crate::domain::message::{Recipient, Template};

    const NORWAY: Tenants = Tenants::Configured(Jurisdiction::Norway);

    /// Tuesday 2026-03-03, 10:00 in Oslo: inside the contact hours.
    fn weekday_morning() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0)
            .single()
            .expect("a valid time")
    }

    fn message(template: Template, recipient: Recipient) -> Message {
        let case = sample_case();
        Message::schedule(
            case.id.clone(),
            case.agency_id.clone(),
            recipient,
            template,
            weekday_morning(),
            weekday_morning(),
        )
    }

    fn sms() -> Recipient {
        Recipient::Sms(PhoneNumber::parse("+4791234567").expect("phone"))
    }

    fn email() -> Recipient {
        Recipient::Email(EmailAddress::parse("kari@example.no").expect("email"))
    }

    fn facts<'a>(message: &'a Message, case: Option<&'a Case>) -> SendFacts<'a> {
        SendFacts {
            message,
            case,
            opted_out: false,
            tenants: Some(NORWAY),
            cap: Some(CapSlot::Taken),
            now: weekday_morning(),
        }
    }

    #[test]
    fn a_reminder_on_an_open_case_inside_the_hours_with_a_place_is_sent() {
        let case = sample_case();
        let reminder = message(Template::Reminder, sms());
        assert_eq!(decide(&facts(&reminder, Some(&case))), SendDecision::Send);
    }

    #[test]
    fn the_store_is_asked_only_once_the_cheaper_reasons_are_ruled_out() {
        let case = sample_case();
        let reminder = message(Template::Reminder, sms());
        let unknown = SendFacts {
            tenants: None,
            cap: None,
            ..facts(&reminder, Some(&case))
        };
        assert_eq!(decide(&unknown), SendDecision::Ask(Question::Tenants));
        let configured = SendFacts {
            tenants: Some(NORWAY),
            ..unknown
        };
        assert_eq!(decide(&configured), SendDecision::Ask(Question::CapSlot));
        // Outside the hours no place is taken under the cap.
        let sunday = Utc
            .with_ymd_and_hms(2026, 3, 8, 11, 0, 0)
            .single()
            .expect("time");
        assert!(matches!(
            decide(&SendFacts {
                now: sunday,
                ..configured
            }),
            SendDecision::Hold {
                reason: HoldReason::ContactHours,
                ..
            }
        ));
        // A receipt never asks for a place.
        let receipt = message(Template::OptInConfirmation, sms());
        assert_eq!(
            decide(&SendFacts {
                message: &receipt,
                ..configured
            }),
            SendDecision::Send
        );
    }

    #[test]
    fn a_reminder_on_a_disputed_case_waits_a_day_and_a_receipt_goes() {
        let mut case = sample_case();
        case.status = CaseStatus::Disputed;
        let reminder = message(Template::Reminder, sms());
        assert_eq!(
            decide(&facts(&reminder, Some(&case))),
            SendDecision::Hold {
                until: weekday_morning() + Duration::days(1),
                reason: HoldReason::Disputed,
            }
        );
        let receipt = message(Template::DeferralReceipt, sms());
        assert_eq!(decide(&facts(&receipt, Some(&case))), SendDecision::Send);
    }

    #[test]
    fn nothing_goes_for_a_missing_or_erased_case_and_no_reminder_for_a_paid_one() {
        let reminder = message(Template::Reminder, sms());
        let receipt = message(Template::PaidReceipt, sms());
        let not_open = cancel(CancelReason::CaseNotOpen);
        assert_eq!(decide(&facts(&reminder, None)), not_open);
        assert_eq!(decide(&facts(&receipt, None)), not_open);
        let mut erased = sample_case();
        erased.erase(weekday_morning());
        assert_eq!(decide(&facts(&receipt, Some(&erased))), not_open);
        let mut paid = sample_case();
        paid.status = CaseStatus::Paid;
        assert_eq!(decide(&facts(&reminder, Some(&paid))), not_open);
        assert_eq!(decide(&facts(&receipt, Some(&paid))), SendDecision::Send);
    }

    #[test]
    fn a_removed_creditor_fails_the_message_and_an_opt_out_cancels_it() {
        let case = sample_case();
        let reminder = message(Template::Reminder, email());
        let gone = SendFacts {
            tenants: Some(Tenants::Missing),
            ..facts(&reminder, Some(&case))
        };
        assert_eq!(decide(&gone), cancel(CancelReason::NotConfigured));
        assert_eq!(CancelReason::NotConfigured.status(), MessageStatus::Failed);
        let unsubscribed = SendFacts {
            opted_out: true,
            ..facts(&reminder, Some(&case))
        };
        assert_eq!(
            decide(&unsubscribed),
            cancel(CancelReason::OptedOut(Channel::Email))
        );
        assert_eq!(
            CancelReason::OptedOut(Channel::Email).note(),
            "the debtor unsubscribed from e-mail"
        );
        assert_eq!(
            CancelReason::OptedOut(Channel::Sms).status(),
            MessageStatus::Cancelled
        );
    }

    #[test]
    fn a_full_cap_holds_the_reminder_until_a_place_frees() {
        let case = sample_case();
        let reminder = message(Template::Reminder, sms());
        let later = weekday_morning() + Duration::hours(23);
        let full = SendFacts {
            cap: Some(CapSlot::FullUntil(later)),
            ..facts(&reminder, Some(&case))
        };
        assert_eq!(
            decide(&full),
            SendDecision::Hold {
                until: later,
                reason: HoldReason::FrequencyCap,
            }
        );
        assert_eq!(
            HoldReason::FrequencyCap.note(),
            Some("waits for the frequency cap")
        );
    }

    fn any_status() -> impl Strategy<Value = CaseStatus> {
        prop_oneof![
            Just(CaseStatus::Open),
            Just(CaseStatus::Disputed),
            Just(CaseStatus::Paid),
            Just(CaseStatus::Closed),
        ]
    }

    fn any_tenants() -> impl Strategy<Value = Option<Tenants>> {
        prop_oneof![Just(None), Just(Some(Tenants::Missing)), Just(Some(NORWAY))]
    }

    proptest! {
        /// Whatever the facts: a message is sent only for an existing, not erased case whose
        /// creditor is configured and whose debtor did not opt out; a reminder only on an open
        /// case, inside the hours, with a place under the cap. Holds are never in the past, and
        /// a fact already known is never asked for again (so the worker's loop ends).
        #[test]
        fn a_message_goes_only_when_every_rule_allows_it(
            template in proptest::sample::select(Template::ALL.to_vec()),
            by_sms in any::<bool>(),
            status in any_status(),
            exists in any::<bool>(),
            erased in any::<bool>(),
            opted_out in any::<bool>(),
            tenants in any_tenants(),
            cap_answer in 0u8..3,
            frees_in in 1i64..1_000_000,
            minutes in 0i64..(60 * 24 * 14),
        ) {
            let now = weekday_morning() + Duration::minutes(minutes);
            let cap = match cap_answer {
                0 => None,
                1 => Some(CapSlot::Taken),
                _ => Some(CapSlot::FullUntil(now + Duration::seconds(frees_in))),
            };
            let mut case = sample_case();
            if erased {
                case.erase(now);
            }
            case.status = status;
            let message = message(template, if by_sms { sms() } else { email() });
            let facts = SendFacts {
                message: &message,
                case: exists.then_some(&case),
                opted_out,
                tenants,
                cap,
                now,
            };
            let collection = template.is_collection();
            match decide(&facts) {
                SendDecision::Send => {
                    prop_assert!(exists && !erased && !opted_out);
                    prop_assert_eq!(tenants, Some(NORWAY));
                    if collection {
                        prop_assert_eq!(status, CaseStatus::Open);
                        prop_assert_eq!(cap, Some(CapSlot::Taken));
                        prop_assert_eq!(law(Jurisdiction::Norway).next_contact_instant(now), now);
                    }
                }
                SendDecision::Hold { until, .. } => {
                    prop_assert!(collection);
                    prop_assert!(until > now);
                }
                SendDecision::Cancel { .. } => {}
                SendDecision::Ask(Question::Tenants) => prop_assert_eq!(tenants, None),
                SendDecision::Ask(Question::CapSlot) => {
                    prop_assert!(collection && tenants.is_some() && !opted_out);
                    prop_assert_eq!(cap, None);
                }
            }
        }
    }
}
