//! The overview's day counts in the embedded store: one number per agency, tally, scope and day.

use async_trait::async_trait;
use chrono::NaiveDate;

use super::EmbeddedStore;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::store::{StoreResult, Tally, TallyStore, tally_scope};

fn key(agency: &AgencyId, tally: Tally, creditor: Option<&CreditorId>, day: NaiveDate) -> String {
    format!("{agency} {} {} {day}", tally.name(), tally_scope(creditor))
}

#[async_trait]
impl TallyStore for EmbeddedStore {
    async fn add_tally(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
        tally: Tally,
        day: NaiveDate,
        amount: i64,
    ) -> StoreResult<()> {
        self.write(|inner| {
            for scope in [None, Some(creditor)] {
                *inner
                    .tallies
                    .entry_or_default(key(agency, tally, scope, day)) += amount;
            }
            Ok(())
        })
    }

    async fn tallies(
        &self,
        agency: &AgencyId,
        creditor: Option<&CreditorId>,
        tally: Tally,
        days: &[NaiveDate],
    ) -> StoreResult<Vec<i64>> {
        let inner = self.lock()?;
        Ok(days
            .iter()
            .map(|day| {
                inner
                    .tallies
                    .get(&key(agency, tally, creditor, *day))
                    .copied()
                    .unwrap_or_default()
            })
            .collect())
    }
}
