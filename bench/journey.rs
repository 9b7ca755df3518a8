//! Journey benchmark (`bench/journey.sh`): many cases with their journeys on Redis, then a
//! virtual clock stepped day by day while the real worker sends what is due (in-memory
//! providers), printing per simulated day the due actions, the time, Redis commands per action
//! and the process's memory.
//!
//! `bench-journey load N START` takes in N cases through the intake use case
//! (`service::cases::upsert`, so exactly what intake writes, journey step queued included),
//! many at once. Case `i` falls due on START − 2 + (i mod 57) days, so the first steps are
//! spread over the whole window and every simulated day has later steps of earlier cases.
//!
//! `bench-journey run START DAYS` steps the clock to 14:00 (Oslo) of each day and lets the
//! worker empty what is due (each sent step is recorded on its case and the next one queued),
//! printing one line per day. This process is the worker: its RSS is the worker's, and its
//! providers only count what they are given (a ledger of a day's messages would be the
//! benchmark's memory, not the worker's).
//!
//! Both read the configuration as `innfri` does (profile and `INNFRI__…` environment).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use innfri::app::AppContext;
use innfri::clock::SettableClock;
use innfri::config::AppConfig;
use innfri::domain::case::ClaimKind;
use innfri::domain::ids::AgencyId;
use innfri::messaging::ProviderSet;
use innfri::messaging::{Outbound, Provider, SendError, SendReceipt};
use innfri::service::cases::{self, CaseIntake, ClaimLineIntake, DebtorIntake};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, what: &str| -> anyhow::Result<&str> {
        args.get(i).map(String::as_str).ok_or_else(|| {
            anyhow::anyhow!("missing {what}; usage: bench-journey load N START | run START DAYS")
        })
    };
    let profile = std::env::var("INNFRI_PROFILE").ok();
    let config_dir = std::env::var("INNFRI_CONFIG_DIR").unwrap_or_else(|_| "config".into());
    let config = innfri::config::ConfigSource::new(config_dir, profile.as_deref()).load()?;
    match arg(0, "command")? {
        "load" => {
            let count: usize = arg(1, "N")?.parse()?;
            let start = NaiveDate::parse_from_str(arg(2, "START")?, "%Y-%m-%d")?;
            load(config, count, start).await
        }
        "run" => {
            let start = NaiveDate::parse_from_str(arg(1, "START")?, "%Y-%m-%d")?;
            let days: i64 = arg(2, "DAYS")?.parse()?;
            run(config, start, days).await
        }
        other => anyhow::bail!("unknown command '{other}'"),
    }
}

/// `hour`:00 in Oslo on `day`.
fn oslo(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    let local = day.and_hms_opt(hour, 0, 0).unwrap_or_default();
    chrono_tz::Europe::Oslo
        .from_local_datetime(&local)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// The first agency and its first creditor (the demo's `demo-inkasso` / `nordlys-energi`).
fn tenant(config: &AppConfig) -> anyhow::Result<(AgencyId, String)> {
    let agency = config
        .agencies
        .values()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no agency configured"))?;
    let creditor = agency
        .creditors
        .first()
        .ok_or_else(|| anyhow::anyhow!("the agency has no creditor"))?;
    Ok((agency.id.clone(), creditor.to_string()))
}

async fn load(config: AppConfig, count: usize, start: NaiveDate) -> anyhow::Result<()> {
    let (agency, creditor) = tenant(&config)?;
    let now = oslo(start, 6);
    let ctx = AppContext::with_clock(config, Arc::new(SettableClock::at(now))).await?;
    let concurrency: usize = std::env::var("LOAD_CONCURRENCY")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    let started = Instant::now();
    let (ctx, agency, creditor) = (&ctx, &agency, &creditor);
    futures::stream::iter(0..count)
        .map(|i| async move {
            let due = start + Duration::days(i64::try_from(i % 57)? - 2);
            let intake = CaseIntake {
                external_ref: format!("BENCH-J-{i}"),
                creditor_id: creditor.clone(),
                debtor: DebtorIntake {
                    name: format!("Bench Debtor {i}"),
                    // One number per case (the frequency cap counts per number); SMS only.
                    phone: Some(format!("9{:07}", i % 10_000_000)),
                    email: None,
                    locale: Some(if i % 5 == 0 { "en" } else { "nb" }.into()),
                    postcode: None,
                    birth_date: None,
                },
                claim: vec![ClaimLineIntake {
                    kind: ClaimKind::Principal,
                    description: format!("Faktura {i}"),
                    amount: Value::String(format!("{}.00", 200 + i % 20_000)),
                }],
                due_date: due.format("%Y-%m-%d").to_string(),
                notices_sent: None,
            };
            cases::upsert(ctx, agency, intake, now)
                .await
                .with_context(|| format!("case {i}"))?;
            anyhow::Ok(())
        })
        .buffer_unordered(concurrency)
        .try_for_each(|()| async { Ok(()) })
        .await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "loaded {count} cases through intake in {secs:.1} s ({:.0} cases/s)",
        count as f64 / secs
    );
    Ok(())
}

