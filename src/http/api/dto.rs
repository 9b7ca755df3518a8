//! What the agency API reads and writes: the JSON shapes of cases and messages (the OpenAPI
//! document's schemas), kept apart from the use cases' own types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::case::{Case, CaseStatus, ClaimKind, ClaimLine, Debtor};
use crate::domain::ids::{CaseId, CreditorId, ExternalRef};
use crate::domain::journey::{PauseReason, QueuedStep, SentNotice, StepKind};
use crate::domain::kid::Kid;
use crate::domain::message::{Channel, Message, MessageStatus, Template};
use crate::domain::money::Money;
use crate::service::cases::{CaseIntake, ClaimLineIntake, DebtorIntake, NoticeIntake};

/// A case as the agency API shows it.
#[derive(Serialize, ToSchema)]
#[schema(as = Case)]
pub(crate) struct CaseView<'a> {
    id: &'a CaseId,
    external_ref: &'a ExternalRef,
    creditor_id: &'a CreditorId,
    status: CaseStatus,
    debtor: &'a Debtor,
    claim: &'a [ClaimLine],
    /// The sum of the claim lines (payments are not subtracted).
    amount_due: Money,
    due_date: NaiveDate,
    /// The payment reference (KID) the debtor pays with.
    kid: &'a Kid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Where the case stands on its creditor's journey.
    journey: JourneyView<'a>,
}

/// The case's journey: the notices it had (with their fees and deadlines, also those sent
/// before the hand-over) and the next step while it waits in the queue.
#[derive(Serialize, ToSchema)]
pub(crate) struct JourneyView<'a> {
    /// Oldest first.
    sent: &'a [SentNotice],
    /// The next step and the day it goes out (in the contact hours of that day); null when
    /// nothing is queued (the journey is done, paused or stopped).
    next: Option<&'a QueuedStep>,
    /// Why the journey waits, when a person or the engine paused it.
    paused: Option<PauseReason>,
}

impl<'a> From<&'a Case> for CaseView<'a> {
    fn from(c: &'a Case) -> CaseView<'a> {
        CaseView {
            id: &c.id,
            external_ref: &c.external_ref,
            creditor_id: &c.creditor_id,
            status: c.status,
            debtor: &c.debtor,
            claim: &c.claim,
            amount_due: c.amount_due(),
            due_date: c.due_date,
            kid: &c.kid,
            created_at: c.created_at,
            updated_at: c.updated_at,
            journey: JourneyView {
                sent: &c.journey.sent,
                next: c.journey.queued.as_ref(),
                paused: c.journey.paused,
            },
        }
    }
}

