//! Tenants as an operator manages them: `innfri agency create/key/keys/revoke` against Redis,
//! the keys working (and stopping) on the running API, and only hashes in the store.

use std::process::Output;

use crate::common::{self, Backend, KEY_A, KEY_B, TestApp, case_body, unique_namespace};
use innfri::config::api_key_hash;
use redis::AsyncCommands;
use serde_json::Value;

/// Runs `innfri agency …` on the Redis namespace `ns`.
fn agency_cli(ns: &str, backend: &str, args: &[&str]) -> Output {
    common::demo_cli("agency", ns)
        .args(args)
        .env("INNFRI__STORE__BACKEND", backend)
        .output()
        .expect("innfri agency")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value after `label:` on the line that starts with it.
fn printed(output: &Output, label: &str) -> String {
    stdout(output)
        .lines()
        .find_map(|line| line.strip_prefix(label))
        .and_then(|rest| rest.rsplit(": ").next())
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no '{label}' in {}", stdout(output)))
}

async fn status_with(app: &common::TestApp, key: &str, case_path: &str) -> u16 {
    app.get_api(case_path, key).await.status().as_u16()
}

#[tokio::test]
async fn an_agency_made_on_the_command_line_works_and_its_revoked_key_stops() {
    let ns = unique_namespace();
    let created = agency_cli(
        &ns,
        "redis",
        &["create", "Fjord Inkasso AS", "--creditor", "nordlys-energi"],
    );
    assert!(created.status.success(), "{created:?}");
    let first_key = printed(&created, "api key");
    let first_id = printed(&created, "key id");
    assert!(first_key.starts_with("ik_") && first_key.len() >= 30);
    assert!(stdout(&created).contains("fjord-inkasso-as"));

    let app = TestApp::builder()
        .store(Backend::Redis)
        .namespace(&ns)
        .start()
        .await;
    let response = app
        .post_json(
            "/api/v1/cases",
            Some(&first_key),
            &case_body("FJ-1", "900.00"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let case: Value = response.json().await.expect("json");
    let case_path = format!("/api/v1/cases/{}", case["id"].as_str().expect("id"));
    assert_eq!(status_with(&app, &first_key, &case_path).await, 200);
    // Agency A's key does not see the new agency's case, and the new key does not see A's.
    assert_eq!(status_with(&app, KEY_A, &case_path).await, 404);
    let a_case = app.create_case("A-1", "100.00").await;
    let a_path = format!("/api/v1/cases/{}", a_case["id"].as_str().expect("id"));
    assert_eq!(status_with(&app, &first_key, &a_path).await, 404);

    // A second key, by name; both are listed as active.
    let second = agency_cli(&ns, "redis", &["key", "Fjord Inkasso AS"]);
    assert!(second.status.success(), "{second:?}");
    let second_key = printed(&second, "api key");
    assert_ne!(second_key, first_key);
    assert_eq!(status_with(&app, &second_key, &case_path).await, 200);
    let listed = agency_cli(&ns, "redis", &["keys", "fjord-inkasso-as"]);
    assert!(listed.status.success());
    assert_eq!(
        stdout(&listed).matches("active").count(),
        2,
        "{}",
        stdout(&listed)
    );

    // Revoking the first key: 401 at once; the second keeps working.
    let revoked = agency_cli(&ns, "redis", &["revoke", "fjord-inkasso-as", &first_id]);
    assert!(revoked.status.success(), "{revoked:?}");
    let refused = app.get_api(&case_path, &first_key).await;
    assert_eq!(refused.status().as_u16(), 401);
    let error: Value = refused.json().await.expect("json");
    assert_eq!(error["error"], "invalid_api_key");
    assert_eq!(status_with(&app, &second_key, &case_path).await, 200);
    assert!(stdout(&agency_cli(&ns, "redis", &["keys", "fjord-inkasso-as"])).contains("revoked"));

    // Only hashes are kept: no stored key or value holds a key.
    let client = redis::Client::open(common::redis_url()).expect("redis");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("conn");
    let names: Vec<String> = conn.keys(format!("{ns}:apikey:*")).await.expect("keys");
    // The demo profile's key (the command seeds it), agencies A and B, and the two made here.
    assert_eq!(names.len(), 5);
    for name in names {
        let value: String = conn.get(&name).await.expect("get");
        for key in [&first_key, &second_key] {
            assert!(!name.contains(key.as_str()) && !value.contains(key.as_str()));
        }
    }
}

#[tokio::test]
async fn a_revoked_configured_key_stays_revoked_when_the_service_starts_again() {
    let ns = unique_namespace();
    let builder = || TestApp::builder().store(Backend::Redis).namespace(&ns);
    let app = builder().start().await;
    assert_eq!(status_with(&app, KEY_A, "/api/v1/cases").await, 200);
    let key_id = innfri::tenants::key_id(&api_key_hash(KEY_A));
    let revoked = agency_cli(&ns, "redis", &["revoke", "agency-a", &key_id]);
    assert!(revoked.status.success(), "{revoked:?}");
    assert_eq!(status_with(&app, KEY_A, "/api/v1/cases").await, 401);
    // A restart seeds the configuration again; the key is not brought back.
    let again = builder().start().await;
    assert_eq!(status_with(&again, KEY_A, "/api/v1/cases").await, 401);
}

/// Asserts the command failed and said `why` on stderr.
fn refused(output: &Output, why: &str) {
    assert!(!output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(why), "expected '{why}' in: {stderr}");
}

#[test]
fn agency_commands_refuse_what_they_cannot_do() {
    let ns = unique_namespace();
    let create = |backend: &str, name: &str, creditor: &str| {
        agency_cli(&ns, backend, &["create", name, "--creditor", creditor])
    };
    refused(
        &create("embedded", "Kortvarig AS", "nordlys-energi"),
        "needs the Redis store",
    );
    refused(
        &create("redis", "Fjell AS", "no-such"),
        "no creditor 'no-such'",
    );
    let made = create("redis", "Fjell AS", "nordlys-energi");
    assert!(made.status.success(), "{made:?}");
    refused(
        &create("redis", "Fjell AS", "nordlys-energi"),
        "exists already",
    );
    refused(
        &agency_cli(&ns, "redis", &["key", "nobody-here"]),
        "no agency 'nobody-here'",
    );
    refused(
        &agency_cli(&ns, "redis", &["revoke", "fjell-as", "00000000"]),
        "has no key '00000000'",
    );
}

fn agencies(a_keys: &[&str], b_keys: &[&str]) -> Value {
    let hashes = |keys: &[&str]| -> Vec<String> {
        keys.iter().map(|k| hex::encode(api_key_hash(k))).collect()
    };
    serde_json::json!([
        {"id": "agency-a", "name": "A Inkasso AS", "api_key_sha256": hashes(a_keys), "creditors": ["nordlys-energi"]},
        {"id": "agency-b", "name": "B Inkasso AS", "api_key_sha256": hashes(b_keys), "creditors": ["nordlys-energi"]}
    ])
}

#[tokio::test]
async fn a_key_taken_out_of_the_configuration_stops_working_and_a_moved_one_is_refused() {
    let ns = unique_namespace();
    let builder = |agencies: Value| {
        TestApp::builder()
            .store(Backend::Redis)
            .namespace(&ns)
            .agencies(agencies)
    };
    let app = builder(agencies(&[KEY_A], &[KEY_B])).start().await;
    assert_eq!(status_with(&app, KEY_A, "/api/v1/cases").await, 200);

    // Agency A's key is removed from the configuration: after a restart it is refused.
    let again = builder(agencies(&[], &[KEY_B])).start().await;
    assert_eq!(status_with(&again, KEY_A, "/api/v1/cases").await, 401);
    assert_eq!(status_with(&again, KEY_B, "/api/v1/cases").await, 200);

    // B's key configured for A instead: the service refuses to start rather than guess.
    let config = builder(agencies(&[KEY_B], &[])).config();
    let refused = innfri::app::AppContext::new(config).await;
    let error = refused.err().expect("refused").to_string();
    assert!(
        error.contains("configured for agency 'agency-a'"),
        "{error}"
    );
}
