//! The shapes of `log`, `stats`, `keep`/`unkeep` and a status line's `kept` object.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use skillmeat_core::drift::Kept;
use skillmeat_core::store::AuditRow;
use skillmeat_core::workspace::{KeepOutcome, Stats};

use super::{to_value, v, V};

/// The `log --json` shape and the `skillmeat.log` command's result (docs/cli-json.md).
#[derive(Debug, Serialize)]
pub struct Log<'a> {
    pub workspace: &'a Path,
    pub project: &'a str,
    pub events: Vec<LogEvent<'a>>,
}

#[derive(Debug, Serialize)]
pub struct LogEvent<'a> {
    pub id: i64,
    pub at: &'a str,
    pub operation: &'a str,
    pub artifact: Option<&'a str>,
    pub version: Option<V>,
    pub project: &'a str,
    pub direction: Option<&'a str>,
    pub strategy: Option<&'a str>,
    pub result: &'a str,
    pub duration_ms: u64,
    pub conflict_files: &'a [String],
    pub detail: Option<&'a str>,
}

/// The project a workspace is, as the log names it: its folder's name (the whole path for a
/// root that has none).
pub fn project_name(workspace: &Path) -> String {
    workspace
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| workspace.display().to_string())
}

/// The `log --json` shape of `events` (the CLI's and `skillmeat.log`'s one builder).
pub fn log(workspace: &Path, events: &[AuditRow]) -> Value {
    let project = &project_name(workspace);
    to_value(Log {
        workspace,
        project,
        events: events
            .iter()
            .map(|e| LogEvent {
                id: e.id,
                at: &e.at,
                operation: &e.operation,
                artifact: e.artifact.as_deref(),
                version: v(e.version),
                project,
                direction: e.direction.as_deref(),
                strategy: e.strategy.as_deref(),
                result: &e.result,
                duration_ms: e.duration_ms,
                conflict_files: &e.conflict_files,
                detail: e.detail.as_deref(),
            })
            .collect(),
    })
}

/// The `stats --json` shape (docs/cli-json.md).
#[derive(Debug, Serialize)]
pub struct StatsJson<'a> {
    pub workspace: &'a Path,
    pub since: Option<&'a str>,
    pub syncs: StatsSyncs,
    pub merges: StatsMerges,
    pub open_conflicts: Vec<StatsOpenConflict<'a>>,
}

#[derive(Debug, Serialize)]
pub struct StatsSyncs {
    pub count: usize,
    pub timed: usize,
    pub duration_ms: StatsDurations,
}

#[derive(Debug, Serialize)]
pub struct StatsDurations {
    pub p50: Option<u64>,
    pub p95: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct StatsMerges {
    pub clean: usize,
    pub conflicting: usize,
    pub conflict_rate: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct StatsOpenConflict<'a> {
    pub artifact: String,
    pub files: &'a [String],
    pub since: &'a str,
    pub age_secs: u64,
}

pub fn stats(workspace: &Path, s: &Stats) -> Value {
    to_value(StatsJson {
        workspace,
        since: s.since.as_deref(),
        syncs: StatsSyncs {
            count: s.syncs,
            timed: s.timed_syncs,
            duration_ms: StatsDurations {
                p50: s.p50_ms,
                p95: s.p95_ms,
            },
        },
        merges: StatsMerges {
            clean: s.merges_clean,
            conflicting: s.merges_conflicting,
            conflict_rate: s.conflict_rate,
        },
        open_conflicts: s
            .open_conflicts
            .iter()
            .map(|c| StatsOpenConflict {
                artifact: c.artifact.to_string(),
                files: &c.files,
                since: &c.since,
                age_secs: c.age_secs,
            })
            .collect(),
    })
}

/// The `keep --json` / `unkeep --json` shape (docs/cli-json.md); `changed` only for `unkeep`.
#[derive(Debug, Serialize)]
pub struct KeepJson<'a> {
    pub id: String,
    pub kept: bool,
    pub reason: Option<&'a str>,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<bool>,
}

pub fn keep(k: &KeepOutcome, kept: bool) -> Value {
    to_value(KeepJson {
        id: k.id.to_string(),
        kept: kept && k.changed,
        reason: k.reason.as_deref(),
        state: k.state.as_str(),
        // `keep` says `changed` only when it recorded nothing (the copy is synced).
        changed: (!kept || !k.changed).then_some(k.changed),
    })
}

/// A status line's `kept` object: the reason and the state the keep stands in for.
#[derive(Debug, Serialize)]
pub struct KeptJson<'a> {
    pub reason: &'a str,
    pub kept_at: &'a str,
    pub drift: &'static str,
    pub collection_changed: bool,
}

impl<'a> KeptJson<'a> {
    pub(super) fn new(k: &'a Kept) -> KeptJson<'a> {
        KeptJson {
            reason: &k.reason,
            kept_at: &k.kept_at,
            drift: k.drift.as_str(),
            collection_changed: k.collection_changed,
        }
    }
}

pub fn kept(k: &Kept) -> Value {
    to_value(KeptJson::new(k))
}
