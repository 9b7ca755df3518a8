//! Every Redis key name the backend uses, built here and nowhere else.
//!
//! All start with the namespace. Keys of one case carry the case id as hash tag (`{cs_…}`) so
//! they stay on one Cluster slot; indexes keyed by something else (external reference, queue)
//! live on their own keys. No phone number or address is ever part of a name: those keys hold
//! the value's keyed pseudonym (the `legacy_…` names are the ones earlier versions used, read
//! or moved by the upgrade steps in `migrate.rs`).

use std::fmt::Display;

use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::domain::message::ProviderRef;
use crate::domain::staff::StaffUserId;
use crate::links::TokenDigest;
use crate::store::Pseudonyms;

pub(super) struct Keys {
    ns: String,
    pseudonyms: Pseudonyms,
}

impl Keys {
    pub(super) fn new(namespace: &str, pseudonyms: Pseudonyms) -> Keys {
        Keys {
            ns: namespace.to_owned(),
            pseudonyms,
        }
    }

    // Cases and their indexes.

    /// A case: a hash of its version (`v`), its JSON and, once erased, `answers_closed`.
    pub(super) fn case(&self, id: impl Display) -> String {
        format!("{}:case:{{{id}}}", self.ns)
    }
    /// What precedes `{case id}` in [`Keys::case`], for the script that derives a case's key
    /// from the session it reads (session_with_case.lua).
    pub(super) fn case_prefix(&self) -> String {
        format!("{}:case:", self.ns)
    }
    /// The ids of the case's events, so erasure can find them in the agency's outbox.
    pub(super) fn case_events(&self, id: &CaseId) -> String {
        format!("{}:case:{{{id}}}:events", self.ns)
    }
    /// The idempotency keys whose saved responses are about the case.
    pub(super) fn case_answers(&self, id: &CaseId) -> String {
        format!("{}:case:{{{id}}}:answers", self.ns)
    }
    pub(super) fn case_links(&self, id: &CaseId) -> String {
        format!("{}:case:{{{id}}}:links", self.ns)
    }
    pub(super) fn case_messages(&self, id: &CaseId) -> String {
        format!("{}:case:{{{id}}}:messages", self.ns)
    }
    pub(super) fn agency_cases(&self, agency: &AgencyId) -> String {
        format!("{}:agency:{agency}:cases", self.ns)
    }
    pub(super) fn external_ref(&self, agency: &AgencyId, external_ref: &ExternalRef) -> String {
        format!("{}:ref:{agency}:{external_ref}", self.ns)
    }
    pub(super) fn kid_sequence(&self, creditor: &CreditorId) -> String {
        format!("{}:kidseq:{creditor}", self.ns)
    }
    pub(super) fn kid(&self, creditor: &CreditorId, kid: &str) -> String {
        format!("{}:kid:{creditor}:{kid}", self.ns)
    }
    /// The creditor's cases waiting for automatic erasure, scored by when collection ended.
    pub(super) fn retention(&self, creditor: &CreditorId) -> String {
        format!("{}:retention:{creditor}", self.ns)
    }
    pub(super) fn retention_creditors(&self) -> String {
        format!("{}:retention-creditors", self.ns)
    }

    // Links and sessions.

    pub(super) fn link(&self, digest: &TokenDigest) -> String {
        format!("{}{}", self.link_prefix(), digest.to_hex())
    }
    /// What precedes a digest in [`Keys::link`], for revoke_links.lua (it reads digests from the
    /// case's link index).
    pub(super) fn link_prefix(&self) -> String {
        format!("{}:link:", self.ns)
    }
    pub(super) fn session(&self, digest: &TokenDigest) -> String {
        format!("{}:session:{}", self.ns, digest.to_hex())
    }

    // The message queue.

    pub(super) fn message(&self, id: impl Display) -> String {
        format!("{}{id}", self.message_prefix())
    }
    /// What precedes an id in [`Keys::message`], for claim_due.lua (it reads ids from the queue).
    pub(super) fn message_prefix(&self) -> String {
        format!("{}:msg:", self.ns)
    }
    pub(super) fn due(&self) -> String {
        format!("{}:queue:due", self.ns)
    }
    pub(super) fn leased(&self) -> String {
        format!("{}:queue:leased", self.ns)
    }
    /// `provider:twilio:SM…`: one namespace per provider, so ids of two never meet.
    pub(super) fn provider(&self, provider_id: ProviderRef<'_>) -> String {
        format!("{}:provider:{}", self.ns, provider_id.key())
    }
    /// A provider id indexed before ids were namespaced by provider.
    pub(super) fn legacy_provider(&self, provider_id: &str) -> String {
        format!("{}:provider:{provider_id}", self.ns)
    }

    // Contact policy.

