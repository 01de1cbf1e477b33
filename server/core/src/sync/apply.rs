//! Atomic apply of a tree into a tier, under a journal row, with crash recovery: the disk half
//! of the one write path ([`super::write`]).
//!
//! Order: journal row (`prepared`, naming a stage and a moved-aside path unique to this apply:
//! pid and a random part) → stage beside the target and fsync → compare-and-swap: the target must
//! still hold what the plan was made against → move the target aside → move the stage in (never
//! over anything) → check the moved-aside tree is still what was planned against → the caller
//! commits its database changes together with [`Swap::mark_committed`] → the old tree is removed
//! and the row deleted. Recovery on the next open rolls a `prepared` row back (the old tree
//! returns, the database never saw the new one) and finishes a `committed` one, touching only
//! the names its own journal rows hold. Either way disk and database agree.

use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::params;

use super::{failpoint, lock, materialise};
use crate::error::{Error, ErrorKind, IoContext, Result};
use crate::id::Shape;
use crate::store::Store;
use crate::tree::Tree;

/// An apply whose new tree is in place but whose database commit is still to come.
#[derive(Debug)]
pub struct Swap {
    journal_id: i64,
    old: PathBuf,
    stage: PathBuf,
}

/// A name beside `target` for this apply alone: two processes (two projects pushing into one
/// collection, each with its own journal) never share one.
fn sibling(target: &Path, tag: &str, unique: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(crate::layout::sibling_name(&name, tag, unique))
}

/// `<pid>-<random>`: the random part comes from the standard library's per-process random
/// hasher keys, mixed with the time.
fn unique_part() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!("{}-{:016x}", std::process::id(), h.finish())
}

fn remove_path(p: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(p) {
        // A copy may hold folders without write permission (a faithful 500): open them first.
        Ok(md) if md.is_dir() => fs::remove_dir_all(p).or_else(|e| {
            if e.kind() != std::io::ErrorKind::PermissionDenied {
                return Err(e);
            }
            materialise::make_removable(p);
            fs::remove_dir_all(p)
        }),
        Ok(_) => fs::remove_file(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Renames `from` to `to` only if nothing is at `to`: an editor that created the target in the
/// instant it was moved aside keeps its file. Falls back to a checked rename on file systems
/// without `RENAME_NOREPLACE`.
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            if fs::symlink_metadata(to).is_ok() {
                return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
            }
            fs::rename(from, to)
        }
        Err(e) => Err(e.into()),
    }
}

/// The identity ([`Tree::identity`]: content hash, and modes, folders and links) of what is at
/// `path` now (`None`: nothing), so an editor's chmod counts as a change like a save.
fn hash_now(path: &Path, shape: Shape) -> Result<Option<String>> {
    if fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    Ok(Some(
        crate::tree::read_artifact(path, shape)?.identity(shape),
    ))
}

/// The error of a compare-and-swap that found the target changed: nothing was written or
/// recorded, and the person's content stays where it is.
pub fn changed_meanwhile(artifact: &str, target: &Path) -> Error {
    Error::conflict(format!(
        "{} changed while {artifact} was being written (an editor saved it?); nothing was written or recorded and the content on disk is kept as it is; run the command again",
        target.display()
    ))
}

/// The error of an apply that failed after moving the target aside and could not put it back
/// (the path no longer resolves as it did: a folder above it was moved or replaced by a link).
/// The journal row is kept, so the next open's recovery puts the copy back once the path
/// resolves again; until then the person's content is only at `old`.
fn moved_aside(artifact: &str, target: &Path, old: &Path, cause: Error) -> Error {
    let msg = format!(
        "{cause}; nothing of {artifact} was recorded, but its copy at {} could not be put back: it was moved aside to {} and will be put back on the next run in this project once {} is reachable again (or move it back yourself: mv {} {})",
        target.display(),
        old.display(),
        target.parent().unwrap_or(Path::new(".")).display(),
        old.display(),
        target.display()
    );
    match cause.kind() {
        ErrorKind::Conflict => Error::conflict(msg),
        _ => Error::other(msg),
    }
}

