//! The debtor's side through the real app on both stores: opening links, the case page, and
//! the neutral answer for every link that does not work.

use crate::common::{Backend, TestApp, spawn_app};
use innfri::domain::ids::CaseId;

async fn case_link(app: &TestApp, external_ref: &str) -> (CaseId, String) {
    let case = app.create_case(external_ref, "1200.00").await;
    let id = CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let link = app.ctx.issue_case_link(&id).await.expect("link");
    (id, link)
}

async fn neutral_404_body(app: &TestApp) -> String {
    let response = app
        .http
        .get(app.url("/k/nothing"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 404);
    response.text().await.expect("body")
}

async fn opening_a_link_redirects_to_a_token_free_page_with_a_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, link) = case_link(&app, "P-1").await;
    assert!(link.starts_with(&app.url("/k/")));
    let token = link.rsplit('/').next().expect("token");
    assert_eq!(token.len(), 25);
    assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));

    let response = app.http.get(&link).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/case");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let set_cookie = response.headers()["set-cookie"].to_str().expect("cookie");
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Lax")
            && set_cookie.contains("Path=/")
    );
    assert!(
        !set_cookie.contains(token),
        "the session is not the link token"
    );

    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    let page = app.case_page(&cookie, "").await;
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("1\u{a0}249,50\u{a0}kr"),
        "amount in Norwegian format"
    );
    assert!(html.contains("P-1"));
    assert!(html.contains("Nordlys Energi AS"));
    assert!(html.contains("1503.12.34562"), "account number to pay to");
    assert!(!html.contains(token), "the token never appears on the page");
}

async fn the_case_page_switches_language_and_stays_small(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, link) = case_link(&app, "P-2").await;
    let cookie = app.open_link(&link).await.expect("session");
    let nb = app.case_page(&cookie, "").await.text().await.expect("html");
    assert!(nb.contains("lang=\"nb\"") && nb.contains("Å betale") && nb.contains("Hovedstol"));
    let en = app
        .case_page(&cookie, "?lang=en")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        en.contains("lang=\"en\"") && en.contains("Amount due") && en.contains("NOK\u{a0}1,249.50")
    );
    assert!(
        nb.len() < 20 * 1024 && en.len() < 20 * 1024,
        "pages stay under 20 KB"
    );
    let css = app
        .http
        .get(app.url(innfri::http::debtor::pages::CSS_PATH))
        .send()
        .await
        .expect("css");
    assert_eq!(css.status().as_u16(), 200);
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .contains("immutable")
    );
    assert!(nb.len() + css.content_length().unwrap_or(0) as usize <= 20 * 1024);
}

async fn every_page_carries_the_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, link) = case_link(&app, "P-3").await;
    let cookie = app.open_link(&link).await.expect("session");
    for response in [
        app.case_page(&cookie, "").await,
        app.http
            .get(app.url("/k/forged"))
            .send()
            .await
            .expect("request"),
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request"),
    ] {
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
        assert!(
            h["strict-transport-security"]
                .to_str()
                .expect("hsts")
                .contains("max-age=31536000")
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
    }
}

async fn a_link_with_one_character_changed_gets_the_neutral_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, link) = case_link(&app, "P-4").await;
    let neutral = neutral_404_body(&app).await;
    let (prefix, token) = link.rsplit_once('/').expect("token");
    for position in [0, 12, 24] {
        let mut chars: Vec<char> = token.chars().collect();
        chars[position] = if chars[position] == 'a' { 'b' } else { 'a' };
        let forged = format!("{prefix}/{}", chars.iter().collect::<String>());
        let response = app.http.get(&forged).send().await.expect("request");
        assert_eq!(response.status().as_u16(), 404);
        assert!(response.headers().get("set-cookie").is_none());
        assert_eq!(response.text().await.expect("body"), neutral);
    }
    assert!(
        app.open_link(&link).await.is_some(),
        "the real link still works"
    );
}

async fn expired_and_revoked_links_look_exactly_like_unknown_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let neutral = neutral_404_body(&app).await;
    let (id, link) = case_link(&app, "P-5").await;
    app.ctx.store.revoke_links(&id).await.expect("revoke");
    let response = app.http.get(&link).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.text().await.expect("body"), neutral);

    // A correctly signed token the store never saw (e.g. expired and forgotten).
    let unknown = app.ctx.config.link_keys.issue();
    let response = app
        .http
        .get(app.url(&format!("/k/{}", unknown.as_str())))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.text().await.expect("body"), neutral);
}

