//! An agency's webhook endpoint as its admins keep it in the console: the address events go to
//! and the secrets that sign them. A rotated-out secret keeps signing beside the new one for a
//! day (Standard Webhooks sends several signatures in one header), so a receiver switches
//! without a delivery it cannot verify.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::webhook_secret::WebhookSecret;

/// How long a replaced secret still signs: a day to deploy the new one on the receiver.
pub const OVERLAP_HOURS: i64 = 24;
/// At most this many secrets sign one delivery (rotating twice within the overlap).
pub const MAX_SIGNING: usize = 3;
/// Longer addresses are refused (a receiver's URL is short; the store keeps what it is given).
const MAX_URL_BYTES: usize = 2_048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("must be a full address of the receiver, such as https://cases.example.no/innfri")]
    Malformed,
    #[error("must use https:// (plain http only where private destinations are allowed)")]
    NotHttps,
    #[error("must not carry a user name or password: each delivery is signed instead")]
    Credentials,
    #[error("must be at most 2048 characters")]
    TooLong,
}

/// A receiver's address: absolute, http(s), with a host, no credentials. Whether its host may
/// be reached is judged where names are resolved (`webhooks::destination`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    /// `https_only` is false only where private destinations are allowed (tests, a receiver on
    /// the operator's own network).
    pub fn parse(text: &str, https_only: bool) -> Result<WebhookUrl, UrlError> {
        let text = text.trim();
        if text.len() > MAX_URL_BYTES {
            return Err(UrlError::TooLong);
        }
        let url = url::Url::parse(text).map_err(|_| UrlError::Malformed)?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(UrlError::Malformed);
        }
        if https_only && url.scheme() != "https" {
            return Err(UrlError::NotHttps);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials);
        }
        Ok(WebhookUrl(url))
    }

    pub fn url(&self) -> &url::Url {
        &self.0
    }
}

impl TryFrom<String> for WebhookUrl {
    type Error = UrlError;
    fn try_from(text: String) -> Result<WebhookUrl, UrlError> {
        // What was stored passed the rules in force then; only its form is checked again.
        WebhookUrl::parse(&text, false)
    }
}

impl From<WebhookUrl> for String {
    fn from(url: WebhookUrl) -> String {
        url.0.into()
    }
}

impl std::fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// One signing secret and its life.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SigningSecret {
    pub secret: WebhookSecret,
    pub created_at: DateTime<Utc>,
    /// When it stops signing; `None` for the current secret.
    pub retires_at: Option<DateTime<Utc>>,
}

impl SigningSecret {
    /// Whether it signs a delivery at `now`.
    pub fn signs_at(&self, now: DateTime<Utc>) -> bool {
        self.retires_at.is_none_or(|at| now < at)
    }
}

/// The endpoint an admin set. Once saved it replaces what `agencies.toml` configured for the
/// agency, so the console's change is the one in force.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookSetting {
    /// `None`: the agency pulls its events (`GET /api/v1/events`) and nothing is pushed.
    pub url: Option<WebhookUrl>,
    /// Newest first: the first is current, the others sign until they retire.
    pub secrets: Vec<SigningSecret>,
    pub changed_at: DateTime<Utc>,
}

/// What a rotation gave: the new secret (shown once) and when the one before stops signing.
#[derive(Debug, Clone)]
pub struct Rotated {
    pub secret: WebhookSecret,
    pub previous_retires_at: Option<DateTime<Utc>>,
}

impl WebhookSetting {
    /// The setting that continues a configured endpoint (or none), before its first change.
    pub fn continuing(
        configured: Option<(WebhookUrl, WebhookSecret)>,
        configured_since: DateTime<Utc>,
    ) -> WebhookSetting {
        let (url, secrets) = match configured {
            Some((url, secret)) => (
                Some(url),
                vec![SigningSecret {
                    secret,
                    created_at: configured_since,
                    retires_at: None,
                }],
            ),
            None => (None, Vec::new()),
        };
        WebhookSetting {
            url,
            secrets,
            changed_at: configured_since,
        }
    }

