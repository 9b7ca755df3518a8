//! What the agency API reads and writes: the JSON shapes of cases and messages (the OpenAPI
//! document's schemas), kept apart from the use cases' own types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::case::{Case, CaseStatus, ClaimKind, ClaimLine, Debtor};
use crate::domain::event::AuditEntry;
use crate::domain::ids::{CaseId, CreditorId, ExternalRef};
use crate::domain::journey::{PauseReason, QueuedStep, SentNotice, StepKind};
use crate::domain::kid::Kid;
use crate::domain::message::{Channel, Message, MessageStatus, Template};
use crate::domain::money::Money;
use crate::domain::payment::Payment;
use crate::domain::plan_followup::{
    FollowUpRules, InstalmentState, instalment_states, paid_toward_plan,
};
use crate::domain::self_service::Review;
use crate::service::cases::{CaseIntake, ClaimLineIntake, DebtorIntake, NoticeIntake};

/// The creditor's calendar day for a case, and how its balance is counted that day
/// (`service::owed`: with the interest innfri accrues, when it does).
pub(crate) struct CaseDay {
    pub today: NaiveDate,
    pub owed: crate::domain::ledger::OwedOn,
}

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
    /// What is still owed today: the claim lines less every payment received (negative when
    /// overpaid), plus the late-payment interest accrued to today when the creditor has innfri
    /// accrue it. Paying this amount today settles the case.
    balance: Money,
    /// The due date in force (moved by a granted deferral or an agreed plan).
    due_date: NaiveDate,
    /// The due date the agency sent, when a deferral or plan has moved `due_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    original_due_date: Option<NaiveDate>,
    /// The payment reference (KID) the debtor pays with.
    kid: &'a Kid,
    /// Every payment received, oldest first, each applied once.
    payments: &'a [Payment],
    /// The agreed instalment plan, with where each instalment stands today.
    plan: Option<PlanView<'a>>,
    /// Requests and disputes waiting for the agency (answer them under `/api/v1/reviews`).
    requests: &'a [Review],
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Late-payment interest innfri has accrued up to today (when the creditor has innfri
    /// accrue it): computed on read, not a claim line; included in `balance`.
    #[serde(skip_serializing_if = "Option::is_none")]
    interest_accrued: Option<Money>,
    /// What one more day of late-payment interest adds, with `interest_accrued`.
    #[serde(skip_serializing_if = "Option::is_none")]
    interest_per_day: Option<Money>,
    /// Plans that broke (instalments missed in a row), oldest first; kept for the record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    broken_plans: Vec<BrokenPlanView>,
    /// The postal address the debtor gave on the case page (`contact.updated`), when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    postal_address: Option<&'a crate::domain::contact_change::PostalAddress>,
    /// With `include=audit`: who did what to the case, when and why, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    audit: Option<&'a [AuditEntry]>,
    /// With `include=replies`: the debtor's SMS replies about this case, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    replies: Option<Vec<ReplyView<'a>>>,
    /// With `include=messages`: every message of the case, as `GET …/messages` lists them.
    #[serde(skip_serializing_if = "Option::is_none")]
    messages: Option<Vec<MessageView<'a>>>,
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

/// A plan that broke: when, which instalments broke it, and the plan's interest taken off.
#[derive(Serialize, ToSchema)]
pub(crate) struct BrokenPlanView {
    agreed_on: NaiveDate,
    broken_on: NaiveDate,
    /// The instalments missed in a row that broke it.
    missed: Vec<u32>,
    instalments: usize,
    /// The plan's interest for instalments after the break, taken off the claim.
    unearned_interest: Money,
}

/// An agreed instalment plan and where each of its instalments stands.
#[derive(Serialize, ToSchema)]
pub(crate) struct PlanView<'a> {
    agreed_on: NaiveDate,
    /// What the plan was made for: the balance the day it was agreed.
    principal: Money,
    fee: Money,
    interest: Money,
    /// Everything the debtor pays over the plan.
    total: Money,
    /// What payments since the plan have covered of `total`.
    paid: Money,
    instalments: Vec<InstalmentView<'a>>,
}

/// One instalment: what is due when, what has been paid of it, and its state today.
#[derive(Serialize, ToSchema)]
pub(crate) struct InstalmentView<'a> {
    number: u32,
    due_date: NaiveDate,
    amount: Money,
    paid: Money,
    /// `paid`, `upcoming` (due today or later), `late` (inside the grace period), `missed`.
    state: InstalmentState,
    /// The instalment's own KID, when it has one.
    kid: Option<&'a Kid>,
}

