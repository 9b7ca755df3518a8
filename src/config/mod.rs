//! Layered settings: `config/default.toml` → `config/{profile}.toml` → `INNFRI__SECTION__KEY`
//! environment variables, plus one file per creditor in `config/mandates/`. Validated once into
//! [`AppConfig`]; every problem is reported with the file (or variable) and the field.
//!
//! The types are in [`settings`], the creditor files in `creditors`, the checks per section in
//! `validate/`.

mod creditors;
mod journey;
pub mod settings;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use sha2::{Digest, Sha256};

pub use settings::*;

use crate::clock::{Clock, SystemClock};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::links::LinkKeys;
use crate::store::Pseudonyms;
use crate::webhooks::WebhookEndpoint;

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
    /// Agencies whose staff may sign in by their own identity provider.
    pub sso: HashMap<AgencyId, SsoProvider>,
    /// The store's pseudonyms for phone numbers and addresses (`store.pseudonym_key`; for the
    /// embedded store, which forgets everything on exit, a key of the process's own if none).
    pub pseudonyms: Pseudonyms,
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

impl AppConfig {
    /// What `check-config` and `/readyz` warn about late-payment interest on `now`: each law
    /// pack (built-in table and `[law.*] late_interest`) without a rate for the current
    /// half-year, then each creditor with innfri accruing whose interest therefore stands still.
    pub fn late_interest_warnings(&self, now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
        let mut warnings = crate::domain::jurisdiction::late_interest_warnings(
            |j| self.settings.late_interest(j),
            now,
        );
        warnings.extend(crate::domain::interest::accrual_warnings(
            self.creditors.values(),
            now,
        ));
        warnings
    }

    /// What `check-config` warns about `changes_by`: a creditor naming an agency this
    /// configuration does not hold. Only a warning, since agencies created with `innfri agency
    /// create` live in the store, which `check-config` does not read; a typo would otherwise
    /// leave the named agency without the right it was meant to have, silently.
    pub fn changes_by_warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = self
            .creditors
            .iter()
            .flat_map(|(id, creditor)| {
                creditor
                    .changes_by
                    .agencies
                    .iter()
                    .filter(|agency| !self.agencies.contains_key(*agency))
                    .map(move |agency| {
                        format!(
                            "creditor '{id}': changes_by names agency '{agency}', which is not in \
                             the configuration (fine if it was created in the store with `innfri \
                             agency create`; otherwise nobody of that name can change the settings)"
                        )
                    })
            })
            .collect();
        warnings.sort();
        warnings
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
        self.load_on(SystemClock.now().date_naive())
    }

    /// As [`ConfigSource::load`], judging the creditors' mandates by the law as it stands on
    /// `today`.
    pub fn load_on(&self, today: NaiveDate) -> Result<AppConfig, ConfigErrors> {
        let figment = self.figment();
        let settings: Settings = figment
            .extract()
            .map_err(|e| ConfigErrors(figment_issues(e)))?;
        let mut creditor_issues = Vec::new();
        // The journeys' texts are the shipped ones, embedded in the binary.
        let texts = crate::i18n::Texts::load()
            .map_err(|e| {
                creditor_issues.push(ConfigIssue {
                    origin: "templates/locales".into(),
                    field: "texts".into(),
                    message: e.to_string(),
                })
            })
            .ok();
        let creditors = creditors::load_creditors(
            &self.dir.join(&settings.creditors_dir),
            today,
            &settings,
            texts.as_ref(),
            &mut creditor_issues,
        );
        let mut issues = validate::Issues::new(&figment);
        let checked = validate::check(&settings, &creditors, &mut issues);
        let mut issues = issues.into_vec();
        issues.extend(creditor_issues);
        let validate::Agencies {
            agencies,
            api_keys,
            webhooks,
            sso,
        } = checked.agencies;
        match (issues.is_empty(), checked.link_keys, checked.pseudonyms) {
            (true, Some(link_keys), Some(pseudonyms)) => Ok(AppConfig {
                settings,
                link_keys,
                creditors,
                agencies,
                api_keys,
                webhooks,
                sso,
                pseudonyms,
            }),
            _ => Err(ConfigErrors(issues)),
        }
    }
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

/// Every problem of `creditor`'s journey exactly as `check-config` judges a creditor file (its
/// shape, its country's law, the named Fluent messages and their SMS parts): the setting as a
/// file spells it (`journey.steps[2].fee`) and `message (rule)`. For a journey sent through
/// the API, which has no file.
pub use validate::journeys::SmsSample;

/// Each language's SMS of the journey text family `family` for `creditor`, rendered for the
/// sample case `check-config` measures with, and its part count: what the journey editor shows.
pub fn journey_sms_samples(
    creditor: &Creditor,
    settings: &Settings,
    texts: &crate::i18n::Texts,
    family: &str,
) -> Vec<SmsSample> {
    validate::journeys::sms_samples(creditor, settings, texts, family)
}

pub fn journey_problems(
    creditor: &Creditor,
    settings: &Settings,
    texts: &crate::i18n::Texts,
) -> Vec<(String, String)> {
    validate::journeys::check(creditor, settings, Some(texts))
}
