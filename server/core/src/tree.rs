//! Reading an artifact's files from disk: the walk, the symlink policy and the size cap.
//!
//! A folder artifact is every regular file below its folder (dot-files included, as SkillMeat's
//! hash includes them). Symlinks are followed only when they stay inside the artifact: a link to a
//! file inside is read as that file (as Python's `Path.is_file()` does), a link to a folder is not
//! descended into (as `Path.rglob` does not), and a link that leaves the artifact is an error.
//! Links, modes and folders are also recorded in the tree's [`Meta`] so a copy can carry them.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};
use crate::hash;
use crate::id::Shape;
use crate::limits;

pub mod meta;
pub use meta::Meta;

/// Files larger than this are refused: artifacts are prompts and small scripts, not data sets.
pub const MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// The files of one artifact: relative `/`-separated path → bytes, and what a faithful copy
/// carries besides (modes, folders, links; not part of the content hash).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub files: BTreeMap<String, Vec<u8>>,
    pub meta: Meta,
}

impl Tree {
    /// The SkillMeat-compatible content hash of this tree, for a folder or a single-file artifact.
    pub fn content_hash(&self, shape: Shape) -> String {
        if shape == Shape::Folder {
            hash::hash_folder(self.files.iter().map(|(p, b)| (p.as_str(), b)))
        } else {
            hash::hash_bytes(
                self.files
                    .values()
                    .next()
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            )
        }
    }

    /// What drift compares besides the content hash: `""` when the tree has only default modes,
    /// no empty folders and no links (see [`Meta::digest`]).
    pub fn meta_digest(&self) -> String {
        self.meta.digest()
    }

    /// What "the same copy" means on disk: the content hash, and the meta digest when there is one.
    pub fn identity(&self, shape: Shape) -> String {
        identity(&self.content_hash(shape), &self.meta_digest())
    }
}

/// The identity of a copy from its content hash and [`Meta::digest`]: what drift and the
/// before-write checks compare, so a mode-only change is a change (git's "mode change").
pub fn identity(hash: &str, meta: &str) -> String {
    if meta.is_empty() {
        hash.to_string()
    } else {
        format!("{hash}+{meta}")
    }
}

/// What the stat cache remembers of one file or folder inside an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    /// Relative path; `""` is the artifact itself. Folders end with `/`.
    pub rel: String,
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
}

impl Stat {
    pub fn of(rel: String, md: &fs::Metadata) -> Stat {
        Stat {
            rel,
            size: if md.is_dir() { 0 } else { md.len() },
            mtime_ns: crate::time::stat_ns(md.mtime(), md.mtime_nsec()),
            ctime_ns: crate::time::stat_ns(md.ctime(), md.ctime_nsec()),
            ino: md.ino(),
        }
    }
}

/// One regular file found by [`walk`].
#[derive(Debug, Clone)]
pub struct Found {
    pub rel: String,
    pub abs: PathBuf,
}

/// What [`walk`] saw: the regular files to read, the stats the listing depends on, and the
/// modes, folders and links a faithful copy carries.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub found: Vec<Found>,
    pub stats: Vec<Stat>,
    pub meta: Meta,
}

