//! The per-workspace lineage store: `<workspace>/.skillmeat/lineage.db` (SQLite, WAL).
//!
//! It holds every version of every artifact with its files (content-addressed blobs), the
//! deployment baselines, audit events, conflict records and the stat cache. Opening refuses a
//! database from a newer schema or one that is not ours, and never rewrites it.

mod audit;
mod deployments;
pub mod schema;
mod stat;
mod trail;
mod verify;
mod versions;

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{Error, IoContext, Result};

pub use audit::{AuditEvent, AuditRow, ConflictRecord};
pub use deployments::Deployment;
pub use trail::{AuditFilter, KeptRow, OpenConflict, SyncRow};
pub use verify::{Problem, ProblemKind, VerifyReport};
pub use versions::{NewVersion, Origin, VersionRow};

/// `SKMT`: marks a SQLite file as ours, so we never migrate someone else's database.
const APPLICATION_ID: i64 = 0x534b_4d54;

pub const DIR_NAME: &str = ".skillmeat";
pub const DB_NAME: &str = "lineage.db";

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened below schema 7 (tests of older schemas): artifact rows have no `profile` column,
    /// so only Claude Code's ids exist.
    before_profiles: std::cell::Cell<bool>,
    /// An artifact write began through this store (see [`Store::artifact_written`]).
    artifact_written: std::cell::Cell<bool>,
    /// A project or collection copy was swapped for new content (see [`Store::copy_written`]).
    copy_written: std::cell::Cell<bool>,
}

