//! What the language server asks of a workspace: which artifact a path belongs to, and the drift
//! of one artifact with an editor buffer standing in for one of its files (unsaved edits count;
//! nothing is recorded, since lineage records only saved content).

use std::path::Path;

use super::Workspace;
use crate::drift::{classify_deployed, ArtifactStatus, DriftState};
use crate::error::Result;
use crate::id::Shape;
use crate::id::{ArtifactId, ArtifactType};
use crate::statcache;
use crate::tree;

/// Which tier a path is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Project,
    Collection,
}

/// A file located in an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub tier: Tier,
    pub id: ArtifactId,
    /// The file's path inside the artifact (`SKILL.md`, `scripts/x.py`); for commands and agents
    /// the file's own name.
    pub rel: String,
}

/// Splits `path` below a tier root into an artifact and a file inside it.
fn locate_in(root: &Path, path: &Path) -> Option<(ArtifactId, String)> {
    locate_by(root, path, |dir| dir.parse().ok())
}

/// [`locate_in`] below a profile root, whose type folders follow the profile's path map (a
/// codex `prompts/` may hold commands) and only the types it deploys.
fn locate_in_profile(
    profile: &crate::profile::Profile,
    root: &Path,
    path: &Path,
) -> Option<(ArtifactId, String)> {
    let (id, rel) = locate_by(root, path, |dir| {
        ArtifactType::ALL
            .into_iter()
            .find(|k| profile.allows(*k) && profile.type_dir(*k) == dir)
    })?;
    Some((id.with_profile(Some(&profile.id)), rel))
}

fn locate_by(
    root: &Path,
    path: &Path,
    kind_of: impl Fn(&str) -> Option<ArtifactType>,
) -> Option<(ArtifactId, String)> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.iter().map(|p| p.to_str());
    let kind: ArtifactType = kind_of(parts.next()??)?;
    let first = parts.next()??;
    let rest: Vec<&str> = parts.collect::<Option<Vec<_>>>()?;
    if first.starts_with('.') {
        return None;
    }
    if kind.is_folder() {
        if rest.is_empty() {
            return None;
        }
        Some((ArtifactId::new(kind, first).ok()?, rest.join("/")))
    } else {
        let name = first.strip_suffix(".md")?;
        rest.is_empty().then_some(())?;
        Some((ArtifactId::new(kind, name).ok()?, first.to_string()))
    }
}

impl Workspace {
    /// The artifact a file belongs to, in the project or the collection.
    pub fn locate(&self, path: &Path) -> Option<Located> {
        if let Some((id, rel)) = locate_in(&self.claude, path) {
            return Some(Located {
                tier: Tier::Project,
                id,
                rel,
            });
        }
        // Under another profile root (`.agents/skills/x/SKILL.md` is `skill:x@codex`).
        for profile in self.profiles.all.iter().skip(1) {
            let root = profile.root(&self.root);
            if let Some((id, rel)) = locate_in_profile(profile, &root, path) {
                return Some(Located {
                    tier: Tier::Project,
                    id,
                    rel,
                });
            }
        }
        let (id, rel) = locate_in(&self.collection.root, path)?;
        Some(Located {
            tier: Tier::Collection,
            id,
            rel,
        })
    }

    /// The artifact's main file in the project (`SKILL.md` for skills). An MCP server's is the
    /// first of SkillMeat's manifest names it holds, else its first file in path order. Refused
    /// when its profile root is linked (see [`Workspace::project_path`]).
    pub fn main_file(&self, id: &ArtifactId) -> Result<std::path::PathBuf> {
        Ok(crate::discover::main_file(&self.project_path(id)?, id.kind))
    }

