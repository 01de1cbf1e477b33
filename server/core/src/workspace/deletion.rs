//! A person's deletion is a change like any other: a sync whose target copy was deleted after it
//! was deployed does not quietly bring it back.
//!
//! With the source unchanged since the baseline there is nothing to take (the deletion is the
//! only change); with the source changed it is a modify/delete conflict: reported, nothing
//! written, the baseline left where it was and a conflict record kept. `--strategy theirs` or
//! `overwrite` (or `deploy` for a project copy) brings the copy back on purpose;
//! `--strategy ours` keeps the deletion.

use super::sync::Sides;
use super::{SyncOutcome, Workspace};
use crate::error::Result;
use crate::hash;
use crate::store::{AuditEvent, ConflictRecord, NewVersion, Origin};
use crate::sync::plan::{Action, Conflict, FilePlan, Kind};
use crate::sync::{Direction, Strategy};
use crate::tree::Tree;

/// How a sync met a deleted target copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Deleted {
    /// The source is unchanged: nothing to take.
    NothingToTake,
    /// The source changed since the baseline: a modify/delete conflict.
    Conflict,
}

/// The command that brings a deleted copy back on purpose.
fn restore_hint(out: &SyncOutcome) -> String {
    match out.direction {
        Direction::CollectionToProject => format!("`skillmeat-lsp deploy {}`", out.id),
        d => format!(
            "`skillmeat-lsp sync {} --direction {} --strategy overwrite --apply`",
            out.id,
            d.as_str()
        ),
    }
}

impl Workspace {
    /// Applies the deletion rule to a planned sync (see the module doc). Returns `None` when it
    /// does not apply: the target exists, the artifact has no baseline, or the strategy asks for
    /// the source (theirs, overwrite, fork).
    pub(super) fn deletion_rule(
        &mut self,
        out: &mut SyncOutcome,
        sides: &Sides,
        apply: bool,
    ) -> Result<Option<Deleted>> {
        let Some(base) = sides.base_version.as_ref() else {
            return Ok(None);
        };
        if sides.target.is_some() || !matches!(out.strategy, Strategy::Auto | Strategy::Ours) {
            return Ok(None);
        }
        let (src, dst) = out.direction.tiers();
        let id = out.id.clone();
        let shape = id.kind.shape();
        let changed = out.plan.source_hash != base.hash;
        // The files the source changed since the baseline: what the deletion conflicts with.
        let empty = Tree::default();
        let base_tree = sides.base.as_ref().unwrap_or(&empty);
        let mut paths: Vec<&String> = sides
            .source
            .files
            .iter()
            .filter(|(p, b)| base_tree.files.get(*p) != Some(*b))
            .map(|(p, _)| p)
            .collect();
        paths.extend(
            base_tree
                .files
                .keys()
                .filter(|p| !sides.source.files.contains_key(*p)),
        );
        let hint = restore_hint(out);
        let plan = &mut out.plan;
        plan.result = Tree::default();
        plan.result_hash = plan.result.content_hash(shape);
        plan.files.clear();
        plan.conflicts = 0;
        let outcome = if changed && out.strategy == Strategy::Auto {
            plan.kind = Kind::Merge;
            for p in &paths {
                plan.files.push(FilePlan {
                    path: (*p).clone(),
                    action: Action::Conflict(Conflict::DeletedTargetCopy),
                    result_hash: None,
                });
            }
            plan.conflicts = paths.len().max(1);
            plan.warnings.push(format!(
                "the {dst} copy of {id} was deleted and the {src} copy changed since: a modify/delete conflict, nothing was written. Take the {src}'s version with {} (or `--strategy theirs`), or keep the deletion with `--strategy ours`",
                hint
            ));
            Deleted::Conflict
        } else {
            plan.kind = Kind::NothingToTake;
            let why = if changed {
                format!("; the {src} copy changed since, and --strategy ours keeps the deletion")
            } else {
                format!(" and the {src} copy has not changed since")
            };
            plan.warnings.push(format!(
                "the {dst} copy of {id} was deleted{why}: nothing to take; {} brings it back",
                hint
            ));
            Deleted::NothingToTake
        };
        if apply && outcome == Deleted::Conflict {
            self.record_deletion_conflict(out, sides, &paths)?;
        }
        Ok(Some(outcome))
    }

    /// Records a modify/delete conflict: the source content as a version (so its blobs are
    /// stored), a conflict record per changed file and the audit event. Nothing on disk moves and
    /// the baseline stays, so the conflict is still there at the next sync.
    fn record_deletion_conflict(
        &mut self,
        out: &SyncOutcome,
        sides: &Sides,
        paths: &[&String],
    ) -> Result<()> {
        let id = &out.id;
        let source_hash = &out.plan.source_hash;
        let files: Vec<String> = paths.iter().map(|p| (*p).clone()).collect();
        self.store.in_tx(|| {
            let latest = self.store.latest_version(id)?;
            self.store.find_or_add_version(
                id,
                NewVersion {
                    hash: source_hash,
                    origin: Origin::Sync,
                    parents: &latest.iter().map(|v| v.id).collect::<Vec<_>>(),
                    files: Some(&sides.source),
                    message: Some(&format!(
                        "{} copy at sync (the {} copy was deleted)",
                        out.direction.tiers().0,
                        out.direction.tiers().1
                    )),
                },
            )?;
            for p in paths {
                let get =
                    |t: Option<&Tree>| t.and_then(|t| t.files.get(*p)).map(|b| hash::hash_bytes(b));
                self.store.record_conflict(&ConflictRecord {
                    artifact: id,
                    file_path: p,
                    base_hash: get(sides.base.as_ref()).as_deref(),
                    ours_hash: None,
                    theirs_hash: get(Some(&sides.source)).as_deref(),
                    strategy: out.strategy.as_str(),
                })?;
            }
            self.store.audit(&AuditEvent {
                operation: "sync",
                artifact: Some(id),
                direction: Some(out.direction.as_str()),
                strategy: Some(out.strategy.as_str()),
                result: "conflicts",
                duration_ms: out.elapsed_ms(),
                conflict_files: &files,
                detail: Some("modify/delete: the target copy was deleted"),
                version: None,
            })
        })
    }
}

/// A push whose plan holds a modify/delete conflict (a file deleted in one tier and changed in
/// the other) is refused: the collection would keep one side while the baseline moved past the
/// other, so a later sync would drop or bring back the file silently. It is settled in the
/// project, where the conflict is recorded and a side taken.
pub(super) fn refuse_modify_delete_push(out: &SyncOutcome) -> Result<()> {
    let Some(f) = out.plan.files.iter().find(|f| {
        matches!(
            f.action,
            Action::Conflict(Conflict::DeletedInSource | Conflict::DeletedInTarget)
        )
    }) else {
        return Ok(());
    };
    let how = match &f.action {
        Action::Conflict(Conflict::DeletedInSource) => {
            "deleted in the project and changed in the collection"
        }
        _ => "changed in the project and deleted in the collection",
    };
    let id = &out.id;
    Err(crate::error::Error::conflict(format!(
        "{id}: {} was {how} since deployed (a modify/delete conflict); nothing was pushed. To finish: run `skillmeat-lsp sync {id} --apply` to bring the conflict into the project, take a side with `skillmeat-lsp resolve {id} --file {} --take ours|theirs|base`, then push again (or push with `--strategy overwrite` to make the collection the project's copy)",
        f.path, f.path
    )))
}
