//! Finding artifacts in a project's `.claude/` folder or a collection's root (DESIGN §2).
//!
//! Dot-entries are never artifacts: SkillMeat leaves zero-byte `.<name>.skillmeat-lock` sidecars
//! beside artifacts. Entries whose names fail validation are reported, not silently used.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::id::{validate_name, ArtifactId, ArtifactType};

/// Everything found under one tier root, plus what was skipped and why.
#[derive(Debug, Default)]
pub struct Found {
    pub artifacts: BTreeMap<ArtifactId, PathBuf>,
    pub skipped: Vec<String>,
}

/// Where an artifact of `id` lives below a tier root (`.claude/` or a collection).
pub fn artifact_path(tier_root: &Path, id: &ArtifactId) -> PathBuf {
    tier_root.join(id.rel_path())
}

/// Lists skills, commands and agents under `tier_root`. A missing root or type folder is empty.
pub fn scan(tier_root: &Path) -> Result<Found> {
    let mut out = Found::default();
    for kind in ArtifactType::ALL {
        let dir = tier_root.join(kind.dir());
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => continue,
            Err(e) => return Err(Error::io(&dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                out.skipped
                    .push(format!("{}: name is not UTF-8", entry.path().display()));
                continue;
            };
            if file_name.starts_with('.') {
                continue;
            }
            let ft = match entry.file_type() {
                Ok(ft) => ft,
                Err(e) => return Err(Error::io(entry.path(), e)),
            };
            let name = if kind.is_folder() {
                if !(ft.is_dir() || ft.is_symlink()) {
                    continue;
                }
                file_name
            } else {
                match file_name.strip_suffix(".md") {
                    Some(stem) if !ft.is_dir() => stem,
                    _ => continue,
                }
            };
            if let Err(e) = validate_name(name) {
                out.skipped.push(format!("{}: {e}", entry.path().display()));
                continue;
            }
            out.artifacts.insert(
                ArtifactId {
                    kind,
                    name: name.to_string(),
                },
                entry.path(),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_sidecars_and_non_md_files_are_not_artifacts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("skills/pdf")).unwrap();
        fs::write(root.join("skills/.pdf.skillmeat-lock"), "").unwrap();
        fs::create_dir_all(root.join("commands")).unwrap();
        fs::write(root.join("commands/review.md"), "x").unwrap();
        fs::write(root.join("commands/notes.txt"), "x").unwrap();
        fs::write(root.join("commands/.hidden.md"), "x").unwrap();
        fs::create_dir_all(root.join("agents")).unwrap();
        fs::write(root.join("agents/planner.md"), "x").unwrap();
        let found = scan(root).unwrap();
        let ids: Vec<String> = found.artifacts.keys().map(|i| i.to_string()).collect();
        assert_eq!(ids, ["skill:pdf", "command:review", "agent:planner"]);
    }
}