    /// Drift of one artifact with editor buffers (`(rel, text)`) standing in for some of its
    /// project files; the other files are read from disk.
    pub fn buffers_status(
        &self,
        id: &ArtifactId,
        buffers: &[(&str, &[u8])],
    ) -> Result<ArtifactStatus> {
        let shape = id.kind.shape();
        let project_path = self.project_path(id)?;
        let mut project = if project_path.symlink_metadata().is_ok() {
            tree::read_artifact(&project_path, shape)?
        } else {
            Default::default()
        };
        if shape == Shape::File {
            project.files.clear();
        }
        for (rel, text) in buffers {
            project.files.insert(rel.to_string(), text.to_vec());
        }
        let project_hash = project.content_hash(shape);
        let collection_path = self.collection_path(id);
        let (collection_hash, collection_ident) = match statcache::hash_artifact(
            &collection_path,
            shape,
            self.cache.get(&collection_path),
        ) {
            Ok(h) => (Some(h.hash.clone()), Some(tree::identity(&h.hash, &h.meta))),
            Err(_) => (None, None),
        };
        let baseline = self.store.deployment(id)?;
        // Identities (content and modes, folders, links), as `status` compares them.
        let project_ident = project.identity(shape);
        let state = match &baseline {
            Some(d) => classify_deployed(
                &tree::identity(&d.baseline_hash, &d.baseline_meta),
                Some(&project_ident),
                collection_ident.as_deref(),
            ),
            None => DriftState::Untracked,
        };
        // The version holding this content with these modes and links, as `status` finds it.
        let project_meta = project.meta_digest();
        let version = match &baseline {
            Some(d) if d.baseline_hash == project_hash && d.baseline_meta == project_meta => {
                Some(d.baseline_number)
            }
            _ => self
                .store
                .versions(id)?
                .iter()
                .rev()
                .find(|v| v.holds(&project_hash, &project_meta))
                .map(|v| v.number)
                // Unsaved content is no version yet: the baseline's, as `status` says.
                .or(baseline.as_ref().map(|d| d.baseline_number)),
        };
        let mut st = ArtifactStatus {
            id: id.clone(),
            state,
            path: self.relative(&project_path),
            main_file: self.relative(&crate::discover::main_file(&project_path, id.kind)),
            // Buffers that reached the collection's content share it as their baseline (as
            // `status` says once that is saved): nothing drifts, not even per hunk.
            baseline: match (&baseline, state) {
                (Some(_), DriftState::Synced) => Some(project_hash.clone()),
                (b, _) => b.as_ref().map(|d| d.baseline_hash.clone()),
            },
            matches_collection: match (&baseline, &collection_ident) {
                (None, Some(c)) => Some(*c == project_ident),
                _ => None,
            },
            project: Some(project_hash),
            collection: collection_hash,
            version,
            unresolved: None,
            error: None,
            profile: self.profile_label(id),
            kept: None,
        };
        self.mark_unresolved(&mut st, Some(&project))?;
        if let (Some(k), true) = (self.store.kept(id)?, baseline.is_some()) {
            super::keep::apply(&mut st, &k, collection_ident.as_deref());
        }
        Ok(st)
    }

    /// One file of the baseline (deployed) version, when known.
    pub fn baseline_file(&self, id: &ArtifactId, rel: &str) -> Result<Option<Vec<u8>>> {
        let Some(d) = self.store.deployment(id)? else {
            return Ok(None);
        };
        let v = self.store.version(d.baseline_version_id)?;
        let tree = match self.version_tree(id, &v) {
            Ok(t) => t,
            Err(e) if e.kind() == crate::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if id.kind.is_folder() {
            Ok(tree.files.get(rel).cloned())
        } else {
            Ok(tree.files.into_values().next())
        }
    }

    /// Where one file of an artifact lives in the collection.
    pub fn collection_file(&self, id: &ArtifactId, rel: &str) -> Option<std::path::PathBuf> {
        let p = self.collection_path(id);
        if id.kind.is_folder() {
            Some(p.join(rel))
        } else {
            Some(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_artifacts_and_files() {
        let root = Path::new("/w/.claude");
        let skill = locate_in(root, Path::new("/w/.claude/skills/pdf/scripts/x.py")).unwrap();
        assert_eq!(
            (skill.0.to_string(), skill.1.as_str()),
            ("skill:pdf".into(), "scripts/x.py")
        );
        let cmd = locate_in(root, Path::new("/w/.claude/commands/review.md")).unwrap();
        assert_eq!(
            (cmd.0.to_string(), cmd.1.as_str()),
            ("command:review".into(), "review.md")
        );
        assert!(locate_in(root, Path::new("/w/.claude/skills/pdf")).is_none());
        assert!(locate_in(root, Path::new("/w/.claude/skills/.pdf.skillmeat-lock")).is_none());
        assert!(locate_in(root, Path::new("/w/.claude/commands/notes.txt")).is_none());
        assert!(locate_in(root, Path::new("/w/src/main.rs")).is_none());
    }

    #[test]
    fn paths_under_a_profile_root_follow_its_path_map_and_types() {
        let toml = "[platform.defaults.codex]\nartifact_path_map = { command = \"prompts\" }\n";
        let profiles =
            crate::profile::Profiles::resolve(Some((Path::new("config.toml"), toml)), None);
        let codex = profiles.get("codex").unwrap();
        let root = Path::new("/w/.agents");
        let skill =
            locate_in_profile(codex, root, Path::new("/w/.agents/skills/x/SKILL.md")).unwrap();
        assert_eq!(
            (skill.0.to_string(), skill.1.as_str()),
            ("skill:x@codex".into(), "SKILL.md")
        );
        let cmd =
            locate_in_profile(codex, root, Path::new("/w/.agents/prompts/review.md")).unwrap();
        assert_eq!(cmd.0.to_string(), "command:review@codex");
        // Not the type folder under this profile, or a type it does not deploy.
        assert!(
            locate_in_profile(codex, root, Path::new("/w/.agents/commands/review.md")).is_none()
        );
        assert!(locate_in_profile(codex, root, Path::new("/w/.agents/hooks/pre.md")).is_none());
    }
}
