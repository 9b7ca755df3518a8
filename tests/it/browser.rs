//! A real headless Chromium, phone-sized, walks a debtor from the SMS link to an agreed payment
//! plan, with JavaScript off as far as the pages are concerned (they have none), and saves a
//! screenshot of each page under `target/screenshots/` for review.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{Backend, spawn_app};
use fantoccini::{ClientBuilder, Locator};
use innfri::domain::ids::CaseId;

/// chromedriver on a free port, stopped when the test ends.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole process group: chromedriver and the browsers it started, even after a panic.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(binary: &str, env: &str) -> PathBuf {
    if let Ok(path) = std::env::var(env) {
        return PathBuf::from(path);
    }
    for dir in ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"] {
        let path = Path::new(dir).join(binary);
        if path.exists() {
            return path;
        }
    }
    panic!(
        "{binary} not found: scripts/test installs Debian's chromium and chromium-driver (or set {env})"
    );
}

async fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let child = Command::new(find("chromedriver", "CHROMEDRIVER"))
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

#[tokio::test]
async fn a_phone_opens_the_sms_link_and_agrees_a_payment_plan() {
    let app = spawn_app(Backend::Embedded).await;
    let case = app.create_case("B-1", "6000.00").await;
    let case_id = CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let link = app.ctx.issue_case_link(&case_id).await.expect("link");

    let driver = start_driver().await;
    let profile = tempdir();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": find("chromium", "CHROMIUM").to_string_lossy(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=390,844",
                format!("--user-data-dir={}", profile.display()),
            ],
            "mobileEmulation": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0}}
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromium session");
    let shots = screenshot_dir();
    let shoot = |name: &'static str| {
        let client = client.clone();
        let path = shots.join(name);
        async move {
            let png = client.screenshot().await.expect("screenshot");
            std::fs::write(&path, png).expect("save screenshot");
        }
    };

    client.goto(&link).await.expect("open the link");
    let url = client.current_url().await.expect("url");
    assert_eq!(
        url.path(),
        "/case",
        "the token is gone from the address bar"
    );
    let source = client.source().await.expect("html");
    // Chromium writes the non-breaking spaces back as entities.
    assert!(
        source.contains("6&nbsp;049,50&nbsp;kr") || source.contains("6\u{a0}049,50\u{a0}kr"),
        "the amount due is shown: {source}"
    );
    shoot("01-case.png").await;

    client
        .find(Locator::LinkText("Dele opp i avdrag"))
        .await
        .expect("plan button")
        .click()
        .await
        .expect("click");
    wait_for_path(&client, "/case/plan").await;
    shoot("02-plan-form.png").await;

    client
        .find(Locator::Css("select[name=months]"))
        .await
        .expect("months")
        .select_by_value("6")
        .await
        .expect("choose 6 months");
    client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("preview")
        .click()
        .await
        .expect("click");
    wait_for_path(&client, "/case/plan/preview").await;
    let preview = client.source().await.expect("html");
    assert!(
        preview.contains("Slik blir planen din")
            && preview.contains("Planen koster ingenting ekstra"),
        "{preview}"
    );
    shoot("03-plan-preview.png").await;

    client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("agree")
        .click()
        .await
        .expect("click");
    wait_for_path(&client, "/case/plan/confirm").await;
    let done = client.source().await.expect("html");
    assert!(done.contains("Avtalen er klar"), "{done}");
    shoot("04-plan-agreed.png").await;

    client
        .goto(&app.url("/case?lang=en"))
        .await
        .expect("case page");
    let english = client.source().await.expect("html");
    assert!(english.contains("Your payment plan"));
    shoot("05-case-with-plan-en.png").await;
    client.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&profile);

    let stored = app.stored_case(&case_id).await;
    assert_eq!(stored.plan.map(|p| p.months()), Some(6));
    for name in [
        "01-case.png",
        "03-plan-preview.png",
        "05-case-with-plan-en.png",
    ] {
        let bytes = std::fs::read(screenshot_dir().join(name)).expect("screenshot file");
        assert!(bytes.starts_with(b"\x89PNG"), "{name} is a PNG");
    }
}

