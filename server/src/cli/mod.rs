//! The CLI: argument parsing, dispatch, and the mapping of core errors to exit codes (docs/design.md §9).

mod add;
mod check_upstream;
mod deploy;
mod diff;
mod history;
mod import;
mod keep;
mod list;
mod log;
mod merge_file;
mod output;
mod projects;
mod resolve;
mod rollback;
mod status;
mod sync;
mod tag;
mod verify;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use skillmeat_core::collection::{Collection, Env};
use skillmeat_core::id::IdQuery;
use skillmeat_core::workspace::{Options, Workspace};
use skillmeat_core::{Error, ErrorKind};

pub use output::Out;

/// Exit codes of docs/design.md §9.
pub mod exit {
    pub const OK: i32 = 0;
    pub const DRIFT_OR_FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const NOT_FOUND: i32 = 3;
    pub const CONFLICTS: i32 = 4;
    pub const LOCKED: i32 = 5;
}

#[derive(Debug, Parser)]
#[command(
    name = "skillmeat-lsp",
    version,
    about = "Version tracking, drift detection and merge for Claude Code skills, commands, agents, hooks and MCP servers",
    after_help = "Exit codes: 0 ok, 1 drift found / operation failed, 2 usage, 3 not found, 4 conflicts left, 5 lock or permission."
)]
pub struct Cli {
    /// The project folder (default: the nearest folder upwards holding `.claude/` with artifacts, `.skillmeat/` or `.git`, below $HOME; else the current one).
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<PathBuf>,
    /// The collection folder (default: SKILLMEAT_COLLECTION, then SkillMeat's config, then ~/.skillmeat/collections/default).
    #[arg(long, global = true, value_name = "DIR")]
    collection: Option<PathBuf>,
    /// Print machine-readable JSON (the shapes are documented in docs/cli-json.md).
    #[arg(long, global = true)]
    json: bool,
    /// Create `.claude/.skillmeat-deployed.toml` if it does not exist (it is always updated when it does).
    #[arg(long, global = true)]
    skillmeat_compat: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the drift of every artifact (exit 0 when everything is synced, 1 when anything drifted).
    #[command(visible_alias = "drift")]
    Status(status::Args),
    /// Copy artifacts from the collection into the project and record the baseline.
    Deploy(deploy::Args),
    /// List an artifact's versions, newest first.
    History(history::Args),
    /// Import SkillMeat's `.claude/.skillmeat-deployed.toml` records as baselines.
    Import,
    /// Plan a sync between tiers; apply it with --apply.
    Sync(sync::Args),
    /// Resolve conflict markers left by a merge.
    Resolve(resolve::Args),
    /// Restore an earlier version into the project.
    Rollback(rollback::Args),
    /// Show a unified diff between two revisions (default: deployed → project).
    Diff(diff::Args),
    /// Name a version.
    Tag(tag::Args),
    /// Three-way merge of one file, like `git merge-file` (exit code = number of conflicts;
    /// `merge-file -h` lists its options).
    #[command(disable_help_flag = true)]
    MergeFile(merge_file::MergeFileArgs),
    /// Put an artifact from a git repository or a local folder into the collection, recording its upstream.
    Add(add::Args),
    /// Compare collection artifacts with their git upstreams (exit 1 when any is behind or diverged).
    CheckUpstream(check_upstream::Args),
    /// Check every stored version against its hashes, like `git fsck` (exit 1 when anything is damaged).
    Verify,
    /// Show the audit trail (what each operation did, when), newest first.
    Log(log::Args),
    /// Sync count and duration (p50/p95), merges clean vs with conflicts, open conflicts and their age.
    Stats(log::StatsArgs),
    /// Record that this project's copy differs from the collection on purpose (status reads `kept`).
    Keep(keep::Args),
    /// Clear a keep: the artifact reads its drift state again.
    Unkeep(keep::UnkeepArgs),
    /// List the collection's artifacts and where each is deployed in this project.
    List,
    /// Every known project's deployments of collection artifacts, with state and version
    /// (projects are remembered when a command runs in them or an editor opens them).
    Projects(projects::Args),
    /// Run the language server on stdin/stdout (what editors start).
    Serve {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
        /// Print the server's commands, settings and diagnostic codes as JSON, and exit
        /// (editor clients check their manifests against it).
        #[arg(long)]
        describe: bool,
    },
}

