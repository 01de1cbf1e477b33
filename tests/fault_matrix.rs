//! The fault matrix (docs/design.md §12, issue 9): every writer of the one write path — deploy, add, sync
//! (pull, merge, push), rollback, resolve — is killed by SIGKILL, and separately made to fail with
//! ENOSPC, at every failpoint of `skillmeat_core::sync::failpoint::POINTS` (a new point is covered
//! automatically). After each, and the next command's recovery: the tree is wholly the old one or
//! wholly the new one, nothing is left beside it, every stored version is complete (its files add
//! up to its hash), what a person wrote is on disk or a stored version, no raw database error was
//! shown, and running the writer again completes as an undisturbed run does.

use crate::support;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;

use skillmeat_core::id::{ArtifactId, ArtifactType};
use skillmeat_core::store::Store;
use skillmeat_core::sync::failpoint::POINTS;
use skillmeat_core::Shape;
use support::tree::{hash_of, try_read_tree as read_tree, Files};
use support::Env;

/// Names beside the artifact other than itself and lock files of dead processes.
fn leftovers(target: &Path) -> Vec<String> {
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    let lock = format!(".{name}{}", skillmeat_core::layout::LOCK_SUFFIX);
    let Ok(entries) = std::fs::read_dir(target.parent().unwrap()) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")) && *n != lock)
        .collect()
}

struct Writer {
    label: &'static str,
    /// The artifact written, relative to the temporary root.
    target: &'static str,
    shape: Shape,
    /// Builds the workspace up to the moment before the write.
    setup: fn(&Env),
    args: fn(&Env) -> Vec<String>,
    /// The old content holds something a person wrote that must never be lost.
    person: bool,
}

const SKILL: &str =
    "---\nname: pdf\ndescription: PDF tools\n---\nline 1\nline 2\nline 3\nline 4\nlast line\n";

fn put_skill(env: &Env, dir: &str, skill: &str, extra: &[(&str, &str)]) {
    let root = env.path(dir);
    if root.exists() {
        std::fs::remove_dir_all(&root).unwrap();
    }
    env.write(&format!("{dir}/SKILL.md"), skill);
    env.write(&format!("{dir}/scripts/run.py"), "print('run')\n");
    env.write(&format!("{dir}/docs/ref.md"), "reference v1\n");
    for (p, c) in extra {
        env.write(&format!("{dir}/{p}"), c);
    }
}

fn ok(env: &Env, args: &[&str]) {
    let r = env.run(args);
    assert!(r.code == 0, "{args:?}: {r:?}");
}

/// Deployed skill:pdf, then the collection moved on and a person edited the project copy.
fn both_changed(env: &Env) {
    put_skill(env, "collection/skills/pdf", SKILL, &[]);
    ok(env, &["deploy", "skill:pdf"]);
    put_skill(
        env,
        "collection/skills/pdf",
        &SKILL.replace("line 1\n", "line 1, collection\n"),
        &[("added.md", "added in the collection\n")],
    );
    put_skill(
        env,
        "project/.claude/skills/pdf",
        &SKILL.replace("last line\n", "last line, written by a person\n"),
        &[("notes/mine.md", "my own notes\n")],
    );
}

