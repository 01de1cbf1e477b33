//! SkillMeat's other profile roots (`.agents` for codex, `.gemini`, `.cursor`) through `status`:
//! each deployment recorded in a root's `.skillmeat-deployed.toml` is its own, shown as
//! `type:name@profile`, with its own drift against the baseline SkillMeat recorded there.

use crate::support;

use std::collections::BTreeMap;

use support::Env;

const FIXTURE: &str = r#"
//- collection/skills/demo/SKILL.md
---
name: demo
description: demo skill
---
one
two
//- collection/commands/review.md
Review it.
//- collection/agents/planner.md
Plan it.
"#;

/// What SkillMeat 0.74 writes for a deploy with `--profile P` (see the issue's capture).
fn skillmeat_deployed(env: &Env, root: &str, profile: &str, entries: &[(&str, &str, &str)]) {
    let mut text = String::new();
    for (kind, name, hash) in entries {
        let path = match *kind {
            "skill" => format!("skills/{name}"),
            k => format!("{k}s/{name}.md"),
        };
        text.push_str(&format!(
            "[[deployed]]\nartifact_name = \"{name}\"\nartifact_type = \"{kind}\"\nfrom_collection = \"default\"\ndeployed_at = \"2026-11-29T10:00:00.000000\"\nartifact_path = \"{path}\"\ncontent_hash = \"{hash}\"\nlocal_modifications = false\ndeployment_profile_id = \"{profile}\"\nplatform = \"{profile}\"\nprofile_root_dir = \"{root}\"\n\n"
        ));
    }
    env.write(&format!("project/{root}/.skillmeat-deployed.toml"), &text);
}

fn states(env: &Env) -> (i32, BTreeMap<String, (String, Option<String>)>) {
    let r = env.run(&["status", "--json"]);
    let m = support::by_id(&r.json(), |a| {
        (
            a["state"].as_str().unwrap().to_string(),
            a["profile"].as_str().map(str::to_string),
        )
    });
    (r.code, m)
}

fn hashes(env: &Env) -> BTreeMap<String, String> {
    let v = env.run(&["status", "--json"]).json();
    support::by_id(&v, |a| {
        a["hashes"]["collection"].as_str().unwrap().to_string()
    })
}

fn copy(env: &Env, from: &str, to: &str) {
    support::copy_tree(&env.path(from), &env.path(to));
}

/// demo deployed to `.claude` by us and to `.agents`, review to `.gemini`, planner to `.cursor`
/// as SkillMeat does it.
fn world() -> Env {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "demo", "review", "planner"]).code, 0);
    let h = hashes(&env);
    copy(
        &env,
        "collection/skills/demo",
        "project/.agents/skills/demo",
    );
    skillmeat_deployed(
        &env,
        ".agents",
        "codex",
        &[("skill", "demo", &h["skill:demo"])],
    );
    copy(&env, "collection/commands", "project/.gemini/commands");
    skillmeat_deployed(
        &env,
        ".gemini",
        "gemini",
        &[("command", "review", &h["command:review"])],
    );
    copy(&env, "collection/agents", "project/.cursor/agents");
    skillmeat_deployed(
        &env,
        ".cursor",
        "cursor",
        &[("agent", "planner", &h["agent:planner"])],
    );
    env
}

#[test]
fn every_profile_roots_deployments_are_listed_and_synced_when_untouched() {
    let env = world();
    let (code, s) = states(&env);
    assert_eq!(code, 0, "{s:?}");
    assert_eq!(s["skill:demo"], ("synced".into(), None));
    assert_eq!(
        s["skill:demo@codex"],
        ("synced".into(), Some("codex".into()))
    );
    assert_eq!(
        s["command:review@gemini"],
        ("synced".into(), Some("gemini".into()))
    );
    assert_eq!(
        s["agent:planner@cursor"],
        ("synced".into(), Some("cursor".into()))
    );
    let table = env.run(&["status"]).stdout;
    assert!(table.contains("skill:demo@codex"), "{table}");
}

