//! The console's overview: what is open and waiting now, and what happened day by day (money
//! collected, cases paid and taken in, messages that failed), for a staff user's scope. The
//! day figures are tallies the use cases keep (`store::tallies`); the counts of open cases and
//! requests waiting read the agency's case list, as the review queue does.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::context::AppContext;
use crate::domain::case::{Case, CaseStatus};
use crate::domain::creditor::Jurisdiction;
use crate::domain::journey_engine::local_day;
use crate::domain::money::Currency;
use crate::domain::staff::{StaffScope, StaffUser};
use crate::store::{StoreError, Tally};

/// Days the charts show, today the last.
pub const DAYS: usize = 30;
const BATCH: usize = 200;

/// Adds one change to the overview's tallies of `case` on `day`. Counted after the change is
/// written; a store failure here is logged and never undoes or fails the change.
pub async fn count(ctx: &AppContext, case: &Case, tally: Tally, day: NaiveDate, amount: i64) {
    if let Err(e) = ctx
        .store
        .add_tally(&case.agency_id, &case.creditor_id, tally, day, amount)
        .await
    {
        tracing::warn!(case = %case.id, tally = tally.name(), error = %e, "overview tally not counted");
    }
}

/// [`count`] on the creditor's local day of `now`.
pub async fn count_now(ctx: &AppContext, case: &Case, tally: Tally, now: DateTime<Utc>) {
    let jurisdiction = match ctx.creditor(&case.creditor_id).await {
        Ok(Some(c)) => c.jurisdiction,
        _ => Jurisdiction::Norway,
    };
    count(ctx, case, tally, local_day(jurisdiction, now), 1).await;
}

/// A payment counted as money collected (in NOK only: the chart has one unit).
pub async fn count_payment(
    ctx: &AppContext,
    case: &Case,
    amount: crate::domain::money::Money,
    booked_on: NaiveDate,
) {
    if amount.currency() == Currency::NOK && amount.minor_units() > 0 {
        count(
            ctx,
            case,
            Tally::CollectedNok,
            booked_on,
            amount.minor_units(),
        )
        .await;
    }
}

/// What the overview shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// The chart days, oldest first; the last is today.
    pub days: Vec<NaiveDate>,
    pub collected_ore: Vec<i64>,
    pub paid: Vec<i64>,
    pub opened: Vec<i64>,
    pub failed: Vec<i64>,
    pub open: usize,
    pub disputed: usize,
    /// Requests and disputes waiting for a person.
    pub in_review: usize,
}

impl Overview {
    /// Cases paid in the last seven days, today included.
    pub fn paid_this_week(&self) -> i64 {
        self.paid.iter().rev().take(7).sum()
    }
}

/// The `DAYS` days up to `today`, oldest first.
pub fn chart_days(today: NaiveDate) -> Vec<NaiveDate> {
    (0..DAYS as i64)
        .rev()
        .map(|back| today - Duration::days(back))
        .collect()
}

/// The overview of what `user` may see, as of `now` (days in Oslo time).
pub async fn overview(
    ctx: &AppContext,
    user: &StaffUser,
    now: DateTime<Utc>,
) -> Result<Overview, StoreError> {
    let days = chart_days(local_day(Jurisdiction::Norway, now));
    let creditor = match &user.scope {
        StaffScope::Creditor { creditor } => Some(creditor),
        StaffScope::Agency { .. } => None,
    };
    let agencies = super::staff_cases::agencies_in_scope(ctx, &user.scope).await?;
    let mut out = Overview {
        collected_ore: vec![0; days.len()],
        paid: vec![0; days.len()],
        opened: vec![0; days.len()],
        failed: vec![0; days.len()],
        days,
        open: 0,
        disputed: 0,
        in_review: 0,
    };
    for agency in &agencies {
        for (tally, into) in [
            (Tally::CollectedNok, &mut out.collected_ore),
            (Tally::CasesPaid, &mut out.paid),
            (Tally::CasesOpened, &mut out.opened),
            (Tally::MessagesFailed, &mut out.failed),
        ] {
            let counts = ctx
                .store
                .tallies(agency, creditor, tally, &out.days)
                .await?;
            for (sum, n) in into.iter_mut().zip(counts) {
                *sum += n;
            }
        }
        let mut position = 0;
        loop {
            let batch = ctx.store.agency_cases(agency, position, BATCH).await?;
            position += batch.len();
            for case in batch
                .iter()
                .filter(|c| user.scope.sees_case(&c.agency_id, &c.creditor_id))
            {
                match case.status {
                    CaseStatus::Open => out.open += 1,
                    CaseStatus::Disputed => out.disputed += 1,
                    CaseStatus::Paid | CaseStatus::Closed => {}
                }
                // A request left on a case that was paid or closed meanwhile waits for nobody.
                if matches!(case.status, CaseStatus::Open | CaseStatus::Disputed) {
                    out.in_review += case.pending.len();
                }
            }
            if batch.len() < BATCH {
                break;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_ends_today_with_thirty_days() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
        let days = chart_days(today);
        assert_eq!(days.len(), DAYS);
        assert_eq!(days.last(), Some(&today));
        assert_eq!(days[0], NaiveDate::from_ymd_opt(2026, 1, 31).expect("day"));
    }
}
