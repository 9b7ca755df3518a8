//! Keyed pseudonyms for personal values the store must look things up by (a phone number for
//! opt-outs and reply routing, a number or address for the frequency cap): HMAC-SHA256 under a
//! secret from the configuration, so neither key names nor set members reveal the value.
//!
//! A plain or unsalted hash would not do: there are only 10⁸ Norwegian mobile numbers, and
//! hashing them all takes seconds. Without the key, a pseudonym says nothing.
//!
//! The stores take raw values and pseudonymise inside (one place, one function: [`Pseudonyms::of`]),
//! so no caller can forget to, and the store traits keep speaking of phones and addresses.

use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

/// The shortest key accepted: 32 bytes, as for the link keys.
pub const MIN_KEY_BYTES: usize = 32;

/// The secret pseudonyms are made with. Changing it orphans every pseudonym made before (the
/// opt-out list among them), so it is set once per installation and kept.
#[derive(Clone)]
pub struct Pseudonyms {
    key: SecretSlice<u8>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonyms(<secret key>)")
    }
}

/// Why a configured key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PseudonymKeyError {
    #[error("must be hex; make one with `innfri new-link-key` (32 random bytes)")]
    NotHex,
    #[error("must be at least 32 bytes (64 hex digits); make one with `innfri new-link-key`")]
    TooShort,
}

impl Pseudonyms {
    /// From the configured key (hex, at least 32 bytes).
    pub fn from_hex(hex_key: &str) -> Result<Pseudonyms, PseudonymKeyError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| PseudonymKeyError::NotHex)?;
        if bytes.len() < MIN_KEY_BYTES {
            return Err(PseudonymKeyError::TooShort);
        }
        Ok(Pseudonyms { key: bytes.into() })
    }

    /// A key that lives as long as the process: enough for a store that does too (embedded).
    pub fn random() -> Pseudonyms {
        let mut bytes = vec![0u8; MIN_KEY_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Pseudonyms { key: bytes.into() }
    }

    /// The pseudonym of a normalised value (a phone number in E.164, an e-mail address in lower
    /// case): 128 bits of HMAC-SHA256 as hex, plenty against collisions among a population of
    /// debtors and short enough for key names.
    pub fn of(&self, value: &str) -> String {
        // HMAC takes a key of any length, so this cannot fail; the fallback keeps it total.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.key.expose_secret()) else {
            return String::new();
        };
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn a_pseudonym_is_stable_per_key_and_hides_the_value() {
        let p = Pseudonyms::from_hex(KEY).expect("key");
        let a = p.of("+4791234567");
        assert_eq!(a, p.of("+4791234567"));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("91234567"));
        assert_ne!(a, p.of("+4791234568"));
        let other = Pseudonyms::from_hex(&KEY.replace("00", "ff")).expect("key");
        assert_ne!(a, other.of("+4791234567"), "another key, another pseudonym");
    }

    #[test]
    fn it_is_hmac_sha256_not_a_plain_hash() {
        // RFC 4231 test case 2 ("Jefe" / "what do ya want for nothing?"), with the key padded
        // to the 32 bytes this type requires (HMAC pads short keys with zeros the same way).
        let key = format!("{}{}", hex::encode("Jefe"), "00".repeat(28));
        let p = Pseudonyms::from_hex(&key).expect("key");
        assert_eq!(
            p.of("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c7"
        );
    }

    #[test]
    fn short_or_malformed_keys_are_refused() {
        assert_eq!(
            Pseudonyms::from_hex("abcd").map(|_| ()),
            Err(PseudonymKeyError::TooShort)
        );
        assert_eq!(
            Pseudonyms::from_hex("not hex").map(|_| ()),
            Err(PseudonymKeyError::NotHex)
        );
    }
}
