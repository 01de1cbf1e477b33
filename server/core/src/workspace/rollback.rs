//! Rollback: put an earlier version's files back into the project (origin `rollback`).

use super::Workspace;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::store::{AuditEvent, NewVersion, Origin};
use crate::sync::{apply, lock};
use crate::tree;

#[derive(Debug, Clone)]
pub struct RollbackOutcome {
    pub id: ArtifactId,
    pub to: String,
    /// The new version (origin `rollback`).
    pub version: u32,
    /// The version under which the replaced project content was kept.
    pub kept_previous: Option<u32>,
    pub changed: bool,
}

impl Workspace {
    /// Restores revision `rev` of the artifact into the project. The content it replaces is stored
    /// as a version first; the baseline does not move.
    pub fn rollback(&mut self, query: &str, rev: &str) -> Result<RollbackOutcome> {
        let started = std::time::Instant::now();
        let id = self.resolve_id(query)?;
        let target = self.resolve_rev(&id, rev)?;
        let folder = id.kind.is_folder();
        let path = self.project_path(&id);
        let _lock = lock::acquire(&path, &id.to_string(), super::sync::LOCK_TIMEOUT)?;
        let current = if path.symlink_metadata().is_ok() {
            Some(tree::read_artifact(&path, folder)?)
        } else {
            None
        };
        let current_hash = current.as_ref().map(|t| t.content_hash(folder));
        let current_meta = current
            .as_ref()
            .map(|t| t.meta_digest())
            .unwrap_or_default();
        let mut kept_previous = None;
        let latest = self.store.latest_version(&id)?;
        let mut parent = latest.as_ref().map(|v| v.id);
        if let (Some(tree), Some(h)) = (&current, &current_hash) {
            let known = self
                .store
                .versions(&id)?
                .into_iter()
                .rev()
                .find(|v| v.holds(h, &current_meta));
            let v = match known {
                Some(v) => v,
                None => self.store.add_version(
                    &id,
                    NewVersion {
                        hash: h,
                        origin: Origin::LocalModification,
                        parents: &parent.into_iter().collect::<Vec<_>>(),
                        files: Some(tree),
                        message: Some("kept before rollback"),
                    },
                )?,
            };
            kept_previous = Some(v.number);
            parent = Some(v.id);
        }
        let changed = current.as_ref().map(|t| t.identity(folder))
            != Some(tree::identity(&target.hash, &target.tree.meta_digest()));
        if !changed {
            return Err(Error::invalid(format!(
                "the project copy of {id} already is {}; nothing to roll back",
                target.label
            )));
        }
        let swap = apply::swap_in(&self.store, &id.to_string(), &path, &target.tree, folder)?;
        let committed = self.store.in_tx(|| {
            let mut parents: Vec<i64> = parent.into_iter().collect();
            if let Some(v) = &target.version {
                if !parents.contains(&v.id) {
                    parents.push(v.id);
                }
            }
            let v = self.store.add_version(
                &id,
                NewVersion {
                    hash: &target.hash,
                    origin: Origin::Rollback,
                    parents: &parents,
                    files: Some(&target.tree),
                    message: Some(&format!("rolled back to {}", target.label)),
                },
            )?;
            self.store.audit(&AuditEvent {
                operation: "rollback",
                artifact: Some(&id),
                result: "ok",
                duration_ms: started.elapsed().as_millis() as u64,
                detail: Some(&format!("to {}", target.label)),
                ..Default::default()
            })?;
            swap.mark_committed(&self.store)?;
            Ok(v)
        });
        let v = match committed {
            Ok(v) => {
                swap.finish(&self.store)?;
                v
            }
            Err(e) => {
                swap.roll_back(&self.store)?;
                return Err(e);
            }
        };
        self.cache.remove(&path);
        Ok(RollbackOutcome {
            id,
            to: target.label,
            version: v.number,
            kept_previous,
            changed,
        })
    }
}
