//! Fixed-width base62 (`0-9A-Za-z`) encoding of big-endian byte arrays.

pub(crate) const ALPHABET: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const INVALID: u8 = u8::MAX;

/// Digit value of every byte, `INVALID` outside the alphabet.
const DIGIT_VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Whether every `bytes`-byte number fits in `width` base62 digits.
///
/// log2(62) > 5.954, so this slightly under-estimates what `width` digits
/// hold and never accepts a pair that would lose information.
const fn fits(bytes: usize, width: usize) -> bool {
    bytes * 8000 <= width * 5954
}

/// Encodes `bytes` (a big-endian number) as exactly `W` base62 digits,
/// left-padded with `'0'`. A `W` too small for `N` bytes fails to compile.
pub fn encode_fixed<const N: usize, const W: usize>(bytes: &[u8; N]) -> String {
    const { assert!(fits(N, W), "W base62 digits cannot hold N bytes") };
    let mut number = *bytes;
    let mut digits = [b'0'; W];
    for digit in digits.iter_mut().rev() {
        // Long division of the whole number by 62; the remainder is the next
        // digit from the right. `rem < 62` keeps every quotient byte < 256.
        let mut rem = 0u32;
        for byte in number.iter_mut() {
            let cur = (rem << 8) | u32::from(*byte);
            *byte = (cur / 62) as u8;
            rem = cur % 62;
        }
        *digit = ALPHABET[rem as usize];
    }
    digits.iter().map(|&d| char::from(d)).collect()
}

/// Decodes exactly `W` base62 digits into an `N`-byte big-endian number.
///
/// `None` for a wrong length, a character outside the alphabet, or a value
/// that does not fit in `N` bytes, so every accepted text is the unique
/// encoding of its bytes.
pub fn decode_fixed<const N: usize, const W: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != W {
        return None;
    }
    let mut number = [0u8; N];
    for &c in digits {
        let value = DIGIT_VALUES[usize::from(c)];
        if value == INVALID {
            return None;
        }
        let mut carry = u32::from(value);
        for byte in number.iter_mut().rev() {
            let cur = u32::from(*byte) * 62 + carry;
            *byte = (cur & 0xFF) as u8;
            carry = cur >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference_u128(mut value: u128, width: usize) -> String {
        let mut out = vec![b'0'; width];
        for slot in out.iter_mut().rev() {
            *slot = ALPHABET[(value % 62) as usize];
            value /= 62;
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn small_values_encode_as_left_padded_digits() {
        let mut bytes = [0u8; 18];
        assert_eq!(encode_fixed::<18, 25>(&bytes), "0".repeat(25));
        bytes[17] = 1;
        assert_eq!(
            encode_fixed::<18, 25>(&bytes),
            format!("{}1", "0".repeat(24))
        );
        bytes[17] = 61;
        assert_eq!(
            encode_fixed::<18, 25>(&bytes),
            format!("{}z", "0".repeat(24))
        );
        bytes[17] = 62;
        assert_eq!(
            encode_fixed::<18, 25>(&bytes),
            format!("{}10", "0".repeat(23))
        );
    }

    #[test]
    fn the_largest_18_byte_value_round_trips() {
        let max = [0xFFu8; 18];
        let text = encode_fixed::<18, 25>(&max);
        assert_eq!(text.len(), 25);
        assert_eq!(decode_fixed::<18, 25>(&text), Some(max));
    }

    #[test]
    fn values_of_2_pow_144_and_above_are_rejected() {
        let mut two_pow_144 = [0u8; 19];
        two_pow_144[0] = 1;
        let wide = encode_fixed::<19, 26>(&two_pow_144);
        let (pad, text) = wide.split_at(1);
        assert_eq!(pad, "0");
        assert_eq!(decode_fixed::<18, 25>(text), None);
        assert_eq!(decode_fixed::<18, 25>(&"z".repeat(25)), None);
    }

    #[test]
    fn wrong_lengths_and_foreign_characters_are_rejected() {
        let valid = "0".repeat(25);
        assert!(decode_fixed::<18, 25>(&valid).is_some());
        assert_eq!(decode_fixed::<18, 25>(""), None);
        assert_eq!(decode_fixed::<18, 25>(&"0".repeat(24)), None);
        assert_eq!(decode_fixed::<18, 25>(&"0".repeat(26)), None);
        for bad in ['-', '_', '+', '/', '=', ' ', '\0', 'é'] {
            let text = format!("{}{bad}", "0".repeat(25 - bad.len_utf8()));
            assert_eq!(text.len(), 25);
            assert_eq!(decode_fixed::<18, 25>(&text), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_18_byte_arrays_round_trip(bytes in any::<[u8; 18]>()) {
            let text = encode_fixed::<18, 25>(&bytes);
            prop_assert_eq!(text.len(), 25);
            prop_assert!(text.bytes().all(|c| ALPHABET.contains(&c)));
            prop_assert_eq!(decode_fixed::<18, 25>(&text), Some(bytes));
        }

        #[test]
        fn encoding_matches_plain_integer_arithmetic(value in any::<u128>()) {
            let text = encode_fixed::<16, 22>(&value.to_be_bytes());
            prop_assert_eq!(&text, &reference_u128(value, 22));
            prop_assert_eq!(decode_fixed::<16, 22>(&text), Some(value.to_be_bytes()));
        }

        #[test]
        fn arbitrary_strings_never_panic_decoding(text in ".{0,40}") {
            let _ = decode_fixed::<18, 25>(&text);
        }
    }
}
