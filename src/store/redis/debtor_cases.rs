//! The debtor-address index on Redis: one set of case ids per agency and address pseudonym,
//! under the agency's hash tag, so the sets of one debtor's addresses are read in one `SUNION`,
//! also in a cluster.

use async_trait::async_trait;

use super::{RedisStore, unavailable};
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::message::Recipient;
use crate::store::debtor_cases::address_member;
use crate::store::{DebtorCaseIndex, StoreResult};

impl RedisStore {
    fn debtor_key(&self, agency: &AgencyId, address: &Recipient) -> String {
        self.keys
            .debtor_cases(agency, &self.pseudonyms.of(&address_member(address)))
    }
}

#[async_trait]
impl DebtorCaseIndex for RedisStore {
    async fn index_debtor_case(
        &self,
        agency: &AgencyId,
        address: &Recipient,
        case: &CaseId,
    ) -> StoreResult<()> {
        let _: i64 = redis::cmd("SADD")
            .arg(self.debtor_key(agency, address))
            .arg(case.as_str())
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn unindex_debtor_case(
        &self,
        agency: &AgencyId,
        address: &Recipient,
        case: &CaseId,
    ) -> StoreResult<()> {
        let _: i64 = redis::cmd("SREM")
            .arg(self.debtor_key(agency, address))
            .arg(case.as_str())
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn debtor_cases(
        &self,
        agency: &AgencyId,
        addresses: &[Recipient],
    ) -> StoreResult<Vec<CaseId>> {
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        let mut command = redis::cmd("SUNION");
        for address in addresses {
            command.arg(self.debtor_key(agency, address));
        }
        let ids: Vec<String> = command
            .query_async(&mut self.conn())
            .await
            .map_err(unavailable)?;
        // A member this version cannot read as an id is not a case to show.
        Ok(ids.iter().filter_map(|id| CaseId::parse(id).ok()).collect())
    }
}
