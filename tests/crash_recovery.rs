//! Crash safety of apply (docs/design.md §6, §12): `sync --apply` is killed by SIGKILL at every failpoint
//! of `skillmeat_core::sync::failpoint::POINTS` (a new point is covered automatically), the next
//! command recovers, and then the tree on disk is wholly the old one or wholly the new one, the
//! lineage database agrees with it, nothing a person wrote is lost and a second sync completes.

use crate::support;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

use serde_json::Value;
use skillmeat_core::sync::failpoint::POINTS;
use support::tree::{hash_of, read_tree, Files};
use support::Env;

mod cases;

use cases::*;

/// The names beside the artifact that are not the artifact, split into lock files whose owner is
/// gone (a SIGKILLed process cannot remove its lock; the next apply takes it over) and anything
/// else (a stage, a moved-aside old tree, a live lock): the latter must never survive recovery.
fn leftovers(target: &Path) -> (Vec<String>, Vec<String>) {
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    let mut dead_locks = Vec::new();
    let mut other = Vec::new();
    for e in std::fs::read_dir(target.parent().unwrap()).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        if n == name {
            continue;
        }
        let lock = format!(".{name}.skillmeat-lsp.lock");
        if n == lock && !lock_owner_alive(&target.with_file_name(&n)) {
            dead_locks.push(n);
        } else {
            other.push(n);
        }
    }
    (dead_locks, other)
}

fn lock_owner_alive(lock: &Path) -> bool {
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    match text
        .split_whitespace()
        .next()
        .and_then(|p| p.parse::<u32>().ok())
    {
        Some(pid) => Path::new(&format!("/proc/{pid}")).exists(),
        None => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Old,
    New,
}

/// Where a point sits relative to the database commit, for the points known today; a point added
/// later is held only to "wholly old or wholly new".
fn expected_side(point: &str) -> Option<Side> {
    match point {
        "before-journal" | "after-journal" | "stage-write" | "after-stage" | "before-swap"
        | "after-backup" | "after-swap" | "store-blob" | "before-commit" => Some(Side::Old),
        "after-commit" | "after-cleanup" => Some(Side::New),
        _ => None,
    }
}

fn history(env: &Env, id: &str) -> Vec<Value> {
    let r = env.run(&["history", id, "--json"]);
    assert_eq!(r.code, 0, "history: {r:?}");
    r.json()["versions"].as_array().unwrap().clone()
}

/// Every parent names a version that exists and is older.
#[track_caller]
fn assert_lineage_consistent(versions: &[Value], what: &str) {
    let number = |v: &Value| -> u32 { v.as_str().unwrap()[1..].parse().unwrap() };
    let known: Vec<u32> = versions.iter().map(|v| number(&v["version"])).collect();
    for v in versions {
        let me = number(&v["version"]);
        for p in v["parents"].as_array().unwrap() {
            let p = number(p);
            assert!(
                known.contains(&p) && p < me,
                "{what}: v{me} has parent v{p} that does not exist or is newer: {versions:#?}"
            );
        }
    }
    assert_eq!(
        versions
            .iter()
            .filter(|v| v["baseline"] == Value::Bool(true))
            .count(),
        1,
        "{what}: exactly one baseline expected: {versions:#?}"
    );
}

fn status_of(env: &Env, id: &str) -> (Value, Vec<String>) {
    let r = env.run(&["status", "--json"]);
    assert!(r.code == 0 || r.code == 1, "status after the crash: {r:?}");
    let v = r.json();
    let a = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing from status: {v}"))
        .clone();
    let warnings = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    (a, warnings)
}

fn sync_args(case: &Case) -> Vec<&str> {
    let mut args = vec!["sync", case.id, "--apply"];
    args.extend_from_slice(case.args);
    args
}

/// The project copy before the sync: what a person wrote.
fn project_files(case: &Case) -> Files {
    match case.args {
        [] => case.old.clone(),
        _ => case.new.clone(),
    }
}

/// The content a person wrote is retrievable as a stored version: `diff` from the deployed
/// version to it shows their line.
#[track_caller]
fn assert_person_content_stored(env: &Env, case: &Case, versions: &[Value], what: &str) {
    let Some((file, line)) = case.person else {
        return;
    };
    let want = hash_of(&project_files(case), case.shape);
    let v = versions
        .iter()
        .find(|v| v["hash"] == want.as_str() && v["has_content"] == Value::Bool(true))
        .unwrap_or_else(|| {
            panic!("{what}: the project edit ({want}) is not a stored version: {versions:#?}")
        });
    let rev = v["version"].as_str().unwrap();
    let r = env.run(&["diff", case.id, "--from", "v1", "--to", rev, "--json"]);
    assert_eq!(r.code, 0, "{what}: diff v1..{rev}: {r:?}");
    let d = r.json();
    let text = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(file))
        .map(|f| f["diff"].as_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        text.contains(&format!("+{line}")),
        "{what}: {rev} does not hold the person's line: {d}"
    );
}

