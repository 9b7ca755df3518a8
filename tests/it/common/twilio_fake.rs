//! A fake Twilio with a memory: it keeps every message it accepts and lists them back in Twilio's
//! documented shape (`GET /2010-04-01/Accounts/{sid}/Messages.json?To=…&PageSize=…`, newest
//! first, `next_page_uri` relative to the API origin), so the worker's lookup after a lost send
//! is tested against the wire format. Used through wiremock here and by the kill -9 test's own
//! server.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The account and auth token of the Twilio every test configures (`TestAppBuilder::with_twilio`).
pub const SID: &str = "AC00000000000000000000000000000001";
pub const TOKEN: &str = "twilio-test-auth-token";

/// The `twilio` settings for an app that sends through `server`.
pub fn settings(server: &MockServer) -> serde_json::Value {
    serde_json::json!({"account_sid": SID, "auth_token": TOKEN, "from": "Innfri", "api_base": server.uri()})
}

/// Where the worker posts its messages on the fake.
pub fn messages_path() -> String {
    format!("/2010-04-01/Accounts/{SID}/Messages.json")
}

/// Posts `params` to the app's Twilio callback at `path`, signed with [`TOKEN`] as Twilio
/// signs it; returns the status.
pub async fn callback(app: &super::TestApp, path: &str, params: &[(&str, &str)]) -> u16 {
    let url = app.url(path);
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let signature = innfri::messaging::providers::twilio::request_signature(TOKEN, &url, &params);
    app.http
        .post(&url)
        .header("X-Twilio-Signature", signature)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&params).expect("form"))
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

/// An SMS from `from` to `to` with `text`, as Twilio forwards a reply; returns the status.
pub async fn reply(
    app: &super::TestApp,
    message_sid: &str,
    from: &str,
    to: &str,
    text: &str,
) -> u16 {
    callback(
        app,
        "/callbacks/twilio/inbound",
        &[
            ("MessageSid", message_sid),
            ("AccountSid", SID),
            ("From", from),
            ("To", to),
            ("Body", text),
        ],
    )
    .await
}

/// Twilio caps `PageSize` at 1000 and defaults to 50.
const MAX_PAGE_SIZE: usize = 1000;
const DEFAULT_PAGE_SIZE: usize = 50;

/// One message as the fake keeps it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub sid: String,
    pub to: String,
    pub from: String,
    pub body: String,
    pub status_callback: Option<String>,
    pub created: DateTime<Utc>,
}

impl Sent {
    /// Our message id, from the `?m=` the worker puts on its StatusCallback URL.
    pub fn our_id(&self) -> Option<String> {
        self.status_callback
            .as_deref()
            .and_then(|url| url.split_once("?m=").map(|(_, id)| id.to_owned()))
    }
}

/// Every message accepted, in order; shared with the handlers.
#[derive(Clone, Default)]
pub struct Ledger {
    sent: Arc<Mutex<Vec<Sent>>>,
    /// Answer lookups with this many messages a page at most (tests of paging).
    page_limit: Arc<Mutex<Option<usize>>>,
    /// Answer lookups with 503 (an outage of the list endpoint only).
    lookups_down: Arc<Mutex<bool>>,
    lookups: Arc<Mutex<usize>>,
}

impl Ledger {
    /// Keeps a message as accepted now; returns its new sid.
    pub fn accept(
        &self,
        to: &str,
        from: &str,
        body: &str,
        status_callback: Option<&str>,
    ) -> String {
        let mut sent = self.sent.lock().expect("lock");
        let sid = format!("SM{:032x}", sent.len() + 1);
        sent.push(Sent {
            sid: sid.clone(),
            to: to.to_owned(),
            from: from.to_owned(),
            body: body.to_owned(),
            status_callback: status_callback.map(str::to_owned),
            created: Utc::now(),
        });
        sid
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().expect("lock").clone()
    }

    /// Our message ids of every accepted message, in arrival order.
    pub fn our_ids(&self) -> Vec<String> {
        self.sent().iter().filter_map(Sent::our_id).collect()
    }

    pub fn limit_pages_to(&self, size: usize) {
        *self.page_limit.lock().expect("lock") = Some(size);
    }

    pub fn lookups_down(&self, down: bool) {
        *self.lookups_down.lock().expect("lock") = down;
    }

    /// How many list requests were answered (or refused).
    pub fn lookups(&self) -> usize {
        *self.lookups.lock().expect("lock")
    }

