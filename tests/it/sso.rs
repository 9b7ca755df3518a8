//! Single sign-on to the console against a local fake OpenID Connect provider (wiremock on
//! port 0): discovery, a JWKS with an RSA key made here, `/authorize` that redirects back with
//! a code, `/token` that checks the PKCE verifier against the challenge and returns an ID token
//! signed with that key. Signing is `rsa` (the key; the same crate the app's verifier uses) with
//! `jsonwebtoken` (the JWS), both dev-dependencies only.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use innfri::clock::{Clock, SettableClock};
use innfri::config::api_key_hash;
use innfri::domain::ids::AgencyId;
use innfri::domain::staff::{AccessKind, Role, StaffScope};
use innfri::service::staff;
use rsa::RsaPrivateKey;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{KEY_A, KEY_B, TestApp, csrf_of};

const SESSION: &str = "innfri-staff";
const FORM: &str = "innfri-staff-form";
const ATTEMPT: &str = "innfri-staff-sso";
const CLIENT_ID: &str = "innfri-console";
const CLIENT_SECRET: &str = "fake-client-secret";

/// The provider's signing key and one it never published (made once: RSA keys take a while).
static KEYS: LazyLock<(RsaPrivateKey, RsaPrivateKey)> = LazyLock::new(|| {
    let mut rng = rand::thread_rng();
    (
        RsaPrivateKey::new(&mut rng, 2048).expect("key"),
        RsaPrivateKey::new(&mut rng, 2048).expect("other key"),
    )
});

/// Who the fake says signed in, and how it misbehaves.
#[derive(Clone)]
struct Identity {
    email: String,
    email_verified: Option<bool>,
    audience: String,
    sign_with_other_key: bool,
}

impl Identity {
    fn of(email: &str) -> Identity {
        Identity {
            email: email.to_owned(),
            email_verified: Some(true),
            audience: CLIENT_ID.to_owned(),
            sign_with_other_key: false,
        }
    }
}

/// A code the fake gave out: what its token request must match.
struct Grant {
    challenge: String,
    nonce: String,
    redirect_uri: String,
    issued_at: DateTime<Utc>,
}

struct FakeState {
    identity: Identity,
    grants: HashMap<String, Grant>,
    challenge_methods: Vec<String>,
}

#[derive(Clone)]
struct Fake {
    issuer: String,
    clock: SettableClock,
    state: Arc<Mutex<FakeState>>,
}

fn query(request: &Request) -> HashMap<String, String> {
    request.url.query_pairs().into_owned().collect()
}

impl Fake {
    fn set_identity(&self, identity: Identity) {
        self.state.lock().expect("lock").identity = identity;
    }

    fn id_token(&self, grant: &Grant) -> String {
        let identity = self.state.lock().expect("lock").identity.clone();
        let mut claims = json!({
            "iss": self.issuer,
            "sub": "fake-subject-1",
            "aud": identity.audience,
            "iat": grant.issued_at.timestamp(),
            "exp": (grant.issued_at + Duration::minutes(5)).timestamp(),
            "nonce": grant.nonce,
            "email": identity.email,
        });
        if let Some(verified) = identity.email_verified {
            claims["email_verified"] = json!(verified);
        }
        let key = if identity.sign_with_other_key {
            &KEYS.1
        } else {
            &KEYS.0
        };
        let pem = key.to_pkcs1_pem(LineEnding::LF).expect("pem");
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some("k1".into());
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("encoding key"),
        )
        .expect("signed")
    }
}

struct Authorize(Fake);

impl Respond for Authorize {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q = query(request);
        let mut state = self.0.state.lock().expect("lock");
        state
            .challenge_methods
            .push(q.get("code_challenge_method").cloned().unwrap_or_default());
        if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
            || q.get("response_type").map(String::as_str) != Some("code")
            || !q
                .get("scope")
                .is_some_and(|s| s.split(' ').any(|s| s == "openid"))
        {
            return ResponseTemplate::new(400);
        }
        let code = format!("code-{}", state.grants.len() + 1);
        let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
        state.grants.insert(
            code.clone(),
            Grant {
                challenge: q.get("code_challenge").cloned().unwrap_or_default(),
                nonce: q.get("nonce").cloned().unwrap_or_default(),
                redirect_uri: redirect_uri.clone(),
                issued_at: self.0.clock.now(),
            },
        );
        let back = format!(
            "{redirect_uri}?{}",
            serde_urlencoded::to_string([
                ("code", code.as_str()),
                ("state", q.get("state").map(String::as_str).unwrap_or("")),
            ])
            .expect("query")
        );
        ResponseTemplate::new(302).insert_header("Location", back.as_str())
    }
}

