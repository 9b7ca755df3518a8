//! Contact policy: who may not be written to (opt-outs), how often one may be (the frequency
//! cap), and which case an SMS reply is about (reply routing).
//!
//! Phone numbers and addresses given to this trait are kept only as keyed pseudonyms
//! (see [`Pseudonyms`](super::Pseudonyms)): never in a key name, a set or a value.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::ids::{AgencyId, CaseId, MessageId};
use crate::domain::message::ContactCap;

#[async_trait]
pub trait ContactStore: Send + Sync {
    /// The debtor answered STOP: no more SMS to this number, from any agency.
    async fn opt_out(&self, phone: &str) -> StoreResult<()>;
    async fn is_opted_out(&self, phone: &str) -> StoreResult<bool>;
    /// The debtor answered START: SMS to this number again.
    async fn opt_in(&self, phone: &str) -> StoreResult<()>;
    /// The address used an e-mail's one-click unsubscribe: no more e-mail to it, from any
    /// agency. Addresses compare case-insensitively (see [`email_opt_out_member`]) and are
    /// kept as pseudonyms like numbers.
    async fn opt_out_email(&self, address: &str) -> StoreResult<()>;
    async fn is_email_opted_out(&self, address: &str) -> StoreResult<bool>;

    /// Takes a place for a reminder to one debtor address (normalised: E.164 or lower case;
    /// kept as its pseudonym, never the address itself) from one agency under the frequency
    /// cap, atomically (several workers): `None` when taken (recorded under the message id;
    /// taking it again for the same message is a no-op), otherwise the earliest time one frees.
    /// The rule is [`ContactCap::next_allowed`]'s.
    async fn claim_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
        now: DateTime<Utc>,
        cap: &ContactCap,
    ) -> StoreResult<Option<DateTime<Utc>>>;
    /// Gives a place back when the reminder was not sent after all.
    async fn release_contact_slot(
        &self,
        agency: &AgencyId,
        address: &str,
        message: &MessageId,
    ) -> StoreResult<()>;

    /// Remembers the case an SMS to this number (E.164) was last about, so a reply finds it;
    /// for [`REPLY_ROUTE`](super::lifetimes::REPLY_ROUTE).
    async fn remember_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()>;
    async fn last_sms_case(&self, phone: &str) -> StoreResult<Option<CaseId>>;
    /// Forgets that SMS replies from this number belong to this case.
    async fn forget_sms_case(&self, phone: &str, case: &CaseId) -> StoreResult<()>;
}

/// How an e-mail address is normalised before its pseudonym is taken for the opt-out set:
/// lower-cased, since mailboxes that differ only in case are one person's in practice.
pub fn email_opt_out_member(address: &str) -> String {
    address.to_lowercase()
}
