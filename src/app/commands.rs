//! The operator's commands as `main` hands them over: loading the configuration, the async
//! runtime for each, and what each prints and exits with.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{AppContext, roles};
use crate::config::{AppConfig, Backend, ConfigSource, api_key_hash};
use crate::domain::ids::{AgencyId, CreditorId};
use crate::domain::staff::{INVITATION_DAYS, Role, StaffScope};
use crate::service::agencies::{self, generate_key, slug};
use crate::service::import::{choose_agency, import_cases};
use crate::service::reconcile::{self, Outcome};
use crate::service::staff;
use crate::tenants::key_id;
use crate::{i18n, messaging, telemetry};

/// A command, parsed from the command line.
pub enum Command {
    /// Web and worker in one process on the embedded store, with a demo case.
    Demo,
    Serve,
    Worker,
    /// Web and worker in one process, without the demo case.
    All,
    CheckConfig,
    Reconcile {
        file: PathBuf,
    },
    Import {
        file: PathBuf,
        creditor: String,
        agency: Option<String>,
    },
    Agency(AgencyAction),
    Journey(JourneyAction),
    User(UserAction),
    NewApiKey,
    NewLinkKey,
}

/// What `innfri agency` does (its arguments are the CLI's, parsed by `main.rs`).
#[derive(clap::Subcommand)]
pub enum AgencyAction {
    /// Creates an agency and prints its first API key (shown once; only its hash is stored).
    Create {
        /// The agency's name, e.g. "Fjord Inkasso AS"; its id is made from it unless --id.
        name: String,
        /// A configured creditor the agency collects for (repeat for several).
        #[arg(long = "creditor", required = true)]
        creditors: Vec<String>,
        /// The agency id to use instead of one made from the name.
        #[arg(long)]
        id: Option<String>,
    },
    /// Prints a new API key for an agency (shown once); its other keys keep working.
    Key {
        /// The agency's id or name.
        agency: String,
    },
    /// Lists an agency's keys by key id, with when they were made and revoked.
    Keys {
        /// The agency's id or name.
        agency: String,
    },
    /// Revokes one of an agency's keys: requests with it get 401 from then on.
    Revoke {
        /// The agency's id or name.
        agency: String,
        /// The key id `innfri agency keys` lists.
        key_id: String,
    },
}

/// What `innfri journey` does.
#[derive(clap::Subcommand)]
pub enum JourneyAction {
    /// Runs a creditor's journey on an in-memory store under a virtual clock with synthetic
    /// debtors (some pay after a step, some dispute, some never pay); prints one JSON line per
    /// action (message, fee, payment, paused, resumed, stopped), then a summary line.
    Simulate {
        /// The creditor whose journey runs.
        #[arg(long)]
        creditor: String,
        /// How many synthetic cases.
        #[arg(long, default_value_t = 100)]
        cases: usize,
        /// How many days to run.
        #[arg(long, default_value_t = 120)]
        days: u32,
        /// The seed of the debtors' behaviour: the same seed gives the same run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The first day, YYYY-MM-DD (today if left out).
        #[arg(long)]
        start: Option<String>,
    },
}

/// What `innfri user` does: staff users of the console.
#[derive(clap::Subcommand)]
pub enum UserAction {
    /// Creates a staff user and prints a one-time invitation link (to set a password and enrol
    /// TOTP): an agency user with --agency and --role, or a creditor user with --creditor.
    Create {
        /// The user's e-mail address (their login name).
        email: String,
        /// The agency the user works for.
        #[arg(long, conflicts_with = "creditor", requires = "role")]
        agency: Option<String>,
        /// admin, handler or viewer (agency users only).
        #[arg(long)]
        role: Option<String>,
        /// The creditor the user belongs to (sees its cases, read only).
        #[arg(long, required_unless_present = "agency")]
        creditor: Option<String>,
    },
    /// Prints a new invitation link for a staff user (the last one expired, or a phone or
    /// password was lost): the user sets a password and enrols TOTP again before the next login.
    Invite { email: String },
    /// Disables a staff user: no more logins, open sessions end at their next request.
    Disable { email: String },
}

