//! Fault injection for crash and concurrency tests, armed by `SKILLMEAT_FAILPOINTS=spec[,spec...]`.
//!
//! A spec is a point name with an optional action:
//!
//! - `name` — the process kills itself with SIGKILL there, as a power cut or `kill -9` would;
//! - `name:sleep=MS` — pauses there for MS milliseconds;
//! - `name:pause=FILE` — creates `FILE.reached`, then waits until `FILE` exists (at most a
//!   minute): a test can act at exactly that point (an editor saving just before the swap) and
//!   then let the process go on;
//! - `name:enospc` — the write at that point fails with "No space left on device", as on a full
//!   disk.
//!
//! Unset (the normal case) a point costs one cached lookup.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Every point the write path passes, in order; the fault tests walk this list.
pub const POINTS: &[&str] = &[
    "before-journal",
    "after-journal",
    "stage-write",
    "after-stage",
    "before-swap",
    "after-backup",
    "after-swap",
    "store-blob",
    "before-commit",
    "after-commit",
    "after-cleanup",
];

/// What an armed point does.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Kill,
    Sleep(Duration),
    Pause(PathBuf),
    NoSpace,
}

fn parse(v: &str) -> Vec<(String, Action)> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let Some((name, action)) = s.split_once(':') else {
                return (s.to_string(), Action::Kill);
            };
            let action = if let Some(ms) = action.strip_prefix("sleep=") {
                Action::Sleep(Duration::from_millis(ms.trim().parse().unwrap_or(0)))
            } else if let Some(file) = action.strip_prefix("pause=") {
                Action::Pause(PathBuf::from(file))
            } else if action == "enospc" {
                Action::NoSpace
            } else {
                Action::Kill
            };
            (name.to_string(), action)
        })
        .collect()
}

fn armed() -> &'static [(String, Action)] {
    static ARMED: OnceLock<Vec<(String, Action)>> = OnceLock::new();
    ARMED.get_or_init(|| {
        std::env::var("SKILLMEAT_FAILPOINTS")
            .map(|v| parse(&v))
            .unwrap_or_default()
    })
}

/// Acts at point `name` when it is armed: dies by SIGKILL, pauses, or fails the write there
/// with ENOSPC (the error the caller returns as it would a real full disk).
pub fn hit(name: &str) -> std::io::Result<()> {
    debug_assert!(POINTS.contains(&name), "unknown failpoint {name}");
    for (point, action) in armed() {
        if point != name {
            continue;
        }
        match action {
            Action::Sleep(d) => std::thread::sleep(*d),
            Action::Pause(file) => {
                let mut reached = file.clone().into_os_string();
                reached.push(".reached");
                let _ = std::fs::write(&reached, std::process::id().to_string());
                let started = Instant::now();
                while !file.exists() && started.elapsed() < Duration::from_secs(60) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            Action::NoSpace => {
                return Err(std::io::Error::from_raw_os_error(
                    rustix::io::Errno::NOSPC.raw_os_error(),
                ))
            }
            Action::Kill => {
                let _ = rustix::process::kill_process(
                    rustix::process::getpid(),
                    rustix::process::Signal::KILL,
                );
                // SIGKILL cannot be caught; should delivery be delayed, never continue past the point.
                std::process::abort();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_armed_to_kill_pause_or_fail() {
        assert_eq!(
            parse("after-swap, after-commit:sleep=1500,before-swap:pause=/t/go,stage-write:enospc"),
            [
                ("after-swap".to_string(), Action::Kill),
                (
                    "after-commit".to_string(),
                    Action::Sleep(Duration::from_millis(1500))
                ),
                (
                    "before-swap".to_string(),
                    Action::Pause(PathBuf::from("/t/go"))
                ),
                ("stage-write".to_string(), Action::NoSpace),
            ]
        );
    }

    #[test]
    fn an_enospc_point_fails_like_a_full_disk() {
        let e = std::io::Error::from_raw_os_error(rustix::io::Errno::NOSPC.raw_os_error());
        assert!(e.to_string().contains("No space left"), "{e}");
    }
}
