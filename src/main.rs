//! The `innfri` command: `demo` (default), `serve`, `worker`, `check-config`, `reconcile`,
//! `import`, `agency` (tenants and API keys), `journey simulate` and key helpers. Argument parsing only: each
//! command is handed to `app::commands`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use innfri::app::commands::{self as app, AgencyAction, JourneyAction, UserAction};

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
    /// Web server and worker in one process (no demo case): for a store file or a small Redis.
    All,
    /// Validates the configuration and mandates; prints every problem with file and field.
    CheckConfig,
    /// Applies a bank payment file (OCR giro or camt.054) to the cases by KID, once; prints a report.
    Reconcile {
        /// The file as received from the bank.
        file: PathBuf,
    },
    /// Imports cases from a CSV file (header-named columns); prints each rejected row by line.
    /// Exit code 0: all rows imported; 2: some rows rejected (the others imported); 1: file refused.
    Import {
        /// The CSV file (UTF-8, ',' or ';' separated).
        file: PathBuf,
        /// The creditor the cases are for.
        #[arg(long)]
        creditor: String,
        /// The agency to import for; needed only when several agencies act for the creditor.
        #[arg(long)]
        agency: Option<String>,
    },
    /// Agencies and their API keys in the store (needs store.backend = "redis").
    Agency {
        #[command(subcommand)]
        action: AgencyAction,
    },
    /// Collection journeys: `simulate` runs a creditor's journey under a virtual clock.
    Journey {
        #[command(subcommand)]
        action: JourneyAction,
    },
    /// Staff users of the console (needs a store that outlives the command).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Prints a new agency API key and the SHA-256 to put in the configuration.
    NewApiKey,
    /// Prints a new link-signing key (hex) for links.keys.
    NewLinkKey,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => app::Command::Demo,
        Command::Serve => app::Command::Serve,
        Command::Worker => app::Command::Worker,
        Command::All => app::Command::All,
        Command::CheckConfig => app::Command::CheckConfig,
        Command::Reconcile { file } => app::Command::Reconcile { file },
        Command::Import {
            file,
            creditor,
            agency,
        } => app::Command::Import {
            file,
            creditor,
            agency,
        },
        Command::Agency { action } => app::Command::Agency(action),
        Command::Journey { action } => app::Command::Journey(action),
        Command::User { action } => app::Command::User(action),
        Command::NewApiKey => app::Command::NewApiKey,
        Command::NewLinkKey => app::Command::NewLinkKey,
    };
    app::run(cli.config_dir, cli.profile, command)
}
