//! Worker benchmark seeding: writes N cases into the configured store, each with its own debtor
//! phone number (+47 90000000 + i) and exactly one SMS due now, for `bench/worker.sh`.
//!
//! The message is a payment receipt (`Template::PaymentReceipt`, after a part payment recorded
//! on the case): it carries a signed link like a reminder does, but it is not a collection
//! message, so the worker sends it at once at any hour. A reminder would wait for the Norwegian
//! contact hours (weekdays 08–21, Saturdays 09–15) and the benchmark could not run at night.
//!
//! Usage: `cargo run --release --example bench-seed-messages -- N [CONCURRENCY]` with the same
//! configuration (profile + environment) as the worker under test.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use innfri::app::AppContext;
use innfri::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use innfri::domain::contact::PhoneNumber;
use innfri::domain::creditor::{Agency, Creditor};
use innfri::domain::event::Actor;
use innfri::domain::ids::{CaseId, ExternalRef};
use innfri::domain::kid::Kid;
use innfri::domain::locale::Locale;
use innfri::domain::message::{Message, Recipient, Template};
use innfri::domain::money::Money;
use innfri::domain::payment::{Payment, PaymentMethod};
use innfri::store::CaseInsert;
use rust_decimal::Decimal;

/// The first bench number; case `i` gets `FIRST_PHONE + i` (all Norwegian mobiles: 9xxxxxxx).
const FIRST_PHONE: u64 = 90_000_000;
/// The last Norwegian 8-digit number starting with 9.
const LAST_PHONE: u64 = 99_999_999;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().unwrap_or_else(|| "20000".into()).parse()?;
    let concurrency: usize = args.next().unwrap_or_else(|| "64".into()).parse()?;
    anyhow::ensure!(
        count <= LAST_PHONE - FIRST_PHONE + 1,
        "at most {} messages (one phone number each)",
        LAST_PHONE - FIRST_PHONE + 1
    );
    anyhow::ensure!(concurrency > 0, "concurrency must be at least 1");
    let profile = std::env::var("INNFRI_PROFILE").ok();
    let config_dir = std::env::var("INNFRI_CONFIG_DIR").unwrap_or_else(|_| "config".into());
    let config = innfri::config::ConfigSource::new(config_dir, profile.as_deref()).load()?;
    let ctx = AppContext::new(config).await?;
    let agency = ctx
        .config
        .agencies
        .values()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no agency configured"))?
        .clone();
    let creditor_id = agency
        .creditors
        .first()
        .ok_or_else(|| anyhow::anyhow!("agency has no creditor"))?;
    let creditor = ctx
        .config
        .creditors
        .get(creditor_id)
        .ok_or_else(|| anyhow::anyhow!("creditor missing"))?
        .clone();
    let seed = Arc::new(Seed {
        ctx,
        agency,
        creditor,
        now: Utc::now(),
    });
    let started = Instant::now();
    futures::stream::iter(0..count)
        .map(|i| {
            let seed = seed.clone();
            async move { seed.one(i).await.with_context(|| format!("case {i}")) }
        })
        .buffer_unordered(concurrency)
        .try_for_each(|()| async { Ok(()) })
        .await?;
    println!(
        "seeded {count} cases with one payment receipt SMS each in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What every case shares.
struct Seed {
    ctx: Arc<AppContext>,
    agency: Agency,
    creditor: Creditor,
    now: DateTime<Utc>,
}

impl Seed {
    /// Case `i`: a claim with a part payment, and the receipt for that payment, due now.
    async fn one(&self, i: u64) -> anyhow::Result<()> {
        let (now, currency) = (self.now, self.creditor.currency);
        let phone = PhoneNumber::parse(&format!("+47{}", FIRST_PHONE + i))?;
        let index = i64::try_from(i)?;
        let terms = CaseTerms {
            creditor_id: self.creditor.id.clone(),
            debtor: Debtor {
                name: format!("Bench Debtor {i}"),
                phone: Some(phone.clone()),
                email: None,
                locale: if i.is_multiple_of(2) {
                    Locale::Nb
                } else {
                    Locale::En
                },
            },
            claim: vec![
                ClaimLine {
                    kind: ClaimKind::Principal,
                    description: format!("Faktura {i}"),
                    amount: Money::new(Decimal::new(100_000 + index * 7, 2), currency)?,
                },
                ClaimLine {
                    kind: ClaimKind::Fee,
                    description: "Purregebyr".into(),
                    amount: Money::new(Decimal::new(3750, 2), currency)?,
                },
            ],
            due_date: (now + chrono::Duration::days(14)).date_naive(),
        };
        let store = &self.ctx.store;
        let sequence = store.next_kid_sequence(&self.creditor.id).await?;
        let kid = Kid::for_sequence(
            sequence,
            self.creditor.kid_length,
            self.creditor.kid_algorithm,
        )
        .ok_or_else(|| anyhow::anyhow!("no KID for {sequence}"))?;
        let mut case = Case::open(
            CaseId::generate(),
            self.agency.id.clone(),
            ExternalRef::parse(&format!("BENCH-W-{i}"))?,
            terms,
            kid,
            now,
        );
        case.apply_payment(
            Payment {
                reference: format!("bench-payment-{i}"),
                amount: Money::new(Decimal::new(20_000, 2), currency)?,
                received_on: now.date_naive(),
                method: PaymentMethod::BankTransfer,
                recorded_at: now,
            },
            Actor::System,
            now,
            &innfri::domain::ledger::OwedOn::without_interest(now.date_naive()),
        );
        if let CaseInsert::Exists(_) = store.insert_case(&case).await? {
            anyhow::bail!("BENCH-W-{i} exists already: seed into an empty namespace");
        }
        let message = Message::schedule(
            case.id.clone(),
            case.agency_id.clone(),
            Recipient::Sms(phone),
            Template::PaymentReceipt,
            now,
            now,
        );
        store.schedule_message(&message).await?;
        Ok(())
    }
}
