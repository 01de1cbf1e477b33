//! The JSON shapes of results, shared by the CLI's `--json` and the language server's commands,
//! so both speak the same language (documented in docs/cli-json.md and docs/lsp-extensions.md,
//! with JSON Schemas of what the editors read under docs/schema/).
//!
//! Each shape is a `#[derive(Serialize)]` type whose fields are in the order the documents show;
//! the functions below build one from the core's result and hand it out as a `Value`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use skillmeat_core::drift::{ArtifactStatus, Kept, StatusReport};
use skillmeat_core::store::{AuditRow, KeptRow, VerifyReport};
use skillmeat_core::sync::plan::{Action, FilePlan};
use skillmeat_core::upstream::Upstream;
use skillmeat_core::workspace::{
    AddOutcome, DeployOutcome, DiffOutcome, History, HistoryEntry, ImportReport, KeepOutcome,
    ResolveOutcome, RollbackOutcome, Stats, Summary, SyncOutcome, TagOutcome, UpstreamCheck,
    Workspace,
};
use skillmeat_core::{ArtifactId, Error};

/// `vN`, as versions are shown everywhere.
#[derive(Debug, Clone, Copy)]
pub struct V(pub u32);

impl Serialize for V {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("v{}", self.0))
    }
}

fn v(n: Option<u32>) -> Option<V> {
    n.map(V)
}

fn to_value(shape: impl Serialize) -> Value {
    // These types hold strings, numbers and maps with string keys only: serialising cannot fail.
    serde_json::to_value(shape).unwrap_or(Value::Null)
}

// ---- status ------------------------------------------------------------------------------------

/// `status --json` and the server's `skillmeat.status`.
#[derive(Debug, Serialize)]
pub struct Status<'a> {
    pub workspace: &'a Path,
    pub collection: &'a Path,
    pub collection_source: &'a str,
    pub artifacts: Vec<StatusArtifact<'a>>,
    pub summary: BTreeMap<&'static str, usize>,
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct StatusArtifact<'a> {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: &'a str,
    pub state: &'static str,
    pub path: &'a str,
    pub main_file: &'a str,
    pub hashes: StatusHashes<'a>,
    pub version: Option<V>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches_collection: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<FileLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept: Option<KeptJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct StatusHashes<'a> {
    pub baseline: Option<&'a str>,
    pub project: Option<&'a str>,
    pub collection: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct FileLine<'a> {
    pub file: &'a str,
    pub line: usize,
}

impl<'a> Status<'a> {
    pub fn new(r: &'a StatusReport) -> Status<'a> {
        Status {
            workspace: &r.workspace,
            collection: &r.collection,
            collection_source: r.collection_source,
            artifacts: r.artifacts.iter().map(StatusArtifact::new).collect(),
            summary: r.summary(),
            warnings: &r.warnings,
        }
    }
}

impl<'a> StatusArtifact<'a> {
    fn new(a: &'a ArtifactStatus) -> StatusArtifact<'a> {
        StatusArtifact {
            id: a.shown_id(),
            kind: a.id.kind.as_str(),
            name: &a.id.name,
            state: a.state.as_str(),
            path: &a.path,
            main_file: &a.main_file,
            hashes: StatusHashes {
                baseline: a.baseline.as_deref(),
                project: a.project.as_deref(),
                collection: a.collection.as_deref(),
            },
            version: v(a.version),
            matches_collection: a.matches_collection,
            unresolved: a
                .unresolved
                .as_ref()
                .map(|(file, line)| FileLine { file, line: *line }),
            error: a.error.as_deref(),
            profile: a.profile.as_deref(),
            kept: a.kept.as_ref().map(KeptJson::new),
        }
    }
}

pub fn status(r: &StatusReport) -> Value {
    to_value(Status::new(r))
}

// ---- sync --------------------------------------------------------------------------------------

/// One artifact's `sync --json` result (the plan, and what was applied).
#[derive(Debug, Serialize)]
pub struct Sync<'a> {
    pub id: String,
    pub direction: &'static str,
    pub strategy: &'static str,
    pub kind: &'static str,
    pub applied: bool,
    pub files: Vec<SyncFile<'a>>,
    pub conflicts: usize,
    pub hashes: SyncHashes<'a>,
    pub semver: &'static str,
    pub meta_changes: &'a [String],
    pub version: Option<V>,
    pub kept_previous: Option<V>,
    pub forked_as: Option<String>,
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct SyncFile<'a> {
    pub path: &'a str,
    pub action: &'static str,
    pub result_hash: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SyncHashes<'a> {
    pub base: &'a Option<String>,
    pub source: &'a str,
    pub target: &'a Option<String>,
    pub result: &'a str,
}

impl<'a> Sync<'a> {
    pub fn new(o: &'a SyncOutcome) -> Sync<'a> {
        let file = |f: &'a FilePlan| SyncFile {
            path: &f.path,
            action: f.action.as_str(),
            result_hash: &f.result_hash,
            conflict: match &f.action {
                Action::Conflict(c) => Some(c.describe()),
                _ => None,
            },
        };
        Sync {
            id: o.id.to_string(),
            direction: o.direction.as_str(),
            strategy: o.strategy.as_str(),
            kind: o.plan.kind.as_str(),
            applied: o.applied,
            files: o
                .plan
                .files
                .iter()
                .filter(|f| f.action != Action::Keep)
                .map(file)
                .collect(),
            conflicts: o.plan.conflicts,
            hashes: SyncHashes {
                base: &o.plan.base_hash,
                source: &o.plan.source_hash,
                target: &o.plan.target_hash,
                result: &o.plan.result_hash,
            },
            semver: o.plan.bump.as_str(),
            meta_changes: &o.plan.meta_changes,
            version: v(o.version),
            kept_previous: v(o.kept_previous),
            forked_as: o.forked_as.as_ref().map(ArtifactId::to_string),
            warnings: &o.plan.warnings,
        }
    }
}

pub fn sync(o: &SyncOutcome) -> Value {
    to_value(Sync::new(o))
}

/// An artifact a bulk sync could not plan or apply.
#[derive(Debug, Serialize)]
pub struct ItemError {
    pub id: String,
    pub error: String,
}

/// A kept artifact a bulk sync (`sync --all`, `skillmeat.sync` with `all`) left out.
#[derive(Debug, Serialize)]
pub struct KeptSkip<'a> {
    pub id: String,
    pub skipped: &'static str,
    pub reason: &'a str,
}