pub fn main() -> i32 {
    // merge-file reads its arguments as git does (`--` included), so clap does not see them.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(rest) = merge_file_args(&args) {
        return merge_file::main(&rest);
    }
    // A lock held by another process: after a second, say what we wait for (the core only
    // reports the wait; printing is the CLI's).
    skillmeat_core::sync::lock::on_wait(|what, lock| {
        let _ = writeln!(
            std::io::stderr().lock(),
            "note: waiting for {what}: another skillmeat-lsp holds {} (pid and start: {}); \
             waiting up to {} ms (SKILLMEAT_LOCK_TIMEOUT_MS)",
            lock.path.display(),
            lock.holder,
            lock.timeout.as_millis()
        );
    });
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            // With --json, a usage error is one JSON object on stdout too (docs/cli-json.md).
            if code == exit::USAGE && args.iter().skip(1).any(|a| a == "--json") {
                let message = e.render().to_string();
                // clap's words before its usage lines, on one line.
                let what = message.split("\n\n").next().unwrap_or_default();
                let what = what.strip_prefix("error: ").unwrap_or(what);
                let first = what.split_whitespace().collect::<Vec<_>>().join(" ");
                Out::new(true).print_json(&crate::json::failure(
                    &Error::invalid(format!("{first} (`skillmeat-lsp --help` lists the usage)")),
                    code,
                ));
            }
            let _ = e.print();
            return code;
        }
    };
    let out = Out::new(cli.json);
    match run(&cli, &out) {
        Ok(code) => code,
        Err(e) => {
            out.error(&e, exit_code(&e));
            exit_code(&e)
        }
    }
}

fn run(cli: &Cli, out: &Out) -> Result<i32, Error> {
    // merge-file works on three files alone, and the server opens its own workspaces.
    match &cli.command {
        // git's exit codes (129 usage, 255 unmergeable input), not docs/design.md §9's.
        Command::MergeFile(a) => return Ok(merge_file::main(&a.args)),
        Command::Serve { describe: true, .. } => {
            out.print_json(&crate::lsp::describe());
            return Ok(exit::OK);
        }
        Command::Serve { .. } => return Ok(crate::lsp::serve()),
        _ => {}
    }
    // Commands over every known project open each project themselves.
    if let Some(code) = every_project(cli, out)? {
        return Ok(code);
    }
    // Reject malformed ids before anything is opened or created.
    let ids: Vec<&String> = match &cli.command {
        Command::Deploy(a) => a.ids.iter().collect(),
        Command::Sync(a) => a.ids.iter().collect(),
        Command::History(a) => vec![&a.id],
        Command::Resolve(a) => vec![&a.id],
        Command::Rollback(a) => vec![&a.id],
        Command::Diff(a) => vec![&a.id],
        Command::Tag(a) => vec![&a.id],
        Command::CheckUpstream(a) => a.ids.iter().collect(),
        Command::Log(a) => {
            log::check_args(a)?;
            a.id.iter().collect()
        }
        Command::Keep(a) => vec![&a.id],
        Command::Unkeep(a) => vec![&a.id],
        Command::Add(a) => {
            add::check_args(a)?;
            vec![]
        }
        Command::Stats(a) => {
            log::check_since(a.since.as_deref())?;
            vec![]
        }
        Command::Projects(a) => a.id.iter().collect(),
        Command::Status(a) => a.ids.iter().collect(),
        Command::List
        | Command::Import
        | Command::Verify
        | Command::MergeFile(_)
        | Command::Serve { .. } => vec![],
    };
    for id in ids {
        IdQuery::parse(id)?;
    }
    let mut ws = open_workspace(cli)?;
    let result = match &cli.command {
        Command::Status(a) => status::run(&mut ws, a, out),
        Command::Deploy(a) => deploy::run(&mut ws, a, out),
        Command::History(a) => history::run(&ws, a, out),
        Command::Import => import::run(&mut ws, out),
        Command::Sync(a) => sync::run(&mut ws, a, out),
        Command::Resolve(a) => resolve::run(&mut ws, a, out),
        Command::Rollback(a) => rollback::run(&mut ws, a, out),
        Command::Diff(a) => diff::run(&ws, a, out),
        Command::Tag(a) => tag::run(&mut ws, a, out),
        Command::Add(a) => add::run(&mut ws, a, out),
        Command::CheckUpstream(a) => check_upstream::run(&ws, a, out),
        Command::Verify => verify::run(&ws, out),
        Command::Log(a) => log::run(&ws, a, out),
        Command::Stats(a) => log::stats(&ws, a, out),
        Command::Keep(a) => keep::run(&mut ws, a, out),
        Command::Unkeep(a) => keep::unkeep(&mut ws, a, out),
        Command::List => list::run(&mut ws, out),
        // Handled before the workspace is opened; kept here so the match stays exhaustive.
        Command::MergeFile(_) | Command::Serve { .. } | Command::Projects(_) => {
            Err(Error::other("this command needs no workspace"))
        }
    };
    // Recovery of an interrupted apply is worth telling, whatever the command.
    for n in ws.take_notes() {
        if n.contains("interrupted apply") {
            out.note(n);
        }
    }
    if result.is_ok() && !ws.is_in_memory() {
        remember(ws.root(), out);
    }
    if result.is_err() {
        ws.discard_if_new();
    } else if writes_project(&cli.command) && !out.json && wrote(&cli.command, &ws) {
        out.note(format!("workspace: {}", ws.root().display()));
    }
    result
}

