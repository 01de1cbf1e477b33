//! Writing a tree to disk as a faithful copy: regular files with their modes, folders (empty ones
//! too) with theirs, and symlinks inside the artifact as symlinks. Used to fill a stage folder.
//!
//! Modes are set explicitly after creation, so the person's umask does not decide them: a tree
//! read back from what this wrote equals the tree it was given.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::apply::check_rel;
use crate::error::{Error, IoContext, Result};
use crate::id::Shape;
use crate::tree::{meta, Tree};

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).at(path)
}

fn write_file(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).at(dir)?;
    }
    super::failpoint::hit("stage-write").at(path)?;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .at(path)?;
    f.write_all(bytes).at(path)?;
    set_mode(path, mode)?;
    f.sync_all().at(path)
}

/// Checks that every path of `tree` stays inside the artifact and every link leads to a place
/// inside it, before anything is written.
pub fn check(tree: &Tree) -> Result<()> {
    for rel in tree
        .files
        .keys()
        .chain(tree.meta.links.keys())
        .chain(tree.meta.dirs.keys().filter(|d| !d.is_empty()))
    {
        check_rel(rel)?;
    }
    for (rel, target) in &tree.meta.links {
        if meta::resolve(rel, target).is_none() {
            return Err(Error::malformed(format!(
                "refusing to write the symlink `{rel}` -> `{target}`: it would lead out of the artifact"
            )));
        }
    }
    Ok(())
}

/// Writes `tree` at `dest` (a new folder for a skill, a new file otherwise); `dest` must not exist.
pub fn write_tree(dest: &Path, tree: &Tree, shape: Shape) -> Result<()> {
    check(tree)?;
    if shape == Shape::File {
        let (name, bytes) = tree
            .files
            .iter()
            .next()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .unwrap_or_default();
        return write_file(dest, bytes, tree.meta.file_mode(name));
    }
    fs::create_dir_all(dest).at(dest)?;
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    let note_parents = |rel: &str, dirs: &mut BTreeSet<String>| {
        let mut cur = rel;
        while let Some(i) = cur.rfind('/') {
            cur = &cur[..i];
            dirs.insert(cur.to_string());
        }
    };
    for rel in tree.meta.dirs.keys().filter(|d| !d.is_empty()) {
        let path = dest.join(rel);
        fs::create_dir_all(&path).at(&path)?;
        dirs.insert(rel.clone());
        note_parents(rel, &mut dirs);
    }
    for (rel, bytes) in &tree.files {
        note_parents(rel, &mut dirs);
        if tree.meta.links.contains_key(rel) {
            continue;
        }
        write_file(&dest.join(rel), bytes, tree.meta.file_mode(rel))?;
    }
    for (rel, target) in &tree.meta.links {
        note_parents(rel, &mut dirs);
        let path = dest.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).at(dir)?;
        }
        std::os::unix::fs::symlink(target, &path).at(&path)?;
    }
    // Deepest first, so a folder that is not writable is closed only once its content is in.
    let mut ordered: Vec<&String> = dirs.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    for rel in ordered {
        let path = dest.join(rel);
        sync_dir(&path);
        set_mode(&path, tree.meta.dir_mode(rel))?;
    }
    sync_dir(dest);
    set_mode(dest, tree.meta.dir_mode(""))
}

/// Gives the owner write and search permission on every folder below `dir` (links are not
/// followed), so a tree written with read-only folders can be removed once it is replaced.
pub fn make_removable(dir: &Path) {
    let Ok(md) = fs::symlink_metadata(dir) else {
        return;
    };
    if !md.is_dir() {
        return;
    }
    let _ = set_mode(dir, (md.permissions().mode() & 0o777) | 0o700);
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                make_removable(&e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::read_artifact;

    #[test]
    fn what_is_written_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tree::default();
        for (p, c) in [
            ("SKILL.md", "s"),
            ("lib/m.py", "m"),
            ("scripts/run.py", "r"),
            ("scripts/alias.py", "r"),
            ("scripts/alias2.py", "r"),
        ] {
            t.files.insert(p.into(), c.as_bytes().to_vec());
        }
        t.meta.modes.insert("scripts/run.py".into(), 0o755);
        t.meta.dirs.insert("".into(), 0o700);
        t.meta.dirs.insert("data".into(), 0o755);
        t.meta.dirs.insert("private".into(), 0o700);
        t.meta.links.insert("scripts/lib".into(), "../lib".into());
        t.meta
            .links
            .insert("scripts/alias.py".into(), "run.py".into());
        // A link to a link is kept as written too.
        t.meta
            .links
            .insert("scripts/alias2.py".into(), "alias.py".into());
        let dest = dir.path().join("s");
        write_tree(&dest, &t, Shape::Folder).unwrap();
        assert_eq!(read_artifact(&dest, Shape::Folder).unwrap(), t);
        assert_eq!(
            fs::read_to_string(dest.join("scripts/lib/m.py")).unwrap(),
            "m"
        );
    }

    #[test]
    fn a_tree_with_read_only_folders_is_written_and_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tree::default();
        t.files.insert("ro/x".into(), b"x".to_vec());
        t.meta.dirs.insert("ro".into(), 0o500);
        let dest = dir.path().join("s");
        write_tree(&dest, &t, Shape::Folder).unwrap();
        assert_eq!(read_artifact(&dest, Shape::Folder).unwrap(), t);
        make_removable(&dest);
        fs::remove_dir_all(&dest).unwrap();
    }

    #[test]
    fn a_link_leading_out_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tree::default();
        t.files.insert("SKILL.md".into(), b"s".to_vec());
        t.meta.links.insert("x".into(), "../../etc".into());
        let dest = dir.path().join("s");
        let err = write_tree(&dest, &t, Shape::Folder)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`x`"), "{err}");
        assert!(!dest.exists());
    }
}