pub fn kept_skip(id: &ArtifactId, reason: &str) -> Value {
    to_value(KeptSkip {
        id: id.to_string(),
        skipped: "kept",
        reason,
    })
}

/// `sync --json` over several artifacts: each result (a [`Sync`], an [`ItemError`] or a
/// [`KeptSkip`]) and the counts.
#[derive(Debug, Serialize)]
pub struct BulkSync {
    pub applied: bool,
    pub results: Vec<Value>,
    pub summary: BulkSummary,
}

#[derive(Debug, Default, Serialize)]
pub struct BulkSummary {
    pub fast_forwarded: usize,
    pub merged_clean: usize,
    pub conflicts: usize,
    pub skipped: usize,
    pub errors: usize,
}

pub fn bulk_sync(
    applied: bool,
    results: &[(ArtifactId, Result<SyncOutcome, Error>)],
    kept: &[(ArtifactId, KeptRow)],
    s: &Summary,
) -> Value {
    let results = results
        .iter()
        .map(|(id, r)| match r {
            Ok(o) => sync(o),
            Err(e) => to_value(ItemError {
                id: id.to_string(),
                error: e.to_string(),
            }),
        })
        .chain(kept.iter().map(|(id, k)| kept_skip(id, &k.reason)))
        .collect();
    to_value(BulkSync {
        applied,
        results,
        summary: BulkSummary {
            fast_forwarded: s.fast_forwarded,
            merged_clean: s.merged_clean,
            conflicts: s.conflicts,
            skipped: s.skipped,
            errors: s.errors,
        },
    })
}

// ---- history, deploy, diff, rollback, tag, resolve ----------------------------------------------

#[derive(Debug, Serialize)]
pub struct HistoryJson<'a> {
    pub id: String,
    pub versions: Vec<HistoryVersion<'a>>,
}

#[derive(Debug, Serialize)]
pub struct HistoryVersion<'a> {
    pub version: V,
    pub hash: &'a str,
    pub origin: &'static str,
    pub created_at: &'a str,
    pub parents: Vec<V>,
    pub tag: Option<&'a str>,
    pub message: Option<&'a str>,
    pub has_content: bool,
    pub baseline: bool,
}

impl<'a> HistoryVersion<'a> {
    fn new(e: &'a HistoryEntry) -> HistoryVersion<'a> {
        HistoryVersion {
            version: V(e.number),
            hash: &e.hash,
            origin: e.origin.as_str(),
            created_at: &e.created_at,
            parents: e.parents.iter().copied().map(V).collect(),
            tag: e.tag.as_deref(),
            message: e.message.as_deref(),
            has_content: e.has_content,
            baseline: e.is_baseline,
        }
    }
}

pub fn history(h: &History) -> Value {
    to_value(HistoryJson {
        id: h.id.to_string(),
        versions: h.entries.iter().map(HistoryVersion::new).collect(),
    })
}

#[derive(Debug, Serialize)]
pub struct Deploy<'a> {
    pub deployed: Vec<Deployed<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Deployed<'a> {
    pub id: String,
    pub hash: &'a str,
    pub version: V,
    pub already_present: bool,
    pub kept_previous: Option<V>,
}