/// Commands that only read: in a folder that is not a project they create nothing.
fn read_only(c: &Command) -> bool {
    matches!(
        c,
        Command::Status(_)
            | Command::History(_)
            | Command::Diff(_)
            | Command::CheckUpstream(_)
            | Command::Log(_)
            | Command::Stats(_)
            | Command::List
            | Command::Verify
    )
}

/// Commands that write into the project (add writes into the collection).
fn writes_project(c: &Command) -> bool {
    match c {
        Command::Sync(a) => a.apply,
        Command::Deploy(_)
        | Command::Import
        | Command::Resolve(_)
        | Command::Rollback(_)
        | Command::Tag(_)
        | Command::Keep(_)
        | Command::Unkeep(_) => true,
        _ => false,
    }
}

/// Whether a command that may write into the project did: a copy got new content, or it is one
/// that only records lineage (a tag, a keep) and succeeded. A sync already up to date, or a
/// deploy of what is deployed, wrote nothing and so names no workspace.
fn wrote(c: &Command, ws: &Workspace) -> bool {
    ws.store().copy_written()
        || matches!(c, Command::Tag(_) | Command::Keep(_) | Command::Unkeep(_))
}

/// `projects` and `sync ID --all-projects`: run over every known project, not one workspace.
/// `None` for every other command.
fn every_project(cli: &Cli, out: &Out) -> Result<Option<i32>, Error> {
    let all_projects_sync = matches!(&cli.command, Command::Sync(a) if a.all_projects);
    if !matches!(cli.command, Command::Projects(_)) && !all_projects_sync {
        return Ok(None);
    }
    let env = Env::from_process(cli.collection.clone());
    let collection = Collection::resolve(&env)?;
    // The project this runs in (when it is one) counts as opened.
    if let Ok(cwd) = std::env::current_dir() {
        let here = cli
            .workspace
            .clone()
            .map(Ok)
            .unwrap_or_else(|| find_project_root(&cwd, &env));
        if let Ok(here) = here {
            if skillmeat_core::workspace::is_project(&here) {
                remember(&here, out);
            }
        }
    }
    let code = match &cli.command {
        Command::Projects(a) => projects::run(&env, &collection, a, out)?,
        Command::Sync(a) => {
            let (id, strategy) = sync::all_projects_args(a)?;
            projects::sync_all(&env, &collection, id, strategy, a.apply, out)?
        }
        _ => return Ok(None),
    };
    Ok(Some(code))
}

