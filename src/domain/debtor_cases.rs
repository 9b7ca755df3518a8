//! A debtor's other cases at the same agency: which of them a page opened by one case's link
//! may show beside it, and what they come to together.
//!
//! The rule is strict on purpose, because a wrong match shows one person's debt to another:
//! the agency must have given both cases the same number or the same address, and no address
//! of one kind that differs (one case's phone is not the other's), so a number the agency
//! mistyped onto a stranger's case does not bring that stranger's other cases along. A case
//! behind an identity step-up is shown only to a session that passed one with the same facts.

use super::case::{Case, CaseStatus, Debtor};
use super::identity::step_up_required;
use super::mandate::IdentityCheck;
use super::money::Money;

/// Whether the agency's records make `other` a case of `current`'s debtor (see the module
/// documentation): the same agency, another case, not erased, and addresses that agree.
pub fn same_debtor(current: &Case, other: &Case) -> bool {
    current.agency_id == other.agency_id
        && current.id != other.id
        && !current.is_erased()
        && !other.is_erased()
        && addresses_agree(&current.debtor, &other.debtor)
}

/// At least one address in common, and none of the same kind that differs.
fn addresses_agree(a: &Debtor, b: &Debtor) -> bool {
    let phones = match (&a.phone, &b.phone) {
        (Some(x), Some(y)) => Some(x.e164() == y.e164()),
        _ => None,
    };
    let emails = match (&a.email, &b.email) {
        // Mailboxes that differ only in case are one person's in practice (as for opt-outs).
        (Some(x), Some(y)) => Some(x.as_str().to_lowercase() == y.as_str().to_lowercase()),
        _ => None,
    };
    match (phones, emails) {
        (Some(false), _) | (_, Some(false)) => false,
        (Some(true), _) | (_, Some(true)) => true,
        (None, None) => false,
    }
}

/// Whether a page of `current` (in a session that has passed the step-up or not) may list
/// `other`, whose creditor's mandate asks for `other_check`: a case of the same debtor that is
/// open for payment, and either without a step-up or behind one the session passed with the
/// same facts.
pub fn may_show(current: &Case, verified: bool, other: &Case, other_check: IdentityCheck) -> bool {
    same_debtor(current, other)
        && other.status == CaseStatus::Open
        && (!step_up_required(other_check, &other.identity)
            || (verified && other.identity == current.identity))
}

/// Whether a session moved from `current` to `other` stays verified: only when it was and
/// the two cases' step-up facts are the same (the answer given fits both).
pub fn stays_verified(current: &Case, verified: bool, other: &Case) -> bool {
    verified && other.identity == current.identity
}