fn writers() -> Vec<Writer> {
    vec![
        Writer {
            label: "deploy --overwrite over a person's edit",
            target: "project/.claude/skills/pdf",
            shape: Shape::Folder,
            setup: both_changed,
            args: |_| vec!["deploy".into(), "skill:pdf".into(), "--overwrite".into()],
            person: true,
        },
        Writer {
            label: "sync merging into a person's edit",
            target: "project/.claude/skills/pdf",
            shape: Shape::Folder,
            setup: both_changed,
            args: |_| vec!["sync".into(), "skill:pdf".into(), "--apply".into()],
            person: true,
        },
        Writer {
            label: "sync --strategy overwrite",
            target: "project/.claude/skills/pdf",
            shape: Shape::Folder,
            setup: both_changed,
            args: |_| {
                ["sync", "skill:pdf", "--strategy", "overwrite", "--apply"]
                    .map(String::from)
                    .to_vec()
            },
            person: true,
        },
        Writer {
            label: "sync pushing into the collection",
            target: "collection/skills/pdf",
            shape: Shape::Folder,
            setup: |env| {
                put_skill(env, "collection/skills/pdf", SKILL, &[]);
                ok(env, &["deploy", "skill:pdf"]);
                put_skill(
                    env,
                    "project/.claude/skills/pdf",
                    &SKILL.replace("last line\n", "last line, pushed\n"),
                    &[("notes/mine.md", "my own notes\n")],
                );
            },
            args: |_| {
                [
                    "sync",
                    "skill:pdf",
                    "--direction",
                    "project-to-collection",
                    "--apply",
                ]
                .map(String::from)
                .to_vec()
            },
            person: false,
        },
        Writer {
            label: "rollback over a person's edit",
            target: "project/.claude/commands/review.md",
            shape: Shape::File,
            setup: |env| {
                env.write("collection/commands/review.md", "review v1\n");
                ok(env, &["deploy", "command:review"]);
                env.write("collection/commands/review.md", "review v2\n");
                ok(env, &["sync", "command:review", "--apply"]);
                env.write(
                    "project/.claude/commands/review.md",
                    "review v2\nwritten by a person\n",
                );
            },
            args: |_| {
                ["rollback", "command:review", "--to", "v1", "--yes"]
                    .map(String::from)
                    .to_vec()
            },
            person: true,
        },
        Writer {
            label: "resolve --take theirs",
            target: "project/.claude/commands/review.md",
            shape: Shape::File,
            setup: |env| {
                env.write("collection/commands/review.md", "a\nb\nc\n");
                ok(env, &["deploy", "command:review"]);
                env.write(
                    "collection/commands/review.md",
                    "a\nb from the collection\nc\n",
                );
                env.write(
                    "project/.claude/commands/review.md",
                    "a\nb from a person\nc\n",
                );
                let r = env.run(&["sync", "command:review", "--apply"]);
                assert_eq!(r.code, 4, "the merge should leave markers: {r:?}");
            },
            args: |_| {
                ["resolve", "command:review", "--take", "theirs"]
                    .map(String::from)
                    .to_vec()
            },
            person: true,
        },
        Writer {
            label: "add from a local folder",
            target: "collection/skills/fresh",
            shape: Shape::Folder,
            setup: |env| {
                put_skill(
                    env,
                    "src/fresh",
                    &SKILL.replace("name: pdf", "name: fresh"),
                    &[],
                )
            },
            args: |env| vec!["add".into(), env.path("src/fresh").display().to_string()],
            person: false,
        },
    ]
}

struct Outcome {
    code: i32,
    tree: Option<Files>,
}

