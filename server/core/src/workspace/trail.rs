//! The audit trail, readable: `log` (events newest first, filtered by artifact, time and
//! operation) and `stats` (sync counts and durations, merges, conflict rate, open conflicts).

use std::time::{Duration, SystemTime};

use super::Workspace;
use crate::error::{Error, Result};
use crate::id::{ArtifactId, IdQuery};
use crate::store::{AuditFilter, AuditRow};

/// Every operation the audit trail records, as `log --op` accepts them.
pub const OPERATIONS: &[&str] = &[
    "add", "deploy", "import", "keep", "resolve", "rollback", "sync", "tag", "unkeep",
];

/// What `log` asks for: each part as a person typed it.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    /// An artifact id or unambiguous name.
    pub artifact: Option<String>,
    /// An RFC 3339 time, a date, or a time ago (`30m`, `2h`, `3d`, `1w`).
    pub since: Option<String>,
    /// One of [`OPERATIONS`].
    pub operation: Option<String>,
    pub limit: Option<u32>,
}

/// One artifact's unresolved conflicts, as `stats` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConflicts {
    pub artifact: ArtifactId,
    pub files: Vec<String>,
    /// When the oldest of them was detected (RFC 3339 UTC).
    pub since: String,
    pub age_secs: u64,
}

/// What `stats` prints (docs/cli-json.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// The `--since` bound as stored (RFC 3339 UTC), when one was given.
    pub since: Option<String>,
    pub syncs: usize,
    /// Syncs with a measured duration (those an editor finished by saving are not timed).
    pub timed_syncs: usize,
    pub p50_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    pub merges_clean: usize,
    pub merges_conflicting: usize,
    /// Conflicting merges over all merges (clean + conflicting), when there was any merge.
    pub conflict_rate: Option<f64>,
    pub open_conflicts: Vec<OpenConflicts>,
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

fn bad_since(s: &str) -> Error {
    Error::invalid(format!(
        "`--since {}` is not a time: give an RFC 3339 time (2026-11-29T10:00:00Z, or with an offset such as +02:00), a date (2026-11-29), or a time ago (30m, 2h, 3d, 1w)",
        s.escape_debug()
    ))
}

/// Reads `--since`: an RFC 3339 time (`Z` or a `±HH:MM` offset), a date (midnight UTC), or a
/// time ago (`90s`, `30m`, `2h`, `3d`, `1w`, humantime's units). Returns the stored form.
pub fn parse_since(s: &str, now: SystemTime) -> Result<String> {
    let t = s.trim();
    let at = if t.starts_with(|c: char| c.is_ascii_digit()) && !t.contains(['-', ':']) {
        let ago = humantime::parse_duration(t).map_err(|_| bad_since(s))?;
        now.checked_sub(ago).ok_or_else(|| bad_since(s))?
    } else {
        parse_time(t).ok_or_else(|| bad_since(s))?
    };
    crate::time::rfc3339_micros(at).ok_or_else(|| {
        Error::invalid(format!(
            "`--since {}` is outside 1970-01-01 to 9999-12-31, the times the audit trail can hold: give a later time or a shorter time ago",
            s.escape_debug()
        ))
    })
}

fn parse_time(t: &str) -> Option<SystemTime> {
    if t.len() == 10 {
        return humantime::parse_rfc3339(&format!("{t}T00:00:00Z")).ok();
    }
    if let Some(rest) = t.strip_suffix(['Z', 'z']) {
        return humantime::parse_rfc3339_weak(rest).ok();
    }
    // `±HH:MM`: the local time minus its offset is UTC.
    let (head, off) = t.split_at(t.len().checked_sub(6)?);
    let sign = match off.as_bytes().first()? {
        b'+' => 1i64,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = off[1..].split_once(':')?;
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    let local = humantime::parse_rfc3339_weak(head).ok()?;
    let shift = Duration::from_secs(h.checked_mul(3600)?.checked_add(m.checked_mul(60)?)?);
    if sign > 0 {
        local.checked_sub(shift)
    } else {
        local.checked_add(shift)
    }
}

/// Refuses an operation name the audit trail never records, listing those it does.
pub fn check_operation(op: &str) -> Result<()> {
    if OPERATIONS.contains(&op) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "`--op {}` is not an operation the audit trail records; use one of: {}",
        op.escape_debug(),
        OPERATIONS.join(", ")
    )))
}