async fn the_case_page_without_a_valid_session_reveals_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let neutral = neutral_404_body(&app).await;
    for cookie in ["", "innfri=guessed-session-value"] {
        let response = app.case_page(cookie, "").await;
        assert_eq!(response.status().as_u16(), 404);
        assert_eq!(response.text().await.expect("body"), neutral);
    }
}

const JUNK_LINK: &str = "/k/AAAAAAAAAAAAAAAAAAAAAAAAA";

/// Opens `path` as a client whose proxy says it is `forwarded_for` (if any); returns the status.
async fn open_from(app: &TestApp, path: &str, forwarded_for: Option<&str>) -> u16 {
    let mut request = app.http.get(path);
    if let Some(client) = forwarded_for {
        request = request.header("X-Forwarded-For", client);
    }
    request.send().await.expect("request").status().as_u16()
}

/// The statuses of 25 forged links from one client.
async fn junk_statuses(app: &TestApp, forwarded_for: Option<&str>) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(open_from(app, &app.url(JUNK_LINK), forwarded_for).await);
    }
    statuses
}

fn budget_then_429(app: &TestApp) -> Vec<u16> {
    let limit = app.ctx.config.settings.links.misses_per_minute as usize;
    let mut expected = vec![404; limit];
    expected.resize(25, 429);
    expected
}

async fn misses_beyond_the_budget_answer_429_but_a_valid_link_still_opens(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(junk_statuses(&app, None).await, budget_then_429(&app));
    // A correctly signed token the store does not know is a miss like a forged one, with the
    // same answer: the status tells nothing about the tag.
    let unknown = app.ctx.config.link_keys.issue();
    let path = app.url(&format!("/k/{}", unknown.as_str()));
    assert_eq!(open_from(&app, &path, None).await, 429);
    let (_, link) = case_link(&app, "P-6").await;
    assert_eq!(
        open_from(&app, &link, None).await,
        303,
        "a real link opens whatever its address sent before"
    );
}

async fn behind_a_trusted_proxy_misses_count_per_forwarded_client(backend: Backend) {
    let app = TestApp::builder()
        .store(backend)
        .with("server.trusted_proxies", ["127.0.0.1"])
        .start()
        .await;
    assert_eq!(
        junk_statuses(&app, Some("198.51.100.1")).await,
        budget_then_429(&app)
    );
    let junk = app.url(JUNK_LINK);
    assert_eq!(
        open_from(&app, &junk, Some("198.51.100.2")).await,
        404,
        "another client behind the same proxy is not blocked"
    );
    // A client cannot pick its address: the proxy appends the one it saw, right-most.
    assert_eq!(
        open_from(&app, &junk, Some("198.51.100.2, 198.51.100.1")).await,
        429
    );
    let (_, link) = case_link(&app, "P-7").await;
    assert_eq!(open_from(&app, &link, Some("198.51.100.1")).await, 303);
}

async fn an_untrusted_peers_forwarded_for_is_ignored(backend: Backend) {
    let app = TestApp::builder()
        .store(backend)
        .with("server.trusted_proxies", ["10.0.0.0/8"])
        .start()
        .await;
    assert_eq!(
        junk_statuses(&app, Some("198.51.100.1")).await,
        budget_then_429(&app)
    );
    assert_eq!(
        open_from(&app, &app.url(JUNK_LINK), Some("198.51.100.2")).await,
        429,
        "the peer (127.0.0.1) is the client: its header is not believed"
    );
}

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/healthz", "/readyz"] {
        let r = app.http.get(app.url(path)).send().await.expect("request");
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }
}

