//! The identity step-up a mandate may require before case details are shown: facts the agency
//! knows (postcode, birth date) that the debtor confirms, with a limit on attempts.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::case::Case;
use super::event::Actor;
use super::mandate::IdentityCheck;

/// What the agency told us about the debtor, for the step-up only (never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct IdentityFacts {
    pub postcode: Option<Postcode>,
    pub birth_date: Option<NaiveDate>,
}

/// A Norwegian postcode: four digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(text: &str) -> Option<Postcode> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then_some(Postcode(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a birth date as people type it: dd.mm.yyyy, dd/mm/yyyy, ddmmyyyy or yyyy-mm-dd.
pub fn parse_birth_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%d.%m.%Y", "%d/%m/%Y", "%d%m%Y", "%Y-%m-%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// Whether the debtor must confirm a fact first: only when the mandate asks and the fact is known.
pub fn step_up_required(check: IdentityCheck, facts: &IdentityFacts) -> bool {
    match check {
        IdentityCheck::None => false,
        IdentityCheck::Postcode => facts.postcode.is_some(),
        IdentityCheck::BirthDate => facts.birth_date.is_some(),
    }
}

/// Whether the debtor's answer matches the known fact (compared in constant time).
pub fn answer_matches(check: IdentityCheck, facts: &IdentityFacts, answer: &str) -> bool {
    let (expected, given) = match check {
        IdentityCheck::None => return true,
        IdentityCheck::Postcode => (
            facts.postcode.as_ref().map(|p| p.as_str().to_owned()),
            Postcode::parse(answer).map(|p| p.as_str().to_owned()),
        ),
        IdentityCheck::BirthDate => (
            facts.birth_date.map(|d| d.to_string()),
            parse_birth_date(answer).map(|d| d.to_string()),
        ),
    };
    match (expected, given) {
        (Some(e), Some(g)) => bool::from(e.as_bytes().ct_eq(g.as_bytes())),
        _ => false,
    }
}

/// How long the page stays closed after the last allowed wrong answer.
pub const LOCK_HOURS: i64 = 24;

/// What counting one more answer to the step-up allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerTurn {
    /// The answer may be compared: it is attempt `attempt` (from 1) of the allowed ones.
    Compare { attempt: u32 },
    /// The page is closed: the answer is not looked at.
    Locked,
}

/// The attempt limit. An answer is counted on the case (and the count saved, compare-and-set)
/// *before* it is compared, so answers sent in parallel each take their own turn and no more
/// than the allowed number are ever compared; a right answer gives the count back.
impl Case {
    pub fn identity_locked(&self, now: DateTime<Utc>) -> bool {
        self.identity_locked_until.is_some_and(|until| now < until)
    }

    /// Counts one more answer. `Locked` changes nothing unless the limit was only reached by
    /// answers still being compared (then it closes the page itself).
    pub fn take_identity_turn(&mut self, max_attempts: u32, now: DateTime<Utc>) -> AnswerTurn {
        if self.identity_locked(now) {
            return AnswerTurn::Locked;
        }
        if self.identity_failures >= max_attempts {
            self.lock_identity(now);
            return AnswerTurn::Locked;
        }
        self.identity_failures += 1;
        AnswerTurn::Compare {
            attempt: self.identity_failures,
        }
    }

