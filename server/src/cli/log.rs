//! `log [ID] [--since T] [--op OP] [--limit N]`: the audit trail, newest first, and `stats`:
//! what the trail says about syncs, merges and open conflicts.

use skillmeat_core::store::AuditRow;
use skillmeat_core::workspace::{LogQuery, Stats, Workspace};
use skillmeat_core::Error;

use super::{exit, Out};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "TIME is an RFC 3339 time (2026-11-29T10:00:00Z, or with an offset such as +02:00), a date (2026-11-29, midnight UTC), or a time ago: 90s, 30m, 2h, 3d, 1w."
)]
pub struct Args {
    /// Only this artifact's events (an id or unambiguous name).
    pub id: Option<String>,
    /// Only events at or after TIME (see below).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only events of one operation: add, deploy, import, keep, resolve, rollback, sync, tag or unkeep.
    #[arg(long, value_name = "OP")]
    op: Option<String>,
    /// At most N events.
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "TIME is an RFC 3339 time, a date (2026-11-29), or a time ago: 30m, 2h, 3d, 1w."
)]
pub struct StatsArgs {
    /// Count only syncs at or after TIME (open conflicts are always all of them).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

/// Refuses a bad `--op` or `--since` before anything is opened.
pub fn check_args(a: &Args) -> Result<(), Error> {
    if let Some(op) = &a.op {
        skillmeat_core::workspace::check_operation(op)?;
    }
    check_since(a.since.as_deref())
}

pub fn check_since(since: Option<&str>) -> Result<(), Error> {
    if let Some(s) = since {
        skillmeat_core::workspace::parse_since(s, std::time::SystemTime::now())?;
    }
    Ok(())
}

pub fn run(ws: &Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let events = ws.log(&LogQuery {
        artifact: a.id.clone(),
        since: a.since.clone(),
        operation: a.op.clone(),
        limit: a.limit,
    })?;
    if out.json {
        out.print_json(&crate::json::log(ws.root(), &events));
        return Ok(exit::OK);
    }
    let project = crate::json::project_name(ws.root());
    if events.is_empty() {
        let filtered = a.id.is_some() || a.since.is_some() || a.op.is_some();
        out.line(if filtered {
            "no events match this filter; `skillmeat-lsp log` without it shows every event here"
        } else {
            "no events recorded yet: operations that change artifacts (deploy, sync, rollback, ...) are recorded as they happen"
        });
        return Ok(exit::OK);
    }
    let width = events
        .iter()
        .filter_map(|e| e.artifact.as_ref().map(String::len))
        .max()
        .unwrap_or(1);
    for e in &events {
        out.line(line(e, &project, width));
    }
    Ok(exit::OK)
}

/// `2026-11-29 16:58:43Z  sync     skill:demo  v3    my-project  fast-forward (collection-to-project, auto, 12 ms)`.
fn line(e: &AuditRow, project: &str, width: usize) -> String {
    let at = e.at.get(..19).unwrap_or(&e.at).replace('T', " ");
    let version = e
        .version
        .map(|v| format!("v{v}"))
        .unwrap_or_else(|| "-".into());
    let mut how: Vec<String> = Vec::new();
    how.extend(e.direction.clone());
    how.extend(e.strategy.clone());
    if e.duration_ms > 0 {
        how.push(format!("{} ms", e.duration_ms));
    }
    let mut s = format!(
        "{at}Z  {:<8} {:<width$}  {version:<5} {project}  {}",
        e.operation,
        e.artifact.as_deref().unwrap_or("-"),
        e.result
    );
    if !how.is_empty() {
        s.push_str(&format!(" ({})", how.join(", ")));
    }
    if !e.conflict_files.is_empty() {
        s.push_str(&format!(" in {}", e.conflict_files.join(", ")));
    }
    if let Some(d) = &e.detail {
        s.push_str(&format!(": {d}"));
    }
    s
}

/// `3d 4h`, `2h 5m`, `40s`: the two largest units of an age.
pub fn age(secs: u64) -> String {
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut parts = Vec::new();
    let mut rest = secs;
    for (n, u) in units {
        if rest >= n && parts.len() < 2 {
            parts.push(format!("{}{u}", rest / n));
            rest %= n;
        } else if !parts.is_empty() {
            break;
        }
    }
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

pub fn stats(ws: &Workspace, a: &StatsArgs, out: &Out) -> Result<i32, Error> {
    let s = ws.stats(a.since.as_deref())?;
    if out.json {
        out.print_json(&crate::json::stats(ws.root(), &s));
        return Ok(exit::OK);
    }
    print_stats(&s, out);
    Ok(exit::OK)
}

fn print_stats(s: &Stats, out: &Out) {
    let ms = |v: Option<u64>| v.map(|v| format!("{v} ms")).unwrap_or_else(|| "-".into());
    if let Some(since) = &s.since {
        out.line(format!("since            {since}"));
    }
    out.line(format!(
        "syncs            {} ({} timed: p50 {}, p95 {})",
        s.syncs,
        s.timed_syncs,
        ms(s.p50_ms),
        ms(s.p95_ms)
    ));
    let rate = s
        .conflict_rate
        .map(|r| format!("{:.0}%", r * 100.0))
        .unwrap_or_else(|| "-".into());
    out.line(format!(
        "merges           {} clean, {} with conflicts (conflict rate {rate})",
        s.merges_clean, s.merges_conflicting
    ));
    out.line(format!("open conflicts   {}", s.open_conflicts.len()));
    for c in &s.open_conflicts {
        out.line(format!(
            "  {}  {}  open for {} (since {})",
            c.artifact,
            c.files.join(", "),
            age(c.age_secs),
            c.since
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ages_show_two_units() {
        assert_eq!(super::age(0), "0s");
        assert_eq!(super::age(40), "40s");
        assert_eq!(super::age(3 * 3600 + 12 * 60 + 5), "3h 12m");
        assert_eq!(super::age(2 * 86_400 + 30), "2d");
        assert_eq!(super::age(86_400 + 3600), "1d 1h");
    }
}
