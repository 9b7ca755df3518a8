//! The debtor's sessions behind a link: opening a signed link starts one (and tells the agency
//! the case was viewed), passing the identity step-up replaces it with a verified one, and a
//! case closed meanwhile ends it. The cookie's value is `<case id>.<random secret>` (see
//! [`SessionRef`]: the store reads the session with its case in one round trip); the store keeps
//! only the value's digest. An older cookie (the secret alone) still works.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::context::AppContext;
use crate::domain::event::{Event, EventKind};
use crate::domain::link::{DebtorSession, LinkPurpose};
use crate::links::random_base62;
use crate::store::{SessionRef, StoreError};

/// How long sessions last: `idle` without a request, `max` at most.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub idle: Duration,
    pub max: Duration,
}

/// What opening a link came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A forged, unknown, expired or revoked token, or a case that is gone: nothing is told.
    Miss,
    /// A session for the link's case, by its new id (the cookie's value).
    Started { session_id: String },
}

/// Opens the link `token` as a debtor clicked it: a session for its case, and `case.viewed`
/// for the agency (not recording the event does not stop the debtor).
pub async fn open_link(
    ctx: &AppContext,
    token: &str,
    lifetimes: Lifetimes,
    now: DateTime<Utc>,
) -> Result<Opened, StoreError> {
    let Ok(token) = ctx.config.link_keys.verify(token) else {
        return Ok(Opened::Miss);
    };
    let link = ctx.store.link(&token.digest()).await?;
    let Some(link) = link.filter(|l| l.is_usable(now) && l.purpose == LinkPurpose::Case) else {
        return Ok(Opened::Miss);
    };
    let Some(link_case) = ctx.store.case(&link.case_id).await? else {
        return Ok(Opened::Miss);
    };
    // The debtor's other cases are looked up once here, so a page view needs no index read.
    let others = super::debtor_cases::candidates(ctx, &link_case).await;
    let session_id = SessionRef::cookie_value(&link.case_id, &random_base62(22));
    let session = DebtorSession {
        case_id: link.case_id,
        csrf_token: random_base62(22),
        created_at: now,
        expires_at: now
            + chrono::Duration::from_std(lifetimes.max).unwrap_or(chrono::Duration::hours(4)),
        verified: false,
        others,
    };
    // Reported to the agency; the session write and the event go to the store side by side.
    let viewed = Event::new(
        link_case.agency_id.clone(),
        Some(link_case.id.clone()),
        EventKind::CaseViewed,
        serde_json::json!({"case_id": link_case.id, "external_ref": link_case.external_ref}),
        now,
    );
    let at = SessionRef::of_cookie(&session_id);
    let events = [viewed];
    let (saved, recorded) = tokio::join!(
        ctx.store.save_session(&at, &session, lifetimes.idle),
        ctx.store.append_events(&events),
    );
    saved?;
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "could not record case.viewed");
    }
    super::journey_stats::link_opened(ctx, &link_case, now).await;
    Ok(Opened::Started { session_id })
}

/// A new, verified session in place of `session` once the step-up is passed (ASVS V7.2.4: a
/// new id; the unverified one is left to expire). Returns the new session id (the cookie's
/// value; an older cookie's session gets a new one that names its case).
pub async fn verified(
    ctx: &AppContext,
    session: &DebtorSession,
    idle: Duration,
) -> Result<String, StoreError> {
    let session_id = SessionRef::cookie_value(&session.case_id, &random_base62(22));
    let session = DebtorSession {
        csrf_token: random_base62(22),
        verified: true,
        ..session.clone()
    };
    ctx.store
        .save_session(&SessionRef::of_cookie(&session_id), &session, idle)
        .await?;
    Ok(session_id)
}

/// Ends the session `at` at once (its case was closed or erased since the link was
/// opened): it ends now, not when it would have timed out.
pub async fn end(ctx: &AppContext, at: &SessionRef) {
    if let Err(e) = ctx.store.end_session(at).await {
        tracing::warn!(error = %e, "could not end the session of a closed case");
    }
}
