//! The debtor's own changes to how they are reached: a new phone number or e-mail address takes
//! effect only once the code sent to it is typed back on the case page (so a typo, or someone
//! holding the link, cannot move another person's messages elsewhere), and the postal address
//! the debtor gives, which takes effect at once (nothing can be sent to prove it).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::case::Case;
use super::contact::{EmailAddress, PhoneNumber};
use super::event::Actor;
use super::ids::MessageId;
use super::message::{Channel, Recipient};
use super::text::{TextError, TextRule, agency_text};

/// How long a code can be typed back: long enough to switch apps and read an e-mail, short
/// enough that a code seen over someone's shoulder later is useless.
pub const CODE_VALID_FOR_MINUTES: i64 = 15;
/// Wrong codes before the change must be asked for again: with six digits, five guesses give a
/// one-in-200,000 chance.
pub const MAX_WRONG_CODES: u32 = 5;
/// Codes one case may have sent within a day: each goes to whoever owns the address typed, so
/// the page must not become a way to send many messages to a stranger.
pub const MAX_CODES_PER_DAY: usize = 3;
pub const CODE_DIGITS: usize = 6;

pub const STREET: TextRule = TextRule::line(100).required();
pub const CITY: TextRule = TextRule::line(50).required();

/// Where letters reach the debtor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostalAddress {
    /// Street and number, or a post box.
    pub street: String,
    pub postcode: String,
    pub city: String,
    /// ISO 3166-1 alpha-2, upper case (`NO`).
    pub country: String,
}

/// Why an address was refused; each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("street {0}")]
    Street(TextError),
    #[error(
        "postcode must be four digits in Norway, and 2 to 10 letters, digits, spaces or hyphens elsewhere"
    )]
    Postcode,
    #[error("city {0}")]
    City(TextError),
    #[error("country must be a two-letter country code such as NO")]
    Country,
}

impl AddressError {
    pub fn field(&self) -> &'static str {
        match self {
            AddressError::Street(_) => "street",
            AddressError::Postcode => "postcode",
            AddressError::City(_) => "city",
            AddressError::Country => "country",
        }
    }
}

impl PostalAddress {
    /// An address as typed: trimmed, the postcode's case and the country's case normalised.
    pub fn parse(
        street: &str,
        postcode: &str,
        city: &str,
        country: &str,
    ) -> Result<PostalAddress, AddressError> {
        let country = country.trim().to_ascii_uppercase();
        let country = if country.is_empty() {
            "NO".to_owned()
        } else {
            country
        };
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(AddressError::Country);
        }
        let street = agency_text(street, STREET).map_err(AddressError::Street)?;
        let city = agency_text(city, CITY).map_err(AddressError::City)?;
        let postcode = postcode.trim().to_ascii_uppercase();
        let valid = if country == "NO" {
            postcode.len() == 4 && postcode.bytes().all(|b| b.is_ascii_digit())
        } else {
            (2..=10).contains(&postcode.len())
                && postcode
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-')
                && postcode.bytes().any(|b| b.is_ascii_alphanumeric())
        };
        if !valid {
            return Err(AddressError::Postcode);
        }
        Ok(PostalAddress {
            street,
            postcode,
            city,
            country,
        })
    }
}

/// A phone number or e-mail address the debtor wants to be reached at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum NewContact {
    Phone(PhoneNumber),
    Email(EmailAddress),
}

impl NewContact {
    pub fn recipient(&self) -> Recipient {
        match self {
            NewContact::Phone(p) => Recipient::Sms(p.clone()),
            NewContact::Email(e) => Recipient::Email(e.clone()),
        }
    }

    /// What it replaces, as the event and the audit name it (never the value).
    pub fn field(&self) -> &'static str {
        match self {
            NewContact::Phone(_) => "phone",
            NewContact::Email(_) => "email",
        }
    }

    /// The text the code is signed over: the case, this request and where it goes, so a code
    /// proves only this change.
    pub fn signed_text(&self, case: &str, nonce: &str) -> String {
        let to = match self {
            NewContact::Phone(p) => p.e164(),
            NewContact::Email(e) => e.as_str(),
        };
        format!("{case}\u{0}{nonce}\u{0}{}\u{0}{to}", self.field())
    }
}

