//! Every drift state of docs/design.md §4 for every artifact type, through the real CLI.

use crate::support;

use support::Env;

/// One artifact type's files in the collection and project, and how to edit it.
struct Kind {
    id: &'static str,
    collection: &'static str,
    project: &'static str,
    /// The file a person edits (the main file).
    main: &'static str,
}

const KINDS: [Kind; 3] = [
    Kind {
        id: "skill:pdf",
        collection: "collection/skills/pdf",
        project: "project/.claude/skills/pdf",
        main: "/SKILL.md",
    },
    Kind {
        id: "command:review",
        collection: "collection/commands/review.md",
        project: "project/.claude/commands/review.md",
        main: "",
    },
    Kind {
        id: "agent:planner",
        collection: "collection/agents/planner.md",
        project: "project/.claude/agents/planner.md",
        main: "",
    },
];

/// A workspace where `kind` is in the collection (a skill with a nested file) and deployed.
fn deployed(kind: &Kind) -> Env {
    let env = Env::new("");
    env.write(
        &format!("{}{}", kind.collection, kind.main),
        "---\nname: x\n---\n\nline one\nline two\n",
    );
    if kind.main == "/SKILL.md" {
        env.write(
            &format!("{}/scripts/run.py", kind.collection),
            "print('hi')\n",
        );
    }
    let r = env.run(&["deploy", kind.id]);
    assert_eq!(r.code, 0, "{r:?}");
    env
}

fn state_of(env: &Env, id: &str) -> String {
    env.states()
        .get(id)
        .cloned()
        .unwrap_or_else(|| "absent".into())
}

fn edit(env: &Env, base: &str, kind: &Kind, text: &str) {
    env.write(&format!("{base}{}", kind.main), text);
}

#[test]
fn freshly_deployed_artifacts_are_synced_and_status_exits_zero() {
    for k in &KINDS {
        let env = deployed(k);
        assert_eq!(state_of(&env, k.id), "synced", "{}", k.id);
        assert_eq!(env.run(&["status"]).code, 0);
    }
}

#[test]
fn editing_the_project_copy_is_modified_and_exits_one() {
    for k in &KINDS {
        let env = deployed(k);
        edit(
            &env,
            k.project,
            k,
            "---\nname: x\n---\n\nline one EDITED\nline two\n",
        );
        assert_eq!(state_of(&env, k.id), "modified", "{}", k.id);
        assert_eq!(env.run(&["status"]).code, 1);
    }
}

#[test]
fn editing_the_collection_copy_is_outdated() {
    for k in &KINDS {
        let env = deployed(k);
        edit(
            &env,
            k.collection,
            k,
            "---\nname: x\n---\n\nline one\nline two\nline three\n",
        );
        assert_eq!(state_of(&env, k.id), "outdated", "{}", k.id);
    }
}

#[test]
fn editing_both_differently_is_a_conflict() {
    for k in &KINDS {
        let env = deployed(k);
        edit(&env, k.project, k, "project side\n");
        edit(&env, k.collection, k, "collection side\n");
        assert_eq!(state_of(&env, k.id), "conflict", "{}", k.id);
    }
}

#[test]
fn both_sides_reaching_the_same_content_is_synced_and_moves_the_baseline() {
    for k in &KINDS {
        let env = deployed(k);
        edit(&env, k.project, k, "same on both sides\n");
        edit(&env, k.collection, k, "same on both sides\n");
        let r = env.run(&["status", "--json"]);
        let a = &r.json()["artifacts"][0];
        assert_eq!(a["state"], "synced", "{}", k.id);
        assert_eq!(
            a["hashes"]["baseline"], a["hashes"]["project"],
            "{}: baseline did not move",
            k.id
        );
        let h = env.run(&["history", k.id, "--json"]).json();
        assert_eq!(h["versions"][0]["origin"], "sync");
        assert_eq!(h["versions"][0]["baseline"], true);
    }
}

