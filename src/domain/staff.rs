//! Staff users of the console: who they are (agency role or creditor scope), what each may see
//! and do, and the pure rules of their login (password policy, lockout delays, session timeouts).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::contact::EmailAddress;
use super::ids::{AgencyId, CreditorId};

/// Our id of a staff user (`usr_` + 32 hex digits): what the audit trail and the access log
/// name, never the e-mail address.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct StaffUserId(String);

impl StaffUserId {
    pub fn generate() -> StaffUserId {
        StaffUserId(format!("usr_{}", uuid::Uuid::new_v4().simple()))
    }

    /// An id as stored or typed; only the shape `usr_` + hex is accepted.
    pub fn parse(text: &str) -> Option<StaffUserId> {
        let hex = text.strip_prefix("usr_")?;
        (!hex.is_empty() && hex.len() <= 64 && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| StaffUserId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StaffUserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an agency user may do: `admin` (users, keys, settings, and everything a handler
/// does), `handler` (cases, reviews, replies) or `viewer` (read only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Handler,
    Viewer,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "handler" => Some(Role::Handler),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Handler => "handler",
            Role::Viewer => "viewer",
        }
    }
}

/// Whose cases a user works on: an agency's (with a role) or one creditor's (read only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StaffScope {
    Agency { agency: AgencyId, role: Role },
    Creditor { creditor: CreditorId },
}

impl StaffScope {
    /// Whether a user of this scope may see a case of `agency` for `creditor`.
    pub fn sees_case(&self, agency: &AgencyId, creditor: &CreditorId) -> bool {
        match self {
            StaffScope::Agency { agency: own, .. } => own == agency,
            StaffScope::Creditor { creditor: own } => own == creditor,
        }
    }

    /// Whether a user of this scope may change cases it sees (close, pay, message, review):
    /// agency handlers and admins; viewers and creditor users never.
    pub fn changes_cases(&self) -> bool {
        matches!(
            self,
            StaffScope::Agency {
                role: Role::Admin | Role::Handler,
                ..
            }
        )
    }

    /// How the scope reads in a page header or a command's output.
    pub fn describe(&self) -> String {
        match self {
            StaffScope::Agency { agency, role } => format!("{} at {agency}", role.name()),
            StaffScope::Creditor { creditor } => format!("creditor user of {creditor}"),
        }
    }
}

/// A staff user as stored. The e-mail address is kept in the record (the user's own login
/// name) but never in a key name; secrets are only their hashes, except the TOTP secret, which
/// the server must have to check codes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: StaffUserId,
    pub email: EmailAddress,
    pub scope: StaffScope,
    /// The argon2id PHC string; `None` until the invitation is accepted.
    pub password_hash: Option<String>,
    /// Base32 RFC 6238 secret, made with the user and shown once on the invitation page.
    pub totp_secret: String,
    /// The TOTP time step of the last code accepted: a code is good once.
    #[serde(default)]
    pub totp_last_step: Option<u64>,
    /// Whether the invitation was accepted (password set and TOTP confirmed).
    pub enrolled: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for StaffUser {
    // The hash and the TOTP secret never reach a log, the address only masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("scope", &self.scope)
            .field("enrolled", &self.enrolled)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl StaffUser {
    /// Whether the user may log in at all.
    pub fn can_log_in(&self) -> bool {
        self.enrolled && !self.disabled && self.password_hash.is_some()
    }
}

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// A one-time invitation to set a password and enrol TOTP, stored under its token's digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub user: StaffUserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Which enrolment it is for (a tag of the TOTP secret it shows): a newer invitation gives
    /// the user a new secret, and every older invitation stops working.
    #[serde(default)]
    pub enrolment: String,
}

