//! Editor edits are proposals until saved (docs/design.md §8): an editor's *Update from collection* or
//! *Merge with collection* changes buffers only, and the lineage moves when the saved project
//! copy shows the proposed result — saved = the collection's content → synced, saved = the
//! proposed merge → a `merge` version with the project and collection versions as parents and
//! the collection's content as the new baseline. Undo or close without saving records nothing.

use super::Workspace;
use crate::error::Result;
use crate::hash;
use crate::id::ArtifactId;
use crate::id::Shape;
use crate::store::{AuditEvent, ConflictRecord, NewVersion, Origin};
use crate::sync::plan::{Action, Plan};
use crate::sync::{Direction, Strategy};
use crate::tree::{self, Tree};

/// A sync into the project that an editor turned into text edits, kept until its result is
/// saved (or never).
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The plan the edits came from: its `result` is the content that, once saved, records it.
    pub plan: Plan,
    /// The project content the plan merged (editor buffers included).
    pub target: Tree,
    /// The baseline version the plan merged against.
    pub base_version: Option<i64>,
}

impl Proposal {
    /// The proposal takes the collection's content as it is (an update, no merge).
    pub fn is_update(&self) -> bool {
        self.plan.result_hash == self.plan.source_hash
    }
}

impl Workspace {
    /// Plans a sync from the collection into the project with editor buffers (`(rel, text)`)
    /// standing in for project files, without writing anything.
    pub fn propose(&self, id: &ArtifactId, buffers: &[(&str, &[u8])]) -> Result<Proposal> {
        let plan = self.plan_with_buffers(id, Strategy::Auto, buffers)?;
        let shape = id.kind.shape();
        let path = self.project_path(id)?;
        let mut target = if path.symlink_metadata().is_ok() {
            tree::read_artifact(&path, shape)?
        } else {
            Tree::default()
        };
        if shape == Shape::File {
            target.files.clear();
        }
        for (rel, text) in buffers {
            target.files.insert(rel.to_string(), text.to_vec());
        }
        let base_version = self.store.deployment(id)?.map(|d| d.baseline_version_id);
        Ok(Proposal {
            plan,
            target,
            base_version,
        })
    }

    /// Records a proposal whose result is now the saved project copy: the versions a sync would
    /// have recorded, the collection's content as the baseline, and a conflict record for each
    /// file the merge left markers in. Returns the recorded `vN`, or `None` (nothing recorded)
    /// when the saved copy is not the proposal's result or the collection or baseline moved
    /// since it was proposed.
    pub fn adopt_saved(&mut self, id: &ArtifactId, p: &Proposal) -> Result<Option<u32>> {
        let shape = id.kind.shape();
        let path = self.project_path(id)?;
        if path.symlink_metadata().is_err() {
            return Ok(None);
        }
        // Nothing is written to the copy (the editor saved it), but the lineage and the
        // deployed file move: through the write path's entry and under the copy's lock.
        let writer = self.writer(id, &path)?;
        let Some(saved) = writer.read_target()? else {
            return Ok(None);
        };
        if saved.content_hash(shape) != p.plan.result_hash {
            return Ok(None);
        }
        let sides = self.sides(id, Direction::CollectionToProject, Strategy::Auto)?;
        let source_hash = sides.source.content_hash(shape);
        if source_hash != p.plan.source_hash
            || sides.base_version.as_ref().map(|v| v.id) != p.base_version
        {
            return Ok(None);
        }
        let target_hash = p.target.content_hash(shape);
        let conflict_files: Vec<String> = p
            .plan
            .files
            .iter()
            .filter(|f| matches!(f.action, Action::Conflict(_)))
            .map(|f| f.path.clone())
            .collect();
        let version = self.store.in_tx(|| {
            // Each copy's version when one holds it (content, modes and links), else a new one.
            let latest = self.store.latest_version(id)?;
            let (target_v, _) = self.store.find_or_add_version(
                id,
                NewVersion {
                    hash: &target_hash,
                    origin: Origin::LocalModification,
                    parents: &latest.iter().map(|v| v.id).collect::<Vec<_>>(),
                    files: Some(&p.target),
                    message: Some("kept before a merge in the editor"),
                },
            )?;
            let (source_v, _) = self.store.find_or_add_version(
                id,
                NewVersion {
                    hash: &source_hash,
                    origin: Origin::Sync,
                    parents: &p.base_version.into_iter().collect::<Vec<_>>(),
                    files: Some(&sides.source),
                    message: Some("collection copy taken in the editor"),
                },
            )?;
            let result_v = if p.is_update() {
                source_v.clone()
            } else {
                self.store.add_version(
                    id,
                    NewVersion {
                        hash: &p.plan.result_hash,
                        origin: Origin::Merge,
                        parents: &[target_v.id, source_v.id],
                        files: Some(&p.plan.result),
                        message: Some("merge collection-to-project (saved in the editor)"),
                    },
                )?
            };
            self.store.set_baseline(
                id,
                source_v.id,
                &crate::time::now_utc(),
                &self.collection.name,
            )?;
            for f in &conflict_files {
                let get =
                    |t: Option<&Tree>| t.and_then(|t| t.files.get(f)).map(|b| hash::hash_bytes(b));
                self.store.record_conflict(&ConflictRecord {
                    artifact: id,
                    file_path: f,
                    base_hash: get(sides.base.as_ref()).as_deref(),
                    ours_hash: get(Some(&p.target)).as_deref(),
                    theirs_hash: get(Some(&sides.source)).as_deref(),
                    strategy: "editor",
                })?;
            }
            self.store.audit(&AuditEvent {
                operation: "sync",
                artifact: Some(id),
                direction: Some(Direction::CollectionToProject.as_str()),
                strategy: Some("editor"),
                result: if conflict_files.is_empty() {
                    p.plan.kind.as_str()
                } else {
                    "conflicts"
                },
                conflict_files: &conflict_files,
                version: Some(result_v.number),
                ..Default::default()
            })?;
            Ok(result_v.number)
        })?;
        self.cache.remove(&path);
        self.write_compat(&[(id, &source_hash)])?;
        Ok(Some(version))
    }
}
