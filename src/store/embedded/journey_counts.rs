//! The journeys' A/B counts in the embedded store: one map per agency and creditor, a field
//! per step, variant and count, as on Redis.

use async_trait::async_trait;

use super::EmbeddedStore;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::journey_stats::CountAdd;
use crate::store::journey_counts::{count_field, parse_count};
use crate::store::{JourneyCountStore, StoreResult};

fn key(agency: &AgencyId, creditor: &CreditorId) -> String {
    format!("{agency} {creditor}")
}

#[async_trait]
impl JourneyCountStore for EmbeddedStore {
    async fn add_journey_counts(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
        adds: &[CountAdd],
    ) -> StoreResult<()> {
        if adds.is_empty() {
            return Ok(());
        }
        self.write(|inner| {
            let counts = inner.journey_counts.entry_or_default(key(agency, creditor));
            for add in adds {
                *counts
                    .entry(count_field(&add.step_id, &add.variant, add.count))
                    .or_default() += add.amount;
            }
            Ok(())
        })
    }

    async fn journey_counts(
        &self,
        agency: &AgencyId,
        creditor: &CreditorId,
    ) -> StoreResult<Vec<CountAdd>> {
        let inner = self.lock()?;
        Ok(inner
            .journey_counts
            .get(&key(agency, creditor))
            .into_iter()
            .flatten()
            .filter_map(|(field, amount)| parse_count(field, *amount))
            .collect())
    }
}
