//! Every Redis key name the backend uses, built here and nowhere else.
//!
//! All start with the namespace (which holds no brace: `config::validate` refuses one), so the
//! first `{…}` of a name is always one of these hash tags, and Redis Cluster keeps every key of
//! one tag on one slot:
//!
//! - `{cs_…}`, the case id: the case, its indexes (events, answers, links, messages), its
//!   applied payment references and its debtor sessions (a page reads one with the case in one
//!   round trip). Every case-writing script touches only these.
//! - `{a:<agency>}`: the agency's outbox (stream, payloads, staged events), its case list and
//!   its external-reference index (so a reference is claimed and listed in one step), and its
//!   debtor-address index (a debtor's addresses are read in one step).
//! - `{q:<n>}`: one shard of the message queue (due and leased), `n` below the shard count.
//!   A case's messages all go to one shard ([`Keys::shard_of`]), so they keep their order.
//!
//! The namespace sits outside the braces: two namespaces' keys of one tag share a slot, which
//! costs nothing (they are still different keys) and lets a tag be built without it.
//! Every other key is touched alone (its whole name is hashed). A multi-key step that would span
//! two tags is split into single-tag steps in a crash-safe order, documented where it is done.
//!
//! No phone number or address is ever part of a name: those keys hold the value's keyed
//! pseudonym (the `legacy_…` names are the ones earlier versions used, read or moved by the
//! upgrade steps in `migrate.rs`).

use std::fmt::Display;

use crate::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use crate::domain::message::ProviderRef;
use crate::domain::staff::StaffUserId;
use crate::links::TokenDigest;
use crate::store::Pseudonyms;

pub(super) struct Keys {
    ns: String,
    pseudonyms: Pseudonyms,
    /// How many shards the message queue is split into (at least 1).
    shards: u16,
}

/// The hash tag of an agency's keys.
fn agency_tag(agency: &AgencyId) -> String {
    format!("{{a:{agency}}}")
}

impl Keys {
    pub(super) fn new(namespace: &str, pseudonyms: Pseudonyms, shards: u16) -> Keys {
        Keys {
            ns: namespace.to_owned(),
            pseudonyms,
            shards: shards.max(1),
        }
    }

    pub(super) fn shards(&self) -> u16 {
        self.shards
    }

    /// The queue shard a case's messages go to: a stable hash of the case id (SHA-256, not
    /// `DefaultHasher`, whose output may change between Rust releases), so every process
    /// with the same shard count agrees.
    pub(super) fn shard_of(&self, case: &CaseId) -> u16 {
        shard_of(case.as_str(), self.shards)
    }

    // Cases and their indexes.

