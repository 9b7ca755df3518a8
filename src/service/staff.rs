//! Staff accounts: creating a user with a one-time invitation, accepting it (password and TOTP
//! enrolment), disabling a user; and the password and TOTP checks the login uses.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::context::AppContext;
use crate::domain::contact::EmailAddress;
use crate::domain::staff::{
    Invitation, PasswordError, StaffScope, StaffUser, StaffUserId, check_new_password, staff_email,
};
use crate::links::{TokenDigest, constant_time_eq, random_base62};
use crate::store::StoreError;

/// The name authenticator apps show above the code.
pub const TOTP_ISSUER: &str = "innfri";
/// RFC 6238 as authenticator apps expect it: SHA-1, six digits, 30-second steps.
const TOTP_STEP_SECONDS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("email: {0}")]
    Email(String),
    #[error("agency: no such agency")]
    UnknownAgency,
    #[error("creditor: no such creditor")]
    UnknownCreditor,
    #[error("email: a user with this address exists")]
    EmailTaken,
    #[error("email: no user with this address")]
    NotFound,
    #[error("password: {0}")]
    Password(PasswordError),
    #[error("code: the code does not match; check the time on your phone and try again")]
    WrongCode,
    /// Unknown, used or expired: all look the same.
    #[error("the invitation link is not valid any more; ask for a new one")]
    InvitationUnusable,
    #[error("the user's TOTP secret is unusable")]
    BadSecret,
    #[error("storage is unavailable")]
    Store(#[from] StoreError),
}

/// A user made, with the invitation link to give them (shown once; only its digest is kept).
#[derive(Debug)]
pub struct Invited {
    pub user: StaffUser,
    pub link: String,
}

/// Creates the user `email` in `scope` (its agency or creditor must exist) and an invitation.
pub async fn create_user(
    ctx: &AppContext,
    email: &str,
    scope: StaffScope,
    now: DateTime<Utc>,
) -> Result<Invited, StaffError> {
    let email = staff_email(email).map_err(StaffError::Email)?;
    match &scope {
        StaffScope::Agency { agency, .. } => {
            ctx.agency(agency).await?.ok_or(StaffError::UnknownAgency)?;
        }
        StaffScope::Creditor { creditor } => {
            ctx.creditor(creditor)
                .await?
                .ok_or(StaffError::UnknownCreditor)?;
        }
    }
    let user = StaffUser {
        id: StaffUserId::generate(),
        email,
        scope,
        password_hash: None,
        totp_secret: new_totp_secret(),
        totp_last_step: None,
        enrolled: false,
        disabled: false,
        created_at: now,
    };
    if !ctx.store.create_staff_user(&user).await? {
        return Err(StaffError::EmailTaken);
    }
    let link = invite(ctx, &user, now).await?;
    tracing::info!(user = %user.id, scope = %user.scope.describe(), "staff user created");
    Ok(Invited { user, link })
}

/// A demo login, ready to use: the user `email` in `scope` with a new random password and
/// TOTP secret (made, or reset when it exists), enrolled. Only `innfri demo` calls this.
pub async fn demo_user(
    ctx: &AppContext,
    email: &str,
    scope: StaffScope,
    now: DateTime<Utc>,
) -> Result<(StaffUser, String), StaffError> {
    let email = staff_email(email).map_err(StaffError::Email)?;
    let password = random_base62(16);
    let existing = ctx.store.staff_user_by_email(&email).await?;
    let user = StaffUser {
        id: existing
            .as_ref()
            .map_or_else(StaffUserId::generate, |u| u.id.clone()),
        email,
        scope,
        password_hash: Some(hash_password(password.clone()).await?),
        totp_secret: new_totp_secret(),
        totp_last_step: None,
        enrolled: true,
        disabled: false,
        created_at: now,
    };
    let saved = match existing {
        Some(_) => ctx.store.save_staff_user(&user).await?,
        None => ctx.store.create_staff_user(&user).await?,
    };
    if !saved {
        return Err(StaffError::EmailTaken);
    }
    Ok((user, password))
}

