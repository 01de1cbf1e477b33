//! `workspace/executeCommand` over the real server: each command's JSON (the CLI's `--json`
//! shapes, compared with the CLI itself where the command only reads) and what it changes on
//! disk. `skillmeat.sync` is in `lsp_command_sync.rs` and the refusals (`InvalidParams` naming
//! the field, errors carrying the kind) in `lsp_command_errors.rs`; both share the set-up here.

use crate::support;

use serde_json::{json, Value};
use support::git::Repo;
use support::lsp::{codes, full_caps, Lsp};
use support::Env;

pub(crate) const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\nsix\n";

pub(crate) fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

pub(crate) fn start(env: &Env) -> Lsp {
    Lsp::start(env, settings(env), full_caps())
}

pub(crate) fn cli(env: &Env, args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.push("--json");
    env.run(&full).json()
}

pub(crate) fn ok(lsp: &mut Lsp, command: &str, args: Value) -> Value {
    lsp.command(command, args.clone())
        .unwrap_or_else(|e| panic!("{command} {args} failed: {e:#}"))
}

/// One artifact of a `skillmeat.status` result.
pub(crate) fn artifact<'a>(status: &'a Value, id: &str) -> &'a Value {
    status["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {status:#}"))
}

pub(crate) fn deployed() -> Env {
    support::pdf_and_review(BASE)
}

#[test]
fn status_history_and_diff_answer_what_the_cli_prints_with_json() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (p)"),
    );
    env.write("collection/commands/review.md", "Review!\n");
    let mut lsp = start(&env);
    let status = ok(&mut lsp, "skillmeat.status", json!({}));
    assert_eq!(status, cli(&env, &["status"]));
    assert_eq!(status["summary"], json!({ "modified": 1, "outdated": 1 }));
    let history = ok(&mut lsp, "skillmeat.history", json!({ "artifact": "pdf" }));
    assert_eq!(history, cli(&env, &["history", "skill:pdf"]));
    let v = history["versions"].as_array().unwrap();
    assert_eq!(v.len(), 2, "the modified copy was recorded: {history:#}");
    assert_eq!(v[0]["origin"], "local_modification");
    assert_eq!(v[0]["parents"], json!(["v1"]));
    assert_eq!(v[1]["baseline"], true);

    let diff = ok(
        &mut lsp,
        "skillmeat.diff",
        json!({ "artifact": "skill:pdf" }),
    );
    assert_eq!(diff, cli(&env, &["diff", "skill:pdf"]));
    let pdf = artifact(&status, "skill:pdf");
    assert_eq!(diff["from_hash"], pdf["hashes"]["baseline"]);
    assert_eq!(diff["to_hash"], pdf["hashes"]["project"]);
    let files = diff["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], "SKILL.md");
    let text = files[0]["diff"].as_str().unwrap();
    assert!(text.contains("\n-two\n+two (p)\n"), "{text}");
    let between = ok(
        &mut lsp,
        "skillmeat.diff",
        json!({ "artifact": "command:review", "from": "deployed", "to": "collection" }),
    );
    assert_eq!(
        between,
        cli(
            &env,
            &[
                "diff",
                "command:review",
                "--from",
                "deployed",
                "--to",
                "collection"
            ]
        )
    );
    assert!(between["files"][0]["diff"]
        .as_str()
        .unwrap()
        .contains("-Review.\n+Review!\n"));
    lsp.finish();
}

