//! `check-upstream [ID...]`: where collection artifacts stand against their git upstreams
//! (current, behind, ahead, diverged); exit 1 when any is behind or diverged.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use skillmeat_core::workspace::{UpstreamCheck, Workspace};
use skillmeat_core::{ArtifactId, Error};

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
        out.print_json(&to_json(ws, &results));
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

/// The `check-upstream --json` shape (docs/cli-json.md).
pub fn to_json(ws: &Workspace, results: &[(ArtifactId, Result<UpstreamCheck, Error>)]) -> Value {
    let mut summary: BTreeMap<&str, usize> = BTreeMap::new();
    let artifacts: Vec<Value> = results
        .iter()
        .map(|(id, r)| match r {
            Ok(c) => {
                *summary.entry(c.state.as_str()).or_default() += 1;
                json!({
                    "id": id.to_string(),
                    "state": c.state.as_str(),
                    "upstream": {
                        "url": c.upstream.url,
                        "path": c.upstream.path,
                        "ref": c.upstream.version_spec(),
                    },
                    "resolved_sha": c.resolved_sha,
                    "current_sha": c.current_sha,
                    "hashes": { "collection": c.collection_hash, "upstream": c.upstream_hash },
                    "warnings": c.warnings,
                })
            }
            Err(e) => {
                *summary.entry("error").or_default() += 1;
                json!({ "id": id.to_string(), "state": "error", "error": e.to_string() })
            }
        })
        .collect();
    json!({
        "collection": ws.collection().root,
        "artifacts": artifacts,
        "summary": summary,
    })
}