impl Invitation {
    pub fn new(user: StaffUserId, enrolment: String, now: DateTime<Utc>) -> Invitation {
        Invitation {
            user,
            created_at: now,
            expires_at: now + Duration::days(INVITATION_DAYS),
            enrolment,
        }
    }

    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

/// A staff login name: an e-mail address in lower case (so one person is one user however
/// they type it).
pub fn staff_email(input: &str) -> Result<EmailAddress, String> {
    EmailAddress::parse(&input.trim().to_lowercase()).map_err(|e| e.to_string())
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest (argon2 takes any length; this keeps a request from costing too much).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("must be at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("must be at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the two entries differ")]
    Mismatch,
}

/// A new password and its repetition, as the invitation form gives them.
pub fn check_new_password(password: &str, repeated: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    if password != repeated {
        return Err(PasswordError::Mismatch);
    }
    Ok(())
}

/// Failed logins a name may have before each further attempt must wait.
pub const FREE_FAILURES: u32 = 3;
/// The longest wait between attempts.
pub const MAX_LOGIN_DELAY_SECONDS: i64 = 15 * 60;

/// Failed logins for one login name since its last success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoginFailures {
    pub count: u32,
    pub last_at: Option<DateTime<Utc>>,
}

impl LoginFailures {
    /// How long after the last failure the next attempt is heard: nothing for the first
    /// [`FREE_FAILURES`], then 1 s, 2 s, 4 s … doubling up to [`MAX_LOGIN_DELAY_SECONDS`].
    pub fn delay(&self) -> Duration {
        let Some(over) = self.count.checked_sub(FREE_FAILURES + 1) else {
            return Duration::zero();
        };
        let seconds = 1i64
            .checked_shl(over.min(30))
            .unwrap_or(MAX_LOGIN_DELAY_SECONDS)
            .min(MAX_LOGIN_DELAY_SECONDS);
        Duration::seconds(seconds)
    }

    /// Until when an attempt is refused unheard, if it is at `now`.
    pub fn locked_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let until = self.last_at? + self.delay();
        (until > now).then_some(until)
    }

    /// One more failure at `now`.
    pub fn after_failure(self, now: DateTime<Utc>) -> LoginFailures {
        LoginFailures {
            count: self.count.saturating_add(1),
            last_at: Some(now),
        }
    }
}

/// A staff session ends after this long without a request …
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// … and this long after login, whatever.
pub const SESSION_MAX_HOURS: i64 = 12;
/// A login waiting for its second factor lapses after this.
pub const SECOND_FACTOR_MINUTES: i64 = 5;

/// How far a session has got: the password was right (the TOTP code is still due), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStage {
    SecondFactor,
    LoggedIn,
}

/// A staff session as stored under the digest of its cookie's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    pub user: StaffUserId,
    pub stage: SessionStage,
    /// Every form of the session carries it.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// How the user got in (sessions stored before single sign-on were all by password).
    #[serde(default)]
    pub method: LoginMethod,
}

/// How a session was logged in: password and TOTP, or the agency's identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginMethod {
    #[default]
    Password,
    Sso,
}

impl StaffSession {
    /// When the session ends if nothing more happens.
    pub fn ends_at(&self) -> DateTime<Utc> {
        match self.stage {
            SessionStage::SecondFactor => {
                self.created_at + Duration::minutes(SECOND_FACTOR_MINUTES)
            }
            SessionStage::LoggedIn => (self.last_seen_at + Duration::minutes(SESSION_IDLE_MINUTES))
                .min(self.created_at + Duration::hours(SESSION_MAX_HOURS)),
        }
    }

    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.ends_at()
    }
}

/// What the access log records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AccessKind {
    Login,
    /// A wrong password, a wrong code, an unknown name, a disabled user or a locked name.
    LoginFailed {
        reason: String,
    },
    Logout,
    /// Signed in by the agency's identity provider (OpenID Connect).
    SsoLogin {
        agency: String,
    },
    /// A sign-in by the identity provider refused: bad state, token or address, an unknown
    /// or disabled user.
    SsoLoginFailed {
        agency: String,
        reason: String,
    },
    /// The user opened a case (GDPR accountability: who saw which case when).
    CaseViewed {
        case_id: String,
    },
    /// An admin changed the agency's settings (a key, a user, webhook delivery, an import);
    /// `change` names what by ids, never by a person's address.
    SettingsChanged {
        change: String,
    },
}

