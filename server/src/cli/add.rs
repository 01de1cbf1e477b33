//! `add SOURCE [--path P] [--ref R] [--type T] [--name N]`: an artifact from a git repository or a
//! local folder or file into the collection, recording its upstream.

use skillmeat_core::id::{validate_name, ArtifactType};
use skillmeat_core::workspace::{AddRequest, Workspace};
use skillmeat_core::{hash, Error};

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A git URL (https://, ssh://, file://, or a local repository), a GitHub spec
    /// (user/repo/path[@ref]) or https://github.com/u/r/tree/<ref>/<path>, or a local folder or
    /// `.md` file.
    pub source: String,
    /// The artifact's path inside the repository (default: the repository's top).
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
    /// The branch, tag or commit to follow (default: the remote's default branch).
    #[arg(long = "ref", value_name = "R")]
    pub reference: Option<String>,
    /// skill, command, agent, hook or mcp (default: a folder is a skill, a `.md` file a command).
    #[arg(long = "type", value_name = "T")]
    pub kind: Option<String>,
    /// The artifact's name in the collection (default: the last component of its path).
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
}

/// Checks what can be checked without the network or the disk, before anything is opened.
pub fn check_args(a: &Args) -> Result<(), Error> {
    if let Some(t) = &a.kind {
        t.parse::<ArtifactType>()?;
    }
    if let Some(n) = &a.name {
        validate_name(n)?;
    }
    Ok(())
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let kind = a.kind.as_deref().map(str::parse).transpose()?;
    let base = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let done = ws.add(&AddRequest {
        source: &a.source,
        path: a.path.as_deref(),
        reference: a.reference.as_deref(),
        kind,
        name: a.name.as_deref(),
        base: &base,
    })?;
    if !done.skipped.is_empty() && !out.json {
        out.note(format!(
            "left out of {} (skillmeat-lsp's own state and lock files, never an artifact's content): {}",
            done.id,
            done.skipped.join(", ")
        ));
    }
    if out.json {
        out.print_json(&crate::json::add(&done));
    } else {
        out.line(format!(
            "added {} as v{} ({}, {} file{}) at {}",
            done.id,
            done.version,
            hash::short(&done.hash),
            done.files,
            if done.files == 1 { "" } else { "s" },
            done.path.display()
        ));
        if let Some(u) = &done.upstream {
            out.line(format!(
                "  upstream {} at {}{}",
                u.upstream.describe(),
                &u.resolved_sha[..u.resolved_sha.len().min(12)],
                u.tag
                    .as_deref()
                    .map(|t| format!(" (tag {t})"))
                    .unwrap_or_default()
            ));
        }
    }
    Ok(exit::OK)
}
