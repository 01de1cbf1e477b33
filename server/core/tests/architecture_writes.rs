//! Checks the write path's invariants of ARCHITECTURE.md that a machine can check: a `Writer`
//! opens only through the workspace's write entry (`workspace/precheck.rs`, where the deployed
//! files are checked), and the unchecked place of a project copy is used only where every
//! profile root was just checked (status's batch) or for a path shown in a message.

use crate::architecture::{relative, repo_root, rust_files};

/// Files below `server/` (not their tests) that call `needle`, outside `allowed`.
fn callers_outside(needle: &str, allowed: &[&str]) -> Vec<String> {
    let server = repo_root().join("server");
    rust_files(&server)
        .into_iter()
        .filter(|f| {
            let rel = relative(f);
            !allowed.iter().any(|a| rel == *a)
        })
        .filter(|f| {
            let text = std::fs::read_to_string(f).expect("readable source");
            // Unit tests at the end of a file may open a writer directly.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            code.lines()
                .any(|l| !l.trim_start().starts_with("//") && l.contains(needle))
        })
        .map(|f| relative(&f))
        .collect()
}

#[test]
fn writers_open_only_through_the_write_paths_entry() {
    // Its deployed-file check runs there, so no command calls it and no writer skips it.
    let direct = callers_outside("Writer::begin(", &["server/core/src/workspace/precheck.rs"]);
    assert!(
        direct.is_empty(),
        "a Writer opened outside Workspace::writer/writers/collection_writer:\n{}",
        direct.join("\n")
    );
    // The place of a project copy unchecked: only status's batch (after checking every root
    // once) and paths shown in messages.
    let unchecked = callers_outside(
        "project_path_unchecked(",
        &[
            "server/core/src/workspace/mod.rs",
            "server/core/src/workspace/status.rs",
            "server/core/src/workspace/markers.rs",
        ],
    );
    assert!(
        unchecked.is_empty(),
        "project_path_unchecked used outside status's batch:\n{}",
        unchecked.join("\n")
    );
}
