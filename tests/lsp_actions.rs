//! Code actions over the real server on drift: revert hunk, update / merge / rollback as edits
//! (proposals recorded only once saved), push as a command. The conflict regions' accept actions
//! are in `lsp_conflict_actions.rs`, which shares the set-up here.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{action, apply_edits, codes, edits_for, find, full_caps, uri, Lsp};
use support::Env;

pub(crate) const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\nsix\n";

pub(crate) fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

pub(crate) fn deployed() -> Env {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env
}

/// Runs the command of a code action as the editor would after applying its edit.
fn run_command(lsp: &mut Lsp, a: &Value) -> Value {
    let c = &a["command"];
    lsp.command(c["command"].as_str().unwrap(), c["arguments"][0].clone())
        .unwrap_or_else(|e| panic!("{} failed: {e}", c["command"]))
}

pub(crate) fn state(env: &Env, id: &str) -> String {
    env.states()[id].clone()
}

#[test]
fn revert_hunk_restores_that_hunk_to_the_deployed_lines_only() {
    let env = deployed();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let edited = text.replace("two\n", "TWO\n2\n").replace("five\n", "");
    lsp.change_full(&main, 2, &edited);
    let d = lsp.diagnostics_at(&main, 2);
    let hunks: Vec<Value> = d
        .iter()
        .filter(|x| x["code"] == "drift-hunk")
        .cloned()
        .collect();
    assert_eq!(hunks.len(), 2, "{d:#?}");
    // Revert the first (a changed line became two); the removal stays.
    let actions = lsp.code_actions(&main, hunks[0]["range"].clone(), &[hunks[0].clone()]);
    let a = action(&actions, "Revert this hunk to the deployed version");
    assert_eq!(a["kind"], "quickfix");
    let out = apply_edits(&edited, &edits_for(a, &main));
    assert_eq!(out, text.replace("five\n", ""));
    lsp.change_full(&main, 3, &out);
    let d = lsp.diagnostics_at(&main, 3);
    let hunks: Vec<Value> = d
        .iter()
        .filter(|x| x["code"] == "drift-hunk")
        .cloned()
        .collect();
    assert_eq!(hunks.len(), 1);
    // Then the removal: an empty range where the lines were, restored by the revert.
    assert_eq!(hunks[0]["range"]["start"], hunks[0]["range"]["end"]);
    let actions = lsp.code_actions(&main, hunks[0]["range"].clone(), &[hunks[0].clone()]);
    let a = action(&actions, "Revert this hunk to the deployed version");
    let out = apply_edits(&out, &edits_for(a, &main));
    assert_eq!(out, text);
    lsp.change_full(&main, 4, &out);
    assert!(lsp.diagnostics_at(&main, 4).is_empty());
    lsp.finish();
}

#[test]
fn update_from_collection_edits_every_changed_file_and_saving_them_makes_it_synced() {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/reference.md
        ref one
        ref two
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    let new_main = BASE.replace("three", "three (c)");
    env.write("collection/skills/pdf/SKILL.md", &new_main);
    env.write("collection/skills/pdf/reference.md", "ref one\nref 2\n");
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let reference = env.path("project/.claude/skills/pdf/reference.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let outdated = find(&d, "drift-outdated").clone();
    let actions = lsp.code_actions(
        &main,
        outdated["range"].clone(),
        std::slice::from_ref(&outdated),
    );
    let a = action(&actions, "Update from collection").clone();
    assert_eq!(
        a["kind"], "quickfix",
        "on a drift diagnostic it is a quick fix"
    );
    assert_eq!(a["diagnostics"], json!([outdated]));
    // Two files change: the action is `skillmeat.proposeUpdate`, which sends one edit to the
    // editor (nothing recorded); the edit below is what it sent.
    assert!(a.get("edit").is_none_or_null(), "{a:#}");
    assert_eq!(a["command"]["command"], "skillmeat.proposeUpdate");
    lsp.command(
        "skillmeat.proposeUpdate",
        a["command"]["arguments"][0].clone(),
    )
    .unwrap();
    let a = lsp.last_apply_edit();
    assert!(!actions
        .iter()
        .any(|x| x["title"] == "Roll back to deployed"));
    // The edit turns both files into the collection's content.
    let buffer = apply_edits(&text, &edits_for(&a, &main));
    assert_eq!(buffer, new_main);
    let on_disk = std::fs::read_to_string(&reference).unwrap();
    assert_eq!(
        apply_edits(&on_disk, &edits_for(&a, &reference)),
        "ref one\nref 2\n"
    );
    // Without a diagnostic in the context it is a source action.
    let plain = lsp.code_actions(&main, outdated["range"].clone(), &[]);
    assert_eq!(
        action(&plain, "Update from collection")["kind"],
        "source.skillmeat.update"
    );

    // The editor applies the edit to both files' buffers (opening the other one): with every
    // buffer of the artifact equal to the collection, the buffers read synced, but nothing is
    // recorded until they are saved.
    lsp.change_full(&main, 2, &buffer);
    lsp.open(&reference, 1);
    lsp.change_full(&reference, 2, "ref one\nref 2\n");
    lsp.diagnostics(&main, |d| d.is_empty());
    assert_eq!(state(&env, "skill:pdf"), "outdated");
    std::fs::write(&main, &buffer).unwrap();
    lsp.save(&main);
    std::fs::write(&reference, "ref one\nref 2\n").unwrap();
    lsp.save(&reference);
    assert_eq!(state(&env, "skill:pdf"), "synced");
    let h = env.run(&["history", "skill:pdf", "--json"]).json();
    let base = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["baseline"] == true)
        .unwrap();
    assert_eq!(base["origin"], "sync", "{h:#}");
    lsp.finish();
}

