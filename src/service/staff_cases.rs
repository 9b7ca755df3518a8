//! What staff users do with cases in the console, within their scope: search them, open one
//! (every opening is in the access log), and, for agency handlers and admins, change them
//! through the same use cases the API calls, with the user in the audit trail.

use chrono::{DateTime, NaiveDate, Utc};

use super::closing::{self, CloseError};
use super::erasure::ErasureError;
use super::messages::{self, MessageError};
use super::payments::{self, Direct};
use super::reconcile::Outcome;
use super::reviews::{self, Approval, ReviewError, ReviewField};
use crate::context::AppContext;
use crate::domain::case::{Case, CaseStatus};
use crate::domain::event::Actor;
use crate::domain::ids::{AgencyId, CaseId, CreditorId};
use crate::domain::journey::PauseReason;
use crate::domain::message::{Channel, Message, Template};
use crate::domain::money::Money;
use crate::domain::plan::{InstalmentPlan, PlanShape, schedule};
use crate::domain::self_service::PendingRequest;
use crate::domain::staff::{AccessEntry, AccessKind, StaffScope, StaffUser};
use crate::store::StoreError;

/// Cases on one page of the list.
pub const PAGE: usize = 25;
/// Cases read from the store per batch while searching.
const BATCH: usize = 200;
/// Cases looked at per request at most: a search over a large agency continues by cursor.
const SCAN_LIMIT: usize = 5000;

/// What the list is filtered by; all optional.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Part of the external reference or the debtor's name (any case).
    pub text: Option<String>,
    /// The last digits of the debtor's phone number.
    pub phone_digits: Option<String>,
    pub status: Option<CaseStatus>,
    pub creditor: Option<CreditorId>,
}

impl CaseQuery {
    fn matches(&self, case: &Case) -> bool {
        let text_ok = self.text.as_deref().is_none_or(|t| {
            let t = t.to_lowercase();
            case.external_ref.as_str().to_lowercase().contains(&t)
                || case.debtor.name.to_lowercase().contains(&t)
        });
        let phone_ok = self.phone_digits.as_deref().is_none_or(|digits| {
            case.debtor
                .phone
                .as_ref()
                .is_some_and(|p| p.e164().ends_with(digits))
        });
        text_ok
            && phone_ok
            && self.status.is_none_or(|s| s == case.status)
            && self
                .creditor
                .as_ref()
                .is_none_or(|c| *c == case.creditor_id)
    }
}

/// One page of the list and where the next starts.
#[derive(Debug, Clone)]
pub struct CasePage {
    pub cases: Vec<Case>,
    /// What each of `cases` owes today (`service::owed`), in the same order.
    pub balances: Vec<Money>,
    /// The cursor of the next page (`None`: this was the last).
    pub next: Option<String>,
}

/// Where a search goes on: the agency (by its place in the scope's list) and the position.
fn cursor(agency: usize, position: usize) -> String {
    format!("{agency}.{position}")
}

fn parse_cursor(text: &str) -> Option<(usize, usize)> {
    let (a, p) = text.split_once('.')?;
    Some((a.parse().ok()?, p.parse().ok()?))
}

/// The agencies whose cases the scope may see.
pub(crate) async fn agencies_in_scope(
    ctx: &AppContext,
    scope: &StaffScope,
) -> Result<Vec<AgencyId>, StoreError> {
    Ok(match scope {
        StaffScope::Agency { agency, .. } => vec![agency.clone()],
        StaffScope::Creditor { creditor } => ctx
            .store
            .agencies()
            .await?
            .into_iter()
            .filter(|a| a.creditors.contains(creditor))
            .map(|a| a.id)
            .collect(),
    })
}

/// The cases of `user`'s scope that match `query`, a page from `after` (a cursor from the
/// previous page; a malformed one starts over).
pub async fn search(
    ctx: &AppContext,
    user: &StaffUser,
    query: &CaseQuery,
    after: Option<&str>,
    now: DateTime<Utc>,
) -> Result<CasePage, StoreError> {
    let agencies = agencies_in_scope(ctx, &user.scope).await?;
    let (mut agency_at, mut position) = after.and_then(parse_cursor).unwrap_or((0, 0));
    let mut cases = Vec::new();
    let mut scanned = 0;
    while let Some(agency) = agencies.get(agency_at) {
        let batch = ctx.store.agency_cases(agency, position, BATCH).await?;
        let exhausted = batch.len() < BATCH;
        for case in batch {
            position += 1;
            scanned += 1;
            if user.scope.sees_case(&case.agency_id, &case.creditor_id) && query.matches(&case) {
                cases.push(case);
            }
            if cases.len() == PAGE || scanned >= SCAN_LIMIT {
                let balances = balances(ctx, &cases, now).await?;
                return Ok(CasePage {
                    cases,
                    balances,
                    next: Some(cursor(agency_at, position)),
                });
            }
        }
        if exhausted {
            agency_at += 1;
            position = 0;
        }
    }
    let balances = balances(ctx, &cases, now).await?;
    Ok(CasePage {
        cases,
        balances,
        next: None,
    })
}