/// A message as the agency API shows it; the address is masked.
#[derive(Serialize, ToSchema)]
#[schema(as = Message)]
pub(crate) struct MessageView<'a> {
    #[schema(example = "msg_4f0c…")]
    id: &'a str,
    case_id: &'a CaseId,
    channel: Channel,
    /// The recipient, masked, e.g. `+47 ••• •• 567`.
    to: String,
    template: Template,
    /// Not sent before this time.
    not_before: DateTime<Utc>,
    status: MessageStatus,
    attempts: u32,
    last_error: Option<&'a str>,
    provider_id: Option<&'a str>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl<'a> From<&'a Message> for MessageView<'a> {
    fn from(m: &'a Message) -> MessageView<'a> {
        MessageView {
            id: m.id.as_str(),
            case_id: &m.case_id,
            channel: m.recipient.channel(),
            to: m.recipient.masked(),
            template: m.template,
            not_before: m.not_before,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error.as_deref(),
            provider_id: m.provider_id.as_deref(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The messages of a case.
#[derive(Serialize, ToSchema)]
pub(crate) struct MessageList<'a> {
    pub(crate) messages: Vec<MessageView<'a>>,
}

/// A page of cases.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseList<'a> {
    pub(crate) cases: Vec<CaseView<'a>>,
    /// Where the next page starts; null when there are no more cases. A page may hold fewer
    /// than `limit` cases and still have a cursor: keep going until it is null.
    pub(crate) next_cursor: Option<String>,
}

/// A case as an agency sends it; sending the same `external_ref` again updates the case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// The agency's own reference, unique per agency: letters, digits, `-`, `_`, `.`, `/`.
    #[schema(min_length = 1, max_length = 100, example = "2026-000123")]
    pub external_ref: String,
    /// One of the creditors the agency acts for.
    #[schema(min_length = 1, max_length = 64, example = "nordlys-energi")]
    pub creditor_id: String,
    pub debtor: DebtorInput,
    /// 1 to 50 lines with at least one principal above zero, in the creditor's currency.
    #[schema(min_items = 1, max_items = 50)]
    pub claim: Vec<ClaimLineInput>,
    /// YYYY-MM-DD.
    #[schema(format = Date, example = "2026-12-15")]
    pub due_date: String,
    /// Notices the creditor sent before handing the case over: they count toward the fee limits
    /// of inkassoforskriften § 1-3, and the journey continues after them. Left out: a stored
    /// case keeps the ones it has. They can no longer change once innfri has sent a notice.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub notices_sent: Option<Vec<NoticeInput>>,
}

/// A notice sent before the hand-over.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeInput {
    pub kind: StepKind,
    /// YYYY-MM-DD, not after today.
    #[schema(format = Date, example = "2026-03-20")]
    pub sent_on: String,
    /// The payment deadline it set, YYYY-MM-DD: at least 14 days after `sent_on`.
    #[schema(format = Date, example = "2026-04-03")]
    pub deadline: Option<String>,
    /// The fee charged with it (a decimal string or a JSON number): within the cap of the day
    /// it was sent and the combinations of § 1-3.
    #[schema(value_type = Option<super::amount::AmountInput>)]
    pub fee: Option<serde_json::Value>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DebtorInput {
    /// At most 200 characters once trimmed.
    #[schema(min_length = 1, example = "Ola Nordmann")]
    pub name: String,
    /// As typed; numbers without a country code are Norwegian. Empty means none.
    #[schema(example = "912 34 567")]
    pub phone: Option<String>,
    /// Empty means none.
    #[schema(example = "ola@example.no")]
    pub email: Option<String>,
    /// A language tag whose language is `nb`/`no`/`nn` or `en` (e.g. `nb-NO`); `nb` if left out.
    #[schema(example = "nb")]
    pub locale: Option<String>,
    /// Facts for the identity step-up some mandates require; never shown to anyone.
    /// Four digits; empty means none.
    #[schema(example = "0150")]
    pub postcode: Option<String>,
    /// YYYY-MM-DD; empty means none.
    #[schema(example = "1980-05-17")]
    pub birth_date: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimLineInput {
    pub kind: ClaimKind,
    /// At most 200 characters once trimmed.
    #[serde(default)]
    #[schema(example = "Faktura 1001")]
    pub description: String,
    /// A decimal string ("1250.50") or a JSON number.
    #[schema(value_type = super::amount::AmountInput)]
    pub amount: serde_json::Value,
}

impl From<CaseInput> for CaseIntake {
    fn from(input: CaseInput) -> CaseIntake {
        let debtor = input.debtor;
        CaseIntake {
            external_ref: input.external_ref,
            creditor_id: input.creditor_id,
            debtor: DebtorIntake {
                name: debtor.name,
                phone: debtor.phone,
                email: debtor.email,
                locale: debtor.locale,
                postcode: debtor.postcode,
                birth_date: debtor.birth_date,
            },
            claim: input
                .claim
                .into_iter()
                .map(|line| ClaimLineIntake {
                    kind: line.kind,
                    description: line.description,
                    amount: line.amount,
                })
                .collect(),
            due_date: input.due_date,
            notices_sent: input.notices_sent.map(|list| {
                list.into_iter()
                    .map(|n| NoticeIntake {
                        kind: n.kind,
                        sent_on: n.sent_on,
                        deadline: n.deadline,
                        fee: n.fee,
                    })
                    .collect()
            }),
        }
    }
}
