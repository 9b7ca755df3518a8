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

/// Who did something to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Debtor,
    Agency,
    System,
}

/// One line of a case's audit trail: who, what, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}
