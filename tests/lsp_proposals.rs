//! The editor state model over the real server (docs/design.md §8): Update / Merge code actions are
//! proposals that change buffers only; the lineage moves when the saved copy shows their result;
//! undo or close without saving records nothing; a sync that left markers keeps the artifact
//! `conflict` and nothing pushes them; marker-like lines in a fenced example are not conflicts.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{action, apply_edits, codes, edits_for, find, full_caps, Lsp};
use support::Env;

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\nsix\n";

fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

fn deployed() -> Env {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env
}

fn history(env: &Env) -> Vec<Value> {
    env.run(&["history", "skill:pdf", "--json"]).json()["versions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The state the server reports for `skill:pdf` (from disk), after every queued notification.
fn server_state(lsp: &mut Lsp) -> Value {
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    s["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .cloned()
        .unwrap()
}

fn lens_titles(lsp: &mut Lsp, path: &std::path::Path) -> Vec<String> {
    lsp.code_lenses(path)
        .iter()
        .map(|l| {
            l["command"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn update_then_undo_or_close_without_saving_records_nothing() {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("three", "three (c)"),
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let before = history(&env);
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let outdated = find(&d, "drift-outdated").clone();
    let actions = lsp.code_actions(&main, outdated["range"].clone(), &[outdated]);
    let a = action(&actions, "Update from collection").clone();
    assert!(
        a["command"].is_null(),
        "no command runs with the edit: {a:#}"
    );
    let updated = apply_edits(&text, &edits_for(&a, &main));
    lsp.change_full(&main, 2, &updated);
    // Undo: the buffer is the untouched copy again; then the editor closes it unsaved.
    lsp.change_full(&main, 3, &text);
    let d = lsp.diagnostics_at(&main, 3);
    assert_eq!(codes(&d), ["drift-outdated"], "{d:#?}");
    lsp.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": support::lsp::uri(&main) } }),
    );
    let st = server_state(&mut lsp);
    assert_eq!(st["state"], "outdated", "{st:#}");
    assert_eq!(history(&env), before, "the lineage did not move");
    // Push is not offered for an outdated copy, and the collection keeps its newer line.
    let actions = lsp.code_actions(&main, outdated_range(), &[]);
    assert!(!actions.iter().any(|x| x["title"] == "Push to collection"));
    assert!(env
        .read("collection/skills/pdf/SKILL.md")
        .contains("three (c)"));
    lsp.finish();
}

fn outdated_range() -> Value {
    json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 3 } })
}

#[test]
fn merge_then_undo_stays_conflict_and_saving_the_merge_records_a_merge_version() {
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
    let before = history(&env);
    let actions = lsp.code_actions(&main, conflict["range"].clone(), &[conflict]);
    let a = action(&actions, "Merge with collection").clone();
    let merged = apply_edits(&text, &edits_for(&a, &main));
    lsp.change_full(&main, 2, &merged);
    lsp.change_full(&main, 3, &text);
    let d = lsp.diagnostics_at(&main, 3);
    assert!(codes(&d).contains(&"drift-conflict".to_string()), "{d:#?}");
    assert_eq!(server_state(&mut lsp)["state"], "conflict");
    assert_eq!(history(&env).len(), before.len(), "undo recorded nothing");

    // Redo and save: the saved copy is the proposed merge.
    lsp.change_full(&main, 4, &merged);
    std::fs::write(&main, &merged).unwrap();
    lsp.save(&main);
    let st = server_state(&mut lsp);
    assert_eq!(st["state"], "modified", "{st:#}");
    assert_eq!(st["hashes"]["baseline"], st["hashes"]["collection"]);
    let h = history(&env);
    let newest = h.first().unwrap();
    assert_eq!(newest["origin"], "merge", "{h:#?}");
    assert_eq!(
        newest["parents"].as_array().unwrap().len(),
        2,
        "a merge has the project and collection versions as parents: {h:#?}"
    );
    assert_eq!(newest["hash"], st["hashes"]["project"]);
    lsp.finish();
}

#[test]
fn saving_something_else_follows_the_ordinary_drift_rules() {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("three", "three (c)"),
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let actions = lsp.code_actions(&main, d[0]["range"].clone(), &d[..1]);
    let a = action(&actions, "Update from collection").clone();
    let updated = apply_edits(&text, &edits_for(&a, &main));
    // Further typing after the update: the saved copy is neither side.
    let typed = updated.replace("six", "six (typed)");
    lsp.change_full(&main, 2, &typed);
    std::fs::write(&main, &typed).unwrap();
    lsp.save(&main);
    let st = server_state(&mut lsp);
    assert_eq!(st["state"], "conflict", "{st:#}");
    assert_ne!(st["hashes"]["baseline"], st["hashes"]["collection"]);
    lsp.finish();
}

/// `skill:pdf` after a CLI sync that left one conflict region in the project.
fn sync_left_markers() -> Env {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (c)"),
    );
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (p)"),
    );
    assert_eq!(env.run(&["sync", "pdf", "--apply"]).code, 4);
    env
}

#[test]
fn a_sync_that_left_markers_reads_conflict_until_they_are_resolved_and_push_is_refused() {
    let env = sync_left_markers();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    // The CLI: conflict, with where and how to finish.
    let st = env.run(&["status", "--json"]).json();
    let a = &st["artifacts"][0];
    assert_eq!(a["state"], "conflict", "{st:#}");
    assert_eq!(a["unresolved"], json!({ "file": "SKILL.md", "line": 6 }));
    let text = env.run(&["status"]).stdout;
    assert!(
        text.contains("SKILL.md:6") && text.contains("resolve skill:pdf"),
        "{text}"
    );
    // Push from the CLI is refused with the file and line; nothing changes.
    let collection_before = env.read("collection/skills/pdf/SKILL.md");
    support::assert_refused(
        &env,
        &[
            "sync",
            "pdf",
            "--direction",
            "project-to-collection",
            "--apply",
        ],
        4,
        &[".claude/skills/pdf/SKILL.md:6", "conflict markers"],
    );
    assert_eq!(
        env.read("collection/skills/pdf/SKILL.md"),
        collection_before
    );

    // The server: lens, diagnostic message, no Push action, and the push command refused.
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let drift = find(&d, "drift-conflict");
    let msg = drift["message"].as_str().unwrap();
    assert!(
        msg.contains("SKILL.md:6") && msg.contains("accept") && msg.contains("resolve"),
        "{msg}"
    );
    assert!(lens_titles(&mut lsp, &main)[0].ends_with("· conflict"));
    let actions = lsp.code_actions(&main, drift["range"].clone(), std::slice::from_ref(drift));
    assert!(!actions.iter().any(|x| x["title"] == "Push to collection"));
    let e = lsp
        .command(
            "skillmeat.sync",
            json!({ "artifact": "skill:pdf", "direction": "project-to-collection" }),
        )
        .unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("SKILL.md:6"),
        "{e:#}"
    );
    assert_eq!(
        env.read("collection/skills/pdf/SKILL.md"),
        collection_before
    );

    // Accepting a side and saving resolves it: modified, and now it can be pushed.
    let region = find(&d, "conflict-unresolved").clone();
    let actions = lsp.code_actions(&main, region["range"].clone(), &[region]);
    let text = env.read("project/.claude/skills/pdf/SKILL.md");
    let out = apply_edits(&text, &edits_for(action(&actions, "Accept ours…"), &main));
    lsp.change_full(&main, 2, &out);
    std::fs::write(&main, &out).unwrap();
    lsp.save(&main);
    assert_eq!(server_state(&mut lsp)["state"], "modified");
    let r = lsp
        .command(
            "skillmeat.sync",
            json!({ "artifact": "skill:pdf", "direction": "project-to-collection" }),
        )
        .unwrap();
    assert_eq!(r["applied"], true, "{r:#}");
    assert_eq!(env.read("collection/skills/pdf/SKILL.md"), out);
    lsp.finish();
}