/// What each case owes at `now`, on its creditor's day.
async fn balances(
    ctx: &AppContext,
    cases: &[Case],
    now: DateTime<Utc>,
) -> Result<Vec<Money>, StoreError> {
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        out.push(case.balance(&super::owed::owed_on_for(ctx, case, now).await?));
    }
    Ok(out)
}

/// A case as the case screen shows it: the case and its messages.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub messages: Vec<Message>,
    /// The journey: notices sent, then the steps to come if the debtor does not pay.
    pub timeline: Vec<super::journey::PlannedStep>,
    /// What the case owes today (`service::owed`).
    pub balance: Money,
}

/// A case as `user` may see it, with its messages; the opening is written to the access log
/// first (a case is not shown whose viewing could not be recorded).
pub async fn open(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    now: DateTime<Utc>,
) -> Result<Option<CaseView>, StoreError> {
    let Some(case) = ctx
        .store
        .case(id)
        .await?
        .filter(|c| user.scope.sees_case(&c.agency_id, &c.creditor_id))
    else {
        return Ok(None);
    };
    ctx.store
        .append_access(&AccessEntry {
            at: now,
            user: Some(user.id.clone()),
            kind: AccessKind::CaseViewed {
                case_id: case.id.to_string(),
            },
        })
        .await?;
    let mut messages = ctx.store.case_messages(&case.id).await?;
    messages.sort_by_key(|m| m.created_at);
    let timeline = match ctx.creditor(&case.creditor_id).await? {
        Some(creditor) => super::journey::timeline(&creditor, &case, now),
        None => Vec::new(),
    };
    let owed = super::owed::owed_on_for(ctx, &case, now).await?;
    Ok(Some(CaseView {
        balance: case.balance(&owed),
        case,
        messages,
        timeline,
    }))
}

/// Every request and dispute waiting for a person on the cases of `user`'s scope, oldest
/// first, with its case.
pub async fn review_queue(
    ctx: &AppContext,
    user: &StaffUser,
) -> Result<Vec<(Case, String)>, StoreError> {
    let mut waiting = Vec::new();
    for agency in agencies_in_scope(ctx, &user.scope).await? {
        let mut position = 0;
        loop {
            let batch = ctx.store.agency_cases(&agency, position, BATCH).await?;
            let count = batch.len();
            position += count;
            for case in batch {
                if !user.scope.sees_case(&case.agency_id, &case.creditor_id) {
                    continue;
                }
                for review in &case.pending {
                    waiting.push((case.clone(), review.id.clone()));
                }
            }
            if count < BATCH {
                break;
            }
        }
    }
    waiting.sort_by_key(|(case, id)| requested_at(case, id));
    Ok(waiting)
}

/// When the request `id` on `case` was made (the case's last change if it is not there).
pub fn requested_at(case: &Case, id: &str) -> DateTime<Utc> {
    case.pending
        .iter()
        .find(|r| r.id == id)
        .map_or(case.updated_at, |r| match &r.request {
            PendingRequest::Deferral { at, .. }
            | PendingRequest::Plan { at, .. }
            | PendingRequest::Dispute { at, .. } => *at,
        })
}

