//! A case's conversation between the debtor and the agency: messages each way (by the case
//! page, an SMS reply or e-mail), who wrote them and when, which of the debtor's still wait for
//! an answer, and which handler at the agency has the conversation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::Actor;
use super::ids::MessageId;
use super::staff::StaffUserId;
use super::text::{TextError, TextRule, agency_text};

/// What one message may hold: several lines, at most 1000 characters, not blank.
pub const MESSAGE_TEXT: TextRule = TextRule::lines(1000).required();

/// Messages kept on one case at most: the conversation lives in the case record, so it is
/// bounded; a debtor with this much to say is better served by a phone call.
pub const MAX_MESSAGES: usize = 200;

/// Who a message is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    FromDebtor,
    FromAgency,
}

/// How a message travelled: for the debtor's, how it came in (the case page's form, an SMS
/// reply, an e-mail); for the agency's, how the debtor was told an answer waits (by SMS or
/// e-mail; `page` alone when the debtor has neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationChannel {
    Page,
    Sms,
    Email,
}

/// Where a message from the debtor stands at the agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DebtorMessageState {
    /// Nobody has answered it or marked it done: it is in the inbox.
    Waiting,
    /// The agency's message `answer` answered it.
    Answered {
        at: DateTime<Utc>,
        by: Actor,
        answer: String,
    },
    /// A person saw it needs no answer (a thank-you, a reply the case already covers).
    Done { at: DateTime<Utc>, by: Actor },
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConversationMessage {
    /// `cm_` + 32 hex digits.
    pub id: String,
    pub direction: Direction,
    pub channel: ConversationChannel,
    /// The debtor, the agency's API key (`agency`) or a staff user (`{"staff": "usr_…"}`).
    pub author: Actor,
    pub text: String,
    pub at: DateTime<Utc>,
    /// For the debtor's messages only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<DebtorMessageState>,
    /// For the agency's: the queued SMS or e-mail that tells the debtor an answer waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub notice: Option<MessageId>,
}

impl ConversationMessage {
    pub fn is_waiting(&self) -> bool {
        matches!(self.state, Some(DebtorMessageState::Waiting))
    }
}

/// A case's conversation (empty until the debtor or the agency writes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conversation {
    /// Oldest first.
    #[serde(default)]
    pub messages: Vec<ConversationMessage>,
    /// The agency's handler who has the conversation, if one was assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<StaffUserId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversationError {
    #[error("{0}")]
    Text(TextError),
    #[error("the conversation is full ({MAX_MESSAGES} messages); please call instead")]
    Full,
}

/// The text as a person typed it in a form: a browser sends line breaks as `\r\n`, and a tab
/// is just a space to a reader.
fn typed(raw: &str) -> String {
    raw.replace("\r\n", "\n").replace(['\r', '\t'], " ")
}

/// Checks a message's text as typed (the case page, the console, the API): line breaks
/// normalised, then [`MESSAGE_TEXT`]; returns it trimmed.
pub fn message_text(raw: &str) -> Result<String, ConversationError> {
    agency_text(&typed(raw), MESSAGE_TEXT).map_err(ConversationError::Text)
}