/// Waits (bounded) until the browser shows `path`, i.e. the form post has been answered.
async fn wait_for_path(client: &fantoccini::Client, path: &str) {
    for _ in 0..50 {
        if client.current_url().await.is_ok_and(|u| u.path() == path) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser never reached {path}");
}

fn tempdir() -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("innfri-chromium-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("profile dir");
    dir
}

/// axe-core as `scripts/test` installs it (`npm ci` in `tests/browser`).
fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; scripts/test installs axe-core (cd tests/browser && npm ci)",
            path.display()
        )
    })
}

/// A desktop-shaped headless Chromium whose window the walk resizes (320 and 390 CSS px wide).
async fn plain_browser(driver: &Driver, profile: &Path) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": find("chromium", "CHROMIUM").to_string_lossy(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=390,844",
                "--hide-scrollbars", format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromium session")
}

/// Runs axe-core on the page as it is now; its violations, one line each.
async fn axe_violations(client: &fantoccini::Client, axe: &str) -> Vec<String> {
    client.execute(axe, vec![]).await.expect("inject axe-core");
    let found = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document).then(
              r => done(r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " at "
                + v.nodes.map(n => n.target.join(" ")).join(", "))),
              e => done(["axe-core failed: " + e]));"#,
            vec![],
        )
        .await
        .expect("axe-core runs");
    serde_json::from_value(found).expect("a list of violations")
}

/// How far the page is wider than the window (0: nothing overflows horizontally).
async fn overflow(client: &fantoccini::Client) -> i64 {
    let widths = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("widths");
    let widths: Vec<i64> = serde_json::from_value(widths).expect("two numbers");
    widths[0] - widths[1]
}

/// The innermost elements reaching past the window's right edge, for the report.
async fn overflowing(client: &fantoccini::Client) -> String {
    let found = client
        .execute(
            "const w = window.innerWidth; return [...document.querySelectorAll('body *')]\
             .filter(e => e.getBoundingClientRect().right > w + 0.5)\
             .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w + 0.5))\
             .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')\
             + ' \"' + e.textContent.trim().slice(0, 40) + '\"').join('; ');",
            vec![],
        )
        .await
        .expect("elements");
    found.as_str().unwrap_or_default().to_owned()
}

