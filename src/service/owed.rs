//! What a case owes on its creditor's calendar day: the one way every use case asks for a
//! balance, so late-payment interest innfri accrues (creditor setting `interest = "innfri"`)
//! is counted everywhere or nowhere.

use chrono::{DateTime, NaiveDate, Utc};

use crate::context::AppContext;
use crate::domain::case::Case;
use crate::domain::creditor::Creditor;
use crate::domain::ids::CaseId;
use crate::domain::ledger::OwedOn;
use crate::domain::money::Money;
use crate::store::StoreError;

/// How the creditor's balances are counted at `now`: on its own calendar day, with its rates
/// when innfri accrues interest for it.
pub fn owed_on(creditor: &Creditor, now: DateTime<Utc>) -> OwedOn {
    creditor.owed_on(creditor.today(now))
}

/// What `case` of `creditor` owes at `now` (negative when overpaid).
pub fn balance(case: &Case, creditor: &Creditor, now: DateTime<Utc>) -> Money {
    case.balance(&owed_on(creditor, now))
}

/// As [`owed_on`] for the case's creditor, looked up; a case whose creditor is no longer
/// configured counts without interest on the UTC day.
pub async fn owed_on_for(
    ctx: &AppContext,
    case: &Case,
    now: DateTime<Utc>,
) -> Result<OwedOn, StoreError> {
    Ok(match ctx.creditor(&case.creditor_id).await? {
        Some(creditor) => owed_on(&creditor, now),
        None => OwedOn::without_interest(now.date_naive()),
    })
}

/// The calendar day of the case's creditor at `now`: a payment is booked on it, so it meets
/// the balance the page showed (counted on the same day); UTC for a creditor no longer
/// configured.
pub async fn creditor_day(
    ctx: &AppContext,
    case: &CaseId,
    now: DateTime<Utc>,
) -> Result<NaiveDate, StoreError> {
    let Some(case) = ctx.store.case(case).await? else {
        return Ok(now.date_naive());
    };
    Ok(ctx
        .creditor(&case.creditor_id)
        .await?
        .map_or_else(|| now.date_naive(), |c| c.today(now)))
}
