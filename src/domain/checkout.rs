//! What became of an online payment the debtor started, as the page they return to tells it:
//! paid, still being confirmed, cancelled or failed, from what the case records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::case::Case;

/// How an online payment ended without money moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutEnd {
    /// The debtor stopped it (cancelled in the Vipps app, or at the card page).
    Cancelled,
    /// The provider gave up: it expired, was refused or terminated.
    Failed,
}

/// An online payment that ended without money, under the reference its payment would have had
/// (`vipps:…`, `stripe:…`, `fake:…`): no personal data, kept with the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndedCheckout {
    pub reference: String,
    pub end: CheckoutEnd,
    pub at: DateTime<Utc>,
}

/// Where one online payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutState {
    Paid,
    /// Nothing is recorded yet: the provider's confirmation is on its way (or never comes).
    Confirming,
    Cancelled,
    Failed,
}

/// The state of the online payment known by any of `references`, from the case. A payment
/// applied wins over anything else (money moved); then what the provider said ended it; then
/// the debtor's own return by the cancel address (`cancelled_on_return`); else it is still
/// being confirmed.
pub fn checkout_state(
    case: &Case,
    references: &[String],
    cancelled_on_return: bool,
) -> CheckoutState {
    let named = |reference: &String| references.contains(reference);
    if case.payments.iter().any(|p| named(&p.reference)) {
        return CheckoutState::Paid;
    }
    match case.checkouts_ended.iter().find(|e| named(&e.reference)) {
        Some(ended) if ended.end == CheckoutEnd::Failed => CheckoutState::Failed,
        Some(_) => CheckoutState::Cancelled,
        None if cancelled_on_return => CheckoutState::Cancelled,
        None => CheckoutState::Confirming,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::Actor;
    use crate::domain::money::Money;
    use crate::domain::payment::{Payment, PaymentMethod};

    fn refs(r: &str) -> Vec<String> {
        vec![r.to_owned()]
    }

    #[test]
    fn nothing_recorded_is_still_being_confirmed_unless_the_debtor_came_back_by_cancel() {
        let case = crate::domain::case::tests::sample_case();
        assert_eq!(
            checkout_state(&case, &refs("vipps:a"), false),
            CheckoutState::Confirming
        );
        assert_eq!(
            checkout_state(&case, &refs("vipps:a"), true),
            CheckoutState::Cancelled
        );
    }

    #[test]
    fn a_payment_applied_wins_and_an_ended_one_says_how_it_ended() {
        let mut case = crate::domain::case::tests::sample_case();
        let now = Utc::now();
        assert!(case.end_checkout("vipps:a", CheckoutEnd::Failed, now));
        assert!(
            !case.end_checkout("vipps:a", CheckoutEnd::Failed, now),
            "once"
        );
        assert!(case.end_checkout("vipps:b", CheckoutEnd::Cancelled, now));
        assert_eq!(
            checkout_state(&case, &refs("vipps:a"), false),
            CheckoutState::Failed
        );
        assert_eq!(
            checkout_state(&case, &refs("vipps:b"), false),
            CheckoutState::Cancelled
        );
        let payment = Payment {
            reference: "vipps:a".into(),
            amount: Money::from_minor(10_000, case.currency()),
            received_on: now.date_naive(),
            method: PaymentMethod::Vipps,
            recorded_at: now,
        };
        case.apply_payment(
            payment,
            Actor::System,
            now,
            &crate::domain::ledger::OwedOn::without_interest(now.date_naive()),
        );
        assert_eq!(
            checkout_state(&case, &refs("vipps:a"), true),
            CheckoutState::Paid
        );
        assert!(
            !case.end_checkout("vipps:a", CheckoutEnd::Cancelled, now),
            "paid stays paid"
        );
    }
}
