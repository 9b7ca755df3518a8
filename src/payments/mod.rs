//! Payments: bank files (Nets OCR giro, ISO 20022 camt.054) matched by KID, and online payment (Stripe, Vipps) started from the case page and applied from verified webhooks.

pub mod bank_files;
pub mod gateways;

// The old paths (`payments::bank_files::ocr`, `payments::gateways::checkout`, …), used by the web layer and the tests.
pub use bank_files::{camt054, camt054_keys, ocr};
pub use gateways::{checkout, stripe, vipps};

use chrono::NaiveDate;

use crate::domain::money::Money;

/// One payment a bank file reports, before it is matched to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPayment {
    /// Unique per payment across files, so importing the same file twice applies nothing new.
    pub reference: String,
    /// The key an earlier innfri gave this payment, when it differs from `reference`: a
    /// payment already applied under it is not applied again (see `reconcile`).
    pub legacy_reference: Option<String>,
    /// The payer's KID as written (digits, maybe a trailing '-'); `None` for free-text payments.
    pub kid: Option<String>,
    /// Negative for reversals.
    pub amount: Money,
    pub booked_on: NaiveDate,
    /// The creditor account that received it (11 digits).
    pub to_account: String,
    /// The payer's account, when the file says.
    pub from_account: Option<String>,
    /// Line (or element position) in the file, for reports.
    pub line: usize,
}

/// A file that cannot be read: where and why. Nothing from such a file is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ImportError {
    pub line: usize,
    pub message: String,
}
