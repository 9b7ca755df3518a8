//! Which of an agency's cases were given one debtor address (a phone number or an e-mail
//! address), so a debtor's page can list their other cases at the agency without reading all
//! of them. The index is a hint: whoever reads it checks each case it names against the case
//! as stored (`domain::debtor_cases`), so an entry left behind by a change never shows a case.
//!
//! Addresses are kept as keyed pseudonyms of [`address_member`], never as such.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::ids::{AgencyId, CaseId};
use crate::domain::message::Recipient;

#[async_trait]
pub trait DebtorCaseIndex: Send + Sync {
    /// Notes that the agency's case `case` was given `address`; noting it again is a no-op.
    async fn index_debtor_case(
        &self,
        agency: &AgencyId,
        address: &Recipient,
        case: &CaseId,
    ) -> StoreResult<()>;
    /// Forgets that `case` had `address` (after a change, or when the case is erased).
    async fn unindex_debtor_case(
        &self,
        agency: &AgencyId,
        address: &Recipient,
        case: &CaseId,
    ) -> StoreResult<()>;
    /// The agency's cases noted under any of `addresses`, each once, in no order.
    async fn debtor_cases(
        &self,
        agency: &AgencyId,
        addresses: &[Recipient],
    ) -> StoreResult<Vec<CaseId>>;
}

/// What an address is indexed by, before its pseudonym is taken: the channel and the address
/// as compared (a number in E.164; an e-mail address lower-cased, as for opt-outs), so a phone
/// number and an address can never share an entry.
pub fn address_member(address: &Recipient) -> String {
    match address {
        Recipient::Sms(phone) => format!("sms:{}", phone.e164()),
        Recipient::Email(email) => {
            format!("email:{}", super::email_opt_out_member(email.as_str()))
        }
    }
}
