//! Writing an artifact's files into a tier: stage beside the target, fsync, swap with renames.
//!
//! A reader sees the old tree or the new one, never a mix. Every relative path is checked to stay
//! inside the artifact before anything is written.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, IoContext, Result};
use crate::tree::Tree;

/// Refuses relative paths that are absolute, empty or climb out (`..`).
pub fn check_rel(rel: &str) -> Result<()> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(Error::malformed(format!(
            "refusing to write `{}`: artifact file paths must stay inside the artifact",
            rel.escape_debug()
        )))
    }
}

fn sibling(dest: &Path, tag: &str) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.skillmeat-{tag}-{}", std::process::id()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).at(dir)?;
    }
    let mut f = fs::File::create(path).at(path)?;
    f.write_all(bytes).at(path)?;
    f.sync_all().at(path)
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Replaces the artifact at `dest` (a folder for skills, a file otherwise) with `tree`.
pub fn write_tree(dest: &Path, tree: &Tree, folder: bool) -> Result<()> {
    for rel in tree.files.keys() {
        check_rel(rel)?;
    }
    let parent = dest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).at(parent)?;
    if !folder {
        let bytes = tree
            .files
            .values()
            .next()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let stage = sibling(dest, "stage");
        write_file(&stage, bytes)?;
        fs::rename(&stage, dest).at(dest)?;
        sync_dir(parent);
        return Ok(());
    }
    let stage = sibling(dest, "stage");
    let old = sibling(dest, "old");
    let _ = fs::remove_dir_all(&stage);
    let staged = (|| {
        fs::create_dir_all(&stage).at(&stage)?;
        for (rel, bytes) in &tree.files {
            write_file(&stage.join(rel), bytes)?;
        }
        sync_dir(&stage);
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&stage);
        return Err(e);
    }
    let had_old = dest.symlink_metadata().is_ok();
    if had_old {
        fs::rename(dest, &old).at(dest)?;
    }
    if let Err(e) = fs::rename(&stage, dest) {
        if had_old {
            let _ = fs::rename(&old, dest);
        }
        let _ = fs::remove_dir_all(&stage);
        return Err(Error::io(dest, e));
    }
    sync_dir(parent);
    if had_old {
        fs::remove_dir_all(&old).at(&old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_paths_are_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tree::default();
        t.files.insert("ok.md".into(), b"x".to_vec());
        t.files.insert("../escape.md".into(), b"x".to_vec());
        assert!(write_tree(&dir.path().join("s"), &t, true).is_err());
        assert!(!dir.path().join("s").exists());
        assert!(!dir.path().join("escape.md").exists());
    }

    #[test]
    fn folder_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("s");
        fs::create_dir_all(dest.join("old")).unwrap();
        fs::write(dest.join("old/gone.md"), "x").unwrap();
        let mut t = Tree::default();
        t.files.insert("SKILL.md".into(), b"new".to_vec());
        t.files.insert("sub/a.py".into(), b"print()".to_vec());
        write_tree(&dest, &t, true).unwrap();
        assert_eq!(crate::tree::read_artifact(&dest, true).unwrap(), t);
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["s"]);
    }
}