/// Stages `tree` (a faithful copy, by [`materialise`]) and swaps it in at `target` (a skill
/// folder or a `.md` file), provided the target still holds `against` (its [`Tree::identity`];
/// `None`: nothing there) — see the module
/// documentation for the order of steps.
pub fn swap_in(
    store: &Store,
    artifact: &str,
    target: &Path,
    tree: &Tree,
    shape: Shape,
    against: Option<&str>,
) -> Result<Swap> {
    crate::apply::check_write_target(target)?;
    // Every path of the tree (files, folders, links) stays inside the artifact.
    materialise::check(tree)?;
    let parent = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).at(parent)?;
    let unique = unique_part();
    let stage = sibling(target, "stage", &unique);
    let old = sibling(target, "old", &unique);
    failpoint::hit("before-journal").at(store.path())?;
    let new_hash = tree.identity(shape);
    let journal_id =
        store.journal_prepare(artifact, target, against.is_some(), &stage, &old, &new_hash)?;
    failpoint::hit("after-journal").at(store.path())?;
    let undo = |e: Error| -> Error {
        let _ = remove_path(&stage);
        let _ = store.journal_delete(journal_id);
        e
    };
    // The target was moved aside and could not be put back: the journal row stays (recovery
    // puts `old` back on the next open), only the stage goes.
    let aside = |e: Error| -> Error {
        let _ = remove_path(&stage);
        moved_aside(artifact, target, &old, e)
    };
    if let Err(e) = materialise::write_tree(&stage, tree, shape) {
        return Err(undo(e));
    }
    sync_dir(parent);
    failpoint::hit("after-stage").at(target).map_err(undo)?;
    failpoint::hit("before-swap").at(target).map_err(undo)?;
    // Compare-and-swap: editors take no lock, so one may have saved since the plan was made.
    match hash_now(target, shape) {
        Ok(now) if now.as_deref() == against => {}
        Ok(_) => return Err(undo(changed_meanwhile(artifact, target))),
        Err(e) => return Err(undo(e)),
    }
    if against.is_some() {
        if let Err(e) = fs::rename(target, &old) {
            return Err(undo(Error::io(target, e)));
        }
        failpoint::hit("after-backup")
            .at(target)
            .map_err(|e| match fs::rename(&old, target) {
                Ok(()) => undo(e),
                Err(_) => aside(e),
            })?;
    }
    if let Err(e) = rename_noreplace(&stage, target) {
        // Something appeared at the target (an editor's save) or the rename failed: the old
        // tree goes back unless the target is taken, in which case the newer save stays and the
        // old tree — not stored yet, so perhaps a person's only copy — is kept beside it under a
        // name of its own (a dot-entry: never taken for an artifact, never touched by recovery).
        // If it can be neither put back nor kept, it stays at `old` under the journal row.
        let mut kept = None;
        let mut stranded = false;
        if against.is_some() && fs::symlink_metadata(target).is_err() {
            stranded = fs::rename(&old, target).is_err();
        } else if against.is_some() {
            let keep = sibling(target, "kept", &unique);
            match fs::rename(&old, &keep) {
                Ok(()) => kept = Some(keep),
                Err(_) => stranded = true,
            }
        }
        let err = if e.kind() == std::io::ErrorKind::AlreadyExists {
            match kept {
                Some(k) => Error::conflict(format!(
                    "{} changed while {artifact} was being written (an editor saved it?); nothing was written or recorded, your save is kept, and the content it replaced is kept at {}; run the command again",
                    target.display(),
                    k.display()
                )),
                None => changed_meanwhile(artifact, target),
            }
        } else {
            Error::io(target, e)
        };
        return Err(if stranded { aside(err) } else { undo(err) });
    }
    sync_dir(parent);
    // A write into the old tree between the check and the move (an editor holding a file open)
    // went with it: put everything back rather than delete it with the old tree.
    if against.is_some() && hash_now(&old, shape).ok().flatten().as_deref() != against {
        let new_out = fs::rename(target, &stage).is_ok();
        let back = new_out && fs::rename(&old, target).is_ok();
        sync_dir(parent);
        // Not back: recovery (the row stays) removes the new tree if it is still at the target
        // and puts the old one back.
        return Err(if back {
            undo(changed_meanwhile(artifact, target))
        } else {
            moved_aside(artifact, target, &old, changed_meanwhile(artifact, target))
        });
    }
    failpoint::hit("after-swap").at(target)?;
    Ok(Swap {
        journal_id,
        old,
        stage,
    })
}

