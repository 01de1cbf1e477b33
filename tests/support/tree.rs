//! Reading and hashing artifact trees in tests: the files a copy holds, compared whole.

use std::collections::BTreeMap;
use std::path::Path;

use skillmeat_core::tree::Tree;
use skillmeat_core::Shape;

/// An artifact's files by path inside it (a single-file artifact: its own name).
pub type Files = BTreeMap<String, Vec<u8>>;

/// Files from `(path, text)` pairs.
pub fn files(list: &[(&str, &str)]) -> Files {
    list.iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
        .collect()
}

/// The SkillMeat content hash of `f` read as an artifact of `shape`.
pub fn hash_of(f: &Files, shape: Shape) -> String {
    Tree {
        files: f.clone(),
        ..Tree::default()
    }
    .content_hash(shape)
}

/// Every regular file of the artifact at `root` (or `root` itself, keyed by its name, for a
/// single file); `None` when nothing is there. Anything but a file or a folder is a failure.
pub fn try_read_tree(root: &Path) -> Option<Files> {
    fn walk(dir: &Path, prefix: &str, out: &mut Files) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                walk(&e.path(), &rel, out);
            } else {
                assert!(ft.is_file(), "unexpected entry {}", e.path().display());
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let md = std::fs::symlink_metadata(root).ok()?;
    let mut out = Files::new();
    if md.is_dir() {
        walk(root, "", &mut out);
    } else {
        let name = root.file_name().unwrap().to_string_lossy().into_owned();
        out.insert(name, std::fs::read(root).unwrap());
    }
    Some(out)
}

/// [`try_read_tree`] of an artifact that must be there.
pub fn read_tree(root: &Path) -> Files {
    try_read_tree(root).unwrap_or_else(|| panic!("{} is gone", root.display()))
}
