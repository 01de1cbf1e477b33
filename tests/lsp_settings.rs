//! Settings (initializationOptions, `workspace/configuration`, `didChangeConfiguration`) and
//! multi-root windows (a project and a lineage database per workspace folder).

use crate::support;

use serde_json::{json, Value};
use std::path::Path;
use support::lsp::{codes, full_caps, uri, Lsp, Start};
use support::Env;

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\n";

fn deployed() -> Env {
    support::pdf_and_review(BASE)
}

fn hints(d: &[Value]) -> usize {
    d.iter().filter(|x| x["code"] == "drift-hunk").count()
}

/// Opens the skill and edits its buffer (version 2), returning the main file's path.
fn edit_main(lsp: &mut Lsp, env: &Env) -> std::path::PathBuf {
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let text = lsp.open(&main, 1);
    lsp.change_full(&main, 2, &text.replace("two", "TWO"));
    main
}

#[test]
fn hunk_diagnostics_off_in_initialization_options_publishes_no_hints() {
    let env = deployed();
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection(), "hunkDiagnostics": false }),
        full_caps(),
    );
    let main = edit_main(&mut lsp, &env);
    let d = lsp.diagnostics_at(&main, 2);
    assert_eq!(codes(&d), ["drift-modified"]);
    lsp.finish();
}

#[test]
fn did_change_configuration_turns_hunk_hints_off_and_on_flat_or_under_skillmeat() {
    let env = deployed();
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    let main = edit_main(&mut lsp, &env);
    let d = lsp.diagnostics_at(&main, 2);
    assert_eq!(hints(&d), 1, "{d:#?}");
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "hunkDiagnostics": false } }),
    );
    let d = lsp.diagnostics(&main, |d| hints(d) == 0);
    assert_eq!(codes(&d), ["drift-modified"]);
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "skillmeat": { "hunkDiagnostics": true } } }),
    );
    let d = lsp.diagnostics(&main, |d| hints(d) == 1);
    assert_eq!(codes(&d), ["drift-modified", "drift-hunk"]);
    lsp.finish();
}

#[test]
fn settings_come_from_workspace_configuration_at_start_and_when_told_they_changed() {
    let env = deployed();
    env.write("collection/commands/review.md", "Review!\n");
    // No collectionPath in initializationOptions and no default collection in $HOME: the
    // client's configuration is what names it.
    let mut lsp = Lsp::start_with(
        &env,
        Start {
            settings: json!({}),
            configuration: json!({ "collectionPath": env.collection(), "hunkDiagnostics": false }),
            ..Start::default()
        },
    );
    let review = env.path("project/.claude/commands/review.md");
    let d = lsp.diagnostics(&review, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-outdated"]);
    assert!(
        lsp.server_requests
            .iter()
            .any(|(m, p)| m == "workspace/configuration" && p["items"][0]["section"] == "skillmeat"),
        "{:?}",
        lsp.server_requests
    );
    let main = edit_main(&mut lsp, &env);
    assert_eq!(hints(&lsp.diagnostics_at(&main, 2)), 0);
    // `didChangeConfiguration` without settings: the server pulls them again.
    lsp.configuration = json!({ "collectionPath": env.collection(), "hunkDiagnostics": true });
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let d = lsp.diagnostics(&main, |d| hints(d) == 1);
    assert_eq!(codes(&d), ["drift-modified", "drift-hunk"]);
    lsp.finish();
}

#[test]
fn without_any_collection_the_person_is_told_and_the_server_still_answers() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, json!({}), full_caps());
    let e = lsp.command("skillmeat.status", json!({})).unwrap_err();
    assert_eq!(e["code"], -32803, "{e:#}");
    let msg = e["message"].as_str().unwrap();
    assert!(msg.contains("collection"), "{msg}");
    let m = lsp.wait_for("a message saying there is no collection", |m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("collection"))
    });
    assert_eq!(m["params"]["type"], 2);
    // Naming it later opens the folder.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "skillmeat": { "collectionPath": env.collection() } } }),
    );
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"]["synced"], 2);
    lsp.finish();
}

#[test]
fn a_wrongly_typed_setting_is_reported_and_the_previous_value_kept() {
    let env = deployed();
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    let main = edit_main(&mut lsp, &env);
    assert_eq!(hints(&lsp.diagnostics_at(&main, 2)), 1);
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "hunkDiagnostics": "off" } }),
    );
    let m = lsp.wait_for("a warning about the setting", |m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("hunkDiagnostics"))
    });
    assert_eq!(m["params"]["type"], 2);
    // Still on: an edit still gets its hint.
    lsp.change_full(&main, 3, &BASE.replace("three", "THREE"));
    assert_eq!(hints(&lsp.diagnostics_at(&main, 3)), 1);
    lsp.finish();
}

