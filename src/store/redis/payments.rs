//! Payments on Redis: each reference applied once, with the case write and its events.

use async_trait::async_trait;
use redis::AsyncCommands;

use super::{RedisStore, unavailable};
use crate::domain::case::Case;
use crate::domain::event::Event;
use crate::domain::ids::{CaseId, CreditorId};
use crate::store::{PaymentStore, StoreError, StoreResult};

#[async_trait]
impl PaymentStore for RedisStore {
    async fn apply_payment(
        &self,
        case: &Case,
        reference: &str,
        events: &[Event],
    ) -> StoreResult<bool> {
        let mut next = case.clone();
        next.version += 1;
        let mut invocation = self.scripts.apply_payment.key(self.keys.payment(reference));
        invocation.key(self.keys.case(&case.id));
        self.case_write_with_events(&mut invocation, case, &next, events)?;
        let outcome: i64 = invocation
            .invoke_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        match outcome {
            1 => Ok(true),
            2 => Ok(false),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn index_kid(&self, creditor: &CreditorId, kid: &str, case: &CaseId) -> StoreResult<()> {
        self.conn()
            .set(self.keys.kid(creditor, kid), case.as_str())
            .await
            .map_err(unavailable)
    }

    async fn case_by_kid(&self, creditor: &CreditorId, kid: &str) -> StoreResult<Option<CaseId>> {
        let id: Option<String> = self
            .conn()
            .get(self.keys.kid(creditor, kid))
            .await
            .map_err(unavailable)?;
        id.map(|id| CaseId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }
}