#[test]
fn resolve_rewrites_the_chosen_files_and_records_a_version_when_none_remain() {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/reference.md
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
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (p)"),
    );
    env.write_fixture(
        r#"
        //- collection/skills/pdf/reference.md
        alpha
        beta (c)
        //- project/.claude/skills/pdf/reference.md
        alpha
        beta (p)
        "#,
    );
    assert_eq!(env.run(&["sync", "pdf", "--apply"]).code, 4);
    let mut lsp = start(&env);
    let reference = env.path("project/.claude/skills/pdf/reference.md");
    lsp.diagnostics(&reference, |d| codes(d) == ["conflict-unresolved"]);

    let r = ok(
        &mut lsp,
        "skillmeat.resolve",
        json!({ "artifact": "skill:pdf", "file": "reference.md", "choice": "theirs" }),
    );
    assert_eq!(r["id"], "skill:pdf");
    assert_eq!(
        r["rewritten"],
        json!([{ "path": "reference.md", "regions": 1 }])
    );
    let line = env
        .read("project/.claude/skills/pdf/SKILL.md")
        .lines()
        .position(|l| l.starts_with("<<<<<<<"))
        .unwrap()
        + 1;
    assert_eq!(
        r["remaining"],
        json!([{ "path": "SKILL.md", "line": line }])
    );
    assert_eq!(r["version"], Value::Null, "not resolved yet: {r:#}");
    assert_eq!(
        env.read("project/.claude/skills/pdf/reference.md"),
        "alpha\nbeta (c)\n"
    );
    lsp.diagnostics(&reference, |d| d.is_empty());

    let r = ok(
        &mut lsp,
        "skillmeat.resolve",
        json!({ "artifact": "skill:pdf", "choice": "both" }),
    );
    assert_eq!(
        r["rewritten"],
        json!([{ "path": "SKILL.md", "regions": 1 }])
    );
    assert_eq!(r["remaining"], json!([]));
    let version = r["version"]
        .as_str()
        .expect("a version is recorded")
        .to_string();
    assert_eq!(
        env.read("project/.claude/skills/pdf/SKILL.md"),
        BASE.replace("two", "two (p)\ntwo (c)")
    );
    let h = ok(
        &mut lsp,
        "skillmeat.history",
        json!({ "artifact": "skill:pdf" }),
    );
    assert_eq!(h["versions"][0]["version"], version.as_str());
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let d = lsp.diagnostics(&main, |d| codes(d) == ["drift-modified"]);
    assert_eq!(d.len(), 1);
    lsp.finish();
}

#[test]
fn rollback_restores_a_revision_and_keeps_what_it_replaced() {
    let env = deployed();
    let edited = BASE.replace("three", "three (p)");
    env.write("project/.claude/skills/pdf/SKILL.md", &edited);
    let mut lsp = start(&env);
    let r = ok(
        &mut lsp,
        "skillmeat.rollback",
        json!({ "artifact": "skill:pdf", "to": "v1" }),
    );
    assert_eq!(r["id"], "skill:pdf");
    assert_eq!(r["to"], "v1");
    let kept = r["kept_previous"]
        .as_str()
        .expect("the edited copy was kept");
    assert!(r["version"].as_str().unwrap().starts_with('v'), "{r:#}");
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), BASE);
    // The replaced content is a version that can be diffed against and restored.
    let d = ok(
        &mut lsp,
        "skillmeat.diff",
        json!({ "artifact": "skill:pdf", "from": kept, "to": "project" }),
    );
    assert!(d["files"][0]["diff"]
        .as_str()
        .unwrap()
        .contains("-three (p)\n+three\n"));
    ok(
        &mut lsp,
        "skillmeat.rollback",
        json!({ "artifact": "skill:pdf", "to": kept }),
    );
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), edited);
    lsp.finish();
}

#[test]
fn deploy_copies_an_artifact_into_the_project_and_overwrite_keeps_the_old_copy() {
    let env = deployed();
    env.write("collection/agents/planner.md", "Plan.\n");
    let mut lsp = start(&env);
    let r = ok(
        &mut lsp,
        "skillmeat.deploy",
        json!({ "artifact": "agent:planner" }),
    );
    let hash = r["deployed"][0]["hash"].clone();
    assert_eq!(
        r,
        json!({ "deployed": [{ "id": "agent:planner", "hash": hash, "version": "v1", "already_present": false, "kept_previous": null }] })
    );
    assert_eq!(env.read("project/.claude/agents/planner.md"), "Plan.\n");
    assert_eq!(env.states()["agent:planner"], "synced");

    // A changed project copy is not replaced without `overwrite`; with it, it is kept first.
    let main = env.path("project/.claude/agents/planner.md");
    env.write("project/.claude/agents/planner.md", "My plan.\n");
    let e = lsp
        .command("skillmeat.deploy", json!({ "artifact": "agent:planner" }))
        .unwrap_err();
    assert_eq!(e["code"], -32803, "{e:#}");
    assert!(
        e["message"].as_str().unwrap().contains("agent:planner"),
        "{e:#}"
    );
    assert_eq!(env.read("project/.claude/agents/planner.md"), "My plan.\n");
    let r = ok(
        &mut lsp,
        "skillmeat.deploy",
        json!({ "artifact": "agent:planner", "overwrite": true }),
    );
    assert!(r["deployed"][0]["kept_previous"].is_string(), "{r:#}");
    assert_eq!(env.read("project/.claude/agents/planner.md"), "Plan.\n");
    let h = ok(
        &mut lsp,
        "skillmeat.history",
        json!({ "artifact": "agent:planner" }),
    );
    assert!(h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["version"] == r["deployed"][0]["kept_previous"]));
    lsp.diagnostics(&main, |d| d.is_empty());
    lsp.finish();
}