/// Adds a project to the registry of workspaces (`skillmeat_core::registry`); a state folder
/// that cannot be written costs the registry, never the command; a registry moved aside or of a
/// newer version is said on stderr.
fn remember(root: &Path, out: &Out) {
    if !skillmeat_core::workspace::is_project(root) {
        return;
    }
    if let Some(reg) = skillmeat_core::registry::Registry::from_process() {
        match reg.register_noting(root) {
            Ok((_, Some(note))) => out.note(note),
            Ok((_, None)) => {}
            Err(e) if e.kind() == skillmeat_core::error::ErrorKind::Malformed => {
                out.note(e.to_string())
            }
            Err(_) => {}
        }
    }
}

/// The arguments of `merge-file` when it is the command (after any global options, or as
/// `help merge-file`, which shows merge-file's own options only), read as git reads them.
fn merge_file_args(args: &[std::ffi::OsString]) -> Option<Vec<std::ffi::OsString>> {
    let mut i = 1;
    while let Some(a) = args.get(i) {
        let a = a.to_string_lossy();
        match a.as_ref() {
            "merge-file" => return Some(args[i + 1..].to_vec()),
            "help" if args.get(i + 1).is_some_and(|n| n == "merge-file") => {
                return Some(vec!["-h".into()])
            }
            "--workspace" | "--collection" => i += 2,
            "--json" | "--skillmeat-compat" => i += 1,
            _ if a.starts_with("--workspace=") || a.starts_with("--collection=") => i += 1,
            _ => return None,
        }
    }
    None
}

fn open_workspace(cli: &Cli) -> Result<Workspace, Error> {
    let env = Env::from_process(cli.collection.clone());
    let root = match &cli.workspace {
        Some(w) => w.clone(),
        None => find_project_root(
            &std::env::current_dir().map_err(|e| Error::io(".", e))?,
            &env,
        )?,
    };
    // Resolve the collection before touching the workspace, so a missing one writes nothing.
    let collection = Collection::resolve(&env)?;
    Workspace::open(
        &root,
        collection,
        Options {
            skillmeat_compat: cli.skillmeat_compat,
            read_only: read_only(&cli.command),
            in_memory: false,
        },
    )
}

/// User-level data of Claude Code and SkillMeat: never a project, never climbed into.
fn user_data_dirs(env: &Env) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(home) = &env.home {
        dirs.push(home.join(".claude"));
        dirs.push(home.join(".skillmeat"));
    }
    dirs.extend(env.skillmeat_root());
    dirs.iter()
        .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
        .collect()
}

/// The project a command run in `start` is about: the nearest folder at or above it holding a
/// project marker ([`skillmeat_core::workspace::is_project`]), like git finds `.git/`, else
/// `start` itself. The climb stops below `$HOME`: the home folder's `~/.claude` holds the user's
/// own skills for every project, and `~/.skillmeat` is SkillMeat's data, so neither is ever a
/// workspace unless named with `--workspace`.
fn find_project_root(start: &Path, env: &Env) -> Result<PathBuf, Error> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let start = canon(start);
    let home = env.home.as_deref().map(canon);
    let data = user_data_dirs(env);
    let refuse = |what: &str| {
        Error::invalid(format!(
            "{} is {what}, not a project; run the command inside a project, or name it with --workspace DIR if you really mean this folder",
            start.display()
        ))
    };
    if home.as_deref() == Some(start.as_path()) {
        return Err(refuse(
            "your home folder (a deploy here would go to ~/.claude/, which Claude Code loads in every project, and every command records its lineage in the project it runs in)",
        ));
    }
    if data.iter().any(|d| start.starts_with(d)) {
        return Err(refuse(
            "inside Claude Code's or SkillMeat's user-level data",
        ));
    }
    for p in start.ancestors() {
        if home.as_deref() == Some(p) {
            break;
        }
        if skillmeat_core::workspace::is_project(p) {
            return Ok(p.to_path_buf());
        }
    }
    Ok(start)
}

pub fn exit_code(e: &Error) -> i32 {
    match e.kind() {
        ErrorKind::Invalid => exit::USAGE,
        ErrorKind::Malformed => exit::DRIFT_OR_FAILED,
        ErrorKind::NotFound => exit::NOT_FOUND,
        ErrorKind::Conflict => exit::CONFLICTS,
        ErrorKind::Locked => exit::LOCKED,
        ErrorKind::Failed => exit::DRIFT_OR_FAILED,
    }
}