fn crash_at(case: &Case, point: &str) {
    let what = format!("{} killed at {point}", case.label);
    let env = Env::new("");
    (case.setup)(&env);
    let target: PathBuf = env.path(case.target);
    assert_eq!(read_tree(&target), case.old, "{what}: set-up");
    let before = history(&env, case.id);

    // The apply dies at the point, as a power cut or `kill -9` would leave it.
    let mut cmd = env.command();
    cmd.arg("--workspace")
        .arg(env.project())
        .arg("--collection")
        .arg(env.collection())
        .args(sync_args(case))
        .env("SKILLMEAT_FAILPOINTS", point);
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.signal(),
        Some(9),
        "{what}: the process should have died by SIGKILL at the point: {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // The next command recovers.
    let (status, warnings) = status_of(&env, case.id);
    let on_disk = read_tree(&target);
    let side = if on_disk == case.new {
        Side::New
    } else if on_disk == case.old {
        Side::Old
    } else {
        panic!(
            "{what}: torn tree, neither old nor new:\n on disk {:?}\n old {:?}\n new {:?}",
            on_disk.keys().collect::<Vec<_>>(),
            case.old.keys().collect::<Vec<_>>(),
            case.new.keys().collect::<Vec<_>>()
        );
    };
    if let Some(want) = expected_side(point) {
        assert_eq!(side, want, "{what}: wrong side of the commit");
    }
    let (dead_locks, other) = leftovers(&target);
    assert!(
        other.is_empty(),
        "{what}: recovery left {other:?} beside the artifact"
    );
    let recovered = warnings.iter().any(|w| w.contains("interrupted apply"));
    // Killed before its journal row existed, an apply has nothing to undo (and says nothing).
    if side == Side::Old && *point != *"before-journal" {
        assert!(
            recovered,
            "{what}: recovery should say it undid the apply: {warnings:?}"
        );
    }
    // Recovery works under the artifact's lock, so it removes the dead writer's lock file. Only a
    // kill after the apply's journal row is gone (nothing to recover) leaves a dead lock, which
    // the next apply takes over (checked below).
    assert!(
        !recovered || dead_locks.is_empty(),
        "{what}: recovery left the dead writer's lock {dead_locks:?}"
    );

    // The database agrees with the disk.
    let versions = history(&env, case.id);
    assert_lineage_consistent(&versions, &what);
    let baseline = versions
        .iter()
        .find(|v| v["baseline"] == Value::Bool(true))
        .unwrap();
    let new_hash = hash_of(&case.new, case.shape);
    match side {
        Side::New => {
            assert_eq!(status["state"], case.new_state, "{what}: {status}");
            assert_eq!(
                baseline["hash"],
                case.new_baseline.as_str(),
                "{what}: the baseline did not move: {versions:#?}"
            );
            assert!(
                versions
                    .iter()
                    .any(|v| (v["origin"] == "sync" || v["origin"] == "merge")
                        && v["hash"] == new_hash.as_str()),
                "{what}: no sync/merge version holds the new tree: {versions:#?}"
            );
        }
        Side::Old => {
            assert_eq!(status["state"], case.old_state, "{what}: {status}");
            assert_eq!(
                baseline["version"], "v1",
                "{what}: the baseline moved though the old tree is on disk: {versions:#?}"
            );
            // Nothing but the person's own content may have been recorded since (a sync version
            // here would be a sync the disk does not have).
            let project = hash_of(&project_files(case), case.shape);
            for v in versions.iter().take(versions.len() - before.len()) {
                assert!(
                    v["origin"] == "local_modification" && v["hash"] == project.as_str(),
                    "{what}: the database records {} {} that the disk does not have: {versions:#?}",
                    v["origin"],
                    v["version"]
                );
            }
        }
    }
    if let Some((file, line)) = case.person {
        if case.args.is_empty() {
            // Pulling into the project: the edit is on disk in either tree...
            let on_disk = String::from_utf8(read_tree(&target)[file].clone()).unwrap();
            assert!(on_disk.contains(line), "{what}: the person's line is gone");
        }
        if side == Side::New {
            // ...and what the sync replaced is a stored version.
            assert_person_content_stored(&env, case, &versions, &what);
        }
    }

    // A second sync completes and leaves exactly the new tree, and nothing beside it.
    let r = env.run(&sync_args(case));
    assert_eq!(r.code, 0, "{what}: second sync: {r:?}");
    assert_eq!(
        read_tree(&target),
        case.new,
        "{what}: after the second sync"
    );
    let (dead_locks_after, other_after) = leftovers(&target);
    assert!(
        dead_locks_after.is_empty() && other_after.is_empty(),
        "{what}: left beside the artifact after the second sync: {dead_locks_after:?} {other_after:?} (before it: {dead_locks:?})"
    );
    let (status, _) = status_of(&env, case.id);
    assert_eq!(status["state"], case.new_state, "{what}: {status}");
    let versions = history(&env, case.id);
    assert_lineage_consistent(&versions, &what);
    assert_person_content_stored(&env, case, &versions, &what);
    if case.args.is_empty() {
        // The project tier was the target: the collection copy is untouched.
    } else {
        // Pushing: the project copy is untouched.
        assert_eq!(
            read_tree(&env.path("project/.claude/skills/pdf")),
            case.new,
            "{what}"
        );
    }
}

