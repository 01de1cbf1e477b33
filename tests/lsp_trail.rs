//! The audit trail and intentional divergence over the real server: `skillmeat.log` answers what
//! `log --json` prints, refuses a bad `op` naming the valid ones, and a kept artifact's drift
//! diagnostic is a `drift-kept` hint naming the reason (until the collection changes).

use crate::support;

use serde_json::{json, Value};
use support::lsp::{codes, find, full_caps, Lsp};
use support::Env;

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\n";

fn deployed() -> Env {
    support::pdf_and_review(BASE)
}

fn start(env: &Env) -> Lsp {
    Lsp::start(
        env,
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    )
}

#[test]
fn log_command_answers_the_cli_json_and_filters() {
    let env = deployed();
    env.write("project/.claude/commands/review.md", "Mine.\n");
    assert_eq!(
        env.run(&["keep", "review", "--reason", "house style"]).code,
        0
    );
    let mut lsp = start(&env);
    let all = lsp.command("skillmeat.log", json!({})).unwrap();
    assert_eq!(all, env.run(&["log", "--json"]).json());
    let ops: Vec<&str> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["keep", "deploy", "deploy"], "{all:#}");
    let one = lsp
        .command("skillmeat.log", json!({ "artifact": "pdf", "since": "1h" }))
        .unwrap();
    assert_eq!(one["events"].as_array().unwrap().len(), 1);
    assert_eq!(one["events"][0]["artifact"], "skill:pdf");
    let keeps = lsp
        .command("skillmeat.log", json!({ "op": "keep", "limit": 5 }))
        .unwrap();
    assert_eq!(keeps["events"][0]["detail"], "house style");

    let e: Value = lsp
        .command("skillmeat.log", json!({ "op": "merge" }))
        .unwrap_err();
    assert_eq!(e["code"], -32602, "{e:#}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("deploy, import, keep"),
        "{e:#}"
    );
    let e = lsp
        .command("skillmeat.log", json!({ "limit": "ten" }))
        .unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("`limit`"), "{e:#}");
    lsp.finish();
}

#[test]
fn a_kept_artifact_shows_a_hint_naming_the_reason_until_the_collection_changes() {
    let env = deployed();
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (staging)"),
    );
    assert_eq!(
        env.run(&["keep", "pdf", "--reason", "points at staging"])
            .code,
        0
    );
    let mut lsp = start(&env);
    let diags = lsp.diagnostics(&main, |d| !d.is_empty());
    assert!(
        !codes(&diags).contains(&"drift-modified".to_string()),
        "{diags:#?}"
    );
    let hint = find(&diags, "drift-kept");
    assert_eq!(hint["severity"], 4, "{hint:#}");
    assert!(
        hint["message"]
            .as_str()
            .unwrap()
            .contains("points at staging"),
        "{hint:#}"
    );
    assert_eq!(hint["data"]["state"], "kept");
    assert_eq!(hint["data"]["kept"]["drift"], "modified");
    let status = lsp.command("skillmeat.status", json!({})).unwrap();
    let pdf = status["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap()
        .clone();
    assert_eq!(pdf["state"], "kept");
    assert_eq!(pdf["kept"]["reason"], "points at staging");

    // A new collection change is shown again, the keep noted in the message.
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("three", "three (collection)"),
    );
    let diags = lsp.diagnostics(&main, |d| d.iter().any(|x| x["code"] == "drift-conflict"));
    let c = find(&diags, "drift-conflict");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("it was kept: points at staging, but the collection changed since"),
        "{c:#}"
    );
    assert!(!codes(&diags).contains(&"drift-kept".to_string()));
    lsp.finish();
}

#[test]
fn sync_all_leaves_a_kept_artifact_alone_and_says_so() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (staging)"),
    );
    env.write("collection/commands/review.md", "Review v2.\n");
    assert_eq!(
        env.run(&["keep", "pdf", "--reason", "points at staging"])
            .code,
        0
    );
    let mut lsp = start(&env);
    let r = lsp
        .command("skillmeat.sync", json!({ "all": true }))
        .unwrap();
    let results = r["results"].as_array().unwrap();
    let kept: Vec<&Value> = results.iter().filter(|x| x["skipped"] == "kept").collect();
    assert_eq!(kept.len(), 1, "{r:#}");
    assert_eq!(kept[0]["id"], "skill:pdf");
    assert_eq!(kept[0]["reason"], "points at staging");
    assert_eq!(r["summary"]["skipped"], 1);
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "Review v2.\n"
    );
    assert!(env
        .read("project/.claude/skills/pdf/SKILL.md")
        .contains("two (staging)"));
    lsp.finish();
}
