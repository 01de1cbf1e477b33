//! A modify/delete conflict in a folder artifact (a file deleted on one side and changed on the
//! other) cannot carry conflict markers, so it follows the binary rule: a sync writes nothing
//! for that file (no deleted file brought back, no changed file dropped), `status` reads
//! `conflict` naming the file, a push is refused, and `resolve --file F --take
//! ours|theirs|base` settles it — taking a deletion deletes the file. The editor's Merge and
//! drift diagnostic name the file.

use crate::lsp_commands::settings;
use crate::support;

use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use support::lsp::{full_caps, Lsp};
use support::Env;

const RUN_P: &str = "project/.claude/skills/s/scripts/run.sh";
const RUN_C: &str = "collection/skills/s/scripts/run.sh";
const FILE: &str = "scripts/run.sh";

/// skill:s deployed with an executable `scripts/run.sh`.
fn deployed() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/s/SKILL.md
        S.
        "#,
    );
    env.write(RUN_C, "echo base\n");
    let exec = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(env.path(RUN_C), exec).unwrap();
    assert_eq!(env.run(&["deploy", "skill:s"]).code, 0);
    env
}

/// Which side deleted the file; the other changed it.
#[derive(Debug, Clone, Copy)]
enum Deleted {
    InProject,
    InCollection,
}

fn world(deleted: Deleted) -> Env {
    let env = deployed();
    match deleted {
        Deleted::InProject => {
            std::fs::remove_file(env.path(RUN_P)).unwrap();
            env.write(RUN_C, "echo collection\n");
        }
        Deleted::InCollection => {
            env.write(RUN_P, "echo project\n");
            std::fs::remove_file(env.path(RUN_C)).unwrap();
        }
    }
    env
}

/// The project's run.sh, `None` when it is gone.
fn project_run(env: &Env) -> Option<String> {
    std::fs::read_to_string(env.path(RUN_P)).ok()
}

fn assert_open_conflict(env: &Env, deleted: Deleted, project: Option<&str>) {
    let a = env.artifact("skill:s");
    assert_eq!(a["state"], "conflict", "{deleted:?}: {a:#}");
    assert_eq!(a["unresolved"]["file"], FILE, "{deleted:?}: {a:#}");
    assert_eq!(project_run(env).as_deref(), project, "{deleted:?}");
}

