//! Every integration test in one binary: one link instead of one per file, and one
//! redis-server for the whole run. Each former `tests/*.rs` file is a module here; the shared
//! harness is `common`: `TestApp::builder()` for the app under test in every variation, a
//! debtor on a phone, the fake providers, one Redis.

#[macro_use]
mod common;

mod agency_input;
mod api;
mod availability;
mod browser;
mod case_lifecycle;
mod config;
mod console;
mod contact_update;
mod conversation;
mod creditor_console;
mod cross_tenant;
mod debtor_cases;
mod debtor_forms;
mod debtor_pages;
mod debtor_paid;
mod debtor_requests;
mod documents;
mod events;
mod idempotency;
mod identity;
mod import;
mod interest;
mod journey;
mod journey_api;
mod journeys;
mod languages;
mod logging;
mod mandate_versions;
mod mandates;
mod metrics;
mod online_payments;
mod openapi;
mod opt_out;
mod overview;
mod plan_followup;
mod plan_reminders;
mod privacy;
mod process;
mod providers;
mod reconciliation;
mod redis_tags;
mod retention;
mod reviews;
mod self_service;
mod sso;
mod staff_store;
mod store_conformance;
mod tenants;
mod webhook_settings;
mod webhooks;
mod worker;
mod worker_crash;