/// A change waiting for its code. The code itself is never stored: it is derived from the link
/// keys over [`NewContact::signed_text`], so a copy of the store does not reveal it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingContactChange {
    pub new: NewContact,
    /// Random per request: a new request makes a new code.
    pub nonce: String,
    /// The link key the code was made with.
    pub key_id: u8,
    pub requested_at: DateTime<Utc>,
    #[serde(default)]
    pub wrong_codes: u32,
    /// The message that carries the code.
    pub message_id: MessageId,
}

impl PendingContactChange {
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.requested_at + Duration::minutes(CODE_VALID_FOR_MINUTES)
    }

    /// Whether a code can still confirm it.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at() && self.wrong_codes < MAX_WRONG_CODES
    }
}

/// What the debtor changed themselves, on the case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingContactChange>,
    /// When codes were sent (the last day's): [`MAX_CODES_PER_DAY`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes_sent: Vec<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<PostalAddress>,
    /// The notices of confirmed changes to the addresses they replaced: queued before the
    /// change is written, so a crash cannot lose one, and sent only when its id is here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub change_notices: Vec<MessageId>,
}

/// Why a change was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("that is already how the debtor is reached")]
    Unchanged,
    #[error("{MAX_CODES_PER_DAY} codes were sent in the last day; try again later")]
    TooManyCodes { again_at: DateTime<Utc> },
}

/// Why a code did not confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmError {
    #[error("no change waits for a code")]
    NothingWaiting,
    #[error("the code has expired or was typed wrong too often; ask for a new one")]
    Expired,
    #[error("a code is {CODE_DIGITS} digits")]
    Malformed,
    #[error("wrong code; {left} tries left")]
    Wrong { left: u32 },
}

