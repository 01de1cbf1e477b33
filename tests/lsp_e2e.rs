//! The real language server over stdio: diagnostics, code actions, commands, as editors see them.

use crate::support;

use serde_json::json;
use support::lsp::{codes, full_caps, Lsp};
use support::Env;

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\n";

fn deployed() -> Env {
    support::pdf_and_review(BASE)
}

fn settings(env: &Env) -> serde_json::Value {
    json!({ "collectionPath": env.collection() })
}

#[test]
fn outdated_artifact_shows_a_warning_on_its_unopened_main_file() {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "TWO"),
    );
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-outdated"]);
    assert_eq!(d[0]["severity"], 2);
    assert_eq!(d[0]["source"], "skillmeat");
    assert_eq!(d[0]["range"]["start"]["line"], 0);
    assert!(d[0]["message"].as_str().unwrap().contains("skill:pdf"));
    lsp.finish();
}

#[test]
fn editing_the_buffer_shows_drift_before_saving_and_clears_when_undone() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let text = lsp.open(&main, 1);
    lsp.change_full(&main, 2, &text.replace("two", "two, edited"));
    let d = lsp.diagnostics(&main, |d| codes(d).contains(&"drift-modified".to_string()));
    assert!(codes(&d).contains(&"drift-hunk".to_string()), "{d:#?}");
    let hunk = d.iter().find(|x| x["code"] == "drift-hunk").unwrap();
    assert_eq!(hunk["range"]["start"]["line"], 5);
    assert_eq!(hunk["severity"], 4);
    // Unsaved: nothing was recorded in the lineage.
    let h = lsp
        .command("skillmeat.history", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    assert_eq!(h["versions"].as_array().unwrap().len(), 1);
    lsp.change_full(&main, 3, &text);
    lsp.diagnostics(&main, |d| d.is_empty());
    lsp.finish();
}

#[test]
fn a_conflict_region_gets_an_exact_error_and_accept_theirs_rewrites_it() {
    let env = deployed();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (collection)"),
    );
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (project)"),
    );
    assert_eq!(env.run(&["sync", "pdf", "--apply"]).code, 4);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let text = lsp.open(&main, 1);
    let d = lsp.diagnostics(&main, |d| {
        codes(d).contains(&"conflict-unresolved".to_string())
    });
    let c = d
        .iter()
        .find(|x| x["code"] == "conflict-unresolved")
        .unwrap()
        .clone();
    assert_eq!(c["severity"], 1);
    let start = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap();
    let end = text.lines().position(|l| l.starts_with(">>>>>>>")).unwrap();
    assert_eq!(c["range"]["start"]["line"], start as u64);
    assert_eq!(c["range"]["end"]["line"], end as u64 + 1);
    let actions = lsp
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": support::lsp::uri(&main) }, "range": c["range"], "context": { "diagnostics": [c] } }),
        )
        .unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    for want in ["Accept ours", "Accept theirs", "Accept both", "Accept base"] {
        assert!(
            titles
                .iter()
                .any(|t| t.starts_with(want) && t.ends_with("for this conflict")),
            "{want} missing from {titles:?}"
        );
    }
    let theirs = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"].as_str().unwrap().starts_with("Accept theirs") && a["kind"] == "quickfix"
        })
        .unwrap();
    let edit = &theirs["edit"]["changes"][support::lsp::uri(&main)][0];
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.splice(start..=end, [edit["newText"].as_str().unwrap()]);
    assert_eq!(lines.concat(), BASE.replace("two", "two (collection)"));
    lsp.finish();
}

#[test]
fn two_hundred_incremental_changes_apply_in_order() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let text = lsp.open(&main, 1);
    let mut expected = text.clone();
    let line = text.lines().count() as u32;
    for i in 0..200 {
        let piece = format!("x{i}");
        expected.push_str(&piece);
        let col = expected
            .lines()
            .last()
            .map(|l| l.len() - piece.len())
            .unwrap_or(0) as u32;
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": support::lsp::uri(&main), "version": i + 2 },
                    "contentChanges": [{ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col } }, "text": piece }] }),
        );
    }
    // The server's view of the buffer equals ours: applying our full text clears nothing new.
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert!(codes(&d).contains(&"drift-modified".to_string()));
    let msg = lsp.wait_for("diagnostics of version 201", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 201
    });
    let hunk = msg["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "drift-hunk")
        .cloned();
    assert!(hunk.is_some(), "{msg}");
    let added: String = (0..200).map(|i| format!("x{i}")).collect();
    lsp.change_full(&main, 202, &expected);
    lsp.change_full(&main, 203, &text);
    lsp.diagnostics(&main, |d| d.is_empty());
    assert!(expected.ends_with(&added));
    lsp.finish();
}

#[test]
fn bad_requests_get_errors_and_the_server_keeps_serving() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.send_raw(b"Content-Length: 9\r\n\r\n{\"bad\": 1");
    lsp.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}");
    let e = lsp.command("skillmeat.frobnicate", json!({})).unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("unknown command"),
        "{e}"
    );
    let e = lsp
        .command("skillmeat.history", json!({ "artifact": 42 }))
        .unwrap_err();
    assert_eq!(e["code"], -32602);
    assert!(e["message"].as_str().unwrap().contains("`artifact`"), "{e}");
    let e = lsp.command("skillmeat.history", json!({})).unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("`artifact` is required"),
        "{e}"
    );
    let e = lsp
        .request(
            "workspace/executeCommand",
            json!({ "command": "skillmeat.status", "arguments": [1, 2] }),
        )
        .unwrap_err();
    assert_eq!(e["code"], -32602);
    let e = lsp
        .command("skillmeat.history", json!({ "artifact": "skill:../x" }))
        .unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("invalid artifact name"),
        "{e}"
    );
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"]["synced"], 2);
    lsp.finish();
}

#[test]
fn versions_that_skip_numbers_still_apply_like_neovims_changedtick() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let text = lsp.open(&main, 0);
    let line = text.lines().position(|l| l == "two").unwrap() as u32;
    let edit = |version: i32, from: u32, to: u32, new: &str| {
        json!({ "textDocument": { "uri": support::lsp::uri(&main), "version": version },
                "contentChanges": [{ "range": { "start": { "line": line, "character": from }, "end": { "line": line, "character": to } }, "text": new }] })
    };
    lsp.notify("textDocument/didChange", edit(3, 0, 3, "TWO"));
    lsp.diagnostics(&main, |d| codes(d).contains(&"drift-modified".to_string()));
    lsp.notify("textDocument/didChange", edit(7, 0, 3, "two"));
    lsp.diagnostics(&main, |d| d.is_empty());
    // A change older than the document is stale and ignored.
    lsp.notify("textDocument/didChange", edit(5, 0, 3, "XXX"));
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"]["synced"], 2);
    lsp.finish();
}
