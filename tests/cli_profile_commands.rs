//! Every per-deployment command takes a profile's deployment (`skill:demo@codex`) and acts on
//! that deployment alone: `keep`/`unkeep` (kept state, `sync --all` skipping it, a new
//! collection change still shown), `log ID`, `stats`, `tag`, `history`, `rollback`, `resolve`
//! and a push (`--direction project-to-collection`).

use crate::support;

use support::Env;

const SKILL: &str = "---\nname: demo\ndescription: demo skill\n---\none\ntwo\n";

/// `skill:demo` deployed to `.claude` and to codex's `.agents`.
fn two_roots() -> Env {
    let env = Env::new("");
    env.write("collection/skills/demo/SKILL.md", SKILL);
    assert_eq!(env.run(&["deploy", "demo"]).code, 0);
    let r = env.run(&["deploy", "skill:demo@codex"]);
    assert_eq!(r.code, 0, "{r:?}");
    env
}

fn ops(env: &Env, id: &str) -> Vec<String> {
    let v = env.run(&["log", id, "--json"]).json();
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["artifact"], id, "log {id} shows another's event: {e}");
            e["operation"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn keep_and_unkeep_act_on_a_profiles_deployment_alone() {
    let env = two_roots();
    env.write(
        "project/.agents/skills/demo/SKILL.md",
        &SKILL.replace("two", "two (codex wording)"),
    );
    assert_eq!(env.artifact("skill:demo@codex")["state"], "modified");

    let r = env.run(&[
        "keep",
        "demo@codex",
        "--reason",
        "codex reads it differently",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["id"], "skill:demo@codex", "{}", r.stdout);
    let a = env.artifact("skill:demo@codex");
    assert_eq!(a["state"], "kept", "{a:#}");
    assert_eq!(a["kept"]["reason"], "codex reads it differently");
    assert!(env.artifact("skill:demo").get("kept").is_none());
    let r = env.run(&["status"]);
    assert_eq!(r.code, 0, "kept drift is dismissed: {r:?}");

    // A new collection change shows again on the kept codex copy; `sync --all` still leaves it.
    env.write(
        "collection/skills/demo/SKILL.md",
        &SKILL.replace("one", "one (collection)"),
    );
    let a = env.artifact("skill:demo@codex");
    assert_eq!(a["state"], "conflict", "{a:#}");
    assert_eq!(a["kept"]["collection_changed"], true);
    assert_eq!(
        env.run(&["keep", "skill:demo@codex", "--reason", "still codex"])
            .code,
        0
    );
    let r = env.run(&["sync", "--all", "--apply", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let skipped: Vec<&serde_json::Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["skipped"] == "kept")
        .collect();
    assert_eq!(skipped.len(), 1, "{v:#}");
    assert_eq!(skipped[0]["id"], "skill:demo@codex");
    assert!(env
        .read("project/.claude/skills/demo/SKILL.md")
        .contains("one (collection)"));
    assert!(env
        .read("project/.agents/skills/demo/SKILL.md")
        .contains("codex wording"));

    // The trail of each deployment is its own.
    let codex = ops(&env, "skill:demo@codex");
    assert_eq!(codex[..2], ["keep", "keep"], "{codex:?}");
    assert!(!ops(&env, "skill:demo").contains(&"keep".to_string()));

    let r = env.run(&["unkeep", "demo@codex"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("skill:demo@codex is no longer kept; it reads conflict"),
        "{}",
        r.stdout
    );
    assert_eq!(env.artifact("skill:demo@codex")["state"], "conflict");
    assert_eq!(ops(&env, "skill:demo@codex")[0], "unkeep");
}

#[test]
fn tag_history_rollback_resolve_push_and_stats_take_a_profiles_deployment() {
    let env = two_roots();
    let r = env.run(&["tag", "skill:demo@codex", "codex-first"]);
    assert_eq!(r.code, 0, "{r:?}");
    let tags = |id: &str| -> Vec<String> {
        env.run(&["--json", "history", id]).json()["versions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v["tag"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(tags("skill:demo@codex"), ["codex-first"]);
    assert!(tags("skill:demo").is_empty(), "the tag moved .claude's");

    // A conflict in the codex copy: resolved there, counted by stats under its own id.
    env.write(
        "project/.agents/skills/demo/SKILL.md",
        &SKILL.replace("two", "TWO"),
    );
    env.write(
        "collection/skills/demo/SKILL.md",
        &SKILL.replace("two", "deux"),
    );
    let r = env.run(&["sync", "skill:demo@codex", "--apply"]);
    assert_eq!(r.code, 4, "{r:?}");
    let v = env.run(&["stats", "--json"]).json();
    let open: Vec<&str> = v["open_conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["artifact"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["skill:demo@codex"], "{v}");
    let r = env.run(&["resolve", "skill:demo@codex", "--take", "ours"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(env
        .read("project/.agents/skills/demo/SKILL.md")
        .contains("TWO"));
    assert_eq!(
        env.read("project/.claude/skills/demo/SKILL.md"),
        SKILL,
        ".claude's copy is not touched"
    );

    // Rolling back by the codex deployment's own tag.
    let r = env.run(&["rollback", "demo@codex", "--to", "codex-first", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read("project/.agents/skills/demo/SKILL.md"), SKILL);

    // A push takes the codex copy into the collection.
    env.write(
        "project/.agents/skills/demo/SKILL.md",
        &SKILL.replace("one", "one (from codex)"),
    );
    let r = env.run(&[
        "sync",
        "skill:demo@codex",
        "--direction",
        "project-to-collection",
        "--strategy",
        "overwrite",
        "--apply",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(env
        .read("collection/skills/demo/SKILL.md")
        .contains("one (from codex)"));
    let codex = ops(&env, "skill:demo@codex");
    for op in ["tag", "resolve", "rollback", "sync"] {
        assert!(codex.contains(&op.to_string()), "{op} missing: {codex:?}");
    }
}

#[test]
fn untracked_artifacts_are_found_under_every_profile_root() {
    let env = two_roots();
    // Only in codex's root: one matching the collection's copy, one the collection lacks; and,
    // under another root too, a folder not a skill by Claude Code's rule: named in a warning.
    env.write_fixture(
        r#"
        //- project/.agents/skills/local/SKILL.md
        ---
        name: local
        ---
        mine
        //- project/.gemini/commands/review.md
        Review.
        //- collection/commands/review.md
        Review.
        //- project/.cursor/skills/notes/README.md
        notes
        "#,
    );
    let r = env.run(&["status", "--json"]);
    let v = r.json();
    let s = support::by_id(&v, |a| {
        (
            a["state"].as_str().unwrap().to_string(),
            a["path"].as_str().unwrap().to_string(),
            a["matches_collection"].as_bool(),
        )
    });
    assert_eq!(
        s["skill:local@codex"],
        ("untracked".into(), ".agents/skills/local".into(), None),
        "{v:#}"
    );
    assert_eq!(
        s["command:review@gemini"],
        (
            "untracked".into(),
            ".gemini/commands/review.md".into(),
            Some(true)
        ),
        "{v:#}"
    );
    assert!(!s.contains_key("skill:local"), "{v:#}");
    assert!(
        v["warnings"]
            .to_string()
            .contains(".cursor/skills/notes: not a skill"),
        "{v:#}"
    );
    let table = env.run(&["status"]).stdout;
    assert!(table.contains("skill:local@codex"), "{table}");
}

/// Runs with SkillMeat's platform overrides set to `json`.
fn run_with_overrides(env: &Env, json: &str, args: &[&str]) -> support::Run {
    let (ws, col) = (env.project(), env.collection());
    let out = env
        .command()
        .env("SKILLMEAT_PLATFORM_DEFAULTS_JSON", json)
        .arg("--workspace")
        .arg(&ws)
        .arg("--collection")
        .arg(&col)
        .args(args)
        .output()
        .unwrap();
    support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_profile_moved_onto_another_profiles_root_is_named_and_its_deployment_left_alone() {
    let env = two_roots();
    env.write(
        "collection/skills/demo/SKILL.md",
        &SKILL.replace("one", "one (collection)"),
    );
    // codex's root moved onto .claude: Claude Code's profile keeps it, codex is ignored.
    let moved = r#"{"codex": {"root_dir": ".claude"}}"#;
    let r = run_with_overrides(&env, moved, &["status", "--json"]);
    let v = r.json();
    assert!(
        v["warnings"]
            .to_string()
            .contains("profiles claude_code and codex both use the root .claude"),
        "{v:#}"
    );
    let s = support::by_id(&v, |a| a["state"].as_str().unwrap().to_string());
    assert_eq!(s["skill:demo"], "outdated", "{v:#}");
    assert_eq!(s["skill:demo@codex"], "error", "{v:#}");
    let r = run_with_overrides(&env, moved, &["sync", "skill:demo@codex", "--apply"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("unknown profile `codex`"), "{}", r.stderr);
    assert_eq!(env.read("project/.claude/skills/demo/SKILL.md"), SKILL);
    assert_eq!(env.read("project/.agents/skills/demo/SKILL.md"), SKILL);
    // `sync --all` syncs .claude's copy and reports the codex deployment, never writing it
    // into .claude.
    let r = run_with_overrides(&env, moved, &["sync", "--all", "--apply", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(env
        .read("project/.claude/skills/demo/SKILL.md")
        .contains("one (collection)"));
    assert_eq!(env.read("project/.agents/skills/demo/SKILL.md"), SKILL);
    assert!(
        r.stdout
            .contains("no SkillMeat profile `codex` is configured"),
        "{}",
        r.stdout
    );
}