fn crash_everywhere(case: Case) {
    assert!(!POINTS.is_empty());
    for point in POINTS {
        crash_at(&case, point);
    }
}

#[test]
fn a_skill_sync_killed_at_any_failpoint_recovers_to_the_old_or_new_tree() {
    crash_everywhere(skill_outdated());
}

#[test]
fn a_skill_merge_killed_at_any_failpoint_recovers_and_keeps_the_persons_edit() {
    crash_everywhere(skill_merge());
}

#[test]
fn a_command_sync_killed_at_any_failpoint_recovers_to_the_old_or_new_file() {
    crash_everywhere(command_outdated());
}

#[test]
fn a_command_merge_killed_at_any_failpoint_recovers_and_keeps_the_persons_edit() {
    crash_everywhere(command_merge());
}

#[test]
fn a_push_into_the_collection_killed_at_any_failpoint_recovers() {
    crash_everywhere(skill_push());
}

#[test]
fn an_unarmed_failpoint_list_changes_nothing() {
    // The control: with a point name that is not on the path, the same sync just completes.
    let case = skill_outdated();
    let env = Env::new("");
    (case.setup)(&env);
    let mut cmd = env.command();
    cmd.arg("--workspace")
        .arg(env.project())
        .arg("--collection")
        .arg(env.collection())
        .args(sync_args(&case))
        .env("SKILLMEAT_FAILPOINTS", "no-such-point");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(read_tree(&env.path(case.target)), case.new);
}