async fn window_width(client: &fantoccini::Client, width: u32) {
    client.set_window_size(width, 844).await.expect("resize");
    // The page learns of the new size a moment later.
    for _ in 0..100 {
        let inner = client
            .execute("return window.innerWidth;", vec![])
            .await
            .expect("width");
        if inner.as_i64() == Some(i64::from(width)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the window never became {width} CSS px wide");
}

/// Every check on the page state as it is now: axe-core at 390 px and at 200 % text, nothing
/// wider than the window at 390 px, at 200 % text and at 320 px. Problems go into `problems`.
async fn check(client: &fantoccini::Client, axe: &str, state: &str, problems: &mut Vec<String>) {
    let mut report = |what: String| problems.push(format!("{state}: {what}"));
    window_width(client, 390).await;
    for v in axe_violations(client, axe).await {
        report(format!("390 px: {v}"));
    }
    let wider = overflow(client).await;
    if wider > 0 {
        report(format!(
            "390 px: {wider} px too wide ({})",
            overflowing(client).await
        ));
    }
    // 200 % text, as a reader's text size setting does it: every size is in rem or em.
    client
        .execute("document.documentElement.style.fontSize = '200%';", vec![])
        .await
        .expect("large text");
    for v in axe_violations(client, axe).await {
        report(format!("200 % text: {v}"));
    }
    let wider = overflow(client).await;
    if wider > 0 {
        report(format!(
            "200 % text at 390 px: {wider} px too wide ({})",
            overflowing(client).await
        ));
    }
    client
        .execute("document.documentElement.style.fontSize = '';", vec![])
        .await
        .expect("normal text");
    window_width(client, 320).await;
    let wider = overflow(client).await;
    if wider > 0 {
        report(format!(
            "320 px: {wider} px too wide ({})",
            overflowing(client).await
        ));
    }
    window_width(client, 390).await;
    std::fs::write(
        screenshot_dir().join(format!("axe-{state}.png")),
        client.screenshot().await.expect("screenshot"),
    )
    .expect("save screenshot");
}

/// Runs `script` (which submits a form or follows a link) and waits until the next page has loaded.
async fn and_wait(client: &fantoccini::Client, script: &str) {
    client
        .execute(
            &format!("window.__innfri_old_page = true; {script}"),
            vec![],
        )
        .await
        .expect("script");
    for _ in 0..100 {
        let loaded = client
            .execute(
                "return window.__innfri_old_page === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if loaded.is_ok_and(|v| v.as_bool() == Some(true)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the next page never loaded after {script}");
}

/// Fills the field `css` with `value` and submits its form (past the browser's own checks, so
/// the server's answer to a wrong value is what is shown).
async fn submit_with(client: &fantoccini::Client, fields: &[(&str, &str)], form: &str) {
    let mut script = String::new();
    for (css, value) in fields {
        script.push_str(&format!(
            "document.querySelector({}).value = {};",
            serde_json::json!(css),
            serde_json::json!(value)
        ));
    }
    script.push_str(&format!(
        "document.querySelector({}).submit();",
        serde_json::json!(form)
    ));
    and_wait(client, &script).await;
}

async fn click(client: &fantoccini::Client, css: &str) {
    and_wait(
        client,
        &format!(
            "document.querySelector({}).click();",
            serde_json::json!(css)
        ),
    )
    .await;
}

async fn open_case(
    app: &crate::common::TestApp,
    client: &fantoccini::Client,
    principal: &str,
    r: &str,
) {
    let case = app.create_case(r, principal).await;
    let case_id = CaseId::parse(case["id"].as_str().expect("id")).expect("case id");
    let link = app.ctx.issue_case_link(&case_id).await.expect("link");
    client.goto(&link).await.expect("open the link");
}

async fn attempt_of(client: &fantoccini::Client) -> String {
    let url = client.current_url().await.expect("url");
    url.query_pairs()
        .find(|(k, _)| k == "attempt")
        .map(|(_, v)| v.into_owned())
        .expect("an attempt in the address")
}

#[tokio::test]
async fn every_debtor_page_state_passes_axe_core_and_fits_320_px_and_200_percent_text() {
    let axe = axe_source();
    // The agency's contact shows on every page of a case, so axe-core checks it too.
    let mut agencies = crate::common::app::default_agencies();
    agencies[0]["contact"] = serde_json::json!({
        "phone": "22 00 00 00", "email": "hjelp@a-inkasso.example", "opening_hours": "Hverdager 08–16"
    });
    let app = crate::common::TestApp::builder()
        .fake_payments()
        .agencies(agencies)
        .start()
        .await;
    let driver = start_driver().await;
    let profile = tempdir();
    let c = plain_browser(&driver, &profile).await;
    let mut problems = Vec::new();
    let mut states = 0;
    macro_rules! state {
        ($name:expr) => {{
            check(&c, &axe, $name, &mut problems).await;
            states += 1;
        }};
    }

    open_case(&app, &c, "6000.00", "AX-1").await;
    state!("case");
    c.goto(&app.url("/case/more-time")).await.expect("goto");
    state!("more-time");
    submit_with(&c, &[], "form[action='/case/more-time']").await;
    state!("more-time-error");
    c.goto(&app.url("/case/plan")).await.expect("goto");
    state!("plan");
    submit_with(
        &c,
        &[("#monthly", "mange")],
        "form[action='/case/plan/preview']",
    )
    .await;
    state!("plan-error");
    submit_with(
        &c,
        &[("#monthly", "1")],
        "form[action='/case/plan/preview']",
    )
    .await;
    state!("plan-refused-with-offer");
    c.goto(&app.url("/case/dispute")).await.expect("goto");
    state!("dispute");
    submit_with(
        &c,
        &[("#text", "Jeg har betalt"), ("#paid_amount", "mye")],
        "form[action='/case/dispute']",
    )
    .await;
    state!("dispute-error");
    c.goto(&app.url("/case/pay")).await.expect("goto");
    state!("pay");
    c.execute(
        "document.querySelector('#amount').value = '199,99';",
        vec![],
    )
    .await
    .expect("type");
    click(&c, "form[action='/case/pay'] button[value=vipps]").await;
    state!("pay-error");
    c.execute("document.querySelector('#amount').value = '500';", vec![])
        .await
        .expect("type");
    click(&c, "form[action='/case/pay'] button[value=vipps]").await;
    state!("fake-checkout");
    let fake = c.current_url().await.expect("url");
    let attempt = attempt_of(&c).await;
    c.goto(&app.url(&format!("/case/paid?attempt={attempt}")))
        .await
        .expect("goto");
    state!("paid-confirming");
    c.goto(fake.as_str()).await.expect("goto");
    click(&c, "button[value=approve]").await;
    state!("paid-part");
    c.goto(&app.url("/case/pay")).await.expect("goto");
    c.execute("document.querySelector('#amount').value = '300';", vec![])
        .await
        .expect("type");
    click(&c, "form[action='/case/pay'] button[value=card]").await;
    let attempt = attempt_of(&c).await;
    click(&c, "button[value=decline]").await;
    state!("fake-declined");
    c.goto(&app.url(&format!("/case/paid?attempt={attempt}")))
        .await
        .expect("goto");
    state!("paid-cancelled");
    c.goto(&app.url("/case/plan")).await.expect("goto");
    submit_with(&c, &[("#months", "4")], "form[action='/case/plan/preview']").await;
    state!("plan-preview");
    click(&c, "form[action='/case/plan/confirm'] button").await;
    state!("plan-agreed");
    c.goto(&app.url("/case")).await.expect("goto");
    state!("case-with-plan");
    c.goto(&app.url("/case?lang=en")).await.expect("goto");
    state!("case-with-plan-en");
    // Nynorsk, Polish and Ukrainian: the longest words and the chooser's five links.
    for lang in ["nn", "pl", "uk"] {
        c.goto(&app.url(&format!("/case?lang={lang}")))
            .await
            .expect("goto");
        state!(&format!("case-with-plan-{lang}"));
        c.goto(&app.url("/case/dispute")).await.expect("goto");
        state!(&format!("dispute-{lang}"));
    }
    c.goto(&app.url("/case?lang=nb")).await.expect("goto");

    open_case(&app, &c, "6000.00", "AX-2").await;
    c.goto(&app.url("/case/plan")).await.expect("goto");
    submit_with(&c, &[("#months", "7")], "form[action='/case/plan/preview']").await;
    state!("plan-preview-for-review");
    click(&c, "form[action='/case/plan/confirm'] button").await;
    state!("plan-sent-for-review");
    c.goto(&app.url("/case")).await.expect("goto");
    state!("case-waiting");
    c.goto(&app.url("/case/more-time")).await.expect("goto");
    state!("waiting");

    open_case(&app, &c, "1200.00", "AX-3").await;
    c.goto(&app.url("/case/plan?lang=uk")).await.expect("goto");
    state!("plan-form-uk");
    c.goto(&app.url("/case/more-time?lang=pl"))
        .await
        .expect("goto");
    state!("more-time-pl");
    // Back to bokmål: the cookie is per host, and the pages below are checked in it.
    c.goto(&app.url("/case?lang=nb")).await.expect("goto");
    c.goto(&app.url("/case/more-time")).await.expect("goto");
    submit_with(
        &c,
        &[("input[name=csrf]", "forged")],
        "form[action='/case/more-time']",
    )
    .await;
    state!("form-expired");
    c.goto(&app.url("/case/dispute")).await.expect("goto");
    submit_with(
        &c,
        &[("#text", "Dette er ikke min regning")],
        "form[action='/case/dispute']",
    )
    .await;
    state!("dispute-received");
    c.goto(&app.url("/case")).await.expect("goto");
    state!("case-disputed");

    open_case(&app, &c, "1200.00", "AX-4").await;
    click(&c, "#pay-online button[value=vipps]").await;
    click(&c, "button[value=approve]").await;
    state!("paid-in-full");
    c.goto(&app.url("/case")).await.expect("goto");
    state!("case-paid");

    // The contact details page: a refused number, the code's form, a wrong code, a bad address.
    open_case(&app, &c, "1200.00", "AX-6").await;
    c.goto(&app.url("/case/contact")).await.expect("goto");
    state!("contact-details");
    submit_with(
        &c,
        &[("#details-phone", "22 22 22 22")],
        "form[action='/case/contact/phone']",
    )
    .await;
    state!("contact-phone-refused");
    submit_with(
        &c,
        &[("#details-phone", "412 34 567")],
        "form[action='/case/contact/phone']",
    )
    .await;
    assert!(c.source().await.expect("html").contains("details-code"));
    state!("contact-code-sent");
    submit_with(
        &c,
        &[("#details-code", "1")],
        "form[action='/case/contact/code']",
    )
    .await;
    state!("contact-code-refused");
    submit_with(
        &c,
        &[
            ("#details-street", "Storgata 1"),
            ("#details-postcode", "1"),
        ],
        "form[action='/case/contact/address']",
    )
    .await;
    state!("contact-address-refused");
    c.goto(&app.url("/case/contact?lang=uk"))
        .await
        .expect("goto");
    state!("contact-details-uk");
    // Back to bokmål: the language chosen holds for what the browser opens next.
    c.goto(&app.url("/case/contact?lang=nb"))
        .await
        .expect("goto");

    // The identity step-up, its wrong answer and its lockout, on a creditor that asks for it.
    let original = crate::common::example_mandate();
    let checked = crate::common::TestApp::builder()
        .creditors(&[(
            "nordlys-energi.toml",
            &original.replace("check = \"none\"", "check = \"postcode\""),
        )])
        .start()
        .await;
    let mut body: serde_json::Value =
        serde_json::from_str(&crate::common::case_body("AX-5", "1200.00")).expect("json");
    body["debtor"]["postcode"] = serde_json::json!("0150");
    let created = checked
        .post_json(
            "/api/v1/cases",
            Some(crate::common::KEY_A),
            &body.to_string(),
        )
        .await;
    let created: serde_json::Value = created.json().await.expect("json");
    let case_id = CaseId::parse(created["id"].as_str().expect("id")).expect("case id");
    let link = checked.ctx.issue_case_link(&case_id).await.expect("link");
    c.goto(&link).await.expect("open the link");
    state!("verify");
    submit_with(&c, &[("#answer", "9999")], "form[action='/case/verify']").await;
    state!("verify-wrong");
    for _ in 0..10 {
        if c.find(Locator::Css("#answer")).await.is_err() {
            break;
        }
        submit_with(&c, &[("#answer", "9999")], "form[action='/case/verify']").await;
    }
    assert!(c.source().await.expect("html").contains("For mange forsøk"));
    state!("verify-locked");

    c.goto(&app.url("/accessibility")).await.expect("goto");
    state!("accessibility-statement");
    c.goto(&app.url("/accessibility?lang=en"))
        .await
        .expect("goto");
    state!("accessibility-statement-en");
    c.goto(&app.url("/k/nothing-here?lang=nb"))
        .await
        .expect("goto");
    state!("not-found");
    c.goto(&app.url("/k/nothing-here?lang=en"))
        .await
        .expect("goto");
    state!("not-found-en");
    for lang in ["nn", "pl", "uk"] {
        c.goto(&app.url(&format!("/k/nothing-here?lang={lang}")))
            .await
            .expect("goto");
        state!(&format!("not-found-{lang}"));
    }

    // The checks themselves catch a page that is wrong: faint text and a too-wide block.
    c.execute(
        "document.querySelector('h1').style.color = '#ddd'; document.body.style.minWidth = '400px';",
        vec![],
    )
    .await
    .expect("spoil the page");
    let mut spoiled = Vec::new();
    check(&c, &axe, "spoiled", &mut spoiled).await;
    assert!(
        spoiled.iter().any(|p| p.contains("color-contrast"))
            && spoiled.iter().any(|p| p.contains("px too wide")),
        "{spoiled:?}"
    );

    c.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(states >= 30, "{states} page states walked");
    assert!(
        problems.is_empty(),
        "{} problems in {states} page states:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn console_pages_pass_axe_core_and_fit_a_phone() {
    use innfri::domain::ids::AgencyId;
    use innfri::domain::staff::{Role, StaffScope};
    let axe = axe_source();
    let app = crate::common::TestApp::builder().start().await;
    let case = app.new_case("CONSOLE-AX-1").await;
    // An admin: the handler's screens and the agency's settings too.
    let scope = StaffScope::Agency {
        agency: AgencyId::parse("agency-a").expect("id"),
        role: Role::Admin,
    };
    let (user, password) = innfri::service::staff::demo_user(
        &app.ctx,
        "kari@a-inkasso.no",
        scope,
        app.ctx.clock.now(),
    )
    .await
    .expect("user");
    let driver = start_driver().await;
    let profile = tempdir();
    let c = plain_browser(&driver, &profile).await;
    let mut problems = Vec::new();
    c.goto(&app.url("/console/login")).await.expect("goto");
    check(&c, &axe, "console-login", &mut problems).await;
    submit_with(
        &c,
        &[("#email", user.email.as_str()), ("#password", &password)],
        "form[action='/console/login']",
    )
    .await;
    check(&c, &axe, "console-code", &mut problems).await;
    let code = innfri::service::staff::totp(&user.totp_secret, &user.email)
        .expect("totp")
        .generate(app.ctx.clock.now().timestamp() as u64);
    submit_with(
        &c,
        &[("#code", &code)],
        "form[action='/console/login/code']",
    )
    .await;
    wait_for_path(&c, "/console/cases").await;
    check(&c, &axe, "console-cases", &mut problems).await;
    c.goto(&app.url(&format!("/console/cases/{case}")))
        .await
        .expect("goto");
    check(&c, &axe, "console-case", &mut problems).await;
    c.goto(&app.url("/console/reviews")).await.expect("goto");
    check(&c, &axe, "console-reviews", &mut problems).await;
    c.goto(&app.url("/console/overview")).await.expect("goto");
    check(&c, &axe, "console-overview", &mut problems).await;
    // A webhook endpoint in the middle of a rotation: two secrets sign.
    let now = app.ctx.clock.now();
    innfri::service::webhook_settings::point_to(
        &app.ctx,
        &user,
        "https://cases.example.no/hook",
        now,
    )
    .await
    .expect("endpoint");
    innfri::service::webhook_settings::rotate(&app.ctx, &user, now)
        .await
        .expect("rotated");
    c.goto(&app.url("/console/agency")).await.expect("goto");
    check(&c, &axe, "console-agency", &mut problems).await;
    assert!(problems.is_empty(), "{problems:#?}");
}

/// As the issue checks it in Chromium: a creditor user logs in with TOTP, changes the mandate,
/// previews the debtor's pages from the unsaved form and saves; the settings page, the preview
/// and the journey editor pass axe-core and fit a phone.
#[tokio::test]
async fn the_creditor_settings_preview_and_journey_editor_pass_axe_core_and_fit_a_phone() {
    use innfri::domain::ids::CreditorId;
    use innfri::domain::staff::StaffScope;
    let axe = axe_source();
    let app = crate::common::TestApp::builder()
        .with_journey()
        .start()
        .await;
    let scope = StaffScope::Creditor {
        creditor: CreditorId::parse("nordlys-energi").expect("id"),
    };
    let (user, password) =
        innfri::service::staff::demo_user(&app.ctx, "kari@nordlys.no", scope, app.ctx.clock.now())
            .await
            .expect("user");
    let driver = start_driver().await;
    let profile = tempdir();
    let c = plain_browser(&driver, &profile).await;
    let mut problems = Vec::new();
    c.goto(&app.url("/console/login")).await.expect("goto");
    submit_with(
        &c,
        &[("#email", user.email.as_str()), ("#password", &password)],
        "form[action='/console/login']",
    )
    .await;
    let code = innfri::service::staff::totp(&user.totp_secret, &user.email)
        .expect("totp")
        .generate(app.ctx.clock.now().timestamp() as u64);
    submit_with(
        &c,
        &[("#code", &code)],
        "form[action='/console/login/code']",
    )
    .await;
    wait_for_path(&c, "/console/cases").await;
    let settings = "/console/creditors/nordlys-energi/settings";
    c.goto(&app.url(settings)).await.expect("goto");
    check(&c, &axe, "console-settings", &mut problems).await;
    c.execute(
        "document.querySelector('#plan-max_months').value = '8';\
         document.querySelector('#plan-auto_grant_months').value = '8';\
         document.querySelector('#preview-balance').value = '12500';",
        vec![],
    )
    .await
    .expect("type");
    click(&c, "button[formaction$='/settings/preview']").await;
    let html = c.source().await.expect("html");
    assert!(html.contains("A preview, not saved"), "{html}");
    assert!(
        html.contains("<option value=\"8\""),
        "the unsaved longest plan"
    );
    check(&c, &axe, "console-settings-preview", &mut problems).await;
    click(&c, "#preview-inputs ~ p button[type='submit']").await;
    wait_for_path(&c, settings).await;
    assert!(
        c.source()
            .await
            .expect("html")
            .contains("Saved as a new version.")
    );
    let saved = app
        .ctx
        .creditor(&CreditorId::parse("nordlys-energi").expect("id"))
        .await
        .expect("store")
        .expect("creditor");
    assert_eq!(saved.mandate.plan.max_months, 8);
    c.goto(&app.url("/console/creditors/nordlys-energi/journey"))
        .await
        .expect("goto");
    check(&c, &axe, "console-journey", &mut problems).await;
    click(&c, "button[value='add']").await;
    check(&c, &axe, "console-journey-added", &mut problems).await;
    c.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// #14's walk: a plan agreed on the pages, then its first instalment paid, the second late,
/// then missed, and the plan broken by the worker's follow-up, each state read on the page,
/// through axe-core and at phone widths.
#[tokio::test]
async fn a_plan_walked_through_paid_late_missed_and_broken_fits_a_phone_and_passes_axe_core() {
    use chrono::{Duration as Days, NaiveTime};
    let axe = axe_source();
    let clock = innfri::clock::SettableClock::at(crate::common::oslo_working_day_at(12));
    let app = crate::common::TestApp::builder()
        .clock(clock.clone())
        .start()
        .await;
    let driver = start_driver().await;
    let profile = tempdir();
    let c = plain_browser(&driver, &profile).await;
    let mut problems = Vec::new();
    let created = app.create_case("AX-PLAN", "6000.00").await;
    let case_id = CaseId::parse(created["id"].as_str().expect("id")).expect("case id");
    // A fresh link each time: the clock moves past the session's lifetime between looks.
    let look = || {
        let (app, c, case_id) = (&app, &c, &case_id);
        async move {
            let link = app.ctx.issue_case_link(case_id).await.expect("link");
            c.goto(&link).await.expect("open the link");
            wait_for_path(c, "/case").await;
            c.source().await.expect("page")
        }
    };
    look().await;
    c.goto(&app.url("/case/plan")).await.expect("goto");
    submit_with(&c, &[("#months", "4")], "form[action='/case/plan/preview']").await;
    click(&c, "form[action='/case/plan/confirm'] button").await;
    let plan = app.stored_case(&case_id).await.plan.expect("plan agreed");
    let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("noon");
    let at = |day: chrono::NaiveDate| day.and_time(noon).and_utc();

    // The first instalment paid, as the agency reports a payment.
    let first = &plan.instalments[0];
    clock.set(at(first.due_date - Days::days(1)));
    let body =
        serde_json::json!({"reference": "AX-PLAN-1", "amount": first.amount.to_plain_string()});
    let paid = app
        .post_json(
            &format!("/api/v1/cases/{case_id}/payments"),
            Some(crate::common::KEY_A),
            &body.to_string(),
        )
        .await;
    assert_eq!(paid.status().as_u16(), 201);
    let page = look().await;
    assert!(page.contains("instalment-paid"), "{page}");
    check(&c, &axe, "plan-instalment-paid", &mut problems).await;

    let second = &plan.instalments[1];
    clock.set(at(second.due_date + Days::days(2)));
    let page = look().await;
    assert!(page.contains("instalment-late"), "{page}");
    check(&c, &axe, "plan-instalment-late", &mut problems).await;

    clock.set(at(second.due_date + Days::days(10)));
    let page = look().await;
    assert!(page.contains("instalment-missed"), "{page}");
    check(&c, &axe, "plan-instalment-missed", &mut problems).await;

    // The worker's follow-up, day by day, until the mandate's missed instalments break it.
    let mut day = second.due_date;
    while app.stored_case(&case_id).await.broken_plans.is_empty() {
        assert!(
            day < plan.instalments[3].due_date + Days::days(40),
            "the plan never broke"
        );
        day += Days::days(1);
        clock.set(at(day));
        app.run_worker_at(at(day)).await;
    }
    let page = look().await;
    assert!(
        page.contains("plan-broken") && page.contains("Nedbetalingsavtalen er avsluttet"),
        "the page tells of the broken plan: {page}"
    );
    check(&c, &axe, "plan-broken", &mut problems).await;

    c.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// #16's "all cases at once": two cases of one debtor, each page listing the other, the pay-all
/// page, the plan-for-all form with an error, its preview and its outcome, all through
/// axe-core and at phone widths.
#[tokio::test]
async fn a_debtors_cases_together_fit_a_phone_and_pass_axe_core() {
    let axe = axe_source();
    let app = crate::common::TestApp::builder().start().await;
    let driver = start_driver().await;
    let profile = tempdir();
    let c = plain_browser(&driver, &profile).await;
    let mut problems = Vec::new();
    app.create_case("AX-ALL-1", "6000.00").await;
    open_case(&app, &c, "3000.00", "AX-ALL-2").await;
    wait_for_path(&c, "/case").await;
    let page = c.source().await.expect("page");
    assert!(page.contains("action=\"/case/switch\""), "{page}");
    check(&c, &axe, "case-with-others", &mut problems).await;
    and_wait(
        &c,
        "document.querySelector(\"form[action='/case/switch'] button\").click();",
    )
    .await;
    let page = c.source().await.expect("page");
    assert!(
        page.contains("class=\"amount\">6&nbsp;049,50")
            || page.contains("class=\"amount\">6\u{a0}049,50"),
        "the page leads with the other case: {page}"
    );
    check(&c, &axe, "case-switched", &mut problems).await;
    c.goto(&app.url("/case/all/pay")).await.expect("goto");
    check(&c, &axe, "pay-all", &mut problems).await;
    c.goto(&app.url("/case/all/plan")).await.expect("goto");
    check(&c, &axe, "plan-all-form", &mut problems).await;
    submit_with(
        &c,
        &[("#months", "0")],
        "form[action='/case/all/plan/preview']",
    )
    .await;
    assert!(c.source().await.expect("page").contains("aria-invalid"));
    check(&c, &axe, "plan-all-error", &mut problems).await;
    submit_with(
        &c,
        &[("#months", "8")],
        "form[action='/case/all/plan/preview']",
    )
    .await;
    check(&c, &axe, "plan-all-preview", &mut problems).await;
    and_wait(
        &c,
        "document.querySelector(\"form[action='/case/all/plan/confirm'] button\").click();",
    )
    .await;
    assert!(c.source().await.expect("page").contains("plan-parts"));
    check(&c, &axe, "plan-all-done", &mut problems).await;
    c.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