    /// The answer to `GET …/Messages.json` with this query: status and JSON body.
    pub fn list(&self, account_sid: &str, query: &[(String, String)]) -> (u16, serde_json::Value) {
        *self.lookups.lock().expect("lock") += 1;
        if *self.lookups_down.lock().expect("lock") {
            return (
                503,
                serde_json::json!({"code": 20503, "message": "Service unavailable", "status": 503}),
            );
        }
        let param = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let mut size = param("PageSize")
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE);
        if let Some(limit) = *self.page_limit.lock().expect("lock") {
            size = size.min(limit);
        }
        let page = param("Page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(0);
        let to = param("To");
        let mut matching: Vec<Sent> = self
            .sent()
            .into_iter()
            .filter(|m| to.as_ref().is_none_or(|to| &m.to == to))
            .collect();
        matching.reverse();
        let start = page * size;
        let items: Vec<&Sent> = matching.iter().skip(start).take(size).collect();
        let base = format!("/2010-04-01/Accounts/{account_sid}/Messages.json");
        let uri = |page: usize, token: Option<&str>| {
            let mut pairs: Vec<(String, String)> = Vec::new();
            if let Some(to) = &to {
                pairs.push(("To".into(), to.clone()));
            }
            pairs.push(("PageSize".into(), size.to_string()));
            pairs.push(("Page".into(), page.to_string()));
            if let Some(token) = token {
                pairs.push(("PageToken".into(), token.to_owned()));
            }
            format!(
                "{base}?{}",
                serde_urlencoded::to_string(&pairs).expect("query")
            )
        };
        let more = start + items.len() < matching.len();
        let next = more.then(|| {
            let last = items.last().map(|m| format!("PA{}", m.sid));
            uri(page + 1, last.as_deref())
        });
        let messages: Vec<serde_json::Value> = items
            .iter()
            .map(|m| {
                let date = m.created.to_rfc2822();
                serde_json::json!({
                    "account_sid": account_sid,
                    "api_version": "2010-04-01",
                    "body": m.body,
                    "date_created": date,
                    "date_sent": date,
                    "date_updated": date,
                    "direction": "outbound-api",
                    "error_code": null,
                    "error_message": null,
                    "from": m.from,
                    "messaging_service_sid": null,
                    "num_media": "0",
                    "num_segments": "1",
                    "price": null,
                    "price_unit": "USD",
                    "sid": m.sid,
                    "status": "sent",
                    "subresource_uris": {"media": format!("/2010-04-01/Accounts/{account_sid}/Messages/{}/Media.json", m.sid)},
                    "to": m.to,
                    "uri": format!("/2010-04-01/Accounts/{account_sid}/Messages/{}.json", m.sid),
                })
            })
            .collect();
        let body = serde_json::json!({
            "first_page_uri": uri(0, None),
            "end": (start + items.len()).saturating_sub(1),
            "previous_page_uri": (page > 0).then(|| uri(page - 1, None)),
            "messages": messages,
            "uri": uri(page, None),
            "page_size": size,
            "start": start,
            "next_page_uri": next,
            "page": page,
        });
        (200, body)
    }
}

/// The fake for [`SID`] on a server of its own, answering each send after `delay`.
pub async fn start(delay: Duration) -> (MockServer, Ledger) {
    let server = MockServer::start().await;
    let ledger = Ledger::default();
    mount(&server, SID, &ledger, delay).await;
    (server, ledger)
}

/// Mounts the fake for account `account_sid` on `server`: POST creates a message (answered
/// after `delay`), GET lists them.
pub async fn mount(server: &MockServer, account_sid: &str, ledger: &Ledger, delay: Duration) {
    let messages = format!("/2010-04-01/Accounts/{account_sid}/Messages.json");
    let create = ledger.clone();
    Mock::given(method("POST"))
        .and(path(messages.as_str()))
        .respond_with(move |request: &Request| {
            let form: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&request.body).unwrap_or_default();
            let field = |name: &str| {
                form.iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            let (Some(to), Some(body)) = (field("To"), field("Body")) else {
                return ResponseTemplate::new(400).set_body_json(
                    serde_json::json!({"code": 21604, "message": "A 'To' phone number is required.", "status": 400}),
                );
            };
            let sid = create.accept(
                to,
                field("From").unwrap_or_default(),
                body,
                field("StatusCallback"),
            );
            ResponseTemplate::new(201)
                .set_delay(delay)
                .set_body_json(serde_json::json!({"sid": sid, "status": "queued"}))
        })
        .mount(server)
        .await;
    let list = ledger.clone();
    let sid = account_sid.to_owned();
    Mock::given(method("GET"))
        .and(path(messages.as_str()))
        .respond_with(move |request: &Request| {
            let query: Vec<(String, String)> = request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let (status, body) = list.list(&sid, &query);
            ResponseTemplate::new(status).set_body_json(body)
        })
        .mount(server)
        .await;
}
