//! The journey's A/B counts on Redis: one hash per agency and creditor under the agency's
//! hash tag, so the counts of one change go in one `HINCRBY` pipeline, also in a cluster.

use async_trait::async_trait;

use super::{RedisStore, unavailable};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey_stats::CountAdd;
use crate::store::journey_counts::{count_field, parse_count};
use crate::store::{JourneyCountStore, StoreResult};

#[async_trait]
impl JourneyCountStore for RedisStore {
    async fn add_journey_counts(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
        adds: &[CountAdd],
    ) -> StoreResult<()> {
        if adds.is_empty() {
            return Ok(());
        }
        let key = self.keys.journey_counts(agency, creditor);
        if let [add] = adds {
            // The usual case (a step sent): one command, no MULTI around it.
            let _: i64 = redis::cmd("HINCRBY")
                .arg(&key)
                .arg(count_field(&add.step_id, &add.variant, add.count))
                .arg(add.amount)
                .query_async(&mut self.conn())
                .await
                .map_err(unavailable)?;
            return Ok(());
        }
        let mut pipe = redis::pipe();
        pipe.atomic();
        for add in adds {
            pipe.hincr(
                &key,
                count_field(&add.step_id, &add.variant, add.count),
                add.amount,
            )
            .ignore();
        }
        let () = pipe
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn journey_counts(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
    ) -> StoreResult<Vec<CountAdd>> {
        let fields: Vec<(String, i64)> = redis::cmd("HGETALL")
            .arg(self.keys.journey_counts(agency, creditor))
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(fields
            .into_iter()
            .filter_map(|(field, amount)| parse_count(&field, amount))
            .collect())
    }
}
