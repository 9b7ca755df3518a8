//! Redis only: data an earlier version kept under untagged names is moved to the hash-tagged
//! ones at start (idempotently), and the events of a case write a crash interrupted between its
//! single-slot steps are published at the next start — on one Redis and on a Cluster.

use std::sync::Arc;

use chrono::{Duration, Utc};
use innfri::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use innfri::domain::contact::PhoneNumber;
use innfri::domain::creditor::Agency;
use innfri::domain::event::{Event, EventKind};
use innfri::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use innfri::domain::kid::{Kid, KidAlgorithm};
use innfri::domain::locale::Locale;
use innfri::domain::message::{Message, Recipient, Template};
use innfri::domain::money::{Currency, Money};
use innfri::store::{RedisStore, SharedStore};

use crate::common::{self, cluster::RawRedis};

fn case(agency: &AgencyId, external_ref: &str) -> Case {
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
        agency.clone(),
        ExternalRef::parse(external_ref).expect("ref"),
        terms,
        Kid::parse("12344", KidAlgorithm::Mod10).expect("kid"),
        Utc::now(),
    )
}

fn agency() -> Agency {
    Agency {
        id: AgencyId::parse("agency-a").expect("id"),
        name: "A Inkasso AS".into(),
        creditors: vec![CreditorId::parse("nordlys-energi").expect("id")],
    }
}

async fn single(ns: &str) -> SharedStore {
    Arc::new(
        RedisStore::connect(common::redis_url(), ns, common::pseudonyms())
            .await
            .expect("redis"),
    )
}

async fn cmd<T: redis::FromRedisValue>(raw: &RawRedis, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for arg in &args[1..] {
        cmd.arg(*arg);
    }
    raw.query(&cmd).await
}

#[tokio::test]
async fn an_upgrade_moves_untagged_names_to_their_tags_and_repeats_harmlessly() {
    let ns = common::unique_namespace();
    let raw = RawRedis::open(false).await;
    let agency = agency();
    let a = agency.id.clone();
    // An earlier version's data, under its names: the agency, a case with its reference index
    // and the agency's list, an event in the untagged outbox, a message in the single queue and
    // a payment reference applied.
    let agency_json = serde_json::to_string(&agency).expect("json");
    let _: () = cmd(
        &raw,
        &["HSET", &format!("{ns}:agencies"), a.as_str(), &agency_json],
    )
    .await;
    let c = case(&a, "OLD-1");
    let case_json = serde_json::to_string(&c).expect("json");
    let case_key = format!("{ns}:case:{{{}}}", c.id);
    let _: () = cmd(&raw, &["HSET", &case_key, "v", "1", "json", &case_json]).await;
    let _: () = cmd(
        &raw,
        &["SET", &format!("{ns}:ref:{a}:OLD-1"), c.id.as_str()],
    )
    .await;
    let _: () = cmd(
        &raw,
        &["RPUSH", &format!("{ns}:agency:{a}:cases"), c.id.as_str()],
    )
    .await;
    let event = Event::new(
        a.clone(),
        Some(c.id.clone()),
        EventKind::CasePaid,
        serde_json::json!({"case_id": c.id}),
        Utc::now(),
    );
    let event_json = serde_json::to_string(&event).expect("json");
    let _: String = cmd(
        &raw,
        &["XADD", &format!("{ns}:events:{a}"), "*", "ref", &event.id],
    )
    .await;
    let _: () = cmd(
        &raw,
        &[
            "HSET",
            &format!("{ns}:eventdata:{a}"),
            &event.id,
            &event_json,
        ],
    )
    .await;
    let message = Message::schedule(
        c.id.clone(),
        a.clone(),
        Recipient::Sms(PhoneNumber::parse("91234567").expect("phone")),
        Template::Reminder,
        Utc::now() - Duration::minutes(1),
        Utc::now(),
    );
    let message_json = serde_json::to_string(&message).expect("json");
    let _: () = cmd(
        &raw,
        &["SET", &format!("{ns}:msg:{}", message.id), &message_json],
    )
    .await;
    let at = message.not_before.timestamp_millis().to_string();
    let _: () = cmd(
        &raw,
        &["ZADD", &format!("{ns}:queue:due"), &at, message.id.as_str()],
    )
    .await;
    let _: () = cmd(
        &raw,
        &["SET", &format!("{ns}:payment:bank-old"), c.id.as_str()],
    )
    .await;

    // Started twice: the second start finds nothing left to move and changes nothing.
    let _ = single(&ns).await;
    let store = single(&ns).await;

    let found = store
        .case_by_ref(&a, &ExternalRef::parse("OLD-1").expect("ref"))
        .await
        .expect("read");
    assert_eq!(
        found.map(|f| f.id),
        Some(c.id.clone()),
        "found by reference"
    );
    let listed = store.agency_cases(&a, 0, 10).await.expect("list");
    assert_eq!(
        listed.iter().map(|l| &l.id).collect::<Vec<_>>(),
        vec![&c.id]
    );
    let events = store.events_after(&a, None, 10).await.expect("events");
    assert_eq!(
        events.iter().map(|(_, e)| &e.id).collect::<Vec<_>>(),
        vec![&event.id],
        "the outbox with its cursor's event"
    );
    let now = Utc::now();
    let claimed = store
        .claim_due_messages(now, now + Duration::minutes(1), 10)
        .await
        .expect("claim");
    assert_eq!(
        claimed.iter().map(|m| &m.id).collect::<Vec<_>>(),
        vec![&message.id]
    );
    let stored = store.case(&c.id).await.expect("read").expect("case");
    assert!(
        !store
            .apply_payment(&stored, "bank-old", &[])
            .await
            .expect("apply"),
        "a reference an earlier version applied is not applied again"
    );
    for old in [
        format!("{ns}:ref:{a}:OLD-1"),
        format!("{ns}:agency:{a}:cases"),
        format!("{ns}:events:{a}"),
        format!("{ns}:eventdata:{a}"),
        format!("{ns}:queue:due"),
    ] {
        let left: i64 = cmd(&raw, &["EXISTS", &old]).await;
        assert_eq!(left, 0, "{old} is gone");
    }

    // A process of the earlier version writes its outbox again after the move (a rolling
    // upgrade): the next start merges it in.
    let later = Event::new(
        a.clone(),
        Some(c.id.clone()),
        EventKind::CasePaid,
        serde_json::json!({"case_id": c.id}),
        Utc::now(),
    );
    let later_json = serde_json::to_string(&later).expect("json");
    let _: String = cmd(
        &raw,
        &["XADD", &format!("{ns}:events:{a}"), "*", "ref", &later.id],
    )
    .await;
    let _: () = cmd(
        &raw,
        &[
            "HSET",
            &format!("{ns}:eventdata:{a}"),
            &later.id,
            &later_json,
        ],
    )
    .await;
    let store = single(&ns).await;
    let events = store.events_after(&a, None, 10).await.expect("events");
    assert_eq!(
        events.iter().map(|(_, e)| &e.id).collect::<Vec<_>>(),
        vec![&event.id, &later.id]
    );
}

