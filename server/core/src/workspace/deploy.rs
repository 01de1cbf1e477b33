//! Deploying collection artifacts into the project (collection → project, origin `deployment`).

use super::Workspace;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::store::{AuditEvent, NewVersion, Origin};
use crate::sync::write::{self, Keep};
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
        self.deploy_to(queries, overwrite, &[], false)
    }

    /// [`Workspace::deploy`] to SkillMeat's profiles: each id to every profile named (`codex`
    /// writes `.agents/<type folder>/<name>`), or with `all_profiles` to every profile root the
    /// project has (types a profile does not take are left out there); none named: `.claude`.
    /// An id's own `@profile` names its one target. Each target is its own deployment, recorded
    /// in its root's `.skillmeat-deployed.toml` as SkillMeat records it.
    pub fn deploy_to(
        &mut self,
        queries: &[String],
        overwrite: bool,
        profiles: &[String],
        all_profiles: bool,
    ) -> Result<Vec<DeployOutcome>> {
        if queries.is_empty() {
            return Err(Error::invalid(
                "deploy needs at least one artifact id (e.g. `skill:pdf-tools`)",
            ));
        }
        let targets = self.deploy_profiles(profiles, all_profiles)?;
        let in_collection = self.collection_artifacts()?;
        let mut plan = Vec::new();
        let mut ids = Vec::new();
        for q in queries {
            let query = crate::id::IdQuery::parse(q)?;
            let base = query.without_profile().resolve(in_collection.keys()).map_err(|e| match e {
                Error::NotFound { .. } => Error::not_found(format!(
                    "`{q}` is not in the collection at {}; {}see what it holds with `skillmeat-lsp list`, or add it to the collection first",
                    self.collection.root.display(),
                    crate::id::did_you_mean(q, in_collection.keys())
                        .map(|id| format!("did you mean `{id}`? "))
                        .unwrap_or_default()
                )),
                e => e,
            })?;
            if query.names_profile() {
                let p = self
                    .deploy_profiles(&[query.profile().unwrap_or("claude").to_string()], false)?;
                ids.push(self.in_profile(&base, &p[0])?);
            } else if targets.is_empty() {
                ids.push(base);
            } else {
                for p in &targets {
                    match self.in_profile(&base, p) {
                        Ok(id) => ids.push(id),
                        // `--all-profiles` deploys where the type is taken, as SkillMeat does.
                        Err(_) if all_profiles => self.notes.push(format!(
                            "{base} not deployed to {}: SkillMeat's {} profile does not take {} artifacts",
                            p.root_dir, p.id, base.kind
                        )),
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        for id in ids {
            if plan.iter().any(|p: &Planned| p.id == id) {
                continue;
            }
            let shape = id.kind.shape();
            // Read without the collection copy's lock (another project may be pushing into it):
            // whole, by reading until two reads agree.
            let source = write::read_stable(&in_collection[&id.base()], shape)
                .map_err(|e| e.context(format!("cannot deploy {id}")))?
                .ok_or_else(|| {
                    Error::not_found(format!(
                        "{id} vanished from the collection ({}) while it was being read",
                        in_collection[&id.base()].display()
                    ))
                })?;
            self.refuse_markers(&id, &source, false, "deploy", "collection")?;
            let hash = source.content_hash(shape);
            let ident = source.identity(shape);
            let dest = self.project_path(&id)?;
            let existing = if dest.symlink_metadata().is_ok() {
                let t = tree::read_artifact(&dest, shape)
                    .map_err(|e| e.context(format!("cannot deploy {id} over its project copy")))?;
                let h = t.identity(shape);
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
        // The writes open together: every target's deployed file is checked before the first
        // write, so a deploy to several profile roots never writes one and then fails on
        // another's file.
        let writers = self.writers(&plan.iter().map(|p| &p.id).collect::<Vec<_>>())?;
        plan.into_iter()
            .map(|p| self.deploy_one(p, &writers))
            .collect()
    }

    fn deploy_one(
        &mut self,
        p: Planned,
        writers: &super::precheck::Writers,
    ) -> Result<DeployOutcome> {
        let started = std::time::Instant::now();
        let shape = p.id.kind.shape();
        let dest = self.project_path(&p.id)?;
        let writer = writers.begin(&self.store, &p.id, &dest)?;
        // The copy was checked before the lock was held: make sure it is still what was checked.
        let now = writer.read_target()?.map(|t| t.identity(shape));
        if now.as_deref() != p.existing.as_ref().map(|(_, h)| h.as_str()) {
            return Err(Error::conflict(format!(
                "{} changed while {} was being deployed; run the deploy again",
                dest.display(),
                p.id
            )));
        }
        let latest = self.store.latest_version(&p.id)?;
        let latest_ids: Vec<i64> = latest.iter().map(|v| v.id).collect();
        // Identities: a copy with the right content but other modes or links is rewritten.
        let already_present = p.existing.as_ref().is_some_and(|(_, h)| *h == p.ident);
        // Never lose a person's content: what is about to be replaced is stored first.
        let keep = p
            .existing
            .as_ref()
            .filter(|_| p.modified)
            .map(|(tree, _)| Keep {
                tree,
                origin: Origin::LocalModification,
                message: "kept before deploy --overwrite",
                parents: &latest_ids,
            });
        // A second deploy of an unchanged artifact over its untouched copy: the baseline
        // version already holds this content, so it is named again instead of numbered anew.
        // (Content that comes back after another version is still a new version: no cycles.)
        let unchanged = match self.store.deployment(&p.id)? {
            Some(d)
                if already_present
                    && tree::identity(&d.baseline_hash, &d.baseline_meta) == p.ident =>
            {
                Some(self.store.version(d.baseline_version_id)?)
            }
            _ => None,
        };
        let applied = writer.apply(
            &self.store,
            p.existing.as_ref().map(|(t, _)| t),
            (!already_present).then_some(&p.source),
        )?;
        self.cache.remove(&dest);
        let deployed_at = crate::time::now_utc();
        let mut kept_previous = None;
        let version = applied.commit(&self.store, keep, |kept| {
            kept_previous = kept.map(|v| v.number);
            let parents: Vec<i64> = match kept {
                Some(v) => vec![v.id],
                None => latest_ids.clone(),
            };
            let v = match unchanged.clone() {
                Some(v) => v,
                None => self.store.add_version(
                    &p.id,
                    NewVersion {
                        hash: &p.hash,
                        origin: Origin::Deployment,
                        parents: &parents,
                        files: Some(&p.source),
                        message: None,
                    },
                )?,
            };
            self.store
                .set_baseline(&p.id, v.id, &deployed_at, &self.collection.name)?;
            self.store.audit(&AuditEvent {
                operation: "deploy",
                artifact: Some(&p.id),
                direction: Some("collection-to-project"),
                strategy: Some(if kept.is_some() { "overwrite" } else { "auto" }),
                result: "ok",
                version: Some(v.number),
                duration_ms: started.elapsed().as_millis() as u64,
                ..Default::default()
            })?;
            Ok(v)
        })?;
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
