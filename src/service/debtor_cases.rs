//! A debtor's cases at one agency together (`domain::debtor_cases`): kept findable by the
//! debtor's addresses as cases arrive and their contact changes, looked up once when a link is
//! opened, listed beside the link's case, moved between, and one plan proposed for all of
//! them, each decided by its own creditor's mandate.
//!
//! The address index (`store::debtor_cases`) is only a hint. What is shown is decided on the
//! cases as stored, on every page: a hint left behind by a crash or a change shows nothing.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::self_service::{self, DecideError, Decided};
use crate::context::AppContext;
use crate::domain::case::{Case, Debtor};
use crate::domain::creditor::Creditor;
use crate::domain::debtor_cases::{may_show, stays_verified};
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::ledger::OwedOn;
use crate::domain::link::DebtorSession;
use crate::domain::message::Recipient;
use crate::domain::money::Money;
use crate::domain::plan::PlanShape;
use crate::domain::self_service::{DebtorRequest, Decision, evaluate};
use crate::links::random_base62;
use crate::store::{SessionRef, StoreError};

/// The most other cases one page lists: an agency with more for one address has a data
/// problem a person should look at, and the page stays small.
pub const MOST_SHOWN: usize = 20;

/// The addresses the agency gave a debtor, as the index knows them.
pub fn addresses(debtor: &Debtor) -> Vec<Recipient> {
    let mut found = Vec::with_capacity(2);
    if let Some(phone) = &debtor.phone {
        found.push(Recipient::Sms(phone.clone()));
    }
    if let Some(email) = &debtor.email {
        found.push(Recipient::Email(email.clone()));
    }
    found
}

/// Keeps the index in step with a case whose debtor was `before` (`None`: a new case) and is
/// now as in `case`: its new addresses noted, the ones it lost forgotten. Called after the
/// write; a failure is logged and costs only the listing (the case itself is written).
pub async fn follow_contact(ctx: &AppContext, before: Option<&Debtor>, case: &Case) {
    let now = addresses(&case.debtor);
    let then = before.map(addresses).unwrap_or_default();
    for address in now.iter().filter(|a| !then.contains(a)) {
        if let Err(e) = ctx
            .store
            .index_debtor_case(&case.agency_id, address, &case.id)
            .await
        {
            tracing::warn!(case = %case.id, error = %e, "could not index the debtor's address");
        }
    }
    for address in then.iter().filter(|a| !now.contains(a)) {
        forget(ctx, &case.agency_id, address, &case.id).await;
    }
}

/// Forgets that `case` had `address` (a change, or erasure).
pub async fn forget(ctx: &AppContext, agency: &AgencyId, address: &Recipient, case: &CaseId) {
    if let Err(e) = ctx.store.unindex_debtor_case(agency, address, case).await {
        tracing::warn!(case = %case, error = %e, "could not unindex the debtor's address");
    }
}

/// The agency's other cases noted under `case`'s addresses, for a session opened on it:
/// candidates, checked again whenever they are shown. A failure lists none.
pub async fn candidates(ctx: &AppContext, case: &Case) -> Vec<CaseId> {
    let addresses = addresses(&case.debtor);
    if addresses.is_empty() {
        return Vec::new();
    }
    match ctx.store.debtor_cases(&case.agency_id, &addresses).await {
        Ok(mut ids) => {
            ids.retain(|id| *id != case.id);
            ids.sort();
            ids.truncate(MOST_SHOWN);
            ids
        }
        Err(e) => {
            tracing::warn!(case = %case.id, error = %e, "could not look up the debtor's other cases");
            Vec::new()
        }
    }
}

/// One of the debtor's other cases as a page shows it.
#[derive(Debug, Clone)]
pub struct OtherCase {
    pub case: Case,
    pub creditor: Creditor,
    pub owed: OwedOn,
    pub balance: Money,
}

/// The session's other cases that may be shown beside `current` now, in the order the
/// session has them; a case that cannot be read is left out (logged), never guessed at.
pub async fn others(
    ctx: &AppContext,
    session: &DebtorSession,
    current: &Case,
    now: DateTime<Utc>,
) -> Vec<OtherCase> {
    if session.others.is_empty() {
        return Vec::new();
    }
    let reads = session.others.iter().map(|id| read_other(ctx, id, now));
    futures::future::join_all(reads)
        .await
        .into_iter()
        .flatten()
        .filter(|other| {
            may_show(
                current,
                session.verified,
                &other.case,
                other.creditor.mandate.identity.check,
            )
        })
        .collect()
}

async fn read_other(ctx: &AppContext, id: &CaseId, now: DateTime<Utc>) -> Option<OtherCase> {
    let case = match ctx.store.case(id).await {
        Ok(found) => found?,
        Err(e) => {
            tracing::warn!(case = %id, error = %e, "could not read the debtor's other case");
            return None;
        }
    };
    let creditor = match ctx.creditor(&case.creditor_id).await {
        Ok(found) => found?,
        Err(e) => {
            tracing::warn!(case = %id, error = %e, "could not read the other case's creditor");
            return None;
        }
    };
    let owed = super::owed::owed_on(&creditor, now);
    let balance = case.balance(&owed);
    Some(OtherCase {
        case,
        creditor,
        owed,
        balance,
    })
}

