//! SkillMeat's `hook` (`hooks/<name>.md`) and `mcp` (`mcp/<name>/`) artifacts through add, deploy,
//! status, sync, rollback and SkillMeat's deployed file, through the real CLI.

use crate::support;

use support::Env;

const FIXTURE: &str = r#"
//- collection/hooks/pre-commit.md
Run the linter before each commit.
//- collection/mcp/github/.mcp.json
{"command": "github-mcp", "args": ["--read-only"]}
//- collection/mcp/github/README.md
line one
line two
line three
"#;

const HOOK: &str = "project/.claude/hooks/pre-commit.md";
const MCP: &str = "project/.claude/mcp/github/.mcp.json";

fn state(env: &Env, id: &str) -> String {
    env.states()
        .get(id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} not in status: {:?}", env.states()))
}

#[test]
fn hook_and_mcp_deploy_to_skillmeats_layout_and_are_recorded() {
    let env = Env::new(FIXTURE);
    let r = env.run(&["deploy", "hook:pre-commit", "mcp:github"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(HOOK), "Run the linter before each commit.\n");
    assert_eq!(
        env.read("project/.claude/mcp/github/README.md"),
        "line one\nline two\nline three\n"
    );
    assert_eq!(state(&env, "hook:pre-commit"), "synced");
    assert_eq!(state(&env, "mcp:github"), "synced");
    // Bare names resolve to them too.
    let h = env.run(&["history", "github", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "deployment");
}

#[test]
fn status_sees_edits_on_either_side_of_hook_and_mcp() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "pre-commit", "github"]).code, 0);
    env.write(HOOK, "my own hook\n");
    env.write(
        "collection/mcp/github/README.md",
        "line one\nline TWO\nline three\n",
    );
    let states = env.states();
    assert_eq!(states["hook:pre-commit"], "modified", "{states:?}");
    assert_eq!(states["mcp:github"], "outdated", "{states:?}");
}

#[test]
fn sync_updates_and_merges_mcp_and_pushes_a_hook() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "pre-commit", "github"]).code, 0);
    // mcp: both sides edit different lines of a file in the folder: a clean merge.
    env.write(
        "collection/mcp/github/README.md",
        "line ONE\nline two\nline three\n",
    );
    env.write(
        "project/.claude/mcp/github/README.md",
        "line one\nline two\nline THREE\n",
    );
    assert_eq!(state(&env, "mcp:github"), "conflict");
    let r = env.run(&["sync", "mcp:github", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        env.read("project/.claude/mcp/github/README.md"),
        "line ONE\nline two\nline THREE\n"
    );
    // hook: a project edit pushed back to the collection.
    env.write(HOOK, "Run the linter and the tests.\n");
    let r = env.run(&[
        "sync",
        "hook:pre-commit",
        "--direction",
        "project-to-collection",
        "--apply",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        env.read("collection/hooks/pre-commit.md"),
        "Run the linter and the tests.\n"
    );
    assert_eq!(state(&env, "hook:pre-commit"), "synced");
}

#[test]
fn rollback_restores_an_mcp_folder_and_a_hook() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "pre-commit", "github"]).code, 0);
    env.write(MCP, "{}\n");
    env.write("project/.claude/mcp/github/extra.txt", "x\n");
    env.write(HOOK, "changed\n");
    assert_eq!(state(&env, "mcp:github"), "modified");
    let r = env.run(&["rollback", "mcp:github", "--to", "v1", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        env.read(MCP),
        "{\"command\": \"github-mcp\", \"args\": [\"--read-only\"]}\n"
    );
    assert!(!env.path("project/.claude/mcp/github/extra.txt").exists());
    let r = env.run(&["rollback", "hook:pre-commit", "--to", "v1", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(HOOK), "Run the linter before each commit.\n");
    let states = env.states();
    assert_eq!(states["mcp:github"], "synced", "{states:?}");
    assert_eq!(states["hook:pre-commit"], "synced", "{states:?}");
}

#[test]
fn skillmeats_deployed_file_records_hook_and_mcp_with_its_paths() {
    let env = Env::new(FIXTURE);
    assert_eq!(
        env.run(&["deploy", "pre-commit", "github", "--skillmeat-compat"])
            .code,
        0
    );
    let text = env.read("project/.claude/.skillmeat-deployed.toml");
    let doc: toml::Value = toml::from_str(&text).unwrap();
    let entries = doc["deployed"].as_array().unwrap();
    let find = |t: &str| {
        entries
            .iter()
            .find(|e| e["artifact_type"].as_str() == Some(t))
            .unwrap_or_else(|| panic!("no {t} in {text}"))
    };
    assert_eq!(
        find("hook")["artifact_path"].as_str(),
        Some("hooks/pre-commit.md")
    );
    assert_eq!(find("mcp")["artifact_path"].as_str(), Some("mcp/github"));
}

#[test]
fn add_takes_an_mcp_folder_and_a_hook_file() {
    let env = Env::new(FIXTURE);
    env.write_fixture(
        r#"
        //- src/servers/jira/mcp.json
        {"command": "jira"}
        //- src/my-hook.md
        hook body
        "#,
    );
    let r = env.run(&[
        "add",
        &env.path("src/servers/jira").display().to_string(),
        "--type",
        "mcp",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        env.read("collection/mcp/jira/mcp.json"),
        "{\"command\": \"jira\"}\n"
    );
    let r = env.run(&[
        "add",
        &env.path("src/my-hook.md").display().to_string(),
        "--type",
        "hook",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read("collection/hooks/my-hook.md"), "hook body\n");
    // A folder is not a hook.
    let r = env.run(&[
        "add",
        &env.path("src/servers/jira").display().to_string(),
        "--type",
        "hook",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("is a folder"), "{}", r.stderr);
}
