//! Payments on Redis: each reference applied once, with the case write and its events.
//!
//! The reference's global key (`payment:<ref>`) and the case are on different slots, so the
//! once-only check is two steps: the reference is first claimed for the case (`pending:<case
//! id>`; SET NX), then the case write refuses a reference already among the case's applied
//! ones (the set on the case's slot, written in the same step as the payment). A crash or a
//! conflict after the claim leaves the reference claimed for this case, so a retry for the same
//! case goes ahead and one for another case is refused. Earlier versions wrote the case id
//! itself (no `pending:`) in the same step as the payment: such a reference is applied.

use async_trait::async_trait;
use redis::AsyncCommands;

use super::{RedisStore, to_json, unavailable};
use crate::domain::case::Case;
use crate::domain::event::Event;
use crate::domain::ids::{CaseId, CreditorId};
use crate::store::{PaymentStore, StoreError, StoreResult};

/// What a reference's key holds while it is claimed for a case.
fn claim_of(case: &CaseId) -> String {
    format!("pending:{case}")
}

#[async_trait]
impl PaymentStore for RedisStore {
    async fn apply_payment(
        &self,
        case: &Case,
        reference: &str,
        events: &[Event],
    ) -> StoreResult<bool> {
        let claim = claim_of(&case.id);
        let holder: Option<String> = redis::cmd("SET")
            .arg(self.keys.payment(reference))
            .arg(&claim)
            .arg("NX")
            .arg("GET")
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        if holder.is_some_and(|h| h != claim) {
            return Ok(false);
        }
        let mut next = case.clone();
        next.version += 1;
        let mut write = self.scripts.apply_payment.key(self.keys.case(&case.id));
        write
            .key(self.keys.case_payments(&case.id))
            .key(self.keys.case_events(&case.id))
            .arg(case.version)
            .arg(next.version)
            .arg(to_json(&next)?)
            .arg(reference);
        Self::event_ids(&mut write, events);
        match self
            .write_case_with_events(case, &next, events, write)
            .await?
        {
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
