//! The staff store's conformance on every backend (embedded memory, embedded file, Redis,
//! Redis Cluster): users by address, one-time invitations, staff sessions, failed-login counts,
//! the access log.

use std::sync::Arc;

use chrono::{Duration, Utc};
use innfri::domain::contact::EmailAddress;
use innfri::domain::ids::{AgencyId, CreditorId};
use innfri::domain::staff::{
    AccessEntry, AccessKind, Invitation, LoginMethod, Role, SessionStage, StaffScope, StaffSession,
    StaffUser, StaffUserId,
};
use innfri::links::TokenDigest;
use innfri::store::{EmbeddedStore, SharedStore, StaffStore};

use crate::common;

#[derive(Debug, Clone, Copy)]
enum Backend {
    Embedded,
    File,
    Redis,
    Cluster,
}

async fn store(backend: Backend) -> SharedStore {
    match backend {
        Backend::Embedded => common::store(common::Backend::Embedded).await,
        Backend::Redis => common::store(common::Backend::Redis).await,
        Backend::Cluster => common::store(common::Backend::Cluster).await,
        Backend::File => {
            let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("staff-{}.redb", uuid::Uuid::new_v4().simple()));
            let store = EmbeddedStore::open(&path, None).expect("open the store file");
            std::fs::remove_file(&path).expect("unlink");
            Arc::new(store)
        }
    }
}

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

on_every_store!(
    every_user_is_listed_once_with_its_changes,
    a_user_is_created_once_per_address_and_found_by_it,
    an_invitation_is_taken_once,
    staff_sessions_are_saved_read_and_ended,
    failed_logins_count_up_per_name_until_cleared,
    the_access_log_keeps_its_order,
);

fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).expect("email")
}

fn user(address: &str) -> StaffUser {
    StaffUser {
        id: StaffUserId::generate(),
        email: email(address),
        scope: StaffScope::Agency {
            agency: AgencyId::parse("agency-a").expect("id"),
            role: Role::Handler,
        },
        password_hash: None,
        totp_secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into(),
        totp_last_step: None,
        enrolled: false,
        disabled: false,
        created_at: Utc::now(),
    }
}

async fn every_user_is_listed_once_with_its_changes(backend: Backend) {
    let store = store(backend).await;
    assert!(store.staff_users().await.expect("list").is_empty());
    let kari = user("kari@a-inkasso.no");
    let ola = user("ola@a-inkasso.no");
    assert!(store.create_staff_user(&kari).await.expect("create"));
    assert!(store.create_staff_user(&ola).await.expect("create"));
    assert!(
        !store
            .create_staff_user(&user("kari@a-inkasso.no"))
            .await
            .expect("create")
    );
    let mut disabled = ola.clone();
    disabled.disabled = true;
    assert!(store.save_staff_user(&disabled).await.expect("save"));
    let mut listed = store.staff_users().await.expect("list");
    listed.sort_by(|a, b| a.email.as_str().cmp(b.email.as_str()));
    assert_eq!(listed, vec![kari, disabled]);
}

async fn a_user_is_created_once_per_address_and_found_by_it(backend: Backend) {
    let store = store(backend).await;
    let kari = user("kari@a-inkasso.no");
    assert!(store.create_staff_user(&kari).await.expect("create"));
    let again = user("kari@a-inkasso.no");
    assert!(!store.create_staff_user(&again).await.expect("create"));
    assert_eq!(store.staff_user(&again.id).await.expect("get"), None);
    assert_eq!(
        store
            .staff_user_by_email(&email("kari@a-inkasso.no"))
            .await
            .expect("get"),
        Some(kari.clone())
    );
    assert_eq!(
        store
            .staff_user_by_email(&email("ola@a-inkasso.no"))
            .await
            .expect("get"),
        None
    );
    let changed = StaffUser {
        disabled: true,
        scope: StaffScope::Creditor {
            creditor: CreditorId::parse("nordlys-energi").expect("id"),
        },
        ..kari.clone()
    };
    assert!(store.save_staff_user(&changed).await.expect("save"));
    assert_eq!(
        store.staff_user(&kari.id).await.expect("get"),
        Some(changed)
    );
    assert!(store.use_totp_step(&kari.id, 100).await.expect("step"));
    assert!(
        !store.use_totp_step(&kari.id, 100).await.expect("step"),
        "once"
    );
    assert!(
        !store.use_totp_step(&kari.id, 99).await.expect("step"),
        "not older"
    );
    assert!(store.use_totp_step(&kari.id, 101).await.expect("step"));
    let stepped = store
        .staff_user(&kari.id)
        .await
        .expect("get")
        .expect("user");
    assert_eq!(stepped.totp_last_step, Some(101));
    assert!(stepped.disabled, "nothing else of the user changed");
    assert!(
        !store
            .use_totp_step(&StaffUserId::generate(), 1)
            .await
            .expect("step")
    );
    assert!(
        !store
            .save_staff_user(&user("nobody@a-inkasso.no"))
            .await
            .expect("save"),
        "saving is not creating"
    );
}

async fn an_invitation_is_taken_once(backend: Backend) {
    let store = store(backend).await;
    let digest = TokenDigest::of("invitation-token");
    let invitation = Invitation::new(StaffUserId::generate(), "tag".into(), Utc::now());
    store
        .save_invitation(&digest, &invitation)
        .await
        .expect("save");
    assert_eq!(
        store.invitation(&digest).await.expect("get"),
        Some(invitation.clone())
    );
    assert_eq!(
        store.take_invitation(&digest).await.expect("take"),
        Some(invitation)
    );
    assert_eq!(store.take_invitation(&digest).await.expect("take"), None);
    assert_eq!(store.invitation(&digest).await.expect("get"), None);
}

