//! The command line: argument parsing, and one module per command.

/// `println!` for messages that may quote values from the backlog: the line passes the terminal
/// safety gate ([`crate::render::safe::output`]) first.
macro_rules! println_safe {
    ($($arg:tt)*) => {
        println!("{}", $crate::render::safe::output(&format!($($arg)*), false))
    };
}

/// `eprintln!` through the same gate as [`println_safe`].
macro_rules! eprintln_safe {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::render::safe::output(&format!($($arg)*), false))
    };
}

mod agents;
mod backlog;
mod board;
mod cache;
mod check;
mod context;
mod diff;
mod edit;
mod export;
mod filters;
mod flow;
mod fmt;
mod hook;
mod import;
mod init;
mod jira;
mod list;
mod log;
mod mcp;
mod new;
mod output;
mod pi;
mod pi_status;
mod portfolio;
mod report;
mod serve;
mod show;
mod tree;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostic::Outcome;

use clap::{Parser, Subcommand};

use crate::error::EnvError;
use crate::render::ColorChoice;
use crate::source::{Source, Workspace};
use output::{print_generated, warn_if_broken, write_commands, write_out};

/// Which version of the backlog a read command looks at.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SourceArgs {
    /// Read the backlog as the git index (staging area) holds it: what the next commit contains.
    #[arg(long, conflicts_with = "rev")]
    pub staged: bool,
    /// Read the backlog as it is at a commit, branch or tag, without checking it out.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

impl SourceArgs {
    pub fn source(&self) -> Source {
        match (&self.rev, self.staged) {
            (Some(rev), _) => Source::Rev(rev.clone()),
            (None, true) => Source::Index,
            (None, false) => Source::WorkTree,
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "popm",
    version,
    about = "A git-native SAFe backlog: markdown items checked like code",
    long_about = "popm keeps a SAFe backlog (epics, capabilities, features, stories, PIs) as markdown files \
                  with YAML frontmatter in a git repository, checks it like a linter and answers questions \
                  about it.",
    after_help = "Exit status: 0 clean, 1 findings, 2 usage, configuration or environment error."
)]
pub struct Cli {
    /// Run as if popm was started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Use this configuration file instead of looking for popm.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Parse every file again, without reading or writing the parse cache (as POPM_NO_CACHE=1).
    #[arg(long, global = true)]
    pub no_cache: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the whole backlog and report problems with file:line diagnostics.
    Check(check::Args),
    /// List items, filtered, as a table, JSON or CSV.
    List(list::Args),
    /// Show one item: fields, parents, children, dependencies, acceptance criteria.
    Show(show::Args),
    /// Print the hierarchy (epics > capabilities > features > stories) as a tree.
    Tree(tree::Args),
    /// Rank the open items of a level: WSJF for epics and features, the PO's order for stories.
    Backlog(backlog::Args),
    /// PI checks; `popm pi ready` tells whether a PI is ready for planning.
    Pi(pi::Args),
    /// Show a Kanban board: one column per workflow state.
    Board(board::Args),
    /// Create an item from a template, with the next free id.
    New(new::Args),
    /// Edit an item's frontmatter: KEY=VALUE, KEY= (remove), KEY+=V / KEY-=V (lists).
    Set(edit::SetArgs),
    /// Move an item to another status, following the workflow's entry rules.
    Move(edit::MoveArgs),
    /// Give an item a new id and update every reference to it.
    Renumber(edit::RenumberArgs),
    /// Normalize frontmatter: canonical key order, flow lists of names, final newline.
    Fmt(fmt::Args),
    /// Import a Backlog.md folder, a tracker's or Jira's CSV export, or popm's JSON export.
    Import(import::Args),
    /// Export the whole backlog as CSV, JSON (every field and the body) or Jira's CSV.
    Export(export::Args),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Write a commented popm.toml and an example backlog.
    Init(init::Args),
    /// List every rule with its default severity.
    Rules,
    /// Install or remove a git pre-commit hook running `popm check --pre-commit`.
    Hook(hook::Args),
    /// An item's history: one line per commit that changed it, following renames by id.
    Log(log::LogArgs),
    /// The backlog change between two revisions (default: merge base with the default branch ..
    /// work tree), as a PM reads it.
    Diff(diff::DiffArgs),
    /// SAFe flow metrics from the first-parent history of the current branch.
    Flow(flow::FlowArgs),
    /// A compact brief for a coding agent: an item with its parents, siblings, open dependencies
    /// and findings, or without ID the current PI.
    Context(context::Args),
    /// Write or update popm's brief for coding agents in AGENTS.md (between markers).
    Agents(agents::Args),
    /// Serve the backlog to coding agents: a Model Context Protocol server on stdin/stdout.
    Mcp(mcp::Args),
    /// Write the backlog as a static site: the ART planning board, roadmap, PI and item pages.
    Report(report::Args),
    /// Serve the backlog in a browser, live: board and reports, a JSON API, checked edits.
    Serve(serve::Args),
    /// The parse cache: `info` (where, how many entries, size), `clear`.
    Cache(cache::Args),
    /// Many ARTs, one portfolio: fetch the ARTs' backlogs and check them together (docs/portfolio.md).
    Portfolio(portfolio::Args),
}

/// Parses the arguments, runs the command and maps the outcome to an exit status.
pub fn main() -> ExitCode {
    // Files are parsed on rayon's threads. Give them the main thread's 8 MiB of stack rather than
    // the 2 MiB default: the YAML and markdown parsers recurse per nesting level (bounded, but a debug
    // build's frames are large). If a pool exists already, it is used as it is.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(8 << 20)
        .build_global();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap: help and version are not errors, and hold only popm's own text.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return Outcome::Clean.into();
        }
        // Every other parse failure is a usage error, whose message quotes what was typed (a
        // value, an unknown subcommand): it passes the same gate as popm's own messages. Without
        // clap's colours, which would be set around the typed value as it is.
        Err(e) => {
            let text = e.render().to_string();
            eprint!("{}", crate::render::safe::output(&text, false));
            return Outcome::Error.into();
        }
    };
    let outcome = match run(&cli) {
        Ok(outcome) => {
            crate::trace::phase("done");
            outcome
        }
        Err(e) => {
            eprintln!(
                "popm: error: {}",
                crate::render::safe::output(&e.to_string(), false)
            );
            Outcome::Error
        }
    };
    outcome.into()
}

