//! The debtor-address index in the embedded store: a set of case ids per agency and address
//! pseudonym, as on Redis.

use async_trait::async_trait;

use super::EmbeddedStore;
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::message::Recipient;
use crate::store::debtor_cases::address_member;
use crate::store::{DebtorCaseIndex, StoreResult};

impl EmbeddedStore {
    fn debtor_key(&self, agency: &AgencyId, address: &Recipient) -> (AgencyId, String) {
        (agency.clone(), self.pseudonyms.of(&address_member(address)))
    }
}

#[async_trait]
impl DebtorCaseIndex for EmbeddedStore {
    async fn index_debtor_case(
        &self,
        agency: &AgencyId,
        address: &Recipient,
        case: &CaseId,
    ) -> StoreResult<()> {
        let key = self.debtor_key(agency, address);
        self.write(|inner| {
            inner
                .debtor_cases
                .entry_or_default(key)
                .insert(case.clone());
            Ok(())
        })
    }

    async fn unindex_debtor_case(
        &self,
        agency: &AgencyId,
        address: &Recipient,
        case: &CaseId,
    ) -> StoreResult<()> {
        let key = self.debtor_key(agency, address);
        self.write(|inner| {
            let emptied = inner.debtor_cases.get_mut(&key).is_some_and(|cases| {
                cases.remove(case);
                cases.is_empty()
            });
            if emptied {
                inner.debtor_cases.remove(&key);
            }
            Ok(())
        })
    }

    async fn debtor_cases(
        &self,
        agency: &AgencyId,
        addresses: &[Recipient],
    ) -> StoreResult<Vec<CaseId>> {
        let keys: Vec<_> = addresses
            .iter()
            .map(|address| self.debtor_key(agency, address))
            .collect();
        let inner = self.lock()?;
        let mut found: std::collections::BTreeSet<CaseId> = Default::default();
        for key in &keys {
            if let Some(cases) = inner.debtor_cases.get(key) {
                found.extend(cases.iter().cloned());
            }
        }
        Ok(found.into_iter().collect())
    }
}