/// Which enrolment an invitation is for: a tag of the user's TOTP secret (not the secret).
fn enrolment(user: &StaffUser) -> String {
    let digest = <sha2::Sha256 as sha2::Digest>::digest(user.totp_secret.as_bytes());
    hex::encode(&digest[..8])
}

/// A new invitation link for `user`, for its current TOTP secret.
async fn invite(
    ctx: &AppContext,
    user: &StaffUser,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let token = random_base62(32);
    let invitation = Invitation::new(user.id.clone(), enrolment(user), now);
    ctx.store
        .save_invitation(&TokenDigest::of(&token), &invitation)
        .await?;
    Ok(format!(
        "{}/console/invite/{token}",
        ctx.config.settings.server.public_base_url
    ))
}

/// A new invitation for the user `email` (the last one expired, or a phone or password was
/// lost): the user starts again, with a new TOTP secret, and cannot log in until it is
/// accepted. A disabled user stays disabled.
pub async fn reinvite(
    ctx: &AppContext,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Invited, StaffError> {
    let email = staff_email(email).map_err(StaffError::Email)?;
    let mut user = ctx
        .store
        .staff_user_by_email(&email)
        .await?
        .ok_or(StaffError::NotFound)?;
    user.password_hash = None;
    user.totp_secret = new_totp_secret();
    user.totp_last_step = None;
    user.enrolled = false;
    if !ctx.store.save_staff_user(&user).await? {
        return Err(StaffError::NotFound);
    }
    let link = invite(ctx, &user, now).await?;
    tracing::info!(user = %user.id, "staff user invited again");
    Ok(Invited { user, link })
}

/// Disables the user `email`: no login from now on, and open sessions end at their next request.
pub async fn disable_user(ctx: &AppContext, email: &str) -> Result<StaffUser, StaffError> {
    let email = staff_email(email).map_err(StaffError::Email)?;
    let mut user = ctx
        .store
        .staff_user_by_email(&email)
        .await?
        .ok_or(StaffError::NotFound)?;
    user.disabled = true;
    if !ctx.store.save_staff_user(&user).await? {
        return Err(StaffError::NotFound);
    }
    tracing::info!(user = %user.id, "staff user disabled");
    Ok(user)
}

/// The user an invitation token is for, while it can be used.
pub async fn invited_user(
    ctx: &AppContext,
    token: &str,
    now: DateTime<Utc>,
) -> Result<StaffUser, StaffError> {
    let invitation = ctx
        .store
        .invitation(&TokenDigest::of(token))
        .await?
        .filter(|i| i.is_usable(now))
        .ok_or(StaffError::InvitationUnusable)?;
    ctx.store
        .staff_user(&invitation.user)
        .await?
        .filter(|u| !u.disabled && !u.enrolled)
        .filter(|u| constant_time_eq(enrolment(u).as_bytes(), invitation.enrolment.as_bytes()))
        .ok_or(StaffError::InvitationUnusable)
}

/// Accepts an invitation: sets the password and confirms the TOTP enrolment with a code. The
/// invitation is used up only when everything was right.
pub async fn accept_invitation(
    ctx: &AppContext,
    token: &str,
    password: &str,
    repeated: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<StaffUser, StaffError> {
    let mut user = invited_user(ctx, token, now).await?;
    check_new_password(password, repeated).map_err(StaffError::Password)?;
    let step = code_step(&user, code, now)?.ok_or(StaffError::WrongCode)?;
    let hash = hash_password(password.to_owned()).await?;
    // Of two submissions of one invitation, only one gets past here.
    ctx.store
        .take_invitation(&TokenDigest::of(token))
        .await?
        .ok_or(StaffError::InvitationUnusable)?;
    user.password_hash = Some(hash);
    user.totp_last_step = Some(step);
    user.enrolled = true;
    ctx.store.save_staff_user(&user).await?;
    tracing::info!(user = %user.id, "staff user enrolled");
    Ok(user)
}

/// A new TOTP secret (160 random bits, as RFC 4226 recommends), base32.
pub fn new_totp_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(b32) => b32,
        // `to_encoded` always encodes; an empty secret would only be refused at use.
        Secret::Raw(_) => String::new(),
    }
}

