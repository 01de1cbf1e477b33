//! `diff ID [--from REV] [--to REV]`: unified diff, by default deployed → project.

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact id or unambiguous name.
    pub id: String,
    /// Revision to diff from (default: deployed).
    #[arg(long)]
    from: Option<String>,
    /// Revision to diff to (default: project).
    #[arg(long)]
    to: Option<String>,
}

pub fn run(ws: &Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let d = ws.diff(&a.id, a.from.as_deref(), a.to.as_deref())?;
    if out.json {
        out.print_json(&crate::json::diff(&d));
    } else if d.files.is_empty() && d.meta_changes.is_empty() {
        out.line(format!("{} and {} are identical", d.from, d.to));
    } else {
        let text = d.text();
        out.line(text.trim_end_matches('\n'));
    }
    Ok(exit::OK)
}
