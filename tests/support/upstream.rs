//! The upstream world of the `cli_upstream*` tests: a real git repository made in the
//! temporary folder (no network) and readers of SkillMeat's `collection.toml` / `collection.lock`
//! and of `check-upstream` / `sync --direction upstream-to-collection` results.

use super::git::Repo;
use super::Env;

pub const SKILL: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\n";

/// An empty collection and project, and an upstream repository holding a skill, a command, an
/// agent and an unrelated folder, all in its first commit.
pub fn setup() -> (Env, Repo, String) {
    let env = Env::new("");
    let up = Repo::init(&env, "upstream");
    up.write("skills/pdf/SKILL.md", SKILL);
    up.write("skills/pdf/scripts/run.py", "print('run')\n");
    up.write("commands/review.md", "Review.\nCarefully.\n");
    up.write("agents/planner.md", "Plan.\n");
    up.write("docs/README.md", "docs\n");
    let sha = up.commit("first");
    (env, up, sha)
}

/// `setup` plus `skill:pdf` added from it by `file://` URL, following `main`.
pub fn added() -> (Env, Repo, String) {
    let (env, up, sha) = setup();
    let r = env.run(&["add", &up.url(), "--path", "skills/pdf", "--ref", "main"]);
    assert_eq!(r.code, 0, "{r:?}");
    (env, up, sha)
}

pub fn toml_of(env: &Env, rel: &str) -> toml::Table {
    env.read(rel).parse().unwrap()
}

/// The `[[artifacts]]` entry of `collection.toml` for `name`.
pub fn entry(env: &Env, name: &str) -> toml::Value {
    toml_of(env, "collection/collection.toml")["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"].as_str() == Some(name))
        .cloned()
        .unwrap_or_else(|| panic!("no entry {name}"))
}

/// The `[lock.entries."name::type"]` table of `collection.lock`.
pub fn lock_entry(env: &Env, key: &str) -> toml::Value {
    toml_of(env, "collection/collection.lock")["lock"]["entries"][key].clone()
}

/// `check-upstream --json`: (exit code, id → state).
pub fn check(env: &Env) -> (i32, Vec<(String, String)>) {
    let r = env.run(&["check-upstream", "--json"]);
    let states = super::by_id(&r.json(), |a| a["state"].as_str().unwrap().to_string());
    (r.code, states.into_iter().collect())
}

pub fn state_of(env: &Env, id: &str) -> (i32, String) {
    let (code, all) = check(env);
    let s = all
        .into_iter()
        .find(|(i, _)| i == id)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("{id} not checked"));
    (code, s)
}

pub fn sync_upstream(env: &Env, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "sync",
        "skill:pdf",
        "--direction",
        "upstream-to-collection",
        "--json",
    ];
    args.extend_from_slice(extra);
    let r = env.run(&args);
    (r.code, r.json())
}

pub const C: &str = "collection/skills/pdf/SKILL.md";
