//! Atomic apply of a tree into a tier, under a journal row, with crash recovery.
//!
//! Order: journal row (`prepared`) → stage beside the target and fsync → move the target aside →
//! move the stage in → the caller commits its database changes together with
//! [`Swap::mark_committed`] → the old tree is removed and the row deleted. Recovery on the next
//! open rolls a `prepared` row back (the old tree returns, the database never saw the new one)
//! and finishes a `committed` one. Either way disk and database agree.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::params;

use super::{failpoint, lock, materialise};
use crate::error::{Error, ErrorKind, IoContext, Result};
use crate::store::Store;
use crate::tree::Tree;

/// An apply whose new tree is in place but whose database commit is still to come.
#[derive(Debug)]
pub struct Swap {
    journal_id: i64,
    old: PathBuf,
    stage: PathBuf,
}

fn sibling(target: &Path, tag: &str, id: i64) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.skillmeat-{tag}-{id}"))
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

/// Stages `tree` and swaps it in at `target` (a skill folder or a `.md` file).
pub fn swap_in(
    store: &Store,
    artifact: &str,
    target: &Path,
    tree: &Tree,
    folder: bool,
) -> Result<Swap> {
    materialise::check(tree)?;
    let parent = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).at(parent)?;
    let had_old = fs::symlink_metadata(target).is_ok();
    let journal_id = store.journal_prepare(artifact, target, had_old)?;
    failpoint::hit("after-journal");
    let stage = sibling(target, "stage", journal_id);
    let old = sibling(target, "old", journal_id);
    store.journal_set_paths(journal_id, &stage, &old)?;
    if let Err(e) = materialise::write_tree(&stage, tree, folder) {
        let _ = remove_path(&stage);
        let _ = store.journal_delete(journal_id);
        return Err(e);
    }
    sync_dir(parent);
    failpoint::hit("after-stage");
    if had_old {
        fs::rename(target, &old).at(target)?;
        failpoint::hit("after-backup");
    }
    if let Err(e) = fs::rename(&stage, target) {
        if had_old {
            let _ = fs::rename(&old, target);
        }
        let _ = remove_path(&stage);
        let _ = store.journal_delete(journal_id);
        return Err(Error::io(target, e));
    }
    sync_dir(parent);
    failpoint::hit("after-swap");
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
        failpoint::hit("after-commit");
        remove_path(&self.old).at(&self.old)?;
        let _ = remove_path(&self.stage);
        store.journal_delete(self.journal_id)?;
        failpoint::hit("after-cleanup");
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
        let _lock = match lock::acquire(&row.target, &row.artifact, Duration::ZERO) {
            Ok(l) => l,
            Err(e) if e.kind() == ErrorKind::Locked => continue,
            Err(e) => return Err(e),
        };
        // Read the row again under the lock: its writer may have finished (or committed) since.
        let Some(row) = store.journal_rows()?.into_iter().find(|r| r.id == row.id) else {
            continue;
        };
        notes.push(recover_row(store, &row)?);
    }
    Ok(notes)
}

fn recover_row(store: &Store, r: &JournalRow) -> Result<String> {
    let note = if r.committed {
        remove_path(&r.old).at(&r.old)?;
        format!(
            "finished an interrupted apply to {} ({})",
            r.artifact,
            r.target.display()
        )
    } else {
        let old_there = fs::symlink_metadata(&r.old).is_ok();
        let target_there = fs::symlink_metadata(&r.target).is_ok();
        let stage_there = fs::symlink_metadata(&r.stage).is_ok();
        if old_there {
            // The target was moved aside; whatever is at the target now is the new tree.
            remove_path(&r.target).at(&r.target)?;
            fs::rename(&r.old, &r.target).at(&r.target)?;
        } else if !r.had_old && target_there && !stage_there {
            // A first apply whose new tree was moved in: the database never recorded it.
            remove_path(&r.target).at(&r.target)?;
        }
        if let Some(parent) = r.target.parent() {
            sync_dir(parent);
        }
        format!(
            "undid an interrupted apply to {} ({}); the previous content is back",
            r.artifact,
            r.target.display()
        )
    };
    remove_path(&r.stage).at(&r.stage)?;
    store.journal_delete(r.id)?;
    Ok(note)
}

