//! Cases in the embedded store: records, reference and KID indexes, the retention index.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::EmbeddedStore;
use crate::domain::case::Case;
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::store::{CaseInsert, CaseStore, StoreResult};

#[async_trait]
impl CaseStore for EmbeddedStore {
    async fn insert_case(&self, case: &Case) -> StoreResult<CaseInsert> {
        self.write(|inner| {
            let key = (case.agency_id.clone(), case.external_ref.clone());
            if let Some(existing) = inner.case_refs.get(&key) {
                return Ok(CaseInsert::Exists(existing.clone()));
            }
            inner.case_refs.insert(key, case.id.clone());
            inner.kids.insert(
                (case.creditor_id.clone(), case.kid.as_str().to_owned()),
                case.id.clone(),
            );
            inner.cases.insert(case.id.clone(), case.clone());
            inner
                .agency_cases
                .push(case.agency_id.clone(), case.id.clone());
            Ok(CaseInsert::Created)
        })
    }

    async fn update_case(&self, case: &Case) -> StoreResult<Case> {
        self.write(|inner| inner.update_case(case))
    }

    async fn agency_cases(
        &self,
        agency: &AgencyId,
        start: usize,
        count: usize,
    ) -> StoreResult<Vec<Case>> {
        let inner = self.lock()?;
        Ok(inner
            .agency_cases
            .get(agency)
            .map(|ids| {
                ids.iter()
                    .skip(start)
                    .take(count)
                    .filter_map(|id| inner.cases.get(id).cloned())
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn case(&self, id: &CaseId) -> StoreResult<Option<Case>> {
        Ok(self.lock()?.cases.get(id).cloned())
    }

    async fn case_by_ref(
        &self,
        agency: &AgencyId,
        external_ref: &ExternalRef,
    ) -> StoreResult<Option<Case>> {
        let inner = self.lock()?;
        let id = inner.case_refs.get(&(agency.clone(), external_ref.clone()));
        Ok(id.and_then(|id| inner.cases.get(id)).cloned())
    }

    async fn next_kid_sequence(&self, creditor: &CreditorId) -> StoreResult<u64> {
        self.write(|inner| {
            let seq = inner.kid_sequences.entry_or_default(creditor.clone());
            *seq += 1;
            Ok(*seq)
        })
    }

    async fn cases_settled_before(
        &self,
        creditor: &CreditorId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<CaseId>> {
        let inner = self.lock()?;
        let before = before.timestamp_millis();
        Ok(inner
            .settled
            .get(creditor)
            .map(|set| {
                set.iter()
                    .take_while(|(at, _)| *at < before)
                    .take(max)
                    .map(|(_, id)| id.clone())
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn retention_creditors(&self) -> StoreResult<Vec<CreditorId>> {
        let inner = self.lock()?;
        let mut creditors: Vec<CreditorId> = inner.settled.keys().cloned().collect();
        creditors.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(creditors)
    }

    async fn unindex_settled(&self, creditor: &CreditorId, case: &CaseId) -> StoreResult<()> {
        self.write(|inner| {
            if let Some((_, at)) = inner.settled_entry.remove(case)
                && let Some(set) = inner.settled.get_mut(creditor)
            {
                set.remove(&(at, case.clone()));
            }
            Ok(())
        })
    }
}
