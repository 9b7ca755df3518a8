//! Prometheus metrics: `/metrics` on the web port when `server.metrics` is on (and not when it
//! is off), on the worker's probe listener always; the counters carry route patterns and
//! closed label sets, never a token or an id. The recorder is one per test process, so each
//! check compares a scrape after the action with one before it.

use std::collections::BTreeMap;
use std::net::TcpListener;

use crate::common::{Backend, KEY_A, TestApp};
use innfri::http::health::{WorkerProbes, worker_server};

/// The value of the series `name` whose labels include all of `labels`, summed over the rest.
fn value(scrape: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, number) = line.rsplit_once(' ')?;
            let (series_name, found) = match series.split_once('{') {
                Some((n, rest)) => (n, parse_labels(rest.strip_suffix('}')?)),
                None => (series, BTreeMap::new()),
            };
            let matches = series_name == name
                && labels
                    .iter()
                    .all(|(k, v)| found.get(*k).map(String::as_str) == Some(*v));
            matches.then(|| number.parse::<f64>().ok()).flatten()
        })
        .sum()
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    text.split("\",")
        .filter_map(|pair| {
            let (k, v) = pair.split_once("=\"")?;
            Some((k.to_owned(), v.trim_end_matches('"').to_owned()))
        })
        .collect()
}

async fn scrape(http: &reqwest::Client, url: &str) -> String {
    let response = http.get(url).send().await.expect("scrape");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    response.text().await.expect("body")
}

#[tokio::test]
async fn the_web_role_counts_requests_by_route_and_link_opens_and_misses() {
    let app = TestApp::builder()
        .store(Backend::Embedded)
        .with("server.metrics", true)
        .start()
        .await;
    let metrics = app.url("/metrics");
    let case = app.new_case("METRICS-1").await;
    let link = app.ctx.issue_case_link(&case).await.expect("link");
    let token = link.rsplit('/').next().expect("token").to_owned();
    let before = scrape(&app.http, &metrics).await;

    assert!(app.open_link(&link).await.is_some(), "the link opens");
    let miss = app
        .http
        .get(app.url("/k/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        .send()
        .await
        .expect("miss");
    assert_eq!(miss.status().as_u16(), 404);
    let api = app.get_api(&format!("/api/v1/cases/{case}"), KEY_A).await;
    assert_eq!(api.status().as_u16(), 200);

    let after = scrape(&app.http, &metrics).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    assert!(grew("innfri_link_opens_total", &[]) >= 1.0, "{after}");
    assert!(
        grew("innfri_link_misses_total", &[("answer", "neutral")]) >= 1.0,
        "{after}"
    );
    let opened = [
        ("method", "GET"),
        ("route", "/k/{token}"),
        ("status", "303"),
    ];
    assert!(
        grew("innfri_http_requests_total", &opened) >= 1.0,
        "{after}"
    );
    let missed = [
        ("method", "GET"),
        ("route", "/k/{token}"),
        ("status", "404"),
    ];
    assert!(
        grew("innfri_http_requests_total", &missed) >= 1.0,
        "{after}"
    );
    let read = [
        ("method", "GET"),
        ("route", "/api/v1/cases/{id}"),
        ("status", "200"),
    ];
    assert!(grew("innfri_http_requests_total", &read) >= 1.0, "{after}");
    assert!(
        grew(
            "innfri_http_request_duration_seconds_count",
            &[("route", "/k/{token}")]
        ) >= 2.0,
        "{after}"
    );
    assert!(
        after.contains("innfri_http_request_duration_seconds_bucket{"),
        "latency is a histogram with buckets: {after}"
    );
    // Labels are patterns: neither the token nor the case id is ever one.
    assert!(!after.contains(&token), "a link token in the metrics");
    assert!(
        !after.contains(&case.to_string()),
        "a case id in the metrics"
    );
}

#[tokio::test]
async fn the_web_port_serves_no_metrics_unless_turned_on() {
    let app = TestApp::builder().store(Backend::Embedded).start().await;
    let response = app.http.get(app.url("/metrics")).send().await.expect("get");
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn the_worker_listener_counts_messages_by_provider_template_and_outcome() {
    let app = TestApp::builder().store(Backend::Embedded).start().await;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let metrics = format!("http://{}/metrics", listener.local_addr().expect("addr"));
    let worker = app.worker();
    let probes = WorkerProbes {
        store: app.ctx.store.clone(),
        heartbeat: worker.heartbeat(),
        stale_after: worker.stale_after(),
        metrics: app.ctx.metrics.clone(),
    };
    tokio::spawn(worker_server(probes, listener).expect("probe server"));
    let case = app.new_case("METRICS-2").await;
    let message = app.schedule(KEY_A, &case, "sms").await;
    let template = app.stored_message(&message).await.template.name();
    let sent = [
        ("provider", "console"),
        ("template", template),
        ("outcome", "sent"),
    ];
    let before = value(
        &scrape(&app.http, &metrics).await,
        "innfri_messages_total",
        &sent,
    );

    assert_eq!(app.run_worker_at_noon().await, 1);

    let after = scrape(&app.http, &metrics).await;
    assert!(
        value(&after, "innfri_messages_total", &sent) - before >= 1.0,
        "{after}"
    );
}

/// Both roles on Redis: the worker's listener shows the queue gauges it refreshes (messages by
/// state, the age of the oldest due one), and both show the store's command latency.
#[tokio::test]
async fn both_roles_show_the_queue_depth_and_the_store_latency() {
    let app = TestApp::builder()
        .store(Backend::Redis)
        .with("server.metrics", true)
        .start()
        .await;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let worker_metrics = format!("http://{}/metrics", listener.local_addr().expect("addr"));
    let worker = app.worker();
    let probes = WorkerProbes {
        store: app.ctx.store.clone(),
        heartbeat: worker.heartbeat(),
        stale_after: worker.stale_after(),
        metrics: app.ctx.metrics.clone(),
    };
    tokio::spawn(worker_server(probes, listener).expect("probe server"));
    let case = app.new_case("METRICS-Q").await;
    app.schedule(KEY_A, &case, "sms").await;
    // What the worker role does every few seconds (`refresh_queue_periodically`).
    innfri::app::metrics::refresh_queue(&app.ctx)
        .await
        .expect("refresh");

    let worker_scrape = scrape(&app.http, &worker_metrics).await;
    assert!(
        value(&worker_scrape, "innfri_queue_messages", &[("state", "due")]) >= 1.0,
        "{worker_scrape}"
    );
    assert!(
        worker_scrape.contains("innfri_queue_messages{state=\"scheduled\"}")
            && worker_scrape.contains("innfri_queue_messages{state=\"leased\"}")
            && worker_scrape.contains("innfri_queue_oldest_due_age_seconds "),
        "{worker_scrape}"
    );
    let web_scrape = scrape(&app.http, &app.url("/metrics")).await;
    for scrape in [&worker_scrape, &web_scrape] {
        assert!(
            value(
                scrape,
                "innfri_store_command_duration_seconds_count",
                &[("command", "EVALSHA")]
            ) >= 1.0,
            "{scrape}"
        );
        assert!(
            scrape.contains("innfri_store_command_duration_seconds_bucket{"),
            "a histogram with buckets: {scrape}"
        );
    }
}