/// A debtor's SMS reply, from the case's audit trail.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReplyView<'a> {
    at: DateTime<Utc>,
    /// `sms.reply`, `sms.opt_out` (STOP) or `sms.opt_in` (START).
    action: &'a str,
    text: &'a str,
}

/// Audit actions that record a debtor's SMS reply (`crate::service::replies`).
const REPLY_ACTIONS: [&str; 3] = ["sms.reply", "sms.opt_out", "sms.opt_in"];

/// What `GET /api/v1/cases/{id}?include=…` adds to the case.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Include {
    pub(crate) audit: bool,
    pub(crate) replies: bool,
    pub(crate) messages: bool,
}

impl Include {
    /// Parses a comma-separated list of `audit`, `replies`, `messages`.
    pub(crate) fn parse(raw: &str) -> Result<Include, String> {
        let mut include = Include::default();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "audit" => include.audit = true,
                "replies" => include.replies = true,
                "messages" => include.messages = true,
                other => {
                    return Err(format!(
                        "'{other}' is not one of audit, replies, messages (comma-separated)"
                    ));
                }
            }
        }
        Ok(include)
    }
}

impl<'a> CaseView<'a> {
    /// The case as it stands on `today` (the creditor's calendar day: instalment states
    /// depend on it).
    pub(crate) fn new(c: &'a Case, day: CaseDay) -> CaseView<'a> {
        let today = day.today;
        let accrued = c.interest_owed(&day.owed);
        let balance = c.balance(&day.owed);
        let plan = c.plan.as_ref().map(|plan| {
            let paid = paid_toward_plan(plan, balance);
            let states = instalment_states(plan, paid, today, FollowUpRules::default().grace_days);
            PlanView {
                agreed_on: plan.agreed_on,
                principal: plan.principal,
                fee: plan.fee,
                interest: plan.interest,
                total: plan.total,
                paid,
                instalments: plan
                    .instalments
                    .iter()
                    .zip(states)
                    .map(|(instalment, status)| InstalmentView {
                        number: status.number,
                        due_date: status.due_date,
                        amount: status.amount,
                        paid: status.paid,
                        state: status.state,
                        kid: instalment.kid.as_ref(),
                    })
                    .collect(),
            }
        });
        CaseView {
            id: &c.id,
            external_ref: &c.external_ref,
            creditor_id: &c.creditor_id,
            status: c.status,
            debtor: &c.debtor,
            claim: &c.claim,
            amount_due: c.amount_due(),
            balance,
            due_date: c.due_date,
            original_due_date: c.due_date_before_changes,
            kid: &c.kid,
            payments: &c.payments,
            plan,
            requests: &c.pending,
            created_at: c.created_at,
            updated_at: c.updated_at,
            postal_address: c.contact_changes.postal_address.as_ref(),
            broken_plans: c
                .broken_plans
                .iter()
                .map(|b| BrokenPlanView {
                    agreed_on: b.plan.agreed_on,
                    broken_on: b.broken_on,
                    missed: b.missed.clone(),
                    instalments: b.plan.instalments.len(),
                    unearned_interest: b.unearned_interest,
                })
                .collect(),
            interest_accrued: accrued.map(|b| b.accrued_interest),
            interest_per_day: accrued.map(|b| b.per_day),
            audit: None,
            replies: None,
            messages: None,
            journey: JourneyView {
                sent: &c.journey.sent,
                next: c.journey.queued.as_ref(),
                paused: c.journey.paused,
            },
        }
    }

    /// Adds what `include` asks for; `messages` are the case's, read by the caller.
    pub(crate) fn including(
        mut self,
        c: &'a Case,
        include: Include,
        messages: Option<&'a [Message]>,
    ) -> CaseView<'a> {
        if include.audit {
            self.audit = Some(&c.audit);
        }
        if include.replies {
            self.replies = Some(
                c.audit
                    .iter()
                    .filter(|a| REPLY_ACTIONS.contains(&a.action.as_str()))
                    .map(|a| ReplyView {
                        at: a.at,
                        action: &a.action,
                        text: &a.detail,
                    })
                    .collect(),
            );
        }
        if include.messages {
            self.messages = Some(
                messages
                    .unwrap_or_default()
                    .iter()
                    .map(MessageView::from)
                    .collect(),
            );
        }
        self
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
    /// A language tag whose language is `nb` (or `no`), `nn`, `en`, `pl` or `uk` (e.g. `nb-NO`,
    /// `uk-UA`); the debtor's pages and messages are in it. `nb` if left out.
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
