//! The minimal form of opening a link and of showing the case page, for `bench/links.sh` to
//! measure innfri against in the same run: actix-web, an HMAC check, one Redis read of the
//! data innfri itself stored, and for the page a maud page of the same size as innfri's.
//! Nothing else: no session written, no event, no offers, no languages, no security headers.
//!
//! Usage (the store configuration comes from the same profile and environment as the server):
//!
//! ```text
//! bench-reference serve ADDR PAGE_BYTES     # REFERENCE_KEY (hex, ≥ 32 bytes) in the environment
//! bench-reference cookies IN OUT            # rewrites bench-seed's cookies as `name=<case>.<tag>`
//! ```
//!
//! - `GET /k/{token}`: the token's own HMAC verified with innfri's link keys, then one `GET` of
//!   the link innfri stored under the token's digest; 303 to `/case` with a cookie naming the
//!   case and signed with `REFERENCE_KEY`.
//! - `GET /case`: the cookie's HMAC verified (constant time), then one `HGET` of the case's
//!   JSON as innfri stored it, parsed, and a page of `PAGE_BYTES` rendered with maud (the case's
//!   reference, KID and amount, then escaped paragraphs up to the size).

use std::cell::RefCell;
use std::io::{BufRead, Write};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use innfri::config::ConfigSource;
use innfri::links::{LinkKeys, TokenDigest};
use maud::{DOCTYPE, html};
use sha2::Sha256;

thread_local! {
    /// One connection per actix worker thread, as innfri keeps one per thread.
    static CONNECTION: RefCell<Option<redis::aio::MultiplexedConnection>> = const { RefCell::new(None) };
}

struct Reference {
    client: redis::Client,
    namespace: String,
    link_keys: LinkKeys,
    cookie_key: Vec<u8>,
    /// Paragraphs that fill the page up to innfri's size.
    filler: Vec<String>,
}

impl Reference {
    async fn connection(&self) -> Option<redis::aio::MultiplexedConnection> {
        if let Some(conn) = CONNECTION.with(|c| c.borrow().clone()) {
            return Some(conn);
        }
        let conn = self.client.get_multiplexed_async_connection().await.ok()?;
        CONNECTION.with(|c| *c.borrow_mut() = Some(conn.clone()));
        Some(conn)
    }

    /// The case a cookie value `<case>.<hex tag>` names, if its tag is right.
    fn verified_case<'a>(&self, value: &'a str) -> Option<&'a str> {
        let (case, tag) = value.rsplit_once('.')?;
        let tag = hex::decode(tag).ok()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.cookie_key).ok()?;
        mac.update(case.as_bytes());
        mac.verify_slice(&tag).ok()?;
        Some(case)
    }
}

#[derive(serde::Deserialize)]
struct StoredLink {
    case_id: String,
}

#[derive(serde::Deserialize)]
struct StoredCase {
    external_ref: String,
    kid: String,
    #[serde(default)]
    claim: Vec<serde_json::Value>,
}

async fn open_link(state: web::Data<Reference>, token: web::Path<String>) -> HttpResponse {
    let Ok(token) = state.link_keys.verify(&token) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(mut conn) = state.connection().await else {
        return HttpResponse::ServiceUnavailable().finish();
    };
    let key = format!(
        "{}:link:{}",
        state.namespace,
        TokenDigest::of(token.as_str()).to_hex()
    );
    let raw: Option<String> = redis::cmd("GET")
        .arg(key)
        .query_async(&mut conn)
        .await
        .unwrap_or(None);
    let Some(link) = raw.and_then(|r| serde_json::from_str::<StoredLink>(&r).ok()) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(tag) = tag(&state.cookie_key, &link.case_id) else {
        return HttpResponse::InternalServerError().finish();
    };
    HttpResponse::SeeOther()
        .insert_header(("Location", "/case"))
        .insert_header((
            "Set-Cookie",
            format!(
                "ref={}.{tag}; Path=/; HttpOnly; Secure; SameSite=Lax",
                link.case_id
            ),
        ))
        .finish()
}