/// An SMS reply as it may stand in the conversation: it cannot be refused, so what would hide
/// or reorder text is dropped and it is cut to the length a message may have. `None` when
/// nothing readable is left.
pub fn reply_text(raw: &str) -> Option<String> {
    let cleaned: String = typed(raw)
        .chars()
        .filter(|c| agency_text(&c.to_string(), ONE_CHARACTER).is_ok())
        .take(MESSAGE_TEXT.max_chars)
        .collect();
    let text = cleaned.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// [`MESSAGE_TEXT`] for one character at a time.
const ONE_CHARACTER: TextRule = TextRule {
    required: false,
    ..MESSAGE_TEXT
};

fn new_id() -> String {
    format!("cm_{}", uuid::Uuid::new_v4().simple())
}

impl Conversation {
    fn room(&self) -> Result<(), ConversationError> {
        if self.messages.len() >= MAX_MESSAGES {
            return Err(ConversationError::Full);
        }
        Ok(())
    }

    /// The debtor writes `text` (already checked) by `channel`; it waits for an answer.
    pub fn from_debtor(
        &mut self,
        channel: ConversationChannel,
        text: String,
        now: DateTime<Utc>,
    ) -> Result<&ConversationMessage, ConversationError> {
        self.room()?;
        self.messages.push(ConversationMessage {
            id: new_id(),
            direction: Direction::FromDebtor,
            channel,
            author: Actor::Debtor,
            text,
            at: now,
            state: Some(DebtorMessageState::Waiting),
            notice: None,
        });
        Ok(&self.messages[self.messages.len() - 1])
    }

    /// The agency (`by`) answers with `text` (already checked), telling the debtor by
    /// `channel` (with the queued `notice`); every message of the debtor still waiting counts
    /// as answered by it.
    pub fn answer(
        &mut self,
        by: Actor,
        channel: ConversationChannel,
        text: String,
        notice: Option<MessageId>,
        now: DateTime<Utc>,
    ) -> Result<&ConversationMessage, ConversationError> {
        self.room()?;
        let id = new_id();
        for waiting in self.messages.iter_mut().filter(|m| m.is_waiting()) {
            waiting.state = Some(DebtorMessageState::Answered {
                at: now,
                by: by.clone(),
                answer: id.clone(),
            });
        }
        self.messages.push(ConversationMessage {
            id,
            direction: Direction::FromAgency,
            channel,
            author: by,
            text,
            at: now,
            state: None,
            notice,
        });
        Ok(&self.messages[self.messages.len() - 1])
    }

    /// A person marks every waiting message of the debtor done without an answer; returns how
    /// many were waiting (0: nothing changed).
    pub fn mark_done(&mut self, by: &Actor, now: DateTime<Utc>) -> usize {
        let mut count = 0;
        for waiting in self.messages.iter_mut().filter(|m| m.is_waiting()) {
            waiting.state = Some(DebtorMessageState::Done {
                at: now,
                by: by.clone(),
            });
            count += 1;
        }
        count
    }

    /// The debtor's messages still waiting, oldest first.
    pub fn waiting(&self) -> impl Iterator<Item = &ConversationMessage> {
        self.messages.iter().filter(|m| m.is_waiting())
    }

    /// When the oldest waiting message came in.
    pub fn waiting_since(&self) -> Option<DateTime<Utc>> {
        self.waiting().map(|m| m.at).next()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.assignee.is_none()
    }

    /// GDPR erasure: every message goes (the debtor's words and the agency's about them).
    pub fn erase(&mut self) {
        self.messages.clear();
        self.assignee = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 12, 1, 10, minute, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn an_answer_answers_every_waiting_message_of_the_debtor() {
        let mut talk = Conversation::default();
        talk.from_debtor(ConversationChannel::Page, "Hei".into(), at(0))
            .expect("room");
        talk.from_debtor(ConversationChannel::Sms, "Hallo?".into(), at(1))
            .expect("room");
        assert_eq!(talk.waiting().count(), 2);
        assert_eq!(talk.waiting_since(), Some(at(0)));
        let answer = talk
            .answer(
                Actor::Agency,
                ConversationChannel::Sms,
                "Vi ringer".into(),
                None,
                at(5),
            )
            .expect("room")
            .id
            .clone();
        assert_eq!(talk.waiting().count(), 0);
        assert!(talk.messages[..2].iter().all(|m| matches!(
            &m.state,
            Some(DebtorMessageState::Answered { answer: a, .. }) if *a == answer
        )));
        assert_eq!(talk.messages[2].direction, Direction::FromAgency);
        assert_eq!(talk.messages[2].state, None);
        // A new message from the debtor waits again; done takes it out of the inbox.
        talk.from_debtor(ConversationChannel::Page, "Takk".into(), at(6))
            .expect("room");
        assert_eq!(talk.mark_done(&Actor::Agency, at(7)), 1);
        assert_eq!(talk.mark_done(&Actor::Agency, at(8)), 0);
        assert_eq!(talk.waiting_since(), None);
    }

    #[test]
    fn text_is_checked_with_line_breaks_as_a_browser_sends_them() {
        assert_eq!(
            message_text("  Hei,\r\njeg betaler fredag.\t "),
            Ok("Hei,\njeg betaler fredag.".to_owned())
        );
        assert_eq!(
            message_text("   "),
            Err(ConversationError::Text(TextError::Empty))
        );
        assert_eq!(
            message_text(&"a".repeat(1001)),
            Err(ConversationError::Text(TextError::TooLong(1000)))
        );
        assert!(message_text(&"a".repeat(1000)).is_ok());
        assert!(matches!(
            message_text("evil\u{202E}txt"),
            Err(ConversationError::Text(TextError::Bidi(_)))
        ));
    }

    #[test]
    fn a_reply_is_cleaned_and_cut_rather_than_refused() {
        assert_eq!(
            reply_text("Hei\u{202E} der\u{0}"),
            Some("Hei der".to_owned())
        );
        assert_eq!(reply_text(" \u{7} "), None);
        assert_eq!(
            reply_text(&"æ".repeat(1500)).map(|t| t.chars().count()),
            Some(1000)
        );
    }

    #[test]
    fn a_full_conversation_takes_no_more_and_erasure_leaves_nothing() {
        let mut talk = Conversation::default();
        for i in 0..MAX_MESSAGES {
            talk.from_debtor(ConversationChannel::Page, format!("{i}"), at(0))
                .expect("room");
        }
        assert_eq!(
            talk.from_debtor(ConversationChannel::Page, "one more".into(), at(1))
                .err(),
            Some(ConversationError::Full)
        );
        talk.assignee = StaffUserId::parse("usr_ab");
        talk.erase();
        assert!(talk.is_empty());
    }

    proptest::proptest! {
        /// Whatever an SMS reply holds, what lands in the conversation passes the page's rule.
        #[test]
        fn every_cleaned_reply_passes_the_message_rule(raw in "\\PC{0,1200}|[\\x00-\\x1f\u{202a}-\u{202e} a-z]{0,50}") {
            if let Some(text) = reply_text(&raw) {
                proptest::prop_assert_eq!(message_text(&text), Ok(text.clone()));
            }
        }
    }
}
