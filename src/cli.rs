//! The command line (pinned: operators' scripts rely on it).

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "yunqi",
    version,
    about = "yunqi-bot: salons, jobs and clarification threads in chat / 云栖开发者社区机器人"
)]
pub struct Cli {
    /// Configuration file layered over the embedded defaults.
    #[arg(long, global = true, env = "YUNQI_CONFIG")]
    pub config: Option<String>,
    /// Database file (overrides `[storage] url`).
    #[arg(long, global = true)]
    pub db: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// HTTP server, outbox dispatcher, scheduler and every configured adapter (the default).
    Serve,
    /// Chat as a console user: prints what was queued for them, then reads lines from stdin.
    Console {
        /// The console user to chat as, e.g. `alice` or `admin`.
        #[arg(long = "as")]
        user: String,
        /// The user's language.
        #[arg(long, value_parser = ["zh", "en"])]
        locale: Option<String>,
    },
    /// Exports data on stdout (CSV; a spec as Markdown).
    Export {
        #[command(subcommand)]
        what: Export,
    },
    /// Applies database migrations and exits.
    Migrate,
    /// Writes a consistent copy of the database to a new file (works while `serve` runs).
    Backup {
        /// Where to write the copy; an existing file is never overwritten.
        file: std::path::PathBuf,
    },
    /// Copies an SQLite database into a new, empty PostgreSQL database, ids kept.
    Copy {
        /// The SQLite database: `sqlite://path` or a path. It must exist.
        #[arg(long)]
        from: String,
        /// The PostgreSQL database: `postgres://…`. It must have no rows yet.
        #[arg(long)]
        to: String,
    },
    /// Messages that could not be delivered: list them, or queue them again.
    Outbox {
        #[command(subcommand)]
        what: Outbox,
    },
    /// Salons: list them, or add one from a file.
    Salon {
        #[command(subcommand)]
        what: SalonCmd,
    },
    /// WeCom set-up steps.
    Wecom {
        #[command(subcommand)]
        what: WecomCmd,
    },
}

#[derive(Debug, Subcommand)]
pub enum WecomCmd {
    /// Creates the app menu with the "扫码签到" ticket-scan button (menu/create).
    Menu {
        /// Only print the menu JSON; call nothing.
        #[arg(long)]
        print: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum Outbox {
    /// Lists failed deliveries: id, platform, recipient (masked), kind, reason, when.
    Failed,
    /// Queues a failed delivery again: its id, or `all`.
    Retry { which: String },
}

#[derive(Debug, Subcommand)]
pub enum SalonCmd {
    /// id, start, status, held/capacity, waitlist and title of every salon.
    List,
    /// Creates the salon in a TOML file with the fields of one `[[salons]]` entry (once per `key`).
    Add {
        #[arg(long)]
        file: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// Registrations of a salon, with phone numbers (organizers only: keep it safe).
    Salon { id: i64 },
    /// Every job with its client, status, tags, budget and assignee (operators).
    Jobs,
    /// A salon's answered feedback: salon, user, platform, rating, comment, answered_at.
    Feedback { id: i64 },
    /// One job's spec as Markdown: sections, acceptance checklist, changelog, Q&A.
    Spec {
        id: i64,
        #[arg(long, value_parser = ["zh", "en"])]
        locale: Option<String>,
    },
}
