//! Per-artifact locks, so two editor windows and the CLI never apply to one artifact at once.
//!
//! A lock is a file beside the artifact (`.<name>.skillmeat-lsp.lock`, a dot-entry so discovery
//! never sees it) holding the owner's pid, the time it took the lock and its own start time
//! (clock ticks after boot, `/proc/<pid>/stat` field 22), and held with an exclusive `flock` for
//! as long as the owner lives: the kernel drops that when the owner dies, however it dies, so a
//! lock file left by a killed process is free and simply taken over, with no window in which two
//! takers could both remove it. A file that is not `flock`ed (written by a build without `flock`,
//! or by hand) is respected while its pid belongs to the process that wrote it, and is stale —
//! taken over at once — when the pid is gone or has been reused: the process now under that pid
//! started after the lock was taken (or at another start time than the one recorded).
//!
//! How long a taker waits is the caller's timeout; `SKILLMEAT_LOCK_TIMEOUT_MS` overrides every
//! nonzero timeout (tests, and people who would rather fail fast), and [`never_wait`] makes every
//! taker of the process a probe (the language server, whose one thread must never wait on
//! another process).

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use rustix::fs::FlockOperation;

use crate::error::{Error, Result};

/// Environment variable overriding how long a taker waits, in milliseconds.
pub const TIMEOUT_ENV: &str = "SKILLMEAT_LOCK_TIMEOUT_MS";

#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// Holds the `flock`; closed (releasing it) after the file is removed.
    _file: File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Remove first, unlock second (when `_file` closes): a taker that opened this file before
        // the removal then finds the path no longer names it and starts over.
        let _ = fs::remove_file(&self.path);
        held_here().remove(&self.path);
    }
}

/// The lock files this process holds: under [`never_wait`] a taker still waits its turn behind
/// another thread of this process (a bulk sync updating the shared deployed file), never behind
/// another process.
fn held_here() -> std::sync::MutexGuard<'static, std::collections::HashSet<PathBuf>> {
    static HELD: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<PathBuf>>> =
        std::sync::OnceLock::new();
    HELD.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How long a taker under [`never_wait`] waits before it concludes that the holder is another
/// process: the moment between a thread of ours taking the `flock` and noting it.
const NEVER_WAIT_GRACE: Duration = Duration::from_millis(100);

/// The lock file guarding the artifact at `artifact_path`.
pub fn lock_path(artifact_path: &Path) -> PathBuf {
    let name = artifact_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    artifact_path.with_file_name(format!(".{name}{}", crate::layout::LOCK_SUFFIX))
}

/// The start time of process `pid` in clock ticks after boot (`/proc/<pid>/stat` field 22).
fn start_ticks(pid: i32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 2, the command name, is in parentheses and may hold spaces: count after its end.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// When process `pid` started, from its start ticks and the boot time (`btime` in /proc/stat).
fn started_at(pid: i32) -> Option<SystemTime> {
    let ticks = start_ticks(pid)?;
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let btime: u64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    let hz = rustix::param::clock_ticks_per_second().max(1);
    let since_boot = Duration::from_millis(ticks.saturating_mul(1000) / hz);
    SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(btime))?
        .checked_add(since_boot)
}

/// Whether the lock file's text (`<pid> <taken at> [<start ticks>]`) names a process that is
/// alive and is the one that took the lock — not a later process that was given the same pid.
fn holder_alive(text: &str) -> bool {
    let mut fields = text.split_whitespace();
    let Some(pid) = fields.next().and_then(|p| p.parse::<i32>().ok()) else {
        return false;
    };
    let Some(raw) = rustix::process::Pid::from_raw(pid) else {
        return false;
    };
    // Signal 0 probes for existence; EPERM means it exists but belongs to someone else.
    let exists = match rustix::process::test_kill_process(raw) {
        Ok(()) => true,
        Err(e) => e == rustix::io::Errno::PERM,
    };
    if !exists {
        return false;
    }
    let taken_at = fields.next();
    if let Some(recorded) = fields.next().and_then(|t| t.parse::<u64>().ok()) {
        // The holder recorded its own start: any other start is another process.
        return start_ticks(pid).is_none_or(|now| now == recorded);
    }
    // Only a time: a process that started after the lock was taken cannot have taken it. The
    // boot time has whole seconds, so allow one second of slack.
    let taken_at = taken_at.and_then(|t| humantime::parse_rfc3339_weak(t).ok());
    match (taken_at, started_at(pid)) {
        (Some(taken), Some(started)) => taken
            .checked_add(Duration::from_secs(1))
            .is_none_or(|limit| started <= limit),
        _ => true,
    }
}

