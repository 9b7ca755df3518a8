//! What a short link grants once its token has been verified: one case, one purpose, until it expires.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{CaseId, MessageId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    /// Opens the debtor's case page.
    Case,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortLink {
    pub case_id: CaseId,
    pub purpose: LinkPurpose,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
    /// The message that carried it: its link is how a provider's record of a message is
    /// recognised after a crash (`domain::lost_send`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
}

impl ShortLink {
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && now < self.expires_at
    }
}

/// A debtor's browser session, created when a link is opened; bound to one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorSession {
    pub case_id: CaseId,
    /// Per-session anti-forgery token echoed by every form.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    /// Absolute end of the session, however active it is.
    pub expires_at: DateTime<Utc>,
    /// The debtor has passed the mandate's identity step-up in this session.
    #[serde(default)]
    pub verified: bool,
    /// The debtor's other cases at the agency that the link's case pointed to when it was
    /// opened (`store::debtor_cases`): candidates only, each checked again before it is shown
    /// (`domain::debtor_cases`). Found once per link, so a page view costs no index read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<CaseId>,
}

impl DebtorSession {
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_unusable_once_expired_or_revoked() {
        let now = Utc::now();
        let mut link = ShortLink {
            case_id: CaseId::generate(),
            purpose: LinkPurpose::Case,
            created_at: now,
            expires_at: now + chrono::Duration::days(1),
            revoked: false,
            message_id: None,
        };
        assert!(link.is_usable(now));
        assert!(!link.is_usable(now + chrono::Duration::days(1)));
        link.revoked = true;
        assert!(!link.is_usable(now));
    }
}
