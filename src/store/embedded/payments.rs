//! Payments in the embedded store: each reference applied once, KIDs to cases.

use async_trait::async_trait;

use super::EmbeddedStore;
use crate::domain::case::Case;
use crate::domain::event::Event;
use crate::domain::ids::{CaseId, CreditorId};
use crate::store::{PaymentStore, StoreResult};

#[async_trait]
impl PaymentStore for EmbeddedStore {
    async fn apply_payment(
        &self,
        case: &Case,
        reference: &str,
        events: &[Event],
    ) -> StoreResult<bool> {
        self.write(|inner| {
            if inner.applied_payments.contains(&reference.to_owned()) {
                return Ok(false);
            }
            inner.update_case(case)?;
            inner.append(events);
            inner.applied_payments.insert(reference.to_owned());
            Ok(true)
        })
    }

    async fn index_kid(&self, creditor: &CreditorId, kid: &str, case: &CaseId) -> StoreResult<()> {
        self.write(|inner| {
            inner
                .kids
                .insert((creditor.clone(), kid.to_owned()), case.clone());
            Ok(())
        })
    }

    async fn case_by_kid(&self, creditor: &CreditorId, kid: &str) -> StoreResult<Option<CaseId>> {
        Ok(self
            .lock()?
            .kids
            .get(&(creditor.clone(), kid.to_owned()))
            .cloned())
    }
}
