//! Staff sign-in by an agency's own identity provider (OpenID Connect): discovery, the
//! authorization code flow with PKCE (S256), `state` and `nonce` in a signed short-lived cookie,
//! the ID token verified (signature by the provider's JWKS, issuer, audience, nonce, expiry on
//! our clock), then the existing user with the verified address logged in: the same store
//! session as a password login. No user is ever created here.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use secrecy::ExposeSecret;

use super::staff_login::{log, new_session};
use crate::config::SsoProvider;
use crate::context::AppContext;
use crate::domain::ids::AgencyId;
use crate::domain::staff::{AccessKind, LoginMethod, SessionStage, staff_email};
use crate::domain::staff_sso::{SsoAttempt, SsoRefusal};
use crate::links::{Purpose, constant_time_eq};
use crate::store::StoreError;

/// The longest wait for the provider (discovery, keys, token).
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a provider's discovery document and keys are reused. A sign-in needs them on the
/// way out and again on the way back seconds later; a key the provider rotates in meanwhile is
/// still found, since a token the cached keys refuse is checked once more with fresh ones.
const DISCOVERY_TTL: chrono::Duration = chrono::Duration::minutes(10);

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("the agency has no single sign-on")]
    NotConfigured,
    /// Discovery or its keys could not be had: the provider is down or misconfigured.
    #[error("the identity provider could not be reached: {0}")]
    Provider(String),
    #[error("storage is unavailable")]
    Store(#[from] StoreError),
}

/// Where to send the browser, and the cookie to set on the way.
#[derive(Debug)]
pub struct Redirect {
    pub authorize_url: String,
    /// The signed sign-in under way (the `SsoAttempt`), for the cookie.
    pub cookie: String,
}

/// What the way back came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Logged in: the new session's id for the session cookie.
    LoggedIn { session_id: String },
    /// Refused (the reason is in the access log); nothing was logged in.
    Refused { reason: String },
}

/// What the way back from the provider brings: the query and our cookie.
#[derive(Debug, Default)]
pub struct Callback<'a> {
    pub cookie: Option<&'a str>,
    pub state: Option<&'a str>,
    pub code: Option<&'a str>,
    /// The provider's `error` (e.g. `access_denied` when the user cancels).
    pub error: Option<&'a str>,
}

/// The agencies whose sign-in button the login page shows: id and name (as configured, where
/// single sign-on is too), by name.
pub fn agencies(ctx: &AppContext) -> Vec<(AgencyId, String)> {
    let mut found: Vec<(AgencyId, String)> = ctx
        .config
        .sso
        .keys()
        .map(|id| {
            let name = ctx
                .config
                .agencies
                .get(id)
                .map_or_else(|| id.to_string(), |a| a.name.clone());
            (id.clone(), name)
        })
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

/// The callback address registered at the provider.
pub fn redirect_uri(ctx: &AppContext, agency: &AgencyId) -> String {
    format!(
        "{}/console/sso/{agency}/callback",
        ctx.config.settings.server.public_base_url
    )
}

fn http() -> Result<&'static reqwest::Client, SsoError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    // No redirects: a provider's answer that points elsewhere is not followed (SSRF).
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PROVIDER_TIMEOUT)
        .build()
        .map_err(|e| SsoError::Provider(e.to_string()))?;
    Ok(CLIENT.get_or_init(|| client))
}

/// Discovery documents (with their keys) by issuer, and when each was fetched.
type Discovered = Mutex<HashMap<String, (DateTime<Utc>, CoreProviderMetadata)>>;

fn discovered() -> &'static Discovered {
    static CACHE: OnceLock<Discovered> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Whether a client's discovery document came from the cache (and may be stale) or was fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freshness {
    Cached,
    Fetched,
}

/// The provider's client from its discovery document and keys: the one fetched within
/// [`DISCOVERY_TTL`] unless `refetch`, else fetched now.
async fn client(
    ctx: &AppContext,
    agency: &AgencyId,
    provider: &SsoProvider,
    refetch: bool,
) -> Result<(Client, Freshness), SsoError> {
    let now = ctx.clock.now();
    let cached = if refetch {
        None
    } else {
        discovered()
            .lock()
            .ok()
            .and_then(|cache| cache.get(&provider.issuer).cloned())
            .filter(|(at, _)| now >= *at && now - *at < DISCOVERY_TTL)
            .map(|(_, metadata)| metadata)
    };
    let (metadata, freshness) = match cached {
        Some(metadata) => (metadata, Freshness::Cached),
        None => {
            let issuer = IssuerUrl::new(provider.issuer.clone())
                .map_err(|e| SsoError::Provider(e.to_string()))?;
            let metadata = CoreProviderMetadata::discover_async(issuer, http()?)
                .await
                .map_err(|e| SsoError::Provider(error_chain(&e)))?;
            if let Ok(mut cache) = discovered().lock() {
                cache.insert(provider.issuer.clone(), (now, metadata.clone()));
            }
            (metadata, Freshness::Fetched)
        }
    };
    let redirect = RedirectUrl::new(redirect_uri(ctx, agency))
        .map_err(|e| SsoError::Provider(e.to_string()))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(
            provider.client_secret.expose_secret().to_owned(),
        )),
    )
    .set_redirect_uri(redirect);
    Ok((client, freshness))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The cookie's value: the attempt as JSON, base64url, a dot, its tag under the link keys.
fn seal(ctx: &AppContext, attempt: &SsoAttempt) -> Result<String, SsoError> {
    let json = serde_json::to_vec(attempt).map_err(|e| SsoError::Provider(e.to_string()))?;
    let body = URL_SAFE_NO_PAD.encode(json);
    let tag = ctx.config.link_keys.purpose_tag(Purpose::StaffSso, &body);
    Ok(format!("{body}.{tag}"))
}

