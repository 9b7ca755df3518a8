//! `[[agencies]]`: ids, their creditors, API key hashes, and webhook endpoints.

use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::Issues;
use crate::config::{Settings, SsoProvider, SsoSettings};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::staff_sso::SsoPolicy;
use crate::domain::webhook_endpoint::WebhookUrl;
use crate::domain::webhook_secret::WebhookSecret;
use crate::webhooks::WebhookEndpoint;

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
    pub sso: HashMap<AgencyId, SsoProvider>,
}

/// `[agencies.sso]`: an https issuer (http only on a loopback address: tests, a laptop), a
/// client id and secret, domains as bare lower-case names.
fn check_sso(
    sso: &SsoSettings,
    at: &dyn Fn(&str) -> String,
    local: &mut Vec<(String, String)>,
) -> Option<SsoProvider> {
    let before = local.len();
    let issuer = reqwest::Url::parse(&sso.issuer).ok();
    let loopback = |u: &reqwest::Url| match u.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    };
    let fine = issuer.as_ref().is_some_and(|u| {
        u.query().is_none()
            && u.fragment().is_none()
            && (u.scheme() == "https" && u.host().is_some() || u.scheme() == "http" && loopback(u))
    });
    if !fine {
        local.push((
            at("sso.issuer"),
            "must be the provider's https URL (http only on a loopback address)".into(),
        ));
    }
    if sso.client_id.trim().is_empty() {
        local.push((at("sso.client_id"), "must not be empty".into()));
    }
    if sso.client_secret.expose_secret().trim().is_empty() {
        local.push((at("sso.client_secret"), "must not be empty".into()));
    }
    let mut domains = Vec::new();
    for (j, d) in sso.allowed_domains.iter().enumerate() {
        let d = d.trim().to_ascii_lowercase();
        let shaped = !d.is_empty()
            && d.contains('.')
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if shaped {
            domains.push(d);
        } else {
            local.push((
                at(&format!("sso.allowed_domains[{j}]")),
                "must be a domain name such as example.no".into(),
            ));
        }
    }
    (local.len() == before).then(|| SsoProvider {
        issuer: sso.issuer.trim_end_matches('/').to_owned(),
        client_id: sso.client_id.trim().to_owned(),
        client_secret: sso.client_secret.clone(),
        policy: SsoPolicy {
            allowed_domains: domains,
            password_login: sso.password_login,
        },
    })
}

pub(super) fn check(
    settings: &Settings,
    creditors: &HashMap<CreditorId, Creditor>,
    issues: &mut Issues<'_>,
) -> Agencies {
    let mut agencies = HashMap::new();
    let mut api_keys = HashMap::new();
    let mut webhooks = HashMap::new();
    let mut sso = HashMap::new();
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
                // http stays allowed here as before: the operator writes this file, and
                // `allow_private_destinations` decides what may be reached.
                let parsed = WebhookUrl::parse(url, false);
                if let Err(e) = &parsed {
                    local.push((at("webhook_url"), e.to_string()));
                }
                let parsed = parsed.ok();
                let secret = WebhookSecret::parse(secret.expose_secret()).ok();
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
        let provider = a.sso.as_ref().and_then(|s| check_sso(s, &at, &mut local));
        for (field, message) in local {
            issues.add(&field, message);
        }
        if let Some(id) = id {
            if let Some(endpoint) = endpoint {
                webhooks.insert(id.clone(), endpoint);
            }
            if let Some(provider) = provider {
                sso.insert(id.clone(), provider);
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
        sso,
    }
}
