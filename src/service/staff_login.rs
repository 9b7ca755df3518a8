//! Staff login and sessions: the password step, the TOTP step, the session every console page
//! loads (idle and absolute timeouts), logout; failures slow the name down and everything is
//! in the access log. The session id is the cookie's value; the store keeps only its digest.

use chrono::{DateTime, Utc};

use super::staff::{code_step, verify_password};
use crate::context::AppContext;
use crate::domain::staff::{
    AccessEntry, AccessKind, LoginMethod, SessionStage, StaffScope, StaffSession, StaffUser,
    StaffUserId, staff_email,
};
use crate::links::{TokenDigest, random_base62};
use crate::store::StoreError;

/// What a login step came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The step passed; the session (by its new id) goes on to the next, or is logged in.
    Passed { session_id: String },
    /// Wrong name, password or code, or a disabled user: all look the same.
    Refused,
    /// Too many failures: no attempt is heard until then.
    Locked { until: DateTime<Utc> },
    /// The second-factor step has no (live) session: log in again.
    Expired,
}

pub(super) async fn log(
    ctx: &AppContext,
    user: Option<&StaffUserId>,
    kind: AccessKind,
    now: DateTime<Utc>,
) {
    let entry = AccessEntry {
        at: now,
        user: user.cloned(),
        kind,
    };
    // The login goes on without its log line rather than lock everyone out while the store
    // hiccups; the failure itself is logged.
    if let Err(e) = ctx.store.append_access(&entry).await {
        tracing::error!(error = %e, "could not write the staff access log");
    }
}

fn failed(reason: &str) -> AccessKind {
    AccessKind::LoginFailed {
        reason: reason.to_owned(),
    }
}

pub(super) async fn new_session(
    ctx: &AppContext,
    user: &StaffUserId,
    stage: SessionStage,
    method: LoginMethod,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let session_id = random_base62(32);
    let session = StaffSession {
        user: user.clone(),
        stage,
        csrf_token: random_base62(22),
        created_at: now,
        last_seen_at: now,
        method,
    };
    ctx.store
        .save_staff_session(&TokenDigest::of(&session_id), &session)
        .await?;
    Ok(session_id)
}

