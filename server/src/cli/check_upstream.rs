//! `check-upstream [ID...]`: where collection artifacts stand against their git upstreams
//! (current, behind, ahead, diverged); exit 1 when any is behind or diverged.

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact ids or unambiguous names (default: every collection artifact with an upstream).
    pub ids: Vec<String>,
}

fn short(sha: Option<&str>) -> &str {
    sha.map(|s| &s[..s.len().min(7)]).unwrap_or("-")
}

pub fn run(ws: &Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let results = ws.check_upstream(&a.ids)?;
    if out.json {
        out.print_json(&crate::json::check_upstream(ws, &results));
    } else if results.is_empty() {
        out.line(format!(
            "no artifact in {} has an upstream; add one with `skillmeat-lsp add SOURCE`",
            ws.collection().root.display()
        ));
    } else {
        for (id, r) in &results {
            match r {
                Ok(c) => {
                    out.line(format!(
                        "{:<28} {:<9} {}  {} -> {}",
                        id.to_string(),
                        c.state.as_str(),
                        c.upstream.describe(),
                        short(c.resolved_sha.as_deref()),
                        short(Some(&c.current_sha)),
                    ));
                    for w in &c.warnings {
                        out.line(format!("  warning: {w}"));
                    }
                }
                Err(e) => out.item_error(id, e),
            }
        }
        if results
            .iter()
            .any(|(_, r)| r.as_ref().is_ok_and(|c| c.state.needs_sync()))
        {
            out.line("take upstream's changes with `skillmeat-lsp sync ID --direction upstream-to-collection --apply`");
        }
    }
    let errors: Vec<&Error> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    if let ([e], 1) = (errors.as_slice(), results.len()) {
        // A single artifact's error (already printed) keeps its own exit code.
        return Ok(super::exit_code(e));
    }
    let behind = results
        .iter()
        .any(|(_, r)| r.as_ref().is_ok_and(|c| c.state.needs_sync()));
    Ok(if behind || !errors.is_empty() {
        exit::DRIFT_OR_FAILED
    } else {
        exit::OK
    })
}
