//! The JSON logs of the real app, through the subscriber it installs: each line is one JSON
//! object whose keys are unique, with the event's text under `message`, so a collector loses
//! nothing. A scheduled and a sent SMS log their message's id beside that text.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use crate::common::{Backend, KEY_A, spawn_app};
use innfri::config::LogFormat;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use tracing_subscriber::EnvFilter;

/// Everything logged in this test binary, from every thread.
fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let subscriber =
            innfri::telemetry::subscriber(LogFormat::Json, EnvFilter::new("info"), move || {
                Capture(sink.clone())
            });
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        log
    })
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A JSON object's entries in the order written, repeated keys included (a `Map` would keep
/// only one of them).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Entries, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// Each captured line as its entries; fails on a line that is not one JSON object or repeats a key.
fn lines() -> Vec<Vec<(String, Value)>> {
    let bytes = captured().lock().expect("log").clone();
    String::from_utf8(bytes)
        .expect("UTF-8")
        .lines()
        .map(|line| {
            let Entries(entries) = serde_json::from_str(line).expect("a JSON object per line");
            let keys: HashSet<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys.len(), entries.len(), "a key repeats in {line}");
            entries
        })
        .collect()
}

fn get<'a>(entries: &'a [(String, Value)], key: &str) -> Option<&'a str> {
    entries
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_str())
}

#[tokio::test]
async fn every_json_line_has_its_text_once_and_the_message_id_beside_it() {
    captured();
    let app = spawn_app(Backend::Embedded).await;
    let case = app.create_case("L-1", "100.00").await;
    let scheduled = app
        .post_json(
            &format!(
                "/api/v1/cases/{}/messages",
                case["id"].as_str().expect("id")
            ),
            Some(KEY_A),
            r#"{"channel":"sms"}"#,
        )
        .await;
    assert_eq!(scheduled.status().as_u16(), 202);
    let message: Value = scheduled.json().await.expect("json");
    let id = message["id"].as_str().expect("id");
    let sent = app.run_worker_at_noon().await;
    assert_eq!(sent, 1);

    let lines = lines();
    for entries in &lines {
        assert!(
            get(entries, "message").is_some_and(|text| !text.is_empty()),
            "every line has its text: {entries:?}"
        );
    }
    for text in ["message scheduled", "sent"] {
        let line = lines
            .iter()
            .find(|e| get(e, "message") == Some(text) && get(e, "message_id") == Some(id));
        assert!(line.is_some(), "no '{text}' line for {id} in {lines:?}");
    }
}
