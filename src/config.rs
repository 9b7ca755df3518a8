//! Layered settings: `config/default.toml` → `config/{profile}.toml` → `INNFRI__SECTION__KEY`
//! environment variables, plus one file per creditor in `config/mandates/`. Validated once into
//! [`AppConfig`]; every problem is reported with the file (or variable) and the field.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::domain::bank_account::BankAccountNumber;
use crate::domain::creditor::{
    Agency, Creditor, CreditorMessaging, Jurisdiction, OnlineMethod, OrgNumber,
};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::kid::KidAlgorithm;
use crate::domain::mandate::Mandate;
use crate::domain::money::Currency;
use crate::links::LinkKeys;
use crate::proxy::{ForwardedHeader, TrustedProxy};
use crate::store::Pseudonyms;
use crate::webhooks::signing::WebhookSecret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Embedded,
    Redis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

pub use crate::domain::message::{EmailProviderKind, SmsProviderKind};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on, e.g. `0.0.0.0:8080`.
    pub bind: String,
    /// The origin debtors reach us at; links and the CSRF origin check are built from it.
    pub public_base_url: String,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Proxies (addresses or networks) whose forwarding header names the client; the client
    /// address limits link misses. Empty: the TCP peer is the client.
    #[serde(default)]
    pub trusted_proxies: Vec<TrustedProxy>,
    /// The header those proxies write: `x-forwarded-for` or `forwarded` (RFC 7239).
    #[serde(default)]
    pub forwarded_header: ForwardedHeader,
    /// The largest bank file `POST /api/v1/reconciliations` takes, in MiB; every other API
    /// body is limited to 256 KiB.
    #[serde(default = "default_max_bank_file_mb")]
    pub max_bank_file_mb: usize,
}

fn default_max_bank_file_mb() -> usize {
    20
}