#[test]
fn update_that_adds_a_file_is_a_sync_command_instead_of_an_edit() {
    let env = deployed();
    env.write("collection/skills/pdf/extra.md", "new file\n");
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    let actions = lsp.code_actions(&main, d[0]["range"].clone(), &d);
    let a = action(&actions, "Update from collection").clone();
    assert!(a.get("edit").is_none_or_null(), "{a:#}");
    assert_eq!(a["command"]["command"], "skillmeat.sync");
    assert_eq!(
        a["command"]["arguments"][0]["direction"],
        "collection-to-project"
    );
    let r = run_command(&mut lsp, &a);
    assert_eq!(r["applied"], true);
    assert_eq!(r["results"][0]["kind"], "fast-forward", "{r:#}");
    assert_eq!(
        env.read("project/.claude/skills/pdf/extra.md"),
        "new file\n"
    );
    lsp.diagnostics(&main, |d| d.is_empty());
    assert_eq!(state(&env, "skill:pdf"), "synced");
    lsp.finish();
}

#[test]
fn merge_with_collection_edits_to_the_three_way_merge_and_saving_it_moves_the_baseline() {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("six", "six (c)"),
    );
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "one (p)"),
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let conflict = find(&d, "drift-conflict").clone();
    let actions = lsp.code_actions(&main, conflict["range"].clone(), &[conflict]);
    let a = action(&actions, "Merge with collection").clone();
    assert_eq!(a["kind"], "quickfix");
    assert!(a.get("command").is_none_or_null(), "{a:#}");
    let merged = apply_edits(&text, &edits_for(&a, &main));
    assert_eq!(
        merged,
        BASE.replace("one", "one (p)").replace("six", "six (c)")
    );
    // Roll back is offered too, and gives the deployed content.
    let rb = action(&actions, "Roll back to deployed");
    assert_eq!(rb["kind"], "source.skillmeat.rollback");
    assert_eq!(apply_edits(&text, &edits_for(rb, &main)), BASE);

    lsp.change_full(&main, 2, &merged);
    std::fs::write(&main, &merged).unwrap();
    lsp.save(&main);
    // The collection is now the baseline; the project keeps its own change on top: modified.
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    let a = &s["artifacts"][0];
    assert_eq!(a["state"], "modified", "{s:#}");
    assert_eq!(a["hashes"]["baseline"], a["hashes"]["collection"]);
    let d = lsp.diagnostics(&main, |d| {
        codes(d).first().map(String::as_str) == Some("drift-modified")
    });
    assert!(!codes(&d).contains(&"drift-conflict".to_string()));
    lsp.finish();
}

#[test]
fn merge_of_overlapping_changes_edits_in_markers_that_become_errors() {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("three", "three (c)"),
    );
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("three", "three (p)"),
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let actions = lsp.code_actions(&main, d[0]["range"].clone(), &d[..1]);
    let a = action(&actions, "Merge with collection").clone();
    let merged = apply_edits(&text, &edits_for(&a, &main));
    let lines: Vec<&str> = merged.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("<<<<<<< project (")),
        "{merged}"
    );
    assert!(
        lines.contains(&"three (p)") && lines.contains(&"three (c)"),
        "{merged}"
    );
    lsp.change_full(&main, 2, &merged);
    let d = lsp.diagnostics(&main, |d| {
        codes(d).contains(&"conflict-unresolved".to_string())
    });
    assert_eq!(find(&d, "conflict-unresolved")["data"]["hasBase"], true);
    lsp.finish();
}