impl Swap {
    /// Marks the apply committed; call inside the caller's database transaction.
    pub fn mark_committed(&self, store: &Store) -> Result<()> {
        store.journal_commit(self.journal_id)
    }

    /// After the commit: removes the old tree and the journal row.
    pub fn finish(self, store: &Store) -> Result<()> {
        failpoint::hit("after-commit").at(store.path())?;
        remove_path(&self.old).at(&self.old)?;
        let _ = remove_path(&self.stage);
        store.journal_delete(self.journal_id)?;
        failpoint::hit("after-cleanup").at(store.path())?;
        Ok(())
    }

    /// The caller's commit failed: puts the old tree back.
    pub fn roll_back(self, store: &Store) -> Result<()> {
        let row = store
            .journal_rows()?
            .into_iter()
            .find(|r| r.id == self.journal_id);
        match row {
            Some(r) => recover_row(store, &r).map(|_| ()),
            None => Ok(()),
        }
    }
}

/// A journal row as recovery sees it.
#[derive(Debug, Clone)]
pub struct JournalRow {
    pub id: i64,
    pub artifact: String,
    pub target: PathBuf,
    pub stage: PathBuf,
    pub old: PathBuf,
    pub had_old: bool,
    pub committed: bool,
    /// The [`Tree::identity`] the apply writes (`None` for rows of an older build).
    pub new_hash: Option<String>,
}

/// Finishes or undoes every interrupted apply; returns a note per row.
///
/// A row is only touched under the artifact's lock: a writer holds that lock from before its row
/// is written until after it is deleted, so a row whose lock is held by a live process is an apply
/// in flight (another editor window, the CLI), not an interrupted one, and is left alone. Taking
/// the lock of a writer that died also removes the lock file it left.
pub fn recover(store: &Store) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    for row in store.journal_rows()? {
        // Checked before the lock, whose taking would create the missing folder.
        if let Some(note) = unreachable(&row) {
            notes.push(note);
            continue;
        }
        let _lock = match lock::acquire(&row.target, &row.artifact, Duration::ZERO) {
            Ok(l) => l,
            Err(e) if e.kind() == ErrorKind::Locked => continue,
            Err(e) => return Err(e),
        };
        // Read the row again under the lock: its writer may have finished (or committed) since.
        // The same row, not only the same id: a finished apply's id is given to the next row
        // (SQLite reuses the largest), which may be another artifact's apply in flight, whose
        // lock is not the one held here. Its staging name is unique to it.
        let Some(row) = store
            .journal_rows()?
            .into_iter()
            .find(|r| r.id == row.id && r.stage == row.stage && r.target == row.target)
        else {
            continue;
        };
        notes.push(recover_row(store, &row)?);
    }
    Ok(notes)
}

/// The note for an uncommitted row whose moved-aside copy cannot be reached: the folder that
/// holds it is not where it was (moved, or `.claude` replaced), so neither it nor the target is
/// there. The row stays (and nothing is created there, not even a lock file), so a later open
/// puts the copy back once the path resolves again.
fn unreachable(r: &JournalRow) -> Option<String> {
    let gone = |p: &Path| fs::symlink_metadata(p).is_err();
    let parent_gone = r.old.parent().is_some_and(|p| !p.is_dir());
    (!r.committed && r.had_old && parent_gone && gone(&r.old) && gone(&r.target)).then(|| {
        format!(
            "an interrupted apply to {} ({}) moved its copy aside to {}, which cannot be reached now (a folder above it was moved?); it will be put back on the next run once it can",
            r.artifact,
            r.target.display(),
            r.old.display()
        )
    })
}

