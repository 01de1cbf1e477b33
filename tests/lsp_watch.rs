//! Files changing on disk, in the project and in the collection, update diagnostics: through the
//! client's `workspace/didChangeWatchedFiles` (after dynamic registration) or, for a client that
//! does not watch files and for the collection always, through the server's own watcher.

use crate::support;

use std::time::Duration;

use serde_json::{json, Value};
use support::lsp::{bare_caps, codes, full_caps, uri, Lsp};
use support::Env;

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\n";

fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

fn deployed() -> Env {
    support::pdf_and_review(BASE)
}

/// Publishes for `path` among `msgs`.
fn publishes_for(msgs: &[Value], path: &std::path::Path) -> usize {
    let u = uri(path);
    msgs.iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u)
        .count()
}

fn changed(lsp: &mut Lsp, path: &std::path::Path, typ: u32) {
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(path), "type": typ }] }),
    );
}

#[test]
fn a_watching_client_gets_a_registration_and_its_file_events_refresh_diagnostics() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    // Wait for the start-up to finish (its progress ends after the registration).
    lsp.wait_for("the start-up progress end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let reg: Vec<&Value> = lsp
        .server_requests
        .iter()
        .filter(|(m, _)| m == "client/registerCapability")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(reg.len(), 1);
    let r = &reg[0]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = r["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/.claude/**"), "{globs:?}");

    // The server leaves the project to the client: an edit on disk shows up once the client
    // reports it, not before.
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "TWO"),
    );
    let early = lsp.quiet(Duration::from_millis(600));
    assert_eq!(publishes_for(&early, &main), 0, "{early:#?}");
    changed(&mut lsp, &main, 2);
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-modified"]);
    // Deleting the project copy: removed has no file to sit on, and what was shown is cleared.
    std::fs::remove_dir_all(env.path("project/.claude/skills/pdf")).unwrap();
    changed(&mut lsp, &main, 3);
    lsp.diagnostics(&main, |d| d.is_empty());
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"]["removed"], 1, "{s:#}");
    lsp.finish();
}

#[test]
fn the_collection_is_watched_by_the_server_for_a_watching_client_too() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.command("skillmeat.status", json!({})).unwrap();
    let review = env.path("project/.claude/commands/review.md");
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    env.write("collection/commands/review.md", "Review!\n");
    let d = lsp.diagnostics(&review, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-outdated"]);
    std::fs::remove_dir_all(env.path("collection/skills/pdf")).unwrap();
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-orphaned"]);
    // Back as it was deployed: both clear.
    env.write("collection/commands/review.md", "Review.\n");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    lsp.diagnostics(&review, |d| d.is_empty());
    lsp.diagnostics(&main, |d| d.is_empty());
    lsp.finish();
}

#[test]
fn a_client_that_does_not_watch_gets_project_changes_from_the_servers_own_watcher() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), bare_caps());
    lsp.command("skillmeat.status", json!({})).unwrap();
    assert!(
        lsp.server_requests
            .iter()
            .all(|(m, _)| m != "client/registerCapability"),
        "nothing to register with a client that cannot"
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "TWO"),
    );
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-modified"]);
    // A file added to the folder skill counts too: the project hash moves.
    let first = d[0]["data"]["hashes"]["project"].clone();
    env.write("project/.claude/skills/pdf/notes.md", "mine\n");
    let d = lsp.diagnostics(&main, |d| {
        d.first()
            .is_some_and(|x| x["data"]["hashes"]["project"] != first)
    });
    assert_eq!(codes(&d), ["drift-modified"]);

    // Undone on disk: cleared without any message from the client.
    std::fs::remove_file(env.path("project/.claude/skills/pdf/notes.md")).unwrap();
    env.write("project/.claude/skills/pdf/SKILL.md", BASE);
    lsp.diagnostics(&main, |d| d.is_empty());
    lsp.finish();
}

#[test]
fn a_sync_by_the_cli_while_the_server_runs_clears_the_diagnostics() {
    let env = deployed();
    env.write("collection/commands/review.md", "Review!\n");
    let mut lsp = Lsp::start(&env, settings(&env), bare_caps());
    let review = env.path("project/.claude/commands/review.md");
    lsp.diagnostics(&review, |d| codes(d) == ["drift-outdated"]);
    assert_eq!(env.run(&["sync", "command:review", "--apply"]).code, 0);
    lsp.diagnostics(&review, |d| d.is_empty());
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"], json!({ "synced": 2 }));
    lsp.finish();
}