    /// A case: a hash of its version (`v`), its JSON and, once erased, `answers_closed`.
    pub(super) fn case(&self, id: impl Display) -> String {
        format!("{}:case:{{{id}}}", self.ns)
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
    /// The payment references applied to the case: the part of the once-only check that is
    /// written in the same step as the payment (see `payments.rs`).
    pub(super) fn case_payments(&self, id: &CaseId) -> String {
        format!("{}:case:{{{id}}}:payments", self.ns)
    }
    pub(super) fn agency_cases(&self, agency: &AgencyId) -> String {
        format!("{}:agency:{}:cases", self.ns, agency_tag(agency))
    }
    /// The list as named before hash tags; moved by `migrate`.
    pub(super) fn legacy_agency_cases(&self, agency: &AgencyId) -> String {
        format!("{}:agency:{agency}:cases", self.ns)
    }
    pub(super) fn external_ref(&self, agency: &AgencyId, external_ref: &ExternalRef) -> String {
        format!("{}:ref:{}:{external_ref}", self.ns, agency_tag(agency))
    }
    /// The reference index as named before hash tags; moved by `migrate`, still read.
    pub(super) fn legacy_external_ref(
        &self,
        agency: &AgencyId,
        external_ref: &ExternalRef,
    ) -> String {
        format!("{}:ref:{agency}:{external_ref}", self.ns)
    }
    /// What precedes the agency in [`Keys::legacy_external_ref`].
    pub(super) fn legacy_external_ref_prefix(&self) -> String {
        format!("{}:ref:", self.ns)
    }
    /// A `SCAN MATCH` pattern for every [`Keys::legacy_external_ref`] (not the tagged names).
    pub(super) fn legacy_external_ref_pattern(&self) -> String {
        format!("{}[^{{]*", glob_literal(&self.legacy_external_ref_prefix()))
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
        self.link_hex(&digest.to_hex())
    }
    /// [`Keys::link`] by the hex of the digest (as the case's link index lists them).
    pub(super) fn link_hex(&self, digest_hex: &str) -> String {
        format!("{}:link:{digest_hex}", self.ns)
    }
    /// A debtor session under its case's tag, so a page reads it and the case in one round
    /// trip (also on Cluster). The digest covers the case id the cookie carries.
    pub(super) fn case_session(&self, case: &CaseId, digest: &TokenDigest) -> String {
        format!("{}:case:{{{case}}}:session:{}", self.ns, digest.to_hex())
    }
    /// A session as named before it carried its case (an older cookie's): on its own slot,
    /// still read until it expires (at most the session's idle time after the upgrade).
    pub(super) fn legacy_session(&self, digest: &TokenDigest) -> String {
        format!("{}:session:{}", self.ns, digest.to_hex())
    }
    /// Where the session `at` is kept.
    pub(super) fn session(&self, at: &crate::store::SessionRef) -> String {
        match &at.case {
            Some(case) => self.case_session(case, &at.digest),
            None => self.legacy_session(&at.digest),
        }
    }

    // The message queue.

    /// A message's record, on its own slot (looked up by id alone).
    pub(super) fn message(&self, id: impl Display) -> String {
        format!("{}:msg:{id}", self.ns)
    }
    /// Shard `shard`'s due messages, scored by when they may go.
    pub(super) fn due(&self, shard: u16) -> String {
        format!("{}:queue:{{q:{shard}}}:due", self.ns)
    }
    /// Shard `shard`'s leased messages, scored by when the lease runs out.
    pub(super) fn leased(&self, shard: u16) -> String {
        format!("{}:queue:{{q:{shard}}}:leased", self.ns)
    }
    /// The shard count the queue is laid out in, so a start with another count moves it over.
    pub(super) fn queue_layout(&self) -> String {
        format!("{}:queue:shards", self.ns)
    }
    /// The one due queue of the versions before shards; emptied into the shards by `migrate`.
    pub(super) fn legacy_due(&self) -> String {
        format!("{}:queue:due", self.ns)
    }
    pub(super) fn legacy_leased(&self) -> String {
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

    /// The overview's day counts of `tally` for the agency or one of its creditors.
    pub(super) fn tally(
        &self,
        agency: &AgencyId,
        tally: crate::store::Tally,
        creditor: Option<&CreditorId>,
    ) -> String {
        format!(
            "{}:tally:{}:{}:{}",
            self.ns,
            agency_tag(agency),
            tally.name(),
            crate::store::tally_scope(creditor)
        )
    }
    /// The A/B counts of `creditor`'s journey at the agency: one hash, a field per step,
    /// variant and count.
    pub(super) fn journey_counts(&self, agency: &AgencyId, creditor: &CreditorId) -> String {
        format!("{}:jcount:{}:{creditor}", self.ns, agency_tag(agency))
    }
    /// The agency's cases given one debtor address, by the address's pseudonym
    /// (`store::debtor_cases`).
    pub(super) fn debtor_cases(&self, agency: &AgencyId, pseudonym: &str) -> String {
        format!("{}:dcases:{}:{pseudonym}", self.ns, agency_tag(agency))
    }
    /// One Redis stream per agency: its entry ids are the event cursors.
    pub(super) fn events(&self, agency: &AgencyId) -> String {
        format!("{}:events:{}", self.ns, agency_tag(agency))
    }
    /// The payloads of the agency's events, by event id (see publish_events.lua).
    pub(super) fn event_data(&self, agency: &AgencyId) -> String {
        format!("{}:eventdata:{}", self.ns, agency_tag(agency))
    }
    /// Events of case writes under way, by event id, until they are published (see `events.rs`).
    pub(super) fn event_stage(&self, agency: &AgencyId) -> String {
        format!("{}:eventstage:{}", self.ns, agency_tag(agency))
    }
    /// The stream and payloads as named before hash tags; moved by `migrate`.
    pub(super) fn legacy_events(&self, agency: &AgencyId) -> String {
        format!("{}:events:{agency}", self.ns)
    }
    pub(super) fn legacy_event_data(&self, agency: &AgencyId) -> String {
        format!("{}:eventdata:{agency}", self.ns)
    }

    // Payments, webhooks, idempotency.

    /// A provider or bank reference, claimed for one case (see `payments.rs`).
    pub(super) fn payment(&self, reference: &str) -> String {
        format!("{}:payment:{reference}", self.ns)
    }
    pub(super) fn webhook(&self, agency: &AgencyId) -> String {
        format!("{}:webhook:{agency}", self.ns)
    }
    pub(super) fn webhook_setting(&self, agency: &AgencyId) -> String {
        format!("{}:webhook-setting:{agency}", self.ns)
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
    /// A creditor's journey as replaced through the API (one key, read and written alone).
    pub(super) fn journey(&self, creditor: &CreditorId) -> String {
        format!("{}:journey:{creditor}", self.ns)
    }
    /// A creditor's mandate versions, oldest first (one list, appended to by one script).
    pub(super) fn mandate_versions(&self, creditor: &CreditorId) -> String {
        format!("{}:mandate-versions:{creditor}", self.ns)
    }
    /// A creditor's journey versions, oldest first (as [`Keys::mandate_versions`]).
    pub(super) fn journey_versions(&self, creditor: &CreditorId) -> String {
        format!("{}:journey-versions:{creditor}", self.ns)
    }

    // Staff: users and their address index share the `{staff}` tag, so creating a user (both
    // keys, one script) stays on one Cluster slot. Addresses appear only as pseudonyms.

    pub(super) fn staff_user(&self, id: &StaffUserId) -> String {
        format!("{}:staff:{{staff}}:user:{id}", self.ns)
    }
    /// The ids of every user (a set), for an admin's list of users.
    pub(super) fn staff_users(&self) -> String {
        format!("{}:staff:{{staff}}:users", self.ns)
    }
    /// What `SCAN` finds every user by, for the one-time index of users made before it.
    pub(super) fn staff_user_pattern(&self) -> String {
        format!("{}:staff:{{staff}}:user:*", self.ns)
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

/// The shard of `id` among `shards`.
pub(super) fn shard_of(id: &str, shards: u16) -> u16 {
    let digest = <sha2::Sha256 as sha2::Digest>::digest(id.as_bytes());
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(head) % u64::from(shards.max(1))) as u16
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

#[cfg(test)]
mod tests {
    use super::*;
    use redis::cluster_routing::get_slot;

    fn keys(shards: u16) -> Keys {
        let pseudonyms = Pseudonyms::from_hex(&"ab".repeat(32)).expect("key");
        Keys::new("innfri-test", pseudonyms, shards)
    }

    fn one_slot(names: &[String]) {
        let slots: Vec<u16> = names.iter().map(|n| get_slot(n.as_bytes())).collect();
        assert!(
            slots.windows(2).all(|w| w[0] == w[1]),
            "one slot for {names:?}: {slots:?}"
        );
    }

    /// What each multi-key script and transaction touches shares one Cluster slot.
    #[test]
    fn the_keys_of_each_step_share_a_slot() {
        let keys = keys(16);
        let case = CaseId::generate();
        one_slot(&[
            keys.case(&case),
            keys.case_events(&case),
            keys.case_answers(&case),
            keys.case_links(&case),
            keys.case_messages(&case),
            keys.case_payments(&case),
        ]);
        let agency = AgencyId::parse("agency-a").expect("id");
        let reference = ExternalRef::parse("2026/001-A").expect("ref");
        one_slot(&[
            keys.events(&agency),
            keys.event_data(&agency),
            keys.event_stage(&agency),
            keys.agency_cases(&agency),
            keys.external_ref(&agency, &reference),
        ]);
        for shard in 0..keys.shards() {
            one_slot(&[keys.due(shard), keys.leased(shard)]);
        }
    }

    /// Another namespace keeps the slots (the namespace is outside the braces).
    #[test]
    fn the_namespace_does_not_move_a_tag() {
        let (a, b) = (keys(4), Keys::new("other", keys(4).pseudonyms, 4));
        let case = CaseId::generate();
        assert_eq!(
            get_slot(a.case(&case).as_bytes()),
            get_slot(b.case(&case).as_bytes())
        );
    }

    /// Cases spread over every shard, each always to the same one, and one shard is one queue.
    #[test]
    fn cases_spread_over_the_shards_and_stay_in_theirs() {
        let keys = keys(16);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1_000 {
            let case = CaseId::generate();
            let shard = keys.shard_of(&case);
            assert!(shard < 16);
            assert_eq!(shard, keys.shard_of(&case));
            seen.insert(shard);
        }
        assert_eq!(seen.len(), 16);
        assert_eq!(shard_of("cs_anything", 1), 0);
        assert_eq!(Keys::new("x", keys.pseudonyms, 0).shards(), 1);
    }
}
