//! A real S3-compatible server for the document tests: moto's server (Python, from PyPI, in
//! the venv `scripts/test` makes), started once per test binary on a free loopback port and
//! stopped when the binary ends. Not found or not starting is a test failure, never a skip.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The moto server to run: `INNFRI_TEST_MOTO_SERVER`, else the venv `scripts/test` installs,
/// else `moto_server` on the PATH.
fn moto_server() -> String {
    if let Ok(path) = std::env::var("INNFRI_TEST_MOTO_SERVER") {
        return path;
    }
    let venv = std::env::var("HOME")
        .map(|home| format!("{home}/.cache/innfri/moto-venv/bin/moto_server"))
        .unwrap_or_default();
    if std::path::Path::new(&venv).exists() {
        venv
    } else {
        "moto_server".to_owned()
    }
}

/// The endpoint (`http://127.0.0.1:PORT`) of the S3 server for this test binary.
pub fn endpoint() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let server = moto_server();
        let pid = std::process::id();
        // The watchdog ends the server when this test binary is gone.
        let script = format!(
            "'{server}' -H 127.0.0.1 -p {port} & S=$!; \
             while kill -0 {pid} 2>/dev/null && kill -0 $S 2>/dev/null; do sleep 0.5; done; kill $S 2>/dev/null"
        );
        let mut watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh");
        std::thread::spawn(move || watchdog.wait());
        // Python starts slowly on a busy machine: up to a minute.
        for _ in 0..1200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return format!("http://127.0.0.1:{port}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the S3-compatible test server did not start ({server} on port {port}): run \
             scripts/test, which installs moto[server] into ~/.cache/innfri/moto-venv, or set \
             INNFRI_TEST_MOTO_SERVER to a moto_server binary"
        );
    })
}

/// A new, empty bucket on the test server; its name.
pub async fn bucket() -> String {
    let name = format!("innfri-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{}/{name}", endpoint()))
        .send()
        .await
        .expect("S3 server answers");
    assert!(
        created.status().is_success(),
        "bucket made: {}",
        created.status()
    );
    name
}

/// The `[documents.s3]` settings for `bucket` on the test server.
pub fn settings(bucket: &str) -> serde_json::Value {
    serde_json::json!({
        "endpoint": endpoint(),
        "bucket": bucket,
        "region": "us-east-1",
        "access_key_id": "test",
        "secret_access_key": "test",
        "allow_http": true,
    })
}

/// Every key in `bucket` under `prefix`, listed straight from the server (not through innfri).
pub async fn keys(bucket: &str, prefix: &str) -> Vec<String> {
    let xml = reqwest::Client::new()
        .get(format!(
            "{}/{bucket}?list-type=2&prefix={prefix}",
            endpoint()
        ))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("xml");
    xml.split("<Key>")
        .skip(1)
        .filter_map(|rest| rest.split("</Key>").next())
        .map(str::to_owned)
        .collect()
}
