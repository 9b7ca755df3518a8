//! innfri: signed payment links, debtor self-service and messaging for debt collection.
//!
//! Layout (dependencies point down the list; `domain` depends on nothing of ours):
//! - [`roles`], [`app`]: how `serve`, `worker` and `demo` start and what they share;
//! - [`web`]: debtor pages, the agency API, health checks;
//! - [`messaging`]: the outbound queue worker, composer and SMS/e-mail providers;
//! - [`payments`]: bank payment files (OCR giro) read into payments to match by KID;
//! - [`webhooks`]: signing of outbound agency events (Standard Webhooks);
//! - [`erasure`], [`retention`]: erasing a case's personal data, on request and on schedule;
//! - [`store`]: storage traits with Redis and embedded backends;
//! - [`links`]: short-link tokens (signing, verification, rotation);
//! - [`config`], [`i18n`], [`telemetry`]: settings, texts, logs;
//! - [`domain`]: pure rules and value types.

pub mod app;
pub mod cases;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod erasure;
pub mod i18n;
pub mod import;
pub mod links;
pub mod messaging;
pub mod payments;
pub mod retention;
pub mod roles;
pub mod store;
pub mod telemetry;
pub mod tenants;
pub mod web;
pub mod webhooks;
