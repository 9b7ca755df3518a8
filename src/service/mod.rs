//! The use cases, one per file: each takes the context (or the parts it needs) and `now`, and
//! returns typed errors; no actix, no HTTP status codes. The agency API, the debtor pages, the
//! CSV import, the callbacks and the worker call these: nothing else changes a case.

pub mod agencies;
pub mod agency_settings;
pub mod amount;
pub mod cases;
pub mod closing;
pub mod contact_update;
pub mod conversation;
pub mod debtor_cases;
pub mod delivery_reports;
pub mod documents;
pub mod erasure;
pub mod identity;
pub mod import;
pub mod journey;
pub mod journey_config;
pub mod journey_stats;
pub mod mandates;
pub mod messages;
pub mod overview;
pub mod owed;
pub mod payments;
pub mod plan_followup;
pub mod receipts;
pub mod reconcile;
pub mod replies;
pub mod retention;
pub mod retry;
pub mod reviews;
pub mod self_service;
pub mod sessions;
pub mod setting_versions;
pub mod staff;
pub mod staff_cases;
pub mod staff_login;
pub mod staff_sso;
pub mod unsubscribe;
pub mod webhook_replay;
pub mod webhook_settings;