#[test]
fn an_edit_in_each_root_is_read_as_that_deployments_drift_only() {
    let env = world();
    env.write(
        "project/.agents/skills/demo/SKILL.md",
        "edited under codex\n",
    );
    env.write(
        "project/.gemini/commands/review.md",
        "edited under gemini\n",
    );
    env.write("project/.cursor/agents/planner.md", "edited under cursor\n");
    let (code, s) = states(&env);
    assert_eq!(code, 1, "{s:?}");
    assert_eq!(s["skill:demo"].0, "synced", "{s:?}");
    assert_eq!(s["skill:demo@codex"].0, "modified", "{s:?}");
    assert_eq!(s["command:review"].0, "synced", "{s:?}");
    assert_eq!(s["command:review@gemini"].0, "modified", "{s:?}");
    assert_eq!(s["agent:planner@cursor"].0, "modified", "{s:?}");
    // A collection edit: every deployment of it is behind; the edited one conflicts.
    env.write("collection/commands/review.md", "Review it twice.\n");
    let (_, s) = states(&env);
    assert_eq!(s["command:review"].0, "outdated", "{s:?}");
    assert_eq!(s["command:review@gemini"].0, "conflict", "{s:?}");
    // A deleted copy reads removed.
    std::fs::remove_dir_all(env.path("project/.agents/skills/demo")).unwrap();
    let (_, s) = states(&env);
    assert_eq!(s["skill:demo@codex"].0, "removed", "{s:?}");
}

