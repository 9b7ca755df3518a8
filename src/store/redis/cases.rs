//! Cases on Redis: a hash per case (version and JSON), its reference and KID indexes, the
//! agency's list, and the retention index kept in step by the case-writing scripts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::case::Case;
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::store::{CaseInsert, CaseStore, StoreError, StoreResult};

#[async_trait]
impl CaseStore for RedisStore {
    async fn insert_case(&self, case: &Case) -> StoreResult<CaseInsert> {
        let owner: String = self
            .scripts
            .insert_case
            .key(self.keys.external_ref(&case.agency_id, &case.external_ref))
            .key(self.keys.case(&case.id))
            .key(self.keys.kid(&case.creditor_id, case.kid.as_str()))
            .key(self.keys.agency_cases(&case.agency_id))
            .arg(case.id.as_str())
            .arg(case.version)
            .arg(to_json(case)?)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if owner == case.id.as_str() {
            Ok(CaseInsert::Created)
        } else {
            let id = CaseId::parse(&owner).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(CaseInsert::Exists(id))
        }
    }

    async fn update_case(&self, case: &Case) -> StoreResult<Case> {
        let mut next = case.clone();
        next.version += 1;
        let mut invocation = self.scripts.update_case.key(self.keys.case(&case.id));
        invocation
            .key(self.keys.retention(&case.creditor_id))
            .key(self.keys.retention_creditors())
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?);
        Self::settled_args(&mut invocation, &next);
        let written: i64 = invocation
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if written == 1 {
            Ok(next)
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn agency_cases(
        &self,
        agency: &AgencyId,
        start: usize,
        count: usize,
    ) -> StoreResult<Vec<Case>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = self
            .conn()
            .lrange(
                self.keys.agency_cases(agency),
                start as isize,
                (start + count - 1) as isize,
            )
            .await
            .map_err(unavailable)?;
        let mut pipe = redis::pipe();
        for id in &ids {
            let id = CaseId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            pipe.hget(self.keys.case(&id), "json");
        }
        let raws: Vec<Option<String>> = pipe
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        raws.into_iter().flatten().map(|r| from_json(&r)).collect()
    }

    async fn case(&self, id: &CaseId) -> StoreResult<Option<Case>> {
        let raw: Option<String> = self
            .conn()
            .hget(self.keys.case(id), "json")
            .await
            .map_err(unavailable)?;
        raw.map(|r| from_json(&r)).transpose()
    }

    async fn case_by_ref(
        &self,
        agency: &AgencyId,
        external_ref: &ExternalRef,
    ) -> StoreResult<Option<Case>> {
        let id: Option<String> = self
            .conn()
            .get(self.keys.external_ref(agency, external_ref))
            .await
            .map_err(unavailable)?;
        match id {
            None => Ok(None),
            Some(id) => {
                let id = CaseId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                self.case(&id).await
            }
        }
    }

    async fn next_kid_sequence(&self, creditor: &CreditorId) -> StoreResult<u64> {
        self.conn()
            .incr(self.keys.kid_sequence(creditor), 1u64)
            .await
            .map_err(unavailable)
    }

    async fn cases_settled_before(
        &self,
        creditor: &CreditorId,
        before: DateTime<Utc>,
        max: usize,
    ) -> StoreResult<Vec<CaseId>> {
        let ids: Vec<String> = redis::cmd("ZRANGEBYSCORE")
            .arg(self.keys.retention(creditor))
            .arg("-inf")
            .arg(format!("({}", before.timestamp_millis()))
            .arg("LIMIT")
            .arg(0)
            .arg(max)
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        ids.iter()
            .map(|id| CaseId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect()
    }

    async fn retention_creditors(&self) -> StoreResult<Vec<CreditorId>> {
        let ids: Vec<String> = self
            .conn()
            .smembers(self.keys.retention_creditors())
            .await
            .map_err(unavailable)?;
        let mut creditors = ids
            .iter()
            .map(|id| CreditorId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .collect::<StoreResult<Vec<_>>>()?;
        creditors.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(creditors)
    }

    async fn unindex_settled(&self, creditor: &CreditorId, case: &CaseId) -> StoreResult<()> {
        self.conn()
            .zrem(self.keys.retention(creditor), case.as_str())
            .await
            .map_err(unavailable)
    }
}
