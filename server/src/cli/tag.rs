//! `tag ID TAG [--rev REV]`: name a version.

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
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let t = ws.tag(&a.id, &a.tag, a.rev.as_deref())?;
    if out.json {
        out.print_json(&crate::json::tag(&t));
    } else {
        out.line(format!(
            "tagged {} v{} ({}) as {}; change since the previous tag: {}",
            t.id,
            t.version,
            skillmeat_core::hash::short(&t.hash),
            t.tag,
            t.bump.as_str()
        ));
    }
    Ok(exit::OK)
}
