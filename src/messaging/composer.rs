//! Renders a message's text for its case, in the debtor's language, with the signed link.

use std::sync::Arc;

use crate::domain::case::Case;
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::message::{Message, Recipient, Template};
use crate::i18n::Texts;

use super::provider::Outbound;

pub struct Composer {
    texts: Arc<Texts>,
}

impl Composer {
    pub fn new(texts: Arc<Texts>) -> Composer {
        Composer { texts }
    }

    pub fn compose(
        &self,
        message: &Message,
        case: &Case,
        creditor: &Creditor,
        agency: &Agency,
        link: &str,
    ) -> Outbound {
        let locale = case.debtor.locale;
        let amount = case.amount_due().format(locale);
        let due = self.texts.date(locale, case.due_date);
        let args = [
            ("creditor", creditor.name.as_str()),
            ("agency", agency.name.as_str()),
            ("name", case.debtor.name.as_str()),
            ("amount", amount.as_str()),
            ("due", due.as_str()),
            ("link", link),
        ];
        let family = match message.template {
            Template::Reminder => "reminder",
        };
        let (subject, body) = match message.recipient {
            Recipient::Sms(_) => (
                None,
                self.texts.format(locale, &format!("{family}-sms"), &args),
            ),
            Recipient::Email(_) => (
                Some(
                    self.texts
                        .format(locale, &format!("{family}-email-subject"), &args),
                ),
                self.texts
                    .format(locale, &format!("{family}-email-body"), &args),
            ),
        };
        Outbound {
            message_id: message.id.clone(),
            recipient: message.recipient.clone(),
            subject,
            body,
        }
    }
}
