//! Benchmark seeding: writes N cases straight into the configured store, with one fresh link and
//! one debtor session per case, and writes the link paths and session cookies for wrk to replay.
//!
//! Usage: `cargo run --release --example bench-seed -- N OUT_DIR` with the same configuration
//! (profile + environment) as the server under test.

use std::io::Write;
use std::time::Duration;

use chrono::Utc;
use innfri::app::AppContext;
use innfri::config::ConfigSource;
use innfri::domain::case::{Case, CaseTerms, ClaimKind, ClaimLine, Debtor};
use innfri::domain::contact::PhoneNumber;
use innfri::domain::ids::{CaseId, ExternalRef};
use innfri::domain::kid::Kid;
use innfri::domain::link::DebtorSession;
use innfri::domain::locale::Locale;
use innfri::domain::money::Money;
use innfri::links::random_base62;
use innfri::store::SessionRef;
use rust_decimal::Decimal;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().unwrap_or_else(|| "10000".into()).parse()?;
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "target/bench".into()));
    std::fs::create_dir_all(&out)?;
    let profile = std::env::var("INNFRI_PROFILE").ok();
    let config = ConfigSource::new("config", profile.as_deref()).load()?;
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
    let base = ctx.config.settings.server.public_base_url.clone();
    let mut links = std::io::BufWriter::new(std::fs::File::create(out.join("links.txt"))?);
    let mut cookies = std::io::BufWriter::new(std::fs::File::create(out.join("cookies.txt"))?);
    let mut old_cookies =
        std::io::BufWriter::new(std::fs::File::create(out.join("cookies_old.txt"))?);
    let cookie_name = if base.starts_with("https://") {
        "__Host-innfri"
    } else {
        "innfri"
    };
    let now = Utc::now();
    for i in 0..count {
        let amount = Money::new(Decimal::new(100_000 + i as i64 * 7, 2), creditor.currency)?;
        let terms = CaseTerms {
            creditor_id: creditor.id.clone(),
            debtor: Debtor {
                name: format!("Bench Debtor {i}"),
                phone: Some(PhoneNumber::parse("+4791234567")?),
                email: None,
                locale: if i % 2 == 0 { Locale::Nb } else { Locale::En },
            },
            claim: vec![
                ClaimLine {
                    kind: ClaimKind::Principal,
                    description: format!("Faktura {i}"),
                    amount,
                },
                ClaimLine {
                    kind: ClaimKind::Fee,
                    description: "Purregebyr".into(),
                    amount: Money::new(Decimal::new(3750, 2), creditor.currency)?,
                },
            ],
            due_date: (now + chrono::Duration::days(14)).date_naive(),
        };
        let sequence = ctx.store.next_kid_sequence(&creditor.id).await?;
        let kid = Kid::for_sequence(sequence, creditor.kid_length, creditor.kid_algorithm)
            .ok_or_else(|| anyhow::anyhow!("no KID for {sequence}"))?;
        let case = Case::open(
            CaseId::generate(),
            agency.id.clone(),
            ExternalRef::parse(&format!("BENCH-{i}"))?,
            terms,
            kid,
            now,
        );
        ctx.store.insert_case(&case).await?;
        let link = ctx.issue_case_link(&case.id).await?;
        writeln!(links, "{}", link.strip_prefix(&base).unwrap_or(&link))?;
        // Two sessions per case: one as a link opens it now (the cookie names the case: one
        // round trip per page) and one as older versions did (two), for `links.sh` to compare.
        let session_id = SessionRef::cookie_value(&case.id, &random_base62(22));
        let old_session_id = random_base62(22);
        let session = DebtorSession {
            case_id: case.id.clone(),
            csrf_token: random_base62(22),
            created_at: now,
            expires_at: now + chrono::Duration::hours(4),
            verified: false,
            others: Vec::new(),
        };
        for id in [&session_id, &old_session_id] {
            ctx.store
                .save_session(
                    &SessionRef::of_cookie(id),
                    &session,
                    Duration::from_secs(3600),
                )
                .await?;
        }
        writeln!(cookies, "{cookie_name}={session_id}")?;
        writeln!(old_cookies, "{cookie_name}={old_session_id}")?;
    }
    links.flush()?;
    cookies.flush()?;
    old_cookies.flush()?;
    println!(
        "seeded {count} cases, links and sessions into {}",
        out.display()
    );
    Ok(())
}
