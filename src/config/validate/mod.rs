//! Validation of the loaded settings, one file per section; every problem is collected (with
//! the file or variable it came from) instead of stopping at the first.

mod agencies;
mod creditors;
pub(super) mod journeys;
mod law;
mod links;
mod messaging;
mod payments;
mod providers;
mod retention;
mod server;
mod store;

use std::collections::HashMap;

use figment::Figment;

use super::{ConfigIssue, Settings};
use crate::domain::creditor::Creditor;
use crate::domain::ids::CreditorId;
use crate::links::LinkKeys;
use crate::store::Pseudonyms;

/// The problems found so far, each with where its setting came from.
pub(super) struct Issues<'a> {
    figment: &'a Figment,
    found: Vec<ConfigIssue>,
}

impl<'a> Issues<'a> {
    pub(super) fn new(figment: &'a Figment) -> Issues<'a> {
        Issues {
            figment,
            found: Vec::new(),
        }
    }

    /// A problem with the setting `key` (a dotted path, or a creditor's or agency's field).
    pub(super) fn add(&mut self, key: &str, message: impl Into<String>) {
        let origin = self
            .figment
            .find_metadata(key)
            .map(|m| match &m.source {
                Some(source) => source.to_string(),
                None => m.name.to_string(),
            })
            .unwrap_or_else(|| "configuration".to_owned());
        self.found.push(ConfigIssue {
            origin,
            field: key.to_owned(),
            message: message.into(),
        });
    }

    pub(super) fn into_vec(self) -> Vec<ConfigIssue> {
        self.found
    }
}

pub(super) use agencies::Agencies;

/// What validation builds besides the issues: `None` where the setting was invalid.
pub(super) struct Checked {
    pub link_keys: Option<LinkKeys>,
    pub pseudonyms: Option<Pseudonyms>,
    pub agencies: Agencies,
}

/// Checks every section of `settings` (the creditors already read) in the order check-config
/// reports them.
pub(super) fn check(
    settings: &Settings,
    creditors: &HashMap<CreditorId, Creditor>,
    issues: &mut Issues<'_>,
) -> Checked {
    server::check(settings, issues);
    let pseudonyms = store::check(settings, issues);
    let link_keys = links::check(settings, issues);
    messaging::check(settings, issues);
    retention::check(settings, issues);
    law::check(settings, issues);
    providers::check(settings, issues);
    payments::check(settings, issues);
    creditors::check(settings, creditors, issues);
    let agencies = agencies::check(settings, creditors, issues);
    Checked {
        link_keys,
        pseudonyms,
        agencies,
    }
}
