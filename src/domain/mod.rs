//! Pure rules and value types of innfri: no I/O, no async.

pub mod bank_account;
pub mod case;
pub mod contact;
pub mod creditor;
pub mod event;
pub mod identity;
pub mod ids;
pub mod jurisdiction;
pub mod kid;
pub mod link;
pub mod locale;
pub mod mandate;
pub mod message;
pub mod money;
pub mod payment;
pub mod plan;
pub mod self_service;
pub mod text;