/// What a crash leaves between the steps of a case write with events (see
/// `store/redis/events.rs`): staged events, with or without their write.
async fn staged_events_of_an_interrupted_write_are_published_at_the_next_start(cluster: bool) {
    let ns = common::unique_namespace();
    let raw = RawRedis::open(cluster).await;
    let open = || async {
        let store: SharedStore = if cluster {
            Arc::new(common::cluster_store(&ns).await)
        } else {
            single(&ns).await
        };
        store
    };
    let store = open().await;
    let agency = agency();
    let a = agency.id.clone();
    store.save_agency(&agency).await.expect("agency");
    let c = case(&a, "CRASH-1");
    store.insert_case(&c).await.expect("insert");
    let event = |n: u32| {
        Event::new(
            a.clone(),
            Some(c.id.clone()),
            EventKind::CasePaid,
            serde_json::json!({"n": n}),
            Utc::now(),
        )
    };
    let (written, not_yet, abandoned) = (event(1), event(2), event(3));
    let stage = format!("{ns}:eventstage:{{a:{a}}}");
    let now = Utc::now().timestamp_millis();
    let long_ago = now - 10 * 60 * 1000;
    for (e, at) in [(&written, now), (&not_yet, now), (&abandoned, long_ago)] {
        let value = format!("{at} {} {}", c.id, serde_json::to_string(e).expect("json"));
        let _: () = cmd(&raw, &["HSET", &stage, &e.id, &value]).await;
    }
    // The write of the first happened (its id is in the case's index); the others' did not.
    let index = format!("{ns}:case:{{{}}}:events", c.id);
    let _: () = cmd(&raw, &["SADD", &index, &written.id]).await;
    assert!(
        store
            .events_after(&a, None, 10)
            .await
            .expect("events")
            .is_empty(),
        "staged events are not in the outbox"
    );

    let store = open().await;
    let events = store.events_after(&a, None, 10).await.expect("events");
    assert_eq!(
        events.iter().map(|(_, e)| &e.id).collect::<Vec<_>>(),
        vec![&written.id],
        "only the event whose write happened is published"
    );
    let left: Vec<String> = cmd(&raw, &["HKEYS", &stage]).await;
    assert_eq!(
        left,
        vec![not_yet.id.clone()],
        "a recent one may still be under way; an old one without its write is dropped"
    );
    // Published once, however often recovery runs.
    let store = open().await;
    assert_eq!(
        store
            .events_after(&a, None, 10)
            .await
            .expect("events")
            .len(),
        1
    );
}

#[tokio::test]
async fn on_one_redis_staged_events_of_an_interrupted_write_are_published_at_the_next_start() {
    staged_events_of_an_interrupted_write_are_published_at_the_next_start(false).await;
}

#[tokio::test]
async fn on_a_cluster_staged_events_of_an_interrupted_write_are_published_at_the_next_start() {
    staged_events_of_an_interrupted_write_are_published_at_the_next_start(true).await;
}
