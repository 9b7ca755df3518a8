//! The debtor's side through the real app on both stores: opening links, the case page, and
//! the neutral answer for every link that does not work.

#[macro_use]
mod common;

use common::{Backend, TestApp, spawn_app};
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
    assert!(html.contains("1 249,50 kr"), "amount in Norwegian format");
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
    assert!(en.contains("lang=\"en\"") && en.contains("Amount due") && en.contains("NOK 1,249.50"));
    assert!(
        nb.len() < 20 * 1024 && en.len() < 20 * 1024,
        "pages stay under 20 KB"
    );
    let css = app
        .http
        .get(app.url(innfri::web::pages::CSS_PATH))
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

async fn repeated_misses_from_one_address_are_throttled(backend: Backend) {
    let app = spawn_app(backend).await;
    let limit = app.ctx.config.settings.links.misses_per_minute;
    for _ in 0..limit {
        let r = app
            .http
            .get(app.url("/k/AAAAAAAAAAAAAAAAAAAAAAAAA"))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 404);
    }
    let (_, link) = case_link(&app, "P-6").await;
    let r = app.http.get(&link).send().await.expect("request");
    assert_eq!(
        r.status().as_u16(),
        429,
        "even a valid link waits once the address is throttled"
    );
}

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/healthz", "/readyz"] {
        let r = app.http.get(app.url(path)).send().await.expect("request");
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }
}

on_both_stores!(
    opening_a_link_redirects_to_a_token_free_page_with_a_session,
    the_case_page_switches_language_and_stays_small,
    every_page_carries_the_security_headers,
    a_link_with_one_character_changed_gets_the_neutral_404,
    expired_and_revoked_links_look_exactly_like_unknown_ones,
    the_case_page_without_a_valid_session_reveals_nothing,
    repeated_misses_from_one_address_are_throttled,
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
    let app = common::spawn_app_with(
        common::config_source(Backend::Redis).with("store.redis_url", &url),
        Backend::Redis,
    )
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
