//! The SMS and e-mail providers, one file each, behind one trait ([`Provider`]); the set a
//! worker sends through, and the failover between two providers of a channel.

pub mod console;
pub mod failover;
pub mod gatewayapi;
pub mod memory;
pub mod postmark;
pub mod provider;
pub mod set;
pub mod smtp;
pub mod twilio;

pub use provider::{LookupError, Outbound, Provider, SendError, SendReceipt};
pub use set::ProviderSet;
