//! The workspaces this product has opened, remembered in the user's state folder so `projects`
//! and `sync --all-projects` can reach every project at once.
//!
//! The registry is one small JSON file, `$XDG_STATE_HOME/skillmeat-lsp/workspaces.json`
//! (default `~/.local/state/skillmeat-lsp/`): `{"version": 1, "workspaces": [{"path", "added"}]}`.
//! It is read-modify-written under its own lock and lands atomically (temp file, fsync, rename),
//! and a workspace whose folder is gone is pruned the next time the file is written. A damaged
//! registry (unreadable, not UTF-8, not our JSON) is never fatal: it reads as empty, and the next
//! registration moves it aside (`workspaces.json.damaged-<n>`) and says so before it starts a new
//! one. A registry of a newer version is never rewritten: registering refuses, naming it.
//!
//! SkillMeat 0.74 records the projects it deployed to in its cache database
//! (`~/.skillmeat/cache/cache.db`, table `projects`, column `path`); those are read too (read-only,
//! never written), so projects SkillMeat knows appear without having been opened here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};

/// The registry's file name inside its folder.
pub const FILE_NAME: &str = "workspaces.json";

/// How long a registration waits for another process's read-modify-write.
const LOCK_TIMEOUT: Duration = Duration::from_secs(2);

/// Where a project came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// Opened by this product (a CLI command run in it, or an editor's workspace folder).
    Opened,
    /// Listed in SkillMeat's cache database.
    SkillMeat,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Opened => "opened",
            Source::SkillMeat => "skillmeat",
        }
    }
}

/// One known project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub path: PathBuf,
    pub source: Source,
}

/// The registry folder: `$XDG_STATE_HOME/skillmeat-lsp`, else `$HOME/.local/state/skillmeat-lsp`
/// (an empty or relative `XDG_STATE_HOME` is ignored, as the XDG spec says).
pub fn dir_from(xdg_state_home: Option<&str>, home: Option<&Path>) -> Option<PathBuf> {
    let state = xdg_state_home
        .filter(|v| Path::new(v).is_absolute())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".local").join("state")))?;
    Some(state.join("skillmeat-lsp"))
}

/// The registry folder of this process (see [`dir_from`]).
pub fn dir() -> Option<PathBuf> {
    let xdg = std::env::var("XDG_STATE_HOME").ok();
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    dir_from(xdg.as_deref(), home.as_deref())
}

/// The registry at `dir`.
#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
}

#[derive(Clone)]
struct Entry {
    path: PathBuf,
    added: String,
}

/// The version of the registry file this build reads and writes.
const VERSION: u64 = 1;

/// The registry file as read.
enum Read {
    Entries(Vec<Entry>),
    /// Why it cannot be read as a registry.
    Damaged(String),
    /// Its `version`, newer than [`VERSION`].
    Newer(u64),
}

impl Registry {
    pub fn at(dir: PathBuf) -> Registry {
        Registry { dir }
    }

    /// This process's registry, when a state folder can be named.
    pub fn from_process() -> Option<Registry> {
        dir().map(Registry::at)
    }

    pub fn file(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    fn read_entries(&self) -> Vec<Entry> {
        match self.read() {
            Read::Entries(e) => e,
            Read::Damaged(_) | Read::Newer(_) => Vec::new(),
        }
    }

    fn read(&self) -> Read {
        let text = match crate::limits::read_manifest(&self.file()) {
            Ok(Some(text)) => text,
            Ok(None) => return Read::Entries(Vec::new()),
            // `read_manifest` speaks of TOML; this file is JSON.
            Err(e) if e.to_string().contains("not UTF-8") => {
                return Read::Damaged("not UTF-8 text".into())
            }
            Err(e) => return Read::Damaged(e.to_string()),
        };
        let v = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => v,
            Err(e) => return Read::Damaged(format!("not JSON: {e}")),
        };
        match v["version"].as_u64() {
            Some(VERSION) => {}
            Some(n) if n > VERSION => return Read::Newer(n),
            _ => return Read::Damaged(format!("no `\"version\": {VERSION}`")),
        }
        let Some(list) = v["workspaces"].as_array() else {
            return Read::Damaged("no `workspaces` list".into());
        };
        let entries = list
            .iter()
            .filter_map(|w| {
                Some(Entry {
                    path: PathBuf::from(w["path"].as_str()?),
                    added: w["added"].as_str().unwrap_or_default().to_string(),
                })
            })
            .filter(|e| e.path.is_absolute())
            .collect();
        Read::Entries(entries)
    }

