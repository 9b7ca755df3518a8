//! An agency admin's settings in the console: API keys (issued and shown once, revoked), the
//! agency's staff users (invited, invited again, disabled), where webhook delivery stands (and a
//! replay; the endpoint itself is `webhook_settings`), and a CSV import by upload. Each calls
//! the use case the command line calls; only an admin of the agency may, and every change is
//! in the access log under the admin's id.

use chrono::{DateTime, Utc};

use super::agencies;
use super::import::{self, ImportError, ImportReport};
use super::staff::{self, Invited, StaffError};
use super::webhook_replay::{self, ReplayError};
use super::webhook_settings;
use crate::context::AppContext;
use crate::domain::creditor::Agency;
use crate::domain::event::{DeliveryState, EventCursor};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::staff::{AccessEntry, AccessKind, Role, StaffScope, StaffUser, StaffUserId};
use crate::domain::webhook_endpoint::UrlError;
use crate::store::{ApiKeyRecord, StoreError};
use crate::tenants::TenantError;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Not an admin of an agency: the settings are not shown at all.
    #[error("only an agency's admins change its settings")]
    Forbidden,
    #[error("role: choose admin, handler or viewer")]
    Role,
    #[error("user: no such user of this agency")]
    NoSuchUser,
    #[error("user: you cannot disable yourself; ask another admin")]
    Yourself,
    #[error("key: no such key of this agency")]
    NoSuchKey,
    #[error("after: {0}")]
    Cursor(String),
    #[error("creditor: this agency does not act for that creditor")]
    Creditor,
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error("file: {0}")]
    Import(#[from] ImportError),
    #[error("webhook: {0}")]
    Replay(ReplayError),
    #[error("url: {0}")]
    Url(UrlError),
    #[error("url: names an address inside our own network; give your receiver's public address")]
    PrivateAddress,
    #[error("webhook: no endpoint is set; set its address first")]
    NoEndpoint,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TenantError> for SettingsError {
    fn from(e: TenantError) -> SettingsError {
        match e {
            TenantError::Store(e) => SettingsError::Store(e),
            TenantError::UnknownKey { .. } => SettingsError::NoSuchKey,
            _ => SettingsError::Forbidden,
        }
    }
}

impl From<ReplayError> for SettingsError {
    fn from(e: ReplayError) -> SettingsError {
        match e {
            ReplayError::Store(e) => SettingsError::Store(e),
            other => SettingsError::Replay(other),
        }
    }
}

/// Everything the settings screen shows.
#[derive(Debug, Clone)]
pub struct AgencySettings {
    pub agency: Agency,
    pub keys: Vec<ApiKeyRecord>,
    /// The agency's users, by address.
    pub users: Vec<StaffUser>,
    /// The endpoint and where delivery stands; `None` when the agency pulls events.
    pub webhook: Option<WebhookOverview>,
}

/// The webhook endpoint as the settings screen shows it: never a secret, only their dates.
#[derive(Debug, Clone)]
pub struct WebhookOverview {
    pub url: String,
    pub state: DeliveryState,
    /// When each secret that signs now was made and when it stops (`None`: current).
    pub secrets: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

/// The agency `user` administers.
pub fn admin_of(user: &StaffUser) -> Result<&AgencyId, SettingsError> {
    match &user.scope {
        StaffScope::Agency {
            agency,
            role: Role::Admin,
        } => Ok(agency),
        _ => Err(SettingsError::Forbidden),
    }
}

pub(super) async fn logged(
    ctx: &AppContext,
    user: &StaffUser,
    change: String,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ctx.store
        .append_access(&AccessEntry {
            at: now,
            user: Some(user.id.clone()),
            kind: AccessKind::SettingsChanged { change },
        })
        .await
}

/// What the settings screen shows to an admin.
pub async fn settings(ctx: &AppContext, user: &StaffUser) -> Result<AgencySettings, SettingsError> {
    let id = admin_of(user)?;
    let agency = ctx.agency(id).await?.ok_or(SettingsError::Forbidden)?;
    let mut keys = agencies::keys(ctx, id).await?;
    keys.sort_by_key(|k| k.created_at);
    let mut users = agency_users(ctx, id).await?;
    users.sort_by(|a, b| a.email.as_str().cmp(b.email.as_str()));
    let setting = webhook_settings::in_force(ctx, id).await?;
    let now = ctx.clock.now();
    let webhook = match &setting.url {
        Some(url) => Some(WebhookOverview {
            url: url.to_string(),
            state: ctx.store.delivery_state(id).await?,
            secrets: setting
                .secrets
                .iter()
                .filter(|s| s.signs_at(now))
                .map(|s| (s.created_at, s.retires_at))
                .collect(),
        }),
        None => None,
    };
    Ok(AgencySettings {
        agency,
        keys,
        users,
        webhook,
    })
}

async fn agency_users(ctx: &AppContext, agency: &AgencyId) -> Result<Vec<StaffUser>, StoreError> {
    Ok(ctx
        .store
        .staff_users()
        .await?
        .into_iter()
        .filter(|u| matches!(&u.scope, StaffScope::Agency { agency: a, .. } if a == agency))
        .collect())
}

async fn agency_user(
    ctx: &AppContext,
    agency: &AgencyId,
    id: &str,
) -> Result<StaffUser, SettingsError> {
    let id = StaffUserId::parse(id).ok_or(SettingsError::NoSuchUser)?;
    ctx.store
        .staff_user(&id)
        .await?
        .filter(|u| matches!(&u.scope, StaffScope::Agency { agency: a, .. } if a == agency))
        .ok_or(SettingsError::NoSuchUser)
}

/// A new API key for the admin's agency: returned once, only its hash is kept.
pub async fn issue_key(
    ctx: &AppContext,
    user: &StaffUser,
    now: DateTime<Utc>,
) -> Result<String, SettingsError> {
    let agency = admin_of(user)?;
    let key = agencies::issue_key(ctx, agency, now).await?;
    let id = crate::tenants::key_id(&crate::config::api_key_hash(&key));
    logged(ctx, user, format!("API key {id} issued"), now).await?;
    Ok(key)
}

pub async fn revoke_key(
    ctx: &AppContext,
    user: &StaffUser,
    key_id: &str,
    now: DateTime<Utc>,
) -> Result<(), SettingsError> {
    let agency = admin_of(user)?;
    let key_id = key_id.trim();
    if key_id.is_empty() || key_id.len() > 64 || !key_id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(SettingsError::NoSuchKey);
    }
    agencies::revoke_key(ctx, agency, key_id, now).await?;
    logged(ctx, user, format!("API key {key_id} revoked"), now).await?;
    Ok(())
}

/// A role as the form names it.
pub fn role(text: &str) -> Result<Role, SettingsError> {
    match text.trim() {
        "admin" => Ok(Role::Admin),
        "handler" => Ok(Role::Handler),
        "viewer" => Ok(Role::Viewer),
        _ => Err(SettingsError::Role),
    }
}

/// A new user of the admin's agency with `role`, and the one-time link that enrols them.
pub async fn invite(
    ctx: &AppContext,
    user: &StaffUser,
    email: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Invited, SettingsError> {
    let agency = admin_of(user)?.clone();
    let invited = staff::create_user(ctx, email, StaffScope::Agency { agency, role }, now).await?;
    logged(ctx, user, format!("user {} invited", invited.user.id), now).await?;
    Ok(invited)
}

/// A new enrolment link for a user of the agency (a lost phone, a forgotten password): the
/// old password and TOTP secret stop working.
pub async fn reinvite(
    ctx: &AppContext,
    user: &StaffUser,
    target: &str,
    now: DateTime<Utc>,
) -> Result<Invited, SettingsError> {
    let agency = admin_of(user)?;
    let target = agency_user(ctx, agency, target).await?;
    let invited = staff::reinvite(ctx, target.email.as_str(), now).await?;
    logged(ctx, user, format!("user {} invited again", target.id), now).await?;
    Ok(invited)
}

/// Disables a user of the agency: their sessions end at their next request.
pub async fn disable(
    ctx: &AppContext,
    user: &StaffUser,
    target: &str,
    now: DateTime<Utc>,
) -> Result<StaffUser, SettingsError> {
    let agency = admin_of(user)?;
    let target = agency_user(ctx, agency, target).await?;
    if target.id == user.id {
        return Err(SettingsError::Yourself);
    }
    let disabled = staff::disable_user(ctx, target.email.as_str()).await?;
    logged(ctx, user, format!("user {} disabled", target.id), now).await?;
    Ok(disabled)
}

/// Restarts webhook delivery after `after` (an event cursor; empty: from the oldest kept).
pub async fn replay(
    ctx: &AppContext,
    user: &StaffUser,
    after: &str,
    now: DateTime<Utc>,
) -> Result<DeliveryState, SettingsError> {
    let agency = admin_of(user)?;
    let after = match after.trim() {
        "" => None,
        text => Some(EventCursor::parse(text).map_err(|e| SettingsError::Cursor(e.to_string()))?),
    };
    let state = webhook_replay::replay_from(ctx, agency, after).await?;
    logged(ctx, user, "webhook delivery replayed".into(), now).await?;
    Ok(state)
}

/// Imports an uploaded CSV file of cases for one of the agency's creditors, with the same
/// row report as `innfri import`.
pub async fn import(
    ctx: &AppContext,
    user: &StaffUser,
    creditor: &str,
    file: &[u8],
    now: DateTime<Utc>,
) -> Result<ImportReport, SettingsError> {
    let agency = admin_of(user)?;
    let creditor = CreditorId::parse(creditor.trim()).map_err(|_| SettingsError::Creditor)?;
    if !ctx
        .agency(agency)
        .await?
        .is_some_and(|a| a.acts_for(&creditor))
    {
        return Err(SettingsError::Creditor);
    }
    let report = import::import_cases(ctx, agency, &creditor, file).await?;
    logged(
        ctx,
        user,
        format!("cases imported for {creditor}: {}", report.summary()),
        now,
    )
    .await?;
    Ok(report)
}
