//! Single sign-on to the console by an agency's own identity provider (OpenID Connect): who
//! may sign in that way (an existing, enabled user of that agency, from an allowed domain, with
//! a verified address) and the short-lived record of a sign-in under way.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::contact::EmailAddress;
use super::ids::AgencyId;
use super::staff::{StaffScope, StaffUser};

/// How long a sign-in may take at the identity provider before it must start again.
pub const SIGN_IN_MINUTES: i64 = 10;

/// What an agency allows beside its identity provider.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SsoPolicy {
    /// Lower-case domains the verified address must be in; empty: any.
    pub allowed_domains: Vec<String>,
    /// Whether the agency's users may still log in with password and TOTP.
    pub password_login: bool,
}

/// Why a sign-in by the identity provider was refused (the access log's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoRefusal {
    /// The provider said the address is not verified, or gave none.
    EmailUnverified,
    /// The address is outside the agency's allowed domains.
    DomainNotAllowed,
    /// No user has the address.
    UnknownUser,
    /// A user has it, but not one of this agency's.
    OtherScope,
    Disabled,
}

impl SsoRefusal {
    /// The reason as the access log keeps it.
    pub fn reason(self) -> &'static str {
        match self {
            SsoRefusal::EmailUnverified => "no verified e-mail address",
            SsoRefusal::DomainNotAllowed => "e-mail domain not allowed",
            SsoRefusal::UnknownUser => "unknown user",
            SsoRefusal::OtherScope => "user of another agency or a creditor",
            SsoRefusal::Disabled => "disabled user",
        }
    }
}

impl SsoPolicy {
    /// Whether `email` is in one of the allowed domains (or any domain is allowed).
    pub fn allows_address(&self, email: &EmailAddress) -> bool {
        let domain = email
            .as_str()
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        self.allowed_domains.is_empty() || self.allowed_domains.contains(&domain)
    }

    /// Whether the address the provider vouched for may sign in as `user` (the user with that
    /// address, if any) at `agency`. An address is taken only when the provider did not say
    /// it is unverified: `email_verified` false refuses, absent is the provider's own word.
    /// No TOTP is asked: the identity provider owns the second factor, and a user who never
    /// set a password (an agency that signs in only this way) may still sign in.
    pub fn admits(
        &self,
        agency: &AgencyId,
        email: &EmailAddress,
        email_verified: Option<bool>,
        user: Option<&StaffUser>,
    ) -> Result<(), SsoRefusal> {
        if email_verified == Some(false) {
            return Err(SsoRefusal::EmailUnverified);
        }
        if !self.allows_address(email) {
            return Err(SsoRefusal::DomainNotAllowed);
        }
        let user = user.ok_or(SsoRefusal::UnknownUser)?;
        if !matches!(&user.scope, StaffScope::Agency { agency: own, .. } if own == agency) {
            return Err(SsoRefusal::OtherScope);
        }
        if user.disabled {
            return Err(SsoRefusal::Disabled);
        }
        Ok(())
    }
}

/// A sign-in under way, kept in a signed cookie between the redirect to the provider and the
/// way back: what the callback must find again (state, nonce) and the PKCE verifier.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoAttempt {
    pub agency: AgencyId,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for SsoAttempt {
    // The values are one-time secrets of the flow.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoAttempt")
            .field("agency", &self.agency)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl SsoAttempt {
    pub fn new(
        agency: AgencyId,
        state: String,
        nonce: String,
        pkce_verifier: String,
        now: DateTime<Utc>,
    ) -> SsoAttempt {
        SsoAttempt {
            agency,
            state,
            nonce,
            pkce_verifier,
            expires_at: now + Duration::minutes(SIGN_IN_MINUTES),
        }
    }

    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::CreditorId;
    use crate::domain::staff::{Role, StaffUserId};
    use chrono::TimeZone;

    fn agency(name: &str) -> AgencyId {
        AgencyId::parse(name).unwrap()
    }

    fn email(text: &str) -> EmailAddress {
        EmailAddress::parse(text).unwrap()
    }

    fn user(scope: StaffScope, disabled: bool) -> StaffUser {
        StaffUser {
            id: StaffUserId::generate(),
            email: email("kari@a-inkasso.no"),
            scope,
            password_hash: None,
            totp_secret: String::new(),
            totp_last_step: None,
            enrolled: false,
            disabled,
            created_at: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        }
    }

    fn handler_of(name: &str) -> StaffScope {
        StaffScope::Agency {
            agency: agency(name),
            role: Role::Handler,
        }
    }

    #[test]
    fn an_enabled_user_of_the_agency_signs_in_even_without_a_password() {
        let policy = SsoPolicy::default();
        let kari = user(handler_of("agency-a"), false);
        let at = agency("agency-a");
        let address = email("kari@a-inkasso.no");
        assert_eq!(
            policy.admits(&at, &address, Some(true), Some(&kari)),
            Ok(())
        );
        assert_eq!(policy.admits(&at, &address, None, Some(&kari)), Ok(()));
    }

    #[test]
    fn unknown_disabled_foreign_and_unverified_users_are_refused() {
        let policy = SsoPolicy::default();
        let at = agency("agency-a");
        let address = email("kari@a-inkasso.no");
        assert_eq!(
            policy.admits(&at, &address, Some(true), None),
            Err(SsoRefusal::UnknownUser)
        );
        let disabled = user(handler_of("agency-a"), true);
        assert_eq!(
            policy.admits(&at, &address, Some(true), Some(&disabled)),
            Err(SsoRefusal::Disabled)
        );
        let other = user(handler_of("agency-b"), false);
        assert_eq!(
            policy.admits(&at, &address, Some(true), Some(&other)),
            Err(SsoRefusal::OtherScope)
        );
        let creditor = user(
            StaffScope::Creditor {
                creditor: CreditorId::parse("nordlys-energi").unwrap(),
            },
            false,
        );
        assert_eq!(
            policy.admits(&at, &address, Some(true), Some(&creditor)),
            Err(SsoRefusal::OtherScope)
        );
        let kari = user(handler_of("agency-a"), false);
        assert_eq!(
            policy.admits(&at, &address, Some(false), Some(&kari)),
            Err(SsoRefusal::EmailUnverified)
        );
    }

    #[test]
    fn allowed_domains_limit_the_addresses_case_blind() {
        let policy = SsoPolicy {
            allowed_domains: vec!["a-inkasso.no".into()],
            password_login: true,
        };
        assert!(policy.allows_address(&email("kari@a-inkasso.no")));
        assert!(policy.allows_address(&email("Kari@A-Inkasso.NO")));
        assert!(!policy.allows_address(&email("kari@sub.a-inkasso.no")));
        assert!(!policy.allows_address(&email("kari@a-inkasso.no.evil.example")));
        let kari = user(handler_of("agency-a"), false);
        assert_eq!(
            policy.admits(
                &agency("agency-a"),
                &email("kari@elsewhere.no"),
                Some(true),
                Some(&kari)
            ),
            Err(SsoRefusal::DomainNotAllowed)
        );
    }

    #[test]
    fn an_attempt_lasts_ten_minutes() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let attempt = SsoAttempt::new(agency("a"), "s".into(), "n".into(), "v".into(), now);
        assert!(attempt.is_live(now + Duration::minutes(9)));
        assert!(!attempt.is_live(now + Duration::minutes(SIGN_IN_MINUTES)));
        assert!(!format!("{attempt:?}").contains("\"v\""));
    }
}
