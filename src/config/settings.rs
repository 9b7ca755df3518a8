//! The settings types as they are read from the config files and the environment: one struct
//! per section, with its defaults.

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::Deserialize;

use crate::proxy::{ForwardedHeader, TrustedProxy};

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
    /// Whether `GET /metrics` answers on this (public) port; off by default, since the counts
    /// tell outsiders about the traffic. The worker's probe listener always serves it.
    #[serde(default)]
    pub metrics: bool,
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
    /// A Redis Cluster's nodes (`redis://host:port` each; any few of its masters will do, the
    /// rest is discovered): when set, the store uses the cluster client and `redis_url` is unused.
    #[serde(default)]
    pub redis_cluster_nodes: Vec<String>,
    /// How many hash-tagged shards the message queue is split into, so a Cluster spreads it
    /// over its masters; workers claim from them in turn. 1 is one queue. A start with another
    /// count moves the queue over (restart every process with the same count).
    #[serde(default = "default_queue_shards")]
    pub redis_queue_shards: u16,
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
    /// Embedded backend only: the file it keeps everything in (made if missing; its folder
    /// must exist), so data survives a restart. Unset: in memory, gone on exit (the demo).
    #[serde(default)]
    pub path: Option<std::path::PathBuf>,
}

fn default_queue_shards() -> u16 {
    crate::store::DEFAULT_QUEUE_SHARDS
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
    /// Where to export traces over OTLP/HTTP with JSON bodies, the whole URL (an OpenTelemetry
    /// Collector's `http://collector:4318/v1/traces`). Off when unset: then no span is made.
    #[serde(default)]
    pub otlp_traces_url: Option<String>,
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
    /// `check-config` warns when an SMS text can render to more parts than this, and refuses a
    /// creditor's journey whose SMS texts can.
    #[serde(default = "two")]
    pub max_sms_segments: usize,
    /// The same for texts in a language whose letters are not in GSM-7 (Polish, Ukrainian): they
    /// go as UCS-2, 70 characters in one part and 67 a part after that, so one with a full link
    /// cannot fit one part.
    #[serde(default = "two")]
    pub max_sms_segments_ucs2: usize,
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

impl MessagingSettings {
    /// How many parts an SMS in `locale` may need, and the setting that says so: a language
    /// written in GSM-7 has `max_sms_segments`, Polish and Ukrainian (UCS-2)
    /// `max_sms_segments_ucs2`.
    pub fn sms_part_limit(&self, locale: crate::domain::locale::Locale) -> (usize, &'static str) {
        if locale.sms_fits_gsm7() {
            (self.max_sms_segments, "max_sms_segments")
        } else {
            (self.max_sms_segments_ucs2, "max_sms_segments_ucs2")
        }
    }
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
    /// The phone, e-mail and opening hours every debtor page shows (all optional).
    #[serde(default)]
    pub contact: crate::domain::creditor::AgencyContact,
    /// Single sign-on to the console by the agency's identity provider (OpenID Connect).
    #[serde(default)]
    pub sso: Option<SsoSettings>,
}

/// `[agencies.sso]`: the agency's OpenID Connect provider, with this service registered as a
/// confidential client whose redirect URI is `{public_base_url}/console/sso/{id}/callback`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoSettings {
    /// The issuer, e.g. `https://login.microsoftonline.com/{tenant id}/v2.0`; https (http only
    /// on a loopback address, for tests).
    pub issuer: String,
    pub client_id: String,
    /// Better given by environment, like the other secrets.
    pub client_secret: SecretString,
    /// Domains a user's address must be in (e.g. `["nordic-inkasso.no"]`); empty: any.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// Whether the agency's users may still log in with password and TOTP.
    #[serde(default = "yes")]
    pub password_login: bool,
}

fn yes() -> bool {
    true
}

/// An agency's validated single sign-on.
pub struct SsoProvider {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub policy: crate::domain::staff_sso::SsoPolicy,
}

impl std::fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoProvider")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
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
    #[serde(default)]
    pub law: LawSettings,
    /// Where documents' bytes are kept (a folder, an S3-compatible bucket, or memory).
    #[serde(default)]
    pub documents: DocumentSettings,
    /// Folder of creditor files, relative to the config folder.
    pub creditors_dir: String,
    /// A demonstration: the stand-ins (`fake` payments, `console` messages) may run behind an
    /// https `public_base_url`. The demo profile sets it; production never does.
    #[serde(default)]
    pub demo: bool,
}

/// `[law.*]`: additions to the law packs' date-effective tables, one section per jurisdiction.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LawSettings {
    pub no: JurisdictionLaw,
}

/// `[law.no]`: what an operator adds to the built-in tables without waiting for a release.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JurisdictionLaw {
    /// Late-payment interest rates for newer half-years (or corrections of built-in ones):
    /// `late_interest = [{ from = "2026-07-01", percent = "12.00" }]`.
    pub late_interest: Vec<crate::domain::interest::RatePeriod>,
}

impl Settings {
    /// The configured late-payment interest rates of a jurisdiction's law pack.
    pub fn late_interest(
        &self,
        jurisdiction: crate::domain::creditor::Jurisdiction,
    ) -> &[crate::domain::interest::RatePeriod] {
        match jurisdiction {
            crate::domain::creditor::Jurisdiction::Norway => &self.law.no.late_interest,
        }
    }

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

/// The address part of `Name <a@b.no>` (or the whole text when there are no brackets).
pub fn mailbox_address(text: &str) -> &str {
    match (text.rfind('<'), text.rfind('>')) {
        (Some(start), Some(end)) if start < end => &text[start + 1..end],
        _ => text.trim(),
    }
}

/// `[documents]`: object storage for case documents. With `s3` set, an S3-compatible bucket;
/// else with `path`, a local folder; else memory (the demo and tests: gone on exit).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSettings {
    /// A local folder (made if missing) for the embedded single-binary setup.
    #[serde(default)]
    pub path: Option<std::path::PathBuf>,
    #[serde(default)]
    pub s3: Option<S3Settings>,
}

/// `[documents.s3]`: any S3-compatible service (AWS, MinIO, Ceph, Garage, ...).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    /// e.g. `https://s3.eu-north-1.amazonaws.com` or `http://127.0.0.1:9000`.
    pub endpoint: String,
    pub bucket: String,
    #[serde(default = "default_s3_region")]
    pub region: String,
    pub access_key_id: String,
    /// Set it from the environment: `INNFRI__DOCUMENTS__S3__SECRET_ACCESS_KEY`.
    pub secret_access_key: SecretString,
    /// Whether an `http://` endpoint is taken (a server on the same host or network).
    #[serde(default)]
    pub allow_http: bool,
    /// Path-style URLs (`endpoint/bucket/key`), which most self-hosted servers need.
    #[serde(default = "yes")]
    pub path_style: bool,
}

fn default_s3_region() -> String {
    "us-east-1".to_owned()
}