impl Store {
    /// Opens (creating on first use) the store of the workspace at `root`, and makes sure
    /// `.skillmeat/.gitignore` keeps the database out of commits.
    pub fn open_workspace(root: &Path) -> Result<Store> {
        let dir = root.join(DIR_NAME);
        fs::create_dir_all(&dir).at(&dir)?;
        let store = Store::open(&dir.join(DB_NAME))?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            fs::write(&ignore, "# skillmeat-lsp's lineage database is per machine; never commit it.\nlineage.db*\n")
                .at(&ignore)?;
        }
        Ok(store)
    }

    /// A database in memory, for read-only commands in a folder that is not a project: they
    /// work as usual and leave nothing behind.
    pub fn open_in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| Error::db(&path, e))?;
        let store = Store {
            conn,
            path,
            before_profiles: Default::default(),
            artifact_written: Default::default(),
            copy_written: Default::default(),
        };
        store.migrate(schema::latest())?;
        Ok(store)
    }

    /// How long an open waits for other processes using the database (SQLite's busy timeout,
    /// and the retries of an open that SQLite answered "busy" at once).
    const OPEN_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

    /// Opens the database at `path`, migrating an older schema up to [`schema::latest`].
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_at(path, schema::latest())
    }

    /// Opens and migrates (up or down) to `target`; used by tests of the down steps.
    pub fn open_at(path: &Path, target: u32) -> Result<Store> {
        // A link would put the lineage (and its writes) wherever it points: another project's
        // database, or a file outside the project altogether.
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::malformed(format!(
                "{} is a symlink; skillmeat-lsp never opens its database through a link — replace it with the file itself, or move it away to start a fresh lineage",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| Error::db(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            before_profiles: Default::default(),
            artifact_written: Default::default(),
            copy_written: Default::default(),
        };
        store
            .conn
            .busy_timeout(Self::OPEN_BUSY_WAIT)
            .map_err(|e| store.err(e))?;
        // SQLite answers "busy" at once, without waiting, where waiting could deadlock (a
        // connection that read asking to write while another commits; switching to WAL while
        // others read): processes opening a new database together meet that. Each step below
        // can run again, so the whole is tried again until the wait is over.
        let deadline = std::time::Instant::now() + Self::OPEN_BUSY_WAIT;
        loop {
            match store.prepare(target) {
                Ok(()) => break,
                Err(e) if e.is_db_busy() && std::time::Instant::now() < deadline => {
                    let _ = store.conn.execute_batch("ROLLBACK");
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => return Err(e),
            }
        }
        store.before_profiles.set(target < 7);
        Ok(store)
    }

    /// Whether an artifact write began through this store ([`crate::sync::write::Writer::apply`]):
    /// from then on what it recorded (a person's replaced copy kept as a version) must stay.
    pub fn artifact_written(&self) -> bool {
        self.artifact_written.get()
    }

    pub(crate) fn mark_artifact_written(&self) {
        self.artifact_written.set(true);
    }

    /// Whether a write through this store swapped new content into a copy (an artifact write
    /// that only recorded, such as a sync already up to date, did not): what a command names
    /// when it says where it wrote.
    pub fn copy_written(&self) -> bool {
        self.copy_written.get()
    }

    pub(crate) fn mark_copy_written(&self) {
        self.copy_written.set(true);
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> Error {
        Error::db(&self.path, e)
    }

    /// Refuses files that are not SQLite, belong to another program, or come from a newer build.
    fn check_ours(&self) -> Result<()> {
        let read = |pragma: &str| -> Result<i64> {
            self.conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::NotADatabase =>
                    {
                        Error::malformed(format!(
                            "{} is not a SQLite database (corrupt?); move it away to start a fresh lineage (its history would be lost), or restore it from a backup",
                            self.path.display()
                        ))
                    }
                    e => self.err(e),
                })
        };
        let app = read("application_id")?;
        let version = read("user_version")?;
        if app != 0 && app != APPLICATION_ID {
            return Err(Error::malformed(format!(
                "{} is a SQLite database of another program (application_id {app:#x}); skillmeat-lsp will not touch it; move it away",
                self.path.display()
            )));
        }
        if app == 0 {
            self.check_unmarked(version)?;
        }
        if version > i64::from(schema::latest()) {
            return Err(Error::malformed(format!(
                "{} was written by a newer skillmeat-lsp (schema {version}; this build knows up to {}); upgrade skillmeat-lsp — the file was left untouched",
                self.path.display(),
                schema::latest()
            )));
        }
        Ok(())
    }

    /// A database without our application id is ours only when it is empty (new) or has the
    /// tables of one of our schemas (written before we set the id; it is stamped on open).
    fn check_unmarked(&self, version: i64) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
            .map_err(|e| self.err(e))?;
        let names: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        if names.is_empty() && version == 0 {
            return Ok(());
        }
        let ours = ["artifacts", "blobs", "deployments", "meta", "versions"]
            .iter()
            .all(|t| names.iter().any(|n| n == t));
        if ours && version >= 1 {
            self.conn
                .execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))
                .map_err(|e| self.err(e))?;
            return Ok(());
        }
        let mut shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        if names.len() > 5 {
            shown.push("…");
        }
        Err(Error::malformed(format!(
            "{} is a SQLite database that skillmeat-lsp did not create (it holds {}); it was left untouched — move it away (or use another --workspace) and run the command again to start a fresh lineage",
            self.path.display(),
            if shown.is_empty() {
                format!("schema version {version} and no tables")
            } else {
                format!("tables {}", shown.join(", "))
            }
        )))
    }

    /// SQLite's `data_version`: changes when another connection commits to the database.
    pub fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// The steps of an open after the connection: check the file is ours, WAL, migrate to
    /// `target`. Each may run again after a "busy" (see [`Store::open_at`]).
    fn prepare(&self, target: u32) -> Result<()> {
        // One read transaction: another process creating this database at the same time is
        // seen before or after its migration, never half way (tables without our id).
        self.conn.execute_batch("BEGIN").map_err(|e| self.err(e))?;
        let checked = self.check_ours();
        let _ = self.conn.execute_batch("COMMIT");
        checked?;
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| self.err(e))?;
        self.migrate(target)
    }

    pub fn schema_version(&self) -> Result<u32> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn migrate(&self, target: u32) -> Result<()> {
        let current = self.schema_version()?;
        if current == target {
            return Ok(());
        }
        // Table rebuilds (schema 3) need foreign keys off, which SQLite only allows outside a
        // transaction; the result is checked before the transaction commits.
        self.conn
            .execute_batch("PRAGMA foreign_keys = OFF;")
            .map_err(|e| self.err(e))?;
        let done = self.migrate_steps(target);
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(|e| self.err(e))?;
        done
    }

    fn migrate_steps(&self, target: u32) -> Result<()> {
        self.in_tx(|| {
            // Another process may have migrated between our read and this transaction (two
            // opening a new project at once): go from what is there now.
            let current = self.schema_version()?;
            if current == target {
                return Ok(());
            }
            if current < target {
                for m in schema::MIGRATIONS
                    .iter()
                    .filter(|m| m.version > current && m.version <= target)
                {
                    self.conn.execute_batch(m.up).map_err(|e| self.err(e))?;
                }
            } else {
                for m in schema::MIGRATIONS
                    .iter()
                    .rev()
                    .filter(|m| m.version <= current && m.version > target)
                {
                    self.conn.execute_batch(m.down).map_err(|e| self.err(e))?;
                }
            }
            let broken: i64 = self
                .conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })
                .map_err(|e| self.err(e))?;
            if broken != 0 {
                return Err(Error::malformed(format!(
                    "{}: migrating the schema from {current} to {target} would leave {broken} dangling references; nothing was changed",
                    self.path.display()
                )));
            }
            self.conn
                .execute_batch(&format!(
                    "PRAGMA user_version = {target}; PRAGMA application_id = {APPLICATION_ID};"
                ))
                .map_err(|e| self.err(e))
        })
    }

    /// Runs `f` in one immediate transaction: all of it lands, or none.
    pub fn in_tx<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        match f() {
            Ok(v) => {
                self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The row id of an artifact, created on first use.
    pub fn artifact_row(&self, id: &crate::ArtifactId) -> Result<i64> {
        if self.before_profiles.get() {
            return self.artifact_row_before_profiles(id);
        }
        self.conn
            .execute(
                "INSERT OR IGNORE INTO artifacts (type, name, profile) VALUES (?1, ?2, ?3)",
                [id.kind.as_str(), id.name.as_str(), profile_key(id)],
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .query_row(
                "SELECT id FROM artifacts WHERE type = ?1 AND name = ?2 AND profile = ?3",
                [id.kind.as_str(), id.name.as_str(), profile_key(id)],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// The row id of an artifact if it has ever been recorded.
    pub fn find_artifact(&self, id: &crate::ArtifactId) -> Result<Option<i64>> {
        if self.before_profiles.get() {
            if id.profile.is_some() {
                return Ok(None);
            }
            return self
                .conn
                .query_row(
                    "SELECT id FROM artifacts WHERE type = ?1 AND name = ?2",
                    [id.kind.as_str(), id.name.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| self.err(e));
        }
        self.conn
            .query_row(
                "SELECT id FROM artifacts WHERE type = ?1 AND name = ?2 AND profile = ?3",
                [id.kind.as_str(), id.name.as_str(), profile_key(id)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}

impl Store {
    /// [`Store::artifact_row`] on a store opened below schema 7.
    fn artifact_row_before_profiles(&self, id: &crate::ArtifactId) -> Result<i64> {
        if id.profile.is_some() {
            return Err(Error::invalid(format!(
                "{id}: this lineage database predates profiles (schema 7); open it with the current build to upgrade it"
            )));
        }
        self.conn
            .execute(
                "INSERT OR IGNORE INTO artifacts (type, name) VALUES (?1, ?2)",
                [id.kind.as_str(), id.name.as_str()],
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .query_row(
                "SELECT id FROM artifacts WHERE type = ?1 AND name = ?2",
                [id.kind.as_str(), id.name.as_str()],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

impl Store {
    /// The `artifacts.profile` column in a query, `''` on a store opened below schema 7.
    pub(crate) fn profile_column(&self) -> &'static str {
        if self.before_profiles.get() {
            "''"
        } else {
            "a.profile"
        }
    }
}

/// The `artifacts.profile` value of an id: `''` for Claude Code's (schema 7).
fn profile_key(id: &crate::ArtifactId) -> &str {
    id.profile.as_deref().unwrap_or("")
}

/// An id read back from a row (`profile` `''`: Claude Code's).
pub(crate) fn id_from_row(
    kind: crate::id::ArtifactType,
    name: String,
    profile: &str,
) -> crate::ArtifactId {
    crate::ArtifactId {
        kind,
        name,
        profile: (!profile.is_empty()).then(|| profile.to_string()),
    }
}

#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod tests;
