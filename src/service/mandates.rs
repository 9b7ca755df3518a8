//! Replacing a creditor's mandate through the API: checked against the law of its
//! jurisdiction on the creditor's own calendar day; debtors' requests are decided by the new
//! one from then on.

use chrono::{DateTime, Utc};

use crate::context::AppContext;
use crate::domain::creditor::Creditor;
use crate::domain::ids::AgencyId;
use crate::domain::mandate::{Mandate, MandateIssue};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum MandateError {
    /// Every rule the mandate breaks, each naming its field.
    #[error("the mandate breaks {} rule(s)", .0.len())]
    Breaks(Vec<MandateIssue>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Replaces `creditor`'s mandate with `mandate`, as `agency` asks, if the jurisdiction pack
/// accepts it.
pub async fn replace(
    ctx: &AppContext,
    agency: &AgencyId,
    creditor: &Creditor,
    mandate: &Mandate,
    now: DateTime<Utc>,
) -> Result<(), MandateError> {
    // The law in force on the creditor's own calendar day (`check-config` judges files on the
    // UTC date: the two differ only in the hour or two around midnight).
    let today = now
        .with_timezone(&creditor.jurisdiction.time_zone())
        .date_naive();
    let issues = mandate.check_with_rates(
        creditor.jurisdiction,
        today,
        &creditor.late_interest_rates(),
    );
    if !issues.is_empty() {
        return Err(MandateError::Breaks(issues));
    }
    // No event (such as `mandate.replaced`): every event is written in the same atomic step
    // as the change it reports (domain::event), and the store saves a mandate on its own,
    // with no outbox append beside it. Appending separately could report a change that was
    // never saved, or lose one that was; it would also have to go to every agency acting for
    // the creditor, not just this one. Doing it right means a `save_mandate` that takes the
    // events (both stores) and a new event kind: a change of its own. Until then the change
    // is logged below, and the answer is the confirmation.
    ctx.tenants.replace_mandate(&creditor.id, mandate).await?;
    tracing::info!(%agency, creditor = %creditor.id, "mandate replaced");
    Ok(())
}