    fn newer(&self, n: u64) -> Error {
        Error::malformed(format!(
            "the workspace registry {} is version {n}, newer than this skillmeat-lsp writes ({VERSION}); it was left as it is: use the newer skillmeat-lsp that wrote it",
            self.file().display()
        ))
    }

    /// The registered workspaces that still exist, in the order they were added.
    pub fn workspaces(&self) -> Vec<PathBuf> {
        self.read_entries()
            .into_iter()
            .map(|e| e.path)
            .filter(|p| p.is_dir())
            .collect()
    }

    /// Remembers `root` (a project folder). Writes only when something changes: a new workspace,
    /// or a gone one to prune. Returns whether the file was written.
    pub fn register(&self, root: &Path) -> Result<bool> {
        self.register_noting(root).map(|(written, _)| written)
    }

    /// [`Registry::register`], with what a person should hear: a damaged registry moved aside.
    /// A registry of a newer version is an error, and it is not written.
    pub fn register_noting(&self, root: &Path) -> Result<(bool, Option<String>)> {
        let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        match self.read() {
            Read::Newer(n) => return Err(self.newer(n)),
            Read::Entries(entries) => {
                let known = entries.iter().any(|e| e.path == root);
                if known && entries.iter().all(|e| e.path.is_dir()) {
                    return Ok((false, None));
                }
            }
            Read::Damaged(_) => {}
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let file = self.file();
        let _lock = crate::sync::lock::acquire(&file, "the workspace registry", LOCK_TIMEOUT)?;
        // Read again under the lock: another process may have registered meanwhile.
        let (entries, note) = match self.read() {
            Read::Entries(e) => (e, None),
            Read::Newer(n) => return Err(self.newer(n)),
            Read::Damaged(why) => {
                let aside = self
                    .dir
                    .join(format!("{FILE_NAME}.damaged-{}", crate::time::now_ns()));
                std::fs::rename(&file, &aside).map_err(|e| Error::io(&file, e))?;
                let note = format!(
                    "the workspace registry {} could not be read ({why}); it was moved to {} and a new one started",
                    file.display(),
                    aside.display()
                );
                (Vec::new(), Some(note))
            }
        };
        let mut entries: Vec<Entry> = entries.into_iter().filter(|e| e.path.is_dir()).collect();
        if !entries.iter().any(|e| e.path == root) {
            entries.push(Entry {
                path: root,
                added: crate::time::now_utc(),
            });
        }
        let workspaces: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| serde_json::json!({ "path": e.path.to_string_lossy(), "added": e.added }))
            .collect();
        let text = serde_json::to_string_pretty(
            &serde_json::json!({ "version": VERSION, "workspaces": workspaces }),
        )
        .map_err(|e| Error::other(format!("cannot write the workspace registry: {e}")))?;
        write_atomic(&file, text.as_bytes())?;
        Ok((true, note))
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, fsynced and renamed over it.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// The projects SkillMeat 0.74 knows: the `path` column of the `projects` table of its cache
/// database under `skillmeat_root` (`~/.skillmeat/cache/cache.db`), opened read-only. A missing or
/// unreadable database is no projects (SkillMeat's cache is SkillMeat's business).
pub fn skillmeat_projects(skillmeat_root: &Path) -> Vec<PathBuf> {
    let db = skillmeat_root.join("cache").join("cache.db");
    if !db.is_file() {
        return Vec::new();
    }
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = rusqlite::Connection::open_with_flags(&db, flags) else {
        return Vec::new();
    };
    let _ = conn.busy_timeout(Duration::from_millis(500));
    let Ok(mut stmt) = conn.prepare("SELECT path FROM projects ORDER BY path") else {
        return Vec::new();
    };
    let rows = stmt.query_map([], |r| r.get::<_, String>(0));
    match rows {
        Ok(rows) => rows
            .flatten()
            .map(PathBuf::from)
            .filter(|p| p.is_absolute() && p.is_dir())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Every project known: the registry's, then SkillMeat's that the registry lacks, each once
/// (compared after resolving links), gone folders left out.
pub fn known_projects(registry: Option<&Registry>, skillmeat_root: Option<&Path>) -> Vec<Known> {
    let mut out: Vec<Known> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let opened = registry.map(Registry::workspaces).unwrap_or_default();
    let theirs = skillmeat_root.map(skillmeat_projects).unwrap_or_default();
    for (path, source) in opened
        .into_iter()
        .map(|p| (p, Source::Opened))
        .chain(theirs.into_iter().map(|p| (p, Source::SkillMeat)))
    {
        let canon = std::fs::canonicalize(&path).unwrap_or(path);
        if seen.insert(canon.clone()) {
            out.push(Known {
                path: canon,
                source,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_once_and_prunes_gone_workspaces() {
        let t = tempfile::tempdir().unwrap();
        let reg = Registry::at(t.path().join("state"));
        let a = t.path().join("a");
        let b = t.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        assert!(reg.register(&a).unwrap());
        assert!(
            !reg.register(&a).unwrap(),
            "a second registration writes nothing"
        );
        assert!(reg.register(&b).unwrap());
        std::fs::remove_dir_all(&a).unwrap();
        assert_eq!(reg.workspaces(), vec![b.canonicalize().unwrap()]);
        // The next write drops the gone one from the file itself.
        let c = t.path().join("c");
        std::fs::create_dir_all(&c).unwrap();
        reg.register(&c).unwrap();
        let text = std::fs::read_to_string(reg.file()).unwrap();
        assert!(!text.contains("\"a\"") && !text.contains("/a\""), "{text}");
    }

    #[test]
    fn a_damaged_registry_reads_empty_and_is_moved_aside_with_a_note() {
        let a_dir = tempfile::tempdir().unwrap();
        let a = a_dir.path().join("a");
        std::fs::create_dir_all(&a).unwrap();
        let bad: [&[u8]; 3] = [b"{not json", b"\xff\xfe{}", b"{\"workspaces\": []}"];
        for bytes in bad {
            let t = tempfile::tempdir().unwrap();
            let reg = Registry::at(t.path().to_path_buf());
            std::fs::write(reg.file(), bytes).unwrap();
            assert!(reg.workspaces().is_empty());
            let (written, note) = reg.register_noting(&a).unwrap();
            assert!(written);
            let note = note.expect("a note about the damaged registry");
            assert!(
                note.contains("could not be read") && note.contains(".damaged-"),
                "{note}"
            );
            assert_eq!(reg.workspaces().len(), 1);
            // The damaged bytes are kept beside it.
            let kept: Vec<Vec<u8>> = std::fs::read_dir(t.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().contains(".damaged-"))
                .map(|p| std::fs::read(p).unwrap())
                .collect();
            assert_eq!(kept, vec![bytes.to_vec()]);
        }
    }

    #[test]
    fn a_registry_of_a_newer_version_is_never_rewritten() {
        let t = tempfile::tempdir().unwrap();
        let reg = Registry::at(t.path().to_path_buf());
        let newer = "{\"version\": 2, \"workspaces\": [], \"more\": true}";
        std::fs::write(reg.file(), newer).unwrap();
        let a = t.path().join("a");
        std::fs::create_dir_all(&a).unwrap();
        let e = reg.register(&a).unwrap_err();
        assert!(e.to_string().contains("is version 2, newer"), "{e}");
        assert_eq!(std::fs::read_to_string(reg.file()).unwrap(), newer);
    }

    #[test]
    fn the_state_folder_follows_xdg_then_home() {
        let home = Path::new("/h");
        assert_eq!(
            dir_from(Some("/s"), Some(home)),
            Some(PathBuf::from("/s/skillmeat-lsp"))
        );
        assert_eq!(
            dir_from(Some("rel"), Some(home)),
            Some(PathBuf::from("/h/.local/state/skillmeat-lsp"))
        );
        assert_eq!(dir_from(None, None), None);
    }
}
