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
pub mod recovery;
pub mod segments;
pub mod smtp;
pub mod twilio;
pub mod unsubscribe;
pub mod worker;

pub use composer::Composer;
pub use heartbeat::Heartbeat;
pub use provider::{LookupError, Outbound, Provider, SendError, SendReceipt};
pub use providers::ProviderSet;
pub use worker::{Worker, WorkerSettings};
