//! Drift of every artifact, hashing only what the stat cache cannot vouch for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Workspace;
use crate::compat;
use crate::discover;
use crate::drift::{classify_deployed, ArtifactStatus, DriftState, StatusReport};
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::id::Shape;
use crate::statcache::{self, Hashed};
use crate::store::{NewVersion, Origin};
use crate::tree::{self, identity, Tree};

/// A hash job's outcome: absent, hashed, or unreadable.
enum Seen {
    Absent,
    Hashed(Hashed),
    Failed(Error),
}

impl Seen {
    fn hash(&self) -> Option<&str> {
        match self {
            Seen::Hashed(h) => Some(&h.hash),
            _ => None,
        }
    }

    /// What drift compares: the content hash and, when there is any, the modes, folders and
    /// links digest, so a mode-only change is a change (as git reports a "mode change").
    fn identity(&self) -> Option<String> {
        match self {
            Seen::Hashed(h) => Some(identity(&h.hash, &h.meta)),
            _ => None,
        }
    }
}

impl Workspace {
    /// [`Workspace::status`] of only the artifacts `queries` name (`status ID...`; see
    /// [`crate::id::IdQuery::names_deployment`]). Each query is checked against what is deployed
    /// or present here before anything is read: one naming nothing here is a not-found error
    /// with the nearest id suggested.
    pub fn status_named(&mut self, queries: &[crate::id::IdQuery]) -> Result<StatusReport> {
        let mut here = self.present_ids()?;
        for q in queries {
            if here.iter().any(|id| q.names_deployment(id)) {
                continue;
            }
            let hint = match crate::id::did_you_mean(&q.without_profile().to_string(), &here) {
                Some(id) => format!("did you mean `{id}`?"),
                None => "run `skillmeat-lsp status` to see every artifact here".to_string(),
            };
            return Err(Error::not_found(format!(
                "`{q}` is neither deployed nor present in this project; {hint}"
            )));
        }
        here.sort();
        here.dedup();
        here.retain(|id| queries.iter().any(|q| q.names_deployment(id)));
        self.status_of(Some(&here))
    }

    /// Computes drift for every deployed or present artifact (docs/design.md §4), recording a modified
    /// project copy as a `local_modification` version the first time it is seen.
    pub fn status(&mut self) -> Result<StatusReport> {
        self.status_of(None)
    }

    /// Makes a running `status` stop hashing once `flag` is set and fail with an "interrupted"
    /// error (nothing is recorded): how a language server that is ending stops its start-up scan
    /// at once instead of hashing every artifact first.
    pub fn interrupt_on(&mut self, flag: &'static std::sync::atomic::AtomicBool) {
        self.interrupt = Some(flag);
    }

