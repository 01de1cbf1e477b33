//! Files under SkillMeat's other profile roots over the real server: a deployment under
//! `.agents` (codex) gets its own drift diagnostic, code action and lens, and saving the action's
//! result records that deployment's lineage only (the `.claude` one is left as it was).

use crate::support;

use serde_json::{json, Value};
use support::lsp::{action, apply_edits, edits_for, find, full_caps, Lsp};
use support::Env;

const BASE: &str = "---\nname: demo\ndescription: demo skill\n---\n\none\ntwo\nthree\n";

#[test]
fn a_codex_deployment_under_agents_gets_drift_diagnostics_an_update_action_and_a_lens() {
    let env = Env::new("");
    env.write("collection/skills/demo/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "demo"]).code, 0);
    assert_eq!(env.run(&["deploy", "demo", "--profile", "codex"]).code, 0);
    let newer = BASE.replace("two", "two (collection)");
    env.write("collection/skills/demo/SKILL.md", &newer);
    // A project edit of the codex copy only, on disk: its file is flagged without being open.
    let agents = env.path("project/.agents/skills/demo/SKILL.md");
    let claude = env.path("project/.claude/skills/demo/SKILL.md");
    let settings = json!({ "collectionPath": env.collection() });
    let mut lsp = Lsp::start(&env, settings, full_caps());
    let d = lsp.diagnostics(&agents, |d| !d.is_empty());
    let outdated = find(&d, "drift-outdated").clone();
    assert!(
        outdated["message"].as_str().unwrap().contains("outdated")
            || outdated["data"].to_string().contains("skill:demo@codex"),
        "{outdated:#}"
    );
    assert!(
        outdated["data"].to_string().contains("skill:demo@codex"),
        "the diagnostic names the codex deployment: {outdated:#}"
    );
    // The code action on it updates the codex copy's buffer to the collection's content.
    let text = lsp.open(&agents, 1);
    let actions = lsp.code_actions(
        &agents,
        outdated["range"].clone(),
        std::slice::from_ref(&outdated),
    );
    let a = action(&actions, "Update from collection").clone();
    let buffer = apply_edits(&text, &edits_for(&a, &agents));
    assert_eq!(buffer, newer);
    // A lens on its main file says which version and state.
    let lenses = lsp.code_lenses(&agents);
    let titles: Vec<String> = lenses
        .iter()
        .filter_map(|l: &Value| l["command"]["title"].as_str().map(str::to_string))
        .collect();
    assert!(titles.iter().any(|t| t.contains("outdated")), "{titles:?}");
    // Saved: the codex deployment is synced, the .claude one still outdated.
    lsp.change_full(&agents, 2, &buffer);
    std::fs::write(&agents, &buffer).unwrap();
    lsp.save(&agents);
    lsp.diagnostics(&agents, |d| d.is_empty());
    let states = env.states();
    assert_eq!(states["skill:demo@codex"], "synced", "{states:?}");
    assert_eq!(states["skill:demo"], "outdated", "{states:?}");
    assert_eq!(std::fs::read_to_string(&claude).unwrap(), BASE);
    lsp.finish();
}

#[test]
fn a_collection_change_flags_the_codex_deployment_as_well_as_the_claude_one() {
    collection_change_flags_every_deployment(true);
}

#[test]
fn a_collection_change_flags_a_codex_only_deployment_open_in_the_editor() {
    collection_change_flags_every_deployment(false);
}

/// `skill:demo` deployed to codex (and to `.claude` when `claude`), its codex file open; the
/// collection changes while the server runs: every deployment reads outdated.
fn collection_change_flags_every_deployment(claude: bool) {
    let env = Env::new("");
    env.write("collection/skills/demo/SKILL.md", BASE);
    if claude {
        assert_eq!(env.run(&["deploy", "demo"]).code, 0);
    }
    assert_eq!(env.run(&["deploy", "demo", "--profile", "codex"]).code, 0);
    let agents = env.path("project/.agents/skills/demo/SKILL.md");
    let settings = json!({ "collectionPath": env.collection() });
    let mut lsp = Lsp::start(&env, settings, full_caps());
    lsp.wait_for("the start-up progress end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    lsp.open(&agents, 1);
    env.write(
        "collection/skills/demo/SKILL.md",
        &BASE.replace("two", "two (collection)"),
    );
    let changed = env.path("collection/skills/demo/SKILL.md");
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": support::lsp::uri(&changed), "type": 2 }] }),
    );
    let d = lsp.diagnostics(&agents, |d| !d.is_empty());
    assert!(
        find(&d, "drift-outdated")
            .to_string()
            .contains("skill:demo@codex"),
        "{d:#?}"
    );
    if claude {
        let main = env.path("project/.claude/skills/demo/SKILL.md");
        let d = lsp.diagnostics(&main, |d| !d.is_empty());
        find(&d, "drift-outdated");
    }
    lsp.finish();
}
