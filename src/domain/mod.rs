//! Pure rules and value types of innfri: no I/O, no async.

pub mod bank_account;
pub mod case;
pub mod contact;
pub mod creditor;
pub mod event;
pub mod identity;
pub mod ids;
pub mod interest;
pub mod journey;
pub mod jurisdiction;
pub mod kid;
pub mod ledger;
pub mod link;
pub mod locale;
pub mod lost_send;
pub mod mandate;
pub mod message;
pub mod money;
pub mod payment;
pub mod plan;
pub mod plan_followup;
pub mod reply;
pub mod retention;
pub mod self_service;
pub mod send_decision;
pub mod text;
