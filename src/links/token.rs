//! Link tokens: issuing and verifying HMAC-tagged tokens under rotating keys.

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::base62::{decode_fixed, encode_fixed};

type HmacSha256 = Hmac<Sha256>;

/// Binds tags to this token format, so the keys cannot be abused to sign
/// anything else.
const DOMAIN: &[u8] = b"innfri.link.v1";
const RANDOM_LEN: usize = 12;
const TAG_LEN: usize = 5;
/// Key id followed by the random part: what the tag covers.
const BODY_LEN: usize = 1 + RANDOM_LEN;
const RAW_LEN: usize = BODY_LEN + TAG_LEN;
/// Characters of a token in a link (`/k/{token}`): what an SMS must leave room for.
pub const TOKEN_LEN: usize = 25;
const MIN_KEY_LEN: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("malformed link token")]
    Malformed,
    #[error("link token signed with an unknown key")]
    UnknownKey,
    #[error("link token signature does not match")]
    BadSignature,
    #[error("invalid link key set: {0}")]
    InvalidKeySet(String),
}

/// The keys that verify link tokens, one of which also signs new ones.
pub struct LinkKeys {
    // Keyed HMAC states rather than raw secrets: keying cannot fail after
    // construction, and the caller's SecretBoxes are zeroized when dropped.
    keys: BTreeMap<u8, HmacSha256>,
    signing_key_id: u8,
    signing_key: HmacSha256,
}

impl LinkKeys {
    /// keys: (key id, secret bytes ≥ 32). Errors if empty, duplicate id, a
    /// key shorter than 32 bytes, or signing id not among them.
    pub fn new(
        keys: Vec<(u8, SecretBox<[u8]>)>,
        signing_key_id: u8,
    ) -> Result<LinkKeys, LinkError> {
        if keys.is_empty() {
            return Err(LinkError::InvalidKeySet("no keys given".to_owned()));
        }
        let mut keyed = BTreeMap::new();
        for (id, secret) in keys {
            let secret = secret.expose_secret();
            if secret.len() < MIN_KEY_LEN {
                return Err(LinkError::InvalidKeySet(format!(
                    "key {id} is shorter than {MIN_KEY_LEN} bytes"
                )));
            }
            let mac = HmacSha256::new_from_slice(secret).map_err(|_| {
                LinkError::InvalidKeySet(format!("key {id} cannot key HMAC-SHA256"))
            })?;
            if keyed.insert(id, mac).is_some() {
                return Err(LinkError::InvalidKeySet(format!("duplicate key id {id}")));
            }
        }
        let signing_key = keyed.get(&signing_key_id).cloned().ok_or_else(|| {
            LinkError::InvalidKeySet(format!(
                "signing key id {signing_key_id} is not among the keys"
            ))
        })?;
        Ok(LinkKeys {
            keys: keyed,
            signing_key_id,
            signing_key,
        })
    }

    /// A fresh signed token under the signing key.
    pub fn issue(&self) -> LinkToken {
        let mut raw = [0u8; RAW_LEN];
        let (body, tag) = raw.split_at_mut(BODY_LEN);
        let (key_id, random) = body.split_at_mut(1);
        key_id.fill(self.signing_key_id);
        OsRng.fill_bytes(random);
        tag.copy_from_slice(&compute_tag(&self.signing_key, body));
        LinkToken(encode_fixed::<RAW_LEN, TOKEN_LEN>(&raw))
    }

    /// Parses and verifies a token from a URL path segment; any failure (bad
    /// length/alphabet, unknown key id, wrong tag) is Err, and callers treat
    /// every Err the same.
    pub fn verify(&self, raw: &str) -> Result<LinkToken, LinkError> {
        let bytes = decode_fixed::<RAW_LEN, TOKEN_LEN>(raw).ok_or(LinkError::Malformed)?;
        let (body, tag) = bytes.split_at(BODY_LEN);
        let [key_id, ..] = bytes;
        let key = self.keys.get(&key_id).ok_or(LinkError::UnknownKey)?;
        if bool::from(compute_tag(key, body).ct_eq(tag)) {
            // Decoding is one-to-one, so the input is already the canonical text.
            Ok(LinkToken(raw.to_owned()))
        } else {
            Err(LinkError::BadSignature)
        }
    }
}