async fn staff_sessions_are_saved_read_and_ended(backend: Backend) {
    let store = store(backend).await;
    let digest = TokenDigest::of("session-id");
    let now = Utc::now();
    let mut session = StaffSession {
        user: StaffUserId::generate(),
        stage: SessionStage::SecondFactor,
        csrf_token: "csrf".into(),
        created_at: now,
        last_seen_at: now,
        method: LoginMethod::Password,
    };
    store
        .save_staff_session(&digest, &session)
        .await
        .expect("save");
    session.stage = SessionStage::LoggedIn;
    session.last_seen_at = now + Duration::minutes(3);
    store
        .save_staff_session(&digest, &session)
        .await
        .expect("save");
    assert_eq!(
        store.staff_session(&digest).await.expect("get"),
        Some(session.clone())
    );
    session.last_seen_at = now + Duration::minutes(9);
    assert!(
        store
            .refresh_staff_session(&digest, &session)
            .await
            .expect("refresh")
    );
    assert_eq!(
        store.staff_session(&digest).await.expect("get"),
        Some(session.clone())
    );
    store.end_staff_session(&digest).await.expect("end");
    assert_eq!(store.staff_session(&digest).await.expect("get"), None);
    assert!(
        !store
            .refresh_staff_session(&digest, &session)
            .await
            .expect("refresh"),
        "an ended session is not brought back by a request's refresh"
    );
    assert_eq!(store.staff_session(&digest).await.expect("get"), None);
}

async fn failed_logins_count_up_per_name_until_cleared(backend: Backend) {
    let store = store(backend).await;
    let kari = email("kari@a-inkasso.no");
    let at = Utc::now();
    assert_eq!(store.login_failures(&kari).await.expect("get").count, 0);
    store.record_login_failure(&kari, at).await.expect("fail");
    let second = store
        .record_login_failure(&kari, at + Duration::seconds(5))
        .await
        .expect("fail");
    assert_eq!(second.count, 2);
    let read = store.login_failures(&kari).await.expect("get");
    assert_eq!(read.count, 2);
    assert_eq!(
        read.last_at.map(|t| t.timestamp_millis()),
        Some((at + Duration::seconds(5)).timestamp_millis())
    );
    assert_eq!(
        store
            .login_failures(&email("ola@a-inkasso.no"))
            .await
            .expect("get")
            .count,
        0,
        "per name"
    );
    store.clear_login_failures(&kari).await.expect("clear");
    assert_eq!(store.login_failures(&kari).await.expect("get").count, 0);
}

async fn the_access_log_keeps_its_order(backend: Backend) {
    let store = store(backend).await;
    let user = StaffUserId::generate();
    let now = Utc::now();
    let entries = [
        AccessKind::LoginFailed {
            reason: "wrong password".into(),
        },
        AccessKind::Login,
        AccessKind::CaseViewed {
            case_id: "cs_1".into(),
        },
        AccessKind::Logout,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, kind)| AccessEntry {
        at: now + Duration::seconds(i as i64),
        user: (i > 0).then(|| user.clone()),
        kind,
    })
    .collect::<Vec<_>>();
    for entry in &entries {
        store.append_access(entry).await.expect("append");
    }
    assert_eq!(store.access_log(10).await.expect("log"), entries);
    assert_eq!(store.access_log(2).await.expect("log"), entries[2..]);
}

#[tokio::test]
async fn a_reopened_store_file_still_has_every_staff_record() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "staff-reopen-{}.redb",
        uuid::Uuid::new_v4().simple()
    ));
    let kari = user("kari@a-inkasso.no");
    let invitation = Invitation::new(kari.id.clone(), "tag".into(), Utc::now());
    let session = StaffSession {
        user: kari.id.clone(),
        stage: SessionStage::LoggedIn,
        csrf_token: "csrf".into(),
        created_at: Utc::now(),
        last_seen_at: Utc::now(),
        method: LoginMethod::Sso,
    };
    let entry = AccessEntry {
        at: Utc::now(),
        user: Some(kari.id.clone()),
        kind: AccessKind::Login,
    };
    {
        let store = EmbeddedStore::open(&path, None).expect("open");
        assert!(store.create_staff_user(&kari).await.expect("create"));
        store
            .save_invitation(&TokenDigest::of("invite"), &invitation)
            .await
            .expect("invite");
        store
            .save_staff_session(&TokenDigest::of("session"), &session)
            .await
            .expect("session");
        store
            .record_login_failure(&kari.email, Utc::now())
            .await
            .expect("failure");
        store.append_access(&entry).await.expect("log");
    }
    let store = EmbeddedStore::open(&path, None).expect("reopen");
    assert_eq!(
        store.staff_user_by_email(&kari.email).await.expect("get"),
        Some(kari.clone())
    );
    assert_eq!(
        store
            .invitation(&TokenDigest::of("invite"))
            .await
            .expect("get"),
        Some(invitation)
    );
    assert_eq!(
        store
            .staff_session(&TokenDigest::of("session"))
            .await
            .expect("get"),
        Some(session)
    );
    assert_eq!(
        store.login_failures(&kari.email).await.expect("get").count,
        1
    );
    assert_eq!(store.access_log(10).await.expect("log"), vec![entry]);
    drop(store);
    let _ = std::fs::remove_file(&path);
}
