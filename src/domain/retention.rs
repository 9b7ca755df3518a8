//! The retention schedule's rules: when a settled case is due for automatic erasure, and which
//! events are old enough to be trimmed from the outbox.

use chrono::{DateTime, Duration, Utc};

use super::case::Case;

/// Days after a case was paid or closed before its personal data goes, unless the creditor
/// sets its own (`[retention] erase_after_days` in its file).
pub const DEFAULT_ERASE_AFTER_DAYS: u32 = 90;

/// Days an event stays in the outbox (webhooks and the pull API) before it is trimmed.
pub const DEFAULT_EVENTS_DAYS: u32 = 90;

/// The longest either may be: ten years, past any limitation period (foreldelsesloven § 21).
pub const MAX_DAYS: u32 = 3650;

/// Cases settled before this instant are due for erasure at `now`: "more than `days` days ago".
pub fn erase_cutoff(now: DateTime<Utc>, erase_after_days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(erase_after_days))
}

/// Whether `case` is due for automatic erasure at `now`.
pub fn is_due_for_erasure(case: &Case, now: DateTime<Utc>, erase_after_days: u32) -> bool {
    case.retention_clock()
        .is_some_and(|settled| settled < erase_cutoff(now, erase_after_days))
}

/// Events that happened before this instant are trimmed at `now`.
pub fn events_cutoff(now: DateTime<Utc>, events_days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(events_days))
}

/// Whether a configured number of days is allowed (at least one, at most [`MAX_DAYS`]).
pub fn valid_days(days: u32) -> bool {
    (1..=MAX_DAYS).contains(&days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::sample_terms;
    use crate::domain::ids::{AgencyId, CaseId, ExternalRef};
    use crate::domain::kid::{Kid, KidAlgorithm};
    use proptest::prelude::*;

    fn closed_at(at: DateTime<Utc>) -> Case {
        let mut case = Case::open(
            CaseId::generate(),
            AgencyId::parse("a").expect("id"),
            ExternalRef::parse("r1").expect("ref"),
            sample_terms(),
            Kid::parse("12344", KidAlgorithm::Mod10).expect("kid"),
            at,
        );
        case.close("", at);
        case
    }

    #[test]
    fn a_case_closed_91_days_ago_is_due_and_one_closed_89_days_ago_is_not() {
        let now = Utc::now();
        assert!(is_due_for_erasure(
            &closed_at(now - Duration::days(91)),
            now,
            90
        ));
        assert!(!is_due_for_erasure(
            &closed_at(now - Duration::days(89)),
            now,
            90
        ));
        assert!(
            !is_due_for_erasure(&closed_at(now - Duration::days(90)), now, 90),
            "exactly 90 days is not more than 90"
        );
    }

    #[test]
    fn open_and_erased_cases_are_never_due() {
        let long_ago = Utc::now() - Duration::days(1000);
        let mut case = closed_at(long_ago);
        case.erase(long_ago);
        assert!(!is_due_for_erasure(&case, Utc::now(), 1));
        let open = Case::open(
            CaseId::generate(),
            AgencyId::parse("a").expect("id"),
            ExternalRef::parse("r2").expect("ref"),
            sample_terms(),
            Kid::parse("12344", KidAlgorithm::Mod10).expect("kid"),
            long_ago,
        );
        assert!(!is_due_for_erasure(&open, Utc::now(), 1));
    }

    #[test]
    fn only_one_to_ten_years_of_days_is_allowed() {
        assert!(!valid_days(0));
        assert!(valid_days(1) && valid_days(90) && valid_days(MAX_DAYS));
        assert!(!valid_days(MAX_DAYS + 1));
    }

    proptest! {
        #[test]
        fn due_exactly_when_settled_more_than_the_days_ago(age_hours in 0i64..(24 * 400), days in 1u32..365) {
            let now = Utc::now();
            let case = closed_at(now - Duration::hours(age_hours));
            prop_assert_eq!(
                is_due_for_erasure(&case, now, days),
                age_hours > i64::from(days) * 24
            );
        }
    }
}