impl LinkKeys {
    /// The key that signs new tokens, with its id: also what signs other values (`purpose`).
    pub(super) fn signing(&self) -> (u8, &Hmac<Sha256>) {
        (self.signing_key_id, &self.signing_key)
    }

    /// The key with this id, if it is still among the keys.
    pub(super) fn key(&self, id: u8) -> Option<&Hmac<Sha256>> {
        self.keys.get(&id)
    }
}

impl fmt::Debug for LinkKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkKeys")
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .field("signing", &self.signing_key_id)
            .finish()
    }
}

/// First bytes of HMAC-SHA256(key, DOMAIN ‖ key id ‖ random).
fn compute_tag(key: &HmacSha256, body: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = key.clone();
    mac.update(DOMAIN);
    mac.update(body);
    let full = mac.finalize().into_bytes();
    let mut tag = [0u8; TAG_LEN];
    tag.copy_from_slice(&full[..TAG_LEN]);
    tag
}

/// A verified or freshly issued link token: 25 base62 characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LinkToken(String);

impl LinkToken {
    /// The 25 characters, for building the URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key_id(&self) -> u8 {
        // Only `issue` and `verify` build a LinkToken, both from a decodable
        // text, so the fallback is never taken.
        decode_fixed::<RAW_LEN, TOKEN_LEN>(&self.0).map_or(0, |[key_id, ..]| key_id)
    }

    /// What the store keys on, so a store dump yields no usable link.
    pub fn digest(&self) -> TokenDigest {
        TokenDigest::of(&self.0)
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(4).collect();
        f.debug_tuple("LinkToken")
            .field(&format!("{prefix}…"))
            .finish()
    }
}