pub fn deploy(done: &[DeployOutcome]) -> Value {
    to_value(Deploy {
        deployed: done
            .iter()
            .map(|d| Deployed {
                id: d.id.to_string(),
                hash: &d.hash,
                version: V(d.version),
                already_present: d.already_present,
                kept_previous: v(d.kept_previous),
            })
            .collect(),
    })
}

#[derive(Debug, Serialize)]
pub struct Diff<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub from_hash: &'a str,
    pub to_hash: &'a str,
    pub files: Vec<DiffFile<'a>>,
    pub meta_changes: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct DiffFile<'a> {
    pub path: &'a str,
    pub diff: &'a str,
}

pub fn diff(d: &DiffOutcome) -> Value {
    to_value(Diff {
        from: &d.from,
        to: &d.to,
        from_hash: &d.from_hash,
        to_hash: &d.to_hash,
        files: d
            .files
            .iter()
            .map(|(path, diff)| DiffFile { path, diff })
            .collect(),
        meta_changes: &d.meta_changes,
    })
}

#[derive(Debug, Serialize)]
pub struct Rollback<'a> {
    pub id: String,
    pub to: &'a str,
    pub version: V,
    pub kept_previous: Option<V>,
}

pub fn rollback(r: &RollbackOutcome) -> Value {
    to_value(Rollback {
        id: r.id.to_string(),
        to: &r.to,
        version: V(r.version),
        kept_previous: v(r.kept_previous),
    })
}

#[derive(Debug, Serialize)]
pub struct Tag<'a> {
    pub id: String,
    pub tag: &'a str,
    pub version: V,
    pub hash: &'a str,
    pub semver: &'static str,
}

pub fn tag(t: &TagOutcome) -> Value {
    to_value(Tag {
        id: t.id.to_string(),
        tag: &t.tag,
        version: V(t.version),
        hash: &t.hash,
        semver: t.bump.as_str(),
    })
}

#[derive(Debug, Serialize)]
pub struct Resolve<'a> {
    pub id: String,
    pub rewritten: Vec<Rewritten<'a>>,
    pub remaining: Vec<Remaining<'a>>,
    pub version: Option<V>,
    pub kept_previous: Option<V>,
}

#[derive(Debug, Serialize)]
pub struct Rewritten<'a> {
    pub path: &'a str,
    pub regions: usize,
}

#[derive(Debug, Serialize)]
pub struct Remaining<'a> {
    pub path: &'a str,
    pub line: usize,
}

pub fn resolve(r: &ResolveOutcome) -> Value {
    to_value(Resolve {
        id: r.id.to_string(),
        rewritten: r
            .rewritten
            .iter()
            .map(|(path, n)| Rewritten { path, regions: *n })
            .collect(),
        remaining: r
            .remaining
            .iter()
            .map(|(path, l)| Remaining { path, line: *l })
            .collect(),
        version: v(r.version),
        kept_previous: v(r.kept_previous),
    })
}

// ---- upstreams ---------------------------------------------------------------------------------

/// Where an upstream is: its git URL, the path inside, and the ref followed.
#[derive(Debug, Serialize)]
pub struct UpstreamRef<'a> {
    pub url: &'a str,
    pub path: &'a str,
    #[serde(rename = "ref")]
    pub reference: &'a str,
}

impl<'a> UpstreamRef<'a> {
    fn new(u: &'a Upstream) -> UpstreamRef<'a> {
        UpstreamRef {
            url: &u.url,
            path: &u.path,
            reference: u.version_spec(),
        }
    }
}

/// The `check-upstream --json` shape (docs/cli-json.md).
#[derive(Debug, Serialize)]
pub struct CheckUpstream<'a> {
    pub collection: &'a Path,
    pub artifacts: Vec<Value>,
    pub summary: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Serialize)]
pub struct UpstreamChecked<'a> {
    pub id: String,
    pub state: &'static str,
    pub upstream: UpstreamRef<'a>,
    pub resolved_sha: Option<&'a str>,
    pub current_sha: &'a str,
    pub hashes: UpstreamHashes<'a>,
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct UpstreamHashes<'a> {
    pub collection: &'a str,
    pub upstream: Option<&'a str>,
}

/// An artifact whose upstream could not be checked.
#[derive(Debug, Serialize)]
pub struct UpstreamFailed {
    pub id: String,
    pub state: &'static str,
    pub error: String,
}

