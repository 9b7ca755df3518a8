//! One conformance suite for both store backends: the same calls must give the same answers.

use crate::common::{self, Backend};
use chrono::{Duration, Utc};
use innfri::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use innfri::domain::contact::{EmailAddress, PhoneNumber};
use innfri::domain::event::{Event, EventKind};
use innfri::domain::ids::{AgencyId, CaseId, CreditorId, ExternalRef};
use innfri::domain::kid::{Kid, KidAlgorithm};
use innfri::domain::link::{DebtorSession, LinkPurpose, ShortLink};
use innfri::domain::locale::Locale;
use innfri::domain::message::{Message, MessageStatus, ProviderRef, Recipient, Template};
use innfri::domain::money::{Currency, Money};
use innfri::links::TokenDigest;
use innfri::store::{CaseInsert, IdempotencyBegin, SavedResponse, StoreError};

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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
    let a = CreditorId::parse("a").expect("id");
    let b = CreditorId::parse("b").expect("id");
    assert_eq!(store.next_kid_sequence(&a).await.expect("seq"), 1);
    assert_eq!(store.next_kid_sequence(&a).await.expect("seq"), 2);
    assert_eq!(store.next_kid_sequence(&b).await.expect("seq"), 1);
}

async fn links_resolve_by_digest_and_revoke_per_case(backend: Backend) {
    let store = common::store(backend).await;
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

async fn sessions_expire_after_idle_time(backend: Backend) {
    let store = common::store(backend).await;
    let now = Utc::now();
    let session = DebtorSession {
        case_id: CaseId::generate(),
        csrf_token: "csrf".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
    };
    let digest = TokenDigest::of("session");
    let idle = std::time::Duration::from_millis(300);
    store
        .save_session(&digest, &session, idle)
        .await
        .expect("save");
    assert_eq!(
        store.session(&digest, idle).await.expect("get"),
        Some(session)
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(store.session(&digest, idle).await.expect("get"), None);
}

async fn a_session_comes_with_its_case_in_one_read(backend: Backend) {
    let store = common::store(backend).await;
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
    };
    store
        .save_session(&TokenDigest::of("s1"), &session, idle)
        .await
        .expect("save");
    assert_eq!(
        store
            .session_with_case(&TokenDigest::of("s1"), idle)
            .await
            .expect("read"),
        Some((session.clone(), c))
    );
    assert_eq!(
        store
            .session_with_case(&TokenDigest::of("s2"), idle)
            .await
            .expect("read"),
        None
    );
    let orphan = DebtorSession {
        case_id: CaseId::generate(),
        ..session.clone()
    };
    store
        .save_session(&TokenDigest::of("s3"), &orphan, idle)
        .await
        .expect("save");
    assert_eq!(
        store
            .session_with_case(&TokenDigest::of("s3"), idle)
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
        .save_session(&TokenDigest::of("s4"), &expired, idle)
        .await
        .expect("save");
    assert_eq!(
        store
            .session_with_case(&TokenDigest::of("s4"), idle)
            .await
            .expect("read"),
        None
    );
}

async fn due_messages_are_claimed_once_and_in_time_order(backend: Backend) {
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
            .begin_send(&held, stale.starts, lease)
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
            .begin_send(&late, stale.starts, lease)
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
        .begin_send(&copy, expected, lease)
        .await
        .expect("begin")
}

async fn a_won_start_reads_the_case_and_the_opt_out_in_the_same_step(backend: Backend) {
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
                .begin_send(&copy, message.starts, now + Duration::seconds(30))
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
            .begin_send(&copy, queued.starts, now + Duration::seconds(30))
            .await
            .expect("begin")
            .is_none(),
        "a cancelled message stays cancelled"
    );
}

async fn a_message_erased_during_its_send_is_not_written_back(backend: Backend) {
    let store = common::store(backend).await;
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
        .record_sent(&sent, twilio_ref("SM-erased"), Some("+4791234567"))
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
    let store = common::store(backend).await;
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
        .record_sent(&sent, console_ref, None)
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
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
    let store = common::store(backend).await;
    let digest = TokenDigest::of("session-token");
    let now = Utc::now();
    let session = DebtorSession {
        case_id: CaseId::generate(),
        csrf_token: "csrf".into(),
        created_at: now,
        expires_at: now + Duration::hours(1),
        verified: false,
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

on_both_stores!(
    a_case_is_stored_once_per_agency_and_reference,
    a_stale_update_is_refused,
    kid_sequences_count_up_per_creditor,
    links_resolve_by_digest_and_revoke_per_case,
    sessions_expire_after_idle_time,
    a_session_comes_with_its_case_in_one_read,
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
);
