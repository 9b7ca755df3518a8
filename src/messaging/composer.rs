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
        // What is still owed (after any payments), or the first instalment of a new plan.
        let amount = first
            .map_or_else(|| case.balance(), |i| i.amount)
            .format(locale);
        // A payment receipt names the payment it confirms: the newest one on the case.
        let paid = case
            .payments
            .last()
            .map(|p| p.amount.format(locale))
            .unwrap_or_default();
        let due = self
            .texts
            .date(locale, first.map_or(case.due_date, |i| i.due_date));
        let args = [
            ("creditor", creditor.name.as_str()),
            ("agency", agency.name.as_str()),
            ("name", case.debtor.name.as_str()),
            ("amount", amount.as_str()),
            ("paid", paid.as_str()),
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