fn run(cli: &Cli) -> Result<Outcome, EnvError> {
    crate::trace::phase("start");
    let dir = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if cli.no_cache {
        crate::cache::disable();
    }
    if let Command::Init(args) = &cli.command {
        return init::run(&dir, args);
    }
    if let Command::Rules = &cli.command {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
        print!("{}", crate::render::table::rules(terminal));
        return Ok(Outcome::Clean);
    }
    if let Command::Hook(args) = &cli.command {
        return hook::run(&dir, args);
    }
    if let Command::Diff(args) = &cli.command {
        return diff::diff(&dir, cli.config.as_deref(), args, cli.color);
    }
    if let Command::Mcp(args) = &cli.command {
        return mcp::run(&dir, cli.config.as_deref(), args);
    }
    if let Command::Serve(args) = &cli.command {
        return serve::run(&dir, cli.config.as_deref(), args);
    }
    if let Command::Completions { shell } = &cli.command {
        let mut command = <Cli as clap::CommandFactory>::command();
        let mut out = Vec::new();
        clap_complete::generate(*shell, &mut command, "popm", &mut out);
        return print_generated(&out);
    }
    if let Command::Man = &cli.command {
        let command = <Cli as clap::CommandFactory>::command();
        let mut out = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut out)
            .map_err(|e| EnvError::io("render the man page", e))?;
        return print_generated(&out);
    }
    let (source, needs_git) = match &cli.command {
        Command::Check(a) => a.source(),
        Command::List(a) => (a.source.source(), false),
        Command::Show(a) => (a.source.source(), false),
        Command::Tree(a) => (a.source.source(), false),
        Command::Backlog(a) => (a.source.source(), false),
        Command::Pi(a) => (a.source(), false),
        Command::Board(a) => (a.source.source(), false),
        Command::Context(a) => (a.source.source(), false),
        Command::Export(a) => (a.source.source(), false),
        Command::Report(a) => (a.source.source(), false),
        Command::Log(_) | Command::Flow(_) => (Source::WorkTree, true),
        _ => (Source::WorkTree, false),
    };
    let mut workspace = Workspace::open_at(&dir, cli.config.as_deref(), source, needs_git)?;
    // Commands that write hold the backlog lock from their first read to their last write, so two
    // at once run one after the other instead of deciding from the same reading.
    let lock = match &cli.command {
        Command::New(_)
        | Command::Set(_)
        | Command::Move(_)
        | Command::Renumber(_)
        | Command::Fmt(_)
        | Command::Import(_) => Some(crate::edit::lock::acquire(&workspace)?),
        _ => None,
    };
    // A command killed half-way through its writes is finished or undone before anything is read.
    let completed = crate::edit::journal::settle(&workspace, lock.is_some())?;
    if completed.is_some_and(|c| c == crate::edit::journal::invocation()) {
        // The same command run again after the kill: it is done now, and doing it twice (an import
        // of rows without ids, say) would not be what was meant.
        eprintln_safe!(
            "popm: nothing changed: this command was interrupted before and is now complete (see the note above); run it again only to do it twice"
        );
        return Ok(Outcome::Findings);
    }
    let outcome = match &cli.command {
        Command::Check(args) => check::run(&workspace, args, cli.color),
        Command::Portfolio(args) => portfolio::run(&workspace, args, cli.color),
        Command::List(args) => list::run(&workspace, args, cli.color),
        Command::Show(args) => show::run(&workspace, args, cli.color),
        Command::Tree(args) => tree::run(&workspace, args, cli.color),
        Command::Backlog(args) => backlog::run(&workspace, args, cli.color),
        Command::Pi(args) => pi::run(&workspace, args, cli.color),
        Command::Board(args) => board::run(&workspace, args, cli.color),
        Command::New(args) => new::run(&workspace, args, lock),
        Command::Set(args) => edit::set(&workspace, args),
        Command::Move(args) => edit::move_item(&workspace, args),
        Command::Renumber(args) => edit::renumber(&workspace, args),
        Command::Fmt(args) => fmt::run(&workspace, args),
        Command::Export(args) => export::run(&workspace, args, cli.color),
        Command::Import(args) => import::run(&workspace, args),
        Command::Log(args) => log::log(&workspace, args, cli.color),
        Command::Flow(args) => flow::flow(&workspace, args, cli.color),
        Command::Agents(args) => agents::run(&workspace, args),
        Command::Context(args) => context::run(&workspace, args),
        Command::Report(args) => report::run(&workspace, args, cli.color),
        Command::Cache(args) => cache::run(&workspace, args),
        _ => Ok(Outcome::Clean),
    };
    workspace.forget_cache();
    outcome
}
