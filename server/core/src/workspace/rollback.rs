//! Rollback: put an earlier version's files back into the project (origin `rollback`).

use super::Workspace;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::store::{AuditEvent, NewVersion, Origin};
use crate::sync::write::Keep;
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
        let shape = id.kind.shape();
        let path = self.project_path(&id)?;
        let writer = self.writer(&id, &path)?;
        let current = writer.read_target()?;
        // Identities: a rollback that only brings modes, folders or links back is a change too.
        let changed = current.as_ref().map(|t| t.identity(shape))
            != Some(tree::identity(&target.hash, &target.tree.meta_digest()));
        if !changed {
            return Err(Error::invalid(format!(
                "the project copy of {id} already is {}; nothing to roll back",
                target.label
            )));
        }
        let latest = self.store.latest_version(&id)?;
        let latest_ids: Vec<i64> = latest.iter().map(|v| v.id).collect();
        // What the rollback replaces is stored first, in the commit's transaction.
        let keep = current.as_ref().map(|tree| Keep {
            tree,
            origin: Origin::LocalModification,
            message: "kept before rollback",
            parents: &latest_ids,
        });
        let applied = writer.apply(&self.store, current.as_ref(), Some(&target.tree))?;
        let mut kept_previous = None;
        let v = applied.commit(&self.store, keep, |kept| {
            kept_previous = kept.map(|v| v.number);
            let mut parents: Vec<i64> = match kept {
                Some(v) => vec![v.id],
                None => latest_ids.clone(),
            };
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
                version: Some(v.number),
                ..Default::default()
            })?;
            Ok(v)
        })?;
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