#[test]
fn tag_names_a_version_that_other_commands_accept_as_a_revision() {
    let env = deployed();
    let mut lsp = start(&env);
    let t = ok(
        &mut lsp,
        "skillmeat.tag",
        json!({ "artifact": "skill:pdf", "tag": "stable" }),
    );
    let status = ok(&mut lsp, "skillmeat.status", json!({}));
    let hash = artifact(&status, "skill:pdf")["hashes"]["baseline"].clone();
    assert_eq!(t["id"], "skill:pdf");
    assert_eq!(t["tag"], "stable");
    assert_eq!(t["version"], "v1");
    assert_eq!(t["hash"], hash);
    assert!(t["semver"].is_string(), "{t:#}");
    let h = ok(
        &mut lsp,
        "skillmeat.history",
        json!({ "artifact": "skill:pdf" }),
    );
    assert_eq!(h["versions"][0]["tag"], "stable");

    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "uno"),
    );
    let d = ok(
        &mut lsp,
        "skillmeat.diff",
        json!({ "artifact": "skill:pdf", "from": "stable" }),
    );
    assert_eq!(d["from_hash"], hash);
    let r = ok(
        &mut lsp,
        "skillmeat.rollback",
        json!({ "artifact": "skill:pdf", "to": "stable" }),
    );
    assert_eq!(r["to"], "v1 (tag stable)");
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), BASE);
    // Tagging a given revision.
    let t2 = ok(
        &mut lsp,
        "skillmeat.tag",
        json!({ "artifact": "skill:pdf", "tag": "edited", "rev": r["kept_previous"] }),
    );
    assert_eq!(t2["version"], r["kept_previous"]);
    lsp.finish();
}

#[test]
fn check_upstream_reports_behind_and_publishes_upstream_behind_until_synced() {
    let env = Env::new("");
    let up = Repo::init(&env, "upstream");
    up.write("skills/pdf/SKILL.md", BASE);
    let first = up.commit("change");
    let url = up.url();
    assert_eq!(
        env.run(&["add", &url, "--path", "skills/pdf", "--ref", "main"])
            .code,
        0
    );
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    up.write(
        "skills/pdf/SKILL.md",
        &BASE.replace("one", "one (upstream)"),
    );
    let second = up.commit("change");

    let mut lsp = start(&env);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let r = ok(
        &mut lsp,
        "skillmeat.checkUpstream",
        json!({ "artifact": "skill:pdf" }),
    );
    let a = &r["artifacts"][0];
    assert_eq!(a["id"], "skill:pdf");
    assert_eq!(a["state"], "behind", "{r:#}");
    assert_eq!(a["resolved_sha"], first.as_str());
    assert_eq!(a["current_sha"], second.as_str());
    assert_eq!(
        r,
        cli(&env, &["check-upstream", "skill:pdf"]),
        "the CLI's answer"
    );

    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["upstream-behind"]);
    assert_eq!(d[0]["severity"], 3);
    assert_eq!(d[0]["data"], json!({ "artifact": "skill:pdf" }));
    assert_eq!(d[0]["range"]["start"]["line"], 0);
    assert!(
        d[0]["message"].as_str().unwrap().contains(&second[..7]),
        "{:#}",
        d[0]
    );

    // Taking the upstream into the collection makes the project outdated; checking again
    // finds the upstream current and the hint goes.
    let s = ok(
        &mut lsp,
        "skillmeat.sync",
        json!({ "artifact": "skill:pdf", "direction": "upstream-to-collection" }),
    );
    assert_eq!(s["results"][0]["direction"], "upstream-to-collection");
    assert_eq!(
        env.read("collection/skills/pdf/SKILL.md"),
        BASE.replace("one", "one (upstream)")
    );
    let r = ok(&mut lsp, "skillmeat.checkUpstream", json!({}));
    assert_eq!(r["artifacts"][0]["state"], "current", "{r:#}");
    let d = lsp.diagnostics(&main, |d| codes(d) == ["drift-outdated"]);
    assert_eq!(d.len(), 1);
    lsp.finish();
}
