//! The real binary as an operator runs it: it serves, answers health checks, and stops cleanly
//! on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = common::innfri_demo(common::CONFIG_DIR, "serve")
        .env("INNFRI__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("INNFRI__LOG__FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("innfri serve");
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
    assert!(up, "serve answered /healthz");
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
            "serve did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "clean exit, got {exit}");
    let logs: Vec<String> = BufReader::new(child.stderr.take().expect("stderr"))
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(
        logs.iter().any(|l| l.contains("shutdown signal received")),
        "{logs:?}"
    );
    assert!(
        logs.iter().all(|l| l.starts_with('{')),
        "JSON logs when configured: {logs:?}"
    );
}
