//! Signed short links: token format, signing, verification, key rotation.

mod base62;
mod purpose;
mod secret;
mod token;

pub use base62::{decode_fixed, encode_fixed};
pub use purpose::Purpose;
pub use secret::{constant_time_eq, random_base62};
pub use token::{LinkError, LinkKeys, LinkToken, TOKEN_LEN, TokenDigest};