#[test]
fn changing_the_collection_path_reopens_the_folder_against_the_new_collection() {
    let env = deployed();
    // A second collection where the command moved on.
    env.write("other/skills/pdf/SKILL.md", BASE);
    env.write("other/commands/review.md", "Review, elsewhere.\n");
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    let review = env.path("project/.claude/commands/review.md");
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"], json!({ "synced": 2 }));
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "collectionPath": env.path("other") } }),
    );
    let d = lsp.diagnostics(&review, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-outdated"]);
    assert_eq!(
        d[0]["relatedInformation"][0]["location"]["uri"],
        uri(&env.path("other/commands/review.md"))
    );
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["collection"], json!(env.path("other")));
    lsp.finish();
}

/// Runs the CLI on `project` (a folder under the env's root).
fn run_in(env: &Env, project: &Path, args: &[&str]) -> support::Run {
    let mut full = vec![
        "--workspace".to_string(),
        project.display().to_string(),
        "--collection".to_string(),
        env.collection().display().to_string(),
    ];
    full.extend(args.iter().map(|s| s.to_string()));
    env.run_raw(&full.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn each_workspace_folder_is_a_project_with_its_own_database() {
    let env = deployed();
    env.write("collection/agents/planner.md", "Plan.\n");
    let second = env.path("second");
    std::fs::create_dir_all(&second).unwrap();
    assert_eq!(
        run_in(&env, &second, &["deploy", "agent:planner", "skill:pdf"]).code,
        0
    );
    env.write("second/.claude/agents/planner.md", "My plan.\n");
    env.write("collection/commands/review.md", "Review!\n");
    let mut lsp = Lsp::start_with(
        &env,
        Start {
            roots: vec![env.project(), second.clone()],
            settings: json!({ "collectionPath": env.collection() }),
            ..Start::default()
        },
    );
    // Each folder's own drift: the outdated command is only deployed in the first.
    let review = env.path("project/.claude/commands/review.md");
    let planner = env.path("second/.claude/agents/planner.md");
    assert_eq!(
        codes(&lsp.diagnostics(&review, |d| !d.is_empty())),
        ["drift-outdated"]
    );
    assert_eq!(
        codes(&lsp.diagnostics(&planner, |d| !d.is_empty())),
        ["drift-modified"]
    );
    for root in [env.project(), second.clone()] {
        assert!(
            root.join(".skillmeat/lineage.db").is_file(),
            "{}",
            root.display()
        );
    }

    // Commands pick the folder: by `workspace`, by `uri`, by the one folder knowing the artifact.
    let s1 = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(
        s1["workspace"],
        json!(env.project()),
        "the first folder by default"
    );
    let s2 = lsp
        .command("skillmeat.status", json!({ "workspace": second }))
        .unwrap();
    assert_eq!(s2["workspace"], json!(second));
    assert_eq!(s2["summary"], json!({ "modified": 1, "synced": 1 }));
    let s3 = lsp
        .command("skillmeat.status", json!({ "uri": uri(&planner) }))
        .unwrap();
    assert_eq!(s3, s2);
    let h = lsp
        .command("skillmeat.history", json!({ "artifact": "agent:planner" }))
        .unwrap();
    assert_eq!(h["versions"].as_array().unwrap().len(), 2, "{h:#}");
    // The same artifact in both folders has a lineage in each.
    let h1 = lsp
        .command("skillmeat.history", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    let h2 = lsp
        .command(
            "skillmeat.history",
            json!({ "artifact": "skill:pdf", "workspace": second }),
        )
        .unwrap();
    assert_eq!(h1["versions"].as_array().unwrap().len(), 1);
    assert_ne!(
        h1["versions"][0]["created_at"],
        h2["versions"][0]["created_at"]
    );
    // A write in one folder republishes that folder only.
    let r = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "agent:planner", "to": "deployed" }),
        )
        .unwrap();
    assert_eq!(r["id"], "agent:planner");
    lsp.diagnostics(&planner, |d| d.is_empty());
    assert_eq!(env.read("second/.claude/agents/planner.md"), "Plan.\n");

    // Removing the first folder clears what it showed.
    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [{ "uri": uri(&env.project()), "name": "project" }] } }),
    );
    lsp.diagnostics(&review, |d| d.is_empty());
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["workspace"], json!(second));
    lsp.finish();
}
