//! `keep ID --reason "…"` and `unkeep ID`: record (or clear) that this project's copy differs
//! from the collection on purpose (docs/design.md §4, `kept`).

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact id or unambiguous name.
    pub id: String,
    /// Why this copy differs on purpose (shown by status, the editor hint and log).
    #[arg(long)]
    reason: String,
}

#[derive(Debug, clap::Args)]
pub struct UnkeepArgs {
    /// Artifact id or unambiguous name.
    pub id: String,
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let k = ws.keep(&a.id, &a.reason)?;
    if out.json {
        out.print_json(&crate::json::keep(&k, true));
    } else if !k.changed {
        out.line(format!(
            "{} is synced: its copy matches the collection, so there is nothing to keep (nothing recorded); keep it once it differs on purpose",
            k.id
        ));
    } else {
        out.line(format!(
            "kept {} ({}): {}; status reads `kept` until the collection changes, and `sync --all` leaves it alone (`unkeep {}` ends this)",
            k.id,
            k.state,
            k.reason.as_deref().unwrap_or_default(),
            k.id
        ));
    }
    Ok(exit::OK)
}

pub fn unkeep(ws: &mut Workspace, a: &UnkeepArgs, out: &Out) -> Result<i32, Error> {
    let k = ws.unkeep(&a.id)?;
    if out.json {
        out.print_json(&crate::json::keep(&k, false));
    } else if k.changed {
        out.line(format!(
            "{} is no longer kept; it reads {} now",
            k.id, k.state
        ));
    } else {
        out.line(format!("{} was not kept; nothing to do", k.id));
    }
    Ok(exit::OK)
}