/// The user's TOTP generator (issuer and account name as the authenticator app shows them).
pub fn totp(secret: &str, email: &EmailAddress) -> Result<TOTP, StaffError> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|_| StaffError::BadSecret)?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        TOTP_STEP_SECONDS,
        bytes,
        Some(TOTP_ISSUER.to_owned()),
        email.as_str().to_owned(),
    )
    .map_err(|_| StaffError::BadSecret)
}

/// The `otpauth://` URI to enrol the user's secret with (as a link or typed in).
pub fn otpauth_uri(user: &StaffUser) -> Result<String, StaffError> {
    Ok(totp(&user.totp_secret, &user.email)?.get_url())
}

/// The time step a code is good for at `now` (this step or one either side, for clock drift),
/// if it is one the user has not used yet; compared in constant time.
pub fn code_step(
    user: &StaffUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>, StaffError> {
    let generator = totp(&user.totp_secret, &user.email)?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Ok(seconds) = u64::try_from(now.timestamp()) else {
        return Ok(None);
    };
    let step = seconds / TOTP_STEP_SECONDS;
    let mut matched = None;
    for candidate in [step.saturating_sub(1), step, step + 1] {
        let expected = generator.generate(candidate * TOTP_STEP_SECONDS);
        // Every candidate is compared, matched or not, so timing tells nothing.
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            matched = Some(candidate);
        }
    }
    Ok(matched.filter(|s| user.totp_last_step.is_none_or(|last| *s > last)))
}

/// Hashes a password with argon2id (the crate's defaults, OWASP's minimum), off the async threads.
pub async fn hash_password(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Corrupt(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Unavailable(format!("password hashing stopped: {e}")))?
}

/// A hash no password matches, checked when there is no user, so an unknown name costs as long
/// as a known one.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(random_base62(32).as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches `hash` (the decoy when `None`), off the async threads.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| decoy_hash().to_owned());
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> StaffUser {
        StaffUser {
            id: StaffUserId::generate(),
            email: staff_email("kari@a-inkasso.no").unwrap(),
            scope: StaffScope::Creditor {
                creditor: crate::domain::ids::CreditorId::parse("c").unwrap(),
            },
            password_hash: None,
            totp_secret: new_totp_secret(),
            totp_last_step: None,
            enrolled: false,
            disabled: false,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_code_is_good_in_its_step_and_the_next_but_only_once() {
        let mut user = user();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let code = totp(&user.totp_secret, &user.email)
            .unwrap()
            .generate(1_800_000_000);
        let step = code_step(&user, &code, now).unwrap();
        assert_eq!(step, Some(1_800_000_000 / 30));
        let later = now + chrono::Duration::seconds(30);
        assert_eq!(code_step(&user, &code, later).unwrap(), step, "drift");
        let much_later = now + chrono::Duration::seconds(90);
        assert_eq!(code_step(&user, &code, much_later).unwrap(), None);
        user.totp_last_step = step;
        assert_eq!(code_step(&user, &code, now).unwrap(), None, "replayed");
        assert_eq!(code_step(&user, "000000x", now).unwrap(), None);
    }

    #[test]
    fn the_otpauth_uri_names_the_issuer_and_the_secret() {
        let user = user();
        let uri = otpauth_uri(&user).unwrap();
        assert!(uri.starts_with("otpauth://totp/innfri:"), "{uri}");
        assert!(
            uri.contains(&format!("secret={}", user.totp_secret)),
            "{uri}"
        );
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_argon2id_hash_only() {
        let hash = hash_password("riktig hest batteri".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("riktig hest batteri".into(), Some(hash.clone())).await);
        assert!(!verify_password("feil hest batteri".into(), Some(hash)).await);
        assert!(!verify_password("riktig hest batteri".into(), None).await);
    }
}
