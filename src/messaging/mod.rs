//! Outbound messaging: providers, the composer that renders texts, and the worker that sends.

pub mod composer;
pub mod heartbeat;
pub mod providers;
pub mod recovery;
pub mod unsubscribe;
pub mod worker;

// The providers' old paths (`messaging::providers::twilio`, …), used by the callbacks and the tests.
pub use providers::{console, failover, gatewayapi, postmark, provider, smtp, twilio};

pub use composer::Composer;
pub use heartbeat::Heartbeat;
pub use providers::ProviderSet;
pub use providers::provider::{LookupError, Outbound, Provider, SendError, SendReceipt};
pub use worker::{Worker, WorkerSettings};
