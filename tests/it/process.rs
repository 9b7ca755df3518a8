//! The real binary as an operator runs it: it serves, answers health checks, and stops cleanly
//! on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

/// Runs `innfri --profile demo <command>` on a free port with JSON logs, waits until it answers
/// `/healthz` with 200, stops it with SIGTERM, and returns its log lines once it has exited
/// cleanly within 10 s.
fn run_until_sigterm(command: &str, env: &[(&str, String)]) -> Vec<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut cli = common::innfri_demo(common::CONFIG_DIR, command);
    cli.env("INNFRI__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("INNFRI__LOG__FORMAT", "json");
    for (key, value) in env {
        cli.env(key, value);
    }
    let mut child = cli
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("innfri");
    let started = Instant::now();
    let mut up = false;
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .expect("write");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            up = answer.starts_with("HTTP/1.1 200");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "{command} answered /healthz");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "{command} did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "clean exit, got {exit}");
    BufReader::new(child.stderr.take().expect("stderr"))
        .lines()
        .map_while(Result::ok)
        .collect()
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let logs = run_until_sigterm("serve", &[]);
    assert!(
        logs.iter().any(|l| l.contains("shutdown signal received")),
        "{logs:?}"
    );
    assert!(
        logs.iter().all(|l| l.starts_with('{')),
        "JSON logs when configured: {logs:?}"
    );
}

/// `innfri all` is the single binary for a store file: web and worker in one process (a
/// second process could not open the file), without the demo's case.
#[test]
fn all_serves_and_sends_from_one_process_on_a_store_file() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("all-{}.redb", uuid::Uuid::new_v4().simple()));
    let logs = run_until_sigterm(
        "all",
        &[("INNFRI__STORE__PATH", path.display().to_string())],
    );
    let _ = std::fs::remove_file(&path);
    for line in [
        "serving, and sending in the same process",
        "worker started",
        "worker stopped",
    ] {
        assert!(logs.iter().any(|l| l.contains(line)), "{line}: {logs:?}");
    }
    assert!(
        !logs.iter().any(|l| l.contains("demo")),
        "no demo case: {logs:?}"
    );
}

/// With `log.otlp_traces_url` the service exports its spans over OTLP/HTTP as JSON: the health
/// check it answered arrives at the collector as a span named by its route, from the service
/// `innfri`, at the latest when it stops.
#[test]
fn traces_go_to_an_otlp_collector_when_one_is_configured() {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let collector = runtime.block_on(async {
        let collector = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/traces"))
            .and(header("content-type", "application/json"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&collector)
            .await;
        collector
    });
    let logs = run_until_sigterm(
        "serve",
        &[(
            "INNFRI__LOG__OTLP_TRACES_URL",
            format!("{}/v1/traces", collector.uri()),
        )],
    );
    let requests = runtime
        .block_on(collector.received_requests())
        .expect("recorded");
    let bodies: Vec<serde_json::Value> = requests
        .iter()
        .filter(|r| r.url.path() == "/v1/traces")
        .map(|r| serde_json::from_slice(&r.body).expect("an OTLP JSON body"))
        .collect();
    assert!(!bodies.is_empty(), "nothing exported; logs: {logs:?}");
    let text = serde_json::to_string(&bodies).expect("json");
    assert!(text.contains("\"http request\""), "{text}");
    assert!(text.contains("/healthz"), "the route: {text}");
    assert!(
        text.contains("\"service.name\"") && text.contains("\"innfri\""),
        "{text}"
    );
    let spans = &bodies[0]["resourceSpans"][0]["scopeSpans"][0]["spans"];
    assert!(spans.is_array(), "OTLP's shape: {text}");
}
