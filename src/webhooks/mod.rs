//! Outbound webhooks to agencies, signed per the Standard Webhooks specification.

pub mod delivery;
pub mod destination;
pub mod signing;
