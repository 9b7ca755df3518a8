//! The identity step-up: the debtor confirms a fact the agency knows (postcode or birth date)
//! before any case detail is shown. Answers are counted on the case before they are compared,
//! so opening the link again does not reset the count and parallel answers cannot outrun it;
//! too many close the page for a day.

use chrono::{DateTime, Utc};

use super::retry::{self, Attempt, written};
use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::identity::{AnswerTurn, answer_matches};
use crate::domain::ids::CaseId;
use crate::domain::mandate::IdentityRules;
use crate::store::StoreError;

/// Most rounds a change to the case is tried against concurrent writers. Answers over the
/// limit write nothing, so a burst of any size makes only a handful of writes to lose against.
const CHANGE_ROUNDS: usize = 16;

/// What an answer came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepUp {
    /// Right: the debtor may see the case.
    Passed,
    /// Wrong: `left` more tries (none: the page is closed for a day).
    Wrong { attempt: u32, left: u32 },
    /// The page is closed: the answer was not looked at.
    Locked,
    /// The case is gone.
    Gone,
}

/// Applies `change` to the case as stored and saves it compare-and-set, reading it again when
/// another request saved first; nothing is written when `change` leaves the case as it was.
/// `None`: the case is gone.
async fn change_case<T>(
    ctx: &AppContext,
    id: &CaseId,
    change: impl Fn(&mut Case) -> T,
) -> Result<Option<T>, StoreError> {
    let change = &change;
    let changed =
        retry::on_conflict_within::<Option<T>, StoreError, _, _>(CHANGE_ROUNDS, || async move {
            let Some(mut case) = ctx.store.case(id).await? else {
                return Ok(Attempt::Done(None));
            };
            let before = case.clone();
            let outcome = change(&mut case);
            if case == before {
                return Ok(Attempt::Done(Some(outcome)));
            }
            Ok(match written(ctx.store.update_case(&case).await)? {
                Attempt::Done(_) => Attempt::Done(Some(outcome)),
                Attempt::Conflicted => Attempt::Conflicted,
            })
        })
        .await?;
    changed.ok_or(StoreError::Conflict)
}

/// Takes the debtor's `answer` to the step-up of `case` under `rules`: counted first, then
/// compared. A case that keeps changing is `StoreError::Conflict`.
pub async fn answer(
    ctx: &AppContext,
    case: &Case,
    rules: &IdentityRules,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<StepUp, StoreError> {
    // Counted before it is compared: of answers sent in parallel, each takes its own turn.
    let counted = change_case(ctx, &case.id, |case| {
        (
            case.take_identity_turn(rules.max_attempts, now),
            case.identity.clone(),
        )
    })
    .await?;
    let (attempt, facts) = match counted {
        Some((AnswerTurn::Compare { attempt }, facts)) => (attempt, facts),
        Some((AnswerTurn::Locked, _)) => return Ok(StepUp::Locked),
        None => return Ok(StepUp::Gone),
    };
    if answer_matches(rules.check, &facts, answer) {
        if let Err(e) = change_case(ctx, &case.id, Case::identity_answer_right).await {
            // The debtor proved who they are; a count left standing only errs on the safe side.
            tracing::warn!(case = %case.id, error = %e, "could not reset the step-up count");
        }
        return Ok(StepUp::Passed);
    }
    let judged = change_case(ctx, &case.id, |case| {
        case.identity_answer_wrong(attempt, rules.max_attempts, now)
    })
    .await?;
    let Some(left) = judged else {
        return Ok(StepUp::Gone);
    };
    tracing::info!(case = %case.id, attempt, left, "identity step-up failed");
    Ok(StepUp::Wrong { attempt, left })
}
