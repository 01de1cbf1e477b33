//! Importing SkillMeat's deployment records (`.skillmeat-deployed.toml` of `.claude` and of every
//! other profile root: `.agents`, `.gemini`, `.cursor`, configured ones) as baselines.
//!
//! Runs automatically when a root's file is new or changed since we last read or wrote it, and on
//! demand (`import`). An entry is imported when we have no baseline for it, or when its hash is
//! not what we last saw there (SkillMeat deployed again). An entry under another root is the
//! deployment `type:name@profile`, with its own lineage.

use super::Workspace;
use crate::compat;
use crate::error::Result;
use crate::id::ArtifactId;
use crate::profile::Profile;
use crate::store::{NewVersion, Origin};
use crate::tree::{self, Tree};

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Artifacts whose baseline was imported, with whether its content could be stored.
    pub imported: Vec<(ArtifactId, bool)>,
    /// Entries that were already known.
    pub unchanged: usize,
    pub skipped: Vec<String>,
}

impl Workspace {
    pub(super) fn import_if_changed(&mut self) -> Result<()> {
        let mut report = ImportReport::default();
        for profile in self.profiles.all.clone() {
            let path = compat::path_in(&profile.root(&self.root));
            let Some(stamp) = file_stamp(&path) else {
                continue;
            };
            if self.store.meta(&stamp_key(&profile))?.as_deref() == Some(stamp.as_str()) {
                continue;
            }
            match self.import_root(&profile) {
                Ok(r) => report.add(r),
                // Claude Code's file must be right (nothing else is read); another root's bad
                // file is named in a warning and its deployments are not checked.
                Err(e) if profile.id != crate::profile::DEFAULT => {
                    report.skipped.push(format!("profile {}: {e}", profile.id))
                }
                Err(e) => return Err(e),
            }
        }
        for (id, with_content) in &report.imported {
            self.notes.push(format!(
                "imported SkillMeat baseline of {id}{}",
                if *with_content {
                    ""
                } else {
                    " (known by hash only)"
                }
            ));
        }
        self.notes.extend(report.skipped);
        Ok(())
    }

    /// Imports SkillMeat's deployed file again if it changed since we last read or wrote it
    /// (the language server calls this when the file changes on disk).
    pub fn reimport_if_changed(&mut self) -> Result<()> {
        self.import_if_changed()
    }

    pub(super) fn remember_compat_stamp(&self, profile: &Profile) -> Result<()> {
        if let Some(stamp) = file_stamp(&compat::path_in(&profile.root(&self.root))) {
            self.store.set_meta(&stamp_key(profile), &stamp)?;
        }
        Ok(())
    }

    /// Imports every new or changed `[[deployed]]` entry of every profile root as a baseline
    /// version (origin `import`).
    pub fn import(&mut self) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        for profile in self.profiles.all.clone() {
            let r = self.import_root(&profile)?;
            report.add(r);
        }
        Ok(report)
    }

    fn import_root(&mut self, profile: &Profile) -> Result<ImportReport> {
        crate::apply::check_profile_root(&self.root, profile)?;
        let path = compat::path_in(&profile.root(&self.root));
        let mut report = ImportReport::default();
        let Some(read) = compat::read_in(&path, profile)? else {
            return Ok(report);
        };
        report.skipped = read.skipped;
        let started = std::time::Instant::now();
        let deployments = self.store.deployments()?;
        for entry in &read.entries {
            if !profile.allows(entry.id.kind) {
                report.skipped.push(format!(
                    "{}: SkillMeat's {} profile does not deploy {} artifacts; {} there is not checked",
                    path.display(),
                    profile.id,
                    entry.id.kind,
                    entry.id
                ));
                continue;
            }
            let seen_key = format!("compat_seen:{}", entry.id);
            let ours = deployments.iter().find(|d| d.id == entry.id);
            let seen = self.store.meta(&seen_key)?;
            let known = match ours {
                Some(d) => {
                    d.baseline_hash == entry.content_hash
                        || seen.as_deref() == Some(entry.content_hash.as_str())
                }
                None => false,
            };
            if known {
                report.unchanged += 1;
                continue;
            }
            let content = self.find_content(&entry.id, &entry.content_hash)?;
            let latest = self.store.latest_version(&entry.id)?;
            let parents: Vec<i64> = latest.iter().map(|v| v.id).collect();
            let deployed_at = entry
                .deployed_at
                .clone()
                .unwrap_or_else(crate::time::now_utc);
            let from = entry
                .from_collection
                .clone()
                .unwrap_or_else(|| self.collection.name.clone());
            self.store.in_tx(|| {
                let v = self.store.add_version(
                    &entry.id,
                    NewVersion {
                        hash: &entry.content_hash,
                        origin: Origin::Import,
                        parents: &parents,
                        files: content.as_ref(),
                        message: Some("imported from .skillmeat-deployed.toml"),
                    },
                )?;
                self.store
                    .set_baseline(&entry.id, v.id, &deployed_at, &from)?;
                self.store.set_meta(&seen_key, &entry.content_hash)
            })?;
            report.imported.push((entry.id.clone(), content.is_some()));
        }
        self.store.audit(&crate::store::AuditEvent {
            operation: "import",
            result: "ok",
            duration_ms: started.elapsed().as_millis() as u64,
            detail: Some(&format!(
                "{} imported, {} unchanged",
                report.imported.len(),
                report.unchanged
            )),
            ..Default::default()
        })?;
        self.remember_compat_stamp(profile)?;
        Ok(report)
    }

    /// Finds the files of content `hash`: an earlier version, the project copy, the collection
    /// copy, or the upstream's cached git history.
    pub(crate) fn find_content(&self, id: &ArtifactId, hash: &str) -> Result<Option<Tree>> {
        for v in self.store.versions(id)?.iter().rev() {
            if v.hash == hash && v.has_content {
                return self.store.version_files(v.id);
            }
        }
        for path in [self.project_path(id)?, self.collection_path(id)] {
            if let Ok(tree) = tree::read_artifact(&path, id.kind.shape()) {
                if tree.content_hash(id.kind.shape()) == hash {
                    return Ok(Some(tree));
                }
            }
        }
        self.find_in_upstream_history(id, hash)
    }
}

impl ImportReport {
    fn add(&mut self, mut other: ImportReport) {
        self.imported.append(&mut other.imported);
        self.unchanged += other.unchanged;
        self.skipped.append(&mut other.skipped);
    }
}

/// The meta key remembering the deployed file of `profile` as we last read or wrote it.
fn stamp_key(profile: &Profile) -> String {
    if profile.id == crate::profile::DEFAULT {
        "compat_stamp".to_string()
    } else {
        format!("compat_stamp@{}", profile.id)
    }
}

fn file_stamp(path: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let md = std::fs::metadata(path).ok()?;
    Some(format!(
        "{}:{}:{}:{}",
        md.len(),
        md.mtime(),
        md.mtime_nsec(),
        md.ino()
    ))
}