async fn the_404_page_answers_in_the_language_the_request_asks_for(backend: Backend) {
    let app = spawn_app(backend).await;
    let get = |path: &'static str, accept: Option<&'static str>| {
        let app = &app;
        async move {
            let mut request = app.http.get(app.url(path));
            if let Some(accept) = accept {
                request = request.header("Accept-Language", accept);
            }
            let response = request.send().await.expect("request");
            assert_eq!(response.status().as_u16(), 404, "{path}");
            response.text().await.expect("body")
        }
    };
    let norwegian = get("/no-such-page", None).await;
    assert!(norwegian.contains("lang=\"nb\"") && norwegian.contains("Lenken virker ikke"));
    for (path, accept) in [
        ("/no-such-page", Some("en-GB,en;q=0.9")),
        ("/no-such-page", Some("de-DE, en;q=0.5, nb;q=0.3")),
        ("/no-such-page?lang=en", None),
        ("/no-such-page?lang=en", Some("nb-NO")),
    ] {
        let english = get(path, accept).await;
        assert!(
            english.contains("lang=\"en\""),
            "{path} {accept:?}: {english}"
        );
        assert!(english.contains("This link does not work"), "{english}");
    }
    for accept in [
        "nb-NO,nb;q=0.9,en;q=0.8",
        "en;q=0, nb",
        "fr-FR",
        "en;q=nonsense",
    ] {
        let page = get("/no-such-page", Some(accept)).await;
        assert!(page.contains("Lenken virker ikke"), "{accept}: {page}");
    }
    // A link that opens nothing stays the same page as any unknown address, in either language.
    assert_eq!(
        get("/k/nothing", Some("en")).await,
        get("/no-such-page", Some("en")).await
    );
    assert_eq!(get("/k/nothing", None).await, norwegian);
}

/// The session cookie names its case (so a page is one store round trip); a cookie with the
/// case id changed opens nothing, and a cookie from before (the secret alone, its session kept
/// as older versions kept it) still opens the case page.
async fn the_session_cookie_names_its_case_and_older_cookies_still_work(backend: Backend) {
    let app = spawn_app(backend).await;
    let (id, link) = case_link(&app, "P-9").await;
    let cookie = app.open_link(&link).await.expect("session");
    let (name, value) = cookie.split_once('=').expect("pair");
    let (named, secret) = value.rsplit_once('.').expect("case id and secret");
    assert_eq!(named, id.as_str());
    assert!(secret.len() >= 22 && secret.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(app.case_page(&cookie, "").await.status().as_u16(), 200);

    let (other, _) = case_link(&app, "P-10").await;
    let swapped = format!("{name}={other}.{secret}");
    assert_eq!(app.case_page(&swapped, "").await.status().as_u16(), 404);

    let now = app.ctx.clock.now();
    let older = innfri::domain::link::DebtorSession {
        case_id: id.clone(),
        csrf_token: "older-csrf-token-000000".into(),
        created_at: now,
        expires_at: now + chrono::Duration::hours(1),
        verified: false,
        others: Vec::new(),
    };
    let old_value = "olderSessionSecret0123456";
    app.ctx
        .store
        .save_session(
            &innfri::store::SessionRef::of_cookie(old_value),
            &older,
            std::time::Duration::from_secs(600),
        )
        .await
        .expect("save");
    let page = app.case_page(&format!("{name}={old_value}"), "").await;
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.expect("html").contains("P-9"));
}

on_both_stores!(
    the_session_cookie_names_its_case_and_older_cookies_still_work,
    the_404_page_answers_in_the_language_the_request_asks_for,
    opening_a_link_redirects_to_a_token_free_page_with_a_session,
    the_case_page_switches_language_and_stays_small,
    every_page_carries_the_security_headers,
    a_link_with_one_character_changed_gets_the_neutral_404,
    expired_and_revoked_links_look_exactly_like_unknown_ones,
    the_case_page_without_a_valid_session_reveals_nothing,
    misses_beyond_the_budget_answer_429_but_a_valid_link_still_opens,
    behind_a_trusted_proxy_misses_count_per_forwarded_client,
    an_untrusted_peers_forwarded_for_is_ignored,
    health_and_readiness_answer,
);

#[tokio::test]
async fn readiness_fails_while_redis_is_down() {
    // A Redis of its own, so stopping it disturbs no other test.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut redis = std::process::Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server");
    let url = format!("redis://127.0.0.1:{port}/0");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let app = TestApp::builder()
        .store(Backend::Redis)
        .with("store.redis_url", &url)
        .start()
        .await;
    let ready = app
        .http
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("request");
    assert_eq!(ready.status().as_u16(), 200);
    redis.kill().expect("kill");
    let _ = redis.wait();
    let down = app
        .http
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("request");
    assert_eq!(down.status().as_u16(), 503);
    let alive = app
        .http
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(
        alive.status().as_u16(),
        200,
        "liveness does not depend on the store"
    );
}