#[test]
fn a_root_moved_by_skillmeats_config_or_env_is_followed() {
    let env = world();
    // SkillMeat's config moves codex to `.codex`; the `.agents` record is then not codex's.
    std::fs::rename(env.path("project/.agents"), env.path("project/.codex")).unwrap();
    env.write(
        "home/.skillmeat/config.toml",
        "[platform.defaults.codex]\nroot_dir = \".codex\"\n",
    );
    env.write("project/.codex/skills/demo/SKILL.md", "edited\n");
    let (_, s) = states(&env);
    assert_eq!(s["skill:demo@codex"].0, "modified", "{s:?}");
    // The environment variable wins over the config.
    let mut cmd = env.command();
    cmd.env(
        "SKILLMEAT_PLATFORM_DEFAULTS_JSON",
        r#"{"codex": {"root_dir": ".agents"}}"#,
    );
    let out = cmd
        .arg("--workspace")
        .arg(env.project())
        .arg("--collection")
        .arg(env.collection())
        .args(["status", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    // The codex deployment is remembered (it has its own lineage) but its copy is not where
    // the profile now says: removed, never read from the old root.
    let codex = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:demo@codex")
        .unwrap_or_else(|| panic!("{ids:?}"));
    assert_eq!(codex["state"], "removed", "{codex}");
}

fn toml_entries(env: &Env, rel: &str) -> Vec<toml::Table> {
    let t: toml::Table = env.read(rel).parse().unwrap();
    t["deployed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_table().unwrap().clone())
        .collect()
}

#[test]
fn deploy_to_profiles_writes_each_root_and_its_deployed_file_as_skillmeat_does() {
    let env = Env::new(FIXTURE);
    let r = env.run(&[
        "deploy",
        "demo",
        "--profile",
        "codex",
        "--profile",
        "gemini",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        env.read("project/.agents/skills/demo/SKILL.md"),
        env.read("collection/skills/demo/SKILL.md")
    );
    assert!(env.path("project/.gemini/skills/demo/SKILL.md").is_file());
    assert!(!env.path("project/.claude/skills/demo").exists());
    let h = hashes(&env);
    let e = &toml_entries(&env, "project/.agents/.skillmeat-deployed.toml")[0];
    assert_eq!(e["artifact_name"].as_str(), Some("demo"));
    assert_eq!(e["artifact_path"].as_str(), Some("skills/demo"));
    assert_eq!(e["deployment_profile_id"].as_str(), Some("codex"));
    assert_eq!(e["platform"].as_str(), Some("codex"));
    assert_eq!(e["profile_root_dir"].as_str(), Some(".agents"));
    assert_eq!(
        e["content_hash"].as_str(),
        Some(h["skill:demo@codex"].as_str())
    );
    // Two deployments, no .claude one: a bare id is ambiguous and the error lists both.
    let r = env.run(&["history", "demo"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("skill:demo@codex") && r.stderr.contains("skill:demo@gemini"),
        "{}",
        r.stderr
    );
    // A profile that does not take the type is refused, naming it; nothing is written.
    support::assert_refused(
        &env,
        &["deploy", "planner", "--profile", "gemini"],
        2,
        &["gemini", "agent"],
    );
    support::assert_refused(
        &env,
        &["deploy", "demo", "--profile", "nope"],
        3,
        &["nope", "codex"],
    );
    // --all-profiles: every root the project has (.claude always), types a root takes.
    let r = env.run(&["--json", "deploy", "planner", "--all-profiles"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ids: Vec<String> = r.json()["deployed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["agent:planner", "agent:planner@codex"]);
    assert!(env.path("project/.agents/agents/planner.md").is_file());
    assert!(!env.path("project/.gemini/agents").exists());
}

#[test]
fn each_profiles_deployment_has_its_own_sync_history_rollback_and_diff() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "demo"]).code, 0);
    assert_eq!(env.run(&["deploy", "skill:demo@codex"]).code, 0);
    let first = env.read("collection/skills/demo/SKILL.md");
    env.write(
        "collection/skills/demo/SKILL.md",
        &format!("{first}three\n"),
    );
    let (_, s) = states(&env);
    assert_eq!(s["skill:demo"].0, "outdated");
    assert_eq!(s["skill:demo@codex"].0, "outdated");
    // Syncing the codex deployment leaves the .claude one behind.
    let r = env.run(&["sync", "demo@codex", "--apply"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(env
        .read("project/.agents/skills/demo/SKILL.md")
        .ends_with("three\n"));
    let (_, s) = states(&env);
    assert_eq!(s["skill:demo"].0, "outdated", "{s:?}");
    assert_eq!(s["skill:demo@codex"].0, "synced", "{s:?}");
    // SkillMeat's record of that root follows, with its lineage.
    let h = hashes(&env);
    let e = &toml_entries(&env, "project/.agents/.skillmeat-deployed.toml")[0];
    assert_eq!(
        e["content_hash"].as_str(),
        Some(h["skill:demo@codex"].as_str())
    );
    assert_eq!(e["version_lineage"].as_array().unwrap().len(), 2);
    // Its own history: deployed, then synced; the bare id still means .claude's.
    let hist = |id: &str| {
        env.run(&["--json", "history", id]).json()["versions"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(hist("demo"), 1);
    assert!(hist("skill:demo@codex") >= 2);
    let d = env
        .run(&[
            "--json",
            "diff",
            "skill:demo@codex",
            "--from",
            "v1",
            "--to",
            "deployed",
        ])
        .json();
    assert!(d["files"].to_string().contains("+three"), "{d}");
    // Rolling the codex copy back touches only .agents.
    let claude_before = env.read("project/.claude/skills/demo/SKILL.md");
    let r = env.run(&["rollback", "skill:demo@codex", "--to", "v1", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.read("project/.agents/skills/demo/SKILL.md"), first);
    assert_eq!(
        env.read("project/.claude/skills/demo/SKILL.md"),
        claude_before
    );
    // A conflict in the codex copy is resolved there.
    env.write(
        "project/.agents/skills/demo/SKILL.md",
        &first.replace("two", "TWO"),
    );
    env.write(
        "collection/skills/demo/SKILL.md",
        &first.replace("two", "deux"),
    );
    let r = env.run(&["sync", "skill:demo@codex", "--apply"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(env
        .read("project/.agents/skills/demo/SKILL.md")
        .contains("<<<<<<<"));
    let r = env.run(&["resolve", "skill:demo@codex", "--take", "theirs"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(env
        .read("project/.agents/skills/demo/SKILL.md")
        .contains("deux"));
    assert!(!env
        .read("project/.claude/skills/demo/SKILL.md")
        .contains("deux"));
}