/// Every Redis server of the store (one, or the cluster's masters given in the config).
fn redis_servers(config: &AppConfig) -> Vec<String> {
    let store = &config.settings.store;
    if store.redis_cluster_nodes.is_empty() {
        vec![store.redis_url.clone()]
    } else {
        store.redis_cluster_nodes.clone()
    }
}

/// The commands the servers have run so far (`INFO commandstats`, all commands summed).
async fn commands_so_far(servers: &[redis::aio::MultiplexedConnection]) -> anyhow::Result<u64> {
    let mut total = 0;
    for conn in servers {
        let info: String = redis::cmd("INFO")
            .arg("commandstats")
            .query_async(&mut conn.clone())
            .await?;
        total += info
            .lines()
            .filter_map(|l| l.split("calls=").nth(1))
            .filter_map(|rest| rest.split(',').next())
            .filter_map(|n| n.parse::<u64>().ok())
            .sum::<u64>();
    }
    Ok(total)
}

/// A provider that takes every message and keeps only the count.
#[derive(Default)]
struct CountingProvider {
    sent: AtomicU64,
}

impl CountingProvider {
    /// How many were sent since the last call.
    fn take(&self) -> u64 {
        self.sent.swap(0, Ordering::Relaxed)
    }
}

#[async_trait::async_trait]
impl Provider for CountingProvider {
    fn name(&self) -> &'static str {
        // The in-memory provider's namespace: the same ids the simulation uses.
        innfri::messaging::providers::memory::NAME
    }

    async fn send(&self, _outbound: &Outbound) -> Result<SendReceipt, SendError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        self.sent.fetch_add(1, Ordering::Relaxed);
        Ok(SendReceipt {
            provider: self.name(),
            provider_id: format!("count-{}", NEXT.fetch_add(1, Ordering::Relaxed)),
            reports_name_the_message: false,
        })
    }
}

/// This process's resident memory now and at its peak, in MiB.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

async fn run(config: AppConfig, start: NaiveDate, days: i64) -> anyhow::Result<()> {
    let mut servers = Vec::new();
    for url in redis_servers(&config) {
        servers.push(
            redis::Client::open(url.as_str())?
                .get_multiplexed_async_connection()
                .await?,
        );
    }
    let clock = SettableClock::at(oslo(start, 6));
    let ctx = AppContext::with_clock(config, Arc::new(clock.clone())).await?;
    let provider = Arc::new(CountingProvider::default());
    let worker = ctx.worker_with(ProviderSet::only(provider.clone(), provider.clone()));
    let (mut actions, mut seconds, mut commands) = (0u64, 0f64, 0u64);
    println!("day,date,weekday,due_actions,seconds,actions_per_s,redis_cmds_per_action,rss_mib");
    for d in 0..days {
        let day = start + Duration::days(d);
        let t = oslo(day, 14);
        clock.set(t);
        let before = commands_so_far(&servers).await?;
        let started = Instant::now();
        // Until a round finds nothing: what is due at `t` is sent (a step sent queues the
        // next one, days later, so nothing new becomes due at `t`).
        while worker.run_once_at(t).await? > 0 {}
        let elapsed = started.elapsed().as_secs_f64();
        // One INFO per server is the measurement's own command.
        let ran = (commands_so_far(&servers).await? - before).saturating_sub(servers.len() as u64);
        let sent = provider.take();
        let (rss, _) = rss_mib();
        let per = |n: u64| {
            if sent == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", n as f64 / sent as f64)
            }
        };
        println!(
            "{d},{day},{},{sent},{elapsed:.2},{:.0},{},{rss:.1}",
            day.format("%a"),
            if elapsed > 0.0 {
                sent as f64 / elapsed
            } else {
                0.0
            },
            per(ran),
        );
        actions += sent;
        seconds += elapsed;
        commands += ran;
    }
    let (rss, peak) = rss_mib();
    println!(
        "total: {actions} actions in {seconds:.1} s ({:.0}/s), {:.1} Redis commands per action, RSS {rss:.1} MiB (peak {peak:.1} MiB)",
        actions as f64 / seconds.max(1e-9),
        commands as f64 / (actions.max(1) as f64),
    );
    Ok(())
}
