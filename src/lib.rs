//! innfri: signed payment links, debtor self-service and messaging for debt collection.
//!
//! Layout (dependencies point down the list; `domain` depends on nothing of ours):
//! - [`app`]: the composition root: builds the context, runs `serve`, `worker` and `demo`, and
//!   the operator's commands; nothing depends on it;
//! - [`http`]: actix only: debtor pages, the agency API, provider callbacks, health checks;
//! - [`service`]: the use cases (one per file); the only code that changes state;
//! - [`context`]: what use cases, handlers and the worker share;
//! - [`messaging`]: the outbound queue worker, composer and SMS/e-mail providers;
//! - [`payments`]: bank payment files (OCR giro, camt.054) and card/Vipps gateways;
//! - [`webhooks`]: signing and delivery of outbound agency events (Standard Webhooks);
//! - [`store`]: storage traits with Redis and embedded backends;
//! - [`links`]: short-link tokens (signing, verification, rotation);
//! - [`config`], [`proxy`], [`i18n`], [`telemetry`], [`clock`]: settings, texts, logs, time;
//! - [`domain`]: pure rules and value types.

pub mod app;
pub mod clock;
pub mod config;
pub mod context;
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
pub mod webhooks;

#[cfg(test)]
mod architecture;