const FENCED: &str = "---\nname: pdf\n---\n\nWhen a sync leaves a conflict it looks like this:\n\n```text\n<<<<<<< project (1a2b3c4)\nmine\n=======\ntheirs\n>>>>>>> collection (5d6e7f8)\n```\n\nend\n";

#[test]
fn markers_in_a_fenced_example_are_not_diagnosed_rewritten_or_refused() {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", FENCED);
    assert_eq!(
        env.run(&["deploy", "skill:pdf"]).code,
        0,
        "deploy is not refused"
    );
    let edited = FENCED.replace("end", "end (p)");
    env.write("project/.claude/skills/pdf/SKILL.md", &edited);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.open(&main, 1);
    let d = lsp.diagnostics_at(&main, 1);
    let c = codes(&d);
    assert!(c.contains(&"drift-modified".to_string()), "{d:#?}");
    assert!(
        !c.iter().any(|c| c.starts_with("conflict-")),
        "the fenced example is no conflict: {d:#?}"
    );
    let range =
        json!({ "start": { "line": 8, "character": 0 }, "end": { "line": 8, "character": 1 } });
    let actions = lsp.code_actions(&main, range, &[]);
    assert!(
        !actions
            .iter()
            .any(|a| a["title"].as_str().unwrap().starts_with("Accept")),
        "{actions:#?}"
    );
    lsp.finish();
    assert_eq!(env.states()["skill:pdf"], "modified");
    // `resolve` has nothing to rewrite; push takes the example as it is.
    let r = env.run(&["resolve", "skill:pdf", "--take", "theirs"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), edited);
    let r = env.run(&[
        "sync",
        "pdf",
        "--direction",
        "project-to-collection",
        "--apply",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.read("collection/skills/pdf/SKILL.md"), edited);
}

#[test]
fn markers_outside_a_fence_in_the_collection_are_not_deployed() {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        ---
        name: pdf
        ---
        <<<<<<< a
        x
        =======
        y
        >>>>>>> b
        "#,
    );
    support::assert_refused(
        &env,
        &["deploy", "skill:pdf"],
        4,
        &["SKILL.md:4", "conflict markers", "nothing was deployed"],
    );
}