/// A lock file we could `flock` that still names another live process, written by a locker that
/// does not `flock`.
fn held_without_flock(text: &str) -> bool {
    let mine = text
        .split_whitespace()
        .next()
        .is_some_and(|p| p == std::process::id().to_string());
    !mine && holder_alive(text)
}

/// One attempt: the lock, or `None` while someone else holds it.
fn try_take(path: &Path) -> Result<Option<Lock>> {
    loop {
        // Never through a link (a shared collection can commit `.<name>.skillmeat-lsp.lock ->
        // ~/.bashrc`, which writing the pid would overwrite), and never waiting on a FIFO.
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        let not_ours = || {
            Error::malformed(format!(
                "{} is not a lock file skillmeat-lsp made (a symlink, FIFO or other special file); skillmeat-lsp never writes through it — remove it and run again",
                path.display()
            ))
        };
        let mut file = match OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(flags.bits() as i32)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return Err(not_ours())
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        if !file.metadata().map_err(|e| Error::io(path, e))?.is_file() {
            return Err(not_ours());
        }
        match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::WOULDBLOCK || e == rustix::io::Errno::INTR => {
                return Ok(None)
            }
            Err(e) => return Err(Error::io(path, e.into())),
        }
        // The previous holder may have removed the file after we opened it: the lock is whatever
        // file the path names now.
        let same = match (rustix::fs::fstat(&file), rustix::fs::stat(path)) {
            (Ok(a), Ok(b)) => a.st_dev == b.st_dev && a.st_ino == b.st_ino,
            _ => false,
        };
        if !same {
            continue;
        }
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        if held_without_flock(&text) {
            return Ok(None);
        }
        let stamp = crate::time::now_utc();
        let write = |f: &mut File| -> std::io::Result<()> {
            f.set_len(0)?;
            f.rewind()?;
            match start_ticks(std::process::id() as i32) {
                Some(t) => writeln!(f, "{} {stamp} {t}", std::process::id())?,
                None => writeln!(f, "{} {stamp}", std::process::id())?,
            }
            f.sync_all()
        };
        if let Err(e) = write(&mut file) {
            // Ours (we hold its flock) but not a lock anyone can read: never leave it behind
            // (a full disk fails here).
            let _ = fs::remove_file(path);
            return Err(Error::io(path, e));
        }
        held_here().insert(path.to_path_buf());
        return Ok(Some(Lock {
            path: path.to_path_buf(),
            _file: file,
        }));
    }
}

static NEVER_WAIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on no taker in this process waits for another process: a lock another process holds
/// is at once (after [`NEVER_WAIT_GRACE`]) an error naming the holder's pid, with "try again";
/// a lock another thread of this process holds is still waited for, as before. The language
/// server sets this: its one owner thread answers every request, and a wait there on another
/// process would freeze them all.
pub fn never_wait() {
    NEVER_WAIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// `timeout`, or the override from [`TIMEOUT_ENV`] when it is nonzero (a zero timeout is a probe).
fn effective_timeout(timeout: Duration) -> Duration {
    if timeout.is_zero() {
        return timeout;
    }
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(timeout)
}

/// What a taker is waiting for, as given to the [`on_wait`] observer.
#[derive(Debug)]
pub struct Waiting<'a> {
    /// The lock file.
    pub path: &'a Path,
    /// The holder as its lock file names it (`<pid> <taken at> [<start ticks>]`).
    pub holder: &'a str,
    /// How long the taker waits in all.
    pub timeout: Duration,
}

/// How long a taker waits before it tells the [`on_wait`] observer.
pub const WAIT_NOTICE_AFTER: Duration = Duration::from_secs(1);

