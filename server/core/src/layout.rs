//! The names the core itself puts on disk, in one place: what a scan, a watcher or a walk must
//! never take for a person's content.
//!
//! Beside an artifact the one write path leaves, for a moment, a stage
//! (`.<name>.skillmeat-stage-<pid>-<random>`), the moved-aside old tree (`…skillmeat-old-…`) and,
//! after a failed put-back, a kept copy (`…skillmeat-kept-…`); a writer holds
//! `.<name>.skillmeat-lsp.lock`; SkillMeat holds `.<name>.skillmeat-lock`; atomic manifest writes
//! and cache set-up go through `.<name>.tmp-<pid>[-<n>]`. A project keeps its lineage in
//! `.skillmeat/` (the store), fetched upstreams live in the fetch cache
//! ([`crate::upstream::cache_root`], and earlier builds' `<collection>/.skillmeat-lsp/`), and
//! SkillMeat records deployments in `.claude/.skillmeat-deployed.toml`.

use std::path::{Component, Path};

use crate::{compat, store, upstream};

/// Which of the core's own entries a path is (or lies inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Internal {
    /// A write in progress or its leftovers: a stage, a moved-aside or kept tree, a temporary
    /// file. Gone (or recovered) when the write ends.
    Transient,
    /// A lock file beside an artifact (ours or SkillMeat's).
    Lock,
    /// The lineage store, `.skillmeat/` (its database and `.gitignore`).
    Store,
    /// The fetch cache of upstream repositories.
    FetchCache,
    /// SkillMeat's `.skillmeat-deployed.toml`. Unlike the others its changes are news: they are
    /// deployment records to import again, never artifact content.
    DeployedManifest,
}

impl Internal {
    /// Whether a change to such an entry is only the core at work (a write, a lock, the store,
    /// a fetch) and so no reason to look at artifacts again. A changed deployed manifest is not.
    pub fn is_bookkeeping(self) -> bool {
        self != Internal::DeployedManifest
    }
}

/// Tags the one write path puts between an artifact's name and the unique part
/// (`.<name>.skillmeat-<tag>-<pid>-<random>`, see [`crate::sync::apply`]).
pub const SIBLING_TAGS: [&str; 3] = ["stage", "old", "kept"];

/// The suffix of our per-artifact lock files (`.<name>.skillmeat-lsp.lock`).
pub const LOCK_SUFFIX: &str = ".skillmeat-lsp.lock";

/// The suffix of SkillMeat's zero-byte lock sidecars (`.<name>.skillmeat-lock`).
pub const SKILLMEAT_LOCK_SUFFIX: &str = ".skillmeat-lock";

/// The name of a write's stage, moved-aside or kept tree beside the entry `name`:
/// `.<name>.skillmeat-<tag>-<unique>` (`tag` is one of [`SIBLING_TAGS`]).
pub fn sibling_name(name: &str, tag: &str, unique: &str) -> String {
    debug_assert!(SIBLING_TAGS.contains(&tag), "{tag}");
    format!(".{name}.skillmeat-{tag}-{unique}")
}

/// The name of a temporary file or folder beside the entry `name`, renamed over it (or into
/// place) when complete: `.<name>.tmp-<unique>`.
pub fn temp_name(name: &str, unique: &str) -> String {
    format!(".{name}.tmp-{unique}")
}

/// What one path component names, when it is one of ours.
fn component(name: &str) -> Option<Internal> {
    if !name.starts_with('.') {
        return None;
    }
    if name == store::DIR_NAME {
        return Some(Internal::Store);
    }
    if name == upstream::STATE_DIR {
        return Some(Internal::FetchCache);
    }
    if name == compat::FILE_NAME {
        return Some(Internal::DeployedManifest);
    }
    if name.ends_with(LOCK_SUFFIX) || name.ends_with(SKILLMEAT_LOCK_SUFFIX) {
        return Some(Internal::Lock);
    }
    let sibling = SIBLING_TAGS
        .iter()
        .any(|tag| name.contains(&format!(".skillmeat-{tag}-")));
    if sibling || name.contains(".tmp-") {
        return Some(Internal::Transient);
    }
    None
}

/// Which of the core's own entries `path` is or lies inside, judged by its components (a
/// `.skillmeat/` folder anywhere, a stage beside any artifact) and by the fetch cache's place.
/// `None` for everything a person may have written.
///
/// A `.skillmeat` component counts as the store only when something follows it that is not a
/// collection: `~/.skillmeat/collections/<name>/…` is SkillMeat's home, where collections live.
pub fn internal_path(path: &Path) -> Option<Internal> {
    let names: Vec<&str> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => n.to_str(),
            _ => None,
        })
        .collect();
    for (i, name) in names.iter().enumerate() {
        match component(name) {
            Some(Internal::Store) if names.get(i + 1) == Some(&"collections") => continue,
            Some(found) => return Some(found),
            None => {}
        }
    }
    let cache = upstream::cache_root().ok()?;
    path.starts_with(&cache).then_some(Internal::FetchCache)
}

/// Whether `path` is one of the core's own entries (see [`internal_path`]): never an artifact
/// and never a person's content.
pub fn is_internal_path(path: &Path) -> bool {
    internal_path(path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_the_core_writes_is_internal() {
        let cases = [
            (
                ".claude/skills/.pdf.skillmeat-stage-12-00ff",
                Internal::Transient,
            ),
            (
                ".claude/skills/.pdf.skillmeat-old-12-00ff/SKILL.md",
                Internal::Transient,
            ),
            (
                ".claude/commands/.x.md.skillmeat-kept-12-00ff",
                Internal::Transient,
            ),
            (
                ".claude/.skillmeat-deployed.toml.tmp-77",
                Internal::Transient,
            ),
            ("cache/.0a1b.tmp-77-3/HEAD", Internal::Transient),
            (".claude/skills/.pdf.skillmeat-lsp.lock", Internal::Lock),
            (".claude/skills/.pdf.skillmeat-lock", Internal::Lock),
            ("p/.skillmeat/lineage.db-wal", Internal::Store),
            ("c/.skillmeat-lsp/git/x.git/config", Internal::FetchCache),
            (
                ".claude/.skillmeat-deployed.toml",
                Internal::DeployedManifest,
            ),
        ];
        for (path, want) in cases {
            assert_eq!(internal_path(Path::new(path)), Some(want), "{path}");
            assert!(is_internal_path(Path::new(path)), "{path}");
        }
        assert!(!Internal::DeployedManifest.is_bookkeeping());
        for made in [
            sibling_name("pdf", "stage", "1-2"),
            sibling_name("x.md", "kept", "1-2"),
            temp_name(compat::FILE_NAME, "7"),
        ] {
            assert_eq!(
                internal_path(Path::new(&made)),
                Some(Internal::Transient),
                "{made}"
            );
        }
        assert!(Internal::Transient.is_bookkeeping());
    }

    #[test]
    fn content_and_collections_are_not_internal() {
        for path in [
            ".claude/skills/pdf/SKILL.md",
            ".claude/skills/pdf/.hidden-notes.md",
            ".claude/commands/review.md",
            "home/.skillmeat/collections/default/skills/pdf/SKILL.md",
            "home/.skillmeat/collections/default/collection.toml",
            "notes/tmp-file.md",
        ] {
            assert_eq!(internal_path(Path::new(path)), None, "{path}");
        }
    }

    #[test]
    fn the_fetch_cache_is_internal_wherever_it_is() {
        let cache = upstream::cache_root().unwrap();
        assert_eq!(
            internal_path(&cache.join("0a1b.git/objects/pack")),
            Some(Internal::FetchCache)
        );
    }
}
