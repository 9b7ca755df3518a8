//! Events agencies receive (by webhook and by the pull API), and the case's audit trail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{AgencyId, CaseId};

/// Every kind of event innfri reports; the wire name is `{subject}.{verb}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum EventKind {
    #[serde(rename = "case.viewed")]
    CaseViewed,
    #[serde(rename = "case.paid")]
    CasePaid,
    #[serde(rename = "case.closed")]
    CaseClosed,
    /// The debtor's personal data was erased (GDPR); the case is closed.
    #[serde(rename = "case.erased")]
    CaseErased,
    #[serde(rename = "message.cancelled")]
    MessageCancelled,
    #[serde(rename = "deferral.granted")]
    DeferralGranted,
    #[serde(rename = "deferral.requested")]
    DeferralRequested,
    #[serde(rename = "plan.granted")]
    PlanGranted,
    #[serde(rename = "plan.requested")]
    PlanRequested,
    #[serde(rename = "dispute.opened")]
    DisputeOpened,
    #[serde(rename = "dispute.upheld")]
    DisputeUpheld,
    #[serde(rename = "request.declined")]
    RequestDeclined,
    #[serde(rename = "message.sent")]
    MessageSent,
    #[serde(rename = "message.delivered")]
    MessageDelivered,
    #[serde(rename = "message.failed")]
    MessageFailed,
    #[serde(rename = "contact.invalid")]
    ContactInvalid,
    #[serde(rename = "payment.succeeded")]
    PaymentSucceeded,
    /// Money arrived online for a case that cannot take it (closed): a person must refund or reopen.
    #[serde(rename = "payment.unapplied")]
    PaymentUnapplied,
    /// A step of the creditor's journey went out (the first of its channels to be sent).
    #[serde(rename = "journey.step_sent")]
    JourneyStepSent,
    /// A notice's statutory fee was added to the claim when it was sent.
    #[serde(rename = "fee.added")]
    FeeAdded,
    /// The journey waits for a person: its next step cannot be sent lawfully as configured.
    #[serde(rename = "journey.paused")]
    JourneyPaused,
    /// An agreed plan ended because instalments were missed; the journey resumes.
    #[serde(rename = "plan.broken")]
    PlanBroken,
    /// A limited agreement's period is over: the case waits in the review queue.
    #[serde(rename = "plan.review_due")]
    PlanReviewDue,
    /// The debtor wrote to the agency (the case page's form, or an SMS reply that is not an
    /// opt-out or opt-in word): it waits in the conversation for an answer.
    #[serde(rename = "debtor.message")]
    DebtorMessage,
    /// The agency answered in the conversation (API or console); the debtor is told by SMS or
    /// e-mail that an answer waits on the case page.
    #[serde(rename = "agency.message")]
    AgencyMessage,
    /// The debtor changed how they are reached on the case page (a new phone number or e-mail
    /// address once its code was typed back, or a postal address); the payload names what
    /// changed, never the value (the case API has it).
    #[serde(rename = "contact.updated")]
    ContactUpdated,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::CaseViewed => "case.viewed",
            EventKind::CasePaid => "case.paid",
            EventKind::CaseClosed => "case.closed",
            EventKind::CaseErased => "case.erased",
            EventKind::MessageCancelled => "message.cancelled",
            EventKind::DeferralGranted => "deferral.granted",
            EventKind::DeferralRequested => "deferral.requested",
            EventKind::PlanGranted => "plan.granted",
            EventKind::PlanRequested => "plan.requested",
            EventKind::DisputeOpened => "dispute.opened",
            EventKind::DisputeUpheld => "dispute.upheld",
            EventKind::RequestDeclined => "request.declined",
            EventKind::MessageSent => "message.sent",
            EventKind::MessageDelivered => "message.delivered",
            EventKind::MessageFailed => "message.failed",
            EventKind::ContactInvalid => "contact.invalid",
            EventKind::PaymentSucceeded => "payment.succeeded",
            EventKind::PaymentUnapplied => "payment.unapplied",
            EventKind::JourneyStepSent => "journey.step_sent",
            EventKind::FeeAdded => "fee.added",
            EventKind::JourneyPaused => "journey.paused",
            EventKind::PlanBroken => "plan.broken",
            EventKind::PlanReviewDue => "plan.review_due",
            EventKind::DebtorMessage => "debtor.message",
            EventKind::AgencyMessage => "agency.message",
            EventKind::ContactUpdated => "contact.updated",
        }
    }
}

