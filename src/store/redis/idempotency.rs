//! Idempotency keys on Redis: a hash per (agency, hashed key) with its claim and response.

use async_trait::async_trait;

use super::{RedisStore, from_json, to_json, unavailable};
use crate::domain::ids::CaseId;
use crate::store::lifetimes;
use crate::store::{IdempotencyBegin, IdempotencyStore, SavedResponse, StoreResult};

#[async_trait]
impl IdempotencyStore for RedisStore {
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        claim: &str,
    ) -> StoreResult<IdempotencyBegin> {
        let answer: String = self
            .scripts
            .idempotency_begin
            .key(self.keys.idempotency(scope, key))
            .arg(fingerprint)
            .arg(claim)
            .arg(lifetimes::millis(lifetimes::IDEMPOTENCY_CLAIM))
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(match answer.as_str() {
            "started" => IdempotencyBegin::Started,
            "mismatch" => IdempotencyBegin::Mismatch,
            "inflight" => IdempotencyBegin::InFlight,
            saved => IdempotencyBegin::Replay(from_json(saved)?),
        })
    }

    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
        case: Option<&CaseId>,
    ) -> StoreResult<()> {
        let mut invocation = self
            .scripts
            .idempotency_finish
            .key(self.keys.idempotency(scope, key));
        if let Some(case) = case {
            invocation
                .key(self.keys.case(case))
                .key(self.keys.case_answers(case));
        }
        let _: i64 = invocation
            .arg(claim)
            .arg(to_json(response)?)
            .arg(lifetimes::millis(lifetimes::IDEMPOTENCY_ANSWER))
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn idempotency_abandon(&self, scope: &str, key: &str, claim: &str) -> StoreResult<()> {
        let _: i64 = self
            .scripts
            .idempotency_abandon
            .key(self.keys.idempotency(scope, key))
            .arg(claim)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize> {
        self.scripts
            .forget_case_answers
            .key(self.keys.case(case))
            .key(self.keys.case_answers(case))
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)
    }
}
