//! Revisions (docs/design.md §5): `vN`, a hash prefix (≥ 4 hex), a tag, `deployed`, `project`,
//! `collection` (and `upstream`, answered by the upstream support).

use super::Workspace;
use crate::error::{Error, Result};
use crate::hash;
use crate::id::ArtifactId;
use crate::store::VersionRow;
use crate::tree::{self, Tree};

/// A revision resolved to content.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// How to name it to a person: `v3`, `project`, `deployed (v1)`.
    pub label: String,
    pub hash: String,
    pub tree: Tree,
    /// The stored version, when the revision is one.
    pub version: Option<VersionRow>,
}

impl Workspace {
    /// Resolves what a person typed as a revision of `id`.
    pub fn resolve_rev(&self, id: &ArtifactId, rev: &str) -> Result<Resolved> {
        let shape = id.kind.shape();
        let from_disk = |label: &str, path: std::path::PathBuf| -> Result<Resolved> {
            if path.symlink_metadata().is_err() {
                return Err(Error::not_found(format!(
                    "{id} has no {label} copy (looked at {})",
                    path.display()
                )));
            }
            let tree = tree::read_artifact(&path, shape)?;
            Ok(Resolved {
                label: label.to_string(),
                hash: tree.content_hash(shape),
                tree,
                version: None,
            })
        };
        match rev {
            "project" => return from_disk("project", self.project_path(id)?),
            "collection" => return from_disk("collection", self.collection_path(id)),
            "upstream" => return self.upstream_rev(id),
            _ => {}
        }
        let versions = self.store.versions(id)?;
        let pick = |v: &VersionRow, label: String| -> Result<Resolved> {
            let tree = self.version_tree(id, v)?;
            Ok(Resolved {
                label,
                hash: v.hash.clone(),
                tree,
                version: Some(v.clone()),
            })
        };
        if rev == "deployed" {
            let d = self.store.deployment(id)?.ok_or_else(|| {
                Error::not_found(format!(
                    "{id} has never been deployed, so it has no `deployed` revision"
                ))
            })?;
            let v = self.store.version(d.baseline_version_id)?;
            return pick(&v, format!("deployed (v{})", v.number));
        }
        if let Some(n) = rev.strip_prefix('v').and_then(|n| n.parse::<u32>().ok()) {
            return match versions.iter().find(|v| v.number == n) {
                Some(v) => pick(v, format!("v{n}")),
                None => Err(Error::not_found(format!(
                    "{id} has no version {rev} (it has v1..v{}); see `skillmeat-lsp history {id}`",
                    versions.len()
                ))),
            };
        }
        if let Some(v) = versions.iter().find(|v| v.tag.as_deref() == Some(rev)) {
            return pick(v, format!("v{} (tag {rev})", v.number));
        }
        if hash::is_hash_prefix(rev) {
            let hits: Vec<&VersionRow> = versions
                .iter()
                .filter(|v| v.hash.starts_with(rev))
                .collect();
            let mut distinct: Vec<&str> = hits.iter().map(|v| v.hash.as_str()).collect();
            distinct.sort();
            distinct.dedup();
            match (hits.last(), distinct.len()) {
                (Some(v), 1) => return pick(v, format!("v{}", v.number)),
                (Some(_), _) => {
                    return Err(Error::invalid(format!(
                    "hash prefix `{rev}` is ambiguous for {id}: it matches {}; give more digits",
                    distinct
                        .iter()
                        .map(|h| hash::short(h))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
                }
                (None, _) => {}
            }
        }
        Err(Error::not_found(format!(
            "unknown revision `{rev}` of {id}: use vN, a hash prefix, a tag, deployed, project, collection or upstream"
        )))
    }

    /// The files of a version, found in the store or, for a version known only by its hash, in
    /// any copy on disk that has that hash.
    pub(crate) fn version_tree(&self, id: &ArtifactId, v: &VersionRow) -> Result<Tree> {
        // Checked against its hashes: damaged content is refused, never restored or merged.
        if let Some(t) = self.store.version_files(v.id)? {
            return Ok(t);
        }
        let searched = self.unfound.borrow().contains(&v.id);
        let found = if searched {
            None
        } else {
            self.find_content(id, &v.hash)?
        };
        if found.is_none() {
            // Searching again on every keystroke would cost a walk of the upstream history each
            // time; the next disk check (`status_of`) forgets this and searches again.
            self.unfound.borrow_mut().insert(v.id);
        }
        let found = found.ok_or_else(|| {
            Error::not_found(format!(
                "v{} of {id} ({}) is known only by its hash (imported from SkillMeat) and no copy with that content exists any more",
                v.number,
                hash::short(&v.hash)
            ))
        })?;
        // Keep what was found, so the version no longer depends on that copy surviving.
        self.store.attach_content(v.id, &found)?;
        Ok(found)
    }
}
