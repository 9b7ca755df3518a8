//! One conformance suite for every store backend (the embedded store in memory and in a file,
//! and Redis): the same calls must give the same answers. Then what only the file promises:
//! all of it again after a reopen and after a kill -9, erasure out of the file's bytes, one
//! process per file.

use std::future::Future;
use std::sync::Arc;

use crate::common;
use chrono::{DateTime, Duration, Utc};
use innfri::clock::{Clock, SettableClock};
use innfri::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use innfri::domain::contact::{EmailAddress, PhoneNumber};
use innfri::domain::creditor::Agency;
use innfri::domain::event::{DeliveryState, Event, EventKind};
use innfri::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef, MessageId};
use innfri::domain::kid::{Kid, KidAlgorithm};
use innfri::domain::link::{DebtorSession, LinkPurpose, ShortLink};
use innfri::domain::locale::Locale;
use innfri::domain::mandate::{DeferralRules, Mandate};
use innfri::domain::message::{
    ContactCap, Message, MessageStatus, ProviderRef, Recipient, Template,
};
use innfri::domain::money::{Currency, Money};
use innfri::domain::setting_history::{ChangedBy, Version};
use innfri::links::TokenDigest;
use innfri::store::{
    ApiKeyRecord, CaseInsert, EmbeddedStore, IdempotencyBegin, QueueDepth, RedisStore,
    SavedResponse, SessionRef, SharedStore, StoreError, lifetimes,
};

/// The backends under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// The embedded store in memory.
    Embedded,
    /// The embedded store in a file of its own (`store.path`).
    File,
    Redis,
    /// Redis Cluster, three masters (`common::cluster`).
    Cluster,
}

/// A path for a new store file, unique per call.
fn new_store_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("store-{}.redb", uuid::Uuid::new_v4().simple()))
}

/// A durable embedded store on a new file, unlinked once open (the open file stays usable), so
/// a test leaves nothing behind.
fn on_new_file() -> EmbeddedStore {
    let path = new_store_path();
    let store = EmbeddedStore::open(&path, None).expect("open the store file");
    std::fs::remove_file(&path).expect("unlink");
    store
}

async fn store(backend: Backend) -> SharedStore {
    match backend {
        Backend::File => Arc::new(on_new_file()),
        Backend::Embedded => common::store(common::Backend::Embedded).await,
        Backend::Redis => common::store(common::Backend::Redis).await,
        Backend::Cluster => common::store(common::Backend::Cluster).await,
    }
}

