//! Idempotency keys on Redis: a hash per (agency, hashed key) with its claim and response.

use async_trait::async_trait;
use redis::AsyncCommands;

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

    /// A response about a case spans two slots (the key's and the case's), so it is three
    /// steps: listed in the case's answer index unless the case is erased (list_answer.lua),
    /// saved, then the case looked at once more: an erasure that ran between the first two
    /// steps deleted what was listed before the response was there, so the response goes now.
    /// Only a crash right after saving, during such an erasure, leaves one — until its lifetime.
    async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        claim: &str,
        response: &SavedResponse,
        case: Option<&CaseId>,
    ) -> StoreResult<()> {
        let name = self.keys.idempotency(scope, key);
        let ttl = lifetimes::millis(lifetimes::IDEMPOTENCY_ANSWER);
        if let Some(case) = case {
            let listed: i64 = self
                .scripts
                .list_answer
                .key(self.keys.case(case))
                .key(self.keys.case_answers(case))
                .arg(&name)
                .arg(ttl)
                .invoke_async(&mut self.conn())
                .await
                .map_err(unavailable)?;
            if listed == 0 {
                return self.idempotency_drop(&name, claim).await;
            }
        }
        let _: i64 = self
            .scripts
            .idempotency_finish
            .key(&name)
            .arg(claim)
            .arg(to_json(response)?)
            .arg(ttl)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if let Some(case) = case {
            let erased: bool = self
                .conn()
                .hexists(self.keys.case(case), "answers_closed")
                .await
                .map_err(unavailable)?;
            if erased {
                return self.idempotency_drop(&name, claim).await;
            }
        }
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

    /// The case marked and its list read in one step, then each listed key deleted (each on
    /// its own slot), then the list: an erasure cut short finds the rest again.
    async fn forget_case_answers(&self, case: &CaseId) -> StoreResult<usize> {
        let answers = self.keys.case_answers(case);
        let listed: Vec<String> = self
            .scripts
            .forget_case_answers
            .key(self.keys.case(case))
            .key(&answers)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        let dels: Vec<redis::Cmd> = listed
            .iter()
            .map(|key| {
                let mut del = redis::cmd("DEL");
                del.arg(key);
                del
            })
            .collect();
        let deleted: Vec<usize> = self.each(&dels).await?;
        self.conn()
            .del::<_, ()>(&answers)
            .await
            .map_err(unavailable)?;
        Ok(deleted.into_iter().sum())
    }
}

impl RedisStore {
    /// Lets the key go while `claim` holds it, saved response or not.
    async fn idempotency_drop(&self, name: &str, claim: &str) -> StoreResult<()> {
        let _: i64 = self
            .scripts
            .idempotency_drop
            .key(name)
            .arg(claim)
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
