//! Outbound messaging: providers, the composer that renders texts, and the worker that sends.

pub mod composer;
pub mod console;
pub mod provider;
pub mod receipts;
pub mod segments;
pub mod twilio;
pub mod worker;

pub use composer::Composer;
pub use provider::{Outbound, Provider, SendError, SendReceipt};
pub use worker::{Worker, WorkerSettings};