    /// The secrets that sign a delivery at `now`, current first.
    pub fn signing_at(&self, now: DateTime<Utc>) -> Vec<&WebhookSecret> {
        self.secrets
            .iter()
            .filter(|s| s.signs_at(now))
            .take(MAX_SIGNING)
            .map(|s| &s.secret)
            .collect()
    }

    /// Sends events to `url` from now on; an endpoint without a secret gets one (returned, to
    /// be shown once).
    pub fn point_to(&mut self, url: WebhookUrl, now: DateTime<Utc>) -> Option<WebhookSecret> {
        self.url = Some(url);
        self.changed_at = now;
        if self.secrets.is_empty() {
            let secret = WebhookSecret::generate();
            self.secrets.push(SigningSecret {
                secret: secret.clone(),
                created_at: now,
                retires_at: None,
            });
            return Some(secret);
        }
        None
    }

    /// Puts `fresh` first; the secrets before it sign for [`OVERLAP_HOURS`] more (never longer
    /// than they already would), and the retired ones are forgotten.
    pub fn rotate(&mut self, fresh: WebhookSecret, now: DateTime<Utc>) -> Rotated {
        let until = now + Duration::hours(OVERLAP_HOURS);
        for old in &mut self.secrets {
            old.retires_at = Some(old.retires_at.map_or(until, |at| at.min(until)));
        }
        self.secrets.retain(|s| s.signs_at(now));
        let previous_retires_at = self.secrets.first().and_then(|s| s.retires_at);
        self.secrets.insert(
            0,
            SigningSecret {
                secret: fresh.clone(),
                created_at: now,
                retires_at: None,
            },
        );
        self.secrets.truncate(MAX_SIGNING);
        self.changed_at = now;
        Rotated {
            secret: fresh,
            previous_retires_at,
        }
    }

    /// Stops every secret but the current one at once (the receiver has switched). Whether
    /// one was still signing.
    pub fn retire_previous(&mut self, now: DateTime<Utc>) -> bool {
        let before = self.signing_at(now).len();
        self.secrets.truncate(1);
        self.changed_at = now;
        before > 1
    }

    /// Stops pushing: the agency pulls its events instead. The secrets go too, so a later
    /// endpoint starts with a new one.
    pub fn stop(&mut self, now: DateTime<Utc>) {
        self.url = None;
        self.secrets.clear();
        self.changed_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ID: &str = "msg_1";
    const BODY: &[u8] = b"{}";

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("time") + Duration::hours(hours)
    }

    fn url() -> WebhookUrl {
        WebhookUrl::parse("https://cases.example.no/innfri", true).expect("url")
    }

    /// Whether a receiver holding `secret` verifies a delivery signed by `setting` at `now`.
    fn verifies(setting: &WebhookSetting, secret: &WebhookSecret, now: DateTime<Utc>) -> bool {
        let header = setting
            .signing_at(now)
            .iter()
            .map(|s| s.sign(ID, now.timestamp(), BODY))
            .collect::<Vec<_>>()
            .join(" ");
        secret.verify(ID, now.timestamp(), BODY, &header)
    }

    #[test]
    fn addresses_must_be_https_without_credentials_unless_private_ones_are_allowed() {
        assert!(WebhookUrl::parse(" https://a.example/hook ", true).is_ok());
        assert_eq!(
            WebhookUrl::parse("http://a.example/hook", true),
            Err(UrlError::NotHttps)
        );
        assert!(WebhookUrl::parse("http://127.0.0.1:8080/hook", false).is_ok());
        assert_eq!(
            WebhookUrl::parse("https://user:pw@a.example/", true),
            Err(UrlError::Credentials)
        );
        for bad in [
            "",
            "a.example/hook",
            "ftp://a.example/",
            "https://",
            "mailto:x@y.no",
        ] {
            assert_eq!(
                WebhookUrl::parse(bad, true),
                Err(UrlError::Malformed),
                "{bad}"
            );
        }
        let long = format!("https://a.example/{}", "x".repeat(2_100));
        assert_eq!(WebhookUrl::parse(&long, true), Err(UrlError::TooLong));
    }