impl ServerSettings {
    pub fn max_bank_file_bytes(&self) -> usize {
        self.max_bank_file_mb.saturating_mul(1024 * 1024)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSettings {
    pub backend: Backend,
    pub redis_url: String,
    /// Prefix of every Redis key, so several installations can share one Redis.
    pub namespace: String,
    /// Longest wait for one Redis command, a wait for a reconnection included; then the
    /// request answers 503 (`store_unavailable`) and the worker backs off.
    #[serde(default = "two_thousand")]
    pub response_timeout_ms: u64,
    /// Longest wait for one attempt to connect to Redis.
    #[serde(default = "two_thousand")]
    pub connect_timeout_ms: u64,
    /// Longest pause between two reconnect attempts after Redis went away (plus up to as much
    /// jitter), so a store that is back is used again within about twice this.
    #[serde(default = "one_thousand")]
    pub max_reconnect_delay_ms: u64,
    /// Hex, at least 32 bytes: the key of the pseudonyms that stand for phone numbers and
    /// addresses in the store (opt-outs, reply routing, the frequency cap). Required for Redis;
    /// set once and kept (a new key forgets every opt-out made under the old one).
    #[serde(default)]
    pub pseudonym_key: Option<SecretString>,
}

fn two_thousand() -> u64 {
    2_000
}

fn one_thousand() -> u64 {
    1_000
}

/// When personal data goes by itself (see `domain::retention`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSettings {
    /// Days after a case was paid or closed before it is erased; a creditor's file may set its own.
    pub erase_after_days: u32,
    /// Days an event stays in the outbox (webhooks, the pull API, replays).
    pub events_days: u32,
    /// How often the worker looks for what is due.
    pub run_every_minutes: u32,
}

impl Default for RetentionSettings {
    fn default() -> RetentionSettings {
        RetentionSettings {
            erase_after_days: crate::domain::retention::DEFAULT_ERASE_AFTER_DAYS,
            events_days: crate::domain::retention::DEFAULT_EVENTS_DAYS,
            run_every_minutes: 60,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSettings {
    /// Key id used to sign new links.
    pub signing_key_id: u8,
    /// Key id → secret as hex (at least 32 bytes). Keep old ids while their links may still be open.
    pub keys: BTreeMap<String, SecretString>,
    pub ttl_days: u32,
    pub session_idle_minutes: u32,
    pub session_max_minutes: u32,
    /// Failed link openings allowed per client address and minute before 429.
    pub misses_per_minute: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `innfri=debug,actix_web=info`.
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagingSettings {
    pub sms_provider: SmsProviderKind,
    pub email_provider: EmailProviderKind,
    /// A second SMS provider that takes over while the first one is down (circuit breaker).
    #[serde(default)]
    pub sms_failover: Option<SmsProviderKind>,
    /// A second e-mail provider that takes over while the first one is down.
    #[serde(default)]
    pub email_failover: Option<EmailProviderKind>,
    /// Consecutive transient failures that open the breaker and send through the failover.
    #[serde(default = "five")]
    pub breaker_failures: u32,
    /// How long the breaker stays open before the first provider is tried again.
    #[serde(default = "thirty")]
    pub breaker_open_seconds: u64,
    /// Reminders one debtor (one phone number or e-mail address) may get from one agency in
    /// seven days, across all its cases; receipts and answers are not counted.
    #[serde(default = "two_u32")]
    pub max_reminders_per_week: u32,
    /// Least time between two reminders to the same debtor from the same agency.
    #[serde(default = "twenty_four")]
    pub reminder_cooldown_hours: u32,
    /// Messages claimed per round trip to the store.
    pub batch_size: usize,
    /// Messages sent at the same time by one worker.
    pub concurrency: usize,
    /// Threads of an `innfri worker` process; 0 = one per CPU core. One is the default: the
    /// worker mostly waits, and one thread wastes no CPU waking others (see `bench/README.md`).
    #[serde(default = "one")]
    pub worker_threads: usize,
    /// How long a claimed message stays with one worker before another may take it.
    pub lease_seconds: u32,
    pub max_attempts: u32,
    /// Pause when the queue is empty.
    pub poll_interval_ms: u64,
    /// `check-config` warns when an SMS text can render to more parts than this.
    #[serde(default = "two")]
    pub max_sms_segments: usize,
    /// Replies that opt a number out of SMS, besides STOP, STOPP, AVSLUTT and UNSUBSCRIBE
    /// (compared as whole messages, ignoring case, accents and punctuation: `domain::reply`).
    #[serde(default)]
    pub opt_out_words: Vec<String>,
    /// Where an `innfri worker` answers `/healthz` and `/readyz` (e.g. `127.0.0.1:9091`);
    /// empty: no listener. `demo` has the web server's instead.
    #[serde(default)]
    pub health_bind: String,
    /// Replies that undo an opt-out, besides START.
    #[serde(default)]
    pub opt_in_words: Vec<String>,
    /// How many times the worker asks the provider whether a message whose send a crash left
    /// unknown went out, before it sends it again without knowing (a lookup that keeps failing
    /// must not hold the message for ever).
    #[serde(default = "three")]
    pub lookup_attempts: u32,
    /// For a provider that cannot be asked: how long such a message waits for a delivery
    /// receipt (which names our message) to settle it, before it is sent again.
    #[serde(default = "three_hundred")]
    pub receipt_grace_seconds: u64,
}

fn three() -> u32 {
    3
}

fn three_hundred() -> u64 {
    300
}

fn one() -> usize {
    1
}

fn two() -> usize {
    2
}

fn two_u32() -> u32 {
    2
}

fn five() -> u32 {
    5
}

fn thirty() -> u64 {
    30
}

fn twenty_four() -> u32 {
    24
}

/// Which provider takes each online payment method (creditors choose which methods they offer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CardProviderKind {
    #[default]
    None,
    Stripe,
    /// The built-in approve/decline page: the demo works without a network. Never in production.
    Fake,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum VippsProviderKind {
    #[default]
    None,
    Vipps,
    Fake,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    #[serde(default)]
    pub card: CardProviderKind,
    #[serde(default)]
    pub vipps: VippsProviderKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StripeSettings {
    /// `sk_…` or a restricted `rk_…` key allowed to create Checkout Sessions.
    pub secret_key: SecretString,
    /// The endpoint's `whsec_…` signing secret.
    pub webhook_secret: SecretString,
    pub api_base: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VippsSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    pub subscription_key: SecretString,
    pub merchant_serial_number: String,
    /// The secret Vipps returned when the webhook was registered.
    pub webhook_secret: SecretString,
    pub api_base: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioSettings {
    pub account_sid: String,
    pub auth_token: SecretString,
    /// Sender: an E.164 number or an alphanumeric sender id (≤ 11 characters).
    pub from: String,
    pub api_base: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayApiSettings {
    /// API token (HTTP Basic user name, empty password).
    pub token: SecretString,
    /// Sender: ≤ 11 letters and digits, or ≤ 15 digits.
    pub sender: String,
    /// The token set for delivery reports; they carry a JWT (HS256) signed with it.
    pub webhook_secret: SecretString,
    #[serde(default = "gatewayapi_base")]
    pub api_base: String,
}

fn gatewayapi_base() -> String {
    "https://gatewayapi.eu".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostmarkSettings {
    pub server_token: SecretString,
    /// A sender signature or an address on a verified domain.
    pub from: String,
    #[serde(default = "outbound")]
    pub message_stream: String,
    /// Postmark does not sign webhooks: the bounce webhook URL carries these Basic credentials.
    pub webhook_username: String,
    pub webhook_password: SecretString,
    #[serde(default = "postmark_base")]
    pub api_base: String,
}

fn outbound() -> String {
    "outbound".into()
}

fn postmark_base() -> String {
    "https://api.postmarkapp.com".into()
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Implicit TLS (port 465).
    Tls,
    /// STARTTLS, refusing to go on in plain text (port 587).
    Starttls,
    /// Plain text: only for a relay on the same host or a local test sink.
    None,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<SecretString>,
    /// The From address, e.g. `Nordic Inkasso <noreply@example.no>`.
    pub from: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencySettings {
    pub id: String,
    pub name: String,
    /// SHA-256 (hex) of each valid API key; the keys themselves are never stored. May be empty
    /// for an agency whose keys are made with `innfri agency key`.
    #[serde(default)]
    pub api_key_sha256: Vec<String>,
    pub creditors: Vec<String>,
    /// Where events are delivered (Standard Webhooks); https in production.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// `whsec_` + base64 of 24–64 random bytes; better given by environment.
    #[serde(default)]
    pub webhook_secret: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Allow endpoints on loopback or private addresses (tests, a laptop); never in production.
    #[serde(default)]
    pub allow_private_destinations: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub store: StoreSettings,
    pub links: LinkSettings,
    pub log: LogSettings,
    pub messaging: MessagingSettings,
    pub twilio: Option<TwilioSettings>,
    pub gatewayapi: Option<GatewayApiSettings>,
    pub postmark: Option<PostmarkSettings>,
    pub smtp: Option<SmtpSettings>,
    #[serde(default)]
    pub payments: PaymentSettings,
    pub stripe: Option<StripeSettings>,
    pub vipps: Option<VippsSettings>,
    #[serde(default)]
    pub agencies: Vec<AgencySettings>,
    #[serde(default)]
    pub webhooks: WebhookSettings,
    #[serde(default)]
    pub retention: RetentionSettings,
    /// Folder of creditor files, relative to the config folder.
    pub creditors_dir: String,
    /// A demonstration: the stand-ins (`fake` payments, `console` messages) may run behind an
    /// https `public_base_url`. The demo profile sets it; production never does.
    #[serde(default)]
    pub demo: bool,
}

impl Settings {
    /// Whether the worker can build this SMS provider (its section is present).
    pub fn sms_provider_configured(&self, kind: SmsProviderKind) -> bool {
        match kind {
            SmsProviderKind::Console => true,
            SmsProviderKind::Twilio => self.twilio.is_some(),
            SmsProviderKind::Gatewayapi => self.gatewayapi.is_some(),
        }
    }

    /// Whether the worker can build this e-mail provider (its section is present).
    pub fn email_provider_configured(&self, kind: EmailProviderKind) -> bool {
        match kind {
            EmailProviderKind::Console => true,
            EmailProviderKind::Smtp => self.smtp.is_some(),
            EmailProviderKind::Postmark => self.postmark.is_some(),
        }
    }
}

/// One creditor file: `[creditor]` with its identity and payment details.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditorFile {
    creditor: CreditorSection,
    /// What may be granted without a person; every part defaults to "not allowed".
    #[serde(default)]
    mandate: Mandate,
    #[serde(default)]
    retention: CreditorRetention,
}

/// A creditor's own retention, instead of the installation's `[retention]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditorRetention {
    #[serde(default)]
    erase_after_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditorSection {
    id: String,
    name: String,
    org_number: String,
    bank_account: String,
    kid_algorithm: KidAlgorithm,
    kid_length: usize,
    currency: String,
    jurisdiction: Jurisdiction,
    /// Online ways to pay offered on the case page: "vipps", "card".
    #[serde(default)]
    online_payments: Vec<OnlineMethod>,
    /// This creditor's SMS provider instead of messaging.sms_provider.
    #[serde(default)]
    sms_provider: Option<SmsProviderKind>,
    /// This creditor's e-mail provider instead of messaging.email_provider.
    #[serde(default)]
    email_provider: Option<EmailProviderKind>,
    /// Send by e-mail when the number is undeliverable, and by SMS when the address bounces.
    #[serde(default = "yes")]
    channel_fallback: bool,
}

fn yes() -> bool {
    true
}

/// The address part of `Name <a@b.no>` (or the whole text when there are no brackets).
pub fn mailbox_address(text: &str) -> &str {
    match (text.rfind('<'), text.rfind('>')) {
        (Some(start), Some(end)) if start < end => &text[start + 1..end],
        _ => text.trim(),
    }
}

/// A configuration problem: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub origin: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.origin, self.field, self.message)
    }
}

/// All problems found, one per line.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<ConfigIssue>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration ({} problem(s)):", self.0.len())?;
        for issue in &self.0 {
            writeln!(f, "  {issue}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The validated configuration the program runs with.
pub struct AppConfig {
    pub settings: Settings,
    pub link_keys: LinkKeys,
    pub creditors: HashMap<CreditorId, Creditor>,
    pub agencies: HashMap<AgencyId, Agency>,
    /// SHA-256 of an API key → its agency.
    pub api_keys: HashMap<[u8; 32], AgencyId>,
    /// Agencies that receive their events by webhook.
    pub webhooks: HashMap<AgencyId, WebhookEndpoint>,
    /// The store's pseudonyms for phone numbers and addresses (`store.pseudonym_key`; for the
    /// embedded store, which forgets everything on exit, a key of the process's own if none).
    pub pseudonyms: Pseudonyms,
}

/// Where and how an agency's events are delivered.
#[derive(Debug)]
pub struct WebhookEndpoint {
    pub url: reqwest::Url,
    pub secret: WebhookSecret,
}

impl fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppConfig")
            .field("creditors", &self.creditors.keys().collect::<Vec<_>>())
            .field("agencies", &self.agencies.keys().collect::<Vec<_>>())
            .field("link_keys", &self.link_keys)
            .finish_non_exhaustive()
    }
}

/// Where to read configuration from.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub dir: PathBuf,
    /// Adds `{dir}/{profile}.toml` over the defaults, e.g. `demo`.
    pub profile: Option<String>,
    /// Extra overrides (tests); applied after the environment.
    pub overrides: Vec<(String, figment::value::Value)>,
}

/// SHA-256 of an API key as it is compared and stored.
pub fn api_key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

impl ConfigSource {
    pub fn new(dir: impl Into<PathBuf>, profile: Option<&str>) -> ConfigSource {
        ConfigSource {
            dir: dir.into(),
            profile: profile.map(str::to_owned),
            overrides: Vec::new(),
        }
    }

    /// Overrides one setting (a dotted path such as `store.backend`) with any serialisable value.
    pub fn with(mut self, key: &str, value: impl serde::Serialize) -> ConfigSource {
        let value = figment::value::Value::serialize(value).unwrap_or_else(|e| {
            figment::value::Value::from(format!("unserialisable override: {e}"))
        });
        self.overrides.push((key.to_owned(), value));
        self
    }

    fn figment(&self) -> Figment {
        let mut figment = Figment::from(Toml::file_exact(self.dir.join("default.toml")));
        if let Some(profile) = &self.profile {
            figment = figment.merge(Toml::file_exact(self.dir.join(format!("{profile}.toml"))));
        }
        figment = figment.merge(Env::prefixed("INNFRI__").split("__"));
        for (key, value) in &self.overrides {
            figment = figment.merge(Serialized::default(key, value.clone()));
        }
        figment
    }

    /// Reads and validates everything; either a runnable config or every problem found.
    pub fn load(&self) -> Result<AppConfig, ConfigErrors> {
        let figment = self.figment();
        let settings: Settings = figment
            .extract()
            .map_err(|e| ConfigErrors(figment_issues(e)))?;
        let origin = |key: &str| -> String {
            figment
                .find_metadata(key)
                .map(|m| match &m.source {
                    Some(source) => source.to_string(),
                    None => m.name.to_string(),
                })
                .unwrap_or_else(|| "configuration".to_owned())
        };
        let mut issues = Vec::new();
        let mut issue = |key: &str, message: String| {
            issues.push(ConfigIssue {
                origin: origin(key),
                field: key.to_owned(),
                message,
            });
        };

        if !(settings.server.public_base_url.starts_with("https://")
            || settings.server.public_base_url.starts_with("http://"))
            || settings.server.public_base_url.ends_with('/')
        {
            issue(
                "server.public_base_url",
                "must start with https:// (or http:// for local use) and not end with '/'".into(),
            );
        }
        if settings.server.max_bank_file_mb == 0 || settings.server.max_bank_file_mb > 1024 {
            issue(
                "server.max_bank_file_mb",
                "must be between 1 and 1024".into(),
            );
        }
        if settings.store.namespace.is_empty() || settings.store.namespace.contains(['{', '}', ' '])
        {
            issue(
                "store.namespace",
                "must be non-empty without spaces or braces".into(),
            );
        }
        let store = &settings.store;
        for (key, ms, min) in [
            ("store.response_timeout_ms", store.response_timeout_ms, 10),
            ("store.connect_timeout_ms", store.connect_timeout_ms, 10),
            (
                "store.max_reconnect_delay_ms",
                store.max_reconnect_delay_ms,
                1,
            ),
        ] {
            if !(min..=60_000).contains(&ms) {
                issue(
                    key,
                    format!("must be between {min} and 60000 (milliseconds)"),
                );
            }
        }
        if settings.links.misses_per_minute == 0 {
            issue("links.misses_per_minute", "must be at least 1".into());
        }
        if !settings.messaging.health_bind.is_empty()
            && settings
                .messaging
                .health_bind
                .parse::<std::net::SocketAddr>()
                .is_err()
        {
            issue(
                "messaging.health_bind",
                "must be an address with a port, e.g. 127.0.0.1:9091, or empty for none".into(),
            );
        }
        let pseudonyms = match (&settings.store.pseudonym_key, settings.store.backend) {
            (Some(key), _) => match Pseudonyms::from_hex(key.expose_secret()) {
                Ok(p) => Some(p),
                Err(e) => {
                    issue("store.pseudonym_key", e.to_string());
                    None
                }
            },
            (None, Backend::Embedded) => Some(Pseudonyms::random()),
            (None, Backend::Redis) => {
                issue(
                    "store.pseudonym_key",
                    "is required for the Redis store, e.g. INNFRI__STORE__PSEUDONYM_KEY=<64 hex digits> (innfri new-link-key makes one); keep it: a new key forgets every opt-out".into(),
                );
                None
            }
        };
        let r = &settings.retention;
        for (field, days) in [
            ("retention.erase_after_days", r.erase_after_days),
            ("retention.events_days", r.events_days),
        ] {
            if !crate::domain::retention::valid_days(days) {
                issue(field, "must be between 1 and 3650 days".into());
            }
        }
        if r.run_every_minutes == 0 || r.run_every_minutes > 24 * 60 {
            issue(
                "retention.run_every_minutes",
                "must be between 1 and 1440".into(),
            );
        }
        if settings.messaging.batch_size == 0 || settings.messaging.batch_size > 10_000 {
            issue("messaging.batch_size", "must be between 1 and 10000".into());
        }
        if settings.messaging.concurrency == 0 {
            issue("messaging.concurrency", "must be at least 1".into());
        }
        if settings.messaging.max_attempts == 0 {
            issue("messaging.max_attempts", "must be at least 1".into());
        }
        if settings.links.ttl_days == 0 || settings.links.ttl_days > 365 {
            issue("links.ttl_days", "must be between 1 and 365".into());
        }
        if settings.links.session_idle_minutes == 0
            || settings.links.session_max_minutes < settings.links.session_idle_minutes
        {
            issue(
                "links.session_max_minutes",
                "must be at least links.session_idle_minutes, which must be above 0".into(),
            );
        }
        let m = &settings.messaging;
        let sms_kinds: Vec<SmsProviderKind> = [Some(m.sms_provider), m.sms_failover]
            .into_iter()
            .flatten()
            .collect();
        let email_kinds: Vec<EmailProviderKind> = [Some(m.email_provider), m.email_failover]
            .into_iter()
            .flatten()
            .collect();
        if m.sms_failover == Some(m.sms_provider) {
            issue(
                "messaging.sms_failover",
                "must name a provider other than messaging.sms_provider".into(),
            );
        }
        if m.email_failover == Some(m.email_provider) {
            issue(
                "messaging.email_failover",
                "must name a provider other than messaging.email_provider".into(),
            );
        }
        if m.breaker_failures == 0 {
            issue("messaging.breaker_failures", "must be at least 1".into());
        }
        if m.reminder_cooldown_hours > 24 * 7 {
            issue(
                "messaging.reminder_cooldown_hours",
                "must be at most 168 (one week)".into(),
            );
        }
        if m.receipt_grace_seconds > 24 * 3600 {
            issue(
                "messaging.receipt_grace_seconds",
                "must be at most 86400 (one day)".into(),
            );
        }
        for (field, phrases) in [
            ("messaging.opt_out_words", &m.opt_out_words),
            ("messaging.opt_in_words", &m.opt_in_words),
        ] {
            for phrase in phrases {
                if crate::domain::reply::normalise(phrase).is_empty() {
                    issue(
                        field,
                        format!(
                            "{phrase:?} has no words to match (only punctuation or courtesy words, or more than 16 words)"
                        ),
                    );
                }
            }
        }
        let opt_out: std::collections::HashSet<String> = crate::domain::reply::BUILT_IN_OPT_OUT
            .iter()
            .copied()
            .chain(m.opt_out_words.iter().map(String::as_str))
            .map(crate::domain::reply::normalise)
            .collect();
        for phrase in &m.opt_in_words {
            if opt_out.contains(&crate::domain::reply::normalise(phrase)) {
                issue(
                    "messaging.opt_in_words",
                    format!("{phrase:?} is also an opt-out phrase"),
                );
            }
        }
        if sms_kinds.contains(&SmsProviderKind::Gatewayapi) {
            match &settings.gatewayapi {
                None => issue(
                    "gatewayapi",
                    "is required when messaging.sms_provider or sms_failover is \"gatewayapi\""
                        .into(),
                ),
                Some(g) => {
                    if g.token.expose_secret().trim().is_empty() {
                        issue("gatewayapi.token", "must not be empty".into());
                    }
                    if g.webhook_secret.expose_secret().is_empty() {
                        issue("gatewayapi.webhook_secret", "must not be empty".into());
                    }
                    let alnum = g.sender.len() <= 11
                        && !g.sender.is_empty()
                        && g.sender
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == ' ');
                    let digits =
                        g.sender.len() <= 15 && g.sender.chars().all(|c| c.is_ascii_digit());
                    if !(alnum || digits) {
                        issue(
                            "gatewayapi.sender",
                            "must be at most 11 letters and digits, or at most 15 digits".into(),
                        );
                    }
                    if reqwest::Url::parse(&g.api_base).is_err() {
                        issue("gatewayapi.api_base", "must be a URL".into());
                    }
                }
            }
        }
        if email_kinds.contains(&EmailProviderKind::Postmark) {
            match &settings.postmark {
                None => issue(
                    "postmark",
                    "is required when messaging.email_provider or email_failover is \"postmark\""
                        .into(),
                ),
                Some(p) => {
                    if p.server_token.expose_secret().trim().is_empty() {
                        issue("postmark.server_token", "must not be empty".into());
                    }
                    if crate::domain::contact::EmailAddress::parse(mailbox_address(&p.from))
                        .is_err()
                    {
                        issue("postmark.from", "must be an e-mail address".into());
                    }
                    if p.webhook_username.is_empty()
                        || p.webhook_password.expose_secret().len() < 16
                    {
                        issue(
                            "postmark.webhook_password",
                            "webhook_username must be set and webhook_password at least 16 characters".into(),
                        );
                    }
                    if reqwest::Url::parse(&p.api_base).is_err() {
                        issue("postmark.api_base", "must be a URL".into());
                    }
                }
            }
        }
        if email_kinds.contains(&EmailProviderKind::Smtp) {
            match &settings.smtp {
                None => issue(
                    "smtp",
                    "is required when messaging.email_provider or email_failover is \"smtp\""
                        .into(),
                ),
                Some(s) => {
                    if s.host.trim().is_empty() {
                        issue("smtp.host", "must not be empty".into());
                    }
                    if s.from.parse::<lettre::message::Mailbox>().is_err() {
                        issue(
                            "smtp.from",
                            "must be an address, optionally with a name: Name <a@b.no>".into(),
                        );
                    }
                    if s.username.is_some() != s.password.is_some() {
                        issue("smtp.password", "username and password go together".into());
                    }
                }
            }
        }
        if sms_kinds.contains(&SmsProviderKind::Twilio) {
            match &settings.twilio {
                None => issue(
                    "twilio",
                    "is required when messaging.sms_provider or sms_failover is \"twilio\"".into(),
                ),
                Some(t) => {
                    if !t.account_sid.starts_with("AC") || t.account_sid.len() != 34 {
                        issue(
                            "twilio.account_sid",
                            "must be 'AC' followed by 32 hex digits".into(),
                        );
                    }
                    if t.auth_token.expose_secret().is_empty() {
                        issue("twilio.auth_token", "must not be empty".into());
                    }
                    if t.from.is_empty() {
                        issue("twilio.from", "must be a phone number or sender id".into());
                    }
                }
            }
        }

        if settings.payments.card == CardProviderKind::Stripe {
            match &settings.stripe {
                None => issue(
                    "stripe",
                    "is required when payments.card = \"stripe\"".into(),
                ),
                Some(s) => {
                    let key = s.secret_key.expose_secret();
                    if !(key.starts_with("sk_") || key.starts_with("rk_")) {
                        issue(
                            "stripe.secret_key",
                            "must be a secret (sk_…) or restricted (rk_…) key".into(),
                        );
                    }
                    if !s.webhook_secret.expose_secret().starts_with("whsec_") {
                        issue(
                            "stripe.webhook_secret",
                            "must be the endpoint's whsec_… signing secret".into(),
                        );
                    }
                    if reqwest::Url::parse(&s.api_base).is_err() {
                        issue("stripe.api_base", "must be a URL".into());
                    }
                }
            }
        }
        if settings.payments.vipps == VippsProviderKind::Vipps {
            match &settings.vipps {
                None => issue(
                    "vipps",
                    "is required when payments.vipps = \"vipps\"".into(),
                ),
                Some(v) => {
                    if v.client_id.trim().is_empty() {
                        issue("vipps.client_id", "must not be empty".into());
                    }
                    if v.merchant_serial_number.is_empty()
                        || !v.merchant_serial_number.chars().all(|c| c.is_ascii_digit())
                    {
                        issue("vipps.merchant_serial_number", "must be digits".into());
                    }
                    if v.webhook_secret.expose_secret().is_empty() {
                        issue("vipps.webhook_secret", "must not be empty".into());
                    }
                    if reqwest::Url::parse(&v.api_base).is_err() {
                        issue("vipps.api_base", "must be a URL".into());
                    }
                }
            }
        }

        let mut keys = Vec::new();
        for (id, secret) in &settings.links.keys {
            let field = format!("links.keys.{id}");
            let Ok(key_id) = id.parse::<u8>() else {
                issue(&field, "key ids must be numbers from 0 to 255".into());
                continue;
            };
            match hex::decode(secret.expose_secret().trim()) {
                Ok(bytes) if bytes.len() >= 32 => keys.push((key_id, SecretBox::new(bytes.into_boxed_slice()))),
                Ok(_) => issue(&field, "must be at least 32 bytes (64 hex digits); make one with `innfri new-link-key`".into()),
                Err(_) => issue(&field, "must be hex; make one with `innfri new-link-key`".into()),
            }
        }
        let link_keys = if settings.links.keys.is_empty() {
            issue(
                "links.keys",
                "at least one key is required, e.g. INNFRI__LINKS__KEYS__1=<64 hex digits>".into(),
            );
            None
        } else {
            match LinkKeys::new(keys, settings.links.signing_key_id) {
                Ok(k) => Some(k),
                Err(e) => {
                    issue(
                        "links.signing_key_id",
                        format!("{e} (it must name one of links.keys)"),
                    );
                    None
                }
            }
        };

        let creditors_dir = self.dir.join(&settings.creditors_dir);
        let mut creditor_issues = Vec::new();
        let creditors = load_creditors(&creditors_dir, &mut creditor_issues);
        for creditor in creditors.values() {
            let field = |f: &str| format!("creditor {}: {f}", creditor.id);
            if let Some(kind) = creditor.messaging.sms_provider
                && !settings.sms_provider_configured(kind)
            {
                issue(
                    &field("sms_provider"),
                    format!("names {kind:?}, whose section is not configured"),
                );
            }
            if let Some(kind) = creditor.messaging.email_provider
                && !settings.email_provider_configured(kind)
            {
                issue(
                    &field("email_provider"),
                    format!("names {kind:?}, whose section is not configured"),
                );
            }
        }

        // Behind https debtors are real: on the fake page they could mark their own case paid,
        // and console messages never reach them. Only an explicit demo may do that.
        if settings.server.public_base_url.starts_with("https://") && !settings.demo {
            for (field, stand_in) in stand_ins(&settings, &creditors) {
                issue(
                    &field,
                    format!(
                        "is \"{stand_in}\" while server.public_base_url is https (production); \
                         use a real provider, or set demo = true for a demonstration"
                    ),
                );
            }
        }

        let mut agencies = HashMap::new();
        let mut api_keys = HashMap::new();
        let mut webhooks = HashMap::new();
        for (i, a) in settings.agencies.iter().enumerate() {
            let at = |f: &str| format!("agencies[{i}].{f}");
            let mut local = Vec::new();
            let id = match AgencyId::parse(&a.id) {
                Ok(id) => Some(id),
                Err(e) => {
                    local.push((at("id"), e.to_string()));
                    None
                }
            };
            let mut creditor_ids = Vec::new();
            for (j, c) in a.creditors.iter().enumerate() {
                match CreditorId::parse(c) {
                    Ok(cid) if creditors.contains_key(&cid) => creditor_ids.push(cid),
                    Ok(_) => local.push((
                        at(&format!("creditors[{j}]")),
                        format!("no creditor file defines '{c}'"),
                    )),
                    Err(e) => local.push((at(&format!("creditors[{j}]")), e.to_string())),
                }
            }
            let mut hashes = Vec::new();
            for (j, h) in a.api_key_sha256.iter().enumerate() {
                match hex::decode(h) {
                    Ok(bytes) if bytes.len() == 32 => {
                        let mut arr = [0u8; 32];
                        arr.copy_from_slice(&bytes);
                        hashes.push(arr);
                    }
                    _ => local.push((
                        at(&format!("api_key_sha256[{j}]")),
                        "must be 64 hex digits (make one with `innfri new-api-key`)".into(),
                    )),
                }
            }
            let endpoint = match (&a.webhook_url, &a.webhook_secret) {
                (None, None) => None,
                (Some(url), Some(secret)) => {
                    let parsed = reqwest::Url::parse(url)
                        .ok()
                        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some());
                    let secret = WebhookSecret::parse(secret.expose_secret()).ok();
                    if parsed.is_none() {
                        local.push((at("webhook_url"), "must be an http(s) URL".into()));
                    }
                    if secret.is_none() {
                        local.push((
                            at("webhook_secret"),
                            "must be whsec_ followed by base64 of 24 to 64 random bytes".into(),
                        ));
                    }
                    parsed
                        .zip(secret)
                        .map(|(url, secret)| WebhookEndpoint { url, secret })
                }
                _ => {
                    local.push((
                        at("webhook_url"),
                        "webhook_url and webhook_secret go together".into(),
                    ));
                    None
                }
            };
            for (field, message) in local {
                issue(&field, message);
            }
            if let Some(id) = id {
                if let Some(endpoint) = endpoint {
                    webhooks.insert(id.clone(), endpoint);
                }
                if agencies.contains_key(&id) {
                    issue(&at("id"), format!("agency '{id}' is defined twice"));
                }
                for h in hashes {
                    api_keys.insert(h, id.clone());
                }
                agencies.insert(
                    id.clone(),
                    Agency {
                        id,
                        name: a.name.clone(),
                        creditors: creditor_ids,
                    },
                );
            }
        }

        issues.extend(creditor_issues);
        match (issues.is_empty(), link_keys, pseudonyms) {
            (true, Some(link_keys), Some(pseudonyms)) => Ok(AppConfig {
                settings,
                link_keys,
                creditors,
                agencies,
                api_keys,
                webhooks,
                pseudonyms,
            }),
            _ => Err(ConfigErrors(issues)),
        }
    }
}

/// Each setting that names a stand-in for a real provider (`fake` payments, `console`
/// messages): the field and the stand-in.
fn stand_ins(
    settings: &Settings,
    creditors: &HashMap<CreditorId, Creditor>,
) -> Vec<(String, &'static str)> {
    let m = &settings.messaging;
    let mut found = Vec::new();
    let mut named = |field: String, stand_in: Option<&'static str>| {
        if let Some(stand_in) = stand_in {
            found.push((field, stand_in));
        }
    };
    let console_sms = |k: SmsProviderKind| (k == SmsProviderKind::Console).then_some("console");
    let console_email =
        |k: EmailProviderKind| (k == EmailProviderKind::Console).then_some("console");
    named(
        "payments.card".into(),
        (settings.payments.card == CardProviderKind::Fake).then_some("fake"),
    );
    named(
        "payments.vipps".into(),
        (settings.payments.vipps == VippsProviderKind::Fake).then_some("fake"),
    );
    named("messaging.sms_provider".into(), console_sms(m.sms_provider));
    named(
        "messaging.sms_failover".into(),
        m.sms_failover.and_then(console_sms),
    );
    named(
        "messaging.email_provider".into(),
        console_email(m.email_provider),
    );
    named(
        "messaging.email_failover".into(),
        m.email_failover.and_then(console_email),
    );
    let mut sorted: Vec<(&CreditorId, &Creditor)> = creditors.iter().collect();
    sorted.sort_by_key(|(id, _)| *id);
    for (id, creditor) in sorted {
        let messaging = &creditor.messaging;
        named(
            format!("creditor {id}: sms_provider"),
            messaging.sms_provider.and_then(console_sms),
        );
        named(
            format!("creditor {id}: email_provider"),
            messaging.email_provider.and_then(console_email),
        );
    }
    found
}

fn figment_issues(error: figment::Error) -> Vec<ConfigIssue> {
    error
        .into_iter()
        .map(|e| {
            let origin = e
                .metadata
                .as_ref()
                .map(|m| {
                    m.source
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| m.name.to_string())
                })
                .unwrap_or_else(|| "configuration".to_owned());
            let field = if e.path.is_empty() {
                "(top level)".to_owned()
            } else {
                e.path.join(".")
            };
            ConfigIssue {
                origin,
                field,
                message: e.kind.to_string(),
            }
        })
        .collect()
}

fn load_creditors(dir: &Path, issues: &mut Vec<ConfigIssue>) -> HashMap<CreditorId, Creditor> {
    let mut creditors = HashMap::new();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            issues.push(ConfigIssue {
                origin: dir.display().to_string(),
                field: "creditors_dir".into(),
                message: format!("cannot read the folder: {e}"),
            });
            return creditors;
        }
    };
    files.sort();
    for path in files {
        let origin = path.display().to_string();
        let figment = Figment::from(Toml::file_exact(&path));
        let file: CreditorFile = match figment.extract() {
            Ok(f) => f,
            Err(e) => {
                for mut issue in figment_issues(e) {
                    issue.origin = origin.clone();
                    issues.push(issue);
                }
                continue;
            }
        };
        let law_issues = file
            .mandate
            .check(file.creditor.jurisdiction, chrono::Utc::now().date_naive());
        if !law_issues.is_empty() {
            issues.extend(law_issues.into_iter().map(|i| ConfigIssue {
                origin: origin.clone(),
                field: format!("mandate.{}", i.field),
                message: i.message,
            }));
            continue;
        }
        if let Some(days) = file.retention.erase_after_days
            && !crate::domain::retention::valid_days(days)
        {
            issues.push(ConfigIssue {
                origin,
                field: "retention.erase_after_days".into(),
                message: "must be between 1 and 3650 days".into(),
            });
            continue;
        }
        match build_creditor(file.creditor, file.mandate, file.retention) {
            Ok(creditor) => {
                if creditors.contains_key(&creditor.id) {
                    issues.push(ConfigIssue {
                        origin,
                        field: "creditor.id".into(),
                        message: format!(
                            "creditor '{}' is defined in another file too",
                            creditor.id
                        ),
                    });
                } else {
                    creditors.insert(creditor.id.clone(), creditor);
                }
            }
            Err(found) => issues.extend(found.into_iter().map(|(field, message)| ConfigIssue {
                origin: origin.clone(),
                field: format!("creditor.{field}"),
                message,
            })),
        }
    }
    creditors
}