fn run_writer(env: &Env, w: &Writer, failpoints: Option<&str>) -> (std::process::Output, String) {
    let args = (w.args)(env);
    let mut cmd = env.command();
    cmd.arg("--workspace")
        .arg(env.project())
        .arg("--collection")
        .arg(env.collection())
        .args(&args);
    if let Some(f) = failpoints {
        cmd.env("SKILLMEAT_FAILPOINTS", f);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

/// What an undisturbed run of the writer does.
fn reference(w: &Writer) -> Outcome {
    let env = Env::new("");
    (w.setup)(&env);
    let (out, stderr) = run_writer(&env, w, None);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0,
        "{}: the undisturbed run failed: {stderr}",
        w.label
    );
    Outcome {
        code,
        tree: read_tree(&env.path(w.target)),
    }
}

#[track_caller]
fn assert_no_raw_db_error(stderr: &str, what: &str) {
    for raw in [
        "SqliteFailure",
        "constraint failed",
        "database is locked",
        "panicked",
    ] {
        assert!(!stderr.contains(raw), "{what}: raw error shown: {stderr}");
    }
}

/// Every stored version adds up to its hash. `None` when no lineage database exists: a failed
/// first use removes the `.skillmeat/` it created, and a read-only command in a folder that is
/// not yet a project creates none, so nothing is stored at all.
#[track_caller]
fn assert_versions_complete(env: &Env, what: &str) -> Option<Store> {
    let db = env.project().join(".skillmeat/lineage.db");
    if !db.exists() {
        return None;
    }
    let store = Store::open(&db).unwrap();
    for v in store.all_version_ids().unwrap() {
        if let Err(e) = store.verify_version(v) {
            panic!("{what}: an incomplete version is stored: {e}");
        }
    }
    Some(store)
}

fn fault(w: &Writer, want: &Outcome, point: &str, action: &str) {
    let what = format!("{} with {point}{action}", w.label);
    let env = Env::new("");
    (w.setup)(&env);
    let target = env.path(w.target);
    let old = read_tree(&target);
    if old.is_none() && point == "after-backup" {
        // A first write has no old tree to move aside.
        return;
    }
    let (out, stderr) = run_writer(&env, w, Some(&format!("{point}{action}")));
    // Every writer passes every point: the fault must really have struck there.
    if action.is_empty() {
        assert_eq!(
            out.status.signal(),
            Some(9),
            "{what}: the writer should have been killed at the point: {:?} {stderr}",
            out.status
        );
    } else {
        assert_no_raw_db_error(&stderr, &what);
        assert!(
            out.status.code() != Some(0)
                && (stderr.contains("No space left") || stderr.contains("disk is full")),
            "{what}: the writer should have failed saying the disk is full: {:?} {stderr}",
            out.status
        );
    }

    // The next command recovers.
    let r = env.run(&["status", "--json"]);
    assert!(r.code == 0 || r.code == 1, "{what}: status after: {r:?}");
    assert_no_raw_db_error(&r.stderr, &what);
    let now = read_tree(&target);
    let is_new = now == want.tree;
    assert!(
        is_new || now == old,
        "{what}: torn tree, neither old nor new:\n now {:?}\n old {:?}\n new {:?}",
        now.as_ref().map(|t| t.keys().collect::<Vec<_>>()),
        old.as_ref().map(|t| t.keys().collect::<Vec<_>>()),
        want.tree.as_ref().map(|t| t.keys().collect::<Vec<_>>()),
    );
    assert_eq!(leftovers(&target), Vec::<String>::new(), "{what}");
    let store = assert_versions_complete(&env, &what);

    // What a person wrote is on disk or stored, whole.
    if let (true, Some(old)) = (w.person, &old) {
        if now.as_ref() != Some(old) {
            let id = if w.shape == Shape::Folder {
                ArtifactId::new(ArtifactType::Skill, "pdf")
            } else {
                ArtifactId::new(ArtifactType::Command, "review")
            }
            .unwrap();
            let h = hash_of(old, w.shape);
            let stored = store.as_ref().is_some_and(|store| {
                store.versions(&id).unwrap().into_iter().any(|v| {
                    v.hash == h && v.has_content && store.version_files(v.id).unwrap().is_some()
                })
            });
            assert!(
                stored,
                "{what}: the person's content is neither on disk nor stored"
            );
        }
    }
    drop(store);

    // Running the writer again completes as an undisturbed run does.
    if !is_new {
        let (again, stderr) = run_writer(&env, w, None);
        assert_eq!(
            again.status.code(),
            Some(want.code),
            "{what}: again: {stderr}"
        );
        assert_eq!(read_tree(&target), want.tree, "{what}: after running again");
        assert_eq!(leftovers(&target), Vec::<String>::new(), "{what}");
        assert_versions_complete(&env, &what);
    }
}

fn matrix(action: &str) {
    for w in writers() {
        let want = reference(&w);
        for point in POINTS {
            fault(&w, &want, point, action);
        }
    }
}

#[test]
fn every_writer_killed_at_every_failpoint_leaves_old_or_new_and_loses_nothing() {
    matrix("");
}

#[test]
fn every_writer_out_of_space_at_every_write_leaves_old_or_new_and_loses_nothing() {
    matrix(":enospc");
}
