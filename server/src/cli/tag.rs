//! `tag ID TAG [--rev REV] [--force]`: name a version (an existing tag moves only with --force).

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact id or unambiguous name.
    pub id: String,
    /// The tag, e.g. `release-1.2`.
    tag: String,
    /// The revision to tag (default: the project copy).
    #[arg(long)]
    rev: Option<String>,
    /// Move the tag when it already names another version (like `git tag -f`).
    #[arg(long, short = 'f')]
    force: bool,
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let t = ws.tag_with(&a.id, &a.tag, a.rev.as_deref(), a.force)?;
    if out.json {
        out.print_json(&crate::json::tag(&t));
    } else {
        let mut line = format!(
            "tagged {} v{} ({}) as {}",
            t.id,
            t.version,
            skillmeat_core::hash::short(&t.hash),
            t.tag,
        );
        if let Some(from) = t.moved_from {
            line.push_str(&format!(" (moved from v{from})"));
        }
        if let Some(old) = &t.replaced {
            line.push_str(&format!(" (replacing tag {old})"));
        }
        match &t.since {
            Some((prev, n)) => line.push_str(&format!(
                "; change since {prev} (v{n}): {}",
                t.bump.as_str()
            )),
            None => line.push_str("; no earlier tag to compare with"),
        }
        out.line(line);
    }
    Ok(exit::OK)
}