/// Moves the debtor's session from `current` to the other case `target`, if it may be shown
/// beside it: a new session (new id and anti-forgery token) that ends when the old one would
/// have, knows the same cases, and stays verified only where the step-up facts are the same.
/// The old session ends. `None`: not a case this session may open (nothing changes).
pub async fn switch(
    ctx: &AppContext,
    old: &SessionRef,
    session: &DebtorSession,
    current: &Case,
    target: &CaseId,
    idle: Duration,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    if !session.others.contains(target) {
        return Ok(None);
    }
    let Some(other) = read_other(ctx, target, now).await else {
        return Ok(None);
    };
    if !may_show(
        current,
        session.verified,
        &other.case,
        other.creditor.mandate.identity.check,
    ) {
        return Ok(None);
    }
    let mut known: Vec<CaseId> = session
        .others
        .iter()
        .filter(|id| *id != target)
        .cloned()
        .collect();
    known.push(current.id.clone());
    known.sort();
    let session_id = SessionRef::cookie_value(target, &random_base62(22));
    let moved = DebtorSession {
        case_id: target.clone(),
        csrf_token: random_base62(22),
        created_at: now,
        expires_at: session.expires_at,
        verified: stays_verified(current, session.verified, &other.case),
        others: known,
    };
    ctx.store
        .save_session(&SessionRef::of_cookie(&session_id), &moved, idle)
        .await?;
    super::sessions::end(ctx, old).await;
    Ok(Some(session_id))
}

/// One case's part in a plan proposed for all: the case, and what its creditor's rules say
/// (on a preview), or what became of it (on a confirmation).
#[derive(Debug)]
pub struct PlanPart {
    pub case: Case,
    pub creditor: Creditor,
    pub outcome: PartOutcome,
}

#[derive(Debug)]
pub enum PartOutcome {
    /// What the creditor's mandate says of the plan (nothing written on a preview).
    Decided(Decision),
    /// The case already has an agreed plan: it keeps it.
    HasPlan,
    /// A request on the case waits for the agency: nothing more is asked meanwhile.
    Waiting,
    /// The store failed for this case: nothing was written for it.
    Failed,
}

/// The cases a plan for all covers: `current` and the others that may be shown, each with its
/// creditor.
fn plan_cases(current: (&Case, &Creditor), others: Vec<OtherCase>) -> Vec<(Case, Creditor)> {
    std::iter::once((current.0.clone(), current.1.clone()))
        .chain(others.into_iter().map(|o| (o.case, o.creditor)))
        .collect()
}

/// What each case's creditor would say to a plan of `months` instalments on it, written
/// nowhere (the preview the debtor confirms).
pub fn preview_plan_for_all(
    current: (&Case, &Creditor),
    others: Vec<OtherCase>,
    months: u32,
    now: DateTime<Utc>,
) -> Vec<PlanPart> {
    plan_cases(current, others)
        .into_iter()
        .map(|(case, creditor)| {
            let outcome = if case.plan.is_some() {
                PartOutcome::HasPlan
            } else if crate::domain::open_request::waiting(&case).is_some() {
                PartOutcome::Waiting
            } else {
                let owed = super::owed::owed_on(&creditor, now);
                PartOutcome::Decided(evaluate(
                    &case.facts(&owed),
                    &creditor.mandate,
                    &DebtorRequest::Plan(PlanShape::Months(months)),
                    owed.day,
                ))
            };
            PlanPart {
                case,
                creditor,
                outcome,
            }
        })
        .collect()
}

/// Asks for a plan of `months` instalments on each case (the current one and the others that
/// may be shown), each decided by its own creditor's mandate exactly as a plan asked for on
/// that case alone ([`self_service::decide`]: granted, sent for review, or refused). One
/// case's failure leaves the others' outcomes standing.
pub async fn plan_for_all(
    ctx: &AppContext,
    current: (&Case, &Creditor),
    others: Vec<OtherCase>,
    months: u32,
    now: DateTime<Utc>,
) -> Vec<PlanPart> {
    let mut parts = Vec::new();
    for (case, creditor) in plan_cases(current, others) {
        let outcome = if case.plan.is_some() {
            PartOutcome::HasPlan
        } else {
            let request = DebtorRequest::Plan(PlanShape::Months(months));
            match self_service::decide(ctx, &case, &creditor, request, now).await {
                Ok(Decided { decision, saved }) => {
                    let case = saved.unwrap_or(case);
                    parts.push(PlanPart {
                        case,
                        creditor,
                        outcome: PartOutcome::Decided(decision),
                    });
                    continue;
                }
                Err(DecideError::Waiting(..)) => PartOutcome::Waiting,
                Err(DecideError::Store(e)) => {
                    tracing::warn!(case = %case.id, error = %e, "a plan for all failed on one case");
                    PartOutcome::Failed
                }
            }
        };
        parts.push(PlanPart {
            case,
            creditor,
            outcome,
        });
    }
    parts
}