/// Lists an artifact's files and the stats of everything the listing depends on.
///
/// For a single-file artifact, `root` is the file and its one entry is named by `file_name`.
/// Anything a copy could not carry is an error naming its path: a FIFO, socket or device, a
/// symlink that is absolute, climbs out of the artifact, or is broken.
pub fn walk(root: &Path, shape: Shape) -> Result<Listing> {
    let md = fs::symlink_metadata(root).at(root)?;
    let mut out = Listing::default();
    if shape == Shape::File {
        let target_md = if md.file_type().is_symlink() {
            check_link(root, root.parent().unwrap_or(root))?
        } else {
            md
        };
        if !target_md.is_file() {
            return Err(Error::malformed(format!(
                "{} is not a regular file; commands and agents are single `.md` files",
                root.display()
            )));
        }
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.stats.push(Stat::of(String::new(), &target_md));
        out.meta
            .modes
            .insert(name.clone(), target_md.mode() & PERMISSION_BITS);
        out.found.push(Found {
            rel: name,
            abs: root.to_path_buf(),
        });
        return Ok(out);
    }
    if md.file_type().is_symlink() {
        return Err(Error::malformed(format!(
            "{} is a symlink; skillmeat-lsp never follows an artifact folder out of its tier; replace the link with a real folder",
            root.display()
        )));
    }
    if !md.is_dir() {
        return Err(Error::malformed(format!(
            "{} is not a folder; a skill is a folder holding SKILL.md",
            root.display()
        )));
    }
    let canon_root = fs::canonicalize(root).at(root)?;
    let mut budget = Budget {
        root,
        entries: 0,
        bytes: 0,
    };
    walk_dir(root, &canon_root, "", &md, &mut out, &mut budget)?;
    Ok(out)
}

/// The permission bits a copy carries (read, write, execute for user, group and others; the
/// set-id and sticky bits are not carried).
pub const PERMISSION_BITS: u32 = 0o777;

/// What a walk has seen so far, against [`limits::MAX_ARTIFACT_FILES`] and
/// [`limits::MAX_ARTIFACT_BYTES`]: checked as it goes, so a huge folder stops the walk early.
struct Budget<'a> {
    root: &'a Path,
    entries: usize,
    bytes: u64,
}

impl Budget<'_> {
    fn add(&mut self, size: u64) -> Result<()> {
        self.entries += 1;
        self.bytes += size;
        if self.entries > limits::MAX_ARTIFACT_FILES {
            return Err(Error::malformed(format!(
                "{} holds more than {} files and folders, the limit for one artifact; move data out of the artifact",
                self.root.display(),
                limits::MAX_ARTIFACT_FILES
            )));
        }
        if self.bytes > limits::MAX_ARTIFACT_BYTES {
            return Err(Error::malformed(format!(
                "{} holds more than {} MiB, the limit for one artifact; move large data out of the artifact",
                self.root.display(),
                limits::MAX_ARTIFACT_BYTES / (1024 * 1024)
            )));
        }
        Ok(())
    }
}

fn walk_dir(
    dir: &Path,
    canon_root: &Path,
    prefix: &str,
    dir_md: &fs::Metadata,
    out: &mut Listing,
    budget: &mut Budget<'_>,
) -> Result<()> {
    out.stats.push(Stat::of(prefix.to_string(), dir_md));
    out.meta.dirs.insert(
        prefix.trim_end_matches('/').to_string(),
        dir_md.mode() & PERMISSION_BITS,
    );
    for entry in fs::read_dir(dir).at(dir)? {
        let entry = entry.at(dir)?;
        let abs = entry.path();
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(Error::malformed(format!(
                "{} has a name that is not UTF-8; rename it",
                abs.display()
            )));
        };
        let rel = format!("{prefix}{name}");
        let ft = entry.file_type().at(&abs)?;
        if ft.is_dir() {
            budget.add(0)?;
            if prefix.matches('/').count() >= limits::MAX_ARTIFACT_DEPTH {
                return Err(Error::malformed(format!(
                    "{} nests folders more than {} deep, the limit for one artifact; flatten it",
                    budget.root.display(),
                    limits::MAX_ARTIFACT_DEPTH
                )));
            }
            let md = fs::symlink_metadata(&abs).at(&abs)?;
            walk_dir(&abs, canon_root, &format!("{rel}/"), &md, out, budget)?;
        } else if ft.is_symlink() {
            let written = fs::read_link(&abs).at(&abs)?;
            let Some(written) = written.to_str().map(str::to_string) else {
                return Err(Error::malformed(format!(
                    "{} is a symlink whose target is not UTF-8; replace it",
                    abs.display()
                )));
            };
            if Path::new(&written).is_absolute() {
                return Err(Error::malformed(format!(
                    "{} is an absolute symlink (to {written}), which leads outside the artifact once copied, so skillmeat-lsp cannot carry it: make the link relative, or replace it with a copy of the file",
                    abs.display()
                )));
            }
            if meta::resolve(&rel, &written).is_none() {
                return Err(Error::malformed(format!(
                    "{} is a symlink to {written}, outside the artifact; skillmeat-lsp never follows links out, so replace it with a copy of the file",
                    abs.display()
                )));
            }
            let target = check_link(&abs, canon_root)?;
            budget.add(if target.is_file() { target.len() } else { 0 })?;
            if target.is_file() {
                out.stats.push(Stat::of(rel.clone(), &target));
                out.found.push(Found {
                    rel: rel.clone(),
                    abs,
                });
            } else if !target.is_dir() {
                return Err(special(&abs, &target.file_type()));
            }
            // A link to a folder is kept as a link and not descended into, as `Path.rglob` does.
            out.meta.links.insert(rel, written);
        } else if ft.is_file() {
            let md = fs::symlink_metadata(&abs).at(&abs)?;
            budget.add(md.len())?;
            out.stats.push(Stat::of(rel.clone(), &md));
            out.meta
                .modes
                .insert(rel.clone(), md.mode() & PERMISSION_BITS);
            out.found.push(Found { rel, abs });
        } else {
            return Err(special(&abs, &ft));
        }
    }
    Ok(())
}

