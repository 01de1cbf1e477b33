//! `workspace/executeCommand` `skillmeat.sync` over the real server: the dry run returns the
//! CLI's plan and writes nothing, `apply` syncs, and `all` runs every artifact and summarises.

use crate::lsp_commands::{cli, deployed, ok, start, BASE};
use crate::support;

use serde_json::json;
use support::lsp::{codes, find};
use support::Env;

#[test]
fn sync_dry_run_returns_the_plan_and_writes_nothing_then_apply_syncs() {
    let env = deployed();
    let newer = BASE.replace("six", "six (c)");
    env.write("collection/skills/pdf/SKILL.md", &newer);
    let mut lsp = start(&env);
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    lsp.diagnostics(&main, |d| codes(d) == ["drift-outdated"]);
    let plan = ok(
        &mut lsp,
        "skillmeat.sync",
        json!({ "artifact": "skill:pdf", "dryRun": true }),
    );
    assert_eq!(plan, cli(&env, &["sync", "skill:pdf"]), "the CLI's plan");
    assert_eq!(plan["applied"], false);
    let r = &plan["results"][0];
    assert_eq!(r["kind"], "fast-forward");
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(
        (&files[0]["path"], &files[0]["action"]),
        (&json!("SKILL.md"), &json!("modify"))
    );
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), BASE);
    assert_eq!(env.states()["skill:pdf"], "outdated");

    let done = ok(
        &mut lsp,
        "skillmeat.sync",
        json!({ "artifact": "skill:pdf", "direction": "collection-to-project", "strategy": "auto" }),
    );
    assert_eq!(done["applied"], true);
    assert_eq!(done["results"][0]["applied"], true);
    assert_eq!(done["results"][0]["version"], "v2");
    assert_eq!(done["summary"]["fast_forwarded"], 1);
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), newer);
    // The command republished: the warning is gone.
    lsp.diagnostics(&main, |d| d.is_empty());
    assert_eq!(env.states()["skill:pdf"], "synced");
    lsp.finish();
}

#[test]
fn sync_all_runs_every_artifact_and_summarises_the_outcomes() {
    let env = Env::new("");
    for n in ["a", "b", "c", "d"] {
        env.write(&format!("collection/skills/{n}/SKILL.md"), BASE);
    }
    assert_eq!(env.run(&["deploy", "a", "b", "c", "d"]).code, 0);
    // a: outdated → fast-forward; b: both changed apart → merged clean; c: both changed the
    // same line → conflicts; d: synced → skipped.
    env.write(
        "collection/skills/a/SKILL.md",
        &BASE.replace("one", "one (c)"),
    );
    env.write(
        "collection/skills/b/SKILL.md",
        &BASE.replace("one", "one (c)"),
    );
    env.write(
        "project/.claude/skills/b/SKILL.md",
        &BASE.replace("six", "six (p)"),
    );
    env.write(
        "collection/skills/c/SKILL.md",
        &BASE.replace("one", "one (c)"),
    );
    env.write(
        "project/.claude/skills/c/SKILL.md",
        &BASE.replace("one", "one (p)"),
    );
    let mut lsp = start(&env);
    let plan = ok(
        &mut lsp,
        "skillmeat.sync",
        json!({ "all": true, "dryRun": true }),
    );
    assert_eq!(plan, cli(&env, &["sync", "--all"]));
    let done = ok(&mut lsp, "skillmeat.sync", json!({ "all": true }));
    assert_eq!(done["applied"], true);
    let kinds: Vec<(&str, &str)> = done["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["kind"].as_str().unwrap_or("?")))
        .collect();
    assert_eq!(
        done["summary"],
        json!({ "fast_forwarded": 1, "merged_clean": 1, "conflicts": 1, "skipped": 1, "errors": 0 }),
        "{kinds:?}"
    );
    assert_eq!(
        env.read("project/.claude/skills/b/SKILL.md"),
        BASE.replace("one", "one (c)").replace("six", "six (p)")
    );
    let c = env.path("project/.claude/skills/c/SKILL.md");
    let d = lsp.diagnostics(&c, |d| {
        codes(d).contains(&"conflict-unresolved".to_string())
    });
    assert_eq!(
        find(&d, "conflict-unresolved")["data"]["artifact"],
        "skill:c"
    );
    lsp.finish();
}
