//! Cases on Redis: a hash per case (version and JSON), its reference and KID indexes, the
//! agency's list, and the retention index kept beside the case writes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::AsyncCommands;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::case::Case;
use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::store::{CaseInsert, CaseStore, StoreError, StoreResult};

fn case_id(raw: &str) -> StoreResult<CaseId> {
    CaseId::parse(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl CaseStore for RedisStore {
    /// Three slots (the case's, its creditor's KID, the agency's), so three steps in this
    /// order: the record and the KID index first, then the reference claimed and the case
    /// listed in one step (claim_ref.lua) — the commit point. Until then nothing finds the
    /// case by reference or in the agency's list; a crash before it leaves a record (and a KID
    /// pointing at it) under a fresh id nobody was told, which nothing reads. A reference taken
    /// meanwhile by another case has this one's record and KID removed again.
    async fn insert_case(&self, case: &Case) -> StoreResult<CaseInsert> {
        let kid = self.keys.kid(&case.creditor_id, case.kid.as_str());
        let record = self.keys.case(&case.id);
        self.conn()
            .hset_multiple::<_, _, _, ()>(
                &record,
                &[("v", case.version.to_string()), ("json", to_json(case)?)],
            )
            .await
            .map_err(unavailable)?;
        self.conn()
            .set::<_, _, ()>(&kid, case.id.as_str())
            .await
            .map_err(unavailable)?;
        let owner: String = self
            .scripts
            .claim_ref
            .key(self.keys.external_ref(&case.agency_id, &case.external_ref))
            .key(self.keys.agency_cases(&case.agency_id))
            .arg(case.id.as_str())
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if owner == case.id.as_str() {
            return Ok(CaseInsert::Created);
        }
        let mut drop_record = redis::cmd("DEL");
        drop_record.arg(&record);
        let mut drop_kid = redis::cmd("DEL");
        drop_kid.arg(&kid);
        self.each::<i64>(&[drop_record, drop_kid]).await?;
        Ok(CaseInsert::Exists(case_id(&owner)?))
    }

    async fn update_case(&self, case: &Case) -> StoreResult<Case> {
        let mut next = case.clone();
        next.version += 1;
        self.index_before_write(&next).await?;
        let written: i64 = self
            .scripts
            .update_case
            .key(self.keys.case(&case.id))
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if written != 1 {
            return Err(StoreError::Conflict);
        }
        self.unindex_after_write(&next).await?;
        Ok(next)
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
        let mut reads = Vec::with_capacity(ids.len());
        for id in &ids {
            let mut read = redis::cmd("HGET");
            read.arg(self.keys.case(&case_id(id)?)).arg("json");
            reads.push(read);
        }
        let raws: Vec<Option<String>> = self.each(&reads).await?;
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
        let mut id: Option<String> = self
            .conn()
            .get(self.keys.external_ref(agency, external_ref))
            .await
            .map_err(unavailable)?;
        if id.is_none() && !self.is_cluster() {
            // Written by a process of the previous version after this one moved the index.
            id = self
                .conn()
                .get(self.keys.legacy_external_ref(agency, external_ref))
                .await
                .map_err(unavailable)?;
        }
        match id {
            None => Ok(None),
            Some(id) => self.case(&case_id(&id)?).await,
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
        ids.iter().map(|id| case_id(id)).collect()
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