/// Each test once per backend, in a module named after it.
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $( #[tokio::test] async fn $name() { super::$name(super::Backend::Embedded).await } )*
        }
        mod file {
            $( #[tokio::test] async fn $name() { super::$name(super::Backend::File).await } )*
        }
        mod redis {
            $( #[tokio::test] async fn $name() { super::$name(super::Backend::Redis).await } )*
        }
        mod cluster {
            $( #[tokio::test] async fn $name() { super::$name(super::Backend::Cluster).await } )*
        }
    };
}

fn case(agency: &str, external_ref: &str) -> Case {
    let terms = CaseTerms {
        creditor_id: CreditorId::parse("nordlys-energi").expect("id"),
        debtor: Debtor {
            name: "Kari Nordmann".into(),
            phone: Some(PhoneNumber::parse("91234567").expect("phone")),
            email: None,
            locale: Locale::Nb,
        },
        claim: vec![ClaimLine {
            kind: ClaimKind::Principal,
            description: "Faktura".into(),
            amount: Money::parse("100.00", Currency::NOK).expect("money"),
        }],
        due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
    };
    Case::open(
        CaseId::generate(),
        AgencyId::parse(agency).expect("id"),
        ExternalRef::parse(external_ref).expect("ref"),
        terms,
        Kid::parse("12344", KidAlgorithm::Mod10).expect("kid"),
        Utc::now(),
    )
}

fn sms(case: &Case, at: chrono::DateTime<Utc>) -> Message {
    Message::schedule(
        case.id.clone(),
        case.agency_id.clone(),
        Recipient::Sms(PhoneNumber::parse("91234567").expect("phone")),
        Template::Reminder,
        at,
        Utc::now(),
    )
}

async fn a_case_is_stored_once_per_agency_and_reference(backend: Backend) {
    let store = store(backend).await;
    let first = case("a", "R1");
    assert_eq!(
        store.insert_case(&first).await.expect("insert"),
        CaseInsert::Created
    );
    let duplicate = case("a", "R1");
    assert_eq!(
        store.insert_case(&duplicate).await.expect("insert"),
        CaseInsert::Exists(first.id.clone())
    );
    assert!(store.case(&duplicate.id).await.expect("get").is_none());
    assert_eq!(
        store.insert_case(&case("b", "R1")).await.expect("insert"),
        CaseInsert::Created
    );
    let found = store
        .case_by_ref(&first.agency_id, &first.external_ref)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(found, first);
    assert_eq!(store.case(&first.id).await.expect("get"), Some(first));
}

async fn a_stale_update_is_refused(backend: Backend) {
    let store = store(backend).await;
    let original = case("a", "R2");
    store.insert_case(&original).await.expect("insert");
    let mut edited = original.clone();
    edited.debtor.name = "Kari N.".into();
    let saved = store.update_case(&edited).await.expect("update");
    assert_eq!(saved.version, original.version + 1);
    let mut stale = original.clone();
    stale.debtor.name = "Someone else".into();
    assert!(matches!(
        store.update_case(&stale).await,
        Err(StoreError::Conflict)
    ));
    let now = store.case(&original.id).await.expect("get").expect("case");
    assert_eq!(now.debtor.name, "Kari N.");
    assert_eq!(now.version, 1);
}

async fn kid_sequences_count_up_per_creditor(backend: Backend) {
    let store = store(backend).await;
    let a = CreditorId::parse("a").expect("id");
    let b = CreditorId::parse("b").expect("id");
    assert_eq!(store.next_kid_sequence(&a).await.expect("seq"), 1);
    assert_eq!(store.next_kid_sequence(&a).await.expect("seq"), 2);
    assert_eq!(store.next_kid_sequence(&b).await.expect("seq"), 1);
}

async fn links_resolve_by_digest_and_revoke_per_case(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R3");
    let now = Utc::now();
    let link = ShortLink {
        case_id: c.id.clone(),
        purpose: LinkPurpose::Case,
        created_at: now,
        expires_at: now + Duration::days(1),
        revoked: false,
        message_id: None,
    };
    let d1 = TokenDigest::of("token-one");
    let d2 = TokenDigest::of("token-two");
    store.save_link(&d1, &link).await.expect("save");
    store.save_link(&d2, &link).await.expect("save");
    assert_eq!(store.link(&d1).await.expect("get"), Some(link.clone()));
    assert_eq!(
        store.link(&TokenDigest::of("other")).await.expect("get"),
        None
    );
    assert_eq!(store.revoke_links(&c.id).await.expect("revoke"), 2);
    assert!(
        store
            .link(&d1)
            .await
            .expect("get")
            .is_some_and(|l| l.revoked)
    );
    assert_eq!(store.revoke_links(&c.id).await.expect("revoke"), 0);
}

/// The store's reference of a session cookie of `case` with `secret` (as a link opens one).
fn cookie(case: &CaseId, secret: &str) -> SessionRef {
    SessionRef::of_cookie(&SessionRef::cookie_value(case, secret))
}

/// A session's key as the store names it (a cookie that names its case: under its tag).
fn session_key(at: &SessionRef) -> String {
    match &at.case {
        Some(case) => format!("case:{{{case}}}:session:{}", at.digest.to_hex()),
        None => format!("session:{}", at.digest.to_hex()),
    }
}

async fn sessions_expire_after_idle_time(backend: Backend) {
    let timed = Timed::new(backend).await;
    let store = &timed.store;
    let now = timed.clock.now();
    let session = DebtorSession {
        case_id: CaseId::generate(),
        csrf_token: "csrf".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
        others: Vec::new(),
    };
    let digest = cookie(&session.case_id, "session");
    let key = session_key(&digest);
    let idle = std::time::Duration::from_secs(600);
    store
        .save_session(&digest, &session, idle)
        .await
        .expect("save");
    assert_eq!(
        store.session(&digest, idle).await.expect("get"),
        Some(session.clone())
    );
    match &timed.redis {
        Some(_) => {
            timed.has_ttl(&key, idle).await;
            // As if most of the idle time had gone: a read starts it again.
            timed.set_ttl(&key, 1_000).await;
            assert!(store.session(&digest, idle).await.expect("get").is_some());
            timed.has_ttl(&key, idle).await;
        }
        None => {
            let almost = Duration::seconds(599);
            timed.clock.advance(almost);
            assert!(
                store.session(&digest, idle).await.expect("get").is_some(),
                "a read within the idle time finds it and starts the idle time again"
            );
            timed.clock.advance(almost);
            assert!(store.session(&digest, idle).await.expect("get").is_some());
            timed.clock.advance(Duration::seconds(601));
            assert_eq!(store.session(&digest, idle).await.expect("get"), None);
        }
    }

    // Idle or not, a session ends at its end.
    let now = timed.clock.now();
    let ending = DebtorSession {
        created_at: now,
        expires_at: now + Duration::minutes(5),
        ..session
    };
    let digest = cookie(&ending.case_id, "ending");
    store
        .save_session(&digest, &ending, idle)
        .await
        .expect("save");
    match &timed.redis {
        // Before any read: a read starts the idle time again (the session's end still holds).
        Some(_) => {
            timed
                .has_ttl(&session_key(&digest), std::time::Duration::from_secs(300))
                .await
        }
        None => {
            timed.clock.advance(Duration::seconds(299));
            assert!(store.session(&digest, idle).await.expect("get").is_some());
            timed.clock.advance(Duration::seconds(2));
            assert_eq!(store.session(&digest, idle).await.expect("get"), None);
        }
    }
}

async fn a_session_comes_with_its_case_in_one_read(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R9");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();
    let idle = std::time::Duration::from_secs(60);
    let session = DebtorSession {
        case_id: c.id.clone(),
        csrf_token: "t".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
        others: Vec::new(),
    };
    store
        .save_session(&cookie(&c.id, "s1"), &session, idle)
        .await
        .expect("save");
    assert_eq!(
        store
            .session_with_case(&cookie(&c.id, "s1"), idle)
            .await
            .expect("read"),
        Some((session.clone(), c.clone()))
    );
    assert_eq!(
        store
            .session_with_case(&cookie(&c.id, "s2"), idle)
            .await
            .expect("read"),
        None
    );
    let orphan = DebtorSession {
        case_id: CaseId::generate(),
        ..session.clone()
    };
    store
        .save_session(&cookie(&orphan.case_id, "s3"), &orphan, idle)
        .await
        .expect("save");
    assert_eq!(
        store
            .session_with_case(&cookie(&orphan.case_id, "s3"), idle)
            .await
            .expect("read"),
        None,
        "no case, no page"
    );
    let expired = DebtorSession {
        expires_at: now - Duration::seconds(1),
        ..session
    };
    store
        .save_session(&cookie(&c.id, "s4"), &expired, idle)
        .await
        .expect("save");
    assert_eq!(
        store
            .session_with_case(&cookie(&c.id, "s4"), idle)
            .await
            .expect("read"),
        None
    );
    // A cookie naming another case than its session's finds nothing (its digest differs,
    // and the store would look under the other case's tag).
    let mut other = cookie(&c.id, "s1");
    other.case = Some(CaseId::generate());
    assert_eq!(
        store.session_with_case(&other, idle).await.expect("read"),
        None
    );
    let forged = SessionRef::of_cookie(&SessionRef::cookie_value(&CaseId::generate(), "s1"));
    assert_eq!(
        store.session_with_case(&forged, idle).await.expect("read"),
        None,
        "another case id in the cookie: no session"
    );
}

/// A session saved before cookies named their case (its reference has no case): still read,
/// with its case, until it expires — an upgrade logs nobody out.
async fn an_older_cookie_s_session_is_still_read(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R10");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();
    let idle = std::time::Duration::from_secs(60);
    let session = DebtorSession {
        case_id: c.id.clone(),
        csrf_token: "t".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
        others: Vec::new(),
    };
    let old = SessionRef::of_cookie("oldsecret0123456789abc");
    assert_eq!(old.case, None, "an older cookie names no case");
    store
        .save_session(&old, &session, idle)
        .await
        .expect("save");
    assert_eq!(
        store.session_with_case(&old, idle).await.expect("read"),
        Some((session.clone(), c.clone()))
    );
    assert_eq!(
        store.session(&old, idle).await.expect("read"),
        Some(session)
    );
    store.end_session(&old).await.expect("end");
    assert_eq!(
        store.session_with_case(&old, idle).await.expect("read"),
        None
    );
}

/// Redis: a page view reads the session and its case and writes nothing while the idle timer
/// has run down by less than a tenth of the idle time; past that, a read starts it again.
async fn a_page_view_writes_no_session_until_its_timer_is_due(backend: Backend) {
    let timed = Timed::new(backend).await;
    if timed.redis.is_none() {
        return;
    }
    let store = &timed.store;
    let c = case("a", "R11");
    store.insert_case(&c).await.expect("insert");
    let now = timed.clock.now();
    let idle = std::time::Duration::from_secs(600);
    let session = DebtorSession {
        case_id: c.id.clone(),
        csrf_token: "t".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
        others: Vec::new(),
    };
    let at = cookie(&c.id, "viewed");
    let key = session_key(&at);
    store.save_session(&at, &session, idle).await.expect("save");
    // 30 s of the 600 s gone: a view leaves the timer as it is.
    timed.set_ttl(&key, 570_000).await;
    assert!(
        store
            .session_with_case(&at, idle)
            .await
            .expect("read")
            .is_some()
    );
    timed
        .has_ttl(&key, std::time::Duration::from_secs(570))
        .await;
    // 90 s gone: the view starts the idle time again.
    timed.set_ttl(&key, 510_000).await;
    assert!(
        store
            .session_with_case(&at, idle)
            .await
            .expect("read")
            .is_some()
    );
    timed.has_ttl(&key, idle).await;
}

async fn the_queue_depth_counts_due_scheduled_and_leased_messages(backend: Backend) {
    let store = store(backend).await;
    let now = Utc::now();
    assert_eq!(
        store.queue_depth(now).await.expect("depth"),
        QueueDepth::default()
    );
    // Two cases: on Redis, most likely two queue shards, which the depth adds up.
    let (c, d) = (case("a", "Q1"), case("a", "Q2"));
    let oldest = sms(&c, now - Duration::seconds(30));
    let due = sms(&d, now - Duration::seconds(10));
    let later = sms(&d, now + Duration::hours(1));
    for m in [&oldest, &due, &later] {
        store.schedule_message(m).await.expect("schedule");
    }
    let depth = store.queue_depth(now).await.expect("depth");
    assert_eq!((depth.due, depth.scheduled, depth.leased), (2, 1, 0));
    assert_eq!(
        depth.oldest_due.map(|t| t.timestamp_millis()),
        Some(oldest.not_before.timestamp_millis())
    );
    let claimed = store
        .claim_due_messages(now, now + Duration::minutes(1), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2);
    let depth = store.queue_depth(now).await.expect("depth");
    assert_eq!((depth.due, depth.scheduled, depth.leased), (0, 1, 2));
    assert_eq!(depth.oldest_due, None);
    let depth = store
        .queue_depth(now + Duration::hours(2))
        .await
        .expect("depth");
    assert_eq!(
        (depth.due, depth.scheduled),
        (1, 0),
        "the later one is due then"
    );
}

async fn due_messages_are_claimed_once_and_in_time_order(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R4");
    let now = Utc::now();
    let later = sms(&c, now + Duration::hours(1));
    let second = sms(&c, now - Duration::seconds(5));
    let first = sms(&c, now - Duration::seconds(10));
    for m in [&later, &second, &first] {
        store.schedule_message(m).await.expect("schedule");
    }
    let lease = now + Duration::minutes(1);
    let claimed = store
        .claim_due_messages(now, lease, 1)
        .await
        .expect("claim");
    assert_eq!(
        claimed.iter().map(|m| &m.id).collect::<Vec<_>>(),
        vec![&first.id]
    );
    let claimed = store
        .claim_due_messages(now, lease, 10)
        .await
        .expect("claim");
    assert_eq!(
        claimed.iter().map(|m| &m.id).collect::<Vec<_>>(),
        vec![&second.id]
    );
    assert!(
        store
            .claim_due_messages(now, lease, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    assert_eq!(store.case_messages(&c.id).await.expect("list").len(), 3);
}

async fn a_lease_that_runs_out_makes_the_message_claimable_again(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R5");
    let now = Utc::now();
    let m = sms(&c, now);
    store.schedule_message(&m).await.expect("schedule");
    let claimed = store
        .claim_due_messages(now, now + Duration::seconds(30), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let mut sending = claimed[0].clone();
    sending.status = MessageStatus::Sending;
    sending.attempts = 1;
    store.save_leased_message(&sending).await.expect("save");
    assert!(
        store
            .claim_due_messages(now + Duration::seconds(29), now + Duration::seconds(60), 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let reclaimed = store
        .claim_due_messages(now + Duration::seconds(31), now + Duration::seconds(90), 10)
        .await
        .expect("claim");
    assert_eq!(reclaimed.len(), 1);
    assert_eq!(
        reclaimed[0].status,
        MessageStatus::Sending,
        "the recovered message shows its attempt was under way"
    );
}

async fn finished_and_rescheduled_messages_leave_or_rejoin_the_queue(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R6");
    let now = Utc::now();
    let (a, b) = (sms(&c, now), sms(&c, now));
    store.schedule_message(&a).await.expect("schedule");
    store.schedule_message(&b).await.expect("schedule");
    let claimed = store
        .claim_due_messages(now, now + Duration::seconds(30), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2);
    let mut sent = store.message(&a.id).await.expect("get").expect("message");
    sent.status = MessageStatus::Sent;
    store.save_leased_message(&sent).await.expect("save");
    let mut retry = store.message(&b.id).await.expect("get").expect("message");
    retry.status = MessageStatus::Scheduled;
    retry.not_before = now + Duration::seconds(60);
    store.save_leased_message(&retry).await.expect("save");
    // Long after every lease: only the rescheduled one comes back, once.
    let later = now + Duration::seconds(120);
    let again = store
        .claim_due_messages(later, later + Duration::seconds(30), 10)
        .await
        .expect("claim");
    assert_eq!(again.iter().map(|m| &m.id).collect::<Vec<_>>(), vec![&b.id]);
    assert_eq!(
        store.message(&a.id).await.expect("get").map(|m| m.status),
        Some(MessageStatus::Sent)
    );
}

async fn events_are_written_with_the_change_or_not_at_all(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R7");
    store.insert_case(&c).await.expect("insert");
    let event = |kind| {
        Event::new(
            c.agency_id.clone(),
            Some(c.id.clone()),
            kind,
            serde_json::json!({"n": 1}),
            Utc::now(),
        )
    };
    let mut changed = c.clone();
    changed.debtor.name = "Changed".into();
    let first = event(EventKind::DeferralGranted);
    let saved = store
        .update_case_with_events(&changed, std::slice::from_ref(&first))
        .await
        .expect("update");
    assert_eq!(saved.version, 1);
    // A stale write fails, and its event is not appended either.
    let stale = store
        .update_case_with_events(&changed, &[event(EventKind::PlanGranted)])
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)));
    let second = event(EventKind::MessageDelivered);
    let third = event(EventKind::CaseViewed);
    store
        .append_events(&[second.clone(), third.clone()])
        .await
        .expect("append");
    store
        .append_events(&[Event::new(
            AgencyId::parse("other").expect("id"),
            None,
            EventKind::CaseViewed,
            serde_json::json!({}),
            Utc::now(),
        )])
        .await
        .expect("append");

    let all = store
        .events_after(&c.agency_id, None, 10)
        .await
        .expect("events");
    assert_eq!(
        all.iter().map(|(_, e)| e.id.clone()).collect::<Vec<_>>(),
        vec![first.id, second.id.clone(), third.id.clone()]
    );
    let page = store
        .events_after(&c.agency_id, None, 1)
        .await
        .expect("events");
    let rest = store
        .events_after(&c.agency_id, Some(&page[0].0), 10)
        .await
        .expect("events");
    assert_eq!(
        rest.iter().map(|(_, e)| e.id.clone()).collect::<Vec<_>>(),
        vec![second.id, third.id]
    );
    let end = store
        .events_after(&c.agency_id, Some(&rest[1].0), 10)
        .await
        .expect("events");
    assert!(end.is_empty());
}

async fn an_idempotency_key_starts_once_then_replays_its_response(backend: Backend) {
    let store = store(backend).await;
    let begin = |scope: &'static str, fp: &'static str, claim: &'static str| {
        let store = store.clone();
        async move {
            store
                .idempotency_begin(scope, "key-1", fp, claim)
                .await
                .expect("begin")
        }
    };
    assert_eq!(
        begin("agency-a", "fp-1", "c1").await,
        IdempotencyBegin::Started
    );
    // While the first request runs, the same key is in flight; another body is a mismatch.
    assert_eq!(
        begin("agency-a", "fp-1", "c2").await,
        IdempotencyBegin::InFlight
    );
    assert_eq!(
        begin("agency-a", "fp-2", "c3").await,
        IdempotencyBegin::Mismatch
    );
    // Keys are per agency.
    assert_eq!(
        begin("agency-b", "fp-1", "c4").await,
        IdempotencyBegin::Started
    );
    let saved = SavedResponse {
        status: 201,
        content_type: "application/json".into(),
        body: r#"{"id":"c1"}"#.into(),
        headers: vec![("location".into(), "/api/v1/cases/c1".into())],
    };
    // Only the claim that holds the key may save it or let it go.
    store
        .idempotency_finish("agency-a", "key-1", "not-mine", &saved, None)
        .await
        .expect("finish");
    store
        .idempotency_abandon("agency-a", "key-1", "not-mine")
        .await
        .expect("abandon");
    assert_eq!(
        begin("agency-a", "fp-1", "c5").await,
        IdempotencyBegin::InFlight
    );
    store
        .idempotency_finish("agency-a", "key-1", "c1", &saved, None)
        .await
        .expect("finish");
    assert_eq!(
        begin("agency-a", "fp-1", "c6").await,
        IdempotencyBegin::Replay(saved.clone())
    );
    assert_eq!(
        begin("agency-a", "fp-2", "c7").await,
        IdempotencyBegin::Mismatch
    );
    // A saved answer is not let go by a late abandon of the same claim.
    store
        .idempotency_abandon("agency-a", "key-1", "c1")
        .await
        .expect("abandon");
    assert_eq!(
        begin("agency-a", "fp-1", "c8").await,
        IdempotencyBegin::Replay(saved)
    );
    // An abandoned key can be used afresh.
    store
        .idempotency_abandon("agency-b", "key-1", "c4")
        .await
        .expect("abandon");
    assert_eq!(
        begin("agency-b", "fp-9", "c9").await,
        IdempotencyBegin::Started
    );
}

async fn a_stale_copy_cannot_start_a_send_even_after_a_hold_gave_the_attempt_back(
    backend: Backend,
) {
    let store = store(backend).await;
    let c = case("a", "R9");
    let now = Utc::now();
    store
        .schedule_message(&sms(&c, now))
        .await
        .expect("schedule");
    let lease = now + Duration::seconds(30);
    let claimed = store
        .claim_due_messages(now, lease, 10)
        .await
        .expect("claim");
    let stale = claimed[0].clone();
    // Worker 1 starts, then holds the message (e.g. contact hours): the attempt is given back.
    let mut held = stale.clone();
    held.starts += 1;
    held.attempts += 1;
    held.status = MessageStatus::Sending;
    assert!(
        store
            .begin_send(&held, stale.starts, Some(lease))
            .await
            .expect("begin")
            .is_some()
    );
    held.attempts -= 1;
    held.status = MessageStatus::Scheduled;
    held.not_before = now + Duration::hours(10);
    store.save_leased_message(&held).await.expect("hold");
    // Worker 2 took the message over earlier and still holds the claimed copy: it must not send.
    let mut late = stale.clone();
    late.starts += 1;
    late.attempts += 1;
    late.status = MessageStatus::Sending;
    assert!(
        store
            .begin_send(&late, stale.starts, Some(lease))
            .await
            .expect("begin")
            .is_none(),
        "a copy from before the hold cannot start"
    );
    let stored = store
        .message(&stale.id)
        .await
        .expect("read")
        .expect("message");
    assert_eq!(stored.status, MessageStatus::Scheduled);
    assert_eq!(stored.attempts, 0);
}

/// Claims `message` and starts it as a worker would: one start more, status `sending`.
async fn start(
    store: &innfri::store::SharedStore,
    message: &Message,
) -> Option<innfri::store::SendStart> {
    let now = Utc::now();
    store.schedule_message(message).await.expect("schedule");
    let lease = now + Duration::seconds(30);
    let claimed = store
        .claim_due_messages(now, lease, 10)
        .await
        .expect("claim");
    let mut copy = claimed
        .into_iter()
        .find(|m| m.id == message.id)
        .expect("claimed");
    let expected = copy.starts;
    copy.starts += 1;
    copy.attempts += 1;
    copy.status = MessageStatus::Sending;
    store
        .begin_send(&copy, expected, Some(lease))
        .await
        .expect("begin")
}

async fn a_won_start_reads_the_case_and_the_opt_out_in_the_same_step(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R7");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();

    let first = start(&store, &sms(&c, now)).await.expect("won");
    assert_eq!(first.case.map(|k| k.id), Some(c.id.clone()));
    assert!(!first.opted_out);

    store.opt_out("+4791234567").await.expect("opt out");
    let stopped = start(&store, &sms(&c, now)).await.expect("won");
    assert!(stopped.opted_out, "the number answered STOP");

    let mut email = sms(&c, now);
    email.recipient = Recipient::Email(EmailAddress::parse("kari@example.no").expect("email"));
    let by_email = start(&store, &email).await.expect("won");
    assert!(!by_email.opted_out, "STOP stops SMS, not e-mail");

    let gone = case("a", "R6");
    let erased = start(&store, &sms(&gone, now)).await.expect("won");
    assert!(
        erased.case.is_none(),
        "a case that is not stored reads as none"
    );
}

async fn opt_outs_are_per_channel_case_blind_for_addresses_and_start_undoes_sms(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R8");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();
    let mut email = sms(&c, now);
    email.recipient = Recipient::Email(EmailAddress::parse("Kari@example.no").expect("email"));

    store
        .opt_out_email("KARI@Example.no")
        .await
        .expect("opt out");
    assert!(
        store
            .is_email_opted_out("kari@example.no")
            .await
            .expect("read")
    );
    assert!(start(&store, &email).await.expect("won").opted_out);
    assert!(
        !start(&store, &sms(&c, now)).await.expect("won").opted_out,
        "an e-mail unsubscribe leaves SMS alone"
    );

    store.opt_out("+4791234567").await.expect("opt out");
    assert!(start(&store, &sms(&c, now)).await.expect("won").opted_out);
    store.opt_in("+4791234567").await.expect("opt in");
    assert!(!store.is_opted_out("+4791234567").await.expect("read"));
    assert!(!start(&store, &sms(&c, now)).await.expect("won").opted_out);
    assert!(
        store
            .is_email_opted_out("kari@example.no")
            .await
            .expect("read"),
        "START is about SMS only"
    );
}

async fn a_final_message_cannot_be_started(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R5");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();
    for status in [
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Failed,
        MessageStatus::Cancelled,
    ] {
        let mut message = sms(&c, now);
        // A free text that looks like the fields the store's fence reads must not fool it.
        message.last_error = Some(r#""status":"scheduled","starts":0"#.into());
        store.schedule_message(&message).await.expect("schedule");
        message.status = status;
        store.save_leased_message(&message).await.expect("final");
        let mut copy = message.clone();
        copy.starts += 1;
        copy.status = MessageStatus::Sending;
        assert!(
            store
                .begin_send(&copy, message.starts, Some(now + Duration::seconds(30)))
                .await
                .expect("begin")
                .is_none(),
            "a {status:?} message stays as it is"
        );
        let stored = store
            .message(&message.id)
            .await
            .expect("read")
            .expect("message");
        assert_eq!(stored.status, status);
    }
    // A message cancelled in the queue is rewritten by the store itself (Redis re-encodes it in
    // Lua, its keys in any order): the fence still reads it as final.
    let mut queued = sms(&c, now);
    queued.last_error = Some(r#""status":"scheduled","starts":0"#.into());
    store.schedule_message(&queued).await.expect("schedule");
    assert!(
        store
            .cancel_queued_message(&queued.id)
            .await
            .expect("cancel")
            .is_some()
    );
    let mut copy = queued.clone();
    copy.starts += 1;
    copy.status = MessageStatus::Sending;
    assert!(
        store
            .begin_send(&copy, queued.starts, Some(now + Duration::seconds(30)))
            .await
            .expect("begin")
            .is_none(),
        "a cancelled message stays cancelled"
    );
}

async fn a_message_erased_during_its_send_is_not_written_back(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R4");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();
    let message = sms(&c, now);
    let won = start(&store, &message).await;
    assert!(won.is_some(), "the send started");
    // The agency erases the case while the provider is being called.
    assert_eq!(store.delete_case_messages(&c.id).await.expect("erase"), 1);

    let mut sent = message.clone();
    sent.starts = 1;
    sent.attempts = 1;
    sent.status = MessageStatus::Sent;
    sent.provider_id = Some("SM-erased".into());
    store
        .record_sent(&sent, Some(twilio_ref("SM-erased")), Some("+4791234567"))
        .await
        .expect("record");
    let mut retry = sent.clone();
    retry.status = MessageStatus::Scheduled;
    store.save_leased_message(&retry).await.expect("save");

    assert!(
        store.message(&message.id).await.expect("read").is_none(),
        "the erased message (with the debtor's number) stays gone"
    );
    assert!(
        store
            .message_by_provider_id(twilio_ref("SM-erased"))
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        store
            .last_sms_case("+4791234567")
            .await
            .expect("read")
            .is_none(),
        "the number is not tied to the erased case again"
    );
    let later = now + Duration::hours(1);
    assert!(
        store
            .claim_due_messages(later, later + Duration::seconds(30), 10)
            .await
            .expect("claim")
            .is_empty(),
        "nothing of it is queued again"
    );
}

fn twilio_ref(id: &str) -> ProviderRef<'_> {
    ProviderRef {
        provider: "twilio",
        id,
    }
}

/// A provider's id finds a message only in that provider's namespace: the same id from
/// another provider (or sent through another one) finds nothing.
async fn provider_ids_are_found_only_within_their_provider(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R5");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();
    let by_twilio = sms(&c, now);
    let by_console = sms(&c, now);
    for m in [&by_twilio, &by_console] {
        store.schedule_message(m).await.expect("schedule");
    }
    store
        .index_provider_id(twilio_ref("SM1"), &by_twilio.id)
        .await
        .expect("index");
    let mut sent = by_console.clone();
    sent.status = MessageStatus::Sent;
    sent.provider = Some("console".into());
    sent.provider_id = Some("console-1".into());
    let console_ref = sent.provider_ref().expect("ref");
    store
        .record_sent(&sent, Some(console_ref), None)
        .await
        .expect("record");

    let found = |provider: &'static str, id: &'static str| {
        let store = store.clone();
        async move {
            store
                .message_by_provider_id(ProviderRef { provider, id })
                .await
                .expect("read")
                .map(|m| m.id)
        }
    };
    assert_eq!(found("twilio", "SM1").await, Some(by_twilio.id.clone()));
    assert_eq!(
        found("console", "console-1").await,
        Some(by_console.id.clone())
    );
    assert_eq!(found("postmark", "SM1").await, None);
    assert_eq!(found("twilio", "console-1").await, None);
    assert_eq!(found("gatewayapi", "console-1").await, None);
}

async fn the_store_answers_a_ping(backend: Backend) {
    let store = store(backend).await;
    store.ping().await.expect("ping");
}

/// A case that ended (closed) at `at`, stored.
async fn settled(
    store: &innfri::store::SharedStore,
    external_ref: &str,
    at: chrono::DateTime<Utc>,
) -> Case {
    let mut c = case("a", external_ref);
    store.insert_case(&c).await.expect("insert");
    c.close("", at);
    store.update_case(&c).await.expect("update")
}

async fn settled_cases_are_found_by_when_collection_ended(backend: Backend) {
    let store = store(backend).await;
    let creditor = CreditorId::parse("nordlys-energi").expect("id");
    let now = Utc::now();
    let open = case("a", "open");
    store.insert_case(&open).await.expect("insert");
    let oldest = settled(&store, "old", now - Duration::days(100)).await;
    let older = settled(&store, "older", now - Duration::days(95)).await;
    let _recent = settled(&store, "recent", now - Duration::days(10)).await;
    let due = |before, max| {
        let store = store.clone();
        let creditor = creditor.clone();
        async move {
            store
                .cases_settled_before(&creditor, before, max)
                .await
                .expect("index")
        }
    };
    let cutoff = now - Duration::days(90);
    assert_eq!(
        due(cutoff, 10).await,
        vec![oldest.id.clone(), older.id.clone()],
        "oldest first, only those due"
    );
    assert_eq!(due(cutoff, 1).await, vec![oldest.id.clone()]);
    assert_eq!(
        due(oldest.settled_at.expect("settled"), 10).await,
        Vec::<CaseId>::new(),
        "strictly before"
    );
    assert_eq!(
        store.retention_creditors().await.expect("creditors"),
        vec![creditor.clone()]
    );
    // Erased: nothing is left to erase, so it leaves the index with the write.
    let mut gone = oldest.clone();
    gone.erase(now);
    store.update_case(&gone).await.expect("update");
    assert_eq!(due(cutoff, 10).await, vec![older.id.clone()]);
    store
        .unindex_settled(&creditor, &older.id)
        .await
        .expect("unindex");
    assert!(due(cutoff, 10).await.is_empty());
}

async fn a_case_s_events_are_redacted_in_place(backend: Backend) {
    let store = store(backend).await;
    let mut c = case("a", "R1");
    let other = case("a", "R2");
    store.insert_case(&c).await.expect("insert");
    let declined = Event::new(
        c.agency_id.clone(),
        Some(c.id.clone()),
        EventKind::RequestDeclined,
        serde_json::json!({"case_id": c.id, "reason": "Kari Nordmann, ring oss"}),
        Utc::now(),
    );
    let others = Event::new(
        c.agency_id.clone(),
        Some(other.id.clone()),
        EventKind::RequestDeclined,
        serde_json::json!({"case_id": other.id, "reason": "Ola Nordmann"}),
        Utc::now(),
    );
    c.updated_at = Utc::now();
    store
        .update_case_with_events(&c, std::slice::from_ref(&declined))
        .await
        .expect("write");
    store
        .append_events(std::slice::from_ref(&others))
        .await
        .expect("append");
    let before = store
        .events_after(&c.agency_id, None, 10)
        .await
        .expect("events");

    assert_eq!(
        store
            .redact_case_events(&c.agency_id, &c.id)
            .await
            .expect("redact"),
        1
    );
    assert_eq!(
        store
            .redact_case_events(&c.agency_id, &c.id)
            .await
            .expect("redact"),
        0,
        "a second time changes nothing"
    );
    let after = store
        .events_after(&c.agency_id, None, 10)
        .await
        .expect("events");
    assert_eq!(after.len(), 2);
    assert_eq!(after[0].0, before[0].0, "same cursor");
    assert_eq!(after[0].1.id, declined.id, "same event id");
    assert_eq!(
        after[0].1.data,
        serde_json::json!({"case_id": c.id, "redacted": true})
    );
    assert_eq!(after[1], before[1], "another case's event is untouched");
}

async fn trimmed_events_go_and_cursors_keep_working(backend: Backend) {
    let store = store(backend).await;
    let agency = AgencyId::parse("a").expect("id");
    let event = || {
        Event::new(
            agency.clone(),
            None,
            EventKind::CaseViewed,
            serde_json::json!({}),
            Utc::now(),
        )
    };
    store
        .append_events(&[event(), event(), event()])
        .await
        .expect("append");
    let all = store.events_after(&agency, None, 10).await.expect("events");
    let far = Utc::now() + Duration::days(1);
    assert_eq!(
        store
            .trim_events(&agency, Utc::now() - Duration::days(1), 10)
            .await
            .expect("trim"),
        0
    );
    assert_eq!(
        store.trim_events(&agency, far, 2).await.expect("trim"),
        2,
        "at most max"
    );
    let left = store.events_after(&agency, None, 10).await.expect("events");
    assert_eq!(
        left,
        all[2..].to_vec(),
        "the oldest went, the rest kept their cursors"
    );
    let from_trimmed = store
        .events_after(&agency, Some(&all[0].0), 10)
        .await
        .expect("a cursor into the trimmed part still reads on");
    assert_eq!(from_trimmed, all[2..].to_vec());
    assert_eq!(store.trim_events(&agency, far, 10).await.expect("trim"), 1);
    assert!(
        store
            .events_after(&agency, None, 10)
            .await
            .expect("events")
            .is_empty()
    );
}

async fn answers_about_an_erased_case_are_forgotten_and_no_longer_saved(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "R1");
    store.insert_case(&c).await.expect("insert");
    let saved = SavedResponse {
        status: 200,
        content_type: "application/json".into(),
        body: r#"{"debtor":"Kari Nordmann"}"#.into(),
        headers: Vec::new(),
    };
    let begin = |key: &'static str, claim: &'static str| {
        let store = store.clone();
        async move {
            store
                .idempotency_begin("a", key, "fp", claim)
                .await
                .expect("begin")
        }
    };
    assert_eq!(begin("k1", "c1").await, IdempotencyBegin::Started);
    store
        .idempotency_finish("a", "k1", "c1", &saved, Some(&c.id))
        .await
        .expect("finish");
    assert_eq!(begin("k2", "c2").await, IdempotencyBegin::Started);
    store
        .idempotency_finish("a", "k2", "c2", &saved, None)
        .await
        .expect("finish");
    assert_eq!(begin("k3", "c3").await, IdempotencyBegin::Started);
    assert_eq!(
        begin("k1", "c4").await,
        IdempotencyBegin::Replay(saved.clone())
    );

    assert_eq!(store.forget_case_answers(&c.id).await.expect("forget"), 1);
    assert_eq!(
        begin("k1", "c5").await,
        IdempotencyBegin::Started,
        "the key is free again"
    );
    assert_eq!(
        begin("k2", "c6").await,
        IdempotencyBegin::Replay(saved.clone()),
        "an answer about no case stays"
    );
    // A request that was running during the erasure finishes after it: its answer is not kept.
    store
        .idempotency_finish("a", "k3", "c3", &saved, Some(&c.id))
        .await
        .expect("finish");
    assert_eq!(begin("k3", "c7").await, IdempotencyBegin::Started);
}

async fn an_ended_session_is_gone(backend: Backend) {
    let store = store(backend).await;
    let now = Utc::now();
    let case_id = CaseId::generate();
    let digest = cookie(&case_id, "session-token");
    let session = DebtorSession {
        case_id,
        csrf_token: "csrf".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
        others: Vec::new(),
    };
    let idle = std::time::Duration::from_secs(600);
    store
        .save_session(&digest, &session, idle)
        .await
        .expect("save");
    assert!(store.session(&digest, idle).await.expect("get").is_some());
    store.end_session(&digest).await.expect("end");
    assert_eq!(store.session(&digest, idle).await.expect("get"), None);
}

/// A store whose lifetimes a test checks without waiting for them: the embedded store reads a
/// clock the test moves; on Redis the test reads the time to live the store gave each key.
struct Timed {
    store: SharedStore,
    clock: SettableClock,
    /// Redis only: a connection of the test's own and the store's namespace.
    redis: Option<(common::cluster::RawRedis, String)>,
}

impl Timed {
    async fn new(backend: Backend) -> Timed {
        // Whole seconds: Redis keeps milliseconds.
        let clock =
            SettableClock::at(DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now"));
        match backend {
            Backend::Embedded => Timed {
                store: Arc::new(EmbeddedStore::new().with_clock(Arc::new(clock.clone()))),
                clock,
                redis: None,
            },
            Backend::File => Timed {
                store: Arc::new(on_new_file().with_clock(Arc::new(clock.clone()))),
                clock,
                redis: None,
            },
            Backend::Redis | Backend::Cluster => {
                let namespace = common::unique_namespace();
                let cluster = backend == Backend::Cluster;
                let store = if cluster {
                    common::cluster_store(&namespace).await
                } else {
                    RedisStore::connect(common::redis_url(), &namespace, common::pseudonyms())
                        .await
                        .expect("redis")
                };
                let conn = common::cluster::RawRedis::open(cluster).await;
                Timed {
                    store: Arc::new(store.with_clock(Arc::new(clock.clone()))),
                    clock,
                    redis: Some((conn, namespace)),
                }
            }
        }
    }

    /// What `present` finds lives `lifetime` from now: on Redis its key (`key`, without the
    /// namespace) has that time to live; the embedded store finds it until just before that
    /// time and not after.
    async fn lives<F, Fut>(&self, key: &str, lifetime: std::time::Duration, present: F)
    where
        F: Fn() -> Fut,
        Fut: Future<Output = bool>,
    {
        assert!(present().await, "{key}: there at first");
        match &self.redis {
            Some(_) => self.has_ttl(key, lifetime).await,
            None => {
                let second = Duration::seconds(1);
                self.clock.advance(lifetimes::span(lifetime) - second);
                assert!(
                    present().await,
                    "{key}: still there just before {lifetime:?}"
                );
                self.clock.advance(second * 2);
                assert!(!present().await, "{key}: gone after {lifetime:?}");
            }
        }
    }

    /// Redis only: `key` was just given a time to live of `lifetime` (give or take the test's
    /// own few seconds).
    async fn has_ttl(&self, key: &str, lifetime: std::time::Duration) {
        let left: i64 = self
            .redis_cmd(::redis::cmd("PTTL").arg(self.full(key)))
            .await;
        let expected = i64::try_from(lifetime.as_millis()).expect("ms");
        assert!(
            left <= expected && left > expected - 10_000,
            "{key}: a time to live of {left} ms, not {expected}"
        );
    }

    async fn set_ttl(&self, key: &str, ms: i64) {
        let _: i64 = self
            .redis_cmd(::redis::cmd("PEXPIRE").arg(self.full(key)).arg(ms))
            .await;
    }

    fn full(&self, key: &str) -> String {
        let (_, namespace) = self.redis.as_ref().expect("redis");
        format!("{namespace}:{key}")
    }

    async fn redis_cmd<T: ::redis::FromRedisValue>(&self, cmd: &mut ::redis::Cmd) -> T {
        let (conn, _) = self.redis.as_ref().expect("redis");
        conn.query(cmd).await
    }
}

/// Everything either backend keeps only for a while goes after the same time on both (the
/// lifetimes in `store::lifetimes`): links, idempotency claims and answers, reply routes,
/// provider ids and frequency-cap windows. Sessions: `sessions_expire_after_idle_time`.
async fn what_expires_goes_after_the_same_time_on_both(backend: Backend) {
    let timed = Timed::new(backend).await;
    let store = &timed.store;
    let day = std::time::Duration::from_secs(24 * 3600);

    let now = timed.clock.now();
    let link = ShortLink {
        case_id: CaseId::generate(),
        purpose: LinkPurpose::Case,
        created_at: now,
        expires_at: now + Duration::days(14),
        revoked: false,
        message_id: None,
    };
    let digest = &TokenDigest::of("a link");
    store.save_link(digest, &link).await.expect("save");
    timed
        .lives(
            &format!("link:{}", digest.to_hex()),
            day * 14,
            || async move { store.link(digest).await.expect("read").is_some() },
        )
        .await;

    let idem = |key: &str| {
        format!(
            "idem:a:{}",
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(key.as_bytes()))
        )
    };
    assert_eq!(
        store
            .idempotency_begin("a", "never-finished", "fp", "c1")
            .await
            .expect("begin"),
        IdempotencyBegin::Started
    );
    timed
        .lives(
            &idem("never-finished"),
            lifetimes::IDEMPOTENCY_CLAIM,
            || async move {
                store
                    .idempotency_begin("a", "never-finished", "fp", "c2")
                    .await
                    .expect("begin")
                    == IdempotencyBegin::InFlight
            },
        )
        .await;
    let saved = SavedResponse {
        status: 200,
        content_type: "application/json".into(),
        body: "{}".into(),
        headers: Vec::new(),
    };
    store
        .idempotency_begin("a", "finished", "fp", "c1")
        .await
        .expect("begin");
    store
        .idempotency_finish("a", "finished", "c1", &saved, None)
        .await
        .expect("finish");
    let saved = &saved;
    timed
        .lives(
            &idem("finished"),
            lifetimes::IDEMPOTENCY_ANSWER,
            || async move {
                store
                    .idempotency_begin("a", "finished", "fp", "c2")
                    .await
                    .expect("begin")
                    == IdempotencyBegin::Replay(saved.clone())
            },
        )
        .await;

    let phone = "+4791234567";
    let reply_key = format!("reply:{}", common::pseudonyms().of(phone));
    store
        .remember_sms_case(phone, &CaseId::generate())
        .await
        .expect("remember");
    timed
        .lives(&reply_key, lifetimes::REPLY_ROUTE, || async move {
            store.last_sms_case(phone).await.expect("read").is_some()
        })
        .await;
    // Remembered with a sent SMS, the route lives as long.
    let c = case("a", "E1");
    let message = sms(&c, timed.clock.now());
    store.schedule_message(&message).await.expect("schedule");
    let mut sent = message.clone();
    sent.status = MessageStatus::Sent;
    store
        .record_sent(&sent, Some(twilio_ref("SM-sent")), Some(phone))
        .await
        .expect("record");
    timed
        .lives(&reply_key, lifetimes::REPLY_ROUTE, || async move {
            store.last_sms_case(phone).await.expect("read").is_some()
        })
        .await;

    store
        .index_provider_id(twilio_ref("SM-indexed"), &message.id)
        .await
        .expect("index");
    timed
        .lives(
            "provider:twilio:SM-indexed",
            lifetimes::PROVIDER_ID,
            || async move {
                store
                    .message_by_provider_id(twilio_ref("SM-indexed"))
                    .await
                    .expect("read")
                    .is_some()
            },
        )
        .await;
    store
        .record_sent(&sent, Some(twilio_ref("SM-sent-2")), None)
        .await
        .expect("record");
    timed
        .lives(
            "provider:twilio:SM-sent-2",
            lifetimes::PROVIDER_ID,
            || async move {
                store
                    .message_by_provider_id(twilio_ref("SM-sent-2"))
                    .await
                    .expect("read")
                    .is_some()
            },
        )
        .await;

    // A frequency-cap window: one a week, so a second is refused until the first has left it.
    let cap = &ContactCap {
        max: 1,
        window: Duration::days(7),
        cooldown: Duration::zero(),
    };
    let agency = &AgencyId::parse("a").expect("id");
    let clock = &timed.clock;
    assert_eq!(
        store
            .claim_contact_slot(agency, phone, &MessageId::generate(), clock.now(), cap)
            .await
            .expect("claim"),
        None
    );
    let second = &MessageId::generate();
    timed
        .lives(
            &format!("cap:a:{}", common::pseudonyms().of(phone)),
            day * 7,
            || async move {
                store
                    .claim_contact_slot(agency, phone, second, clock.now(), cap)
                    .await
                    .expect("claim")
                    .is_some()
            },
        )
        .await;
}

async fn an_agency_s_cases_are_listed_in_the_order_they_came(backend: Backend) {
    let store = store(backend).await;
    let (first, second, third) = (case("a", "L1"), case("a", "L2"), case("a", "L3"));
    let theirs = case("b", "L1");
    for c in [&first, &theirs, &second, &third] {
        store.insert_case(c).await.expect("insert");
    }
    let listed = |agency: &'static str, start, count| {
        let store = store.clone();
        async move {
            store
                .agency_cases(&AgencyId::parse(agency).expect("id"), start, count)
                .await
                .expect("list")
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed("a", 0, 10).await,
        vec![first.id.clone(), second.id.clone(), third.id.clone()]
    );
    assert_eq!(listed("a", 1, 1).await, vec![second.id.clone()]);
    assert_eq!(listed("a", 3, 10).await, Vec::<CaseId>::new());
    assert_eq!(listed("a", 0, 0).await, Vec::<CaseId>::new());
    assert_eq!(listed("b", 0, 10).await, vec![theirs.id.clone()]);
    assert_eq!(listed("c", 0, 10).await, Vec::<CaseId>::new());
    // The list holds ids: it reads each case as it is now.
    let mut edited = second.clone();
    edited.debtor.name = "Kari N.".into();
    let saved = store.update_case(&edited).await.expect("update");
    let page = store
        .agency_cases(&second.agency_id, 1, 1)
        .await
        .expect("list");
    assert_eq!(page, vec![saved]);
}

async fn a_payment_reference_is_applied_once_with_its_events(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "P1");
    store.insert_case(&c).await.expect("insert");
    let now = Utc::now();
    let event = |kind| {
        Event::new(
            c.agency_id.clone(),
            Some(c.id.clone()),
            kind,
            serde_json::json!({"case_id": c.id}),
            now,
        )
    };
    let mut paid = c.clone();
    paid.close("paid", now);
    let received = event(EventKind::CasePaid);
    assert!(
        store
            .apply_payment(&paid, "bank-1", std::slice::from_ref(&received))
            .await
            .expect("apply")
    );
    let stored = store.case(&c.id).await.expect("read").expect("case");
    assert_eq!(stored.version, c.version + 1);
    assert_eq!(stored.status, paid.status);
    let events = |store: SharedStore| async move {
        store
            .events_after(&AgencyId::parse("a").expect("id"), None, 10)
            .await
            .expect("events")
            .into_iter()
            .map(|(_, e)| e.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(events(store.clone()).await, vec![received.id.clone()]);
    assert_eq!(
        store
            .cases_settled_before(&c.creditor_id, now + Duration::days(1), 10)
            .await
            .expect("index"),
        vec![c.id.clone()],
        "the payment's write keeps the retention index like any case write"
    );

    // The same reference again: nothing is written, even from a current copy.
    let mut again = stored.clone();
    again.debtor.name = "Twice".into();
    assert!(
        !store
            .apply_payment(&again, "bank-1", &[event(EventKind::CasePaid)])
            .await
            .expect("apply")
    );
    let unchanged = store.case(&c.id).await.expect("read").expect("case");
    assert_eq!(unchanged, stored);
    assert_eq!(events(store.clone()).await, vec![received.id.clone()]);

    // A stale copy is a conflict, and does not use its reference up.
    assert!(matches!(
        store.apply_payment(&paid, "bank-2", &[]).await,
        Err(StoreError::Conflict)
    ));
    assert!(
        store
            .apply_payment(&again, "bank-2", &[])
            .await
            .expect("apply")
    );
    assert_eq!(
        store
            .case(&c.id)
            .await
            .expect("read")
            .expect("case")
            .debtor
            .name,
        "Twice"
    );
}

async fn kids_find_their_case_per_creditor(backend: Backend) {
    let store = store(backend).await;
    let c = case("a", "K1");
    store.insert_case(&c).await.expect("insert");
    let creditor = c.creditor_id.clone();
    assert_eq!(
        store
            .case_by_kid(&creditor, c.kid.as_str())
            .await
            .expect("read"),
        Some(c.id.clone()),
        "a case's own KID is indexed when the case is stored"
    );
    assert_eq!(
        store.case_by_kid(&creditor, "55555").await.expect("read"),
        None
    );
    store
        .index_kid(&creditor, "55555", &c.id)
        .await
        .expect("index");
    assert_eq!(
        store.case_by_kid(&creditor, "55555").await.expect("read"),
        Some(c.id.clone())
    );
    assert_eq!(
        store
            .case_by_kid(&CreditorId::parse("other").expect("id"), "55555")
            .await
            .expect("read"),
        None,
        "KIDs are per creditor"
    );
}

async fn webhook_delivery_state_is_kept_per_agency(backend: Backend) {
    let store = store(backend).await;
    let a = AgencyId::parse("a").expect("id");
    let b = AgencyId::parse("b").expect("id");
    assert_eq!(
        store.delivery_state(&a).await.expect("read"),
        DeliveryState::default(),
        "nothing delivered yet"
    );
    let behind = DeliveryState {
        cursor: Some("0-1".into()),
        failures: 2,
        next_attempt_at: Some(Utc::now()),
        disabled: false,
    };
    store.save_delivery_state(&a, &behind).await.expect("save");
    assert_eq!(store.delivery_state(&a).await.expect("read"), behind);
    assert_eq!(
        store.delivery_state(&b).await.expect("read"),
        DeliveryState::default()
    );
    let gone = DeliveryState {
        disabled: true,
        ..behind
    };
    store.save_delivery_state(&a, &gone).await.expect("save");
    assert_eq!(store.delivery_state(&a).await.expect("read"), gone);
}

async fn agencies_keys_and_mandates_are_kept_per_tenant(backend: Backend) {
    let store = store(backend).await;
    let agency = |id: &str, name: &str| Agency {
        id: AgencyId::parse(id).expect("id"),
        name: name.into(),
        creditors: vec![CreditorId::parse("nordlys-energi").expect("id")],
    };
    let (a, b) = (agency("agency-a", "A Inkasso AS"), agency("agency-b", "B"));
    assert_eq!(store.agency(&a.id).await.expect("read"), None);
    assert!(store.agencies().await.expect("read").is_empty());
    store.save_agency(&b).await.expect("save");
    store.save_agency(&a).await.expect("save");
    assert_eq!(
        store.agencies().await.expect("read"),
        vec![a.clone(), b.clone()],
        "by id"
    );
    let renamed = Agency {
        name: "A Inkasso og Fordring AS".into(),
        ..a.clone()
    };
    store.save_agency(&renamed).await.expect("save");
    assert_eq!(store.agency(&a.id).await.expect("read"), Some(renamed));
    assert_eq!(store.agencies().await.expect("read").len(), 2);

    let now = Utc::now();
    let record = |agency: &Agency, key_id: &str, created_at| ApiKeyRecord {
        agency: agency.id.clone(),
        key_id: key_id.into(),
        created_at,
        revoked_at: None,
        from_config: false,
    };
    let (h1, h2, h3) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    let k1 = record(&a, "k1", now - Duration::hours(2));
    let k2 = record(&a, "k2", now - Duration::hours(1));
    let k3 = record(&b, "k3", now);
    for (hash, key) in [(&h2, &k2), (&h1, &k1), (&h3, &k3)] {
        assert!(store.add_api_key(hash, key).await.expect("add"));
    }
    assert_eq!(store.api_key(&h1).await.expect("read"), Some(k1.clone()));
    assert_eq!(store.api_key(&[9u8; 32]).await.expect("read"), None);
    assert_eq!(
        store.agency_api_keys(&a.id).await.expect("read"),
        vec![k1.clone(), k2.clone()],
        "the agency's own, oldest first"
    );
    assert!(
        !store
            .revoke_api_key(&a.id, "k3", now)
            .await
            .expect("revoke"),
        "another agency's key"
    );
    assert!(
        !store
            .revoke_api_key(&a.id, "k9", now)
            .await
            .expect("revoke")
    );
    assert!(
        store
            .revoke_api_key(&a.id, "k1", now)
            .await
            .expect("revoke")
    );
    let revoked_at = |hash: [u8; 32]| {
        let store = store.clone();
        async move {
            store
                .api_key(&hash)
                .await
                .expect("read")
                .expect("key")
                .revoked_at
        }
    };
    assert_eq!(revoked_at(h1).await, Some(now));
    assert!(
        store
            .revoke_api_key(&a.id, "k1", now + Duration::hours(1))
            .await
            .expect("revoke")
    );
    assert_eq!(revoked_at(h1).await, Some(now), "revoked once, when first");
    assert!(
        !store.add_api_key(&h1, &k1).await.expect("add"),
        "seeding a key again keeps the record as it is"
    );
    assert_eq!(revoked_at(h1).await, Some(now));
    assert_eq!(revoked_at(h3).await, None);

    let creditor = CreditorId::parse("nordlys-energi").expect("id");
    assert_eq!(store.mandate(&creditor).await.expect("read"), None);
    let mandate = |max_days| Mandate {
        deferral: DeferralRules {
            allowed: true,
            max_days,
            max_per_case: 1,
            auto_grant_days: 7,
            ..DeferralRules::default()
        },
        ..Mandate::default()
    };
    let version = |number, max_days, hours| Version {
        number,
        by: if number == 1 {
            ChangedBy::Configuration
        } else {
            ChangedBy::Agency {
                agency: AgencyId::parse("a").expect("id"),
                key_id: Some("k1".into()),
            }
        },
        at: (number > 1).then(|| now + Duration::hours(hours)),
        content: mandate(max_days),
    };
    assert!(
        store
            .add_mandate_versions(&creditor, 0, &[version(1, 14, 0), version(2, 21, 1)])
            .await
            .expect("save")
    );
    // Someone who read the history before that change cannot append as if it had not been.
    assert!(
        !store
            .add_mandate_versions(&creditor, 1, &[version(2, 30, 2)])
            .await
            .expect("save"),
        "a change made meanwhile is never overwritten"
    );
    assert!(
        store
            .add_mandate_versions(&creditor, 2, &[version(3, 30, 2)])
            .await
            .expect("save")
    );
    assert_eq!(
        store.mandate(&creditor).await.expect("read"),
        Some(mandate(30)),
        "the last version is in force"
    );
    assert_eq!(
        store.mandate_versions(&creditor).await.expect("read"),
        vec![version(1, 14, 0), version(2, 21, 1), version(3, 30, 2)],
        "every version with who and when, oldest first"
    );
    assert_eq!(
        store
            .mandate_versions(&CreditorId::parse("other").expect("id"))
            .await
            .expect("read"),
        vec![]
    );
    assert_eq!(
        store
            .mandate(&CreditorId::parse("other").expect("id"))
            .await
            .expect("read"),
        None
    );
}

/// A journey replaced through the API is kept per creditor and the last one saved wins.
async fn a_creditor_s_replaced_journey_is_kept_per_creditor(backend: Backend) {
    use innfri::domain::journey::{
        Journey, JourneyStep, StepChannels, StepKind, StepTiming, TextVariant,
    };
    let store = store(backend).await;
    let creditor = CreditorId::parse("nordlys-energi").expect("id");
    assert_eq!(store.journey(&creditor).await.expect("read"), None);
    let journey = |days| Journey {
        steps: vec![JourneyStep {
            id: "nudge".into(),
            kind: StepKind::Nudge,
            when: StepTiming::AfterDueDate(days),
            channels: StepChannels::Sms,
            texts: vec![
                TextVariant {
                    text: "journey-nudge".into(),
                    weight: 3,
                },
                TextVariant {
                    text: "journey-final-notice".into(),
                    weight: 1,
                },
            ],
            fee: false,
            deadline_days: None,
        }],
        ..Journey::default()
    };
    let version = |number, days| Version {
        number,
        by: ChangedBy::Staff {
            user: innfri::domain::staff::StaffUserId::parse("usr_0a1b").expect("id"),
        },
        at: None,
        content: journey(days),
    };
    assert!(
        store
            .add_journey_versions(&creditor, 0, &[version(1, 3)])
            .await
            .expect("save")
    );
    assert!(
        !store
            .add_journey_versions(&creditor, 0, &[version(1, 4)])
            .await
            .expect("save")
    );
    assert!(
        store
            .add_journey_versions(&creditor, 1, &[version(2, 5)])
            .await
            .expect("save")
    );
    assert_eq!(
        store.journey(&creditor).await.expect("read"),
        Some(journey(5))
    );
    assert_eq!(
        store.journey_versions(&creditor).await.expect("read"),
        vec![version(1, 3), version(2, 5)]
    );
    assert_eq!(
        store.mandate_versions(&creditor).await.expect("read"),
        vec![],
        "journey versions are not mandate versions"
    );
    let other = CreditorId::parse("other").expect("id");
    assert_eq!(store.journey(&other).await.expect("read"), None);
    assert_eq!(
        store.mandate(&creditor).await.expect("read"),
        None,
        "a journey is not a mandate"
    );
}

async fn replies_find_the_case_the_number_last_heard_about(backend: Backend) {
    let store = store(backend).await;
    let phone = "+4791234567";
    let (first, second) = (case("a", "S1"), case("a", "S2"));
    let last = || {
        let store = store.clone();
        async move { store.last_sms_case(phone).await.expect("read") }
    };
    assert_eq!(last().await, None);
    store
        .remember_sms_case(phone, &first.id)
        .await
        .expect("remember");
    assert_eq!(last().await, Some(first.id.clone()));
    store
        .remember_sms_case(phone, &second.id)
        .await
        .expect("remember");
    assert_eq!(last().await, Some(second.id.clone()), "the latest");
    assert_eq!(
        store.last_sms_case("+4799999999").await.expect("read"),
        None
    );
    store
        .forget_sms_case(phone, &first.id)
        .await
        .expect("forget");
    assert_eq!(
        last().await,
        Some(second.id.clone()),
        "forgetting another case leaves the route alone"
    );
    store
        .forget_sms_case(phone, &second.id)
        .await
        .expect("forget");
    assert_eq!(last().await, None);

    // A sent SMS remembers its case for the reply.
    let message = sms(&first, Utc::now());
    store.schedule_message(&message).await.expect("schedule");
    let mut sent = message.clone();
    sent.status = MessageStatus::Sent;
    store
        .record_sent(&sent, Some(twilio_ref("SM-reply")), Some(phone))
        .await
        .expect("record");
    assert_eq!(last().await, Some(first.id.clone()));
}

async fn the_frequency_cap_gives_places_by_its_rule(backend: Backend) {
    let store = store(backend).await;
    let agency = AgencyId::parse("a").expect("id");
    let address = "+4791234567";
    // Two a week, a day apart.
    let cap = ContactCap {
        max: 2,
        window: Duration::days(7),
        cooldown: Duration::days(1),
    };
    // Whole seconds: Redis keeps milliseconds.
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now");
    let days = Duration::days;
    let claim = |message: &MessageId, at: DateTime<Utc>| {
        let (store, agency, message) = (store.clone(), agency.clone(), message.clone());
        async move {
            store
                .claim_contact_slot(&agency, address, &message, at, &cap)
                .await
                .expect("claim")
        }
    };
    let [m1, m2, m3, m4, m5] = std::array::from_fn(|_| MessageId::generate());
    assert_eq!(claim(&m1, now).await, None, "the first goes");
    assert_eq!(
        claim(&m1, now + Duration::hours(1)).await,
        None,
        "taking it again for the same message changes nothing"
    );
    assert_eq!(
        claim(&m2, now + Duration::hours(1)).await,
        Some(now + days(1)),
        "a day between two"
    );
    assert_eq!(claim(&m2, now + days(1)).await, None);
    assert_eq!(
        claim(&m3, now + days(3)).await,
        Some(now + days(7)),
        "two a week: the first must leave the window"
    );
    store
        .release_contact_slot(&agency, address, &m2)
        .await
        .expect("release");
    assert_eq!(
        claim(&m3, now + days(3)).await,
        None,
        "a place given back is free again"
    );
    assert_eq!(claim(&m4, now + days(5)).await, Some(now + days(7)));
    assert_eq!(
        claim(&m4, now + days(7)).await,
        None,
        "the first has left the window"
    );
    // Per agency and per address.
    assert_eq!(
        store
            .claim_contact_slot(
                &AgencyId::parse("b").expect("id"),
                address,
                &m5,
                now + days(7),
                &cap
            )
            .await
            .expect("claim"),
        None
    );
    assert_eq!(
        store
            .claim_contact_slot(&agency, "kari@example.no", &m5, now + days(7), &cap)
            .await
            .expect("claim"),
        None
    );
    // A cap of none lets nothing go before the window has passed.
    let closed = ContactCap { max: 0, ..cap };
    assert_eq!(
        store
            .claim_contact_slot(&agency, "+4799999999", &m5, now, &closed)
            .await
            .expect("claim"),
        Some(now + days(7))
    );
}

async fn a_queued_message_is_cancelled_but_not_one_being_sent(backend: Backend) {
    let timed = Timed::new(backend).await;
    let store = &timed.store;
    let c = case("a", "Q1");
    let now = timed.clock.now();
    let (queued, taken) = (sms(&c, now + Duration::hours(1)), sms(&c, now));
    store.schedule_message(&queued).await.expect("schedule");
    store.schedule_message(&taken).await.expect("schedule");
    let claimed = store
        .claim_due_messages(now, now + Duration::seconds(30), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1, "only the due one");
    timed.clock.advance(Duration::minutes(5));
    let cancelled = store
        .cancel_queued_message(&queued.id)
        .await
        .expect("cancel")
        .expect("it was waiting");
    assert_eq!(cancelled.status, MessageStatus::Cancelled);
    assert_eq!(
        cancelled.updated_at,
        timed.clock.now(),
        "stamped with the store's now"
    );
    assert_eq!(
        store.message(&queued.id).await.expect("read"),
        Some(cancelled)
    );
    assert_eq!(
        store
            .cancel_queued_message(&queued.id)
            .await
            .expect("cancel"),
        None,
        "no longer in the queue"
    );
    assert_eq!(
        store
            .cancel_queued_message(&taken.id)
            .await
            .expect("cancel"),
        None,
        "a worker holds it"
    );
    let later = now + Duration::hours(2);
    assert!(
        store
            .claim_due_messages(later, later + Duration::seconds(30), 10)
            .await
            .expect("claim")
            .iter()
            .all(|m| m.id != queued.id),
        "a cancelled message is not sent"
    );
}

/// A case's conversation is kept with the case on every backend, under the case's version, and
/// erasure takes every word of it.
async fn a_case_keeps_its_conversation_and_erasure_takes_it(backend: Backend) {
    use innfri::domain::conversation::ConversationChannel;
    let store = store(backend).await;
    let original = case("a", "TALK-1");
    store.insert_case(&original).await.expect("insert");
    let mut talking = original.clone();
    talking
        .conversation
        .from_debtor(
            ConversationChannel::Page,
            "Kan jeg betale i januar?".into(),
            Utc::now(),
        )
        .expect("room");
    talking
        .conversation
        .answer(
            innfri::domain::event::Actor::Agency,
            ConversationChannel::Sms,
            "Ja, det går fint.".into(),
            Some(MessageId::generate()),
            Utc::now(),
        )
        .expect("room");
    let saved = store.update_case(&talking).await.expect("update");
    let read = store.case(&original.id).await.expect("get").expect("case");
    assert_eq!(read.conversation, talking.conversation);
    assert_eq!(read.conversation.messages.len(), 2);
    // A stale copy (without the conversation) cannot write over it.
    assert!(matches!(
        store.update_case(&original).await,
        Err(StoreError::Conflict)
    ));
    let mut erased = saved;
    erased.erase(Utc::now());
    store.update_case(&erased).await.expect("erase");
    let read = store.case(&original.id).await.expect("get").expect("case");
    assert!(read.conversation.messages.is_empty());
    let json = serde_json::to_string(&read).expect("json");
    assert!(
        !json.contains("januar") && !json.contains("går fint"),
        "{json}"
    );
}

fn sent_count(amount: i64) -> innfri::domain::journey_stats::CountAdd {
    innfri::domain::journey_stats::CountAdd {
        step_id: "nudge".into(),
        variant: "journey-nudge".into(),
        count: innfri::domain::journey_stats::Count::Sent,
        amount,
    }
}

fn to_phone(phone: &str) -> innfri::domain::message::Recipient {
    innfri::domain::message::Recipient::Sms(PhoneNumber::parse(phone).expect("phone"))
}

fn to_email(address: &str) -> innfri::domain::message::Recipient {
    innfri::domain::message::Recipient::Email(EmailAddress::parse(address).expect("email"))
}

/// The debtor-address index finds an agency's cases by any of the addresses given, each once,
/// never another agency's, an e-mail address whatever its case, and forgets on request.
async fn the_debtor_index_finds_an_agencys_cases_by_address(backend: Backend) {
    let store = store(backend).await;
    let a = AgencyId::parse(&format!("a-{}", uuid::Uuid::new_v4().simple())).expect("id");
    let b = AgencyId::parse(&format!("b-{}", uuid::Uuid::new_v4().simple())).expect("id");
    let (one, two, three) = (CaseId::generate(), CaseId::generate(), CaseId::generate());
    let sorted = |mut ids: Vec<CaseId>| {
        ids.sort();
        ids
    };
    for (agency, address, case) in [
        (&a, to_phone("+4791234567"), &one),
        (&a, to_email("ola@example.no"), &one),
        (&a, to_email("Ola@Example.NO"), &two),
        (&a, to_phone("+4791234567"), &one),
        (&b, to_phone("+4791234567"), &three),
    ] {
        store
            .index_debtor_case(agency, &address, case)
            .await
            .expect("index");
    }
    let both = [to_phone("+4791234567"), to_email("ola@example.no")];
    assert_eq!(
        sorted(store.debtor_cases(&a, &both).await.expect("read")),
        sorted(vec![one.clone(), two.clone()])
    );
    assert_eq!(
        store.debtor_cases(&b, &both).await.expect("read"),
        vec![three.clone()]
    );
    assert_eq!(
        store.debtor_cases(&a, &[]).await.expect("read"),
        Vec::<CaseId>::new()
    );
    // A number is not an address with the same characters.
    assert_eq!(
        store
            .debtor_cases(&a, &[to_phone("+4741234567")])
            .await
            .expect("read"),
        Vec::<CaseId>::new()
    );
    store
        .unindex_debtor_case(&a, &to_email("OLA@example.no"), &one)
        .await
        .expect("unindex");
    store
        .unindex_debtor_case(&a, &to_phone("+4791234567"), &one)
        .await
        .expect("unindex");
    assert_eq!(
        store.debtor_cases(&a, &both).await.expect("read"),
        vec![two.clone()]
    );
}

/// A journey's A/B counts add up per agency and creditor, one add or several at once, and
/// another agency's or creditor's counts are their own.
async fn journey_counts_add_up_per_agency_and_creditor(backend: Backend) {
    use innfri::domain::journey_stats::{Count, CountAdd};
    let store = store(backend).await;
    let a = AgencyId::parse(&format!("a-{}", uuid::Uuid::new_v4().simple())).expect("id");
    let b = AgencyId::parse(&format!("b-{}", uuid::Uuid::new_v4().simple())).expect("id");
    let creditor = CreditorId::parse("nordlys-energi").expect("id");
    let other = CreditorId::parse("other-creditor").expect("id");
    let paid = |amount| CountAdd {
        count: Count::CollectedMinor,
        ..sent_count(amount)
    };
    store
        .add_journey_counts(&a, &creditor, &[sent_count(1)])
        .await
        .expect("add");
    store
        .add_journey_counts(&a, &creditor, &[sent_count(1), paid(120_000), paid(5_000)])
        .await
        .expect("add");
    store
        .add_journey_counts(&a, &creditor, &[])
        .await
        .expect("nothing");
    store
        .add_journey_counts(&b, &creditor, &[sent_count(7)])
        .await
        .expect("add");
    store
        .add_journey_counts(&a, &other, &[sent_count(9)])
        .await
        .expect("add");
    let mut counts = store.journey_counts(&a, &creditor).await.expect("counts");
    counts.sort_by_key(|c| c.count);
    assert_eq!(counts, vec![sent_count(2), paid(125_000)]);
    assert_eq!(
        store.journey_counts(&b, &creditor).await.expect("counts"),
        vec![sent_count(7)]
    );
    assert_eq!(
        store.journey_counts(&b, &other).await.expect("counts"),
        Vec::new()
    );
}

on_every_store!(
    the_debtor_index_finds_an_agencys_cases_by_address,
    journey_counts_add_up_per_agency_and_creditor,
    a_case_keeps_its_conversation_and_erasure_takes_it,
    the_queue_depth_counts_due_scheduled_and_leased_messages,
    a_case_is_stored_once_per_agency_and_reference,
    a_stale_update_is_refused,
    a_case_keeps_its_documents_and_erasure_drops_them,
    kid_sequences_count_up_per_creditor,
    links_resolve_by_digest_and_revoke_per_case,
    sessions_expire_after_idle_time,
    a_session_comes_with_its_case_in_one_read,
    an_older_cookie_s_session_is_still_read,
    a_page_view_writes_no_session_until_its_timer_is_due,
    due_messages_are_claimed_once_and_in_time_order,
    a_lease_that_runs_out_makes_the_message_claimable_again,
    finished_and_rescheduled_messages_leave_or_rejoin_the_queue,
    events_are_written_with_the_change_or_not_at_all,
    the_store_answers_a_ping,
    a_stale_copy_cannot_start_a_send_even_after_a_hold_gave_the_attempt_back,
    an_idempotency_key_starts_once_then_replays_its_response,
    a_won_start_reads_the_case_and_the_opt_out_in_the_same_step,
    a_final_message_cannot_be_started,
    opt_outs_are_per_channel_case_blind_for_addresses_and_start_undoes_sms,
    a_message_erased_during_its_send_is_not_written_back,
    provider_ids_are_found_only_within_their_provider,
    settled_cases_are_found_by_when_collection_ended,
    a_case_s_events_are_redacted_in_place,
    trimmed_events_go_and_cursors_keep_working,
    answers_about_an_erased_case_are_forgotten_and_no_longer_saved,
    an_ended_session_is_gone,
    what_expires_goes_after_the_same_time_on_both,
    an_agency_s_cases_are_listed_in_the_order_they_came,
    a_payment_reference_is_applied_once_with_its_events,
    kids_find_their_case_per_creditor,
    webhook_delivery_state_is_kept_per_agency,
    agencies_keys_and_mandates_are_kept_per_tenant,
    a_creditor_s_replaced_journey_is_kept_per_creditor,
    replies_find_the_case_the_number_last_heard_about,
    the_frequency_cap_gives_places_by_its_rule,
    a_queued_message_is_cancelled_but_not_one_being_sent,
);

// ---------------------------------------------------------------------------------------------
// What only the file promises.

/// Everything written through every concern is there again when the file is opened anew: the
/// records, the indexes, the queue and its leases, the outbox's positions, what expires (with
/// its time), and the file's own pseudonym key (an opt-out still counts).
#[tokio::test]
async fn a_reopened_file_has_everything_written_through_every_concern() {
    let path = new_store_path();
    let now = Utc::now();
    let agency = AgencyId::parse("a").expect("id");
    let creditor = CreditorId::parse("nordlys-energi").expect("id");
    let mandate_version = Version {
        number: 1,
        by: ChangedBy::Agency {
            agency: agency.clone(),
            key_id: None,
        },
        at: Some(now),
        content: Mandate::default(),
    };
    let journey_version = Version {
        number: 1,
        by: ChangedBy::Configuration,
        at: None,
        content: innfri::domain::journey::Journey::default(),
    };
    let c = case("a", "R1");
    let link_digest = TokenDigest::of("link");
    let session_digest = cookie(&c.id, "session");
    let idle = std::time::Duration::from_secs(600);
    let link = ShortLink {
        case_id: c.id.clone(),
        purpose: LinkPurpose::Case,
        created_at: now,
        expires_at: now + Duration::days(1),
        revoked: false,
        message_id: None,
    };
    let session = DebtorSession {
        case_id: c.id.clone(),
        csrf_token: "csrf".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
        others: Vec::new(),
    };
    let due = sms(&c, now - Duration::minutes(1));
    let leased = sms(&c, now - Duration::minutes(2));
    let sent = sms(&c, now - Duration::minutes(3));
    let event = |n: i64| {
        Event::new(
            agency.clone(),
            Some(c.id.clone()),
            EventKind::DeferralGranted,
            serde_json::json!({ "n": n }),
            now - Duration::days(10 - n),
        )
    };
    let saved = SavedResponse {
        status: 201,
        content_type: "application/json".into(),
        body: "{}".into(),
        headers: Vec::new(),
    };
    let cap = ContactCap {
        max: 1,
        window: Duration::days(7),
        cooldown: Duration::zero(),
    };
    let agency_record = Agency {
        id: AgencyId::parse("agency-a").expect("id"),
        name: "A Inkasso AS".into(),
        creditors: vec![creditor.clone()],
    };
    let key = ApiKeyRecord {
        agency: agency_record.id.clone(),
        key_id: "k1".into(),
        created_at: now,
        revoked_at: None,
        from_config: false,
    };
    let delivery = DeliveryState {
        cursor: Some("0-1".into()),
        ..DeliveryState::default()
    };
    let updated;
    let settled_case;
    {
        let store: SharedStore = Arc::new(EmbeddedStore::open(&path, None).expect("open"));
        store.insert_case(&c).await.expect("insert");
        let mut changed = c.clone();
        changed.debtor.name = "Kari Changed".into();
        updated = store.update_case(&changed).await.expect("update");
        settled_case = settled(&store, "S1", now - Duration::days(100)).await;
        assert_eq!(store.next_kid_sequence(&creditor).await.expect("seq"), 1);
        store.save_link(&link_digest, &link).await.expect("link");
        store
            .save_session(&session_digest, &session, idle)
            .await
            .expect("session");
        for m in [&sent, &leased, &due] {
            store.schedule_message(m).await.expect("schedule");
        }
        let claimed = store
            .claim_due_messages(now, now + Duration::minutes(5), 2)
            .await
            .expect("claim");
        assert_eq!(
            claimed.iter().map(|m| &m.id).collect::<Vec<_>>(),
            vec![&sent.id, &leased.id],
            "the two oldest"
        );
        let mut done = sent.clone();
        done.status = MessageStatus::Sent;
        done.provider = Some("twilio".into());
        done.provider_id = Some("SM1".into());
        store
            .record_sent(&done, Some(twilio_ref("SM1")), Some("+4791234567"))
            .await
            .expect("record");
        store
            .append_events(&[event(1), event(2), event(3)])
            .await
            .expect("events");
        assert_eq!(
            store
                .trim_events(&agency, now - Duration::days(8), 10)
                .await
                .expect("trim"),
            1
        );
        store
            .index_kid(&creditor, "55555", &c.id)
            .await
            .expect("kid");
        assert!(
            store
                .apply_payment(&settled_case, "BANK-1", &[])
                .await
                .expect("payment")
        );
        store
            .save_delivery_state(&agency, &delivery)
            .await
            .expect("delivery");
        store.opt_out("+4799999999").await.expect("opt out");
        store
            .opt_out_email("Ola@Example.no")
            .await
            .expect("opt out");
        assert_eq!(
            store
                .idempotency_begin("a", "k1", "fp", "c1")
                .await
                .expect("begin"),
            IdempotencyBegin::Started
        );
        store
            .idempotency_finish("a", "k1", "c1", &saved, Some(&c.id))
            .await
            .expect("finish");
        assert_eq!(
            store
                .claim_contact_slot(&agency, "+4791234567", &sent.id, now, &cap)
                .await
                .expect("slot"),
            None
        );
        store.save_agency(&agency_record).await.expect("agency");
        assert!(store.add_api_key(&[7u8; 32], &key).await.expect("key"));
        assert!(
            store
                .revoke_api_key(&key.agency, "k1", now)
                .await
                .expect("revoke")
        );
        assert!(
            store
                .add_mandate_versions(&creditor, 0, std::slice::from_ref(&mandate_version))
                .await
                .expect("mandate")
        );
        assert!(
            store
                .add_journey_versions(&creditor, 0, std::slice::from_ref(&journey_version))
                .await
                .expect("journey")
        );
        store
            .add_journey_counts(&agency, &creditor, &[sent_count(3)])
            .await
            .expect("counts");
        store
            .index_debtor_case(&agency, &to_phone("+4799999999"), &c.id)
            .await
            .expect("index");
    }

    let store: SharedStore = Arc::new(EmbeddedStore::open(&path, None).expect("reopen"));
    assert_eq!(
        store
            .debtor_cases(&agency, &[to_phone("+4799999999")])
            .await
            .expect("index"),
        vec![c.id.clone()],
        "the debtor-address index"
    );
    assert_eq!(
        store
            .journey_counts(&agency, &creditor)
            .await
            .expect("counts"),
        vec![sent_count(3)],
        "the journey's counts"
    );
    assert_eq!(
        store.case(&c.id).await.expect("case"),
        Some(updated.clone())
    );
    assert_eq!(
        store
            .case_by_ref(&agency, &ExternalRef::parse("R1").expect("ref"))
            .await
            .expect("by ref"),
        Some(updated.clone())
    );
    assert_eq!(
        store
            .agency_cases(&agency, 0, 10)
            .await
            .expect("list")
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>(),
        vec![c.id.clone(), settled_case.id.clone()],
        "in the order they came"
    );
    assert_eq!(store.next_kid_sequence(&creditor).await.expect("seq"), 2);
    assert_eq!(
        store
            .cases_settled_before(&creditor, now - Duration::days(50), 10)
            .await
            .expect("settled"),
        vec![settled_case.id.clone()]
    );
    assert_eq!(store.link(&link_digest).await.expect("link"), Some(link));
    assert_eq!(store.revoke_links(&c.id).await.expect("revoke"), 1);
    assert_eq!(
        store
            .session_with_case(&session_digest, idle)
            .await
            .expect("session"),
        Some((session, updated.clone()))
    );
    assert_eq!(
        store
            .claim_due_messages(now, now + Duration::minutes(5), 10)
            .await
            .expect("claim")
            .iter()
            .map(|m| &m.id)
            .collect::<Vec<_>>(),
        vec![&due.id],
        "the one left waiting; the leased one stays leased"
    );
    let after_lease = now + Duration::minutes(6);
    assert_eq!(
        store
            .claim_due_messages(after_lease, after_lease + Duration::minutes(5), 10)
            .await
            .expect("claim")
            .len(),
        2,
        "both leases ran out"
    );
    assert_eq!(
        store
            .message_by_provider_id(twilio_ref("SM1"))
            .await
            .expect("provider id")
            .map(|m| m.status),
        Some(MessageStatus::Sent)
    );
    assert_eq!(store.case_messages(&c.id).await.expect("messages").len(), 3);
    assert_eq!(
        store.last_sms_case("+4791234567").await.expect("route"),
        Some(c.id.clone())
    );
    let events = store.events_after(&agency, None, 10).await.expect("events");
    assert_eq!(
        events
            .iter()
            .map(|(cursor, _)| cursor.as_str())
            .collect::<Vec<_>>(),
        vec!["0-1", "0-2"],
        "the trimmed one gone, positions kept"
    );
    store.append_events(&[event(4)]).await.expect("append");
    assert_eq!(
        store
            .events_after(&agency, Some("0-2"), 10)
            .await
            .expect("events")
            .iter()
            .map(|(cursor, _)| cursor.as_str())
            .collect::<Vec<_>>(),
        vec!["0-3"],
        "new events continue after the old positions"
    );
    assert_eq!(
        store.case_by_kid(&creditor, "55555").await.expect("kid"),
        Some(c.id.clone())
    );
    assert!(
        !store
            .apply_payment(&settled_case, "BANK-1", &[])
            .await
            .expect("payment"),
        "applied once, even across a restart"
    );
    assert_eq!(
        store.delivery_state(&agency).await.expect("delivery"),
        delivery
    );
    assert!(store.is_opted_out("+4799999999").await.expect("opted out"));
    assert!(
        store
            .is_email_opted_out("ola@example.no")
            .await
            .expect("opted out")
    );
    assert!(
        !store
            .is_opted_out("+4791234567")
            .await
            .expect("not opted out")
    );
    assert_eq!(
        store
            .idempotency_begin("a", "k1", "fp", "c2")
            .await
            .expect("begin"),
        IdempotencyBegin::Replay(saved)
    );
    assert_eq!(
        store
            .claim_contact_slot(&agency, "+4791234567", &due.id, now, &cap)
            .await
            .expect("slot"),
        Some(now + cap.window),
        "the week's one reminder is spent"
    );
    assert_eq!(
        store.agencies().await.expect("agencies"),
        vec![agency_record]
    );
    assert!(
        store
            .api_key(&[7u8; 32])
            .await
            .expect("key")
            .is_some_and(|k| k.revoked_at == Some(now))
    );
    assert_eq!(
        store.mandate(&creditor).await.expect("mandate"),
        Some(Mandate::default())
    );
    assert_eq!(
        store.journey(&creditor).await.expect("journey"),
        Some(innfri::domain::journey::Journey::default())
    );
    assert_eq!(
        store.mandate_versions(&creditor).await.expect("versions"),
        vec![mandate_version]
    );
    assert_eq!(
        store.journey_versions(&creditor).await.expect("versions"),
        vec![journey_version]
    );
    assert_eq!(store.forget_case_answers(&c.id).await.expect("forget"), 1);
    drop(store);
    std::fs::remove_file(&path).expect("clean up");
}

/// After an erasure the debtor's name and number are nowhere in the file's bytes, not even in
/// the pages redb freed when the records changed.
#[tokio::test]
async fn an_erased_debtor_is_not_in_the_file_bytes() {
    let path = new_store_path();
    let store: SharedStore = Arc::new(EmbeddedStore::open(&path, None).expect("open"));
    let mut c = case("a", "E1");
    // Long enough to fill pages of its own, so what a change leaves in freed pages is not all
    // overwritten by the next few commits by chance.
    c.debtor.name = "Ingrid Uniquename Rasmussen ".repeat(400);
    let phone = PhoneNumber::parse("98765432").expect("phone");
    c.debtor.phone = Some(phone.clone());
    store.insert_case(&c).await.expect("insert");
    let kept = case("a", "E2");
    store.insert_case(&kept).await.expect("insert");
    let mut message = sms(&c, Utc::now());
    message.recipient = Recipient::Sms(phone);
    store.schedule_message(&message).await.expect("message");
    store
        .append_events(&[Event::new(
            c.agency_id.clone(),
            Some(c.id.clone()),
            EventKind::DeferralGranted,
            serde_json::json!({"note": "Ingrid Uniquename Rasmussen called"}),
            Utc::now(),
        )])
        .await
        .expect("event");
    let bytes = std::fs::read(&path).expect("read the file");
    let contains = |bytes: &[u8], text: &str| {
        bytes
            .windows(text.len())
            .any(|window| window == text.as_bytes())
    };
    assert!(
        contains(&bytes, "Uniquename"),
        "the name is in the file at first"
    );
    assert!(
        contains(&bytes, "98765432"),
        "the number is in the file at first"
    );

    let mut erased = store.case(&c.id).await.expect("read").expect("case");
    erased.erase(Utc::now());
    store.update_case(&erased).await.expect("erase the record");
    store.delete_case_messages(&c.id).await.expect("messages");
    store
        .redact_case_events(&c.agency_id, &c.id)
        .await
        .expect("events");
    store.forget_case_answers(&c.id).await.expect("answers");

    let bytes = std::fs::read(&path).expect("read the file");
    assert!(
        !contains(&bytes, "Uniquename"),
        "the erased name is gone from the file"
    );
    assert!(
        !contains(&bytes, "98765432"),
        "the erased number is gone from the file"
    );
    assert!(
        contains(&bytes, "Kari Nordmann"),
        "the other case's debtor is still there"
    );
    drop(store);
    let store: SharedStore = Arc::new(EmbeddedStore::open(&path, None).expect("reopen"));
    assert!(
        store
            .case(&c.id)
            .await
            .expect("read")
            .is_some_and(|c| c.is_erased()),
        "the erased case is kept (erased) in the rewritten file"
    );
    assert!(store.case(&kept.id).await.expect("read").is_some());
    drop(store);
    std::fs::remove_file(&path).expect("clean up");
}

/// A second store on a file another holds is refused with an error that says so.
#[tokio::test]
async fn a_file_in_use_is_refused() {
    let path = new_store_path();
    let first = EmbeddedStore::open(&path, None).expect("open");
    let Err(error) = EmbeddedStore::open(&path, None) else {
        panic!("a second open of the same file must fail");
    };
    assert!(
        matches!(&error, StoreError::Unavailable(why) if why.contains("already open in another process")),
        "{error}"
    );
    drop(first);
    let again = EmbeddedStore::open(&path, None).expect("free once the first is gone");
    drop(again);
    std::fs::remove_file(&path).expect("clean up");
}

/// The demo's API key (config/demo.toml), for the `innfri` binary run on the demo profile.
const DEMO_KEY: &str = "ik_demo_innfri_public_key";

/// `innfri serve` (demo profile, embedded store) on the store file at `path`, on `port`.
fn serve_on_file(path: &std::path::Path, port: u16) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_innfri"))
        .args([
            "--config-dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
            "--profile",
            "demo",
            "serve",
        ])
        .env("INNFRI__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("INNFRI__STORE__PATH", path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("innfri serve")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

async fn wait_until_up(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(answer) = http.get(format!("{base}/healthz")).send().await
            && answer.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("innfri serve did not come up at {base}");
}

/// The real binary on a store file is killed with SIGKILL while case creations are in flight,
/// then started again on the same file: every case the API acknowledged (201) is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_case_survives_a_kill_9() {
    const WRITERS: usize = 8;
    const KILL_AFTER: usize = 150;
    let path = new_store_path();
    let http = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve_on_file(&path, port);
    wait_until_up(&http, &base).await;

    let due = innfri::domain::jurisdiction::no::business_day_on_or_after(
        Utc::now().date_naive() + Duration::days(10),
    );
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (http, base, acknowledged) = (http.clone(), base.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let body = common::case_body(&format!("K-{writer}-{n}"), "250.00")
                    .replace("2026-12-01", &due.to_string());
                let Ok(answer) = http
                    .post(format!("{base}/api/v1/cases"))
                    .bearer_auth(DEMO_KEY)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                else {
                    // The server is gone: what was in flight was never acknowledged.
                    return;
                };
                if answer.status().as_u16() != 201 {
                    return;
                }
                let Ok(case) = answer.json::<serde_json::Value>().await else {
                    return;
                };
                let id = case["id"].as_str().expect("an id").to_owned();
                acknowledged.lock().expect("lock").push(id);
            }
        }));
    }
    let started = std::time::Instant::now();
    while acknowledged.lock().expect("lock").len() < KILL_AFTER {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "cases were not created"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("killed");
    for writer in writers {
        writer.await.expect("writer");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= KILL_AFTER);

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve_on_file(&path, port);
    wait_until_up(&http, &base).await;
    let mut missing = Vec::new();
    for id in &acknowledged {
        let answer = http
            .get(format!("{base}/api/v1/cases/{id}"))
            .bearer_auth(DEMO_KEY)
            .send()
            .await
            .expect("read");
        if answer.status().as_u16() != 200 {
            missing.push(id.clone());
        }
    }
    server.kill().expect("stop");
    server.wait().expect("stopped");
    std::fs::remove_file(&path).expect("clean up");
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged cases lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
}

