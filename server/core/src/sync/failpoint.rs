//! Fault injection for crash and concurrency tests: `SKILLMEAT_FAILPOINTS=name[,name...]` makes
//! the process kill itself with SIGKILL when it reaches a named point of the apply path, as a
//! power cut or `kill -9` would; `name:sleep=MS` instead pauses there for MS milliseconds (so a
//! test can act while an apply is caught mid-way). Unset (the normal case) it costs one cached
//! lookup.

use std::sync::OnceLock;
use std::time::Duration;

/// Every point the apply path passes, in order; the crash test walks this list.
pub const POINTS: &[&str] = &[
    "after-journal",
    "after-stage",
    "after-backup",
    "after-swap",
    "after-commit",
    "after-cleanup",
];

/// What an armed point does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Kill,
    Sleep(Duration),
}

fn parse(v: &str) -> Vec<(String, Action)> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.split_once(":sleep=") {
            Some((name, ms)) => (
                name.to_string(),
                Action::Sleep(Duration::from_millis(ms.trim().parse().unwrap_or(0))),
            ),
            None => (s.to_string(), Action::Kill),
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

/// Dies here, by SIGKILL, when `name` is armed (or pauses, when armed with `:sleep=MS`).
pub fn hit(name: &str) {
    debug_assert!(POINTS.contains(&name), "unknown failpoint {name}");
    for (point, action) in armed() {
        if point != name {
            continue;
        }
        match action {
            Action::Sleep(d) => std::thread::sleep(*d),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_armed_to_kill_or_to_pause() {
        assert_eq!(
            parse("after-swap, after-commit:sleep=1500,"),
            [
                ("after-swap".to_string(), Action::Kill),
                (
                    "after-commit".to_string(),
                    Action::Sleep(Duration::from_millis(1500))
                ),
            ]
        );
    }
}