/// The attempt a cookie carries, if we made it.
fn open(ctx: &AppContext, cookie: &str) -> Option<SsoAttempt> {
    let (body, tag) = cookie.rsplit_once('.')?;
    if !ctx
        .config
        .link_keys
        .verify_purpose_tag(Purpose::StaffSso, body, tag)
    {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
}

/// Starts a sign-in at `agency`'s provider: where to send the browser, and the cookie.
pub async fn begin(
    ctx: &AppContext,
    agency: &AgencyId,
    now: DateTime<Utc>,
) -> Result<Redirect, SsoError> {
    let provider = ctx.config.sso.get(agency).ok_or(SsoError::NotConfigured)?;
    let (client, _) = client(ctx, agency, provider, false).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let attempt = SsoAttempt::new(
        agency.clone(),
        state.secret().clone(),
        nonce.secret().clone(),
        verifier.secret().clone(),
        now,
    );
    Ok(Redirect {
        authorize_url: url.to_string(),
        cookie: seal(ctx, &attempt)?,
    })
}

async fn refuse(
    ctx: &AppContext,
    agency: &AgencyId,
    user: Option<&crate::domain::staff::StaffUserId>,
    reason: &str,
    now: DateTime<Utc>,
) -> Outcome {
    tracing::warn!(%agency, reason, "staff single sign-on refused");
    log(
        ctx,
        user,
        AccessKind::SsoLoginFailed {
            agency: agency.to_string(),
            reason: reason.to_owned(),
        },
        now,
    )
    .await;
    Outcome::Refused {
        reason: reason.to_owned(),
    }
}

/// The way back from `agency`'s provider: checks the state against the cookie, exchanges the
/// code (with the PKCE verifier), verifies the ID token and logs in the user it names.
pub async fn finish(
    ctx: &AppContext,
    agency: &AgencyId,
    back: Callback<'_>,
    now: DateTime<Utc>,
) -> Result<Outcome, SsoError> {
    let provider = ctx.config.sso.get(agency).ok_or(SsoError::NotConfigured)?;
    let Some(attempt) = back
        .cookie
        .and_then(|c| open(ctx, c))
        .filter(|a| a.agency == *agency && a.is_live(now))
    else {
        return Ok(refuse(ctx, agency, None, "no sign-in under way", now).await);
    };
    let state_matches = back
        .state
        .is_some_and(|s| constant_time_eq(s.as_bytes(), attempt.state.as_bytes()));
    if !state_matches {
        return Ok(refuse(ctx, agency, None, "wrong state", now).await);
    }
    if let Some(error) = back.error {
        let reason = format!("provider answered {}", printable(error));
        return Ok(refuse(ctx, agency, None, &reason, now).await);
    }
    let Some(code) = back.code.filter(|c| !c.is_empty()) else {
        return Ok(refuse(ctx, agency, None, "no code", now).await);
    };
    let (client, freshness) = client(ctx, agency, provider, false).await?;
    let exchanged = match client.exchange_code(AuthorizationCode::new(code.to_owned())) {
        Ok(request) => {
            request
                .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
                .request_async(http()?)
                .await
        }
        Err(e) => return Err(SsoError::Provider(e.to_string())),
    };
    let tokens = match exchanged {
        Ok(tokens) => tokens,
        Err(e) => {
            tracing::warn!(%agency, error = %error_chain(&e), "code exchange failed");
            return Ok(refuse(ctx, agency, None, "code exchange failed", now).await);
        }
    };
    let Some(id_token) = tokens.id_token() else {
        return Ok(refuse(ctx, agency, None, "no ID token", now).await);
    };
    let nonce = Nonce::new(attempt.nonce.clone());
    let verify = |client: &Client| {
        let clock = ctx.clock.clone();
        let verifier = client.id_token_verifier().set_time_fn(move || clock.now());
        id_token.claims(&verifier, &nonce).cloned()
    };
    let mut verified = verify(&client);
    if verified.is_err() && freshness == Freshness::Cached {
        // The provider may have rotated its keys since the cached discovery.
        let (fresh, _) = self::client(ctx, agency, provider, true).await?;
        verified = verify(&fresh);
    }
    let claims = match verified {
        Ok(claims) => claims,
        Err(e) => {
            let reason = format!("ID token refused: {}", printable(&e.to_string()));
            return Ok(refuse(ctx, agency, None, &reason, now).await);
        }
    };
    let Some(email) = claims.email().and_then(|e| staff_email(e.as_str()).ok()) else {
        let reason = SsoRefusal::EmailUnverified.reason();
        return Ok(refuse(ctx, agency, None, reason, now).await);
    };
    let user = ctx.store.staff_user_by_email(&email).await?;
    if let Err(refusal) =
        provider
            .policy
            .admits(agency, &email, claims.email_verified(), user.as_ref())
    {
        let id = user.as_ref().map(|u| &u.id);
        return Ok(refuse(ctx, agency, id, refusal.reason(), now).await);
    }
    let Some(user) = user else {
        return Ok(refuse(ctx, agency, None, SsoRefusal::UnknownUser.reason(), now).await);
    };
    let session_id =
        new_session(ctx, &user.id, SessionStage::LoggedIn, LoginMethod::Sso, now).await?;
    log(
        ctx,
        Some(&user.id),
        AccessKind::SsoLogin {
            agency: agency.to_string(),
        },
        now,
    )
    .await;
    tracing::info!(user = %user.id, %agency, "staff login by single sign-on");
    Ok(Outcome::LoggedIn { session_id })
}

/// A provider's word for the log: short, printable ASCII, never a token.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(120)
        .collect()
}