/// Why a change by a staff user was refused.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// Not in the user's scope: as if there were no such case.
    #[error("no case with this id")]
    NotFound,
    /// A viewer or a creditor user.
    #[error("your role may not change cases")]
    Forbidden,
    #[error(transparent)]
    Close(#[from] CloseError),
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error("amount: {0}")]
    Amount(String),
    #[error("reference: must be 1 to 100 letters, digits, '-', '_' or '.'")]
    Reference,
    #[error("message: {0}")]
    Message(#[from] MessageError),
    /// A channel or template the form does not offer.
    #[error("message: no such channel or template")]
    MessageKind,
    /// The erase form's reference is not the case's.
    #[error("confirm: type the case's reference exactly to erase it")]
    EraseConfirm,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The case `id` if `user` may change it.
async fn changeable(ctx: &AppContext, user: &StaffUser, id: &CaseId) -> Result<Case, ActionError> {
    let case = ctx
        .store
        .case(id)
        .await?
        .filter(|c| user.scope.sees_case(&c.agency_id, &c.creditor_id))
        .ok_or(ActionError::NotFound)?;
    if !user.scope.changes_cases() {
        return Err(ActionError::Forbidden);
    }
    Ok(case)
}

fn actor(user: &StaffUser) -> Actor {
    Actor::Staff(user.id.clone())
}

/// Closes the case (`closing::close`), attributed to the user.
pub async fn close(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Case, ActionError> {
    let case = changeable(ctx, user, id).await?;
    let reason = closing::reason(reason)?;
    Ok(closing::close_by(ctx, &case.agency_id, id, &reason, &actor(user), now).await?)
}

/// Holds the case's journey where it stands (`journey::pause_by`), attributed to the user.
pub async fn pause_journey(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    now: DateTime<Utc>,
) -> Result<Case, ActionError> {
    changeable(ctx, user, id).await?;
    super::journey::pause_by(ctx, id, PauseReason::Manual, &actor(user), now)
        .await?
        .ok_or(ActionError::NotFound)
}

/// Lets the case's journey go on (`journey::resume_by`), attributed to the user.
pub async fn resume_journey(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    now: DateTime<Utc>,
) -> Result<Case, ActionError> {
    changeable(ctx, user, id).await?;
    super::journey::resume_by(ctx, id, &actor(user), now)
        .await?
        .ok_or(ActionError::NotFound)
}

/// Erases the debtor's personal data (`erasure::erase_by`), attributed to the user. It cannot
/// be undone, so the form must repeat the case's reference: a slip of the hand on the wrong
/// case's page erases nothing.
pub async fn erase(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    confirm_ref: &str,
    now: DateTime<Utc>,
) -> Result<Case, ActionError> {
    let case = changeable(ctx, user, id).await?;
    if confirm_ref.trim() != case.external_ref.as_str() {
        return Err(ActionError::EraseConfirm);
    }
    match super::erasure::erase_by(ctx, id, &actor(user), now).await {
        Ok((case, _)) => Ok(case),
        Err(ErasureError::NotFound) => Err(ActionError::NotFound),
        Err(ErasureError::Conflict) => Err(ActionError::Store(StoreError::Conflict)),
        Err(ErasureError::Store(e)) => Err(ActionError::Store(e)),
    }
}

/// Registers a payment made straight to the creditor (`payments::register_direct`).
pub async fn register_payment(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    amount: &str,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, ActionError> {
    let case = changeable(ctx, user, id).await?;
    let amount = Money::parse(amount.trim(), case.currency())
        .map_err(|e| ActionError::Amount(e.to_string()))?;
    if !amount.is_positive() {
        return Err(ActionError::Amount("must be above zero".into()));
    }
    let reference = reference.trim();
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if reference.is_empty() || reference.len() > 100 || !reference.chars().all(fine) {
        return Err(ActionError::Reference);
    }
    let direct = Direct {
        reference,
        amount,
        received_on: None,
    };
    Ok(payments::register_direct_by(ctx, &case.agency_id, id, direct, &actor(user), now).await?)
}

/// Other terms for an approval as the form gives them; empty fields mean "as asked".
#[derive(Debug, Clone, Copy, Default)]
pub struct Terms<'a> {
    pub new_due_date: Option<&'a str>,
    pub months: Option<&'a str>,
    pub note: Option<&'a str>,
}

fn invalid(field: ReviewField, message: &str) -> ActionError {
    ActionError::Review(ReviewError::Invalid {
        field,
        message: message.to_owned(),
    })
}

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn parse_months(raw: Option<&str>) -> Result<Option<u32>, ActionError> {
    given(raw)
        .map(|m| {
            m.parse::<u32>()
                .ok()
                .filter(|m| (1..=120).contains(m))
                .ok_or_else(|| invalid(ReviewField::Months, "must be a whole number of months"))
        })
        .transpose()
}

impl Terms<'_> {
    fn approval(&self) -> Result<Approval, ActionError> {
        let date = given(self.new_due_date)
            .map(|d| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| invalid(ReviewField::NewDueDate, "must be a date (YYYY-MM-DD)"))
            })
            .transpose()?;
        Ok(Approval::new(date, parse_months(self.months)?, self.note)?)
    }
}