#[test]
fn deleting_the_project_copy_is_removed() {
    for k in &KINDS {
        let env = deployed(k);
        let p = env.path(k.project);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
        assert_eq!(state_of(&env, k.id), "removed", "{}", k.id);
    }
}

#[test]
fn deleting_the_collection_copy_is_orphaned() {
    for k in &KINDS {
        let env = deployed(k);
        let p = env.path(k.collection);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
        assert_eq!(state_of(&env, k.id), "orphaned", "{}", k.id);
    }
}

#[test]
fn never_deployed_project_artifacts_are_untracked_and_say_whether_they_match_the_collection() {
    for k in &KINDS {
        let env = Env::new("");
        edit(&env, k.project, k, "hand written\n");
        let r = env.run(&["status", "--json"]);
        assert_eq!(r.code, 0, "untracked alone is not drift: {r:?}");
        let a = &r.json()["artifacts"][0];
        assert_eq!(a["state"], "untracked", "{}", k.id);
        assert!(
            a.get("matches_collection").is_none(),
            "no collection copy to compare with"
        );

        edit(&env, k.collection, k, "hand written\n");
        let a = &env.run(&["status", "--json"]).json()["artifacts"][0];
        assert_eq!(a["matches_collection"], true, "{}", k.id);
        edit(&env, k.collection, k, "something else\n");
        let a = &env.run(&["status", "--json"]).json()["artifacts"][0];
        assert_eq!(a["matches_collection"], false, "{}", k.id);
    }
}

#[test]
fn adding_or_removing_a_file_inside_a_skill_is_drift() {
    let k = &KINDS[0];
    let env = deployed(k);
    env.write("project/.claude/skills/pdf/notes/extra.md", "new file\n");
    assert_eq!(state_of(&env, k.id), "modified");
    std::fs::remove_dir_all(env.path("project/.claude/skills/pdf/notes")).unwrap();
    assert_eq!(state_of(&env, k.id), "synced");
    std::fs::remove_file(env.path("project/.claude/skills/pdf/scripts/run.py")).unwrap();
    assert_eq!(state_of(&env, k.id), "modified");
}

#[test]
fn lock_sidecars_and_dot_entries_are_never_artifacts() {
    let env = deployed(&KINDS[0]);
    env.write("project/.claude/skills/.pdf.skillmeat-lock", "");
    env.write(
        "project/.claude/..skillmeat-deployed.toml.skillmeat-lock",
        "",
    );
    env.write("project/.claude/commands/.draft.md", "x\n");
    let states = env.states();
    assert_eq!(states.len(), 1, "{states:?}");
}

#[test]
fn status_json_has_the_documented_shape() {
    let env = deployed(&KINDS[1]);
    let v = env.run(&["status", "--json"]).json();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in ["workspace", "collection", "artifacts", "summary"] {
        assert!(keys.contains(&k), "missing {k} in {keys:?}");
    }
    let a = &v["artifacts"][0];
    let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "type",
            "name",
            "state",
            "path",
            "main_file",
            "hashes",
            "version"
        ]
    );
    assert_eq!(a["id"], "command:review");
    assert_eq!(a["type"], "command");
    assert_eq!(a["name"], "review");
    assert_eq!(a["path"], ".claude/commands/review.md");
    assert_eq!(a["main_file"], ".claude/commands/review.md");
    assert_eq!(a["version"], "v1");
    assert_eq!(v["summary"]["synced"], 1);
    let h = a["hashes"]["project"].as_str().unwrap();
    assert_eq!(h.len(), 64);
}

#[test]
fn a_modified_copy_is_recorded_once_with_its_content() {
    let k = &KINDS[0];
    let env = deployed(k);
    edit(&env, k.project, k, "my own words\n");
    for _ in 0..3 {
        assert_eq!(state_of(&env, k.id), "modified");
    }
    let h = env.run(&["history", k.id, "--json"]).json();
    let origins: Vec<&str> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["local_modification", "deployment"]);
    assert_eq!(h["versions"][0]["has_content"], true);
    assert_eq!(h["versions"][0]["parents"], serde_json::json!(["v1"]));
}
