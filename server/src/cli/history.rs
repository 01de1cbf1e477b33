//! `history ID`: an artifact's versions, newest first.

use skillmeat_core::workspace::Workspace;
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact id (`skill:pdf-tools`) or unambiguous name.
    pub id: String,
}

pub fn run(ws: &Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let h = ws.history(&a.id)?;
    if out.json {
        out.print_json(&crate::json::history(&h));
        return Ok(exit::OK);
    }
    out.line(h.id.to_string());
    for e in &h.entries {
        let parents: Vec<String> = e.parents.iter().map(|p| format!("v{p}")).collect();
        let from = if parents.is_empty() {
            "-".to_string()
        } else {
            format!("from {}", parents.join("+"))
        };
        let mut line = format!(
            "  v{:<4} {}  {:<18}  {}  {}",
            e.number,
            skillmeat_core::hash::short(&e.hash),
            e.origin.as_str(),
            shown_time(&e.created_at),
            from
        );
        if e.is_baseline {
            line.push_str("  [deployed]");
        }
        if let Some(t) = &e.tag {
            line.push_str(&format!("  tag {t}"));
        }
        if !e.has_content {
            line.push_str("  (hash only)");
        }
        if let Some(m) = &e.message {
            line.push_str(&format!("  — {m}"));
        }
        out.line(line);
    }
    Ok(exit::OK)
}

/// `2026-11-30T00:17:31.123456Z` as `2026-11-30 00:17:31Z`, as `log` shows times: to the second,
/// with the zone (UTC) said.
fn shown_time(at: &str) -> String {
    let second = at.get(..19).unwrap_or(at).replacen('T', " ", 1);
    if at.ends_with('Z') {
        format!("{second}Z")
    } else {
        second
    }
}
