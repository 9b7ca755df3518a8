//! Agency administration: a new agency with its first API key, further keys, the list of an
//! agency's keys and revocation (the operator's `innfri agency` commands).

use chrono::{DateTime, Utc};

use crate::config::api_key_hash;
use crate::context::AppContext;
use crate::domain::creditor::Agency;
use crate::domain::ids::{AgencyId, CreditorId};
use crate::links::random_base62;
use crate::store::ApiKeyRecord;
use crate::tenants::{TenantError, key_id};

/// A new API key: `ik_` and 32 random base62 characters (190 bits).
pub fn generate_key() -> String {
    format!("ik_{}", random_base62(32))
}

/// An agency id from a name: lower case ASCII letters and digits joined by '-'
/// ("Fjord Inkasso AS" → "fjord-inkasso-as"; æ, ø, å become ae, o, a).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        let piece = match c {
            'æ' => "ae".to_owned(),
            'ø' | 'ö' => "o".to_owned(),
            'å' | 'ä' | 'á' | 'à' => "a".to_owned(),
            'é' | 'è' => "e".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_owned(),
        };
        out.push_str(&piece);
    }
    out.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Creates an agency with its first key; returns the key (shown once, never stored).
pub async fn create_agency(
    ctx: &AppContext,
    id: &str,
    name: &str,
    creditors: &[String],
    now: DateTime<Utc>,
) -> Result<(Agency, String), TenantError> {
    let id = AgencyId::parse(id).map_err(|_| TenantError::InvalidId(id.to_owned()))?;
    if ctx.store.agency(&id).await?.is_some() {
        return Err(TenantError::AgencyExists(id.to_string()));
    }
    let mut acts_for = Vec::new();
    for creditor in creditors {
        let parsed = CreditorId::parse(creditor)
            .ok()
            .filter(|c| ctx.config.creditors.contains_key(c))
            .ok_or_else(|| TenantError::UnknownCreditor(creditor.clone()))?;
        acts_for.push(parsed);
    }
    let agency = Agency {
        id,
        name: name.trim().to_owned(),
        creditors: acts_for,
    };
    ctx.tenants.save_agency(&agency).await?;
    let key = add_new_key(ctx, &agency.id, now).await?;
    Ok((agency, key))
}

/// A new key for an existing agency; returns the key (shown once, never stored).
pub async fn issue_key(
    ctx: &AppContext,
    agency: &AgencyId,
    now: DateTime<Utc>,
) -> Result<String, TenantError> {
    require_agency(ctx, agency).await?;
    add_new_key(ctx, agency, now).await
}

/// Makes a key for an agency known to exist and stores its hash.
async fn add_new_key(
    ctx: &AppContext,
    agency: &AgencyId,
    now: DateTime<Utc>,
) -> Result<String, TenantError> {
    loop {
        let key = generate_key();
        let hash = api_key_hash(&key);
        let record = ApiKeyRecord {
            agency: agency.clone(),
            key_id: key_id(&hash),
            created_at: now,
            revoked_at: None,
            from_config: false,
        };
        // A collision of 190 random bits does not happen; the loop only keeps `add` honest.
        if ctx.store.add_api_key(&hash, &record).await? {
            return Ok(key);
        }
    }
}

pub async fn keys(ctx: &AppContext, agency: &AgencyId) -> Result<Vec<ApiKeyRecord>, TenantError> {
    require_agency(ctx, agency).await?;
    Ok(ctx.store.agency_api_keys(agency).await?)
}

async fn require_agency(ctx: &AppContext, agency: &AgencyId) -> Result<(), TenantError> {
    match ctx.store.agency(agency).await? {
        Some(_) => Ok(()),
        None => Err(TenantError::UnknownAgency(agency.to_string())),
    }
}

pub async fn revoke_key(
    ctx: &AppContext,
    agency: &AgencyId,
    key_id: &str,
    now: DateTime<Utc>,
) -> Result<(), TenantError> {
    if ctx.store.revoke_api_key(agency, key_id, now).await? {
        Ok(())
    } else {
        Err(TenantError::UnknownKey {
            agency: agency.to_string(),
            key_id: key_id.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_ids() {
        assert_eq!(slug("Fjord Inkasso AS"), "fjord-inkasso-as");
        assert_eq!(slug("  Sør-Øst Kreditt & Co. "), "sor-ost-kreditt-co");
        assert_eq!(slug("Ærlig Inkasso"), "aerlig-inkasso");
    }

    #[test]
    fn keys_are_long_random_and_named_by_their_hash() {
        let a = generate_key();
        let b = generate_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 35);
        assert!(a.starts_with("ik_"));
        let id = key_id(&api_key_hash(&a));
        assert_eq!(id.len(), 8);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
