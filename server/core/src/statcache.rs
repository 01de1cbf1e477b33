//! The stat cache: like git's index, it lets a drift check skip hashing artifacts whose files'
//! stats (size, mtime, ctime, inode) and folder listings have not changed since they were hashed.
//! A mode change moves a file's ctime, so the remembered meta digest is as trustworthy as the hash.
//!
//! Racy entries follow git's rule: a file modified within [`RACY_WINDOW_NS`] of the moment it was
//! hashed could change again without its mtime moving, so such an entry is trusted only after a
//! re-hash at a later time.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::id::Shape;
use crate::time::now_ns;
use crate::tree::{self, Stat, Tree};

/// Files whose mtime is this close to the hashing moment are not trusted from the cache.
pub const RACY_WINDOW_NS: i64 = 1_000_000_000;

/// The remembered listing and hash of one artifact path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub hash: String,
    /// The tree's [`Tree::meta_digest`]: modes, folders and links, which the hash leaves out.
    pub meta: String,
    pub stats: Vec<Stat>,
    /// When the artifact was hashed (ns since the epoch).
    pub recorded_ns: i64,
}

impl Entry {
    fn is_racy(&self) -> bool {
        self.stats
            .iter()
            .any(|s| s.mtime_ns.max(s.ctime_ns).saturating_add(RACY_WINDOW_NS) > self.recorded_ns)
    }

    /// Encodes the stats compactly for the database.
    pub fn encode_stats(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.stats.len() * 48);
        for s in &self.stats {
            out.extend_from_slice(&(s.rel.len() as u32).to_le_bytes());
            out.extend_from_slice(s.rel.as_bytes());
            out.extend_from_slice(&s.size.to_le_bytes());
            out.extend_from_slice(&s.mtime_ns.to_le_bytes());
            out.extend_from_slice(&s.ctime_ns.to_le_bytes());
            out.extend_from_slice(&s.ino.to_le_bytes());
        }
        out
    }

    /// Decodes [`Entry::encode_stats`]; a damaged value decodes to `None` and is simply re-hashed.
    pub fn decode_stats(mut b: &[u8]) -> Option<Vec<Stat>> {
        fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
            if b.len() < n {
                return None;
            }
            let (h, t) = b.split_at(n);
            *b = t;
            Some(h)
        }
        fn u64_of(b: &mut &[u8]) -> Option<u64> {
            Some(u64::from_le_bytes(take(b, 8)?.try_into().ok()?))
        }
        let mut stats = Vec::new();
        while !b.is_empty() {
            let len = u32::from_le_bytes(take(&mut b, 4)?.try_into().ok()?) as usize;
            let rel = String::from_utf8(take(&mut b, len)?.to_vec()).ok()?;
            stats.push(Stat {
                rel,
                size: u64_of(&mut b)?,
                mtime_ns: u64_of(&mut b)? as i64,
                ctime_ns: u64_of(&mut b)? as i64,
                ino: u64_of(&mut b)?,
            });
        }
        Some(stats)
    }
}

/// Path → entry, with a record of which entries changed since the last save. Keys are the
/// paths' bytes: hashing a `PathBuf` walks its components, which showed up in warm checks.
#[derive(Debug, Default)]
pub struct StatCache {
    entries: HashMap<OsString, Entry>,
    dirty: HashMap<OsString, Option<Entry>>,
}

/// The outcome of hashing one artifact through the cache.
#[derive(Debug)]
pub struct Hashed {
    pub hash: String,
    /// [`Tree::meta_digest`] of the artifact.
    pub meta: String,
    /// The files, when they had to be read (a cache miss); `None` on a hit.
    pub tree: Option<Tree>,
    /// The new cache entry to store, on a miss.
    pub fresh: Option<Entry>,
}

impl StatCache {
    pub fn from_entries(entries: impl IntoIterator<Item = (PathBuf, Entry)>) -> Self {
        StatCache {
            entries: entries
                .into_iter()
                .map(|(p, e)| (p.into_os_string(), e))
                .collect(),
            dirty: HashMap::new(),
        }
    }

