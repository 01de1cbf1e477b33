//! Update / Merge as one buffer edit the editor applies, over the real server: a two-file Merge
//! goes out as `skillmeat.proposeUpdate` → `workspace/applyEdit` with every file under one change
//! annotation that needs confirmation; the Update lens makes the same proposal (unsaved typing
//! merged, nothing written); a drift hunk's Revert and a region's Compare answer from the buffer.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{action, apply_edits, full_caps, Lsp};
use support::Env;

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\n";
const REF: &str = "# Reference\n\nalpha\nbeta\n";

fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

/// `full_caps` plus change-annotation support (what VS Code advertises).
fn annotating_caps() -> Value {
    let mut c = full_caps();
    c["workspace"]["workspaceEdit"] =
        json!({ "documentChanges": true, "changeAnnotationSupport": { "groupsOnLabel": true } });
    c
}

fn state(lsp: &mut Lsp) -> Value {
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    s["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap()["state"]
        .clone()
}

fn last_apply_edit(lsp: &Lsp) -> Value {
    lsp.server_requests
        .iter()
        .rev()
        .find(|(m, _)| m == "workspace/applyEdit")
        .cloned()
        .expect("an edit went to the editor")
        .1
}

#[test]
fn a_two_file_merge_is_one_annotated_edit_that_names_both_files_and_writes_nothing() {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/reference.md
        # Reference

        alpha
        beta
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (c)"),
    );
    env.write(
        "collection/skills/pdf/reference.md",
        &REF.replace("beta", "beta (c)"),
    );
    let (mine, mine_ref) = (
        BASE.replace("two", "two (p)"),
        REF.replace("beta", "beta (p)"),
    );
    env.write("project/.claude/skills/pdf/SKILL.md", &mine);
    env.write("project/.claude/skills/pdf/reference.md", &mine_ref);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let reference = env.path("project/.claude/skills/pdf/reference.md");
    let mut lsp = Lsp::start(&env, settings(&env), annotating_caps());
    lsp.open(&main, 1);
    let diags = lsp.diagnostics_at(&main, 1);
    let at =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    let actions = lsp.code_actions(&main, at, &diags);
    let merge = action(&actions, "Merge with collection");
    assert!(merge.get("edit").is_none(), "{merge:#}");
    assert_eq!(merge["command"]["command"], "skillmeat.proposeUpdate");
    let r = lsp
        .command(
            "skillmeat.proposeUpdate",
            merge["command"]["arguments"][0].clone(),
        )
        .unwrap();
    assert_eq!(r["applied"], true, "{r:#}");
    assert_eq!(r["files"].as_array().unwrap().len(), 2, "{r:#}");
    let params = last_apply_edit(&lsp);
    let edit = &params["edit"];
    let note = &edit["changeAnnotations"]["skillmeat.proposal"];
    assert_eq!(note["needsConfirmation"], true, "{edit:#}");
    assert_eq!(note["label"], "Merge with collection");
    assert_eq!(
        note["description"],
        "changes 2 files: SKILL.md, reference.md"
    );
    let changes = edit["documentChanges"].as_array().unwrap();
    let for_file = |p: &std::path::Path| {
        changes
            .iter()
            .find(|c| c["textDocument"]["uri"] == support::lsp::uri(p))
            .unwrap_or_else(|| panic!("no edit for {}", p.display()))["edits"]
            .as_array()
            .unwrap()
            .clone()
    };
    let ref_edits = for_file(&reference);
    assert!(ref_edits
        .iter()
        .all(|e| e["annotationId"] == "skillmeat.proposal"));
    let merged_ref = apply_edits(&mine_ref, &ref_edits);
    assert!(
        merged_ref.contains("<<<<<<<") && merged_ref.contains("beta (c)"),
        "{merged_ref}"
    );
    assert!(apply_edits(&mine, &for_file(&main)).contains("two (c)"));
    // A proposal: nothing on disk, nothing recorded.
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), mine);
    assert_eq!(
        env.read("project/.claude/skills/pdf/reference.md"),
        mine_ref
    );
    assert_eq!(state(&mut lsp), "conflict");
    lsp.finish();
}

#[test]
fn the_update_lens_proposes_a_buffer_edit_that_keeps_unsaved_typing() {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("three", "three (c)"),
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.open(&main, 1);
    let typed = BASE.replace("one", "one (typed)");
    lsp.change_full(&main, 2, &typed);
    lsp.diagnostics_at(&main, 2);
    let lenses = lsp.code_lenses(&main);
    let update = lenses
        .iter()
        .find(|l| l["command"]["title"] == "Update: clean")
        .unwrap_or_else(|| panic!("no Update lens in {lenses:#?}"))["command"]
        .clone();
    assert_eq!(update["command"], "skillmeat.proposeUpdate");
    let r = lsp
        .command("skillmeat.proposeUpdate", update["arguments"][0].clone())
        .unwrap();
    // Unsaved typing and a collection change: the update is a (clean) merge with the buffer.
    assert_eq!(r["title"], "Merge with collection");
    let edit = last_apply_edit(&lsp);
    let edits = edit["edit"]["changes"][support::lsp::uri(&main)].clone();
    assert_eq!(
        apply_edits(&typed, edits.as_array().unwrap()),
        typed.replace("three", "three (c)")
    );
    assert_eq!(
        env.read("project/.claude/skills/pdf/SKILL.md"),
        BASE,
        "nothing written"
    );
    assert_eq!(state(&mut lsp), "outdated");
    lsp.finish();
}

#[test]
fn revert_hunk_and_compare_answer_from_the_buffer() {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.open(&main, 1);
    let edited = BASE.replace("two", "two (typed)");
    lsp.change_full(&main, 2, &edited);
    lsp.diagnostics_at(&main, 2);
    let uri = support::lsp::uri(&main);
    let hover = lsp
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 5, "character": 1 } }),
        )
        .unwrap();
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("-two\n+two (typed)"), "{md}");
    assert!(md.contains("](command:skillmeat.revertHunk?"), "{md}");
    let r = lsp
        .command("skillmeat.revertHunk", json!({ "uri": uri, "line": 5 }))
        .unwrap();
    assert_eq!(r["applied"], true);
    let edits = last_apply_edit(&lsp)["edit"]["changes"][&uri].clone();
    assert_eq!(apply_edits(&edited, edits.as_array().unwrap()), BASE);
    let off = lsp.command("skillmeat.revertHunk", json!({ "uri": uri, "line": 0 }));
    let e = off.unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("SKILL.md:1: no change"),
        "{e:#}"
    );
    // Compare: a conflict region's sides, exactly.
    let with_markers =
        "---\nname: pdf\n---\n\n<<<<<<< project\none (p)\n=======\none (c)\n>>>>>>> collection\n";
    lsp.change_full(&main, 3, with_markers);
    lsp.diagnostics_at(&main, 3);
    let c = lsp
        .command(
            "skillmeat.compareConflict",
            json!({ "uri": uri, "region": 0 }),
        )
        .unwrap();
    assert_eq!(
        (c["ours"].as_str(), c["theirs"].as_str()),
        (Some("one (p)\n"), Some("one (c)\n")),
        "{c:#}"
    );
    assert_eq!(c["base"], Value::Null);
    lsp.finish();
}
