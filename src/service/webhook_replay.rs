//! Replaying webhook deliveries: the agency sets where its endpoint's delivery starts again
//! (after an event cursor, or from the oldest event kept); the failure count starts over.

use crate::context::AppContext;
use crate::domain::event::{DeliveryState, EventCursor};
use crate::domain::ids::AgencyId;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The agency receives events by pulling them, not by webhook.
    #[error("no webhook endpoint is configured for this agency; read GET /api/v1/events instead")]
    NoEndpoint,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Restarts `agency`'s webhook delivery after `after` (from the start when `None`).
pub async fn replay_from(
    ctx: &AppContext,
    agency: &AgencyId,
    after: Option<EventCursor>,
) -> Result<DeliveryState, ReplayError> {
    if super::webhook_settings::in_force(ctx, agency)
        .await?
        .url
        .is_none()
    {
        return Err(ReplayError::NoEndpoint);
    }
    let state = DeliveryState {
        cursor: after.map(|c| c.to_string()),
        failures: 0,
        next_attempt_at: None,
        disabled: false,
    };
    ctx.store.save_delivery_state(agency, &state).await?;
    tracing::info!(%agency, after = ?state.cursor, "webhook delivery replays from a cursor");
    Ok(state)
}