/// The error for a file no copy can carry.
fn special(path: &Path, ft: &fs::FileType) -> Error {
    use std::os::unix::fs::FileTypeExt;
    let what = if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else {
        "neither a file, a folder nor a symlink"
    };
    Error::malformed(format!(
        "{} is {what}; skillmeat-lsp copies only files, folders and links inside the artifact, so nothing was written: move it out of the artifact",
        path.display()
    ))
}

/// Resolves a symlink and refuses it unless it stays inside `inside`.
fn check_link(link: &Path, inside: &Path) -> Result<fs::Metadata> {
    let target = fs::canonicalize(link).map_err(|_| {
        Error::malformed(format!(
            "{} is a broken symlink; fix or remove it",
            link.display()
        ))
    })?;
    let inside = fs::canonicalize(inside).at(inside)?;
    if !target.starts_with(&inside) {
        return Err(Error::malformed(format!(
            "{} is a symlink to {}, outside the artifact; skillmeat-lsp never follows links out, so replace it with a copy of the file",
            link.display(),
            target.display()
        )));
    }
    fs::metadata(&target).at(&target)
}

/// Reads the files a walk found, refusing any over [`MAX_FILE_SIZE`].
pub fn read_listing(listing: &Listing) -> Result<Tree> {
    let mut tree = Tree::default();
    for f in &listing.found {
        let md = fs::metadata(&f.abs).at(&f.abs)?;
        if md.len() > MAX_FILE_SIZE {
            return Err(Error::malformed(format!(
                "{} is {} bytes, over the {} MiB size cap for artifact files; move large data out of the artifact",
                f.abs.display(),
                md.len(),
                MAX_FILE_SIZE / (1024 * 1024)
            )));
        }
        let bytes = fs::read(&f.abs).at(&f.abs)?;
        tree.files.insert(f.rel.clone(), bytes);
    }
    tree.meta = listing.meta.clone();
    tree.meta.normalize(&tree.files);
    Ok(tree)
}

