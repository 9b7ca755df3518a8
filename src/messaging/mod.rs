//! Outbound messaging: providers, the composer that renders texts, and the worker that sends.

pub mod composer;
pub mod console;
pub mod delivery;
pub mod failover;
pub mod gatewayapi;
pub mod heartbeat;
pub mod postmark;
pub mod provider;
pub mod providers;
pub mod receipts;
pub mod segments;
pub mod smtp;
pub mod twilio;
pub mod worker;

pub use composer::Composer;
pub use heartbeat::Heartbeat;
pub use provider::{Outbound, Provider, SendError, SendReceipt};
pub use providers::ProviderSet;
pub use worker::{Worker, WorkerSettings};
