//! Changing a creditor's mandate (through the API or the console): checked against the law of
//! its jurisdiction on the creditor's own calendar day and against who the creditor lets change
//! it; each change is kept as a new version, and debtors' requests are decided by it from then on.

use chrono::{DateTime, Utc};

use super::setting_versions::{self, Changer};
use crate::context::AppContext;
use crate::domain::creditor::Creditor;
use crate::domain::mandate::{Mandate, MandateIssue};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum MandateError {
    /// Every rule the mandate breaks, each naming its field.
    #[error("the mandate breaks {} rule(s)", .0.len())]
    Breaks(Vec<MandateIssue>),
    /// The creditor's `changes_by` does not let this agency or user change it.
    #[error("the creditor does not let you change its mandate")]
    NotAllowed,
    /// No such version to restore.
    #[error("no such version")]
    NoVersion,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every rule `mandate` breaks for `creditor` on `now`'s date: what `PUT`, the console and
/// `check-config` all judge by. The law in force on the creditor's own calendar day
/// (`check-config` judges files on the UTC date: the two differ only in the hour or two
/// around midnight).
pub fn problems(creditor: &Creditor, mandate: &Mandate, now: DateTime<Utc>) -> Vec<MandateIssue> {
    let today = now
        .with_timezone(&creditor.jurisdiction.time_zone())
        .date_naive();
    mandate.check_with_rates(
        creditor.jurisdiction,
        today,
        &creditor.late_interest_rates(),
    )
}

/// Replaces `creditor`'s mandate with `mandate`, as `who` asks, if the creditor lets them and
/// the jurisdiction pack accepts it; returns the new version's number.
pub async fn replace(
    ctx: &AppContext,
    who: &Changer,
    creditor: &Creditor,
    mandate: &Mandate,
    now: DateTime<Utc>,
) -> Result<u32, MandateError> {
    if !setting_versions::may_change(ctx, who, creditor).await? {
        return Err(MandateError::NotAllowed);
    }
    let issues = problems(creditor, mandate, now);
    if !issues.is_empty() {
        return Err(MandateError::Breaks(issues));
    }
    // No event (such as `mandate.replaced`): every event is written in the same atomic step
    // as the change it reports (domain::event), and the store saves a mandate on its own,
    // with no outbox append beside it; it would also have to go to every agency acting for
    // the creditor. The version (who, when, what) is the record, and the log line below.
    let number = ctx
        .tenants
        .change(&ctx.config, &creditor.id, mandate, who.changed_by(), now)
        .await?;
    tracing::info!(by = %who.describe(), creditor = %creditor.id, version = number, "mandate replaced");
    Ok(number)
}

/// Makes version `number` of `creditor`'s mandate the one in force again, as a new version:
/// judged like [`replace`] (today's law, who may).
pub async fn restore(
    ctx: &AppContext,
    who: &Changer,
    creditor: &Creditor,
    number: u32,
    now: DateTime<Utc>,
) -> Result<(u32, Mandate), MandateError> {
    if !setting_versions::may_change(ctx, who, creditor).await? {
        return Err(MandateError::NotAllowed);
    }
    let old = setting_versions::version::<Mandate>(ctx, &creditor.id, number)
        .await?
        .ok_or(MandateError::NoVersion)?;
    let number = replace(ctx, who, creditor, &old.content, now).await?;
    Ok((number, old.content))
}