struct Token(Fake);

fn invalid_grant() -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"}))
}

impl Respond for Token {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form: HashMap<String, String> =
            serde_urlencoded::from_bytes(&request.body).unwrap_or_default();
        let expected = format!(
            "Basic {}",
            STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        );
        let client_ok = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(expected.as_str());
        if !client_ok {
            return ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"}));
        }
        if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
            return invalid_grant();
        }
        // A code works once.
        let grant = {
            let mut state = self.0.state.lock().expect("lock");
            form.get("code").and_then(|c| state.grants.remove(c))
        };
        let Some(grant) = grant else {
            return invalid_grant();
        };
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if verifier.is_empty() || challenge != grant.challenge {
            return invalid_grant();
        }
        if form.get("redirect_uri") != Some(&grant.redirect_uri) {
            return invalid_grant();
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "fake-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.0.id_token(&grant),
        }))
    }
}

/// The fake provider on port 0, its tokens dated by `clock`.
async fn fake_provider(clock: &SettableClock) -> (MockServer, Fake) {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let fake = Fake {
        issuer: issuer.clone(),
        clock: clock.clone(),
        state: Arc::new(Mutex::new(FakeState {
            identity: Identity::of("kari@a-inkasso.no"),
            grants: HashMap::new(),
            challenge_methods: Vec::new(),
        })),
    };
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        })))
        .mount(&server)
        .await;
    let public = KEYS.0.to_public_key();
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "k1",
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/authorize"))
        .respond_with(Authorize(fake.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(Token(fake.clone()))
        .mount(&server)
        .await;
    (server, fake)
}

fn agencies(issuer: &str, password_login: bool) -> Value {
    json!([
        {"id": "agency-a", "name": "A Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_A))],
         "creditors": ["nordlys-energi"],
         "sso": {"issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                 "allowed_domains": ["a-inkasso.no"], "password_login": password_login}},
        {"id": "agency-b", "name": "B Inkasso AS", "api_key_sha256": [hex::encode(api_key_hash(KEY_B))],
         "creditors": ["nordlys-energi"]}
    ])
}

struct Setup {
    app: TestApp,
    fake: Fake,
    clock: SettableClock,
    server: MockServer,
}

/// The app with agency A signing in at the fake; the clock two days behind the real time, so
/// a token checked against the system clock instead of ours would be expired.
async fn setup(password_login: bool) -> Setup {
    let clock = SettableClock::at(Utc::now() - Duration::days(2));
    let (server, fake) = fake_provider(&clock).await;
    let app = TestApp::builder()
        .clock(clock.clone())
        .agencies(agencies(&server.uri(), password_login))
        .start()
        .await;
    Setup {
        app,
        fake,
        clock,
        server,
    }
}

/// A user invited and never enrolled (no password, no TOTP): single sign-on still lets in.
async fn invited(setup: &Setup, email: &str, agency: &str) {
    staff::create_user(
        &setup.app.ctx,
        email,
        StaffScope::Agency {
            agency: AgencyId::parse(agency).expect("id"),
            role: Role::Handler,
        },
        setup.clock.now(),
    )
    .await
    .expect("user");
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()?
                .strip_prefix(&format!("{name}="))
                .map(str::to_owned)
        })
}

fn set_cookie_line(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// The login page's button: the browser goes to the provider with a signed attempt cookie.
async fn start(app: &TestApp) -> (String, String) {
    let response = app
        .http
        .get(app.url("/console/login"))
        .send()
        .await
        .expect("login page");
    let form_cookie = set_cookie(&response, FORM).expect("form cookie");
    let html = response.text().await.expect("html");
    assert!(
        html.contains("action=\"/console/sso/agency-a\"")
            && html.contains("Sign in with A Inkasso AS"),
        "the login page offers agency A's sign-in: {html}"
    );
    let response = app
        .http
        .post(app.url("/console/sso/agency-a"))
        .header("Cookie", format!("{FORM}={form_cookie}"))
        .header("Origin", &app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string([("csrf", csrf_of(&html))]).expect("form"))
        .send()
        .await
        .expect("start");
    assert_eq!(response.status().as_u16(), 303, "to the provider");
    let line = set_cookie_line(&response, ATTEMPT).expect("attempt cookie");
    assert!(
        line.contains("SameSite=Lax") && line.contains("HttpOnly"),
        "{line}"
    );
    (
        location(&response),
        set_cookie(&response, ATTEMPT).expect("attempt"),
    )
}

/// The provider's answer to the browser: where it sends it back (our callback, code, state).
async fn authorize(app: &TestApp, authorize_url: &str) -> String {
    let response = app.http.get(authorize_url).send().await.expect("authorize");
    assert_eq!(
        response.status().as_u16(),
        302,
        "the provider sends the browser back"
    );
    location(&response)
}

async fn back(app: &TestApp, callback: &str, attempt: &str) -> reqwest::Response {
    app.http
        .get(callback)
        .header("Cookie", format!("{ATTEMPT}={attempt}"))
        .send()
        .await
        .expect("callback")
}

async fn access(app: &TestApp) -> Vec<AccessKind> {
    app.ctx
        .store
        .access_log(100)
        .await
        .expect("log")
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

fn refused_for(kinds: &[AccessKind], wanted: &str) -> bool {
    kinds.iter().any(|k| {
        matches!(k, AccessKind::SsoLoginFailed { agency, reason }
        if agency == "agency-a" && reason.contains(wanted))
    })
}

/// The whole flow, as a browser goes it; the callback's response.
async fn sign_in(setup: &Setup) -> reqwest::Response {
    let (authorize_url, attempt) = start(&setup.app).await;
    let callback = authorize(&setup.app, &authorize_url).await;
    back(&setup.app, &callback, &attempt).await
}

#[tokio::test]
async fn an_agency_user_signs_in_with_the_agencys_provider_and_lands_on_the_cases() {
    let setup = setup(true).await;
    invited(&setup, "kari@a-inkasso.no", "agency-a").await;
    let (authorize_url, attempt) = start(&setup.app).await;
    let url = reqwest::Url::parse(&authorize_url).expect("url");
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert!(authorize_url.starts_with(&setup.fake.issuer));
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(!q["state"].is_empty() && !q["nonce"].is_empty());
    assert_eq!(
        q["redirect_uri"],
        setup.app.url("/console/sso/agency-a/callback")
    );
    let callback = authorize(&setup.app, &authorize_url).await;
    let response = back(&setup.app, &callback, &attempt).await;
    assert_eq!(response.status().as_u16(), 200);
    let discoveries = setup
        .server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/.well-known/openid-configuration")
        .count();
    // At most one: wiremock lends a pooled server, so an earlier test at the same address may
    // have had the document fetched (and cached) already.
    assert!(
        discoveries <= 1,
        "one discovery serves the way out and back: {discoveries}"
    );
    let session = set_cookie(&response, SESSION).expect("a session");
    let line = set_cookie_line(&response, SESSION).expect("session cookie");
    assert!(
        line.contains("SameSite=Strict") && line.contains("HttpOnly"),
        "{line}"
    );
    assert_eq!(
        set_cookie(&response, ATTEMPT).as_deref(),
        Some(""),
        "the attempt is used up"
    );
    let html = response.text().await.expect("html");
    assert!(
        html.contains("url=/console/cases"),
        "moves on to the cases: {html}"
    );
    let cases = setup
        .app
        .get_with_cookie("/console/cases", &format!("{SESSION}={session}"))
        .await;
    assert_eq!(
        cases.status().as_u16(),
        200,
        "logged in without a TOTP code"
    );
    let html = cases.text().await.expect("html");
    assert!(
        html.contains("kari@a-inkasso.no"),
        "the user's page: {html}"
    );
    assert!(
        access(&setup.app)
            .await
            .iter()
            .any(|k| matches!(k, AccessKind::SsoLogin { agency } if agency == "agency-a"))
    );

    // The same store session as a password login: idle for 30 minutes, it ends.
    setup.clock.advance(Duration::minutes(31));
    let cases = setup
        .app
        .get_with_cookie("/console/cases", &format!("{SESSION}={session}"))
        .await;
    assert_eq!(cases.status().as_u16(), 303, "the idle timeout applies");

    // A way back after the attempt's ten minutes is refused.
    let again = back(&setup.app, &callback, &attempt).await;
    assert_eq!(again.status().as_u16(), 403);
    assert!(refused_for(
        &access(&setup.app).await,
        "no sign-in under way"
    ));
}

#[tokio::test]
async fn a_wrong_state_is_refused() {
    let setup = setup(true).await;
    invited(&setup, "kari@a-inkasso.no", "agency-a").await;
    let (authorize_url, attempt) = start(&setup.app).await;
    let callback = authorize(&setup.app, &authorize_url).await;
    let mut url = reqwest::Url::parse(&callback).expect("url");
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    url.query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", "forged-state");
    let response = back(&setup.app, url.as_str(), &attempt).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(set_cookie(&response, SESSION).is_none());
    assert!(refused_for(&access(&setup.app).await, "wrong state"));

    // Nor is the way back heard without the attempt cookie, or with a forged one.
    let (authorize_url, attempt) = start(&setup.app).await;
    let callback = authorize(&setup.app, &authorize_url).await;
    let forged = format!("{}x", attempt);
    assert_eq!(
        back(&setup.app, &callback, &forged).await.status().as_u16(),
        403
    );
    let bare = setup
        .app
        .http
        .get(&callback)
        .send()
        .await
        .expect("callback");
    assert_eq!(bare.status().as_u16(), 403);
}

#[tokio::test]
async fn a_token_with_a_bad_signature_is_refused() {
    let setup = setup(true).await;
    invited(&setup, "kari@a-inkasso.no", "agency-a").await;
    setup.fake.set_identity(Identity {
        sign_with_other_key: true,
        ..Identity::of("kari@a-inkasso.no")
    });
    let response = sign_in(&setup).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(set_cookie(&response, SESSION).is_none());
    assert!(refused_for(&access(&setup.app).await, "ID token refused"));
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let setup = setup(true).await;
    invited(&setup, "kari@a-inkasso.no", "agency-a").await;
    setup.fake.set_identity(Identity {
        audience: "some-other-app".into(),
        ..Identity::of("kari@a-inkasso.no")
    });
    let response = sign_in(&setup).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(set_cookie(&response, SESSION).is_none());
    assert!(refused_for(&access(&setup.app).await, "ID token refused"));
}

#[tokio::test]
async fn an_expired_token_is_refused_by_our_clock() {
    let setup = setup(true).await;
    invited(&setup, "kari@a-inkasso.no", "agency-a").await;
    let (authorize_url, attempt) = start(&setup.app).await;
    let callback = authorize(&setup.app, &authorize_url).await;
    // The token lives five minutes from the code; the browser comes back six minutes later.
    setup.clock.advance(Duration::minutes(6));
    let response = back(&setup.app, &callback, &attempt).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(set_cookie(&response, SESSION).is_none());
    assert!(refused_for(&access(&setup.app).await, "ID token refused"));
}

#[tokio::test]
async fn an_unknown_address_a_disabled_user_and_another_agencys_user_are_refused_and_logged() {
    let setup = setup(true).await;
    setup.fake.set_identity(Identity::of("nobody@a-inkasso.no"));
    let response = sign_in(&setup).await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(set_cookie(&response, SESSION).is_none());
    assert!(refused_for(&access(&setup.app).await, "unknown user"));
    assert!(
        setup
            .app
            .ctx
            .store
            .staff_user_by_email(
                &innfri::domain::staff::staff_email("nobody@a-inkasso.no").expect("address")
            )
            .await
            .expect("store")
            .is_none(),
        "no user is made"
    );

    invited(&setup, "per@a-inkasso.no", "agency-b").await;
    setup.fake.set_identity(Identity::of("per@a-inkasso.no"));
    assert_eq!(sign_in(&setup).await.status().as_u16(), 403);
    assert!(refused_for(&access(&setup.app).await, "another agency"));

    invited(&setup, "ola@a-inkasso.no", "agency-a").await;
    staff::disable_user(&setup.app.ctx, "ola@a-inkasso.no")
        .await
        .expect("disabled");
    setup.fake.set_identity(Identity::of("ola@a-inkasso.no"));
    assert_eq!(sign_in(&setup).await.status().as_u16(), 403);
    assert!(refused_for(&access(&setup.app).await, "disabled"));

    invited(&setup, "kari@a-inkasso.no", "agency-a").await;
    setup.fake.set_identity(Identity {
        email_verified: Some(false),
        ..Identity::of("kari@a-inkasso.no")
    });
    assert_eq!(sign_in(&setup).await.status().as_u16(), 403);
    assert!(refused_for(&access(&setup.app).await, "no verified"));
}

#[tokio::test]
async fn the_fake_checks_the_pkce_verifier_and_the_app_sends_the_right_one() {
    let setup = setup(true).await;
    invited(&setup, "kari@a-inkasso.no", "agency-a").await;
    let (authorize_url, _attempt) = start(&setup.app).await;
    let callback = authorize(&setup.app, &authorize_url).await;
    let code = reqwest::Url::parse(&callback)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    // Someone who caught the code but not the verifier gets nothing.
    let stolen = setup
        .app
        .http
        .post(format!("{}/token", setup.fake.issuer))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            (
                "redirect_uri",
                &setup.app.url("/console/sso/agency-a/callback"),
            ),
            (
                "code_verifier",
                "a-guess-that-is-long-enough-to-be-a-verifier-0123456789",
            ),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(stolen.status().as_u16(), 400, "a wrong verifier fails");
    // The app's own verifier passes (the happy path), and the challenge is S256.
    let response = sign_in(&setup).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        setup
            .fake
            .state
            .lock()
            .expect("lock")
            .challenge_methods
            .iter()
            .all(|m| m == "S256")
    );
}

#[tokio::test]
async fn an_agency_that_turns_password_login_off_still_signs_in_by_its_provider() {
    let setup = setup(false).await;
    let (user, password) = staff::demo_user(
        &setup.app.ctx,
        "kari@a-inkasso.no",
        StaffScope::Agency {
            agency: AgencyId::parse("agency-a").expect("id"),
            role: Role::Handler,
        },
        setup.clock.now(),
    )
    .await
    .expect("user");
    let response = setup
        .app
        .http
        .get(setup.app.url("/console/login"))
        .send()
        .await
        .expect("login page");
    let form_cookie = set_cookie(&response, FORM).expect("form cookie");
    let csrf = csrf_of(&response.text().await.expect("html"));
    let refused = setup
        .app
        .http
        .post(setup.app.url("/console/login"))
        .header("Cookie", format!("{FORM}={form_cookie}"))
        .header("Origin", &setup.app.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([
                ("csrf", csrf.as_str()),
                ("email", user.email.as_str()),
                ("password", password.as_str()),
            ])
            .expect("form"),
        )
        .send()
        .await
        .expect("password");
    assert_eq!(
        refused.status().as_u16(),
        401,
        "the right password is refused"
    );
    assert!(access(&setup.app).await.iter().any(|k| matches!(k,
        AccessKind::LoginFailed { reason } if reason.contains("password login off"))));
    assert_eq!(sign_in(&setup).await.status().as_u16(), 200);
}

#[tokio::test]
async fn turning_password_login_off_ends_the_password_sessions_already_open() {
    // Two processes on one Redis: the second runs the agency's new setting.
    let clock = SettableClock::at(Utc::now() - Duration::days(2));
    let (server, _fake) = fake_provider(&clock).await;
    let namespace = format!("sso-off-{}", uuid::Uuid::new_v4().simple());
    let app = |password_login: bool| {
        TestApp::builder()
            .store(crate::common::Backend::Redis)
            .namespace(&namespace)
            .clock(clock.clone())
            .agencies(agencies(&server.uri(), password_login))
            .start()
    };
    let before = app(true).await;
    let login = crate::mandate_versions::user(
        &before,
        "kari@a-inkasso.no",
        StaffScope::Agency {
            agency: AgencyId::parse("agency-a").expect("id"),
            role: Role::Handler,
        },
    )
    .await;
    let session = crate::mandate_versions::log_in(&before, &login).await;
    let (status, _) = crate::mandate_versions::page(&before, "/console/cases", &session).await;
    assert_eq!(status, 200, "logged in by password");
    let after = app(false).await;
    let (status, _) = crate::mandate_versions::page(&after, "/console/cases", &session).await;
    assert_eq!(status, 303, "the password session ends with password login");
    let (status, _) = crate::mandate_versions::page(&before, "/console/cases", &session).await;
    assert_eq!(status, 303, "and stays ended");
}

#[test]
fn check_config_wants_an_https_issuer_except_on_loopback() {
    let load = |issuer: &str| {
        TestApp::builder()
            .agencies(agencies(issuer, true))
            .source()
            .load()
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert!(
        load("https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0").is_ok()
    );
    assert!(load("http://127.0.0.1:8900").is_ok());
    let plain = load("http://login.example.no").expect_err("plain http refused");
    assert!(plain.contains("agencies[0].sso.issuer"), "{plain}");
    assert!(load("not a url").is_err());
}