    /// Drift of just `only` (every artifact when `None`): what a file event needs to refresh.
    pub fn status_of(&mut self, only: Option<&[ArtifactId]>) -> Result<StatusReport> {
        self.unfound.borrow_mut().clear();
        self.check_profile_roots()?;
        let deployments = self.store.deployments()?;
        let collection = self.collection_artifacts()?;
        let (ids, mut warnings) = match only {
            Some(only) => (only.to_vec(), Vec::new()),
            None => {
                let project = self.scan_project()?;
                let mut ids: Vec<ArtifactId> = deployments.iter().map(|d| d.id.clone()).collect();
                ids.extend(project.artifacts.keys().cloned());
                ids.sort();
                ids.dedup();
                (ids, project.skipped)
            }
        };

        // Hash the project and collection copies of every id, in parallel.
        let mut jobs: Vec<(PathBuf, Shape)> = Vec::with_capacity(ids.len() * 2);
        for id in &ids {
            // Every root was checked above: one check per root, not one per copy.
            jobs.push((self.project_path_unchecked(id), id.kind.shape()));
            jobs.push((
                collection
                    .get(&id.base())
                    .cloned()
                    .unwrap_or_else(|| self.collection_path(id)),
                id.kind.shape(),
            ));
        }
        let mut seen = hash_all(
            &jobs,
            &self.cache,
            self.collection_hashes.as_deref(),
            self.interrupt,
        );
        if self
            .interrupt
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::SeqCst))
        {
            return Err(Error::other(
                "status interrupted: the program is ending".to_string(),
            ));
        }
        for ((path, _), s) in jobs.iter().zip(seen.iter_mut()) {
            match s {
                Seen::Hashed(h) => {
                    if let Some(fresh) = h.fresh.take() {
                        self.cache.insert(path.clone(), fresh);
                    }
                }
                _ => self.cache.remove(path),
            }
        }

        let baselines: HashMap<&ArtifactId, _> = deployments.iter().map(|d| (&d.id, d)).collect();
        let kept: HashMap<ArtifactId, _> = self.store.all_kept()?.into_iter().collect();
        let mut out = Vec::with_capacity(ids.len());
        let mut seen = seen.into_iter();
        for id in ids {
            let (Some(p), Some(c)) = (seen.next(), seen.next()) else {
                break;
            };
            let project_path = self.project_path_unchecked(&id);
            let mut st = ArtifactStatus {
                id: id.clone(),
                state: DriftState::Untracked,
                path: self.relative(&project_path),
                main_file: self.relative(&discover::main_file(&project_path, id.kind)),
                baseline: None,
                project: p.hash().map(str::to_string),
                collection: c.hash().map(str::to_string),
                version: None,
                matches_collection: None,
                unresolved: None,
                error: None,
                profile: self.profile_label(&id),
                kept: None,
            };
            if let Err(e) = self.check_profile(&id) {
                // Its profile is gone from the config (or lost its root to another profile):
                // where its copy lives is unknown, so nothing is read as its drift.
                st.state = DriftState::Error;
                st.error = Some(e.to_string());
                st.project = None;
                out.push(st);
                continue;
            }
            if let Seen::Failed(e) = &p {
                st.state = DriftState::Error;
                st.error = Some(e.to_string());
                out.push(st);
                continue;
            }
            if let Seen::Failed(e) = &c {
                warnings.push(format!("collection copy of {id}: {e}"));
            }
            if st.project.is_none() && st.collection.is_none() && !baselines.contains_key(&id) {
                // Asked about an id that exists nowhere (a file event for a deleted artifact).
                continue;
            }
            match baselines.get(&id) {
                Some(d) => {
                    st.baseline = Some(d.baseline_hash.clone());
                    let baseline = identity(&d.baseline_hash, &d.baseline_meta);
                    let project = p.identity();
                    st.state =
                        classify_deployed(&baseline, project.as_deref(), c.identity().as_deref());
                    st.version = Some(d.baseline_number);
                    let moved = project.as_deref() != Some(baseline.as_str());
                    if moved && st.project.is_some() {
                        let (tree, meta) = match p {
                            Seen::Hashed(h) => (h.tree, h.meta),
                            _ => (None, String::new()),
                        };
                        match self.record_project_content(
                            &id,
                            &st,
                            &meta,
                            d.baseline_version_id,
                            tree,
                        ) {
                            Ok(v) => st.version = Some(v),
                            Err(e) => warnings.push(format!("could not record {id}: {e}")),
                        }
                        if st.state == DriftState::Synced {
                            // Both sides reached the same content: that content is the new baseline.
                            st.baseline = st.project.clone();
                        }
                        if let Err(e) = self.mark_unresolved(&mut st, None) {
                            warnings
                                .push(format!("could not check {id} for conflict markers: {e}"));
                        }
                    }
                }
                None => {
                    st.matches_collection = c.identity().map(|c| Some(c) == p.identity());
                }
            }
            if let (Some(k), true) = (kept.get(&id), st.baseline.is_some()) {
                super::keep::apply(&mut st, k, c.identity().as_deref());
            }
            out.push(st);
        }
        self.store.save_stat_cache(&mut self.cache)?;
        warnings.append(&mut self.notes);
        Ok(StatusReport {
            workspace: self.root.clone(),
            collection: self.collection.root.clone(),
            collection_source: self.collection.source.describe(),
            artifacts: out,
            warnings,
        })
    }

    /// Stores the project's content when it is not the newest version yet, and moves the
    /// baseline when project and collection reached the same content. Returns its `vN`.
    fn record_project_content(
        &mut self,
        id: &ArtifactId,
        st: &ArtifactStatus,
        meta: &str,
        baseline_version: i64,
        tree: Option<Tree>,
    ) -> Result<u32> {
        let hash = st.project.as_deref().unwrap_or_default();
        let latest = self.store.latest_version(id)?;
        let both_equal = st.state == DriftState::Synced;
        // Content already stored (the newest version, or any earlier one with its files) is not
        // stored again: a drift check records what would otherwise be lost, nothing more.
        let known = match latest
            .as_ref()
            .filter(|v| v.hash == hash && (v.meta_hash == meta || !v.has_content))
        {
            Some(v) => Some(v.clone()),
            None => self
                .store
                .versions(id)?
                .into_iter()
                .rev()
                .find(|v| v.holds(hash, meta)),
        };
        if let Some(v) = known.as_ref() {
            if both_equal && v.id != baseline_version {
                self.move_baseline(id, v.id, hash)?;
            }
            return Ok(v.number);
        }
        let tree = match tree {
            Some(t) => t,
            None => tree::read_artifact(&self.project_path(id)?, id.kind.shape())?,
        };
        if tree.content_hash(id.kind.shape()) != hash || tree.meta_digest() != meta {
            // Changed again while we looked; the next check records it.
            return Ok(latest.map(|v| v.number).unwrap_or_default());
        }
        let parents: Vec<i64> = latest.iter().map(|v| v.id).collect();
        let origin = if both_equal {
            Origin::Sync
        } else {
            Origin::LocalModification
        };
        let v = self.store.in_tx(|| {
            let v = self.store.add_version(
                id,
                NewVersion {
                    hash,
                    origin,
                    parents: &parents,
                    files: Some(&tree),
                    message: None,
                },
            )?;
            if both_equal {
                self.store.set_baseline(
                    id,
                    v.id,
                    &crate::time::now_utc(),
                    &self.collection.name,
                )?;
            }
            Ok(v)
        })?;
        if both_equal {
            self.write_compat(&[(id, hash)])?;
        }
        Ok(v.number)
    }

    fn move_baseline(&mut self, id: &ArtifactId, version_id: i64, hash: &str) -> Result<()> {
        self.store.set_baseline(
            id,
            version_id,
            &crate::time::now_utc(),
            &self.collection.name,
        )?;
        self.write_compat(&[(id, hash)])
    }

    /// Records new baselines in SkillMeat's deployed file of each deployment's profile root
    /// (`.claude`'s when it exists or compat is on; another root's always, as SkillMeat keeps
    /// one per root) and remembers what we wrote, so the next open does not re-import our own
    /// writes.
    pub(crate) fn write_compat(&mut self, baselines: &[(&ArtifactId, &str)]) -> Result<()> {
        let at = crate::time::now_naive();
        let mut by_profile: Vec<(crate::profile::Profile, Vec<(&ArtifactId, &str)>)> = Vec::new();
        for (id, hash) in baselines {
            let Some(profile) = self.profiles.of(id).cloned() else {
                return Err(Error::not_found(format!(
                    "{id}: no SkillMeat profile `{}` is configured here, so its deployed file cannot be kept current; add it to SkillMeat's config (platform.defaults) or use another profile",
                    id.profile_id()
                )));
            };
            match by_profile.iter_mut().find(|(p, _)| p.id == profile.id) {
                Some((_, list)) => list.push((id, hash)),
                None => by_profile.push((profile, vec![(id, hash)])),
            }
        }
        for (profile, list) in by_profile {
            crate::apply::check_profile_root(&self.root, &profile)?;
            let path = compat::path_in(&profile.root(&self.root));
            let create = self.opts.skillmeat_compat || profile.id != crate::profile::DEFAULT;
            // A deployed file made now lists every deployment of its root, not only the ones
            // written by this command: SkillMeat reads an artifact missing from it as not
            // deployed by it.
            let others: Vec<(ArtifactId, String, String)> =
                if create && path.symlink_metadata().is_err() {
                    self.store
                        .deployments()?
                        .into_iter()
                        .filter(|d| {
                            self.profiles.of(&d.id).map(|p| &p.id) == Some(&profile.id)
                                && !list.iter().any(|(id, _)| **id == d.id)
                        })
                        .map(|d| {
                            let at = d.deployed_at.trim_end_matches('Z').to_string();
                            (d.id, d.baseline_hash, at)
                        })
                        .collect()
                } else {
                    Vec::new()
                };
            let entries: Vec<compat::Baseline<'_>> = list
                .iter()
                .map(|(id, hash)| (*id, *hash, at.as_str()))
                .chain(
                    others
                        .iter()
                        .map(|(id, hash, at)| (id, hash.as_str(), at.as_str())),
                )
                .map(|(id, hash, at)| compat::Baseline {
                    id,
                    profile: &profile,
                    content_hash: hash,
                    deployed_at: at,
                    from_collection: &self.collection.name,
                })
                .collect();
            // Other threads and processes update this file too: serialize the read-modify-write.
            let _lock = crate::sync::lock::acquire(
                &path,
                "the SkillMeat deployed file",
                super::sync::LOCK_TIMEOUT,
            )?;
            if compat::record(&path, &entries, create)? {
                for e in &entries {
                    self.store
                        .set_meta(&format!("compat_seen:{}", e.id), e.content_hash)?;
                }
                self.remember_compat_stamp(&profile)?;
            }
        }
        Ok(())
    }
}