impl Store {
    fn journal_prepare(&self, artifact: &str, target: &Path, had_old: bool) -> Result<i64> {
        self.conn()
            .execute(
                "INSERT INTO journal (artifact, target, stage, old, had_old, state, created_at)
                 VALUES (?1, ?2, '', '', ?3, 'prepared', ?4)",
                params![
                    artifact,
                    target.to_string_lossy(),
                    had_old,
                    crate::time::now_utc()
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn().last_insert_rowid())
    }

    fn journal_set_paths(&self, id: i64, stage: &Path, old: &Path) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE journal SET stage = ?2, old = ?3 WHERE id = ?1",
                params![id, stage.to_string_lossy(), old.to_string_lossy()],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
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
                "SELECT id, artifact, target, stage, old, had_old, state FROM journal ORDER BY id",
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
            })
        })
        .and_then(|it| it.collect())
        .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entries of a folder, sorted.
    fn names(dir: impl AsRef<Path>) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Lays out an artifact's starting content on disk.
    fn put(target: &Path, tree: &Tree, folder: bool) {
        for (rel, bytes) in &tree.files {
            let p = if folder {
                target.join(rel)
            } else {
                target.to_path_buf()
            };
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
    }

    fn tree(files: &[(&str, &str)]) -> Tree {
        let mut t = Tree::default();
        for (p, c) in files {
            t.files.insert(p.to_string(), c.as_bytes().to_vec());
        }
        t
    }

    #[test]
    fn a_committed_swap_leaves_only_the_new_tree() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.db")).unwrap();
        let target = dir.path().join("skills/pdf");
        put(&target, &tree(&[("SKILL.md", "old\n")]), true);
        let new = tree(&[("SKILL.md", "new\n"), ("sub/x.md", "x\n")]);
        let swap = swap_in(&store, "skill:pdf", &target, &new, true).unwrap();
        store.in_tx(|| swap.mark_committed(&store)).unwrap();
        swap.finish(&store).unwrap();
        assert_eq!(crate::tree::read_artifact(&target, true).unwrap(), new);
        assert!(store.journal_rows().unwrap().is_empty());
        assert_eq!(names(dir.path().join("skills")), ["pdf"]);
    }

    #[test]
    fn recovery_undoes_an_uncommitted_swap() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.db")).unwrap();
        let target = dir.path().join("commands/review.md");
        put(&target, &tree(&[("review.md", "old\n")]), false);
        let swap = swap_in(
            &store,
            "command:review",
            &target,
            &tree(&[("review.md", "new\n")]),
            false,
        )
        .unwrap();
        // The process "dies" here: no commit, no finish.
        std::mem::forget(swap);
        let notes = recover(&store).unwrap();
        assert!(notes[0].contains("undid"), "{notes:?}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "old\n");
        assert_eq!(names(dir.path().join("commands")), ["review.md"]);
    }

    #[test]
    fn recovery_leaves_an_apply_in_flight_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.db")).unwrap();
        let target = dir.path().join("commands/review.md");
        put(&target, &tree(&[("review.md", "old\n")]), false);
        // A live writer (this process) holds the lock and is between its swap and its commit.
        let held = lock::acquire(&target, "command:review", Duration::ZERO).unwrap();
        let swap = swap_in(
            &store,
            "command:review",
            &target,
            &tree(&[("review.md", "new\n")]),
            false,
        )
        .unwrap();
        // Another open of the workspace meanwhile must not undo it.
        let other = Store::open(&dir.path().join("l.db")).unwrap();
        assert!(recover(&other).unwrap().is_empty());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        store.in_tx(|| swap.mark_committed(&store)).unwrap();
        swap.finish(&store).unwrap();
        drop(held);
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(names(dir.path().join("commands")), ["review.md"]);
    }

    #[test]
    fn recovery_takes_over_and_removes_a_dead_writers_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.db")).unwrap();
        let target = dir.path().join("skills/pdf");
        put(&target, &tree(&[("SKILL.md", "old\n")]), true);
        let swap = swap_in(
            &store,
            "skill:pdf",
            &target,
            &tree(&[("SKILL.md", "new\n")]),
            true,
        )
        .unwrap();
        std::mem::forget(swap);
        // The writer died holding its lock: a pid far above any live process.
        fs::write(lock::lock_path(&target), "999999999 2026-01-01T00:00:00Z\n").unwrap();
        let notes = recover(&store).unwrap();
        assert!(notes[0].contains("undid"), "{notes:?}");
        assert_eq!(
            crate::tree::read_artifact(&target, true).unwrap(),
            tree(&[("SKILL.md", "old\n")])
        );
        assert_eq!(names(dir.path().join("skills")), ["pdf"]);
    }

    #[test]
    fn recovery_removes_a_first_apply_the_database_never_saw() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.db")).unwrap();
        let target = dir.path().join("skills/new");
        let swap = swap_in(
            &store,
            "skill:new",
            &target,
            &tree(&[("SKILL.md", "n\n")]),
            true,
        )
        .unwrap();
        std::mem::forget(swap);
        recover(&store).unwrap();
        assert!(!target.exists());
    }
}