/// The plan approving the plan request `request_id` with `months` would give, checked against
/// the mandate and the law as the approval will be: shown before the handler confirms.
pub async fn preview_plan(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    request_id: &str,
    months: &str,
    now: DateTime<Utc>,
) -> Result<(Case, InstalmentPlan), ActionError> {
    let case = changeable(ctx, user, id).await?;
    if !case
        .pending
        .iter()
        .any(|r| r.id == request_id && matches!(r.request, PendingRequest::Plan { .. }))
    {
        return Err(ReviewError::RequestNotFound.into());
    }
    let months =
        parse_months(Some(months))?.ok_or_else(|| invalid(ReviewField::Months, "is required"))?;
    let creditor = ctx
        .creditor(&case.creditor_id)
        .await?
        .ok_or(ActionError::NotFound)?;
    // From what is owed today, as `reviews::approve` schedules it.
    let owed = super::owed::owed_on(&creditor, now);
    let plan = schedule(
        case.balance(&owed),
        PlanShape::Months(months),
        &creditor.mandate.plan,
        owed.day,
    )
    .map_err(|e| invalid(ReviewField::Months, &e.to_string()))?;
    Ok((case, plan))
}

/// Approves a waiting request, as asked or on other `terms` (`reviews::approve`).
pub async fn approve(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    request_id: &str,
    terms: Terms<'_>,
    now: DateTime<Utc>,
) -> Result<Case, ActionError> {
    let case = changeable(ctx, user, id).await?;
    let approval = terms.approval()?;
    Ok(reviews::approve_by(ctx, case, request_id, approval, &actor(user), now).await?)
}

/// Declines a waiting request with a reason the debtor reads (`reviews::decline`).
pub async fn decline(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    request_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Case, ActionError> {
    let case = changeable(ctx, user, id).await?;
    let reason = reviews::decline_reason(reason)?;
    Ok(reviews::decline_by(ctx, case, request_id, &reason, &actor(user), now).await?)
}

/// Sends a message to the debtor (`messages::schedule`, as the API does); the case's audit
/// trail records who asked for it.
pub async fn send_message(
    ctx: &AppContext,
    user: &StaffUser,
    id: &CaseId,
    channel: &str,
    template: &str,
    now: DateTime<Utc>,
) -> Result<Message, ActionError> {
    let case = changeable(ctx, user, id).await?;
    let as_value = |text: &str| serde_json::Value::String(text.trim().to_owned());
    let channel: Channel =
        serde_json::from_value(as_value(channel)).map_err(|_| ActionError::MessageKind)?;
    let template: Template =
        serde_json::from_value(as_value(template)).map_err(|_| ActionError::MessageKind)?;
    let message = messages::schedule(ctx, &case, channel, template, None, now).await?;
    let detail = format!("{channel:?} {template:?} {}", message.id);
    // The message is queued whatever becomes of this line; a concurrent change is retried.
    for _ in 0..3 {
        let Some(mut current) = ctx.store.case(id).await? else {
            break;
        };
        current.record(actor(user), "message.scheduled", detail.clone(), now);
        match ctx.store.update_case(&current).await {
            Ok(_) => break,
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(message)
}

/// How many access-log lines the access screen reads back.
const ACCESS_LINES: usize = 1000;

/// The access log as an agency admin may read it: the latest lines of the agency's own users
/// (logins, failures, logouts, which case each opened when), newest first, with each user.
/// `None` for anyone else: viewers, handlers and creditor users do not read it.
pub async fn access_log(
    ctx: &AppContext,
    admin: &StaffUser,
) -> Result<Option<Vec<(AccessEntry, StaffUser)>>, StoreError> {
    let StaffScope::Agency {
        agency,
        role: crate::domain::staff::Role::Admin,
    } = &admin.scope
    else {
        return Ok(None);
    };
    let mut users: std::collections::HashMap<String, Option<StaffUser>> = Default::default();
    let mut lines = Vec::new();
    for entry in ctx.store.access_log(ACCESS_LINES).await?.into_iter().rev() {
        let Some(id) = entry.user.clone() else {
            continue;
        };
        if !users.contains_key(id.as_str()) {
            let user = ctx.store.staff_user(&id).await?;
            users.insert(id.as_str().to_owned(), user);
        }
        let Some(Some(user)) = users.get(id.as_str()) else {
            continue;
        };
        if matches!(&user.scope, StaffScope::Agency { agency: own, .. } if own == agency) {
            lines.push((entry, user.clone()));
        }
    }
    Ok(Some(lines))
}