#[test]
fn update_lens_merges_unsaved_typing_and_rollback_refuses_while_a_buffer_is_unsaved() {
    let env = deployed();
    let newer = BASE.replace("three", "three (c)");
    env.write("collection/skills/pdf/SKILL.md", &newer);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let typed = text.replace("five", "five (typing)");
    lsp.change_full(&main, 2, &typed);
    // The Update lens's command proposes the update on top of the unsaved buffer.
    let lens = lsp.code_lenses(&main);
    let update = lens
        .iter()
        .find(|l| l["command"]["title"] == "Update: clean")
        .cloned()
        .expect("an Update lens");
    let c = &update["command"];
    let r = lsp
        .command(c["command"].as_str().unwrap(), c["arguments"][0].clone())
        .unwrap();
    assert_eq!(r["applied"], true, "{r:#}");
    let edits = lsp.last_apply_edit()["edit"]["changes"][support::lsp::uri(&main)].clone();
    assert_eq!(
        support::lsp::apply_edits(&typed, edits.as_array().unwrap()),
        typed.replace("three", "three (c)")
    );
    // The sync would replace the file under the unsaved buffer: refused.
    let e = lsp
        .command("skillmeat.sync", c["arguments"][0].clone())
        .unwrap_err();
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains(".claude/skills/pdf/SKILL.md") && msg.contains("unsaved"),
        "{msg}"
    );
    let e = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "skill:pdf", "to": "deployed" }),
        )
        .unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("unsaved"), "{e:#}");
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), text);
    // A dry run writes nothing and is answered.
    lsp.command(
        "skillmeat.sync",
        json!({ "artifact": "skill:pdf", "dryRun": true }),
    )
    .unwrap();
    // Saved, the typing is part of what the sync merges: nothing is lost.
    std::fs::write(&main, &typed).unwrap();
    lsp.save(&main);
    let r = lsp
        .command("skillmeat.sync", c["arguments"][0].clone())
        .unwrap();
    assert_eq!(r["applied"], true, "{r:#}");
    let now = env.read("project/.claude/skills/pdf/SKILL.md");
    assert!(
        now.contains("five (typing)") && now.contains("three (c)"),
        "{now}"
    );
    lsp.finish();
}

#[test]
fn each_conflict_region_has_accept_lenses_that_edit_the_buffer_only() {
    let env = sync_left_markers();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    lsp.diagnostics_at(&main, 1);
    let lens = lsp.code_lenses(&main);
    let region: Vec<&Value> = lens
        .iter()
        .filter(|l| l["command"]["command"] == "skillmeat.acceptConflict")
        .collect();
    let titles: Vec<&str> = region
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert!(
        titles[0].starts_with("Accept ours (project, "),
        "{titles:?}"
    );
    assert!(titles[1].starts_with("Accept theirs (collection, "));
    assert_eq!(titles[2], "Accept both");
    assert!(titles[3].starts_with("Accept base (deployed, "));
    let opener = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap();
    assert_eq!(region[0]["range"]["start"]["line"], opener as u64);
    let theirs = region[1]["command"].clone();
    let r = lsp
        .command("skillmeat.acceptConflict", theirs["arguments"][0].clone())
        .unwrap();
    assert_eq!(r["applied"], true, "{r:#}");
    let (_, edit) = lsp
        .server_requests
        .iter()
        .find(|(m, _)| m == "workspace/applyEdit")
        .cloned()
        .expect("the edit went to the editor");
    let edits = edit["edit"]["changes"][support::lsp::uri(&main)].clone();
    let out = apply_edits(&text, edits.as_array().unwrap());
    assert_eq!(out, BASE.replace("two", "two (c)"));
    // Nothing on disk changed: the edit is the editor's until saved.
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), text);
    lsp.finish();
}