impl Workspace {
    /// The audit trail, newest first.
    pub fn log(&self, q: &LogQuery) -> Result<Vec<AuditRow>> {
        if let Some(op) = &q.operation {
            check_operation(op)?;
        }
        let since = match &q.since {
            Some(s) => Some(parse_since(s, SystemTime::now())?),
            None => None,
        };
        let artifact = match &q.artifact {
            Some(a) => Some(self.log_artifact(a)?.to_string()),
            None => None,
        };
        self.store.audit_query(&AuditFilter {
            artifact,
            since,
            operation: q.operation.clone(),
            limit: q.limit,
        })
    }

    /// The artifact a log is about: a known one, or (named in full) one only the trail remembers.
    fn log_artifact(&self, query: &str) -> Result<ArtifactId> {
        match self.resolve_id(query) {
            Ok(id) => Ok(id),
            Err(e) => match IdQuery::parse(query)? {
                IdQuery::Exact(id)
                    if !self
                        .store
                        .audit_query(&AuditFilter {
                            artifact: Some(id.to_string()),
                            limit: Some(1),
                            ..Default::default()
                        })?
                        .is_empty() =>
                {
                    Ok(id)
                }
                _ => Err(e),
            },
        }
    }

    /// Sync and conflict figures from the audit trail (since `since`, when given) and the
    /// conflict records still open.
    pub fn stats(&self, since: Option<&str>) -> Result<Stats> {
        let now = SystemTime::now();
        let since = match since {
            Some(s) => Some(parse_since(s, now)?),
            None => None,
        };
        let syncs = self.store.sync_events(since.as_deref())?;
        let mut durations: Vec<u64> = syncs
            .iter()
            .filter(|s| s.strategy.as_deref() != Some("editor"))
            .map(|s| s.duration_ms)
            .collect();
        durations.sort_unstable();
        let merges_clean = syncs.iter().filter(|s| s.result == "merge").count();
        let merges_conflicting = syncs.iter().filter(|s| s.result == "conflicts").count();
        let merges = merges_clean + merges_conflicting;
        let mut open: Vec<OpenConflicts> = Vec::new();
        for c in self.store.all_open_conflicts()? {
            match open.iter_mut().find(|o| o.artifact == c.artifact) {
                Some(o) => {
                    if !o.files.contains(&c.file) {
                        o.files.push(c.file);
                    }
                }
                None => {
                    let age_secs =
                        humantime::parse_rfc3339_weak(c.detected_at.trim_end_matches('Z'))
                            .ok()
                            .and_then(|t| now.duration_since(t).ok())
                            .map(|d| d.as_secs())
                            .unwrap_or(0);
                    open.push(OpenConflicts {
                        artifact: c.artifact,
                        files: vec![c.file],
                        since: c.detected_at,
                        age_secs,
                    });
                }
            }
        }
        Ok(Stats {
            since,
            syncs: syncs.len(),
            timed_syncs: durations.len(),
            p50_ms: percentile(&durations, 50),
            p95_ms: percentile(&durations, 95),
            merges_clean,
            merges_conflicting,
            conflict_rate: (merges > 0).then(|| merges_conflicting as f64 / merges as f64),
            open_conflicts: open,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&v, 50), Some(10));
        assert_eq!(percentile(&v, 95), Some(19));
        assert_eq!(percentile(&[7], 95), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn since_reads_rfc3339_offsets_dates_and_times_ago() {
        let now = humantime::parse_rfc3339("2026-11-29T12:00:00Z").unwrap();
        let p = |s| parse_since(s, now).unwrap();
        assert_eq!(p("2h"), "2026-11-29T10:00:00.000000Z");
        assert_eq!(p("3d"), "2026-11-26T12:00:00.000000Z");
        assert_eq!(p("2026-11-29T10:30:00Z"), "2026-11-29T10:30:00.000000Z");
        assert_eq!(
            p("2026-11-29T10:30:00+02:00"),
            "2026-11-29T08:30:00.000000Z"
        );
        assert_eq!(
            p("2026-11-29T10:30:00-01:30"),
            "2026-11-29T12:00:00.000000Z"
        );
        assert_eq!(p("2026-11-28"), "2026-11-28T00:00:00.000000Z");
        for out in [
            "3000w",
            "30000d 1h",
            "99999999999d",
            "1970-01-01T00:30:00+01:00",
            "9999-12-31T23:59:59-00:01",
        ] {
            let e = parse_since(out, now).unwrap_err();
            assert!(e.to_string().contains("outside 1970-01-01"), "{out}: {e}");
        }
        for bad in ["yesterday", "2h ago!", "2026-13-01", "", "5x"] {
            let e = parse_since(bad, now).unwrap_err();
            assert!(e.to_string().contains("RFC 3339"), "{bad}: {e}");
        }
    }
}
