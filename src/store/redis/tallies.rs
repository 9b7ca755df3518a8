//! The overview's day counts on Redis: one hash per agency, tally and scope (the agency or one
//! creditor), a field per day, under the agency's hash tag so both counts of a change go in one
//! atomic step, also in a cluster.

use async_trait::async_trait;
use chrono::NaiveDate;

use super::{RedisStore, unavailable};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::store::{StoreResult, Tally, TallyStore};

#[async_trait]
impl TallyStore for RedisStore {
    async fn add_tally(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
        tally: Tally,
        day: NaiveDate,
        amount: i64,
    ) -> StoreResult<()> {
        let field = day.to_string();
        let () = redis::pipe()
            .atomic()
            .hincr(self.keys.tally(agency, tally, None), &field, amount)
            .ignore()
            .hincr(
                self.keys.tally(agency, tally, Some(creditor)),
                &field,
                amount,
            )
            .ignore()
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn tallies(
        &self,
        agency: &AgencyId,
        creditor: Option<&CreditorId>,
        tally: Tally,
        days: &[NaiveDate],
    ) -> StoreResult<Vec<i64>> {
        if days.is_empty() {
            return Ok(Vec::new());
        }
        let fields: Vec<String> = days.iter().map(NaiveDate::to_string).collect();
        let counts: Vec<Option<i64>> = redis::cmd("HMGET")
            .arg(self.keys.tally(agency, tally, creditor))
            .arg(&fields)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(counts.into_iter().map(Option::unwrap_or_default).collect())
    }
}