/// One event for one agency, written in the same atomic step as the change it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_` + 32 hex digits; stable across redeliveries (it doubles as the webhook id).
    pub id: String,
    pub agency_id: AgencyId,
    pub case_id: Option<CaseId>,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub occurred_at: DateTime<Utc>,
    /// Thin payload: ids and the terms that changed, never contact data.
    pub data: serde_json::Value,
}

impl Event {
    pub fn new(
        agency_id: AgencyId,
        case_id: Option<CaseId>,
        kind: EventKind,
        data: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Event {
        Event {
            id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
            agency_id,
            case_id,
            kind,
            occurred_at: now,
            data,
        }
    }
}

/// The payload fields an event keeps when its case is erased: ids, amounts, dates, states and
/// enum values, which the agency's books need and which say nothing about the person. Everything
/// else goes — free text above all (a decline reason or note the agency wrote, the debtor's SMS
/// reply, a provider's error text, any of which may name the debtor or quote a number). A list of
/// what stays rather than of what goes, so a field added later is dropped until someone decides.
const KEPT_AFTER_ERASURE: &[&str] = &[
    "case_id",
    "external_ref",
    "by",
    "message_id",
    "conversation_message_id",
    "fallback_message_id",
    "request_id",
    "status",
    "channel",
    "amount",
    "balance",
    "overpaid",
    "kid",
    "method",
    "reference",
    "paid_on",
    "paid_amount",
    "new_due_date",
    "plan",
    "step",
    "kind",
    "variant",
    "sent_on",
    "deadline",
];

impl Event {
    /// The event as it may stay once its case is erased: the payload keeps only
    /// [`KEPT_AFTER_ERASURE`] and says `"redacted": true`. Returns whether anything changed,
    /// so redacting twice writes nothing the second time.
    pub fn redact(&mut self) -> bool {
        let Some(map) = self.data.as_object_mut() else {
            // Every payload is an object; anything else is dropped whole.
            self.data = serde_json::json!({"redacted": true});
            return true;
        };
        if map.get("redacted") == Some(&serde_json::Value::Bool(true)) {
            return false;
        }
        map.retain(|key, _| KEPT_AFTER_ERASURE.contains(&key.as_str()));
        map.insert("redacted".into(), serde_json::Value::Bool(true));
        true
    }
}

/// How far an agency's webhook endpoint has got through its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeliveryState {
    /// The last event delivered (its outbox cursor); `None`: nothing yet.
    pub cursor: Option<String>,
    /// Failed attempts at the event after the cursor.
    pub failures: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The endpoint answered 410 Gone (or failed for days): no more attempts until re-enabled.
    pub disabled: bool,
}

/// Where an agency is in its event stream: `<major>-<minor>`, each 1 to 19 ASCII digits (the
/// shape of a Redis stream id; the embedded store numbers its events `0-<position>`). Both
/// stores parse cursors with this one function, so a client gets the same answer from either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventCursor {
    pub major: u64,
    pub minor: u64,
}

/// Digits per part: 19 always fit a `u64` (and the part after `minor` too), far above any
/// stream id or position that can occur.
const CURSOR_PART_DIGITS: usize = 19;

/// The document's pattern for a cursor; `EventCursor::parse` accepts exactly these.
pub const EVENT_CURSOR_PATTERN: &str = "^[0-9]{1,19}-[0-9]{1,19}$";

/// A cursor this API never handed out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a cursor this API gave out (`<digits>-<digits>`, from `cursor` or `next_cursor`)")]
pub struct BadCursor;

