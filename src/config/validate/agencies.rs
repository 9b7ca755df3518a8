//! `[[agencies]]`: ids, their creditors, API key hashes, and webhook endpoints.

use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::Issues;
use crate::config::Settings;
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::webhooks::WebhookEndpoint;
use crate::webhooks::signing::WebhookSecret;

/// The agency's contact for debtors: a phone and an e-mail a person can use, opening hours as
/// a short line of text.
fn check_contact(
    contact: &crate::domain::creditor::AgencyContact,
    at: &dyn Fn(&str) -> String,
    local: &mut Vec<(String, String)>,
) {
    use crate::domain::contact::{EmailAddress, PhoneNumber};
    if let Some(phone) = &contact.phone
        && let Err(e) = PhoneNumber::parse(phone)
    {
        local.push((at("contact.phone"), e.to_string()));
    }
    if let Some(email) = &contact.email
        && let Err(e) = EmailAddress::parse(email)
    {
        local.push((at("contact.email"), e.to_string()));
    }
    if let Some(hours) = &contact.opening_hours {
        let length = hours.trim().chars().count();
        if !(1..=100).contains(&length) || hours.chars().any(char::is_control) {
            local.push((
                at("contact.opening_hours"),
                "must be one line of 1 to 100 characters".into(),
            ));
        }
    }
}

/// The valid agencies with what they own.
pub(in crate::config) struct Agencies {
    pub agencies: HashMap<AgencyId, Agency>,
    /// SHA-256 of an API key → its agency.
    pub api_keys: HashMap<[u8; 32], AgencyId>,
    pub webhooks: HashMap<AgencyId, WebhookEndpoint>,
}

pub(super) fn check(
    settings: &Settings,
    creditors: &HashMap<CreditorId, Creditor>,
    issues: &mut Issues<'_>,
) -> Agencies {
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
        check_contact(&a.contact, &at, &mut local);
        for (field, message) in local {
            issues.add(&field, message);
        }
        if let Some(id) = id {
            if let Some(endpoint) = endpoint {
                webhooks.insert(id.clone(), endpoint);
            }
            if agencies.contains_key(&id) {
                issues.add(&at("id"), format!("agency '{id}' is defined twice"));
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
    Agencies {
        agencies,
        api_keys,
        webhooks,
    }
}