#[test]
fn roll_back_to_deployed_on_a_modified_file_restores_the_deployed_text() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("four", "four (p)"),
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    // Not open: the action reads the file from disk.
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    let actions = lsp.code_actions(&main, d[0]["range"].clone(), &[]);
    let rb = action(&actions, "Roll back to deployed").clone();
    assert_eq!(rb["kind"], "source.skillmeat.rollback");
    let push = action(&actions, "Push to collection");
    assert_eq!(push["kind"], "source.skillmeat.push");
    assert!(!actions
        .iter()
        .any(|x| x["title"] == "Update from collection"));
    let out = apply_edits(
        &env.read("project/.claude/skills/pdf/SKILL.md"),
        &edits_for(&rb, &main),
    );
    assert_eq!(out, BASE);
    std::fs::write(&main, &out).unwrap();
    lsp.save(&main);
    lsp.diagnostics(&main, |d| d.is_empty());
    assert_eq!(state(&env, "skill:pdf"), "synced");
    lsp.finish();
}

#[test]
fn push_to_collection_runs_a_project_to_collection_sync() {
    let env = deployed();
    let pushed = BASE.replace("four", "four (p)");
    env.write("project/.claude/skills/pdf/SKILL.md", &pushed);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    let actions = lsp.code_actions(&main, d[0]["range"].clone(), &d);
    let a = action(&actions, "Push to collection").clone();
    assert_eq!(a["kind"], "quickfix");
    assert!(a.get("edit").is_none_or_null());
    assert_eq!(
        a["command"]["arguments"][0],
        json!({ "artifact": "skill:pdf", "direction": "project-to-collection", "strategy": "auto", "uri": uri(&main) })
    );
    let r = run_command(&mut lsp, &a);
    assert_eq!(r["applied"], true);
    assert_eq!(r["results"][0]["direction"], "project-to-collection");
    assert_eq!(env.read("collection/skills/pdf/SKILL.md"), pushed);
    lsp.diagnostics(&main, |d| d.is_empty());
    assert_eq!(state(&env, "skill:pdf"), "synced");
    lsp.finish();
}

/// `None` or JSON `null`.
trait NoneOrNull {
    fn is_none_or_null(&self) -> bool;
}

impl NoneOrNull for Option<&Value> {
    fn is_none_or_null(&self) -> bool {
        matches!(self, None | Some(Value::Null))
    }
}

#[test]
fn merge_keeps_unsaved_edits_in_the_artifacts_other_open_files() {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/reference.md
        x
        y
        z
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("six", "six (c)"),
    );
    env.write("collection/skills/pdf/reference.md", "x\ny\nz (c)\n");
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let reference = env.path("project/.claude/skills/pdf/reference.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    lsp.open(&reference, 1);
    // Unsaved edits in both files: the artifact is in conflict as typed.
    lsp.change_full(&reference, 2, "x (typed)\ny\nz\n");
    lsp.change_full(&main, 2, &text.replace("one", "one (p)"));
    let d = lsp.diagnostics_at(&main, 2);
    let conflict = find(&d, "drift-conflict").clone();
    let actions = lsp.code_actions(&main, conflict["range"].clone(), &[conflict]);
    // Two files: the action runs `skillmeat.proposeUpdate`, which sends the edit to the editor.
    let a = action(&actions, "Merge with collection");
    assert_eq!(a["command"]["command"], "skillmeat.proposeUpdate", "{a:#}");
    lsp.command(
        "skillmeat.proposeUpdate",
        a["command"]["arguments"][0].clone(),
    )
    .unwrap();
    let a = &lsp.last_apply_edit();
    assert_eq!(
        apply_edits(&text.replace("one", "one (p)"), &edits_for(a, &main)),
        BASE.replace("one", "one (p)").replace("six", "six (c)")
    );
    // The other buffer's typed line survives the merge; the disk's old content is not used.
    assert_eq!(
        apply_edits("x (typed)\ny\nz\n", &edits_for(a, &reference)),
        "x (typed)\ny\nz (c)\n"
    );
    lsp.finish();
}
