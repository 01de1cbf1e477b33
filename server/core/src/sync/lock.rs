//! Per-artifact locks, so two editor windows and the CLI never apply to one artifact at once.
//!
//! A lock is a file created exclusively beside the artifact (`.<name>.skillmeat-lsp.lock`,
//! a dot-entry so discovery never sees it) holding the owner's pid and start time. A lock whose
//! owner is gone, or that is older than [`STALE_AFTER`], is taken over.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::error::{Error, Result};

/// A lock held longer than this is assumed abandoned.
pub const STALE_AFTER: Duration = Duration::from_secs(600);

#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// The lock file guarding the artifact at `artifact_path`.
pub fn lock_path(artifact_path: &Path) -> PathBuf {
    let name = artifact_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    artifact_path.with_file_name(format!(".{name}.skillmeat-lsp.lock"))
}

fn owner_alive(text: &str) -> bool {
    let Some(pid) = text
        .split_whitespace()
        .next()
        .and_then(|p| p.parse::<i32>().ok())
    else {
        return false;
    };
    let Some(pid) = rustix::process::Pid::from_raw(pid) else {
        return false;
    };
    // Signal 0 probes for existence; EPERM means it exists but belongs to someone else.
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

fn is_stale(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        // Vanished or unreadable: let the next attempt decide.
        return false;
    };
    let old = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age > STALE_AFTER);
    old || !owner_alive(&text)
}

/// Takes the lock on the artifact at `artifact_path`, waiting up to `timeout`.
pub fn acquire(artifact_path: &Path, what: &str, timeout: Duration) -> Result<Lock> {
    let path = lock_path(artifact_path);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let started = Instant::now();
    loop {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                let stamp = crate::time::now_utc();
                let _ = writeln!(f, "{} {stamp}", std::process::id());
                let _ = f.sync_all();
                return Ok(Lock { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if is_stale(&path) {
                    // Take over: remove and retry the exclusive create, so two takers still race fairly.
                    let _ = fs::remove_file(&path);
                    continue;
                }
                if started.elapsed() >= timeout {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    return Err(Error::locked(format!(
                        "{what} is locked by another skillmeat-lsp (pid and start: {}); wait for it to finish, or remove {} if that process is gone",
                        holder.trim(),
                        path.display()
                    )));
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_waits_then_times_out_naming_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let art = dir.path().join("pdf");
        let held = acquire(&art, "skill:pdf", Duration::ZERO).unwrap();
        let err = acquire(&art, "skill:pdf", Duration::from_millis(60)).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Locked);
        assert!(err.to_string().contains(".pdf.skillmeat-lsp.lock"), "{err}");
        drop(held);
        assert!(acquire(&art, "skill:pdf", Duration::ZERO).is_ok());
    }

    #[test]
    fn a_lock_whose_owner_is_gone_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let art = dir.path().join("review.md");
        // A pid far above any live process on a test machine.
        fs::write(lock_path(&art), "999999999 2026-01-01T00:00:00Z\n").unwrap();
        let lock = acquire(&art, "command:review", Duration::ZERO).unwrap();
        let text = fs::read_to_string(lock_path(&art)).unwrap();
        assert!(text.starts_with(&std::process::id().to_string()));
        drop(lock);
        assert!(!lock_path(&art).exists());
    }
}
