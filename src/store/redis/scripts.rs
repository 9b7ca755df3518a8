//! The Lua scripts, one `.lua` file each under `scripts/`, loaded once per store.
//!
//! A script is where a change spans several keys and must be one atomic step (or saves a round
//! trip on a hot path). Each file says what its KEYS and ARGV are; every key a script touches is
//! in its KEYS (none is built inside), and all of them share one hash tag (see `keys.rs`), so
//! each runs on one Cluster node. The case-writing scripts share functions from
//! `case_write_helpers.lua`, prepended to them (Redis scripts cannot import one another).

use redis::Script;

/// Functions the case-writing scripts share (see the file).
const CASE_WRITE_HELPERS: &str = include_str!("scripts/case_write_helpers.lua");

pub(super) struct Scripts {
    pub(super) add_versions: Script,
    pub(super) apply_payment: Script,
    pub(super) begin_send: Script,
    pub(super) cancel_queued: Script,
    pub(super) claim_contact_slot: Script,
    pub(super) claim_due: Script,
    pub(super) claim_ref: Script,
    pub(super) create_staff_user: Script,
    pub(super) events_after: Script,
    pub(super) forget_case_answers: Script,
    pub(super) idempotency_abandon: Script,
    pub(super) idempotency_begin: Script,
    pub(super) idempotency_drop: Script,
    pub(super) idempotency_finish: Script,
    pub(super) list_answer: Script,
    pub(super) migrate_reply_route: Script,
    pub(super) publish_events: Script,
    pub(super) revoke_link: Script,
    pub(super) rewrite_events: Script,
    pub(super) trim_events: Script,
    pub(super) update_case: Script,
    pub(super) update_case_with_events: Script,
    pub(super) use_totp_step: Script,
}

impl Scripts {
    pub(super) fn load() -> Scripts {
        let with_helpers = |script: &str| Script::new(&format!("{CASE_WRITE_HELPERS}{script}"));
        Scripts {
            add_versions: Script::new(include_str!("scripts/add_versions.lua")),
            apply_payment: with_helpers(include_str!("scripts/apply_payment.lua")),
            begin_send: Script::new(include_str!("scripts/begin_send.lua")),
            cancel_queued: Script::new(include_str!("scripts/cancel_queued.lua")),
            claim_contact_slot: Script::new(include_str!("scripts/claim_contact_slot.lua")),
            claim_due: Script::new(include_str!("scripts/claim_due.lua")),
            claim_ref: Script::new(include_str!("scripts/claim_ref.lua")),
            create_staff_user: Script::new(include_str!("scripts/create_staff_user.lua")),
            events_after: Script::new(include_str!("scripts/events_after.lua")),
            forget_case_answers: Script::new(include_str!("scripts/forget_case_answers.lua")),
            idempotency_abandon: Script::new(include_str!("scripts/idempotency_abandon.lua")),
            idempotency_begin: Script::new(include_str!("scripts/idempotency_begin.lua")),
            idempotency_drop: Script::new(include_str!("scripts/idempotency_drop.lua")),
            idempotency_finish: Script::new(include_str!("scripts/idempotency_finish.lua")),
            list_answer: Script::new(include_str!("scripts/list_answer.lua")),
            migrate_reply_route: Script::new(include_str!("scripts/migrate_reply_route.lua")),
            publish_events: Script::new(include_str!("scripts/publish_events.lua")),
            revoke_link: Script::new(include_str!("scripts/revoke_link.lua")),
            rewrite_events: Script::new(include_str!("scripts/rewrite_events.lua")),
            trim_events: Script::new(include_str!("scripts/trim_events.lua")),
            update_case: Script::new(include_str!("scripts/update_case.lua")),
            use_totp_step: Script::new(include_str!("scripts/use_totp_step.lua")),
            update_case_with_events: with_helpers(include_str!(
                "scripts/update_case_with_events.lua"
            )),
        }
    }
}
