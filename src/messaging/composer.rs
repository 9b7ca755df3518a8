//! Renders a message's text for its case, in the debtor's language, with the signed link.

use std::sync::Arc;

use crate::domain::case::{Case, ClaimKind};
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::journey::StepRef;
use crate::domain::journey_engine::{self, local_day, step_text_facts};
use crate::domain::message::{Message, Recipient, Template};
use crate::domain::plan_followup::{FollowUp, instalment_states, paid_toward_plan};
use crate::i18n::Texts;

use super::providers::Outbound;
use crate::config::AppConfig;
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::sms_segments::{self as segments, Encoding};

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
        if let Some(step) = message
            .journey
            .as_ref()
            .filter(|_| message.template == Template::JourneyStep)
        {
            return self.compose_step(message, step, case, creditor, agency, link);
        }
        if let Some(follow_up) = message
            .follow_up
            .filter(|_| message.template.is_plan_follow_up())
        {
            return self.compose_follow_up(message, follow_up, case, creditor, agency, link);
        }
        let locale = case.debtor.locale;
        // A plan receipt speaks of the first instalment; everything else of the whole amount.
        let first = case
            .plan
            .as_ref()
            .and_then(|p| p.instalments.first())
            .filter(|_| message.template == Template::PlanReceipt);
        // What is still owed (after any payments, with the interest innfri accrues), or the
        // first instalment of a new plan.
        let owed = creditor.owed_on(local_day(creditor.jurisdiction, message.updated_at));
        let amount = first
            .map_or_else(|| case.balance(&owed), |i| i.amount)
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
            // A contact code travels in the link's place (`Template::ContactCode` has no link).
            (
                "code",
                if message.template == Template::ContactCode {
                    link
                } else {
                    ""
                },
            ),
        ];
        let family = message.template.name();
        self.outbound(message, locale, family, &args)
    }

    /// A journey step's text: its variant's message family, with the fee it adds and the
    /// total after it, its deadline, and what the law requires a notice to say.
    fn compose_step(
        &self,
        message: &Message,
        step: &StepRef,
        case: &Case,
        creditor: &Creditor,
        agency: &Agency,
        link: &str,
    ) -> Outbound {
        let locale = case.debtor.locale;
        let sent_on = local_day(creditor.jurisdiction, message.updated_at);
        let facts = step_text_facts(creditor, case, &step.step_id, sent_on);
        let money = |m: Money| m.format(locale);
        let principal = journey_engine::principal(case);
        let total = facts.total;
        let additional = Money::from_minor(
            total.minor_units() - principal.minor_units(),
            total.currency(),
        );
        let rate = creditor
            .late_interest_rates()
            .rate_on(sent_on)
            .map(|r| {
                let text = format!("{} %", r.normalize());
                if locale == Locale::En {
                    text
                } else {
                    text.replace('.', ",")
                }
            })
            .unwrap_or_default();
        let claim_for = case
            .claim
            .iter()
            .filter(|l| l.kind == ClaimKind::Principal && !l.description.is_empty())
            .map(|l| l.description.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let values = [
            money(total),
            money(principal),
            money(additional),
            money(facts.fee.unwrap_or(Money::zero(total.currency()))),
            self.texts.date(locale, case.due_date),
            facts
                .deadline
                .map(|d| self.texts.date(locale, d))
                .unwrap_or_default(),
            rate,
            self.texts.date(locale, case.due_date),
            creditor.bank_account.formatted(),
        ];
        let args = [
            ("creditor", creditor.name.as_str()),
            ("agency", agency.name.as_str()),
            ("name", case.debtor.name.as_str()),
            ("amount", values[0].as_str()),
            ("principal", values[1].as_str()),
            ("additional", values[2].as_str()),
            ("fee", values[3].as_str()),
            ("due", values[4].as_str()),
            ("deadline", values[5].as_str()),
            ("claim_for", claim_for.as_str()),
            ("interest_rate", values[6].as_str()),
            ("interest_from", values[7].as_str()),
            ("reference", case.external_ref.as_str()),
            ("kid", case.kid.as_str()),
            ("account", values[8].as_str()),
            ("link", link),
        ];
        self.outbound(message, locale, &step.variant, &args)
    }

    /// A plan follow-up's text: the instalment it is about (what is left of it, its due date
    /// and KID) or, for a broken plan, what is left of the whole claim.
    fn compose_follow_up(
        &self,
        message: &Message,
        follow_up: FollowUp,
        case: &Case,
        creditor: &Creditor,
        agency: &Agency,
        link: &str,
    ) -> Outbound {
        let locale = case.debtor.locale;
        // The plan in force, or the one that just broke (its notice goes after the break).
        let plan = case
            .plan
            .as_ref()
            .or_else(|| case.broken_plans.last().map(|b| &b.plan));
        let number = match follow_up {
            FollowUp::Reminder { number } | FollowUp::LateNote { number } => number,
            FollowUp::Break | FollowUp::ReviewDue => 0,
        };
        let today = local_day(creditor.jurisdiction, message.updated_at);
        let balance = case.balance(&creditor.owed_on(today));
        let status = plan.and_then(|plan| {
            instalment_states(
                plan,
                paid_toward_plan(plan, balance),
                today,
                creditor.mandate.follow_up.grace_days,
            )
            .into_iter()
            .find(|s| s.number == number)
        });
        let instalment = plan.and_then(|p| p.instalments.iter().find(|i| i.number == number));
        let amount = match (follow_up, status) {
            (FollowUp::Reminder { .. } | FollowUp::LateNote { .. }, Some(s)) => s.left(),
            _ => balance,
        };
        let values = [
            amount.format(locale),
            instalment
                .map(|i| self.texts.date(locale, i.due_date))
                .unwrap_or_default(),
            instalment
                .and_then(|i| i.kid.as_ref())
                .unwrap_or(&case.kid)
                .as_str()
                .to_owned(),
            creditor.bank_account.formatted(),
            number.to_string(),
            plan.map(|p| p.instalments.len().to_string())
                .unwrap_or_default(),
        ];
        let args = [
            ("creditor", creditor.name.as_str()),
            ("agency", agency.name.as_str()),
            ("name", case.debtor.name.as_str()),
            ("amount", values[0].as_str()),
            ("due", values[1].as_str()),
            ("kid", values[2].as_str()),
            ("account", values[3].as_str()),
            ("number", values[4].as_str()),
            ("count", values[5].as_str()),
            ("link", link),
        ];
        self.outbound(message, locale, message.template.name(), &args)
    }

    fn outbound(
        &self,
        message: &Message,
        locale: Locale,
        family: &str,
        args: &[(&str, &str)],
    ) -> Outbound {
        let (subject, body) = match message.recipient {
            Recipient::Sms(_) => (
                None,
                self.texts.format(locale, &format!("{family}-sms"), args),
            ),
            Recipient::Email(_) => (
                Some(
                    self.texts
                        .format(locale, &format!("{family}-email-subject"), args),
                ),
                self.texts
                    .format(locale, &format!("{family}-email-body"), args),
            ),
        };
        Outbound {
            message_id: message.id.clone(),
            recipient: message.recipient.clone(),
            subject,
            body,
            unsubscribe_url: None,
        }
    }
}

