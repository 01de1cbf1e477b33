//! `resolve ID [--file F] [--take ours|theirs|both|base|none]`: rewrite conflict regions, or
//! record a resolution made by hand once no markers remain.

use skillmeat_core::merge::Choice;
use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact id or unambiguous name.
    pub id: String,
    /// Only this file of the artifact (a path inside a skill folder).
    #[arg(long)]
    file: Option<String>,
    /// Resolve every region to this side; without it, check that none remain and record.
    #[arg(long, value_name = "ours|theirs|both|base|none")]
    take: Option<String>,
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let choice: Option<Choice> = a.take.as_deref().map(str::parse).transpose()?;
    let r = ws.resolve(&a.id, a.file.as_deref(), choice)?;
    if out.json {
        out.print_json(&crate::json::resolve(&r));
    } else if let Some(why) = &r.nothing_to_resolve {
        out.line(format!("{}: nothing to resolve: {why}", r.id));
    } else {
        for (p, n) in &r.rewritten {
            out.line(format!(
                "{}: {p}: {n} region{} resolved",
                r.id,
                if *n == 1 { "" } else { "s" }
            ));
        }
        if let Some(k) = r.kept_previous {
            out.line(format!("{}: the files as they were are kept as v{k}", r.id));
        }
        for (p, l) in &r.remaining {
            if *l == 0 {
                out.line(format!(
                    "{}: {p}: open conflict; it cannot carry conflict markers: take a side with `skillmeat-lsp resolve {} --file {p} --take ours|theirs|base`",
                    r.id, r.id
                ));
            } else {
                out.line(format!("{}: {p}:{l}: conflict markers remain", r.id));
            }
        }
        match r.version {
            Some(v) => out.line(format!("{}: resolved, recorded as v{v}", r.id)),
            None => out.line(format!(
                "{}: not resolved yet; edit the markers away or use --take ours|theirs|both|base",
                r.id
            )),
        }
    }
    Ok(if r.remaining.is_empty() {
        exit::OK
    } else {
        exit::CONFLICTS
    })
}