/// The digits of a code as typed ("123 456", "123-456"): `None` unless exactly six digits.
pub fn typed_code(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
        .collect();
    (digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Six digits from a MAC, evenly enough spread (the bias of 2^32 mod 10^6 is below 0.03 %).
pub fn code_from_mac(mac: &[u8]) -> String {
    let mut first = [0u8; 4];
    for (slot, byte) in first.iter_mut().zip(mac) {
        *slot = *byte;
    }
    format!("{:06}", u32::from_be_bytes(first) % 1_000_000)
}

impl ContactChanges {
    pub fn is_empty(&self) -> bool {
        self.pending.is_none()
            && self.codes_sent.is_empty()
            && self.postal_address.is_none()
            && self.change_notices.is_empty()
    }

    /// Starts a change to `new` (replacing one that waited), unless it changes nothing or the
    /// day's codes are used up. `current` is how the debtor is reached on that channel now.
    pub fn request(
        &mut self,
        new: NewContact,
        current: Option<&Recipient>,
        nonce: String,
        key_id: u8,
        message_id: MessageId,
        now: DateTime<Utc>,
    ) -> Result<&PendingContactChange, RequestError> {
        if current == Some(&new.recipient()) {
            return Err(RequestError::Unchanged);
        }
        let day_ago = now - Duration::days(1);
        self.codes_sent.retain(|at| *at > day_ago);
        if self.codes_sent.len() >= MAX_CODES_PER_DAY {
            let oldest = self.codes_sent.iter().min().copied().unwrap_or(now);
            return Err(RequestError::TooManyCodes {
                again_at: oldest + Duration::days(1),
            });
        }
        self.codes_sent.push(now);
        Ok(self.pending.insert(PendingContactChange {
            new,
            nonce,
            key_id,
            requested_at: now,
            wrong_codes: 0,
            message_id,
        }))
    }

    /// Whether the code message `message` to `recipient` is still worth sending: it is the
    /// one the live change asked for (an older request's code message to the same address,
    /// still queued, would only send the new code twice).
    pub fn awaits(&self, message: &MessageId, recipient: &Recipient, now: DateTime<Utc>) -> bool {
        self.pending.as_ref().is_some_and(|p| {
            p.is_live(now) && p.message_id == *message && &p.new.recipient() == recipient
        })
    }

    /// The live change, if any.
    pub fn live(&self, now: DateTime<Utc>) -> Option<&PendingContactChange> {
        self.pending.as_ref().filter(|p| p.is_live(now))
    }

    /// Checks `typed` against the code `expected` gives for the waiting change (`None` when its
    /// key is no longer configured) in constant time; a right code ends the wait and returns
    /// the change, a wrong one counts.
    pub fn confirm(
        &mut self,
        typed: &str,
        expected: impl FnOnce(&PendingContactChange) -> Option<String>,
        now: DateTime<Utc>,
    ) -> Result<NewContact, ConfirmError> {
        let Some(pending) = self.pending.as_mut() else {
            return Err(ConfirmError::NothingWaiting);
        };
        if !pending.is_live(now) {
            return Err(ConfirmError::Expired);
        }
        let Some(typed) = typed_code(typed) else {
            return Err(ConfirmError::Malformed);
        };
        let Some(expected) = expected(pending) else {
            return Err(ConfirmError::Expired);
        };
        if bool::from(typed.as_bytes().ct_eq(expected.as_bytes())) {
            let done = self.pending.take().map(|p| p.new);
            return done.ok_or(ConfirmError::NothingWaiting);
        }
        pending.wrong_codes += 1;
        match MAX_WRONG_CODES.saturating_sub(pending.wrong_codes) {
            0 => Err(ConfirmError::Expired),
            left => Err(ConfirmError::Wrong { left }),
        }
    }

    /// Erasure: nothing of where the debtor lives or is reached stays.
    pub fn erase(&mut self) {
        *self = ContactChanges::default();
    }
}

impl Case {
    /// How the debtor is reached on `channel` now.
    pub fn contact_on(&self, channel: Channel) -> Option<Recipient> {
        match channel {
            Channel::Sms => self.debtor.phone.clone().map(Recipient::Sms),
            Channel::Email => self.debtor.email.clone().map(Recipient::Email),
        }
    }

    /// A confirmed change takes effect: the debtor is reached there from now on. Returns the
    /// number or address it replaced (when there was one, and it differs), which is told of
    /// the change.
    pub fn take_contact(&mut self, new: NewContact, now: DateTime<Utc>) -> Option<Recipient> {
        let field = new.field();
        let replaced = match new {
            NewContact::Phone(p) => self.debtor.phone.replace(p).map(Recipient::Sms),
            NewContact::Email(e) => self.debtor.email.replace(e).map(Recipient::Email),
        };
        self.updated_at = now;
        self.record(Actor::Debtor, "contact.updated", field, now);
        let now_reached = replaced.as_ref().and_then(|r| self.contact_on(r.channel()));
        replaced.filter(|old| Some(old) != now_reached.as_ref())
    }

    /// The debtor's postal address takes effect.
    pub fn take_postal_address(&mut self, address: PostalAddress, now: DateTime<Utc>) {
        self.contact_changes.postal_address = Some(address);
        self.updated_at = now;
        self.record(Actor::Debtor, "contact.updated", "postal_address", now);
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0)
            .single()
            .expect("time")
            + Duration::minutes(minute)
    }

    fn phone(n: &str) -> NewContact {
        NewContact::Phone(PhoneNumber::parse(n).expect("phone"))
    }

    fn started(changes: &mut ContactChanges, now: DateTime<Utc>) {
        changes
            .request(
                phone("+4791234567"),
                None,
                "n1".into(),
                1,
                MessageId::generate(),
                now,
            )
            .expect("started");
    }

    #[test]
    fn a_taken_contact_names_the_one_it_replaced_and_only_a_different_one() {
        let mut case = crate::domain::case::tests::sample_case();
        case.debtor.phone = Some(PhoneNumber::parse("+4791234567").expect("phone"));
        let old = case.take_contact(phone("+4741234567"), at(0));
        assert!(matches!(old, Some(Recipient::Sms(p)) if p.e164() == "+4791234567"));
        assert_eq!(
            case.take_contact(phone("+4741234567"), at(1)),
            None,
            "the same number again replaces nothing"
        );
        case.debtor.email = None;
        let email = NewContact::Email(EmailAddress::parse("ola@example.no").expect("email"));
        assert_eq!(
            case.take_contact(email, at(2)),
            None,
            "a first address replaces nothing"
        );
    }

    #[test]
    fn a_right_code_confirms_once_and_a_wrong_one_counts_down() {
        let mut c = ContactChanges::default();
        started(&mut c, at(0));
        let code = |_: &PendingContactChange| Some("123456".to_owned());
        assert_eq!(
            c.confirm("000000", code, at(1)),
            Err(ConfirmError::Wrong { left: 4 })
        );
        assert_eq!(
            c.confirm("12345", code, at(1)),
            Err(ConfirmError::Malformed)
        );
        assert_eq!(c.confirm("123 456", code, at(2)), Ok(phone("+4791234567")));
        assert_eq!(
            c.confirm("123456", code, at(2)),
            Err(ConfirmError::NothingWaiting),
            "a code confirms once"
        );
    }

    #[test]
    fn five_wrong_codes_or_fifteen_minutes_end_the_wait() {
        let mut c = ContactChanges::default();
        started(&mut c, at(0));
        let code = |_: &PendingContactChange| Some("123456".to_owned());
        for left in (1..MAX_WRONG_CODES).rev() {
            assert_eq!(
                c.confirm("000000", code, at(1)),
                Err(ConfirmError::Wrong { left })
            );
        }
        assert_eq!(c.confirm("000000", code, at(1)), Err(ConfirmError::Expired));
        assert_eq!(
            c.confirm("123456", code, at(1)),
            Err(ConfirmError::Expired),
            "the right code no longer helps"
        );

        let mut c = ContactChanges::default();
        started(&mut c, at(0));
        let asked = c.live(at(0)).expect("live").message_id.clone();
        let to = phone("+4791234567").recipient();
        assert!(c.awaits(&asked, &to, at(14)));
        assert!(
            !c.awaits(&MessageId::generate(), &to, at(14)),
            "another code message to the same number is not the one asked for"
        );
        assert_eq!(
            c.confirm("123456", code, at(15)),
            Err(ConfirmError::Expired)
        );
        assert!(!c.awaits(&asked, &to, at(15)));
    }

    #[test]
    fn three_codes_a_day_and_none_for_the_contact_already_there() {
        let mut c = ContactChanges::default();
        let current = phone("+4791234567").recipient();
        assert_eq!(
            c.request(
                phone("+47 912 34 567"),
                Some(&current),
                "n".into(),
                1,
                MessageId::generate(),
                at(0)
            )
            .err(),
            Some(RequestError::Unchanged)
        );
        for i in 0..MAX_CODES_PER_DAY as i64 {
            started(&mut c, at(i));
        }
        let refused = c.request(
            phone("+4798765432"),
            None,
            "n".into(),
            1,
            MessageId::generate(),
            at(60),
        );
        assert_eq!(
            refused.err(),
            Some(RequestError::TooManyCodes {
                again_at: at(0) + Duration::days(1)
            })
        );
        started(&mut c, at(0) + Duration::days(1) + Duration::minutes(1));
    }

    #[test]
    fn addresses_are_checked_field_by_field() {
        let a = PostalAddress::parse(" Storgata 1 ", "0155", "Oslo", "").expect("address");
        assert_eq!(a.street, "Storgata 1");
        assert_eq!(a.country, "NO");
        assert_eq!(
            PostalAddress::parse("Storgata 1", "155", "Oslo", "no").map_err(|e| e.field()),
            Err("postcode")
        );
        assert_eq!(
            PostalAddress::parse("", "0155", "Oslo", "NO").map_err(|e| e.field()),
            Err("street")
        );
        assert_eq!(
            PostalAddress::parse("ul. Długa 5", "00-238", "Warszawa", "pl").map(|a| a.country),
            Ok("PL".to_owned())
        );
        assert_eq!(
            PostalAddress::parse("x", "0155", "Oslo", "Norway").map_err(|e| e.field()),
            Err("country")
        );
        assert_eq!(
            PostalAddress::parse("x", "0155", "", "NO").map_err(|e| e.field()),
            Err("city")
        );
    }

    #[test]
    fn the_signed_text_binds_case_request_channel_and_address() {
        let p = phone("+4791234567");
        assert_ne!(p.signed_text("cs_1", "a"), p.signed_text("cs_2", "a"));
        assert_ne!(p.signed_text("cs_1", "a"), p.signed_text("cs_1", "b"));
        assert_ne!(
            p.signed_text("cs_1", "a"),
            phone("+4798765432").signed_text("cs_1", "a")
        );
    }

    proptest! {
        #[test]
        fn a_code_is_always_six_digits(mac in proptest::collection::vec(any::<u8>(), 0..40)) {
            let code = code_from_mac(&mac);
            prop_assert_eq!(code.len(), CODE_DIGITS);
            prop_assert!(typed_code(&code).is_some());
        }

        #[test]
        fn only_six_digits_are_a_code(raw in "\\PC{0,12}") {
            if let Some(code) = typed_code(&raw) {
                prop_assert_eq!(code.len(), CODE_DIGITS);
                prop_assert!(code.bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