    /// Pseudonyms of the numbers that answered STOP.
    pub(super) fn optouts(&self) -> String {
        format!("{}:optouts", self.ns)
    }
    /// The opt-out set as it was before pseudonyms (the numbers themselves): emptied into
    /// `optouts` at every start, still read so a STOP taken by an older process counts at once.
    pub(super) fn legacy_optouts(&self) -> String {
        format!("{}:optout", self.ns)
    }
    /// E-mail opt-outs, as pseudonyms of the lower-cased addresses.
    pub(super) fn email_optouts(&self) -> String {
        format!("{}:optouts:email", self.ns)
    }
    /// The frequency cap's count for one address, under the address's pseudonym.
    pub(super) fn contact(&self, agency: &AgencyId, address: &str) -> String {
        format!("{}:cap:{agency}:{}", self.ns, self.pseudonyms.of(address))
    }
    /// The same count as named before pseudonyms: an unsalted SHA-256, read once more and
    /// removed by claim_contact_slot.lua. Its window is a week, so a week after an upgrade no such
    /// key is left and this can go.
    pub(super) fn legacy_contact(&self, agency: &AgencyId, address: &str) -> String {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(address.as_bytes());
        format!(
            "{}:contacts:{agency}:{}",
            self.ns,
            hex::encode(&digest[..16])
        )
    }
    /// The case an SMS to this number was last about, for replies; under its pseudonym.
    pub(super) fn reply(&self, phone: &str) -> String {
        format!("{}:reply:{}", self.ns, self.pseudonyms.of(phone))
    }
    /// The same route as named before pseudonyms (the number itself); moved by `migrate`.
    pub(super) fn legacy_reply(&self, phone: &str) -> String {
        format!("{}{phone}", self.legacy_reply_prefix())
    }
    pub(super) fn legacy_reply_prefix(&self) -> String {
        format!("{}:smscase:", self.ns)
    }
    /// A `SCAN MATCH` pattern for every [`Keys::legacy_reply`] (the namespace matched literally).
    pub(super) fn legacy_reply_pattern(&self) -> String {
        format!("{}*", glob_literal(&self.legacy_reply_prefix()))
    }

    // The outbox.

    /// One Redis stream per agency: its entry ids are the event cursors.
    pub(super) fn events(&self, agency: &AgencyId) -> String {
        format!("{}:events:{agency}", self.ns)
    }
    /// The payloads of the agency's events, by event id (see case_write_helpers.lua).
    pub(super) fn event_data(&self, agency: &AgencyId) -> String {
        format!("{}:eventdata:{agency}", self.ns)
    }

    // Payments, webhooks, idempotency.

    /// A provider or bank reference already applied.
    pub(super) fn payment(&self, reference: &str) -> String {
        format!("{}:payment:{reference}", self.ns)
    }
    pub(super) fn webhook(&self, agency: &AgencyId) -> String {
        format!("{}:webhook:{agency}", self.ns)
    }
    pub(super) fn idempotency(&self, scope: &str, key: &str) -> String {
        // The client's key is hashed: it may be long or hold characters unfit for a key name.
        let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(key.as_bytes()));
        format!("{}:idem:{scope}:{digest}", self.ns)
    }

    // Tenants.

    pub(super) fn agencies(&self) -> String {
        format!("{}:agencies", self.ns)
    }
    pub(super) fn api_key(&self, hash: &[u8; 32]) -> String {
        self.api_key_hex(&hex::encode(hash))
    }
    /// [`Keys::api_key`] by the hex of the hash (as the agency's key index lists them).
    pub(super) fn api_key_hex(&self, hash_hex: &str) -> String {
        format!("{}:apikey:{hash_hex}", self.ns)
    }
    pub(super) fn agency_api_keys(&self, agency: &AgencyId) -> String {
        format!("{}:agency:{agency}:apikeys", self.ns)
    }
    pub(super) fn mandate(&self, creditor: &CreditorId) -> String {
        format!("{}:mandate:{creditor}", self.ns)
    }

    // Staff: users and their address index share the `{staff}` tag, so creating a user (both
    // keys, one script) stays on one Cluster slot. Addresses appear only as pseudonyms.

    pub(super) fn staff_user(&self, id: &StaffUserId) -> String {
        format!("{}:staff:{{staff}}:user:{id}", self.ns)
    }
    /// The id of the user with this (lower-case) address.
    pub(super) fn staff_email(&self, email: &str) -> String {
        format!(
            "{}:staff:{{staff}}:email:{}",
            self.ns,
            self.pseudonyms.of(email)
        )
    }
    pub(super) fn invitation(&self, digest: &TokenDigest) -> String {
        format!("{}:staff:invite:{}", self.ns, digest.to_hex())
    }
    pub(super) fn staff_session(&self, digest: &TokenDigest) -> String {
        format!("{}:staff:session:{}", self.ns, digest.to_hex())
    }
    /// Failed logins under a login name (a hash of `count` and `last` ms), by its pseudonym.
    pub(super) fn login_failures(&self, email: &str) -> String {
        format!("{}:staff:failures:{}", self.ns, self.pseudonyms.of(email))
    }
    /// The access log: a list, oldest first.
    pub(super) fn access_log(&self) -> String {
        format!("{}:staff:access", self.ns)
    }

    /// The one-time upgrade steps already done.
    pub(super) fn migrations(&self) -> String {
        format!("{}:migrations", self.ns)
    }
}

/// Escapes the glob characters of a `SCAN MATCH` pattern, so a namespace is matched literally.
fn glob_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
