//! A person's deletion is a change like any other: a sync never quietly brings back a copy that
//! was deleted after it was deployed (docs/design.md §6). Unchanged on the other side it is nothing to
//! take; changed there it is a modify/delete conflict: reported, nothing written, recorded.

use crate::support;

use support::Env;

const AGENT: &str = "project/.claude/agents/helper.md";
const AGENT_C: &str = "collection/agents/helper.md";
const SKILL_C: &str = "collection/skills/s/SKILL.md";
const SKILL_P: &str = "project/.claude/skills/s/SKILL.md";

/// An agent and a skill deployed from the collection.
fn deployed() -> Env {
    let env = Env::new(
        r#"
        //- collection/agents/helper.md
        You help.
        //- collection/skills/s/SKILL.md
        ---
        name: s
        ---

        Do it.
        "#,
    );
    let r = env.run(&["deploy", "agent:helper", "skill:s"]);
    assert_eq!(r.code, 0, "{r:?}");
    env
}

fn open_conflicts(env: &Env) -> Vec<String> {
    let db = rusqlite::Connection::open(env.path("project/.skillmeat/lineage.db")).unwrap();
    let mut stmt = db
        .prepare("SELECT file_path FROM conflicts WHERE resolved_at IS NULL ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn result<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {v:#}"))
}

#[test]
fn sync_all_leaves_a_deleted_project_copy_deleted_and_says_how_to_bring_it_back() {
    let env = deployed();
    std::fs::remove_file(env.path(AGENT)).unwrap();
    env.write(SKILL_C, "---\nname: s\n---\n\nDo it well.\n");
    let r = env.run(&["sync", "--all", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!env.path(AGENT).exists(), "the deleted agent came back");
    assert!(
        r.stdout.contains("agent:helper") && r.stdout.contains("nothing-to-take"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("deleted") && r.stdout.contains("skillmeat-lsp deploy agent:helper"),
        "{}",
        r.stdout
    );
    assert_eq!(env.read(SKILL_P), "---\nname: s\n---\n\nDo it well.\n");
    assert_eq!(env.states()["agent:helper"], "removed");
    // As JSON: nothing to take, nothing written.
    let v = env.run(&["sync", "--all", "--apply", "--json"]).json();
    let a = result(&v, "agent:helper");
    assert_eq!(a["kind"], "nothing-to-take");
    assert_eq!(a["applied"], false);
    assert_eq!(a["conflicts"], 0);
    assert!(!env.path(AGENT).exists());
    // `deploy` brings it back on purpose.
    assert_eq!(env.run(&["deploy", "agent:helper"]).code, 0);
    assert_eq!(env.read(AGENT), "You help.\n");
    assert_eq!(env.states()["agent:helper"], "synced");
}

#[test]
fn a_collection_change_to_a_deleted_project_copy_is_a_modify_delete_conflict() {
    let env = deployed();
    std::fs::remove_file(env.path(AGENT)).unwrap();
    env.write(AGENT_C, "You help, politely.\n");
    let r = env.run(&["sync", "--all", "--apply", "--json"]);
    assert_eq!(r.code, 4, "{r:?}");
    let v = r.json();
    let a = result(&v, "agent:helper");
    assert_eq!(a["conflicts"], 1, "{a:#}");
    assert_eq!(a["applied"], false);
    assert_eq!(a["files"][0]["action"], "conflict");
    assert!(
        a["warnings"][0].as_str().unwrap().contains("modify/delete"),
        "{a:#}"
    );
    assert_eq!(v["summary"]["conflicts"], 1);
    assert!(!env.path(AGENT).exists(), "the deleted agent came back");
    assert_eq!(open_conflicts(&env), ["helper.md"]);
    // The baseline did not move: asked again, it is still the same conflict.
    let r = env.run(&["sync", "agent:helper", "--apply"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stdout.contains("modify/delete"), "{}", r.stdout);
    assert!(!env.path(AGENT).exists());
    // Keeping the deletion writes nothing; taking theirs brings the collection's version back.
    let r = env.run(&["sync", "agent:helper", "--strategy", "ours", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!env.path(AGENT).exists());
    let r = env.run(&["sync", "agent:helper", "--strategy", "theirs", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(AGENT), "You help, politely.\n");
}

#[test]
fn a_dry_run_of_a_deleted_copy_plans_nothing_to_write() {
    let env = deployed();
    std::fs::remove_file(env.path(AGENT)).unwrap();
    let r = env.run(&["sync", "agent:helper"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("nothing-to-take"), "{}", r.stdout);
    assert!(!r.stdout.contains("pass --apply"), "{}", r.stdout);
    assert!(!env.path(AGENT).exists());
}

#[test]
fn a_push_does_not_recreate_a_collection_copy_that_was_deleted() {
    let env = deployed();
    std::fs::remove_dir_all(env.path("collection/skills/s")).unwrap();
    assert_eq!(env.states()["skill:s"], "orphaned");
    let push = [
        "sync",
        "skill:s",
        "--direction",
        "project-to-collection",
        "--apply",
    ];
    let r = env.run(&push);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !env.path("collection/skills/s").exists(),
        "the push recreated it"
    );
    assert!(r.stdout.contains("--strategy overwrite"), "{}", r.stdout);
    // With a project change on top it is a conflict; overwrite puts it back on purpose.
    env.write(SKILL_P, "---\nname: s\n---\n\nDo it my way.\n");
    let r = env.run(&push);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(!env.path("collection/skills/s").exists());
    let mut overwrite = push.to_vec();
    overwrite.extend(["--strategy", "overwrite"]);
    let r = env.run(&overwrite);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(SKILL_C), "---\nname: s\n---\n\nDo it my way.\n");
}
