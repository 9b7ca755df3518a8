//! Day counts per agency and per creditor that the console's overview draws: money collected,
//! cases paid, cases taken in and messages that failed. Counted by the use cases right after the
//! change they count is written, so a crash between the two can lose one count (never the
//! change itself): good for a chart, not for the books, which are the events.

use async_trait::async_trait;
use chrono::NaiveDate;

use super::StoreResult;
use crate::domain::ids::{AgencyId, CreditorId};

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tally {
    /// Payments received in NOK, in øre, on the day the bank booked them.
    CollectedNok,
    CasesPaid,
    CasesOpened,
    MessagesFailed,
}

impl Tally {
    pub fn name(self) -> &'static str {
        match self {
            Tally::CollectedNok => "collected_nok",
            Tally::CasesPaid => "cases_paid",
            Tally::CasesOpened => "cases_opened",
            Tally::MessagesFailed => "messages_failed",
        }
    }
}

#[async_trait]
pub trait TallyStore: Send + Sync {
    /// Adds `amount` to `day`'s count of `tally`, for the agency and for the creditor.
    async fn add_tally(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
        tally: Tally,
        day: NaiveDate,
        amount: i64,
    ) -> StoreResult<()>;
    /// The counts on `days`, in their order (zero where nothing was counted): the agency's, or
    /// one of its creditors'.
    async fn tallies(
        &self,
        agency: &AgencyId,
        creditor: Option<&CreditorId>,
        tally: Tally,
        days: &[NaiveDate],
    ) -> StoreResult<Vec<i64>>;
}

/// Who a count is kept for: `*` is the whole agency (no creditor id is `*`).
pub fn tally_scope(creditor: Option<&CreditorId>) -> &str {
    creditor.map_or("*", |c| c.as_str())
}
