//! Identifiers of agencies, creditors, cases and messages: validated once, then just strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("may contain only letters, digits, '-', '_', '.' and '/'")]
    BadCharacter,
}

fn check_slug(text: &str, max: usize, allow_slash: bool) -> Result<(), IdError> {
    if text.is_empty() {
        return Err(IdError::Empty);
    }
    if text.len() > max {
        return Err(IdError::TooLong(max));
    }
    let ok = text.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') || (allow_slash && c == '/')
    });
    if ok {
        Ok(())
    } else {
        Err(IdError::BadCharacter)
    }
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $max:expr, $slash:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: &str) -> Result<Self, IdError> {
                let text = text.trim();
                check_slug(text, $max, $slash)?;
                Ok(Self(text.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_id!(
    /// A collection agency (the tenant), e.g. `nordic-inkasso`.
    AgencyId, 64, false
);
slug_id!(
    /// A creditor an agency collects for, e.g. `fjordkraft-demo`.
    CreditorId, 64, false
);
slug_id!(
    /// The agency's own reference for a case; unique per agency.
    ExternalRef, 100, true
);
slug_id!(
    /// Our id of a case (`cs_` + 32 hex digits).
    CaseId, 64, false
);
slug_id!(
    /// Our id of an outbound message (`msg_` + 32 hex digits).
    MessageId, 64, false
);

impl CaseId {
    pub fn generate() -> CaseId {
        CaseId(format!("cs_{}", uuid::Uuid::new_v4().simple()))
    }
}

impl MessageId {
    pub fn generate() -> MessageId {
        MessageId(format!("msg_{}", uuid::Uuid::new_v4().simple()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_reference_keeps_slashes_but_agency_id_does_not() {
        assert!(ExternalRef::parse("2026/001-A").is_ok());
        assert_eq!(AgencyId::parse("a/b"), Err(IdError::BadCharacter));
    }

    #[test]
    fn empty_and_overlong_ids_are_refused() {
        assert_eq!(CaseId::parse("  "), Err(IdError::Empty));
        assert_eq!(
            ExternalRef::parse(&"x".repeat(101)),
            Err(IdError::TooLong(100))
        );
    }

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = CaseId::generate();
        let b = CaseId::generate();
        assert_ne!(a, b);
        assert_eq!(CaseId::parse(a.as_str()), Ok(a));
    }

    #[test]
    fn deserialising_goes_through_parse() {
        let bad: Result<CreditorId, _> = serde_json::from_str("\"with space\"");
        assert!(bad.is_err());
    }
}
