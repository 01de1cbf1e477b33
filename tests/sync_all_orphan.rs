//! `sync --all` and the server's `skillmeat.sync` with `all` follow one plan (the core's
//! `Workspace::sync_selection`): an orphaned deployment (its collection copy gone) and a kept
//! copy are skipped with a note, never reported as errors — the same answer on both surfaces.

use crate::lsp_commands::settings;
use crate::support;

use serde_json::{json, Value};
use support::lsp::{full_caps, Lsp};
use support::Env;

/// Three deployments: `agent:planner` orphaned, `skill:pdf` kept, `command:review` changed in
/// the collection.
fn world() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        pdf
        //- collection/commands/review.md
        review
        //- collection/agents/planner.md
        plan
        "#,
    );
    assert_eq!(env.run(&["deploy", "pdf", "review", "planner"]).code, 0);
    env.write("project/.claude/skills/pdf/SKILL.md", "pdf, ours\n");
    let r = env.run(&["keep", "pdf", "--reason", "house style"]);
    assert_eq!(r.code, 0, "{r:?}");
    std::fs::remove_file(env.path("collection/agents/planner.md")).unwrap();
    env.write("collection/commands/review.md", "review v2\n");
    assert_eq!(env.states()["agent:planner"], "orphaned");
    env
}

/// A bulk sync with `--apply` through one surface: its JSON answer.
type Surface = fn(&Env) -> Value;

fn cli(env: &Env) -> Value {
    let r = env.run(&["sync", "--all", "--apply", "--json"]);
    assert_eq!(r.code, 0, "an orphan is nothing to fix: {r:?}");
    r.json()
}

fn server(env: &Env) -> Value {
    let mut lsp = Lsp::start(env, settings(env), full_caps());
    let v = lsp
        .command("skillmeat.sync", json!({ "all": true }))
        .unwrap_or_else(|e| panic!("skillmeat.sync failed: {e}"));
    lsp.finish();
    v
}

/// Each result as (id, what happened: `skipped:<why>`, `error` or the sync's kind).
fn outcomes(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {v:#}"))
        .iter()
        .map(|r| {
            let what = if let Some(s) = r["skipped"].as_str() {
                format!("skipped:{s}")
            } else if r.get("error").is_some() {
                format!("error:{}", r["error"])
            } else {
                r["kind"].as_str().unwrap_or("?").to_string()
            };
            (r["id"].as_str().unwrap().to_string(), what)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn sync_all_skips_an_orphan_and_a_kept_copy_alike_in_the_cli_and_the_server() {
    let surfaces: [(&str, Surface); 2] = [("cli", cli), ("server", server)];
    let mut answers = Vec::new();
    for (name, run) in surfaces {
        let env = world();
        let planner = env.read("project/.claude/agents/planner.md");
        let v = run(&env);
        assert_eq!(
            outcomes(&v),
            [
                ("agent:planner".to_string(), "skipped:orphaned".to_string()),
                ("command:review".to_string(), "fast-forward".to_string()),
                ("skill:pdf".to_string(), "skipped:kept".to_string()),
            ],
            "{name}: {v:#}"
        );
        assert_eq!(
            v["summary"],
            json!({ "fast_forwarded": 1, "merged_clean": 0, "conflicts": 0, "skipped": 2, "errors": 0 }),
            "{name}: {v:#}"
        );
        let orphan = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "agent:planner")
            .unwrap();
        assert!(
            orphan["reason"]
                .as_str()
                .is_some_and(|s| s.contains("the collection no longer has it")),
            "{name}: {orphan:#}"
        );
        // The write happened; the orphan and the kept copy are left as they were.
        assert_eq!(
            env.read("project/.claude/commands/review.md"),
            "review v2\n"
        );
        assert_eq!(env.read("project/.claude/agents/planner.md"), planner);
        assert_eq!(
            env.read("project/.claude/skills/pdf/SKILL.md"),
            "pdf, ours\n"
        );
        answers.push((v["summary"].clone(), outcomes(&v)));
    }
    assert_eq!(answers[0], answers[1], "the CLI and the server differ");
}
