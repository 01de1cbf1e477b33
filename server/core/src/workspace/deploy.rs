//! Deploying collection artifacts into the project (collection → project, origin `deployment`).

use super::sync::LOCK_TIMEOUT;
use super::Workspace;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::store::{AuditEvent, NewVersion, Origin};
use crate::sync::{apply, lock};
use crate::tree::{self, Tree};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployOutcome {
    pub id: ArtifactId,
    pub hash: String,
    pub version: u32,
    /// The project copy was already identical: only the baseline was recorded.
    pub already_present: bool,
    /// The `vN` under which a replaced, modified project copy was kept.
    pub kept_previous: Option<u32>,
}

struct Planned {
    id: ArtifactId,
    source: Tree,
    hash: String,
    /// [`Tree::identity`] of `source`; `existing` carries the project copy's.
    ident: String,
    existing: Option<(Tree, String)>,
    /// The project copy differs from its baseline: a person changed it.
    modified: bool,
}

impl Workspace {
    /// Deploys each named artifact from the collection. Everything is checked first; a project
    /// copy that a person changed (it differs from both its baseline and the collection) stops
    /// the whole deploy unless `overwrite` is set, and then it is stored as a version first.
    pub fn deploy(&mut self, queries: &[String], overwrite: bool) -> Result<Vec<DeployOutcome>> {
        if queries.is_empty() {
            return Err(Error::invalid(
                "deploy needs at least one artifact id (e.g. `skill:pdf-tools`)",
            ));
        }
        let in_collection = self.collection_artifacts()?;
        let mut plan = Vec::new();
        for q in queries {
            let id = crate::id::IdQuery::parse(q)?.resolve(in_collection.keys()).map_err(|e| match e {
                Error::NotFound { .. } => Error::not_found(format!(
                    "`{q}` is not in the collection at {}; list it with `skillmeat-lsp status` or add it to the collection first",
                    self.collection.root.display()
                )),
                e => e,
            })?;
            if plan.iter().any(|p: &Planned| p.id == id) {
                continue;
            }
            let folder = id.kind.is_folder();
            let source = tree::read_artifact(&in_collection[&id], folder)
                .map_err(|e| e.context(format!("cannot deploy {id}")))?;
            let hash = source.content_hash(folder);
            let ident = source.identity(folder);
            let dest = self.project_path(&id);
            let existing = if dest.symlink_metadata().is_ok() {
                let t = tree::read_artifact(&dest, folder)
                    .map_err(|e| e.context(format!("cannot deploy {id} over its project copy")))?;
                let h = t.identity(folder);
                Some((t, h))
            } else {
                None
            };
            let baseline = self
                .store
                .deployment(&id)?
                .map(|d| tree::identity(&d.baseline_hash, &d.baseline_meta));
            let mut modified = false;
            if let Some((_, h)) = &existing {
                // A copy still at its baseline holds nothing a person wrote: fast-forward it.
                // (Identities: content and modes, folders, links — a chmod is a change too.)
                let untouched = baseline.as_deref() == Some(h.as_str());
                modified = !untouched && *h != ident;
                if *h != ident && !untouched && !overwrite {
                    return Err(Error::conflict(format!(
                        "the project copy of {id} at {} differs from the collection; nothing was deployed. Pass --overwrite to replace it (its content is kept as a version), or merge with `skillmeat-lsp sync {id}`",
                        dest.display()
                    )));
                }
            }
            plan.push(Planned {
                id,
                source,
                hash,
                ident,
                existing,
                modified,
            });
        }
        plan.into_iter().map(|p| self.deploy_one(p)).collect()
    }

    fn deploy_one(&mut self, p: Planned) -> Result<DeployOutcome> {
        let started = std::time::Instant::now();
        let folder = p.id.kind.is_folder();
        let dest = self.project_path(&p.id);
        let _lock = lock::acquire(&dest, &p.id.to_string(), LOCK_TIMEOUT)?;
        // The copy was checked before the lock was held: make sure it is still what was checked.
        let now = match dest.symlink_metadata() {
            Ok(_) => Some(tree::read_artifact(&dest, folder)?.identity(folder)),
            Err(_) => None,
        };
        if now.as_deref() != p.existing.as_ref().map(|(_, h)| h.as_str()) {
            return Err(Error::conflict(format!(
                "{} changed while {} was being deployed; run the deploy again",
                dest.display(),
                p.id
            )));
        }
        let latest = self.store.latest_version(&p.id)?;
        let mut parent = latest.as_ref().map(|v| v.id);
        let mut kept_previous = None;
        let already_present = p.existing.as_ref().is_some_and(|(_, h)| *h == p.ident);
        if let Some((tree, _)) = p.existing.as_ref().filter(|_| p.modified) {
            // Never lose a person's content: store what is about to be replaced.
            let h = tree.content_hash(folder);
            if !latest
                .as_ref()
                .is_some_and(|v| v.holds(&h, &tree.meta_digest()))
            {
                let v = self.store.add_version(
                    &p.id,
                    NewVersion {
                        hash: &h,
                        origin: Origin::LocalModification,
                        parents: &parent.into_iter().collect::<Vec<_>>(),
                        files: Some(tree),
                        message: Some("kept before deploy --overwrite"),
                    },
                )?;
                parent = Some(v.id);
                kept_previous = Some(v.number);
            } else {
                kept_previous = latest.as_ref().map(|v| v.number);
            }
        }
        // Like a sync: journaled stage-and-swap, committed with the versions it records.
        let swap = if already_present {
            None
        } else {
            Some(apply::swap_in(
                &self.store,
                &p.id.to_string(),
                &dest,
                &p.source,
                folder,
            )?)
        };
        self.cache.remove(&dest);
        let deployed_at = crate::time::now_utc();
        let version = self.store.in_tx(|| {
            let v = self.store.add_version(
                &p.id,
                NewVersion {
                    hash: &p.hash,
                    origin: Origin::Deployment,
                    parents: &parent.into_iter().collect::<Vec<_>>(),
                    files: Some(&p.source),
                    message: None,
                },
            )?;
            self.store
                .set_baseline(&p.id, v.id, &deployed_at, &self.collection.name)?;
            self.store.audit(&AuditEvent {
                operation: "deploy",
                artifact: Some(&p.id),
                direction: Some("collection-to-project"),
                strategy: Some(if kept_previous.is_some() {
                    "overwrite"
                } else {
                    "auto"
                }),
                result: "ok",
                duration_ms: started.elapsed().as_millis() as u64,
                ..Default::default()
            })?;
            if let Some(swap) = &swap {
                swap.mark_committed(&self.store)?;
            }
            Ok(v)
        });
        let version = match (version, swap) {
            (Ok(v), Some(swap)) => {
                swap.finish(&self.store)?;
                v
            }
            (Ok(v), None) => v,
            (Err(e), Some(swap)) => {
                swap.roll_back(&self.store)?;
                return Err(e);
            }
            (Err(e), None) => return Err(e),
        };
        self.write_compat(&[(&p.id, &p.hash)])?;
        Ok(DeployOutcome {
            id: p.id,
            hash: p.hash,
            version: version.number,
            already_present,
            kept_previous,
        })
    }
}
