//! Snapshot assertions for command JSON: run a command with `--json`, rewrite what varies from
//! run to run (the temporary folder, timestamps) to placeholders, and compare the whole text
//! with the expected one — stored inline in the test or under `tests/snapshots/<name>.json`.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test --test integration …` rewrites the files under
//! `tests/snapshots/` with what the command printed (review the diff before committing).

use std::path::Path;

use super::{Env, Run};

/// Runs `args` plus `--json` on `env` and returns its stdout with the temporary root shown as
/// `<temp>` and every RFC 3339 timestamp as `<time>`; the exit code must be `code`.
pub fn json_output(env: &Env, args: &[&str], code: i32) -> String {
    let mut full: Vec<&str> = args.to_vec();
    full.push("--json");
    let r: Run = env.run(&full);
    assert_eq!(r.code, code, "{args:?}: {r:?}");
    redact(&r.stdout, env.root())
}

/// `text` with `root` (and its canonical form) as `<temp>` and timestamps as `<time>`.
pub fn redact(text: &str, root: &Path) -> String {
    let mut out = text.to_string();
    let mut roots = vec![root.display().to_string()];
    if let Ok(c) = root.canonicalize() {
        roots.push(c.display().to_string());
    }
    // The longest first, so a canonical path that extends the given one is replaced whole.
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    for r in roots {
        out = out.replace(&r, "<temp>");
    }
    redact_times(&out)
}

/// Replaces each `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with `<time>`.
fn redact_times(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if let Some(len) = timestamp_at(&b[i..]) {
            out.push_str("<time>");
            i += len;
        } else {
            let ch = text[i..].chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn timestamp_at(b: &[u8]) -> Option<usize> {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let shape = b.len() >= 19
        && digits(&b[0..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
        && b[10] == b'T'
        && digits(&b[11..13])
        && b[13] == b':'
        && digits(&b[14..16])
        && b[16] == b':'
        && digits(&b[17..19]);
    if !shape {
        return None;
    }
    let mut n = 19;
    if b.get(n) == Some(&b'.') {
        n += 1;
        while b.get(n).is_some_and(u8::is_ascii_digit) {
            n += 1;
        }
    }
    match b.get(n) {
        Some(b'Z') => Some(n + 1),
        Some(b'+' | b'-') if b.len() >= n + 6 && b[n + 3] == b':' => Some(n + 6),
        _ => Some(n),
    }
}

/// Asserts `actual` equals the inline `expected` (its shared indentation and the surrounding
/// blank lines removed, so a snapshot can sit indented in the test's code).
pub fn assert_inline(actual: &str, expected: &str) {
    let expected = dedent(expected);
    if actual.trim_end() != expected.trim_end() {
        panic!(
            "snapshot differs\n--- expected\n{}\n--- actual\n{}",
            expected.trim_end(),
            actual.trim_end()
        );
    }
}

/// Asserts `actual` equals `tests/snapshots/<name>.json` (written when `UPDATE_SNAPSHOTS=1`).
pub fn assert_file(actual: &str, name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/snapshots")
        .join(format!("{name}.json"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to write it",
            path.display()
        )
    });
    if actual != expected {
        panic!(
            "{} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            expected.trim_end(),
            actual.trim_end()
        );
    }
}

fn dedent(text: &str) -> String {
    let lines: Vec<&str> = super::fixture::dedent(text).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_paths_and_times_become_placeholders() {
        let got = redact(
            r#"{"at": "/tmp/x1/project", "t": "2026-11-29T17:05:09.123Z", "u": "2026-11-29T17:05:09+01:00", "n": "2026-11"}"#,
            Path::new("/tmp/x1"),
        );
        assert_eq!(
            got,
            r#"{"at": "<temp>/project", "t": "<time>", "u": "<time>", "n": "2026-11"}"#
        );
    }
}