    pub fn get(&self, path: &Path) -> Option<&Entry> {
        self.entries.get(path.as_os_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn insert(&mut self, path: PathBuf, entry: Entry) {
        let key = path.into_os_string();
        self.dirty.insert(key.clone(), Some(entry.clone()));
        self.entries.insert(key, entry);
    }

    pub fn remove(&mut self, path: &Path) {
        if self.entries.remove(path.as_os_str()).is_some() {
            self.dirty.insert(path.as_os_str().to_owned(), None);
        }
    }

    /// Entries changed since the last call: `None` means deleted.
    pub fn take_dirty(&mut self) -> Vec<(PathBuf, Option<Entry>)> {
        self.dirty
            .drain()
            .map(|(k, v)| (PathBuf::from(k), v))
            .collect()
    }
}

/// An open folder that artifact paths are stat'ed relative to: the kernel then walks one or two
/// path components per stat instead of the whole absolute path, which halves a warm check.
#[derive(Debug)]
pub struct Base {
    dir: rustix::fd::OwnedFd,
}

impl Base {
    /// Opens `dir`; `None` when it cannot be opened (callers then stat absolute paths).
    pub fn open(dir: &Path) -> Option<Base> {
        use rustix::fs::{Mode, OFlags};
        rustix::fs::open(
            dir,
            OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()
        .map(|dir| Base { dir })
    }
}

fn same(s: &Stat, st: &rustix::fs::Stat) -> bool {
    let dir = (st.st_mode & 0o170000) == 0o040000;
    s.size == if dir { 0 } else { st.st_size as u64 }
        && s.mtime_ns == crate::time::stat_ns(st.st_mtime, st.st_mtime_nsec as i64)
        && s.ctime_ns == crate::time::stat_ns(st.st_ctime, st.st_ctime_nsec as i64)
        && s.ino == st.st_ino
}

/// Is every stat in a trusted entry still the same on disk? Folders are recorded too, so an
/// added or removed file (which changes its folder's mtime) is caught without a listing.
fn still_valid(root: &Path, entry: &Entry, base: Option<&Base>) -> bool {
    if entry.is_racy() {
        return false;
    }
    let name = root.file_name().and_then(|n| n.to_str());
    match (base, name) {
        (Some(base), Some(name)) => {
            let mut rel = String::with_capacity(name.len() + 64);
            entry.stats.iter().all(|s| {
                rel.clear();
                rel.push_str(name);
                if !s.rel.is_empty() {
                    rel.push('/');
                    rel.push_str(s.rel.trim_end_matches('/'));
                }
                rustix::fs::statat(&base.dir, rel.as_str(), rustix::fs::AtFlags::empty())
                    .is_ok_and(|st| same(s, &st))
            })
        }
        _ => entry.stats.iter().all(|s| {
            let path = if s.rel.is_empty() {
                root.to_path_buf()
            } else {
                root.join(s.rel.trim_end_matches('/'))
            };
            fs::metadata(&path).is_ok_and(|md| Stat::of(s.rel.clone(), &md) == *s)
        }),
    }
}

/// Hashes the artifact at `root`, using `cached` when its stats still hold.
///
/// Pure with respect to the cache (it only reads `cached`), so callers can hash many artifacts on
/// several threads and apply the returned `fresh` entries afterwards. `base`, when given, must be
/// an open handle on `root`'s parent folder.
pub fn hash_artifact(root: &Path, shape: Shape, cached: Option<&Entry>) -> Result<Hashed> {
    hash_artifact_in(None, root, shape, cached)
}

pub fn hash_artifact_in(
    base: Option<&Base>,
    root: &Path,
    shape: Shape,
    cached: Option<&Entry>,
) -> Result<Hashed> {
    if let Some(entry) = cached {
        if still_valid(root, entry, base) {
            return Ok(Hashed {
                hash: entry.hash.clone(),
                meta: entry.meta.clone(),
                tree: None,
                fresh: None,
            });
        }
    }
    let recorded_ns = now_ns();
    let listing = tree::walk(root, shape)?;
    let tree = tree::read_listing(&listing)?;
    let hash = tree.content_hash(shape);
    let meta = tree.meta_digest();
    Ok(Hashed {
        fresh: Some(Entry {
            hash: hash.clone(),
            meta: meta.clone(),
            stats: listing.stats,
            recorded_ns,
        }),
        hash,
        meta,
        tree: Some(tree),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, secs: u64) {
        let t = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
        let f = fs::File::options().write(true).open(path).unwrap();
        f.set_modified(t).unwrap();
    }

    #[test]
    fn stats_round_trip_through_the_encoding() {
        let e = Entry {
            hash: "h".into(),
            meta: String::new(),
            stats: vec![Stat {
                rel: "a/é.md".into(),
                size: 3,
                mtime_ns: -5,
                ctime_ns: 7,
                ino: 9,
            }],
            recorded_ns: 1,
        };
        assert_eq!(Entry::decode_stats(&e.encode_stats()).unwrap(), e.stats);
        assert!(Entry::decode_stats(&[1, 0]).is_none());
    }

    #[test]
    fn fresh_files_are_racy_and_always_rehashed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.md");
        fs::write(&f, "one").unwrap();
        let first = hash_artifact(&f, Shape::File, None).unwrap();
        let entry = first.fresh.unwrap();
        // Written just now: the entry must not be trusted even though stats match.
        let again = hash_artifact(&f, Shape::File, Some(&entry)).unwrap();
        assert!(again.tree.is_some(), "a racy entry was trusted");
    }

    #[test]
    fn settled_entry_is_trusted_until_a_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("s");
        fs::create_dir(&skill).unwrap();
        fs::write(skill.join("SKILL.md"), "one").unwrap();
        age(&skill.join("SKILL.md"), 10);
        let mut entry = hash_artifact(&skill, Shape::Folder, None)
            .unwrap()
            .fresh
            .unwrap();
        // Pretend the folder and file settled long before hashing.
        entry.recorded_ns += 10 * RACY_WINDOW_NS;
        let hit = hash_artifact(&skill, Shape::Folder, Some(&entry)).unwrap();
        assert!(hit.tree.is_none(), "unchanged artifact was re-read");
        assert_eq!(hit.hash, entry.hash);
        let base = Base::open(dir.path()).unwrap();
        let hit = hash_artifact_in(Some(&base), &skill, Shape::Folder, Some(&entry)).unwrap();
        assert!(hit.tree.is_none(), "stat relative to the parent disagreed");

        fs::write(skill.join("extra.md"), "new").unwrap();
        let miss = hash_artifact_in(Some(&base), &skill, Shape::Folder, Some(&entry)).unwrap();
        assert!(miss.tree.is_some());
        assert_ne!(miss.hash, entry.hash);
    }
}
