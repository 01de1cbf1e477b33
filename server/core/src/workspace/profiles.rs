//! Drift of SkillMeat's deployments under the profile roots other than `.claude` (`.agents` for
//! codex, `.gemini`, `.cursor` and any root SkillMeat's config adds), read from each root's
//! `.skillmeat-deployed.toml`: the baseline is the `content_hash` SkillMeat recorded there, the
//! project copy is at [`crate::profile::Profile::artifact_path`], the collection copy is the
//! workspace's. Each is its own deployment, shown as `type:name@profile`.
//!
//! These deployments are read, not yet written: they have no lineage of their own in our store, so
//! sync, rollback and history act on the `.claude` deployment only (docs/design.md §2 asks for more).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Workspace;
use crate::compat;
use crate::discover;
use crate::drift::{classify_deployed, ArtifactStatus, DriftState, StatusReport};
use crate::error::Result;
use crate::id::ArtifactId;
use crate::statcache;

impl Workspace {
    /// The profiles in use here: `.claude`, then each other root holding SkillMeat's deployed file.
    pub fn profiles(&self) -> &crate::profile::Profiles {
        &self.profiles
    }

    /// [`Workspace::status`] plus every deployment SkillMeat recorded under another profile root.
    pub fn status_with_profiles(&mut self) -> Result<StatusReport> {
        let mut report = self.status()?;
        // One read per other root; a project with none costs a failed open each, nothing more.
        let mut records = Vec::new();
        for profile in self.profiles.all.iter().skip(1) {
            let file = compat::path_in(&profile.root(&self.root));
            match compat::read(&file) {
                Ok(Some(r)) => records.push((profile.clone(), file, r)),
                Ok(None) => {}
                Err(e) => report.warnings.push(format!("profile {}: {e}", profile.id)),
            }
        }
        if records.is_empty() {
            return Ok(report);
        }
        let collection = self.collection_artifacts()?;
        let mut extra = self.other_profiles(records, &collection, &mut report.warnings);
        report.artifacts.append(&mut extra);
        self.store.save_stat_cache(&mut self.cache)?;
        Ok(report)
    }

    fn other_profiles(
        &mut self,
        records: Vec<(crate::profile::Profile, PathBuf, compat::Read)>,
        collection: &BTreeMap<ArtifactId, PathBuf>,
        warnings: &mut Vec<String>,
    ) -> Vec<ArtifactStatus> {
        let mut out = Vec::new();
        for (profile, file, read) in records {
            warnings.extend(read.skipped);
            for entry in read.entries {
                let id = entry.id;
                if !profile.allows(id.kind) {
                    warnings.push(format!(
                        "{}: SkillMeat's {} profile does not deploy {} artifacts; {id} there is not checked",
                        file.display(),
                        profile.id,
                        id.kind
                    ));
                    continue;
                }
                let shape = id.kind.shape();
                let project_path = profile.artifact_path(&self.root, &id);
                let collection_path = collection
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| self.collection_path(&id));
                let mut hash = |path: &PathBuf| -> std::result::Result<Option<String>, String> {
                    if path.symlink_metadata().is_err() {
                        self.cache.remove(path);
                        return Ok(None);
                    }
                    match statcache::hash_artifact(path, shape, self.cache.get(path)) {
                        Ok(mut h) => {
                            if let Some(fresh) = h.fresh.take() {
                                self.cache.insert(path.clone(), fresh);
                            }
                            Ok(Some(h.hash))
                        }
                        Err(e) => {
                            self.cache.remove(path);
                            Err(e.to_string())
                        }
                    }
                };
                let project = hash(&project_path);
                let collection_hash = hash(&collection_path).unwrap_or_else(|e| {
                    warnings.push(format!("collection copy of {id}: {e}"));
                    None
                });
                let mut st = ArtifactStatus {
                    id: id.clone(),
                    state: DriftState::Untracked,
                    path: self.relative(&project_path),
                    main_file: self.relative(&discover::main_file(&project_path, id.kind)),
                    baseline: Some(entry.content_hash.clone()),
                    project: None,
                    collection: collection_hash,
                    version: None,
                    matches_collection: None,
                    unresolved: None,
                    error: None,
                    profile: Some(profile.label().to_string()),
                };
                match project {
                    Ok(p) => {
                        st.state = classify_deployed(
                            &entry.content_hash,
                            p.as_deref(),
                            st.collection.as_deref(),
                        );
                        st.project = p;
                    }
                    Err(e) => {
                        st.state = DriftState::Error;
                        st.error = Some(e);
                    }
                }
                out.push(st);
            }
        }
        out
    }
}