    /// The answer of `attempt` was wrong (recorded, never the answer itself); returns the
    /// attempts left. The last allowed one closes the page for [`LOCK_HOURS`] (unless a
    /// parallel answer already did).
    pub fn identity_answer_wrong(
        &mut self,
        attempt: u32,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> u32 {
        self.record(
            Actor::Debtor,
            "identity.wrong_answer",
            format!("attempt {attempt} of {max_attempts}"),
            now,
        );
        let left = max_attempts.saturating_sub(attempt);
        if left == 0 && !self.identity_locked(now) {
            self.lock_identity(now);
        }
        left
    }

    /// A right answer: the count starts again, and a lock set meanwhile by answers over the
    /// limit is lifted (they were never compared; this one was, within the limit).
    pub fn identity_answer_right(&mut self) {
        self.identity_failures = 0;
        self.identity_locked_until = None;
    }

    fn lock_identity(&mut self, now: DateTime<Utc>) {
        self.identity_failures = 0;
        self.identity_locked_until = Some(now + Duration::hours(LOCK_HOURS));
        self.record(
            Actor::System,
            "identity.locked",
            "too many wrong answers; page closed for 24 hours",
            now,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> IdentityFacts {
        IdentityFacts {
            postcode: Postcode::parse("0150"),
            birth_date: NaiveDate::from_ymd_opt(1980, 5, 17),
        }
    }

    #[test]
    fn postcodes_match_when_typed_with_spaces_but_not_when_different() {
        assert!(answer_matches(IdentityCheck::Postcode, &facts(), " 01 50 "));
        assert!(!answer_matches(IdentityCheck::Postcode, &facts(), "0151"));
        assert!(!answer_matches(IdentityCheck::Postcode, &facts(), "abcd"));
    }

    #[test]
    fn birth_dates_match_in_the_formats_people_type() {
        for typed in ["17.05.1980", "17/05/1980", "17051980", "1980-05-17"] {
            assert!(
                answer_matches(IdentityCheck::BirthDate, &facts(), typed),
                "{typed}"
            );
        }
        assert!(!answer_matches(
            IdentityCheck::BirthDate,
            &facts(),
            "18.05.1980"
        ));
    }

    #[test]
    fn no_step_up_without_the_fact_to_check_against() {
        assert!(!step_up_required(
            IdentityCheck::Postcode,
            &IdentityFacts::default()
        ));
        assert!(step_up_required(IdentityCheck::Postcode, &facts()));
        assert!(!step_up_required(IdentityCheck::None, &facts()));
    }

    fn case() -> Case {
        let kid = crate::domain::kid::Kid::parse("12344", crate::domain::kid::KidAlgorithm::Mod10)
            .expect("kid");
        Case::open(
            crate::domain::ids::CaseId::generate(),
            crate::domain::ids::AgencyId::parse("a").expect("id"),
            crate::domain::ids::ExternalRef::parse("r1").expect("ref"),
            crate::domain::case::tests::sample_terms(),
            kid,
            Utc::now(),
        )
    }

    #[test]
    fn answers_counted_together_are_compared_at_most_up_to_the_limit() {
        let now = Utc::now();
        let mut case = case();
        // Twenty answers counted before any is compared (a parallel burst).
        let turns: Vec<AnswerTurn> = (0..20).map(|_| case.take_identity_turn(3, now)).collect();
        let compared: Vec<u32> = turns
            .iter()
            .filter_map(|t| match t {
                AnswerTurn::Compare { attempt } => Some(*attempt),
                AnswerTurn::Locked => None,
            })
            .collect();
        assert_eq!(compared, vec![1, 2, 3]);
        assert!(case.identity_locked(now), "the fourth closed the page");
        let locks = case.audit.iter().filter(|a| a.action == "identity.locked");
        assert_eq!(locks.count(), 1, "closed once");
        // The third answer comes back wrong: the page stays closed, not closed twice.
        assert_eq!(case.identity_answer_wrong(3, 3, now), 0);
        let locks = case.audit.iter().filter(|a| a.action == "identity.locked");
        assert_eq!(locks.count(), 1);
    }

    #[test]
    fn the_last_wrong_answer_closes_the_page_for_a_day_and_a_right_one_resets() {
        let now = Utc::now();
        let mut case = case();
        for attempt in 1..=2 {
            assert_eq!(
                case.take_identity_turn(3, now),
                AnswerTurn::Compare { attempt }
            );
            assert_eq!(case.identity_answer_wrong(attempt, 3, now), 3 - attempt);
        }
        assert!(!case.identity_locked(now));
        assert_eq!(
            case.take_identity_turn(3, now),
            AnswerTurn::Compare { attempt: 3 }
        );
        case.identity_answer_right();
        assert_eq!(
            case.identity_failures, 0,
            "a right answer gives the count back"
        );
        for attempt in 1..=3 {
            assert_eq!(
                case.take_identity_turn(3, now),
                AnswerTurn::Compare { attempt }
            );
            case.identity_answer_wrong(attempt, 3, now);
        }
        assert!(case.identity_locked(now));
        assert_eq!(case.take_identity_turn(3, now), AnswerTurn::Locked);
        let later = now + Duration::hours(LOCK_HOURS);
        assert!(!case.identity_locked(later), "open again after a day");
        assert_eq!(
            case.take_identity_turn(3, later),
            AnswerTurn::Compare { attempt: 1 }
        );
    }
}