/// Runs `command` with the configuration in `config_dir` under `profile`.
pub fn run(config_dir: PathBuf, profile: Option<String>, command: Command) -> ExitCode {
    match command {
        Command::NewApiKey => return new_api_key(),
        Command::NewLinkKey => return new_link_key(),
        _ => {}
    }
    let profile = match (&command, profile) {
        (_, Some(p)) => Some(p),
        // The simulation runs in memory only, so the demo's public keys are all it needs.
        (Command::Demo | Command::Journey(_), None) => Some("demo".to_owned()),
        _ => None,
    };
    let source = ConfigSource::new(config_dir, profile.as_deref());
    let config = match source.load() {
        Ok(config) => config,
        Err(errors) => {
            eprint!("{errors}");
            // `import` keeps exit code 2 for "some rows rejected".
            return ExitCode::from(if matches!(command, Command::Import { .. }) {
                1
            } else {
                2
            });
        }
    };
    if matches!(command, Command::CheckConfig) {
        return check_config(&config);
    }
    if let Command::Journey(action) = command {
        // No log subscriber: the lines on standard output are the simulation's whole output.
        return journey_command(config, action);
    }
    // Dropped last (declared first): what is buffered is exported after everything else.
    let _traces = telemetry::init(&config.settings.log);
    let runtime = match build_runtime(&command, &config) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Command::Import {
        file,
        creditor,
        agency,
    } = &command
    {
        return runtime.block_on(import_file(config, file, creditor, agency.as_deref()));
    }
    if let Command::Agency(_) = &command
        && config.settings.store.backend == Backend::Embedded
    {
        // The embedded store lives and dies with one process: a key made here would be gone.
        eprintln!(
            "innfri agency: needs the Redis store (store.backend = \"redis\"); with the embedded \
             store put an api_key_sha256 from `innfri new-api-key` in the configuration instead"
        );
        return ExitCode::FAILURE;
    }
    if let Command::User(_) = &command
        && config.settings.store.backend == Backend::Embedded
        && config.settings.store.path.is_none()
    {
        eprintln!(
            "innfri user: needs a store that outlives this command (store.backend = \"redis\", \
             or store.path for the embedded store); `innfri demo` prints demo logins instead"
        );
        return ExitCode::FAILURE;
    }
    let result = runtime.block_on(async move {
        let ctx = AppContext::new(config).await?;
        match command {
            Command::Agency(action) => agency_command(&ctx, action).await.map_err(|e| {
                eprintln!("innfri agency: {e}");
                anyhow::anyhow!("agency command refused")
            }),
            Command::User(action) => user_command(&ctx, action).await.map_err(|e| {
                eprintln!("innfri user: {e}");
                anyhow::anyhow!("user command refused")
            }),
            Command::Reconcile { file } => reconcile_file(&ctx, &file).await,
            Command::Serve => roles::serve(ctx).await,
            Command::All => roles::all(ctx).await,
            Command::Worker => roles::worker(ctx).await,
            _ => roles::demo(ctx).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "stopped with an error");
            eprintln!("innfri: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn journey_command(config: AppConfig, action: JourneyAction) -> ExitCode {
    let JourneyAction::Simulate {
        creditor,
        cases,
        days,
        seed,
        start,
    } = action;
    let creditor = match CreditorId::parse(&creditor) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("innfri journey simulate: --creditor {creditor}: {e}");
            return ExitCode::from(2);
        }
    };
    let start = match start.as_deref() {
        None => crate::clock::Clock::now(&crate::clock::SystemClock).date_naive(),
        Some(text) => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => day,
            Err(_) => {
                eprintln!("innfri journey simulate: --start must be a date like 2026-03-02");
                return ExitCode::from(2);
            }
        },
    };
    let options = super::simulate::SimulateOptions {
        creditor,
        cases,
        days,
        seed,
        start,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match runtime.block_on(super::simulate::run(config, &options, &mut out)) {
        Ok(()) => match std::io::Write::flush(&mut out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        },
        Err(e) => {
            eprintln!("innfri journey simulate: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn new_api_key() -> ExitCode {
    let key = generate_key();
    println!("api key (give to the agency, shown once): {key}");
    println!(
        "api_key_sha256 (put in the configuration): {}",
        hex::encode(api_key_hash(&key))
    );
    ExitCode::SUCCESS
}

fn new_link_key() -> ExitCode {
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::rngs::OsRng, &mut bytes);
    println!("{}", hex::encode(bytes));
    ExitCode::SUCCESS
}

fn check_config(config: &AppConfig) -> ExitCode {
    match i18n::Texts::load() {
        Ok(texts) => {
            for warning in messaging::composer::sms_warnings(&texts, config) {
                println!("warning: {warning}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    for warning in config.late_interest_warnings(now) {
        println!("warning: {warning}");
    }
    for warning in config.changes_by_warnings() {
        println!("warning: {warning}");
    }
    println!(
        "configuration is valid: {} agenc(y/ies), {} creditor(s), store = {:?}",
        config.agencies.len(),
        config.creditors.len(),
        config.settings.store.backend
    );
    ExitCode::SUCCESS
}

/// The agency an operator means: its id as typed, or the id its name makes.
fn agency_id(named: &str) -> Result<AgencyId, String> {
    AgencyId::parse(named.trim())
        .or_else(|_| AgencyId::parse(&slug(named)))
        .map_err(|e| format!("'{named}' is not an agency id or name: {e}"))
}

/// Shows a newly made key once, with the id it is listed and revoked by.
fn print_new_key(key: &str) {
    println!("api key (give to the agency; shown once, only its hash is kept): {key}");
    println!("key id: {}", key_id(&api_key_hash(key)));
}

async fn agency_command(ctx: &AppContext, action: AgencyAction) -> Result<(), String> {
    let now = ctx.clock.now();
    match action {
        AgencyAction::Create {
            name,
            creditors,
            id,
        } => {
            let id = id.unwrap_or_else(|| slug(&name));
            let (agency, key) = agencies::create_agency(ctx, &id, &name, &creditors, now)
                .await
                .map_err(|e| e.to_string())?;
            println!("agency: {} ({})", agency.id, agency.name);
            print_new_key(&key);
        }
        AgencyAction::Key { agency } => {
            let id = agency_id(&agency)?;
            let key = agencies::issue_key(ctx, &id, now)
                .await
                .map_err(|e| e.to_string())?;
            print_new_key(&key);
        }
        AgencyAction::Keys { agency } => {
            let id = agency_id(&agency)?;
            for key in agencies::keys(ctx, &id).await.map_err(|e| e.to_string())? {
                let state = match key.revoked_at {
                    Some(at) => format!("revoked {}", at.to_rfc3339()),
                    None => "active".to_owned(),
                };
                println!(
                    "{}  made {}  {state}",
                    key.key_id,
                    key.created_at.to_rfc3339()
                );
            }
        }
        AgencyAction::Revoke { agency, key_id } => {
            let id = agency_id(&agency)?;
            agencies::revoke_key(ctx, &id, key_id.trim(), now)
                .await
                .map_err(|e| e.to_string())?;
            println!("key {key_id} of {id} is revoked");
        }
    }
    Ok(())
}

/// The scope `innfri user create` was given.
fn user_scope(
    agency: Option<String>,
    role: Option<String>,
    creditor: Option<String>,
) -> Result<StaffScope, String> {
    match (agency, creditor) {
        (Some(agency), None) => {
            let role = role.ok_or("--role is needed with --agency")?;
            Ok(StaffScope::Agency {
                agency: agency_id(&agency)?,
                role: Role::parse(&role)
                    .ok_or_else(|| format!("--role: '{role}' is not admin, handler or viewer"))?,
            })
        }
        (None, Some(creditor)) => Ok(StaffScope::Creditor {
            creditor: CreditorId::parse(&creditor).map_err(|e| format!("--creditor: {e}"))?,
        }),
        _ => Err("give either --agency with --role, or --creditor".into()),
    }
}

async fn user_command(ctx: &AppContext, action: UserAction) -> Result<(), String> {
    let now = ctx.clock.now();
    match action {
        UserAction::Create {
            email,
            agency,
            role,
            creditor,
        } => {
            let scope = user_scope(agency, role, creditor)?;
            let invited = staff::create_user(ctx, &email, scope, now)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "user: {} ({})",
                invited.user.email,
                invited.user.scope.describe()
            );
            println!(
                "invitation link (give to the user; works once, for {} days): {}",
                INVITATION_DAYS, invited.link
            );
        }
        UserAction::Invite { email } => {
            let invited = staff::reinvite(ctx, &email, now)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "invitation link for {} (works once, for {} days): {}",
                invited.user.email, INVITATION_DAYS, invited.link
            );
        }
        UserAction::Disable { email } => {
            let user = staff::disable_user(ctx, &email)
                .await
                .map_err(|e| e.to_string())?;
            println!("user {} is disabled", user.email);
        }
    }
    Ok(())
}

async fn reconcile_file(ctx: &AppContext, file: &Path) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let content: String = match std::str::from_utf8(&bytes) {
        Ok(text) => text.to_owned(),
        // OCR files are ISO-8859-1 by specification.
        Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
    };
    let payments = reconcile::read_file(&content)
        .map_err(|e| anyhow::anyhow!("{}: refused, nothing applied: {e}", file.display()))?;
    let report = reconcile::reconcile(ctx, None, payments, ctx.clock.now()).await?;
    for line in &report {
        println!(
            "{:>5}  {:>14}  {:<26}  {}",
            line.line,
            line.amount.to_plain_string(),
            line.kid.as_deref().unwrap_or("-"),
            serde_json::to_string(&line.outcome)?
        );
    }
    let applied = report
        .iter()
        .filter(|l| matches!(l.outcome, Outcome::Applied { .. }))
        .count();
    println!(
        "{} payments, {applied} applied now, {} not",
        report.len(),
        report.len() - applied
    );
    Ok(())
}

async fn import_file(
    config: AppConfig,
    file: &Path,
    creditor: &str,
    agency: Option<&str>,
) -> ExitCode {
    let refused = |e: &dyn std::fmt::Display| {
        eprintln!("innfri import: {}: {e}; nothing imported", file.display());
        ExitCode::FAILURE
    };
    let creditor = match CreditorId::parse(creditor) {
        Ok(id) => id,
        Err(e) => return refused(&format!("--creditor: {e}")),
    };
    let agency = match agency.map(AgencyId::parse).transpose() {
        Ok(id) => id,
        Err(e) => return refused(&format!("--agency: {e}")),
    };
    let reader = match std::fs::File::open(file) {
        Ok(reader) => reader,
        Err(e) => return refused(&format!("cannot read the file: {e}")),
    };
    let ctx = match AppContext::new(config).await {
        Ok(ctx) => ctx,
        Err(e) => return refused(&format!("{e:#}")),
    };
    let agency = match choose_agency(&ctx, &creditor, agency.as_ref()).await {
        Ok(agency) => agency,
        Err(e) => return refused(&e),
    };
    match import_cases(&ctx, &agency, &creditor, reader).await {
        Ok(report) => {
            for rejection in &report.rejected {
                println!("{rejection}");
            }
            println!("{}", report.summary());
            if report.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(e) if e.nothing_imported() => refused(&e),
        Err(e) => {
            eprintln!("innfri import: {}: {e}", file.display());
            ExitCode::FAILURE
        }
    }
}

/// The async runtime for a command. The worker's runs on `messaging.worker_threads` threads
/// (default 1): it mostly waits on Redis and the provider, and on a machine it shares with them
/// one thread does far more per CPU second than several that keep waking each other (measured
/// in `bench/README.md`); more worker processes scale it out. Everything else gets one thread
/// per core.
fn build_runtime(
    command: &Command,
    config: &AppConfig,
) -> std::io::Result<tokio::runtime::Runtime> {
    let threads = match command {
        Command::Worker => config.settings.messaging.worker_threads,
        _ => 0,
    };
    match threads {
        1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        0 => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build(),
    }
}
