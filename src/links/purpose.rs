//! Tags that sign values other than link tokens (an e-mail's unsubscribe URL) with the link keys,
//! under a purpose separator: a tag made for one purpose verifies for no other, nor as a link.
//! Same rotation as links: the key id travels in the tag, and every configured key verifies.

use hmac::Mac;
use subtle::ConstantTimeEq;

use super::base62::{decode_fixed, encode_fixed};
use super::token::LinkKeys;
use crate::domain::contact_change::code_from_mac;

/// Binds these tags to this scheme, apart from link tokens (`innfri.link.v1`).
const DOMAIN: &[u8] = b"innfri.purpose.v1";
/// 128 bits: a tag is checked without any attempt limit.
const MAC_LEN: usize = 16;
const RAW_LEN: usize = 1 + MAC_LEN;
/// Base62 digits of key id and MAC.
const TAG_LEN: usize = 23;

/// What a tag is for; each has its own separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The one-click unsubscribe URL of an e-mail, over the message id.
    Unsubscribe,
    /// The cookie that carries a staff sign-in by an identity provider, over its contents.
    StaffSso,
    /// The code that confirms a debtor's new phone number or e-mail address.
    ContactCode,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Unsubscribe => b"unsubscribe",
            Purpose::StaffSso => b"staff-sso",
            Purpose::ContactCode => b"contact-code",
        }
    }
}

fn mac(key: &hmac::Hmac<sha2::Sha256>, purpose: Purpose, data: &str) -> [u8; MAC_LEN] {
    let mut mac = key.clone();
    mac.update(DOMAIN);
    mac.update(&[0]);
    mac.update(purpose.label());
    mac.update(&[0]);
    mac.update(data.as_bytes());
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; MAC_LEN];
    out.copy_from_slice(&full[..MAC_LEN]);
    out
}

impl LinkKeys {
    /// A tag over `data` for `purpose`, under the signing key: 23 base62 characters.
    pub fn purpose_tag(&self, purpose: Purpose, data: &str) -> String {
        let (id, key) = self.signing();
        let mut raw = [0u8; RAW_LEN];
        raw[0] = id;
        raw[1..].copy_from_slice(&mac(key, purpose, data));
        encode_fixed::<RAW_LEN, TAG_LEN>(&raw)
    }

    /// Whether `tag` was made by [`LinkKeys::purpose_tag`] for this purpose and data under
    /// any configured key; compared in constant time.
    pub fn verify_purpose_tag(&self, purpose: Purpose, data: &str, tag: &str) -> bool {
        let Some(raw) = decode_fixed::<RAW_LEN, TAG_LEN>(tag) else {
            return false;
        };
        let Some(key) = self.key(raw[0]) else {
            return false;
        };
        mac(key, purpose, data).ct_eq(&raw[1..]).into()
    }

    /// A contact change's six-digit code over `data` under the signing key, with that key's id
    /// (kept with the change, so a rotation does not end a wait).
    pub fn contact_code(&self, data: &str) -> (u8, String) {
        let (id, key) = self.signing();
        (id, code_from_mac(&mac(key, Purpose::ContactCode, data)))
    }

    /// The code [`LinkKeys::contact_code`] made under key `key_id`; `None` once that key is
    /// no longer configured.
    pub fn contact_code_with(&self, key_id: u8, data: &str) -> Option<String> {
        let key = self.key(key_id)?;
        Some(code_from_mac(&mac(key, Purpose::ContactCode, data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretBox;

    fn keys(ids: &[u8], signing: u8) -> LinkKeys {
        LinkKeys::new(
            ids.iter()
                .map(|&id| (id, SecretBox::new(vec![id; 32].into_boxed_slice())))
                .collect(),
            signing,
        )
        .expect("keys")
    }

    #[test]
    fn a_tag_verifies_for_its_data_and_purpose_only() {
        let k = keys(&[1], 1);
        let tag = k.purpose_tag(Purpose::Unsubscribe, "msg_1");
        assert_eq!(tag.len(), TAG_LEN);
        assert!(k.verify_purpose_tag(Purpose::Unsubscribe, "msg_1", &tag));
        assert!(!k.verify_purpose_tag(Purpose::Unsubscribe, "msg_2", &tag));
        assert!(!k.verify_purpose_tag(Purpose::Unsubscribe, "msg_1", "x"));
        assert!(!k.verify_purpose_tag(Purpose::Unsubscribe, "msg_1", ""));
        let mut changed = tag.clone().into_bytes();
        changed[TAG_LEN - 1] = if changed[TAG_LEN - 1] == b'a' {
            b'b'
        } else {
            b'a'
        };
        let changed = String::from_utf8(changed).expect("ascii");
        assert!(!k.verify_purpose_tag(Purpose::Unsubscribe, "msg_1", &changed));
        assert!(
            k.verify(&tag).is_err(),
            "not a link token either (length and domain differ)"
        );
    }

    #[test]
    fn a_contact_code_is_six_digits_per_data_and_key_and_outlives_a_rotation() {
        let before = keys(&[1], 1);
        let (id, code) = before.contact_code("cs_1/n1/+4791234567");
        assert_eq!((id, code.len()), (1, 6));
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(before.contact_code("cs_1/n2/+4791234567").1, code);
        let rotated = keys(&[1, 2], 2);
        assert_eq!(
            rotated.contact_code_with(id, "cs_1/n1/+4791234567"),
            Some(code.clone())
        );
        assert_ne!(rotated.contact_code("cs_1/n1/+4791234567").1, code);
        assert_eq!(
            keys(&[2], 2).contact_code_with(1, "cs_1/n1/+4791234567"),
            None
        );
    }

    #[test]
    fn old_keys_still_verify_after_rotation_and_unknown_ones_do_not() {
        let before = keys(&[1], 1);
        let tag = before.purpose_tag(Purpose::Unsubscribe, "msg_1");
        let rotated = keys(&[1, 2], 2);
        assert!(rotated.verify_purpose_tag(Purpose::Unsubscribe, "msg_1", &tag));
        assert_ne!(rotated.purpose_tag(Purpose::Unsubscribe, "msg_1"), tag);
        let retired = keys(&[2], 2);
        assert!(!retired.verify_purpose_tag(Purpose::Unsubscribe, "msg_1", &tag));
    }
}