/// One line of the access log. `user` is `None` for a failed login under a name no user has;
/// the name itself is never kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    pub user: Option<StaffUserId>,
    #[serde(flatten)]
    pub kind: AccessKind,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn agency(name: &str) -> AgencyId {
        AgencyId::parse(name).unwrap()
    }

    fn creditor(name: &str) -> CreditorId {
        CreditorId::parse(name).unwrap()
    }

    #[test]
    fn agency_users_see_only_their_agency_and_creditor_users_only_their_creditor() {
        let handler = StaffScope::Agency {
            agency: agency("a"),
            role: Role::Handler,
        };
        assert!(handler.sees_case(&agency("a"), &creditor("c1")));
        assert!(!handler.sees_case(&agency("b"), &creditor("c1")));
        let creditor_user = StaffScope::Creditor {
            creditor: creditor("c1"),
        };
        assert!(creditor_user.sees_case(&agency("a"), &creditor("c1")));
        assert!(creditor_user.sees_case(&agency("b"), &creditor("c1")));
        assert!(!creditor_user.sees_case(&agency("a"), &creditor("c2")));
    }

    #[test]
    fn only_agency_handlers_and_admins_change_cases() {
        let scope = |role| StaffScope::Agency {
            agency: agency("a"),
            role,
        };
        assert!(scope(Role::Admin).changes_cases());
        assert!(scope(Role::Handler).changes_cases());
        assert!(!scope(Role::Viewer).changes_cases());
        assert!(
            !StaffScope::Creditor {
                creditor: creditor("c1")
            }
            .changes_cases()
        );
    }

    #[test]
    fn passwords_need_twelve_characters_and_the_same_twice() {
        assert_eq!(
            check_new_password("elleve-tegn", "elleve-tegn"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(check_new_password("tolv-tegn-ok", "tolv-tegn-ok"), Ok(()));
        assert_eq!(
            check_new_password("tolv-tegn-ok", "tolv-tegn-OK"),
            Err(PasswordError::Mismatch)
        );
        // Characters, not bytes: twelve letters æøå are twelve.
        assert_eq!(check_new_password("ææææøøøøåååå", "ææææøøøøåååå"), Ok(()));
    }

    #[test]
    fn login_delays_start_after_three_failures_and_double_up_to_a_cap() {
        let mut failures = LoginFailures::default();
        let mut delays = Vec::new();
        for _ in 0..8 {
            failures = failures.after_failure(at(0));
            delays.push(failures.delay().num_seconds());
        }
        assert_eq!(delays, vec![0, 0, 0, 1, 2, 4, 8, 16]);
        let many = LoginFailures {
            count: 1000,
            last_at: Some(at(0)),
        };
        assert_eq!(many.delay().num_seconds(), MAX_LOGIN_DELAY_SECONDS);
        assert_eq!(many.locked_until(at(1)), Some(at(15)));
        assert_eq!(many.locked_until(at(15)), None);
    }

    #[test]
    fn a_session_ends_after_thirty_idle_minutes_or_twelve_hours() {
        let mut session = StaffSession {
            user: StaffUserId::generate(),
            stage: SessionStage::LoggedIn,
            csrf_token: "t".into(),
            created_at: at(0),
            last_seen_at: at(0),
            method: LoginMethod::Password,
        };
        assert!(session.is_live(at(29)));
        assert!(!session.is_live(at(30)));
        // Kept busy, it still ends twelve hours after login.
        session.last_seen_at = at(12 * 60 - 10);
        assert!(session.is_live(at(12 * 60 - 1)));
        assert!(!session.is_live(at(12 * 60)));
        session.stage = SessionStage::SecondFactor;
        assert!(!session.is_live(at(SECOND_FACTOR_MINUTES)));
    }

    #[test]
    fn user_ids_are_generated_in_their_shape_and_parsed_back() {
        let id = StaffUserId::generate();
        assert_eq!(StaffUserId::parse(id.as_str()), Some(id));
        assert_eq!(StaffUserId::parse("usr_"), None);
        assert_eq!(StaffUserId::parse("kari@example.no"), None);
    }

    #[test]
    fn staff_emails_are_lower_case() {
        assert_eq!(
            staff_email(" Kari.Nordmann@Example.NO ").unwrap().as_str(),
            "kari.nordmann@example.no"
        );
        assert!(staff_email("not an address").is_err());
    }
}