/// Reads a whole artifact.
pub fn read_artifact(root: &Path, shape: Shape) -> Result<Tree> {
    read_listing(&walk(root, shape)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_outside_the_artifact_is_refused_and_names_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("s");
        fs::create_dir(&skill).unwrap();
        fs::write(dir.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), skill.join("leak")).unwrap();
        let err = read_artifact(&skill, Shape::Folder)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("leak") && err.contains("outside the artifact"),
            "{err}"
        );
    }

    #[test]
    fn an_artifact_over_the_file_count_or_total_size_limit_is_refused_quickly() {
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("many");
        fs::create_dir(&skill).unwrap();
        for i in 0..=limits::MAX_ARTIFACT_FILES {
            fs::write(skill.join(format!("f{i}")), "").unwrap();
        }
        let started = std::time::Instant::now();
        let err = read_artifact(&skill, Shape::Folder)
            .unwrap_err()
            .to_string();
        assert!(err.contains("many") && err.contains("10000 files"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));

        let big = dir.path().join("big");
        fs::create_dir(&big).unwrap();
        // Sparse files: three of 30 MiB each pass the per-file cap but not the total.
        for i in 0..3 {
            let f = fs::File::create(big.join(format!("part{i}"))).unwrap();
            f.set_len(30 * 1024 * 1024).unwrap();
        }
        let started = std::time::Instant::now();
        let err = read_artifact(&big, Shape::Folder).unwrap_err().to_string();
        assert!(err.contains("big") && err.contains("64 MiB"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn link_inside_the_artifact_reads_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("s");
        fs::create_dir_all(skill.join("sub")).unwrap();
        fs::write(skill.join("a.md"), "A").unwrap();
        std::os::unix::fs::symlink("a.md", skill.join("b.md")).unwrap();
        std::os::unix::fs::symlink("sub", skill.join("linkdir")).unwrap();
        let tree = read_artifact(&skill, Shape::Folder).unwrap();
        let names: Vec<_> = tree.files.keys().cloned().collect();
        assert_eq!(names, ["a.md", "b.md"]);
        assert_eq!(tree.files["b.md"], b"A");
        // Both links are kept as links, with their targets as written; the empty `sub` too.
        assert_eq!(tree.meta.links["b.md"], "a.md");
        assert_eq!(tree.meta.links["linkdir"], "sub");
        assert_eq!(tree.meta.dirs.keys().collect::<Vec<_>>(), ["sub"]);
    }

    #[test]
    fn modes_and_empty_folders_are_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("s");
        fs::create_dir_all(skill.join("scripts")).unwrap();
        fs::create_dir_all(skill.join("empty")).unwrap();
        fs::write(skill.join("SKILL.md"), "x").unwrap();
        fs::write(skill.join("scripts/run.sh"), "x").unwrap();
        let set = |p: &Path, m: u32| fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();
        set(&skill.join("SKILL.md"), 0o644);
        set(&skill.join("scripts/run.sh"), 0o755);
        set(&skill.join("scripts"), 0o700);
        set(&skill.join("empty"), 0o755);
        set(&skill, 0o755);
        let tree = read_artifact(&skill, Shape::Folder).unwrap();
        assert_eq!(
            tree.meta.modes.iter().collect::<Vec<_>>(),
            [(&"scripts/run.sh".to_string(), &0o755)]
        );
        assert_eq!(
            tree.meta.dirs.iter().collect::<Vec<_>>(),
            [
                (&"empty".to_string(), &0o755),
                (&"scripts".to_string(), &0o700)
            ]
        );
    }

    #[test]
    fn fifos_and_absolute_links_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("s");
        fs::create_dir_all(&skill).unwrap();
        fs::write(skill.join("a.md"), "A").unwrap();
        std::os::unix::fs::symlink(skill.join("a.md"), skill.join("abs.md")).unwrap();
        let err = read_artifact(&skill, Shape::Folder)
            .unwrap_err()
            .to_string();
        assert!(err.contains("abs.md") && err.contains("absolute"), "{err}");
        fs::remove_file(skill.join("abs.md")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            skill.join("pipe"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        let err = read_artifact(&skill, Shape::Folder)
            .unwrap_err()
            .to_string();
        assert!(err.contains("pipe") && err.contains("FIFO"), "{err}");
    }
}
