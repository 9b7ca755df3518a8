//! A fake SMS provider for `bench/worker.sh`: speaks Twilio's wire format on loopback and counts.
//!
//! `POST /2010-04-01/Accounts/{sid}/Messages.json` (form-encoded `To`, `From`, `Body`, optional
//! `StatusCallback`; Basic auth with the account sid as user) answers `201` with
//! `{"sid":"SM<32 hex>","status":"queued",…}` like Twilio does. `GET /stats` returns what was
//! received: requests, distinct `To` numbers, duplicates (a `To` seen before), rejected requests,
//! and the times of the first and last accepted request (Unix seconds).
//!
//! Usage: `bench-fake-sms ADDR [AUTH_TOKEN] [WORKERS]`, e.g. `bench-fake-sms 127.0.0.1:9000`.
//! With `AUTH_TOKEN` (not empty) the Basic auth password must equal it. `WORKERS` (1) is the
//! number of actix-web worker threads. Stops on SIGINT or SIGTERM.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use serde::Deserialize;

/// The form fields Twilio's Messages resource takes (the ones innfri sends).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NewMessage {
    to: String,
    from: String,
    body: String,
    #[serde(default)]
    status_callback: Option<String>,
}

/// Counters shared by every worker thread.
struct Stats {
    /// Expected Basic auth password; `None` accepts any non-empty one.
    auth_token: Option<String>,
    /// Upper 64 bits of every message sid, so sids differ between runs.
    sid_salt: u64,
    requests: AtomicU64,
    accepted: AtomicU64,
    rejected: AtomicU64,
    duplicates: AtomicU64,
    with_status_callback: AtomicU64,
    body_bytes: AtomicU64,
    /// Microseconds since the Unix epoch; 0 until the first accepted request.
    first_us: AtomicU64,
    last_us: AtomicU64,
    seen: Mutex<HashSet<String>>,
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

fn seconds(us: u64) -> Option<f64> {
    (us > 0).then(|| us as f64 / 1e6)
}

/// Twilio's error body: `{"code": …, "message": …, "status": …}`.
fn error(status: actix_web::http::StatusCode, code: u32, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "code": code,
        "message": message,
        "status": status.as_u16(),
    }))
}

impl Stats {
    /// Whether the Basic auth header names `account_sid` (and the token, if one is expected).
    fn authorised(&self, request: &HttpRequest, account_sid: &str) -> bool {
        let Some(encoded) = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
        else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let Ok(decoded) = String::from_utf8(decoded) else {
            return false;
        };
        match decoded.split_once(':') {
            Some((user, password)) => {
                user == account_sid
                    && !password.is_empty()
                    && self.auth_token.as_deref().is_none_or(|t| t == password)
            }
            None => false,
        }
    }
}

async fn create_message(
    request: HttpRequest,
    account_sid: web::Path<String>,
    form: web::Bytes,
    stats: web::Data<Stats>,
) -> HttpResponse {
    stats.requests.fetch_add(1, Ordering::Relaxed);
    if !stats.authorised(&request, &account_sid) {
        stats.rejected.fetch_add(1, Ordering::Relaxed);
        return error(
            actix_web::http::StatusCode::UNAUTHORIZED,
            20003,
            "Authenticate",
        );
    }
    let message: NewMessage = match serde_urlencoded::from_bytes(&form) {
        Ok(m) => m,
        Err(e) => {
            stats.rejected.fetch_add(1, Ordering::Relaxed);
            return error(
                actix_web::http::StatusCode::BAD_REQUEST,
                21604,
                &format!("unreadable form: {e}"),
            );
        }
    };
    if message.to.is_empty() || message.from.is_empty() || message.body.is_empty() {
        stats.rejected.fetch_add(1, Ordering::Relaxed);
        return error(
            actix_web::http::StatusCode::BAD_REQUEST,
            21604,
            "A 'To', 'From' and 'Body' are required",
        );
    }
    let at = now_us();
    let _ = stats
        .first_us
        .compare_exchange(0, at, Ordering::Relaxed, Ordering::Relaxed);
    stats.last_us.fetch_max(at, Ordering::Relaxed);
    let number = stats.accepted.fetch_add(1, Ordering::Relaxed) + 1;
    stats
        .body_bytes
        .fetch_add(message.body.len() as u64, Ordering::Relaxed);
    if message.status_callback.is_some() {
        stats.with_status_callback.fetch_add(1, Ordering::Relaxed);
    }
    let first_time = match stats.seen.lock() {
        Ok(mut seen) => seen.insert(message.to.clone()),
        Err(poisoned) => poisoned.into_inner().insert(message.to.clone()),
    };
    if !first_time {
        stats.duplicates.fetch_add(1, Ordering::Relaxed);
    }
    let sid = format!("SM{:016x}{:016x}", stats.sid_salt, number);
    HttpResponse::Created().json(serde_json::json!({
        "sid": sid,
        "account_sid": account_sid.as_str(),
        "to": message.to,
        "from": message.from,
        "status": "queued",
        "num_segments": "1",
    }))
}

async fn report(stats: web::Data<Stats>) -> HttpResponse {
    let distinct = match stats.seen.lock() {
        Ok(seen) => seen.len(),
        Err(poisoned) => poisoned.into_inner().len(),
    };
    HttpResponse::Ok().json(serde_json::json!({
        "requests": stats.requests.load(Ordering::Relaxed),
        "accepted": stats.accepted.load(Ordering::Relaxed),
        "rejected": stats.rejected.load(Ordering::Relaxed),
        "distinct_to": distinct,
        "duplicates": stats.duplicates.load(Ordering::Relaxed),
        "with_status_callback": stats.with_status_callback.load(Ordering::Relaxed),
        "body_bytes": stats.body_bytes.load(Ordering::Relaxed),
        "first_request_unix": seconds(stats.first_us.load(Ordering::Relaxed)),
        "last_request_unix": seconds(stats.last_us.load(Ordering::Relaxed)),
        "now_unix": seconds(now_us()),
    }))
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9000".into());
    let auth_token = args.next().filter(|t| !t.is_empty());
    let workers: usize = args.next().unwrap_or_else(|| "1".into()).parse()?;
    anyhow::ensure!(workers > 0, "WORKERS must be at least 1");
    let stats = web::Data::new(Stats {
        auth_token,
        sid_salt: now_us(),
        requests: AtomicU64::new(0),
        accepted: AtomicU64::new(0),
        rejected: AtomicU64::new(0),
        duplicates: AtomicU64::new(0),
        with_status_callback: AtomicU64::new(0),
        body_bytes: AtomicU64::new(0),
        first_us: AtomicU64::new(0),
        last_us: AtomicU64::new(0),
        seen: Mutex::new(HashSet::new()),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(stats.clone())
            .app_data(web::PayloadConfig::new(64 * 1024))
            .route(
                "/2010-04-01/Accounts/{sid}/Messages.json",
                web::post().to(create_message),
            )
            .route("/stats", web::get().to(report))
    })
    .workers(workers)
    .backlog(4096)
    .shutdown_timeout(1)
    .bind(&addr)?;
    eprintln!("fake SMS provider (Twilio wire format) on http://{addr}, {workers} worker(s)");
    server.run().await?;
    Ok(())
}
