//! innfri: signed payment links, debtor self-service and messaging for debt collection.
//!
//! Layout (dependencies point down the list; `architecture.rs` checks the rules):
//! - [`app`]: the composition root: builds the [`context`] (store, clock, providers, gateways,
//!   texts, tenants), runs the roles (`app::roles`: serve, worker, demo) and the operator's
//!   commands (`app::commands`); `main.rs` only parses arguments. Nothing depends on it.
//! - [`http`]: actix only, mapping use cases' answers and errors to HTTP: `http::debtor`
//!   (link, session, pages, self-service, pay, identity, unsubscribe), `http::api` (one file
//!   per resource, `dto`, `errors`, `idempotency`, `openapi`), `http::callbacks` (one file per
//!   provider), health checks. Nothing outside `http` and `app` uses it.
//! - [`service`]: the use cases, one per file, each taking the context and `now` and returning
//!   typed errors; the only code that changes a case (intake, self-service, reviews, closing,
//!   messages, payments and reconciliation, receipts, delivery reports, replies, unsubscribe,
//!   identity, sessions, erasure, retention, import, agencies), with the one retry loop for
//!   read-modify-write on a case (`service::retry`).
//! - [`context`]: what use cases, handlers and the worker share; [`tenants`]: the agencies,
//!   keys and mandates in the store, read through a short cache.
//! - [`messaging`]: the outbound queue worker, composer and SMS/e-mail providers;
//!   [`payments`]: bank files (OCR giro, camt.054) and the card/Vipps gateways;
//!   [`webhooks`]: signing and delivery of outbound agency events (Standard Webhooks).
//! - [`store`]: storage traits with Redis and embedded backends; [`links`]: short-link tokens;
//!   [`documents`]: case documents' bytes in object storage (folder, S3) and the plan PDF.
//! - [`config`], [`proxy`], [`i18n`], [`telemetry`], [`clock`]: settings, texts, logs, time.
//! - [`domain`]: pure rules and value types; uses nothing of ours outside itself.

pub mod app;
pub mod clock;
pub mod config;
pub mod context;
pub mod documents;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod links;
pub mod messaging;
pub mod payments;
pub mod proxy;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod tenants;
pub mod webhooks;

#[cfg(test)]
mod architecture;
