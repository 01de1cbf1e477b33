//! `rollback ID --to REV [--yes]`: restore an earlier version into the project.

use std::io::{BufRead, IsTerminal, Write};

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact id or unambiguous name.
    pub id: String,
    /// The revision: vN, a hash prefix, a tag, deployed, collection.
    #[arg(long)]
    to: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    if !a.yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(Error::invalid(format!(
                "rollback replaces the project copy of {}; pass --yes to confirm (its current content is kept as a version)",
                a.id
            )));
        }
        eprint!(
            "Roll back {} to {}? Its current content is kept as a version. [y/N] ",
            a.id, a.to
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = stdin.lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            out.line("rollback cancelled; nothing changed");
            return Ok(exit::OK);
        }
    }
    let r = ws.rollback(&a.id, &a.to)?;
    if out.json {
        out.print_json(&crate::json::rollback(&r));
    } else {
        let kept = r
            .kept_previous
            .map(|k| format!("; the replaced content is v{k}"))
            .unwrap_or_default();
        out.line(format!(
            "rolled {} back to {} (now v{}){kept}",
            r.id, r.to, r.version
        ));
    }
    Ok(exit::OK)
}
