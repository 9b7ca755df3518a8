//! CSPRNG base62 strings and constant-time comparison for secrets other than link tokens.

use rand::RngCore;
use rand::rngs::OsRng;
use subtle::ConstantTimeEq;

use super::base62::ALPHABET;

/// Largest multiple of 62 that fits in a byte: bytes at or above it are
/// discarded so every character is equally likely.
const UNBIASED_LIMIT: u8 = 62 * 4;

/// `len` characters drawn uniformly from the base62 alphabet with the OS CSPRNG.
///
/// Each character carries log2(62) ≈ 5.95 bits, so 22 characters give > 128 bits.
pub fn random_base62(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        OsRng.fill_bytes(&mut buf);
        for &b in buf.iter().filter(|&&b| b < UNBIASED_LIMIT) {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(b % 62)]));
        }
    }
    out
}

/// Compares two byte strings; only their lengths may leak through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn random_strings_have_the_requested_length_and_alphabet() {
        for len in [0, 1, 22, 63, 64, 65, 200] {
            let s = random_base62(len);
            assert_eq!(s.len(), len);
            assert!(s.bytes().all(|c| ALPHABET.contains(&c)));
        }
    }

    #[test]
    fn random_strings_do_not_repeat() {
        let seen: HashSet<String> = (0..1000).map(|_| random_base62(22)).collect();
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn every_alphabet_character_shows_up_in_a_long_random_string() {
        let s = random_base62(20_000);
        for c in ALPHABET {
            assert!(s.as_bytes().contains(c), "{}", char::from(*c));
        }
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"csrf-token", b"csrf-token"));
        assert!(!constant_time_eq(b"csrf-token", b"csrf-tokeN"));
        assert!(!constant_time_eq(b"csrf-token", b"csrf-toke"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
