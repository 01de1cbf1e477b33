//! `status` / `drift`: the drift table, or `status --json` (docs/design.md §9 shape).

use skillmeat_core::drift::{DriftState, StatusReport};
use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::output::short;
use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only these artifacts (`skill:pdf-tools`, a bare name, or either with `@profile`; without
    /// `@profile`, the artifact's deployment under every profile root).
    pub ids: Vec<String>,
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let report = if a.ids.is_empty() {
        ws.status()?
    } else {
        let queries = a
            .ids
            .iter()
            .map(|q| skillmeat_core::id::IdQuery::parse(q))
            .collect::<Result<Vec<_>, _>>()?;
        ws.status_named(&queries)?
    };
    if out.json {
        out.print_json(&crate::json::status(&report));
    } else {
        print_table(&report, out);
    }
    // Untracked artifacts have no baseline to drift from, and kept ones differ on purpose, so
    // neither fails the check.
    let drifted = report.artifacts.iter().any(|a| {
        !matches!(
            a.state,
            DriftState::Synced | DriftState::Untracked | DriftState::Kept
        )
    });
    Ok(if drifted {
        exit::DRIFT_OR_FAILED
    } else {
        exit::OK
    })
}

fn print_table(r: &StatusReport, out: &Out) {
    out.line(format!("workspace   {}", r.workspace.display()));
    out.line(format!(
        "collection  {} (from {})",
        r.collection.display(),
        r.collection_source
    ));
    for w in &r.warnings {
        out.note(w);
    }
    if r.artifacts.is_empty() {
        out.line("no artifacts deployed or present in .claude/; deploy one with `skillmeat-lsp deploy ID`");
        return;
    }
    let width = r
        .artifacts
        .iter()
        .map(|a| a.shown_id().len())
        .max()
        .unwrap_or(0)
        .max(2);
    out.line(format!(
        "  {:<10} {:<width$}  {:<7}  {:<8} {:<8} {:<8}",
        "STATE", "ID", "VERSION", "BASELINE", "PROJECT", "COLLECTION"
    ));
    for a in &r.artifacts {
        let version = a
            .version
            .map(|n| format!("v{n}"))
            .unwrap_or_else(|| "-".into());
        let mut line = format!(
            "  {} {:<width$}  {:<7}  {:<8} {:<8} {:<8}",
            out.state(a.state),
            a.shown_id(),
            version,
            short(a.baseline.as_deref()),
            short(a.project.as_deref()),
            short(a.collection.as_deref()),
        )
        .trim_end()
        .to_string();
        match (a.matches_collection, &a.error) {
            (_, Some(e)) => line.push_str(&format!("\n      {e}")),
            (Some(true), _) => line.push_str("  (same as the collection's)"),
            (Some(false), _) => line.push_str("  (differs from the collection's)"),
            _ => {}
        }
        if let Some((file, 0)) = &a.unresolved {
            line.push_str(&format!(
                "\n      unresolved conflict in {file}, which cannot carry conflict markers: run `skillmeat-lsp resolve {} --file {file} --take ours|theirs|base`",
                a.id
            ));
        } else if let Some((file, n)) = &a.unresolved {
            line.push_str(&format!(
                "\n      unresolved conflict markers at {file}:{n}: accept a side per region in the editor, or run `skillmeat-lsp resolve {} --take ours|theirs|both`",
                a.id
            ));
        }
        if let Some(k) = &a.kept {
            line.push_str(&kept_note(&a.id, a.state, k));
        }
        out.line(line.trim_end());
    }
    let summary: Vec<String> = r
        .summary()
        .into_iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    out.line(summary.join(", "));
}

/// The line under a kept artifact: why, and what the keep stands in for (docs/design.md §4).
fn kept_note(
    id: &skillmeat_core::ArtifactId,
    state: DriftState,
    k: &skillmeat_core::drift::Kept,
) -> String {
    if k.collection_changed {
        format!(
            "\n      kept ({}), but the collection changed since {}: `skillmeat-lsp sync {id}` to take the change (`sync --all` leaves a kept copy alone), or `skillmeat-lsp keep {id} --reason ...` again to keep this copy",
            k.reason, k.kept_at
        )
    } else if state == DriftState::Kept {
        format!(
            "\n      kept: {} ({} on purpose since {}; `skillmeat-lsp unkeep {id}` ends it)",
            k.reason, k.drift, k.kept_at
        )
    } else if state == DriftState::Synced {
        format!("\n      kept: {} (the copies agree now)", k.reason)
    } else {
        format!(
            "\n      kept: {} (not in effect while the copy reads {state}; `skillmeat-lsp unkeep {id}` ends it)",
            k.reason
        )
    }
}