pub fn check_upstream(
    ws: &Workspace,
    results: &[(ArtifactId, Result<UpstreamCheck, Error>)],
) -> Value {
    let mut summary: BTreeMap<&str, usize> = BTreeMap::new();
    let artifacts = results
        .iter()
        .map(|(id, r)| match r {
            Ok(c) => {
                *summary.entry(c.state.as_str()).or_default() += 1;
                to_value(UpstreamChecked {
                    id: id.to_string(),
                    state: c.state.as_str(),
                    upstream: UpstreamRef::new(&c.upstream),
                    resolved_sha: c.resolved_sha.as_deref(),
                    current_sha: &c.current_sha,
                    hashes: UpstreamHashes {
                        collection: &c.collection_hash,
                        upstream: c.upstream_hash.as_deref(),
                    },
                    warnings: &c.warnings,
                })
            }
            Err(e) => {
                *summary.entry("error").or_default() += 1;
                to_value(UpstreamFailed {
                    id: id.to_string(),
                    state: "error",
                    error: e.to_string(),
                })
            }
        })
        .collect();
    to_value(CheckUpstream {
        collection: &ws.collection().root,
        artifacts,
        summary,
    })
}

/// The `add --json` shape.
#[derive(Debug, Serialize)]
pub struct Add<'a> {
    pub id: String,
    pub path: &'a Path,
    pub hash: &'a str,
    pub files: usize,
    pub version: V,
    pub upstream: Option<AddUpstream<'a>>,
}

#[derive(Debug, Serialize)]
pub struct AddUpstream<'a> {
    #[serde(flatten)]
    pub at: UpstreamRef<'a>,
    pub resolved_sha: &'a str,
    pub resolved_version: Option<&'a str>,
}

pub fn add(o: &AddOutcome) -> Value {
    to_value(Add {
        id: o.id.to_string(),
        path: &o.path,
        hash: &o.hash,
        files: o.files,
        version: V(o.version),
        upstream: o.upstream.as_ref().map(|u| AddUpstream {
            at: UpstreamRef::new(&u.upstream),
            resolved_sha: &u.resolved_sha,
            resolved_version: u.tag.as_deref(),
        }),
    })
}

// ---- import, verify, errors --------------------------------------------------------------------

/// The `import --json` shape.
#[derive(Debug, Serialize)]
pub struct Import<'a> {
    pub imported: Vec<Imported>,
    pub unchanged: usize,
    pub skipped: &'a [String],
    pub notes: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct Imported {
    pub id: String,
    pub content_stored: bool,
}

pub fn import(r: &ImportReport, notes: &[String]) -> Value {
    to_value(Import {
        imported: r
            .imported
            .iter()
            .map(|(id, c)| Imported {
                id: id.to_string(),
                content_stored: *c,
            })
            .collect(),
        unchanged: r.unchanged,
        skipped: &r.skipped,
        notes,
    })
}

/// The `verify --json` shape.
#[derive(Debug, Serialize)]
pub struct Verify<'a> {
    pub ok: bool,
    pub checked: Checked,
    pub problems: Vec<VerifyProblem<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Checked {
    pub artifacts: usize,
    pub versions: usize,
    pub blobs: usize,
}

#[derive(Debug, Serialize)]
pub struct VerifyProblem<'a> {
    pub kind: &'static str,
    pub artifact: Option<&'a str>,
    pub version: Option<V>,
    pub file: Option<&'a str>,
    pub message: &'a str,
}

pub fn verify(r: &VerifyReport) -> Value {
    to_value(Verify {
        ok: r.is_clean(),
        checked: Checked {
            artifacts: r.artifacts,
            versions: r.versions,
            blobs: r.blobs,
        },
        problems: r
            .problems
            .iter()
            .map(|p| VerifyProblem {
                kind: p.kind.as_str(),
                artifact: p.artifact.as_deref(),
                version: v(p.version),
                file: p.file.as_deref(),
                message: &p.message,
            })
            .collect(),
    })
}

/// What `--json` prints when a command fails.
#[derive(Debug, Serialize)]
pub struct Failure {
    pub error: FailureDetail,
}

#[derive(Debug, Serialize)]
pub struct FailureDetail {
    pub code: i32,
    pub kind: String,
    pub message: String,
}

pub fn failure(e: &Error, code: i32) -> Value {
    to_value(Failure {
        error: FailureDetail {
            code,
            kind: format!("{:?}", e.kind()).to_lowercase(),
            message: e.to_string(),
        },
    })
}

// ---- log, stats, keep --------------------------------------------------------------------------

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

pub fn log(workspace: &Path, project: &str, events: &[AuditRow]) -> Value {
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
        kept,
        reason: k.reason.as_deref(),
        state: k.state.as_str(),
        changed: (!kept).then_some(k.changed),
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
    fn new(k: &'a Kept) -> KeptJson<'a> {
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
