//! The identity step-up a mandate may require before case details are shown: facts the agency
//! knows (postcode, birth date) that the debtor confirms, with a limit on attempts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

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
}