async fn case_page(state: web::Data<Reference>, req: HttpRequest) -> HttpResponse {
    let Some(case_id) = req
        .headers()
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once('=').map(|(_, value)| value))
        .and_then(|value| state.verified_case(value))
    else {
        return HttpResponse::NotFound().finish();
    };
    let Some(mut conn) = state.connection().await else {
        return HttpResponse::ServiceUnavailable().finish();
    };
    let raw: Option<String> = redis::cmd("HGET")
        .arg(format!("{}:case:{{{case_id}}}", state.namespace))
        .arg("json")
        .query_async(&mut conn)
        .await
        .unwrap_or(None);
    let Some(case) = raw.and_then(|r| serde_json::from_str::<StoredCase>(&r).ok()) else {
        return HttpResponse::NotFound().finish();
    };
    let page = page(&case, &state.filler);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page)
}

fn page(case: &StoredCase, filler: &[String]) -> String {
    html! {
        (DOCTYPE)
        html lang="nb" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Saken din" }
            }
            body {
                main {
                    h1 { "Saken din" }
                    dl {
                        dt { "Referanse" } dd { (case.external_ref) }
                        dt { "KID" } dd { (case.kid) }
                        dt { "Krav" } dd { (case.claim.len()) }
                    }
                    @for paragraph in filler { p { (paragraph) } }
                }
            }
        }
    }
    .into_string()
}

/// Paragraphs of plain text making a page of about `bytes` with an empty case.
fn filler(bytes: usize) -> Vec<String> {
    let empty = StoredCase {
        external_ref: "2026/000-A".into(),
        kid: "0000000000".into(),
        claim: Vec::new(),
    };
    let base = page(&empty, &[]).len();
    let sentence = "Du kan betale hele beløpet, be om mer tid eller foreslå en avtale. ";
    let mut left = bytes.saturating_sub(base);
    let mut paragraphs = Vec::new();
    while left > "<p></p>".len() {
        let room = left - "<p></p>".len();
        let mut text = String::new();
        while text.len() + sentence.len() <= room.min(400) {
            text.push_str(sentence);
        }
        if text.is_empty() {
            text = "x".repeat(room.min(400));
        }
        left = left.saturating_sub(text.len() + "<p></p>".len());
        paragraphs.push(text);
    }
    paragraphs
}

/// The hex HMAC of a case id that the reference's cookie carries.
fn tag(key: &[u8], case: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(case.as_bytes());
    Some(hex::encode(mac.finalize().into_bytes()))
}

fn cookie_key() -> anyhow::Result<Vec<u8>> {
    let key = hex::decode(std::env::var("REFERENCE_KEY")?)?;
    anyhow::ensure!(
        key.len() >= 32,
        "REFERENCE_KEY must be at least 32 bytes (hex)"
    );
    Ok(key)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("cookies") => {
            let [_, input, output] = &args[..] else {
                anyhow::bail!("usage: bench-reference cookies IN OUT");
            };
            let key = cookie_key()?;
            let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
            for line in std::io::BufReader::new(std::fs::File::open(input)?).lines() {
                let line = line?;
                let value = line.split_once('=').map_or(line.as_str(), |(_, v)| v);
                let case = value.rsplit_once('.').map_or(value, |(case, _)| case);
                let tag = tag(&key, case).ok_or_else(|| anyhow::anyhow!("bad REFERENCE_KEY"))?;
                writeln!(out, "ref={case}.{tag}")?;
            }
            out.flush()?;
            Ok(())
        }
        Some("serve") => {
            let [_, addr, bytes] = &args[..] else {
                anyhow::bail!("usage: bench-reference serve ADDR PAGE_BYTES");
            };
            let profile = std::env::var("INNFRI_PROFILE").ok();
            let config = ConfigSource::new("config", profile.as_deref()).load()?;
            let settings = &config.settings.store;
            let state = web::Data::new(Reference {
                client: redis::Client::open(settings.redis_url.as_str())?,
                namespace: settings.namespace.clone(),
                link_keys: config.link_keys,
                cookie_key: cookie_key()?,
                filler: filler(bytes.parse()?),
            });
            let workers = match config.settings.server.workers {
                0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
                n => n,
            };
            actix_web::rt::System::new().block_on(async move {
                HttpServer::new(move || {
                    App::new()
                        .app_data(state.clone())
                        .route("/k/{token}", web::get().to(open_link))
                        .route("/case", web::get().to(case_page))
                })
                .workers(workers)
                .bind(addr.as_str())?
                .run()
                .await
            })?;
            Ok(())
        }
        _ => anyhow::bail!("usage: bench-reference serve ADDR PAGE_BYTES | cookies IN OUT"),
    }
}
