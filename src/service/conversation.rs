//! A case's conversation as use cases: the debtor writes (the case page, or an SMS reply that is
//! not an opt-out word), the agency answers (API or console) and the debtor is told by SMS or
//! e-mail through the message queue, staff assign it or mark it done, and the inbox gathers
//! what waits across an agency's cases.

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::{Case, CaseStatus};
use crate::domain::contact::EmailAddress;
use crate::domain::conversation::{
    ConversationChannel, ConversationError, ConversationMessage, message_text, reply_text,
};
use crate::domain::event::{Actor, Event, EventKind};
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::message::{Channel, Message, Recipient, Template};
use crate::domain::staff::{Role, StaffScope, StaffUser, StaffUserId};
use crate::store::StoreError;

/// Why a message or a change to a conversation was refused.
#[derive(Debug, thiserror::Error)]
pub enum TalkError {
    /// Not the caller's case (another agency's, or out of a staff user's scope): as if there
    /// were none.
    #[error("no case with this id")]
    NotFound,
    /// A viewer or a creditor user.
    #[error("your role may not answer or assign")]
    Forbidden,
    #[error("text: {0}")]
    Text(ConversationError),
    /// The case is closed or erased: the debtor's pages no longer open, so nobody would read it.
    #[error("case: is closed; the debtor can no longer read the case page")]
    CaseClosed,
    /// The debtor has no number or address for the chosen channel.
    #[error("notify: the debtor has no {0} to tell")]
    NoRecipient(&'static str),
    /// The assignee is not an enabled handler or admin of the case's agency.
    #[error("assignee: is not a handler or admin of this agency")]
    NotAHandler,
    #[error("the case changed while this ran; try again")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ConversationError> for TalkError {
    fn from(e: ConversationError) -> TalkError {
        TalkError::Text(e)
    }
}

/// The case `id` if `agency` holds it and the debtor can still read its pages.
fn open_for_talk(case: Option<Case>, agency: Option<&AgencyId>) -> Result<Case, TalkError> {
    let case = case
        .filter(|c| agency.is_none_or(|a| *a == c.agency_id))
        .ok_or(TalkError::NotFound)?;
    if !case.debtor_pages_open() {
        return Err(TalkError::CaseClosed);
    }
    Ok(case)
}

fn debtor_event(case: &Case, message: &ConversationMessage, now: DateTime<Utc>) -> Event {
    Event::new(
        case.agency_id.clone(),
        Some(case.id.clone()),
        EventKind::DebtorMessage,
        serde_json::json!({
            "case_id": case.id,
            "external_ref": case.external_ref,
            "conversation_message_id": message.id,
            "channel": message.channel,
            "text": message.text,
        }),
        now,
    )
}

/// The debtor writes `raw` on the case page: checked, kept in the conversation (waiting for an
/// answer) with `debtor.message` for the agency in the same step.
pub async fn debtor_writes(
    ctx: &AppContext,
    case_id: &CaseId,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<Case, TalkError> {
    let text = message_text(raw)?;
    let text = &text;
    let written_case = retry::on_conflict::<Case, TalkError, _, _>(|| async move {
        let mut case = open_for_talk(ctx.store.case(case_id).await?, None)?;
        let message = case
            .conversation
            .from_debtor(ConversationChannel::Page, text.clone(), now)?
            .clone();
        case.updated_at = now;
        let event = debtor_event(&case, &message, now);
        Ok(written(
            ctx.store.update_case_with_events(&case, &[event]).await,
        )?)
    })
    .await?;
    let case = written_case.ok_or(TalkError::Conflict)?;
    tracing::info!(case = %case.id, "the debtor wrote to the agency");
    Ok(case)
}

/// An SMS reply that is neither an opt-out nor an opt-in word: kept in the audit trail (as
/// every reply is) and in the conversation, waiting for an answer, with `debtor.message`, in
/// one step. `None` when the case is gone or erased; a closed case keeps the audit line only.
pub async fn reply_lands(
    ctx: &AppContext,
    case_id: &CaseId,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    let recorded = retry::on_conflict::<Option<Case>, StoreError, _, _>(|| async move {
        // An erased case takes no more of the debtor's words.
        let Some(mut case) = ctx.store.case(case_id).await?.filter(|c| !c.is_erased()) else {
            return Ok(Attempt::Done(None));
        };
        case.record(Actor::Debtor, "sms.reply", raw.to_owned(), now);
        let mut events = Vec::new();
        if case.debtor_pages_open()
            && let Some(text) = reply_text(raw)
            // A full conversation keeps the reply in the audit trail only.
            && let Ok(message) = case
                .conversation
                .from_debtor(ConversationChannel::Sms, text, now)
        {
            let message = message.clone();
            events.push(debtor_event(&case, &message, now));
        }
        Ok(
            match written(ctx.store.update_case_with_events(&case, &events).await)? {
                Attempt::Done(updated) => Attempt::Done(Some(updated)),
                Attempt::Conflicted => Attempt::Conflicted,
            },
        )
    })
    .await?;
    recorded.ok_or(StoreError::Conflict)
}

/// How the debtor is to hear that an answer waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notify {
    /// SMS when the debtor has a number, else e-mail, else only the page.
    Best,
    By(Channel),
    /// Only the page: no SMS or e-mail.
    PageOnly,
}

/// The recipient `notify` picks on `case`.
fn recipient(case: &Case, notify: Notify) -> Result<Option<Recipient>, TalkError> {
    let sms = case.debtor.phone.clone().map(Recipient::Sms);
    let email = case.debtor.email.clone().map(Recipient::Email);
    match notify {
        Notify::Best => Ok(sms.or(email)),
        Notify::By(Channel::Sms) => sms.map(Some).ok_or(TalkError::NoRecipient("phone number")),
        Notify::By(Channel::Email) => email
            .map(Some)
            .ok_or(TalkError::NoRecipient("e-mail address")),
        Notify::PageOnly => Ok(None),
    }
}

/// What an answer did: the case as written, the answer, and the notice queued to the debtor.
#[derive(Debug, Clone)]
pub struct Answered {
    pub case: Case,
    pub answer: ConversationMessage,
    pub notice: Option<Message>,
}

/// The agency (`by`: its API key or a staff user) answers with `raw` on a case of `agency`: the
/// answer is on the debtor's page, every waiting message of the debtor counts as answered,
/// `agency.message` goes out in the same step, and the debtor is told by `notify` through the
/// message queue (so quiet hours, holidays and opt-outs hold as for every message).
pub async fn answer(
    ctx: &AppContext,
    agency: &AgencyId,
    case_id: &CaseId,
    by: &Actor,
    raw: &str,
    notify: Notify,
    now: DateTime<Utc>,
) -> Result<Answered, TalkError> {
    let text = message_text(raw)?;
    let text = &text;
    let done = retry::on_conflict::<(Case, ConversationMessage, Option<Message>), TalkError, _, _>(
        || async move {
            let mut case = open_for_talk(ctx.store.case(case_id).await?, Some(agency))?;
            let notice = recipient(&case, notify)?.map(|to| {
                Message::schedule(
                    case.id.clone(),
                    case.agency_id.clone(),
                    to,
                    Template::ConversationAnswer,
                    now,
                    now,
                )
            });
            let channel = match notice.as_ref().map(|m| m.recipient.channel()) {
                Some(Channel::Sms) => ConversationChannel::Sms,
                Some(Channel::Email) => ConversationChannel::Email,
                None => ConversationChannel::Page,
            };
            let answer = case
                .conversation
                .answer(
                    by.clone(),
                    channel,
                    text.clone(),
                    notice.as_ref().map(|m| m.id.clone()),
                    now,
                )?
                .clone();
            case.record(by.clone(), "conversation.answered", "", now);
            case.updated_at = now;
            let event = Event::new(
                case.agency_id.clone(),
                Some(case.id.clone()),
                EventKind::AgencyMessage,
                serde_json::json!({
                    "case_id": case.id,
                    "external_ref": case.external_ref,
                    "conversation_message_id": answer.id,
                    "channel": answer.channel,
                    "message_id": notice.as_ref().map(|m| m.id.clone()),
                    "by": by,
                    "text": answer.text,
                }),
                now,
            );
            Ok(
                match written(ctx.store.update_case_with_events(&case, &[event]).await)? {
                    Attempt::Done(case) => Attempt::Done((case, answer, notice)),
                    Attempt::Conflicted => Attempt::Conflicted,
                },
            )
        },
    )
    .await?;
    let (case, answer, notice) = done.ok_or(TalkError::Conflict)?;
    // After the answer is on the case, so the text the notice points to is there when it goes.
    if let Some(notice) = &notice {
        ctx.store.schedule_message(notice).await?;
        tracing::info!(case = %case.id, message_id = %notice.id, to = %notice.recipient.masked(), "answer notice queued");
    }
    Ok(Answered {
        case,
        answer,
        notice,
    })
}

/// The case `id` if `user` may see it.
async fn seen_by(ctx: &AppContext, user: &StaffUser, id: &CaseId) -> Result<Case, TalkError> {
    ctx.store
        .case(id)
        .await?
        .filter(|c| user.scope.sees_case(&c.agency_id, &c.creditor_id))
        .ok_or(TalkError::NotFound)
}

/// The agency of a user who may answer and assign (agency handlers and admins).
fn answering_agency(user: &StaffUser) -> Result<&AgencyId, TalkError> {
    match &user.scope {
        StaffScope::Agency {
            agency,
            role: Role::Admin | Role::Handler,
        } => Ok(agency),
        _ => Err(TalkError::Forbidden),
    }
}

/// A staff user answers from the console (see [`answer`]), attributed to them.
pub async fn staff_answers(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    raw: &str,
    notify: Notify,
    now: DateTime<Utc>,
) -> Result<Answered, TalkError> {
    seen_by(ctx, user, id).await?;
    let agency = answering_agency(user)?;
    answer(
        ctx,
        agency,
        id,
        &Actor::Staff(user.id.clone()),
        raw,
        notify,
        now,
    )
    .await
}

/// Reads, changes and writes the case's conversation for a staff user who may change it,
/// with a line in the audit trail; `change` returns whether anything changed.
async fn staff_change<F>(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    action: &str,
    detail: &str,
    now: DateTime<Utc>,
    change: F,
) -> Result<Case, TalkError>
where
    F: Fn(&mut Case) -> bool,
{
    seen_by(ctx, user, id).await?;
    let agency = answering_agency(user)?;
    let change = &change;
    let done = retry::on_conflict::<Case, TalkError, _, _>(|| async move {
        let mut case = ctx
            .store
            .case(id)
            .await?
            .filter(|c| c.agency_id == *agency && !c.is_erased())
            .ok_or(TalkError::NotFound)?;
        if !change(&mut case) {
            return Ok(Attempt::Done(case));
        }
        case.record(Actor::Staff(user.id.clone()), action, detail, now);
        case.updated_at = now;
        Ok(written(ctx.store.update_case(&case).await)?)
    })
    .await?;
    done.ok_or(TalkError::Conflict)
}

/// A handler marks the debtor's waiting messages done without an answer.
pub async fn mark_done(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    now: DateTime<Utc>,
) -> Result<Case, TalkError> {
    let by = Actor::Staff(user.id.clone());
    staff_change(ctx, user, id, "conversation.done", "", now, |case| {
        case.conversation.mark_done(&by, now) > 0
    })
    .await
}

/// Who a conversation is to be assigned to, as the console's form says it.
#[derive(Debug, Clone)]
pub enum Assignee {
    Me,
    /// Another user of the agency, by their login address.
    Email(String),
    Nobody,
}

/// Assigns the case's conversation to a handler or admin of its agency (or to nobody).
pub async fn assign(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    to: Assignee,
    now: DateTime<Utc>,
) -> Result<Case, TalkError> {
    seen_by(ctx, user, id).await?;
    let agency = answering_agency(user)?.clone();
    let assignee: Option<StaffUserId> = match to {
        Assignee::Me => Some(user.id.clone()),
        Assignee::Nobody => None,
        Assignee::Email(raw) => {
            let email = EmailAddress::parse(raw.trim()).map_err(|_| TalkError::NotAHandler)?;
            let other = ctx
                .store
                .staff_user_by_email(&email)
                .await?
                .filter(|u| u.enrolled && !u.disabled)
                .ok_or(TalkError::NotAHandler)?;
            answering_agency(&other)
                .ok()
                .filter(|a| **a == agency)
                .ok_or(TalkError::NotAHandler)?;
            Some(other.id)
        }
    };
    let detail = assignee.as_ref().map_or("nobody", StaffUserId::as_str);
    staff_change(
        ctx,
        user,
        id,
        "conversation.assigned",
        detail,
        now,
        |case| {
            let changed = case.conversation.assignee != assignee;
            case.conversation.assignee = assignee.clone();
            changed
        },
    )
    .await
}

/// One line of the inbox: a case whose debtor waits for an answer, since when, and how many
/// of their messages wait.
#[derive(Debug, Clone)]
pub struct InboxEntry {
    pub case: Case,
    pub since: DateTime<Utc>,
    pub waiting: usize,
}

/// Cases read from the store per batch while gathering the inbox.
const BATCH: usize = 200;

/// Every case of `user`'s scope whose debtor waits for an answer, the longest waiting first.
/// Creditor users see their creditor's (read only), as they see those cases' screens.
pub async fn inbox(ctx: &AppContext, user: &StaffUser) -> Result<Vec<InboxEntry>, StoreError> {
    let agencies: Vec<AgencyId> = match &user.scope {
        StaffScope::Agency { agency, .. } => vec![agency.clone()],
        StaffScope::Creditor { creditor } => ctx
            .store
            .agencies()
            .await?
            .into_iter()
            .filter(|a| a.creditors.contains(creditor))
            .map(|a| a.id)
            .collect(),
    };
    let mut entries = Vec::new();
    for agency in agencies {
        let mut position = 0;
        loop {
            let batch = ctx.store.agency_cases(&agency, position, BATCH).await?;
            let count = batch.len();
            position += count;
            for case in batch {
                if !user.scope.sees_case(&case.agency_id, &case.creditor_id)
                    || case.status == CaseStatus::Closed
                {
                    continue;
                }
                if let Some(since) = case.conversation.waiting_since() {
                    let waiting = case.conversation.waiting().count();
                    entries.push(InboxEntry {
                        case,
                        since,
                        waiting,
                    });
                }
            }
            if count < BATCH {
                break;
            }
        }
    }
    entries.sort_by_key(|e| e.since);
    Ok(entries)
}

/// The conversation of a case of `agency` (the API's read).
pub async fn of_case(ctx: &AppContext, agency: &AgencyId, id: &CaseId) -> Result<Case, TalkError> {
    ctx.store
        .case(id)
        .await?
        .filter(|c| c.agency_id == *agency)
        .ok_or(TalkError::NotFound)
}