#[test]
fn a_modify_delete_conflict_stays_a_conflict_until_a_side_is_taken() {
    // (which side deleted, the project's run.sh before, take, the project's run.sh after)
    let cases: [(Deleted, Option<&str>, &str, Option<&str>); 6] = [
        (Deleted::InProject, None, "ours", None),
        (
            Deleted::InProject,
            None,
            "theirs",
            Some("echo collection\n"),
        ),
        (Deleted::InProject, None, "base", Some("echo base\n")),
        (
            Deleted::InCollection,
            Some("echo project\n"),
            "ours",
            Some("echo project\n"),
        ),
        (
            Deleted::InCollection,
            Some("echo project\n"),
            "theirs",
            None,
        ),
        (
            Deleted::InCollection,
            Some("echo project\n"),
            "base",
            Some("echo base\n"),
        ),
    ];
    for (deleted, before, take, after) in cases {
        let env = world(deleted);
        // A push first: the collection would keep one side while the baseline moved past the
        // other. Refused, naming the file.
        support::assert_refused(
            &env,
            &[
                "sync",
                "skill:s",
                "--direction",
                "project-to-collection",
                "--apply",
            ],
            4,
            &[
                "scripts/run.sh was",
                "a modify/delete conflict",
                "nothing was pushed",
            ],
        );
        let sync = env.run(&["sync", "skill:s", "--apply"]);
        assert_eq!(sync.code, 4, "{deleted:?}: {sync:?}");
        assert!(
            sync.stdout.contains(&format!("{FILE} stays in conflict"))
                || sync.stdout.contains("nothing written: 1 file in conflict"),
            "{deleted:?}: {sync:?}"
        );
        // Nothing brought back, nothing dropped.
        assert_open_conflict(&env, deleted, before);
        // Asked again, nothing moves and it is the same conflict.
        let again = env.run(&["sync", "skill:s", "--apply"]);
        assert!(again.code == 0 || again.code == 4, "{deleted:?}: {again:?}");
        assert_eq!(
            project_run(&env).as_deref(),
            before,
            "{deleted:?}: {again:?}"
        );
        assert_open_conflict(&env, deleted, before);
        let collection_before = std::fs::read_to_string(env.path(RUN_C)).ok();
        support::assert_refused(
            &env,
            &[
                "sync",
                "skill:s",
                "--direction",
                "project-to-collection",
                "--apply",
            ],
            4,
            &[
                "scripts/run.sh has an open conflict",
                "deleted on one side and changed on the other",
                "--file scripts/run.sh --take ours|theirs|base",
            ],
        );
        assert_eq!(
            std::fs::read_to_string(env.path(RUN_C)).ok(),
            collection_before
        );
        // Without a side it is not resolved; `both` is no side of a deletion.
        let r = env.run(&["resolve", "skill:s"]);
        assert_eq!(r.code, 4, "{deleted:?}: {r:?}");
        assert!(r.stdout.contains("scripts/run.sh: open conflict"), "{r:?}");
        let r = env.run(&["resolve", "skill:s", "--file", FILE, "--take", "both"]);
        assert_ne!(r.code, 0, "{r:?}");
        assert!(
            r.stderr
                .contains("deleted on one side and changed on the other"),
            "{r:?}"
        );
        assert_open_conflict(&env, deleted, before);

        let r = env.run(&["resolve", "skill:s", "--file", FILE, "--take", take]);
        assert_eq!(r.code, 0, "{deleted:?} {take}: {r:?}");
        assert_eq!(project_run(&env).as_deref(), after, "{deleted:?} {take}");
        let a = env.artifact("skill:s");
        assert_ne!(a["state"], "conflict", "{deleted:?} {take}: {a:#}");
        if take == "theirs" && after.is_some() {
            // A side taken from the store keeps the script's executable bit.
            let mode = std::fs::metadata(env.path(RUN_P))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o755, "{deleted:?} {take}");
        }
        if take == "theirs" {
            // The project now holds the collection's side: nothing left to sync.
            assert_eq!(a["state"], "synced", "{deleted:?} {take}: {a:#}");
        }
    }
}

#[test]
fn the_editor_merge_and_diagnostic_name_a_modify_delete_file() {
    let env = world(Deleted::InProject);
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let main = env.path("project/.claude/skills/s/SKILL.md");
    lsp.open(&main, 1);
    let actions = lsp.code_actions(
        &main,
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
        &[],
    );
    let merge = actions
        .iter()
        .filter_map(|a| a["title"].as_str())
        .find(|t| t.starts_with("Merge with collection"))
        .unwrap_or_else(|| panic!("no Merge action: {actions:#?}"));
    assert!(
        merge.contains("scripts/run.sh cannot be merged")
            && merge.contains("resolve skill:s --file scripts/run.sh --take ours|theirs|base"),
        "{merge}"
    );
    // A sync from the server keeps the deletion and leaves the conflict open, named.
    let v = lsp
        .command("skillmeat.sync", json!({ "artifact": "skill:s" }))
        .unwrap_or_else(|e| panic!("skillmeat.sync: {e}"));
    assert_eq!(v["summary"]["conflicts"], 1, "{v:#}");
    assert_eq!(project_run(&env), None, "the deleted file came back");
    let diags = lsp.diagnostics(&main, |d| {
        d.iter().any(|d| {
            d["code"] == "drift-conflict"
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("unresolved conflict in scripts/run.sh"))
        })
    });
    let d = support::lsp::find(&diags, "drift-conflict");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("--file scripts/run.sh --take ours|theirs|base"),
        "{d:#}"
    );
    lsp.finish();
}
