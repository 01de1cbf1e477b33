//! Fault injection for crash tests: `SKILLMEAT_FAILPOINTS=name[,name...]` makes the process kill
//! itself with SIGKILL when it reaches a named point of the apply path, as a power cut or
//! `kill -9` would. Unset (the normal case) it costs one cached lookup.

use std::sync::OnceLock;

/// Every point the apply path passes, in order; the crash test walks this list.
pub const POINTS: &[&str] = &[
    "after-journal",
    "after-stage",
    "after-backup",
    "after-swap",
    "after-commit",
    "after-cleanup",
];

fn armed() -> &'static [String] {
    static ARMED: OnceLock<Vec<String>> = OnceLock::new();
    ARMED.get_or_init(|| {
        std::env::var("SKILLMEAT_FAILPOINTS")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Dies here, by SIGKILL, when `name` is armed.
pub fn hit(name: &str) {
    debug_assert!(POINTS.contains(&name), "unknown failpoint {name}");
    if armed().iter().any(|a| a == name) {
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
        // SIGKILL cannot be caught; should delivery be delayed, never continue past the point.
        std::process::abort();
    }
}
