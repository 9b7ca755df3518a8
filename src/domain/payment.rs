//! Payments received on a case, and what applying one does to it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// A bank transfer with the KID, read from the bank's OCR giro or camt.054 file.
    BankTransfer,
    /// Paid to the creditor directly and registered by the agency.
    Direct,
    /// Card, through the card provider's hosted checkout.
    Card,
    /// Vipps MobilePay ePayment, captured after the debtor approved it in the app.
    Vipps,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Payment {
    /// Unique across all sources: the same reference is never applied twice.
    pub reference: String,
    pub amount: Money,
    pub received_on: NaiveDate,
    pub method: PaymentMethod,
    pub recorded_at: DateTime<Utc>,
}

/// What a payment did to the case's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOutcome {
    pub balance_after: Money,
    /// The case is now paid in full.
    pub paid_in_full: bool,
    /// More than was owed: recorded and reported, never silently kept.
    pub overpaid: Option<Money>,
}