fn build_creditor(
    c: CreditorSection,
    mandate: Mandate,
    retention: CreditorRetention,
) -> Result<Creditor, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let id = CreditorId::parse(&c.id)
        .map_err(|e| errors.push(("id", e.to_string())))
        .ok();
    let org = OrgNumber::parse(&c.org_number)
        .map_err(|e| errors.push(("org_number", e.to_string())))
        .ok();
    let account = BankAccountNumber::parse(&c.bank_account)
        .map_err(|e| errors.push(("bank_account", e.to_string())))
        .ok();
    let currency = Currency::parse(&c.currency)
        .map_err(|e| errors.push(("currency", e.to_string())))
        .ok();
    if c.name.trim().is_empty() {
        errors.push(("name", "must not be empty".into()));
    }
    if !(4..=20).contains(&c.kid_length) {
        errors.push(("kid_length", "must be between 4 and 20 digits".into()));
    }
    match (id, org, account, currency, errors.is_empty()) {
        (Some(id), Some(org_number), Some(bank_account), Some(currency), true) => Ok(Creditor {
            id,
            name: c.name,
            org_number,
            bank_account,
            kid_algorithm: c.kid_algorithm,
            currency,
            jurisdiction: c.jurisdiction,
            kid_length: c.kid_length,
            mandate,
            online_payments: c.online_payments,
            messaging: CreditorMessaging {
                sms_provider: c.sms_provider,
                email_provider: c.email_provider,
                channel_fallback: c.channel_fallback,
            },
            erase_after_days: retention.erase_after_days,
        }),
        _ => Err(errors),
    }
}
