//! An agency admin's webhook endpoint: the address events are pushed to, and its signing
//! secret, rotated with a day's overlap (both sign) so the receiver switches without a gap.
//! Saved in the store, where it replaces what `agencies.toml` configured; every change is in
//! the access log under the admin's id, never with a secret.

use chrono::{DateTime, Utc};

use super::agency_settings::{SettingsError, admin_of, logged};
use crate::context::AppContext;
use crate::domain::ids::AgencyId;
use crate::domain::staff::StaffUser;
use crate::domain::webhook_endpoint::{Rotated, WebhookSetting, WebhookUrl};
use crate::domain::webhook_secret::WebhookSecret;
use crate::store::StoreError;
use crate::webhooks::destination::{is_public, literal_address};

/// The endpoint in force for `agency`: the one its admins saved, else the configured one.
pub async fn in_force(ctx: &AppContext, agency: &AgencyId) -> Result<WebhookSetting, StoreError> {
    crate::webhooks::delivery::in_force(&ctx.store, &ctx.config.webhooks, agency).await
}

/// An address typed by an admin, judged as delivery will judge it: https, and no literal
/// internal address, unless the installation allows private destinations. (A name that
/// resolves inside is refused when delivery connects.)
pub fn parse_url(ctx: &AppContext, text: &str) -> Result<WebhookUrl, SettingsError> {
    let allow_private = ctx.config.settings.webhooks.allow_private_destinations;
    let url = WebhookUrl::parse(text, !allow_private).map_err(SettingsError::Url)?;
    if !allow_private && literal_address(url.url()).is_some_and(|ip| !is_public(ip)) {
        return Err(SettingsError::PrivateAddress);
    }
    Ok(url)
}

/// Pushes the agency's events to `url` from now on. A first endpoint gets a new secret,
/// returned to be shown once. Delivery tries the new address at once, from where it stood.
pub async fn point_to(
    ctx: &AppContext,
    user: &StaffUser,
    url: &str,
    now: DateTime<Utc>,
) -> Result<Option<WebhookSecret>, SettingsError> {
    let agency = admin_of(user)?;
    let url = parse_url(ctx, url)?;
    let mut setting = in_force(ctx, agency).await?;
    let shown = url.to_string();
    let secret = setting.point_to(url, now);
    ctx.store.save_webhook_setting(agency, &setting).await?;
    // A stop for the old address (410, days of failures) says nothing about the new one.
    let mut state = ctx.store.delivery_state(agency).await?;
    state.failures = 0;
    state.next_attempt_at = None;
    state.disabled = false;
    ctx.store.save_delivery_state(agency, &state).await?;
    logged(ctx, user, format!("webhook endpoint set to {shown}"), now).await?;
    Ok(secret)
}

/// A new signing secret, returned to be shown once; the one before keeps signing beside it for
/// a day, unless retired earlier.
pub async fn rotate(
    ctx: &AppContext,
    user: &StaffUser,
    now: DateTime<Utc>,
) -> Result<Rotated, SettingsError> {
    let agency = admin_of(user)?;
    let mut setting = in_force(ctx, agency).await?;
    if setting.url.is_none() {
        return Err(SettingsError::NoEndpoint);
    }
    let rotated = setting.rotate(WebhookSecret::generate(), now);
    ctx.store.save_webhook_setting(agency, &setting).await?;
    logged(ctx, user, "webhook signing secret rotated".into(), now).await?;
    Ok(rotated)
}

/// Stops the previous secrets at once: the receiver has the new one.
pub async fn retire_previous(
    ctx: &AppContext,
    user: &StaffUser,
    now: DateTime<Utc>,
) -> Result<(), SettingsError> {
    let agency = admin_of(user)?;
    let mut setting = in_force(ctx, agency).await?;
    if setting.retire_previous(now) {
        ctx.store.save_webhook_setting(agency, &setting).await?;
        logged(
            ctx,
            user,
            "previous webhook signing secret retired".into(),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Stops pushing events; the agency reads them from `GET /api/v1/events`. Where delivery
/// stood is kept, so an endpoint set later goes on from there (a replay starts elsewhere).
pub async fn stop(
    ctx: &AppContext,
    user: &StaffUser,
    now: DateTime<Utc>,
) -> Result<(), SettingsError> {
    let agency = admin_of(user)?;
    let mut setting = in_force(ctx, agency).await?;
    if setting.url.is_none() {
        return Ok(());
    }
    setting.stop(now);
    ctx.store.save_webhook_setting(agency, &setting).await?;
    logged(ctx, user, "webhook endpoint removed".into(), now).await?;
    Ok(())
}
