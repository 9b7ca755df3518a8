//! The demo's data: one creditor and agency from `config/demo.toml`, one open case, one SMS.

use chrono::Duration;
use rust_decimal_macros::dec;

use crate::context::AppContext;
use crate::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use crate::domain::contact::{EmailAddress, PhoneNumber};
use crate::domain::ids::{CaseId, ExternalRef};
use crate::domain::kid::Kid;
use crate::domain::locale::Locale;
use crate::domain::message::{Message, Recipient, Template};
use crate::domain::money::Money;

/// The demo agency's API key; public on purpose, and only accepted by the demo profile.
pub const API_KEY: &str = "ik_demo_innfri_public_key";

/// Creates the demo case (if the store does not have it yet), queues its reminder SMS and
/// returns a fresh link to its page.
pub async fn seed(ctx: &AppContext) -> anyhow::Result<String> {
    let agency = ctx
        .config
        .agencies
        .values()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the demo needs an agency in config/demo.toml"))?;
    let creditor_id = agency
        .creditors
        .first()
        .ok_or_else(|| anyhow::anyhow!("the demo agency needs a creditor"))?;
    let creditor = ctx
        .config
        .creditors
        .get(creditor_id)
        .ok_or_else(|| anyhow::anyhow!("creditor {creditor_id} is not configured"))?;
    let external_ref = ExternalRef::parse("DEMO-2026-0001")?;
    let money = |amount| Money::new(amount, creditor.currency);
    let now = ctx.clock.now();
    let terms = CaseTerms {
        creditor_id: creditor.id.clone(),
        debtor: Debtor {
            name: "Kari Nordmann".into(),
            phone: Some(PhoneNumber::parse("+47 912 34 567")?),
            email: Some(EmailAddress::parse("kari.nordmann@example.no")?),
            locale: Locale::Nb,
        },
        claim: vec![
            ClaimLine {
                kind: ClaimKind::Principal,
                description: "Strøm oktober, faktura 104233".into(),
                amount: money(dec!(1890.00))?,
            },
            ClaimLine {
                kind: ClaimKind::Interest,
                description: "Forsinkelsesrente 12 %".into(),
                amount: money(dec!(18.65))?,
            },
            ClaimLine {
                kind: ClaimKind::Fee,
                description: "Purregebyr".into(),
                amount: money(dec!(37.50))?,
            },
        ],
        due_date: (now + Duration::days(14)).date_naive(),
    };
    terms.validate(creditor.currency, now.date_naive())?;
    let case = match ctx.store.case_by_ref(&agency.id, &external_ref).await? {
        Some(case) => case,
        None => {
            let sequence = ctx.store.next_kid_sequence(&creditor.id).await?;
            let kid = Kid::for_sequence(sequence, creditor.kid_length, creditor.kid_algorithm)
                .ok_or_else(|| anyhow::anyhow!("cannot make a KID for the demo"))?;
            let case = Case::open(
                CaseId::generate(),
                agency.id.clone(),
                external_ref,
                terms,
                kid,
                now,
            );
            ctx.store.insert_case(&case).await?;
            if let Some(phone) = &case.debtor.phone {
                let sms = Message::schedule(
                    case.id.clone(),
                    agency.id.clone(),
                    Recipient::Sms(phone.clone()),
                    Template::Reminder,
                    now,
                    now,
                );
                ctx.store.schedule_message(&sms).await?;
            }
            case
        }
    };
    Ok(ctx.issue_case_link(&case.id).await?)
}