/// What `check-config` warns about: SMS texts that, with the longest values this configuration
/// can give them, need more parts than `messaging.max_sms_segments`, or leave GSM-7 (which
/// cuts a part from 160 to 70 characters).
pub fn sms_warnings(texts: &Texts, config: &AppConfig) -> Vec<String> {
    let longest = |names: Vec<&str>| {
        names
            .into_iter()
            .max_by_key(|n| n.chars().count())
            .unwrap_or("")
            .to_owned()
    };
    let creditor = longest(config.creditors.values().map(|c| c.name.as_str()).collect());
    let agency = longest(config.agencies.values().map(|a| a.name.as_str()).collect());
    // A link is the public base URL, "/k/" and at most 25 characters.
    let link = format!(
        "{}/k/{}",
        config.settings.server.public_base_url,
        "A".repeat(25)
    );
    let mut warnings = Vec::new();
    for locale in Locale::ALL {
        let (limit, limit_key) = config.settings.messaging.sms_part_limit(locale);
        let amount = Money::from_minor(12_345_678, Currency::NOK).format(locale);
        let due = texts.longest_date(locale, 2026);
        let args = [
            ("creditor", creditor.as_str()),
            ("agency", agency.as_str()),
            ("name", "Ola Nordmann"),
            ("amount", amount.as_str()),
            ("paid", amount.as_str()),
            ("due", due.as_str()),
            ("link", link.as_str()),
            ("kid", "12345678901234567890123"),
            ("account", "1503.12.34562"),
            ("number", "12"),
            ("count", "12"),
            ("code", "123456"),
        ];
        // A journey step's texts are the journey's own (checked with the journey).
        for template in Template::ALL
            .into_iter()
            .filter(|t| *t != Template::JourneyStep)
        {
            let id = format!("{}-sms", template.name());
            let text = texts.format(locale, &id, &args);
            let count = segments::count(&text);
            let at = format!("templates/locales/{}/main.ftl: {id}", locale.code());
            // Polish and Ukrainian are UCS-2 by their letters; a Latin text that is not GSM-7 has
            // a stray character (a curly quote, a dash) that costs it most of its room.
            if let Encoding::Ucs2 { forced_by } = &count.encoding
                && locale.sms_fits_gsm7()
            {
                let chars: Vec<String> = forced_by
                    .iter()
                    .map(|c| format!("{c:?} (U+{:04X})", u32::from(*c)))
                    .collect();
                warnings.push(format!(
                    "{at}: not GSM-7 because of {}; every part holds 70 characters instead of 160",
                    chars.join(", ")
                ));
            }
            if count.segments > limit {
                warnings.push(format!(
                    "{at}: up to {} SMS parts ({} {}), more than messaging.{limit_key} = {limit}",
                    count.segments,
                    count.units,
                    if count.encoding == Encoding::Gsm7 {
                        "septets"
                    } else {
                        "UTF-16 units"
                    },
                ));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::AgencyId;
    use crate::domain::journey::tests::d;
    use crate::domain::message::Template;

    fn step_message(
        case: &Case,
        recipient: Recipient,
        step: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Message {
        let mut message = Message::schedule(
            case.id.clone(),
            case.agency_id.clone(),
            recipient,
            Template::JourneyStep,
            at,
            at,
        );
        message.journey = Some(StepRef {
            step: 1,
            step_id: step.into(),
            variant: format!("journey-{step}"),
        });
        message
    }

    #[test]
    fn a_step_text_shows_the_fee_it_adds_the_new_total_and_the_deadline() {
        let composer = Composer::new(Arc::new(Texts::load().expect("texts")));
        let mut creditor = journey_engine::tests::creditor();
        // The shipped texts, as the example creditor names them.
        for step in &mut creditor.journey.steps {
            step.texts[0].text = format!("journey-{}", step.kind.as_str());
        }
        let agency = Agency {
            id: AgencyId::parse("a").expect("id"),
            name: "A Inkasso AS".into(),
            creditors: vec![creditor.id.clone()],
        };
        let mut case = crate::domain::case::tests::sample_case();
        case.debtor.locale = Locale::En;
        case.due_date = d(2026, 3, 2);
        case.journey.next_step = 1;
        // Monday 16 March 2026, 09:00 in Oslo.
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-16T08:00:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        let sms = step_message(
            &case,
            Recipient::Sms(case.debtor.phone.clone().expect("phone")),
            "purring",
            at,
        );
        let text = composer
            .compose(&sms, &case, &creditor, &agency, "https://x.no/k/abc")
            .body;
        // 1 249.50 on the claim, and the purring's 37.50 on top.
        assert_eq!(
            text,
            "Reminder from Fjordkraft: Please pay NOK 1,287.00 by 30 March 2026. See the case: https://x.no/k/abc"
        );
        let email = step_message(
            &case,
            Recipient::Email(
                crate::domain::contact::EmailAddress::parse("ola@example.no").expect("email"),
            ),
            "purring",
            at,
        );
        let body = composer
            .compose(&email, &case, &creditor, &agency, "https://x.no/k/abc")
            .body;
        assert!(
            body.contains("includes a reminder fee of NOK 37.50"),
            "{body}"
        );
        assert!(body.contains("To pay: NOK 1,287.00"), "{body}");
    }

    #[test]
    fn a_step_text_goes_out_in_the_debtors_language_with_its_dates_and_amounts() {
        let composer = Composer::new(Arc::new(Texts::load().expect("texts")));
        let mut creditor = journey_engine::tests::creditor();
        for step in &mut creditor.journey.steps {
            step.texts[0].text = format!("journey-{}", step.kind.as_str());
        }
        let agency = Agency {
            id: AgencyId::parse("a").expect("id"),
            name: "A Inkasso AS".into(),
            creditors: vec![creditor.id.clone()],
        };
        let mut case = crate::domain::case::tests::sample_case();
        case.due_date = d(2026, 3, 2);
        case.journey.next_step = 1;
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-16T08:00:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        for (locale, expected) in [
            (
                Locale::Pl,
                "Fjordkraft przypomina: zapłać 1 287,00 kr do 30 marca 2026: https://x.no/k/abc",
            ),
            (
                Locale::Uk,
                "Fjordkraft нагадує: сплатіть 1 287,00 kr до 30 березня 2026 р.: https://x.no/k/abc",
            ),
            (
                Locale::Nn,
                "Påminning frå Fjordkraft: Betal 1 287,00 kr innan 30. mars 2026. Sjå saka: https://x.no/k/abc",
            ),
        ] {
            case.debtor.locale = locale;
            let sms = step_message(
                &case,
                Recipient::Sms(case.debtor.phone.clone().expect("phone")),
                "purring",
                at,
            );
            let text = composer
                .compose(&sms, &case, &creditor, &agency, "https://x.no/k/abc")
                .body;
            assert_eq!(text, expected);
        }
    }
}