static ON_WAIT: std::sync::OnceLock<fn(&str, &Waiting<'_>)> = std::sync::OnceLock::new();

/// Sets the process's observer of long lock waits: called once per wait that lasts
/// [`WAIT_NOTICE_AFTER`], with what is locked and by whom. The core prints nothing; the CLI
/// says what it waits for. The first observer set stays.
pub fn on_wait(f: fn(&str, &Waiting<'_>)) {
    let _ = ON_WAIT.set(f);
}

/// Takes the lock on the artifact at `artifact_path`, waiting up to `timeout`.
pub fn acquire(artifact_path: &Path, what: &str, timeout: Duration) -> Result<Lock> {
    let timeout = effective_timeout(timeout);
    let path = lock_path(artifact_path);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let started = Instant::now();
    let mut told = false;
    loop {
        if let Some(lock) = try_take(&path)? {
            return Ok(lock);
        }
        if !told && started.elapsed() >= WAIT_NOTICE_AFTER && timeout > WAIT_NOTICE_AFTER {
            told = true;
            if let Some(f) = ON_WAIT.get() {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                f(
                    what,
                    &Waiting {
                        path: &path,
                        holder: holder.trim(),
                        timeout,
                    },
                );
            }
        }
        if NEVER_WAIT.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed() >= NEVER_WAIT_GRACE.min(timeout)
            && !held_here().contains(&path)
        {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            let pid = holder.split_whitespace().next().unwrap_or("unknown");
            return Err(Error::locked(format!(
                "{what} is being written by another process (pid {pid}); try again when it has finished"
            )));
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
    fn takers_racing_for_a_stale_lock_never_hold_it_together() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Barrier;
        let dir = tempfile::tempdir().unwrap();
        let art = dir.path().join("pdf");
        for _ in 0..15 {
            fs::write(lock_path(&art), "999999999 2026-01-01T00:00:00Z\n").unwrap();
            let holders = AtomicUsize::new(0);
            let most = AtomicUsize::new(0);
            let start = Barrier::new(6);
            std::thread::scope(|s| {
                for _ in 0..6 {
                    s.spawn(|| {
                        start.wait();
                        let lock = acquire(&art, "skill:pdf", Duration::from_secs(20)).unwrap();
                        let n = holders.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(n, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(2));
                        holders.fetch_sub(1, Ordering::SeqCst);
                        drop(lock);
                    });
                }
            });
            assert_eq!(
                most.load(Ordering::SeqCst),
                1,
                "two takers held the lock at once"
            );
            assert!(!lock_path(&art).exists());
        }
    }

    /// A live child process (killed when dropped).
    struct Sleeper(std::process::Child);

    impl Drop for Sleeper {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn sleeper() -> Sleeper {
        Sleeper(
            std::process::Command::new("sleep")
                .arg("30")
                .spawn()
                .unwrap(),
        )
    }

    #[test]
    fn a_lock_naming_a_pid_reused_by_a_later_process_is_taken_over_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let art = dir.path().join("review.md");
        // The lock was taken a minute before the process now holding its pid started.
        let child = sleeper();
        let before = humantime::format_rfc3339(SystemTime::now() - Duration::from_secs(60));
        fs::write(lock_path(&art), format!("{} {before}\n", child.0.id())).unwrap();
        let started = Instant::now();
        let lock = acquire(&art, "command:review", Duration::from_secs(5)).unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        drop(lock);
        // A recorded start time that is not the process's own is another process too.
        let ticks = start_ticks(child.0.id() as i32).unwrap();
        let now = crate::time::now_utc();
        fs::write(
            lock_path(&art),
            format!("{} {now} {}\n", child.0.id(), ticks + 7),
        )
        .unwrap();
        assert!(acquire(&art, "command:review", Duration::ZERO).is_ok());
    }

    #[test]
    fn a_lock_held_by_its_live_writer_is_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let art = dir.path().join("review.md");
        let child = sleeper();
        std::thread::sleep(Duration::from_millis(20));
        // Written after the child started, as a real holder would, with and without its start.
        let ticks = start_ticks(child.0.id() as i32).unwrap();
        for text in [
            format!("{} {}\n", child.0.id(), crate::time::now_utc()),
            format!("{} {} {ticks}\n", child.0.id(), crate::time::now_utc()),
        ] {
            fs::write(lock_path(&art), &text).unwrap();
            let started = Instant::now();
            let err = acquire(&art, "command:review", Duration::from_millis(300)).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Locked, "{text}");
            assert!(started.elapsed() >= Duration::from_millis(300));
            assert_eq!(fs::read_to_string(lock_path(&art)).unwrap(), text);
        }
    }

    #[test]
    fn a_taken_lock_records_its_holders_start_time() {
        let dir = tempfile::tempdir().unwrap();
        let art = dir.path().join("review.md");
        let _lock = acquire(&art, "command:review", Duration::ZERO).unwrap();
        let text = fs::read_to_string(lock_path(&art)).unwrap();
        let fields: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(fields.len(), 3, "{text}");
        assert_eq!(
            fields[2].parse::<u64>().ok(),
            start_ticks(std::process::id() as i32)
        );
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