/// What the cases come to together: `None` when they are in different currencies (each is
/// shown on its own then) or the sum overflows.
pub fn total(balances: &[Money]) -> Option<Money> {
    let (first, rest) = balances.split_first()?;
    rest.iter()
        .try_fold(*first, |sum, balance| sum.checked_add(*balance).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact::{EmailAddress, PhoneNumber};
    use crate::domain::identity::IdentityFacts;
    use crate::domain::ids::{AgencyId, CaseId};
    use crate::domain::money::Currency;
    use proptest::prelude::*;

    fn case_with(phone: Option<&str>, email: Option<&str>) -> Case {
        let mut case = crate::domain::case::tests::sample_case();
        case.id = CaseId::generate();
        case.debtor.phone = phone.map(|p| PhoneNumber::parse(p).expect("phone"));
        case.debtor.email = email.map(|e| EmailAddress::parse(e).expect("email"));
        case
    }

    #[test]
    fn a_shared_number_or_address_makes_the_same_debtor() {
        let a = case_with(Some("+4791234567"), Some("kari@example.no"));
        assert!(same_debtor(&a, &case_with(Some("+4791234567"), None)));
        assert!(same_debtor(&a, &case_with(None, Some("Kari@Example.no"))));
        assert!(same_debtor(
            &a,
            &case_with(Some("+4791234567"), Some("kari@example.no"))
        ));
    }

    #[test]
    fn a_differing_address_of_one_kind_or_nothing_in_common_is_another_person() {
        let a = case_with(Some("+4791234567"), Some("kari@example.no"));
        assert!(!same_debtor(
            &a,
            &case_with(Some("+4791234567"), Some("ola@example.no"))
        ));
        assert!(!same_debtor(
            &a,
            &case_with(Some("+4741234567"), Some("kari@example.no"))
        ));
        assert!(!same_debtor(&a, &case_with(Some("+4741234567"), None)));
        assert!(!same_debtor(&a, &case_with(None, None)));
        assert!(!same_debtor(&case_with(None, None), &case_with(None, None)));
    }

    #[test]
    fn never_itself_another_agency_or_an_erased_case() {
        let a = case_with(Some("+4791234567"), None);
        assert!(!same_debtor(&a, &a));
        let mut elsewhere = case_with(Some("+4791234567"), None);
        elsewhere.agency_id = AgencyId::parse("another").expect("agency");
        assert!(!same_debtor(&a, &elsewhere));
        let mut erased = case_with(Some("+4791234567"), None);
        erased.erase_by(crate::domain::event::Actor::Agency, chrono::Utc::now());
        assert!(!same_debtor(&a, &erased));
    }

    #[test]
    fn only_open_cases_are_shown_and_a_step_up_only_to_a_session_that_passed_the_same() {
        let a = case_with(Some("+4791234567"), None);
        let mut b = case_with(Some("+4791234567"), None);
        assert!(
            may_show(&a, false, &b, IdentityCheck::BirthDate),
            "no facts, no step-up"
        );
        b.status = CaseStatus::Paid;
        assert!(!may_show(&a, false, &b, IdentityCheck::None));
        b.status = CaseStatus::Disputed;
        assert!(!may_show(&a, false, &b, IdentityCheck::None));
        b.status = CaseStatus::Open;
        b.identity = IdentityFacts {
            postcode: None,
            birth_date: chrono::NaiveDate::from_ymd_opt(1980, 5, 17),
        };
        assert!(!may_show(&a, false, &b, IdentityCheck::BirthDate));
        assert!(
            !may_show(&a, true, &b, IdentityCheck::BirthDate),
            "other facts"
        );
        let mut verified_case = a.clone();
        verified_case.identity = b.identity.clone();
        assert!(may_show(&verified_case, true, &b, IdentityCheck::BirthDate));
        assert!(!may_show(
            &verified_case,
            false,
            &b,
            IdentityCheck::BirthDate
        ));
        assert!(stays_verified(&verified_case, true, &b));
        assert!(!stays_verified(&a, true, &b));
    }

    #[test]
    fn a_total_only_in_one_currency() {
        let nok = |minor| Money::from_minor(minor, Currency::NOK);
        assert_eq!(total(&[nok(100), nok(250)]), Some(nok(350)));
        assert_eq!(total(&[]), None);
        let eur = Money::from_minor(100, Currency::EUR);
        assert_eq!(total(&[nok(100), eur]), None);
    }

    proptest! {
        /// Being the same debtor goes both ways, whatever the addresses.
        #[test]
        fn the_relation_is_symmetric(
            a_phone in proptest::option::of(0u8..3), a_email in proptest::option::of(0u8..3),
            b_phone in proptest::option::of(0u8..3), b_email in proptest::option::of(0u8..3),
        ) {
            let phone = |n: Option<u8>| n.map(|n| format!("+479123456{n}"));
            let email = |n: Option<u8>| n.map(|n| format!("d{n}@example.no"));
            let (pa, ea, pb, eb) = (phone(a_phone), email(a_email), phone(b_phone), email(b_email));
            let a = case_with(pa.as_deref(), ea.as_deref());
            let b = case_with(pb.as_deref(), eb.as_deref());
            prop_assert_eq!(same_debtor(&a, &b), same_debtor(&b, &a));
            // Sharing nothing is never a match.
            if (pa.is_none() || pb.is_none() || pa != pb) && (ea.is_none() || eb.is_none() || ea != eb) {
                prop_assert!(!same_debtor(&a, &b));
            }
        }
    }
}