/// Hashes every job through the cache on all cores; order of results matches `jobs`.
fn hash_all(
    jobs: &[(PathBuf, Shape)],
    cache: &statcache::StatCache,
    shared: Option<&super::CollectionHashes>,
    interrupt: Option<&std::sync::atomic::AtomicBool>,
) -> Vec<Seen> {
    // One open handle per parent folder (`.claude/skills`, `<collection>/commands`, ...); there
    // are at most six, so a list beats hashing paths (which walks their components).
    let mut bases: Vec<(&Path, Option<statcache::Base>)> = Vec::new();
    for (path, _) in jobs {
        if let Some(parent) = path.parent() {
            if !bases
                .iter()
                .any(|(p, _)| p.as_os_str() == parent.as_os_str())
            {
                bases.push((parent, statcache::Base::open(parent)));
            }
        }
    }
    let bases = &bases;
    let one = |(path, shape): &(PathBuf, Shape)| -> Seen {
        if interrupt.is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed)) {
            return Seen::Absent;
        }
        if let Some((hash, meta)) = shared.and_then(|s| s.get(path)) {
            return Seen::Hashed(Hashed {
                hash: hash.clone(),
                meta: meta.clone(),
                tree: None,
                fresh: None,
            });
        }
        let parent = path.parent().map(Path::as_os_str);
        let base = bases
            .iter()
            .find(|(p, _)| Some(p.as_os_str()) == parent)
            .and_then(|(_, b)| b.as_ref());
        match statcache::hash_artifact_in(base, path, *shape, cache.get(path)) {
            Ok(h) => Seen::Hashed(h),
            Err(Error::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound && !exists(path) =>
            {
                Seen::Absent
            }
            Err(e) => Seen::Failed(e),
        }
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || jobs.len() < 64 {
        return jobs.iter().map(one).collect();
    }
    let chunk = jobs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                (
                    part.len(),
                    s.spawn(move || part.iter().map(one).collect::<Vec<_>>()),
                )
            })
            .collect();
        // A panicking worker must not shift the results of the others out of line.
        handles
            .into_iter()
            .flat_map(|(n, h)| {
                h.join().unwrap_or_else(|_| {
                    (0..n)
                        .map(|_| Seen::Failed(Error::other("internal error while hashing")))
                        .collect()
                })
            })
            .collect()
    })
}

fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}
