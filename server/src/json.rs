//! The JSON shapes of results, shared by the CLI's `--json` and the language server's commands,
//! so both speak the same language (documented in docs/cli-json.md and docs/lsp-extensions.md,
//! with JSON Schemas of what the editors read under docs/schema/).
//!
//! Each shape is a `#[derive(Serialize)]` type whose fields are in the order the documents show;
//! the functions build one from the core's result and hand it out as a `Value`. Status and sync
//! are here; `json/revisions.rs`, `json/upstream.rs`, `json/store.rs` and `json/projects.rs` hold the
//! others.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use skillmeat_core::drift::{ArtifactStatus, StatusReport};
use skillmeat_core::store::KeptRow;
use skillmeat_core::sync::plan::{Action, FilePlan};
use skillmeat_core::workspace::{Summary, SyncOutcome};
use skillmeat_core::{ArtifactId, Error};

mod projects;
mod revisions;
mod store;
mod trail;
mod upstream;

pub use projects::*;
pub use revisions::*;
pub use store::*;
pub use trail::*;
pub use upstream::*;

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

/// A kept (or, for `sync --all`, orphaned) artifact a bulk sync (`sync --all`, `skillmeat.sync`
/// with `all`) left out.
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

/// Why `sync --all` (collection to project) leaves an orphaned deployment out.
pub const ORPHAN_REASON: &str = "the collection no longer has it, so there is nothing to sync from; the project copy is left as it is";

/// An orphaned deployment (its collection copy is gone) that `sync --all` left out.
pub fn orphan_skip(id: &ArtifactId) -> Value {
    to_value(KeptSkip {
        id: id.to_string(),
        skipped: "orphaned",
        reason: ORPHAN_REASON,
    })
}

/// `sync --json` over several artifacts: each result (a [`Sync`], an [`ItemError`] or a
/// [`KeptSkip`], kept or orphaned) and the counts.
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
    orphaned: &[ArtifactId],
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
        .chain(orphaned.iter().map(orphan_skip))
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
