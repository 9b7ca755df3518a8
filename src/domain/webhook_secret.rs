//! A webhook endpoint's signing secret and the Standard Webhooks v1 signatures it makes:
//! `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}">`, keyed with the base64-decoded part of the secret after `whsec_`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// An endpoint's signing secret, kept as raw bytes that never print.
pub struct WebhookSecret(SecretBox<[u8]>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("must look like whsec_<base64 of 24 to 64 random bytes>")]
    Malformed,
}

impl WebhookSecret {
    pub fn parse(text: &str) -> Result<WebhookSecret, SecretError> {
        let encoded = text
            .trim()
            .strip_prefix("whsec_")
            .ok_or(SecretError::Malformed)?;
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| SecretError::Malformed)?;
        if !(24..=64).contains(&bytes.len()) {
            return Err(SecretError::Malformed);
        }
        Ok(WebhookSecret(SecretBox::new(bytes.into_boxed_slice())))
    }

    /// A new secret of 32 random bytes from the operating system.
    pub fn generate() -> WebhookSecret {
        let mut bytes = vec![0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        WebhookSecret(SecretBox::new(bytes.into_boxed_slice()))
    }

    /// The secret as the receiver configures it (`whsec_…`): shown to an admin once, and kept
    /// in the store's value (never in a key name, never logged).
    pub fn reveal(&self) -> String {
        format!("whsec_{}", STANDARD.encode(self.0.expose_secret()))
    }

    /// The `webhook-signature` header value for one delivery attempt.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        format!("v1,{}", STANDARD.encode(self.tag(id, timestamp, body)))
    }

    fn tag(&self, id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
        // Any key length is valid for HMAC, so this cannot fail; an empty tag would just never verify.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.0.expose_secret()) else {
            return Vec::new();
        };
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().to_vec()
    }

    /// Verifies a `webhook-signature` header (several space-separated signatures during
    /// rotation), in constant time per candidate — what an agency's receiver does.
    pub fn verify(&self, id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
        let expected = self.tag(id, timestamp, body);
        header
            .split(' ')
            .filter_map(|s| s.strip_prefix("v1,"))
            .any(|candidate| {
                STANDARD
                    .decode(candidate)
                    .is_ok_and(|given| bool::from(given.as_slice().ct_eq(&expected)))
            })
    }
}

impl Clone for WebhookSecret {
    fn clone(&self) -> WebhookSecret {
        WebhookSecret(SecretBox::new(self.0.expose_secret().into()))
    }
}

impl serde::Serialize for WebhookSecret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.reveal())
    }
}

impl<'de> serde::Deserialize<'de> for WebhookSecret {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<WebhookSecret, D::Error> {
        let text = String::deserialize(deserializer)?;
        WebhookSecret::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The specification's published test vector.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    #[test]
    fn the_published_test_vector_signs_and_verifies() {
        let secret = WebhookSecret::parse(SECRET).expect("secret");
        assert_eq!(
            secret.sign(ID, TIMESTAMP, BODY),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(secret.verify(
            ID,
            TIMESTAMP,
            BODY,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ));
    }

    #[test]
    fn a_changed_body_id_or_timestamp_does_not_verify_but_a_rotated_list_does() {
        let secret = WebhookSecret::parse(SECRET).expect("secret");
        let good = secret.sign(ID, TIMESTAMP, BODY);
        assert!(!secret.verify(ID, TIMESTAMP, br#"{"test": 2432232315}"#, &good));
        assert!(!secret.verify("msg_other", TIMESTAMP, BODY, &good));
        assert!(!secret.verify(ID, TIMESTAMP + 1, BODY, &good));
        assert!(secret.verify(ID, TIMESTAMP, BODY, &format!("v1,b2xk {good}")));
        assert!(!secret.verify(ID, TIMESTAMP, BODY, "v1a,whatever"));
    }

    #[test]
    fn malformed_secrets_are_refused_and_never_printed() {
        assert!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(WebhookSecret::parse("whsec_!!!").is_err());
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        let secret = WebhookSecret::parse(SECRET).expect("secret");
        assert!(!format!("{secret:?}").contains("MfKQ"));
    }

    #[test]
    fn a_generated_secret_is_new_each_time_and_reads_back_as_itself() {
        let one = WebhookSecret::generate();
        let two = WebhookSecret::generate();
        assert_ne!(one.reveal(), two.reveal());
        let again = WebhookSecret::parse(&one.reveal()).expect("parses");
        assert_eq!(
            again.sign(ID, TIMESTAMP, BODY),
            one.sign(ID, TIMESTAMP, BODY)
        );
        let json = serde_json::to_string(&one).expect("json");
        let back: WebhookSecret = serde_json::from_str(&json).expect("back");
        assert_eq!(back.reveal(), one.reveal());
        assert!(serde_json::from_str::<WebhookSecret>("\"whsec_c2hvcnQ=\"").is_err());
    }
}