/// SHA-256 of a secret's text: safe to store and look up by.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    /// SHA-256 of the UTF-8 text.
    pub fn of(text: &str) -> TokenDigest {
        TokenDigest(Sha256::digest(text.as_bytes()).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Option<TokenDigest> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).ok()?;
        Some(TokenDigest(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TokenDigest").field(&self.to_hex()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    const SECRET_1: &[u8] = b"first-very-secret-link-key-material-0001";
    const SECRET_2: &[u8] = b"second-very-secret-link-key-material-002";

    fn secret(bytes: &[u8]) -> SecretBox<[u8]> {
        SecretBox::from(bytes.to_vec().into_boxed_slice())
    }

    fn keys(ids: &[(u8, &[u8])], signing: u8) -> LinkKeys {
        let keys = ids.iter().map(|&(id, bytes)| (id, secret(bytes))).collect();
        LinkKeys::new(keys, signing).unwrap()
    }

    fn key_set_error(ids: &[(u8, &[u8])], signing: u8) -> LinkError {
        let keys = ids.iter().map(|&(id, bytes)| (id, secret(bytes))).collect();
        LinkKeys::new(keys, signing).unwrap_err()
    }

    /// A token with the given key id and random part, tagged with `key_bytes`.
    fn forge(key_bytes: &[u8], key_id: u8, random: [u8; RANDOM_LEN]) -> String {
        let mut raw = [0u8; RAW_LEN];
        raw[0] = key_id;
        raw[1..BODY_LEN].copy_from_slice(&random);
        let tag = compute_tag(
            &HmacSha256::new_from_slice(key_bytes).unwrap(),
            &raw[..BODY_LEN],
        );
        raw[BODY_LEN..].copy_from_slice(&tag);
        encode_fixed::<RAW_LEN, TOKEN_LEN>(&raw)
    }

    #[test]
    fn issued_tokens_are_25_base62_characters_and_verify() {
        let keys = keys(&[(1, SECRET_1)], 1);
        for _ in 0..200 {
            let token = keys.issue();
            assert_eq!(token.as_str().len(), 25);
            assert!(token.as_str().bytes().all(|c| c.is_ascii_alphanumeric()));
            assert_eq!(token.key_id(), 1);
            assert_eq!(keys.verify(token.as_str()), Ok(token));
        }
    }

    #[test]
    fn issued_tokens_do_not_repeat() {
        let keys = keys(&[(1, SECRET_1)], 1);
        let seen: HashSet<String> = (0..1000)
            .map(|_| keys.issue().as_str().to_owned())
            .collect();
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn the_tag_is_hmac_sha256_over_the_domain_key_id_and_random_part() {
        let keys = keys(&[(9, SECRET_1)], 9);
        let token = keys.issue();
        let raw = decode_fixed::<RAW_LEN, TOKEN_LEN>(token.as_str()).unwrap();
        assert_eq!(raw[0], 9);
        let mut mac = HmacSha256::new_from_slice(SECRET_1).unwrap();
        mac.update(b"innfri.link.v1");
        mac.update(&raw[..13]);
        assert_eq!(&mac.finalize().into_bytes()[..5], &raw[13..]);
    }

    #[test]
    fn every_single_character_change_of_a_valid_token_fails_verification() {
        let keys = keys(&[(1, SECRET_1), (2, SECRET_2)], 1);
        for _ in 0..20 {
            let token = keys.issue();
            let original = token.as_str().as_bytes();
            for position in 0..original.len() {
                for replacement in [b'0', b'1', b'9', b'A', b'Z', b'a', b'y', b'z'] {
                    if original[position] == replacement {
                        continue;
                    }
                    let mut changed = original.to_vec();
                    changed[position] = replacement;
                    let changed = String::from_utf8(changed).unwrap();
                    assert!(keys.verify(&changed).is_err(), "{changed} verified");
                }
            }
        }
    }

    #[test]
    fn a_token_from_a_retired_signing_key_verifies_while_kept_and_fails_once_removed() {
        let before = keys(&[(1, SECRET_1)], 1);
        let old = before.issue();

        let rotated = keys(&[(1, SECRET_1), (2, SECRET_2)], 2);
        assert_eq!(rotated.verify(old.as_str()), Ok(old.clone()));
        let new = rotated.issue();
        assert_eq!(new.key_id(), 2);
        assert_eq!(rotated.verify(new.as_str()), Ok(new.clone()));

        let retired = keys(&[(2, SECRET_2)], 2);
        assert_eq!(retired.verify(old.as_str()), Err(LinkError::UnknownKey));
        assert_eq!(retired.verify(new.as_str()), Ok(new));
    }

    #[test]
    fn a_token_with_an_unknown_key_id_fails() {
        let keys = keys(&[(1, SECRET_1)], 1);
        let token = forge(SECRET_1, 7, [3; RANDOM_LEN]);
        assert_eq!(keys.verify(&token), Err(LinkError::UnknownKey));
    }

    #[test]
    fn a_token_tagged_with_another_secret_under_a_known_key_id_fails() {
        let keys = keys(&[(1, SECRET_1)], 1);
        let token = forge(SECRET_2, 1, [3; RANDOM_LEN]);
        assert_eq!(keys.verify(&token), Err(LinkError::BadSignature));
        let genuine = forge(SECRET_1, 1, [3; RANDOM_LEN]);
        assert!(keys.verify(&genuine).is_ok());
    }

    #[test]
    fn garbage_inputs_are_rejected_without_panicking() {
        let keys = keys(&[(1, SECRET_1)], 1);
        let valid = keys.issue().as_str().to_owned();
        let garbage = [
            String::new(),
            valid[..24].to_owned(),
            format!("{valid}0"),
            format!("{}é", &valid[..23]),
            format!("{}-", &valid[..24]),
            format!("{}_", &valid[..24]),
            format!("{} ", &valid[..24]),
            format!("{}/", &valid[..24]),
            "z".repeat(25),
            "\0".repeat(25),
            "0".repeat(25),
        ];
        for input in &garbage {
            assert!(keys.verify(input).is_err(), "{input:?} verified");
        }
        assert_eq!(keys.verify(&"z".repeat(25)), Err(LinkError::Malformed));
    }

    #[test]
    fn invalid_key_sets_are_rejected() {
        let short: &[u8] = &[7; 31];
        assert!(matches!(key_set_error(&[], 1), LinkError::InvalidKeySet(_)));
        assert!(matches!(
            key_set_error(&[(1, SECRET_1), (1, SECRET_2)], 1),
            LinkError::InvalidKeySet(_)
        ));
        assert!(matches!(
            key_set_error(&[(1, SECRET_1), (2, short)], 1),
            LinkError::InvalidKeySet(_)
        ));
        assert!(matches!(
            key_set_error(&[(1, SECRET_1), (2, SECRET_2)], 3),
            LinkError::InvalidKeySet(_)
        ));
        let exactly_32: &[u8] = &[7; 32];
        let long: &[u8] = &[7; 200];
        let keys = keys(&[(1, exactly_32), (2, long)], 2);
        assert!(keys.verify(keys.issue().as_str()).is_ok());
    }

    #[test]
    fn key_set_errors_do_not_echo_secrets() {
        let short = b"short-secret";
        let message = key_set_error(&[(1, short)], 1).to_string();
        assert!(!message.contains("short-secret"), "{message}");
    }

    #[test]
    fn debug_of_link_keys_shows_ids_but_no_secret() {
        let keys = keys(&[(2, SECRET_2), (1, SECRET_1)], 2);
        let debug = format!("{keys:?}");
        assert_eq!(debug, "LinkKeys { key_ids: [1, 2], signing: 2 }");
        assert!(!debug.contains("secret"));
    }

    #[test]
    fn debug_of_link_token_shows_only_a_prefix() {
        let keys = keys(&[(1, SECRET_1)], 1);
        let token = keys.issue();
        let debug = format!("{token:?}");
        assert!(!debug.contains(token.as_str()), "{debug}");
        assert!(!debug.contains(&token.as_str()[..5]), "{debug}");
        assert_eq!(debug, format!("LinkToken(\"{}…\")", &token.as_str()[..4]));
    }

    #[test]
    fn digest_is_sha256_of_the_text() {
        assert_eq!(
            TokenDigest::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let keys = keys(&[(1, SECRET_1)], 1);
        let token = keys.issue();
        assert_eq!(token.digest(), TokenDigest::of(token.as_str()));
        assert_eq!(
            token.digest(),
            keys.verify(token.as_str()).unwrap().digest()
        );
    }

    #[test]
    fn digest_hex_round_trips_and_rejects_bad_hex() {
        let digest = TokenDigest::of("abc");
        assert_eq!(TokenDigest::from_hex(&digest.to_hex()), Some(digest));
        assert_eq!(
            TokenDigest::from_hex(&digest.to_hex().to_uppercase()),
            Some(digest)
        );
        assert_eq!(digest.as_bytes()[0], 0xba);
        assert_eq!(
            format!("{digest:?}"),
            format!("TokenDigest(\"{}\")", digest.to_hex())
        );
        for bad in [
            "",
            "ab",
            &"0".repeat(63),
            &"0".repeat(65),
            &"g".repeat(64),
            &"é".repeat(32),
        ] {
            assert_eq!(TokenDigest::from_hex(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic_verify(text in any::<String>()) {
            let keys = keys(&[(1, SECRET_1)], 1);
            let _ = keys.verify(&text);
        }

        #[test]
        fn random_base62_strings_do_not_verify(text in "[0-9A-Za-z]{25}") {
            let keys = keys(&[(0, SECRET_1), (1, SECRET_2)], 1);
            prop_assert!(keys.verify(&text).is_err());
        }
    }
}
