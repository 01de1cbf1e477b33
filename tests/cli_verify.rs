//! `verify` (like `git fsck`) through the real CLI, on a store damaged from outside: every
//! problem named by artifact, version and file; `--json`; exit 0 clean, 1 damaged. A rollback to
//! a damaged version is refused and writes nothing.

use crate::support;

use support::Env;

const P: &str = "project/.claude/skills/pdf/SKILL.md";
const C: &str = "collection/skills/pdf/SKILL.md";
const V1: &str = "---\nname: pdf\n---\n\nversion one\n";

/// `skill:pdf` deployed (v1) and then edited in the project.
fn edited() -> Env {
    let env = Env::new("");
    env.write(C, V1);
    env.write("collection/skills/pdf/notes.md", "notes\n");
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env.write(P, "---\nname: pdf\n---\n\nversion two\n");
    env
}

fn db(env: &Env) -> rusqlite::Connection {
    rusqlite::Connection::open(env.path("project/.skillmeat/lineage.db")).unwrap()
}

fn sha(bytes: &str) -> String {
    skillmeat_core::hash::hash_bytes(bytes.as_bytes())
}

#[test]
fn a_clean_store_verifies_with_exit_0() {
    let env = edited();
    assert_eq!(env.run(&["status"]).code, 1);
    let r = env.run(&["verify", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["problems"], serde_json::json!([]));
    assert!(v["checked"]["versions"].as_u64().unwrap() >= 1, "{v:#}");
    assert!(v["checked"]["blobs"].as_u64().unwrap() >= 2, "{v:#}");
    let r = env.run(&["verify"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("no problems"), "{}", r.stdout);
}

#[test]
fn a_damaged_blob_is_reported_and_rollback_to_its_version_is_refused() {
    let env = edited();
    db(&env)
        .execute(
            "UPDATE blobs SET data = ?1 WHERE hash = ?2",
            rusqlite::params![b"---\nname: pdf\n---\n\nversion 0ne\n".to_vec(), sha(V1)],
        )
        .unwrap();
    let r = env.run(&["verify", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    assert_eq!(v["ok"], false);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{v:#}");
    let p = &problems[0];
    assert_eq!(p["kind"], "damaged-blob");
    assert_eq!(p["artifact"], "skill:pdf");
    assert_eq!(p["version"], "v1");
    assert_eq!(p["file"], "SKILL.md");
    let r = env.run(&["verify"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("skill:pdf v1") && r.stdout.contains("SKILL.md"),
        "{}",
        r.stdout
    );

    let history = |env: &Env| env.run(&["history", "pdf", "--json"]).json()["versions"].clone();
    let before = history(&env);
    let r = env.run(&["rollback", "pdf", "--to", "v1", "--yes"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("damaged") && r.stderr.contains("v1") && r.stderr.contains("SKILL.md"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(env.read(P), "---\nname: pdf\n---\n\nversion two\n");
    assert_eq!(
        history(&env),
        before,
        "the refused rollback recorded a version"
    );
}

#[test]
fn missing_blobs_wrong_hashes_and_dangling_rows_are_each_named() {
    let env = edited();
    assert_eq!(env.run(&["status"]).code, 1);
    let c = db(&env);
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    // The project edit's version (v2) loses its SKILL.md; the deployed one (v1) claims a
    // content hash its files do not give.
    c.execute(
        "DELETE FROM blobs WHERE hash = ?1",
        [sha("---\nname: pdf\n---\n\nversion two\n")],
    )
    .unwrap();
    c.execute(
        "UPDATE versions SET hash = ?1 WHERE number = 1",
        [sha("something else")],
    )
    .unwrap();
    c.execute(
        "INSERT INTO version_parents (version_id, parent_id, ord) SELECT id, 9999, 5 FROM versions WHERE number = 2",
        [],
    )
    .unwrap();
    c.execute("UPDATE deployments SET baseline_version_id = 8888", [])
        .unwrap();
    drop(c);
    let r = env.run(&["verify", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    let mut kinds: Vec<(String, String, String)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap_or("-").to_string(),
                p["file"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    kinds.sort();
    let want: Vec<(String, String, String)> = [
        ("hash-mismatch", "v1", "-"),
        ("missing-baseline", "-", "-"),
        ("missing-blob", "v2", "SKILL.md"),
        ("missing-parent", "v2", "-"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(kinds, want, "{v:#}");
}

#[test]
fn damaged_modes_are_reported_by_verify_as_rollback_refuses_them() {
    use std::os::unix::fs::PermissionsExt;
    let env = edited();
    env.write("collection/skills/pdf/run.sh", "#!/bin/sh\necho hi\n");
    let script = env.path("collection/skills/pdf/run.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.write(P, V1);
    assert_eq!(env.run(&["sync", "skill:pdf", "--apply"]).code, 0);
    env.write(P, "---\nname: pdf\n---\n\nversion three\n");
    // Someone turns the stored executable bit into a setuid one.
    let changed = db(&env)
        .execute(
            "UPDATE versions SET meta = ?1 WHERE meta_hash != ''",
            [b"m\x004755\x00run.sh\x00".to_vec()],
        )
        .unwrap();
    assert!(changed >= 1);
    let number: u32 = db(&env)
        .query_row(
            "SELECT number FROM versions WHERE meta_hash != '' ORDER BY number LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let to = format!("v{number}");
    let r = env.run(&["rollback", "skill:pdf", "--to", &to, "--yes"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert_eq!(env.read(P), "---\nname: pdf\n---\n\nversion three\n");
    // What rollback refuses, verify reports.
    let r = env.run(&["verify", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["kind"] == "damaged-meta"
            && p["artifact"] == "skill:pdf"
            && p["version"] == to),
        "{v:#}"
    );
}