/// The first step: e-mail address and password. Passed gives a session waiting for the code.
pub async fn password(
    ctx: &AppContext,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Step, StoreError> {
    let Ok(email) = staff_email(email) else {
        verify_password(password.to_owned(), None).await;
        log(ctx, None, failed("not an address"), now).await;
        return Ok(Step::Refused);
    };
    let failures = ctx.store.login_failures(&email).await?;
    let user = ctx.store.staff_user_by_email(&email).await?;
    let user_id = user.as_ref().map(|u| u.id.clone());
    if let Some(until) = failures.locked_until(now) {
        log(ctx, user_id.as_ref(), failed("locked"), now).await;
        return Ok(Step::Locked { until });
    }
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = verify_password(password.to_owned(), hash).await;
    let usable = user.as_ref().is_some_and(StaffUser::can_log_in);
    let by_password = user.as_ref().is_none_or(|u| password_allowed(ctx, u));
    if !(matches && usable && by_password) {
        let reason = match (&user, matches) {
            (None, _) => "unknown name",
            (Some(_), false) => "wrong password",
            (Some(_), true) if !by_password => "password login off for the agency",
            (Some(_), true) => "disabled or not enrolled",
        };
        let failures = ctx.store.record_login_failure(&email, now).await?;
        log(ctx, user_id.as_ref(), failed(reason), now).await;
        return Ok(match failures.locked_until(now) {
            Some(until) => Step::Locked { until },
            None => Step::Refused,
        });
    }
    let Some(user) = user else {
        return Ok(Step::Refused);
    };
    let session_id = new_session(
        ctx,
        &user.id,
        SessionStage::SecondFactor,
        LoginMethod::Password,
        now,
    )
    .await?;
    Ok(Step::Passed { session_id })
}

/// Whether `user` may log in with a password: not when the user's agency signs in only by
/// its identity provider.
fn password_allowed(ctx: &AppContext, user: &StaffUser) -> bool {
    match &user.scope {
        StaffScope::Agency { agency, .. } => ctx
            .config
            .sso
            .get(agency)
            .is_none_or(|sso| sso.policy.password_login),
        StaffScope::Creditor { .. } => true,
    }
}

/// Whether the session's user may still be logged in: by password, as at login; by the
/// identity provider, while enabled (it owns the password and the second factor).
fn may_stay(ctx: &AppContext, session: &StaffSession, user: &StaffUser) -> bool {
    match session.method {
        // An agency that turns password login off ends its password sessions too.
        LoginMethod::Password => user.can_log_in() && password_allowed(ctx, user),
        LoginMethod::Sso => !user.disabled,
    }
}

/// The second step: the TOTP code, in the session the password step started. Passed gives a
/// new session id (the old one ends), logged in.
pub async fn second_factor(
    ctx: &AppContext,
    session_id: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Step, StoreError> {
    let digest = TokenDigest::of(session_id);
    let Some(session) = ctx
        .store
        .staff_session(&digest)
        .await?
        .filter(|s| s.stage == SessionStage::SecondFactor && s.is_live(now))
    else {
        return Ok(Step::Expired);
    };
    let Some(user) = ctx
        .store
        .staff_user(&session.user)
        .await?
        .filter(StaffUser::can_log_in)
    else {
        ctx.store.end_staff_session(&digest).await?;
        return Ok(Step::Expired);
    };
    let failures = ctx.store.login_failures(&user.email).await?;
    if let Some(until) = failures.locked_until(now) {
        log(ctx, Some(&user.id), failed("locked"), now).await;
        return Ok(Step::Locked { until });
    }
    let step = code_step(&user, code, now).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // The step is taken atomically: of two logins racing with one code, one gets it.
    let taken = match step {
        Some(step) => ctx.store.use_totp_step(&user.id, step).await?,
        None => false,
    };
    if !taken {
        let failures = ctx.store.record_login_failure(&user.email, now).await?;
        log(ctx, Some(&user.id), failed("wrong code"), now).await;
        return Ok(match failures.locked_until(now) {
            Some(until) => Step::Locked { until },
            None => Step::Refused,
        });
    }
    ctx.store.clear_login_failures(&user.email).await?;
    ctx.store.end_staff_session(&digest).await?;
    let session_id = new_session(
        ctx,
        &user.id,
        SessionStage::LoggedIn,
        LoginMethod::Password,
        now,
    )
    .await?;
    log(ctx, Some(&user.id), AccessKind::Login, now).await;
    tracing::info!(user = %user.id, "staff login");
    Ok(Step::Passed { session_id })
}

/// A logged-in session and its user, if the session is live and the user may still log in;
/// the request counts as activity (the idle timer restarts).
pub async fn current(
    ctx: &AppContext,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<(StaffSession, StaffUser)>, StoreError> {
    let digest = TokenDigest::of(session_id);
    let Some(mut session) = ctx.store.staff_session(&digest).await? else {
        return Ok(None);
    };
    if session.stage != SessionStage::LoggedIn || !session.is_live(now) {
        if session.stage == SessionStage::LoggedIn {
            ctx.store.end_staff_session(&digest).await?;
        }
        return Ok(None);
    }
    let Some(user) = ctx
        .store
        .staff_user(&session.user)
        .await?
        .filter(|user| may_stay(ctx, &session, user))
    else {
        ctx.store.end_staff_session(&digest).await?;
        return Ok(None);
    };
    session.last_seen_at = now;
    if !ctx.store.refresh_staff_session(&digest, &session).await? {
        // Logged out while this request ran.
        return Ok(None);
    }
    Ok(Some((session, user)))
}

/// Ends the session at once.
pub async fn logout(
    ctx: &AppContext,
    session_id: &str,
    user: &StaffUserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ctx.store
        .end_staff_session(&TokenDigest::of(session_id))
        .await?;
    log(ctx, Some(user), AccessKind::Logout, now).await;
    Ok(())
}