/// A second `innfri` process on a store file another one serves from stops at start and says
/// why; the first goes on serving.
#[tokio::test]
async fn a_second_process_on_the_same_file_is_refused() {
    let path = new_store_path();
    let http = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = serve_on_file(&path, port);
    wait_until_up(&http, &base).await;
    let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_innfri"))
        .args([
            "--config-dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
            "--profile",
            "demo",
            "serve",
        ])
        .env("INNFRI__SERVER__BIND", format!("127.0.0.1:{}", free_port()))
        .env("INNFRI__STORE__PATH", &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("second innfri serve");
    let started = std::time::Instant::now();
    let exited = loop {
        if let Some(status) = second.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(10) {
            // Still running: it opened the file beside the first. Stop it; the test fails below.
            second.kill().expect("stop the second");
            second.wait().expect("stopped");
            break None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let mut errors = String::new();
    if let Some(mut stderr) = second.stderr.take() {
        use std::io::Read;
        stderr.read_to_string(&mut errors).expect("stderr");
    }
    let still_up = http.get(format!("{base}/healthz")).send().await;
    first.kill().expect("stop");
    first.wait().expect("stopped");
    std::fs::remove_file(&path).expect("clean up");
    assert!(
        exited.is_some_and(|status| !status.success()),
        "the second process must stop at start: {errors}"
    );
    assert!(
        errors.contains("is already open in another process"),
        "{errors}"
    );
    assert!(still_up.is_ok_and(|answer| answer.status().is_success()));
}

/// A store file keeps the pseudonym key it was written with: a start under another key (or a
/// key configured after the file made its own) is refused, since its opt-outs would no longer
/// match and a debtor who said STOP would be written to again.
#[tokio::test]
async fn a_store_file_refuses_another_pseudonym_key() {
    use innfri::store::Pseudonyms;
    let key = || Pseudonyms::from_hex(common::PSEUDONYM_KEY_HEX).expect("key");
    let other = || Pseudonyms::from_hex(&"ab".repeat(32)).expect("key");

    let configured = new_store_path();
    drop(EmbeddedStore::open(&configured, Some(key())).expect("first start"));
    assert!(
        EmbeddedStore::open(&configured, Some(key())).is_ok(),
        "same key"
    );
    let refused = EmbeddedStore::open(&configured, Some(other())).err();
    assert!(
        refused.is_some_and(|e| e.to_string().contains("pseudonym key")),
        "another configured key"
    );
    assert!(
        EmbeddedStore::open(&configured, None).is_err(),
        "the key left out of the configuration"
    );

    let own = new_store_path();
    drop(EmbeddedStore::open(&own, None).expect("first start, own key"));
    assert!(EmbeddedStore::open(&own, None).is_ok(), "its own key again");
    assert!(
        EmbeddedStore::open(&own, Some(key())).is_err(),
        "a key configured later"
    );
    let _ = std::fs::remove_file(&configured);
    let _ = std::fs::remove_file(&own);
}

/// Document metadata lives on the case record (the case's own key, so under its hash tag on a
/// Cluster): written, read back whole, and gone with the personal data at erasure.
async fn a_case_keeps_its_documents_and_erasure_drops_them(backend: Backend) {
    use innfri::domain::document::{DocumentId, DocumentKind, DocumentMeta, FileType, Uploader};
    let store = store(backend).await;
    let original = case("a", "R-DOCS");
    store.insert_case(&original).await.expect("insert");
    let mut with_document = original.clone();
    with_document.documents.push(DocumentMeta {
        id: DocumentId::generate(),
        kind: DocumentKind::Receipt,
        file_name: "kvittering.png".into(),
        file_type: FileType::Png,
        size: 1234,
        sha256: "ab".repeat(32),
        uploaded_by: Uploader::Debtor,
        uploaded_at: Utc::now(),
    });
    let saved = store.update_case(&with_document).await.expect("update");
    let read = store.case(&original.id).await.expect("get").expect("case");
    assert_eq!(read.documents, with_document.documents);
    assert_eq!(read, saved);
    let mut erased = read.clone();
    erased.erase(Utc::now());
    store.update_case(&erased).await.expect("erase");
    let read = store.case(&original.id).await.expect("get").expect("case");
    assert!(read.documents.is_empty());
}
