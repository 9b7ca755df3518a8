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