impl EventCursor {
    pub fn parse(text: &str) -> Result<EventCursor, BadCursor> {
        let (major, minor) = text.split_once('-').ok_or(BadCursor)?;
        let part = |p: &str| {
            let digits = !p.is_empty()
                && p.len() <= CURSOR_PART_DIGITS
                && p.bytes().all(|b| b.is_ascii_digit());
            digits
                .then(|| p.parse::<u64>().ok())
                .flatten()
                .ok_or(BadCursor)
        };
        Ok(EventCursor {
            major: part(major)?,
            minor: part(minor)?,
        })
    }

    /// The first cursor after this one (an inclusive start for the next page); cannot
    /// overflow, as each part has at most 19 digits.
    pub fn successor(self) -> EventCursor {
        EventCursor {
            major: self.major,
            minor: self.minor + 1,
        }
    }
}

impl std::fmt::Display for EventCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.major, self.minor)
    }
}

/// Who did something to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Debtor,
    Agency,
    System,
    /// A staff user in the console, by id (never by address).
    Staff(super::staff::StaffUserId),
}

/// One line of a case's audit trail: who, what, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub action: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_ids_and_amounts_and_drops_free_text() {
        let mut event = Event::new(
            AgencyId::parse("a").expect("id"),
            Some(CaseId::generate()),
            EventKind::RequestDeclined,
            serde_json::json!({
                "case_id": "cs_1", "external_ref": "R-1", "request_id": "req_1",
                "reason": "Kari Testesen, ring oss på 912 34 567", "note": "x", "reply": "STOPP",
                "amount": {"amount": "10.00", "currency": "NOK"}
            }),
            Utc::now(),
        );
        assert!(event.redact());
        assert_eq!(
            event.data,
            serde_json::json!({
                "case_id": "cs_1", "external_ref": "R-1", "request_id": "req_1",
                "amount": {"amount": "10.00", "currency": "NOK"}, "redacted": true
            })
        );
        let once = event.clone();
        assert!(!event.redact(), "a second time changes nothing");
        assert_eq!(event, once);
    }

    #[test]
    fn a_payload_that_is_not_an_object_is_dropped_whole() {
        let mut event = Event::new(
            AgencyId::parse("a").expect("id"),
            None,
            EventKind::MessageFailed,
            serde_json::json!("Kari Testesen"),
            Utc::now(),
        );
        assert!(event.redact());
        assert_eq!(event.data, serde_json::json!({"redacted": true}));
    }

    #[test]
    fn event_kinds_serialise_to_their_wire_names() {
        for kind in [
            EventKind::CaseViewed,
            EventKind::PlanGranted,
            EventKind::MessageDelivered,
            EventKind::PaymentSucceeded,
        ] {
            assert_eq!(
                serde_json::to_value(kind).expect("json"),
                serde_json::Value::from(kind.name())
            );
        }
    }

    #[test]
    fn cursors_are_two_parts_of_at_most_19_digits() {
        assert_eq!(
            EventCursor::parse("1767225600000-3"),
            Ok(EventCursor {
                major: 1_767_225_600_000,
                minor: 3
            })
        );
        let longest = format!("{0}-{0}", "9".repeat(19));
        let cursor = EventCursor::parse(&longest).expect("19 digits fit");
        assert_eq!(cursor.to_string(), longest);
        assert_eq!(cursor.successor().minor, cursor.minor + 1);
        for bad in [
            "",
            "-",
            "5",
            "-1",
            "1-",
            "-1-2",
            "1-2-3",
            "abc",
            "1-a",
            " 1-2",
            "1-2 ",
            "+1-2",
            "18446744073709551616-0",
            "0-18446744073709551615",
            "00000000000000000001-0",
            "١-٢",
        ] {
            assert_eq!(EventCursor::parse(bad), Err(BadCursor), "{bad:?}");
        }
        assert_eq!(EventCursor::parse(&"9".repeat(100_000)), Err(BadCursor));
    }

    proptest::proptest! {
        /// Every cursor prints to a text that parses back to it.
        #[test]
        fn cursors_round_trip(major in 0u64..10_000_000_000_000_000_000, minor in 0u64..10_000_000_000_000_000_000) {
            let cursor = EventCursor { major, minor };
            proptest::prop_assert_eq!(EventCursor::parse(&cursor.to_string()), Ok(cursor));
        }
    }
}
