//! The one write-and-record path: every writer of an artifact (deploy, add, sync in every
//! direction, upstream, rollback, resolve) goes through a [`Writer`].
//!
//! 1. [`Writer::begin`] takes the target's lock, before anything is read or planned.
//! 2. The source is read whole: [`read_stable`] reads it until two reads agree, so a copy being
//!    swapped by another process (another project pushing into the collection) is never taken
//!    half old, half new.
//! 3. The caller plans against [`Writer::read_target`].
//! 4. [`Writer::apply`] stages the new tree (a faithful copy: modes, folders and links, written
//!    by [`super::materialise`]) under names unique to this apply, fsyncs, and swaps
//!    it in only if the target still holds what the plan was made against — content and
//!    [`crate::tree::Tree::identity`] (compare-and-swap:
//!    an editor may have saved meanwhile; then nothing is written or recorded and the error,
//!    exit 4, names the path).
//! 5. [`Applied::commit`] stores what was replaced as one complete version (files, modes, folders
//!    and links; found instead when a version already [holds](crate::store::VersionRow::holds)
//!    exactly that) and records the rest
//!    in the same transaction as the journal's commit mark; then the old tree goes. A failure
//!    before the commit puts the old tree back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{apply, failpoint, lock};
use crate::error::{Error, IoContext, Result};
use crate::id::ArtifactId;
use crate::id::Shape;
use crate::store::{NewVersion, Origin, Store, VersionRow};
use crate::tree::{self, Tree};

/// A write in progress: the target's lock is held from [`Writer::begin`] to the end.
#[derive(Debug)]
pub struct Writer {
    id: ArtifactId,
    target: PathBuf,
    _lock: lock::Lock,
}

/// What was replaced, to be stored as a version before the write is recorded.
#[derive(Debug, Clone, Copy)]
pub struct Keep<'a> {
    /// The content the plan was made against (and the swap checked).
    pub tree: &'a Tree,
    pub origin: Origin,
    pub message: &'a str,
    pub parents: &'a [i64],
}

/// A new tree in place (or nothing written), awaiting its record.
#[derive(Debug)]
pub struct Applied {
    id: ArtifactId,
    swap: Option<apply::Swap>,
    _lock: lock::Lock,
}

impl Writer {
    /// Takes the lock of `id`'s copy at `target`, waiting up to `timeout`.
    pub(crate) fn begin(id: &ArtifactId, target: &Path, timeout: Duration) -> Result<Writer> {
        // Before the lock file (and its folder) is created: nothing is made through a link.
        crate::apply::check_write_target(target)?;
        let _lock = lock::acquire(target, &id.to_string(), timeout)?;
        Ok(Writer {
            id: id.clone(),
            target: target.to_path_buf(),
            _lock,
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The target as it is now (`None`: absent), read under the lock.
    pub fn read_target(&self) -> Result<Option<Tree>> {
        read_optional(&self.target, self.id.kind.shape())
    }

    /// Swaps `new` in when the target still holds `against` (see the module documentation);
    /// `new: None` writes nothing and only records.
    pub fn apply(
        self,
        store: &Store,
        against: Option<&Tree>,
        new: Option<&Tree>,
    ) -> Result<Applied> {
        let shape = self.id.kind.shape();
        store.mark_artifact_written();
        let swap = match new {
            Some(tree) => {
                store.mark_copy_written();
                // Content and modes, folders, links: a chmod since the plan is a change too.
                let against = against.map(|t| t.identity(shape));
                Some(apply::swap_in(
                    store,
                    &self.id.to_string(),
                    &self.target,
                    tree,
                    shape,
                    against.as_deref(),
                )?)
            }
            None => None,
        };
        Ok(Applied {
            id: self.id,
            swap,
            _lock: self._lock,
        })
    }
}

impl Applied {
    /// Records the write: `keep` is stored first (or found, when that content is already a
    /// complete version), then `record` runs with it, all in one transaction with the journal's
    /// commit mark. On failure the old tree goes back and nothing is recorded.
    pub fn commit<T>(
        self,
        store: &Store,
        keep: Option<Keep<'_>>,
        record: impl FnOnce(Option<&VersionRow>) -> Result<T>,
    ) -> Result<T> {
        let shape = self.id.kind.shape();
        let committed = store.in_tx(|| {
            let kept = match keep {
                Some(k) => {
                    let hash = k.tree.content_hash(shape);
                    let (v, _) = store.find_or_add_version(
                        &self.id,
                        NewVersion {
                            hash: &hash,
                            origin: k.origin,
                            parents: k.parents,
                            files: Some(k.tree),
                            message: Some(k.message),
                        },
                    )?;
                    Some(v)
                }
                None => None,
            };
            let out = record(kept.as_ref())?;
            failpoint::hit("before-commit").at(store.path())?;
            if let Some(s) = &self.swap {
                s.mark_committed(store)?;
            }
            Ok(out)
        });
        match (committed, self.swap) {
            (Ok(out), Some(s)) => {
                s.finish(store)?;
                Ok(out)
            }
            (Ok(out), None) => Ok(out),
            (Err(e), Some(s)) => {
                s.roll_back(store)?;
                Err(e)
            }
            (Err(e), None) => Err(e),
        }
    }

    /// Gives the write up before its record (a later step failed): the old tree goes back.
    pub fn abandon(self, store: &Store) -> Result<()> {
        match self.swap {
            Some(s) => s.roll_back(store),
            None => Ok(()),
        }
    }
}

/// The copy at `path`, or `None` when nothing is there.
pub fn read_optional(path: &Path, shape: Shape) -> Result<Option<Tree>> {
    if path.symlink_metadata().is_err() {
        return Ok(None);
    }
    tree::read_artifact(path, shape).map(Some)
}

/// How many reads [`read_stable`] makes at most before it gives up.
const STABLE_READS: usize = 6;

/// How long [`read_stable`] waits for the writer of a copy it found missing mid-swap.
const MID_SWAP_WAIT: Duration = Duration::from_secs(3);

/// Reads a copy that another process may be writing (a source side, read without its lock):
/// again and again until two reads in a row agree, so the content is one whole version of it.
/// A copy found missing while its lock file exists may be between [`Writer::apply`]'s two
/// renames (the old tree moved aside, the new one not yet in): the writer is waited for (up to
/// a few seconds; the language server never waits, see [`lock::never_wait`]) and the copy read
/// again, so a copy being replaced is never taken for one that is gone.
pub fn read_stable(path: &Path, shape: Shape) -> Result<Option<Tree>> {
    let found = read_agreed(path, shape)?;
    if found.is_some() || lock::lock_path(path).symlink_metadata().is_err() {
        return Ok(found);
    }
    drop(lock::acquire(path, "a copy being replaced", MID_SWAP_WAIT)?);
    read_agreed(path, shape)
}

/// Reads `path` until two reads in a row agree (see [`read_stable`]).
fn read_agreed(path: &Path, shape: Shape) -> Result<Option<Tree>> {
    let mut last: Option<Result<Option<Tree>>> = None;
    for _ in 0..STABLE_READS {
        let now = read_optional(path, shape);
        if let (Some(Ok(prev)), Ok(cur)) = (&last, &now) {
            if prev == cur {
                return now;
            }
        }
        last = Some(now);
    }
    match last {
        Some(Err(e)) => Err(e),
        _ => Err(Error::conflict(format!(
            "{} kept changing while it was read (another process is writing it); run the command again",
            path.display()
        ))),
    }
}