fn recover_row(store: &Store, r: &JournalRow) -> Result<String> {
    let what = format!("{} ({})", r.artifact, r.target.display());
    // The journal names the artifact as `type:name`; its type decides how the tree is read
    // (an MCP server is a folder as a skill is).
    let shape = r
        .artifact
        .split_once(':')
        .and_then(|(kind, _)| kind.parse::<crate::id::ArtifactType>().ok())
        .map_or(Shape::File, crate::id::ArtifactType::shape);
    // Whether what is at the target is the tree this apply wrote (and so may be taken away).
    let target_is_ours = || -> bool {
        match (&r.new_hash, hash_now(&r.target, shape)) {
            (_, Ok(None)) => true,
            (Some(h), Ok(Some(now))) => *h == now,
            (None, Ok(Some(_))) => fs::symlink_metadata(&r.stage).is_err(),
            (_, Err(_)) => false,
        }
    };
    let note = if r.committed {
        remove_path(&r.old).at(&r.old)?;
        format!("finished an interrupted apply to {what}: the new content is in place and recorded")
    } else {
        let old_there = fs::symlink_metadata(&r.old).is_ok();
        let target_there = fs::symlink_metadata(&r.target).is_ok();
        if let Some(note) = unreachable(r) {
            return Ok(note);
        }
        let note = if old_there {
            if target_is_ours() {
                // The target was moved aside; whatever is at the target now is the new tree.
                remove_path(&r.target).at(&r.target)?;
                fs::rename(&r.old, &r.target).at(&r.target)?;
                format!("undid an interrupted apply to {what}; the previous content is back")
            } else {
                // Someone wrote the target meanwhile: keep theirs, and the replaced content too.
                format!(
                    "an interrupted apply to {what} was undone, but the target was written by someone else meanwhile and is left as it is; the content it replaced is at {}",
                    r.old.display()
                )
            }
        } else if !r.had_old && target_there && target_is_ours() {
            // A first apply whose new tree was moved in: the database never recorded it.
            remove_path(&r.target).at(&r.target)?;
            format!("undid an interrupted apply to {what} (its first write); the copy the database never recorded was removed")
        } else {
            format!("undid an interrupted apply to {what} before it changed anything; only its staging was removed")
        };
        if let Some(parent) = r.target.parent() {
            sync_dir(parent);
        }
        note
    };
    remove_path(&r.stage).at(&r.stage)?;
    store.journal_delete(r.id)?;
    Ok(note)
}

impl Store {
    fn journal_prepare(
        &self,
        artifact: &str,
        target: &Path,
        had_old: bool,
        stage: &Path,
        old: &Path,
        new_hash: &str,
    ) -> Result<i64> {
        self.conn()
            .execute(
                "INSERT INTO journal (artifact, target, stage, old, had_old, state, created_at, new_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'prepared', ?6, ?7)",
                params![
                    artifact,
                    target.to_string_lossy(),
                    stage.to_string_lossy(),
                    old.to_string_lossy(),
                    had_old,
                    crate::time::now_utc(),
                    new_hash
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn().last_insert_rowid())
    }

    fn journal_commit(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("UPDATE journal SET state = 'committed' WHERE id = ?1", [id])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn journal_delete(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM journal WHERE id = ?1", [id])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    pub fn journal_rows(&self) -> Result<Vec<JournalRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, artifact, target, stage, old, had_old, state, new_hash FROM journal ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(JournalRow {
                id: r.get(0)?,
                artifact: r.get(1)?,
                target: PathBuf::from(r.get::<_, String>(2)?),
                stage: PathBuf::from(r.get::<_, String>(3)?),
                old: PathBuf::from(r.get::<_, String>(4)?),
                had_old: r.get(5)?,
                committed: r.get::<_, String>(6)? == "committed",
                new_hash: r.get(7)?,
            })
        })
        .and_then(|it| it.collect())
        .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
