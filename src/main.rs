//! The `innfri` command: `demo` (default), `serve`, `worker`, `check-config` and key helpers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use innfri::app::AppContext;
use innfri::config::{ConfigSource, api_key_hash};
use innfri::links::random_base62;
use innfri::{roles, telemetry};

#[derive(Parser)]
#[command(
    name = "innfri",
    version,
    about = "Payment links, self-service and reminders for debt collection"
)]
struct Cli {
    /// Folder with default.toml, profile files and mandates/.
    #[arg(
        long,
        global = true,
        env = "INNFRI_CONFIG_DIR",
        default_value = "config"
    )]
    config_dir: PathBuf,
    /// Profile file read over default.toml (config/<profile>.toml). `demo` uses "demo".
    #[arg(long, global = true, env = "INNFRI_PROFILE")]
    profile: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Web and worker in one process on the embedded store, with a demo case (the default).
    Demo,
    /// The web server: debtor pages, agency API, provider callbacks.
    Serve,
    /// The outbound worker: sends due messages.
    Worker,
    /// Validates the configuration and mandates; prints every problem with file and field.
    CheckConfig,
    /// Prints a new agency API key and the SHA-256 to put in the configuration.
    NewApiKey,
    /// Prints a new link-signing key (hex) for links.keys.
    NewLinkKey,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Demo);
    match command {
        Command::NewApiKey => {
            let key = format!("ik_{}", random_base62(32));
            println!("api key (give to the agency, shown once): {key}");
            println!(
                "api_key_sha256 (put in the configuration): {}",
                hex::encode(api_key_hash(&key))
            );
            return ExitCode::SUCCESS;
        }
        Command::NewLinkKey => {
            let mut bytes = [0u8; 32];
            rand::Rng::fill(&mut rand::rngs::OsRng, &mut bytes);
            println!("{}", hex::encode(bytes));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let profile = match (&command, cli.profile) {
        (_, Some(p)) => Some(p),
        (Command::Demo, None) => Some("demo".to_owned()),
        _ => None,
    };
    let source = ConfigSource::new(cli.config_dir, profile.as_deref());
    let config = match source.load() {
        Ok(config) => config,
        Err(errors) => {
            eprint!("{errors}");
            return ExitCode::from(2);
        }
    };
    if matches!(command, Command::CheckConfig) {
        println!(
            "configuration is valid: {} agenc(y/ies), {} creditor(s), store = {:?}",
            config.agencies.len(),
            config.creditors.len(),
            config.settings.store.backend
        );
        return ExitCode::SUCCESS;
    }
    telemetry::init(&config.settings.log);
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
    let result = runtime.block_on(async move {
        let ctx = AppContext::new(config).await?;
        match command {
            Command::Serve => roles::serve(ctx).await,
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
