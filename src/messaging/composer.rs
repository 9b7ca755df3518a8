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
        // A plan receipt speaks of the first instalment; everything else of the whole amount.
        let first = case
            .plan
            .as_ref()
            .and_then(|p| p.instalments.first())
            .filter(|_| message.template == Template::PlanReceipt);
        let amount = first
            .map_or_else(|| case.amount_due(), |i| i.amount)
            .format(locale);
        let due = self
            .texts
            .date(locale, first.map_or(case.due_date, |i| i.due_date));
        let args = [
            ("creditor", creditor.name.as_str()),
            ("agency", agency.name.as_str()),
            ("name", case.debtor.name.as_str()),
            ("amount", amount.as_str()),
            ("due", due.as_str()),
            ("link", link),
        ];
        let family = message.template.name();
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