    #[test]
    fn a_rotated_secret_signs_beside_the_new_one_for_a_day_then_stops() {
        let old = WebhookSecret::generate();
        let mut setting = WebhookSetting::continuing(Some((url(), old.clone())), at(0));
        let rotated = setting.rotate(WebhookSecret::generate(), at(10));
        assert_eq!(rotated.previous_retires_at, Some(at(10 + OVERLAP_HOURS)));
        assert!(
            verifies(&setting, &old, at(11)),
            "the receiver has not switched yet"
        );
        assert!(verifies(&setting, &rotated.secret, at(11)), "or it has");
        assert!(
            !verifies(&setting, &old, at(10 + OVERLAP_HOURS)),
            "a day later: no more"
        );
        assert!(verifies(&setting, &rotated.secret, at(10 + OVERLAP_HOURS)));
    }

    #[test]
    fn retiring_the_previous_secret_stops_it_at_once() {
        let old = WebhookSecret::generate();
        let mut setting = WebhookSetting::continuing(Some((url(), old.clone())), at(0));
        let fresh = setting.rotate(WebhookSecret::generate(), at(1)).secret;
        assert!(setting.retire_previous(at(2)));
        assert!(!verifies(&setting, &old, at(2)));
        assert!(verifies(&setting, &fresh, at(2)));
        assert!(!setting.retire_previous(at(3)), "nothing left to retire");
    }

    #[test]
    fn a_new_endpoint_gets_a_secret_and_a_stopped_one_forgets_its_secrets() {
        let mut setting = WebhookSetting::continuing(None, at(0));
        assert!(setting.signing_at(at(0)).is_empty());
        let first = setting.point_to(url(), at(1)).expect("a new secret");
        assert!(verifies(&setting, &first, at(1)));
        let other = WebhookUrl::parse("https://b.example/", true).expect("url");
        assert!(
            setting.point_to(other, at(2)).is_none(),
            "a move keeps the secret"
        );
        assert!(verifies(&setting, &first, at(2)));
        setting.stop(at(3));
        assert!(setting.url.is_none() && setting.signing_at(at(3)).is_empty());
    }

    #[test]
    fn a_setting_reads_back_as_itself() {
        let mut setting =
            WebhookSetting::continuing(Some((url(), WebhookSecret::generate())), at(0));
        setting.rotate(WebhookSecret::generate(), at(1));
        let json = serde_json::to_string(&setting).expect("json");
        let back: WebhookSetting = serde_json::from_str(&json).expect("back");
        assert_eq!(back.url, setting.url);
        assert_eq!(back.secrets.len(), 2);
        for (a, b) in back.secrets.iter().zip(&setting.secrets) {
            assert_eq!(a.secret.reveal(), b.secret.reveal());
            assert_eq!(a.retires_at, b.retires_at);
        }
    }

    proptest! {
        /// However often and whenever it is rotated, the newest secret always verifies, at most
        /// three sign, and none signs past a day after it was replaced.
        #[test]
        fn rotations_keep_the_newest_and_retire_the_rest_within_a_day(
            steps in proptest::collection::vec(0i64..40, 1..12)
        ) {
            let mut setting = WebhookSetting::continuing(Some((url(), WebhookSecret::generate())), at(0));
            let mut now = at(0);
            let mut replaced: Vec<(WebhookSecret, DateTime<Utc>)> = Vec::new();
            let mut current = setting.secrets[0].secret.clone();
            for hours in steps {
                now += Duration::hours(hours);
                let fresh = setting.rotate(WebhookSecret::generate(), now).secret;
                replaced.push((current, now));
                current = fresh;
                prop_assert!(verifies(&setting, &current, now));
                prop_assert!(setting.signing_at(now).len() <= MAX_SIGNING);
                for (old, when) in &replaced {
                    if now >= *when + Duration::hours(OVERLAP_HOURS) {
                        prop_assert!(!verifies(&setting, old, now));
                    }
                }
            }
        }
    }
}
