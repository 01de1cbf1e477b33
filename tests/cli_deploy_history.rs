//! Deploy, history and the SkillMeat deployed-file updates, through the real CLI.

use crate::support;

use support::{assert_refused, Env};

const FIXTURE: &str = r#"
//- collection/skills/pdf/SKILL.md
---
name: pdf
description: PDF tools
---
Use the script.
//- collection/skills/pdf/scripts/extract.py
print("extract")
//- collection/commands/review.md
Review the diff.
"#;

#[test]
fn deploy_copies_the_artifact_and_records_a_baseline_with_content() {
    let env = Env::new(FIXTURE);
    let r = env.run(&["deploy", "pdf", "command:review"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("deployed skill:pdf as v1"),
        "{}",
        r.stdout
    );
    assert_eq!(
        env.read("project/.claude/skills/pdf/scripts/extract.py"),
        "print(\"extract\")\n"
    );
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "Review the diff.\n"
    );
    let h = env.run(&["history", "skill:pdf", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "deployment");
    assert_eq!(h["versions"][0]["baseline"], true);
    assert_eq!(h["versions"][0]["has_content"], true);
    let ignore = env.read("project/.skillmeat/.gitignore");
    assert!(ignore.contains("lineage.db*"));
}

#[test]
fn deploy_over_a_different_project_copy_is_refused_without_overwrite() {
    let env = Env::new(FIXTURE);
    env.write(
        "project/.claude/commands/review.md",
        "my own review command\n",
    );
    assert_refused(
        &env,
        &["deploy", "command:review"],
        4,
        &["differs from the collection", "--overwrite"],
    );
    let r = env.run(&["deploy", "command:review", "--overwrite"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("previous project copy kept as v1"),
        "{}",
        r.stdout
    );
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "Review the diff.\n"
    );
    let h = env.run(&["history", "command:review", "--json"]).json();
    assert_eq!(h["versions"][1]["origin"], "local_modification");
    assert_eq!(h["versions"][1]["has_content"], true);
}

#[test]
fn deploy_fast_forwards_an_outdated_copy_without_overwrite() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    env.write(
        "collection/commands/review.md",
        "Review the diff, then the tests.\n",
    );
    assert_eq!(env.states()["command:review"], "outdated");
    let r = env.run(&["deploy", "command:review"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "Review the diff, then the tests.\n"
    );
    assert_eq!(env.states()["command:review"], "synced");
}

#[test]
fn content_that_comes_back_is_a_new_version_not_a_cycle() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    env.write("project/.claude/commands/review.md", "B\n");
    assert_eq!(env.states()["command:review"], "modified");
    assert_eq!(
        env.run(&["deploy", "command:review", "--overwrite"]).code,
        0
    );
    let h = env.run(&["history", "command:review", "--json"]).json();
    let versions = h["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3, "{h}");
    assert_eq!(versions[0]["hash"], versions[2]["hash"], "A -> B -> A");
    assert_eq!(versions[0]["parents"], serde_json::json!(["v2"]));
}

#[test]
fn deploy_updates_skillmeats_file_keeping_fields_it_does_not_know() {
    let env = Env::new(FIXTURE);
    env.write(
        "project/.claude/.skillmeat-deployed.toml",
        r#"[[deployed]]
artifact_name = "review"
artifact_type = "command"
from_collection = "default"
deployed_at = "2026-01-01T00:00:00.000000"
artifact_path = "commands/review.md"
content_hash = "0000000000000000000000000000000000000000000000000000000000000000"
local_modifications = false
deployment_profile_id = "claude_code"
platform = "claude_code"
profile_root_dir = ".claude"
collection_sha = "0000000000000000000000000000000000000000000000000000000000000000"
some_future_field = "kept"
"#,
    );
    assert_eq!(
        env.run(&["deploy", "command:review", "--overwrite"]).code,
        0
    );
    let doc: toml::Table = env
        .read("project/.claude/.skillmeat-deployed.toml")
        .parse()
        .unwrap();
    let e = &doc["deployed"].as_array().unwrap()[0];
    let hash = skillmeat_hash(&env.read("collection/commands/review.md"));
    assert_eq!(e["content_hash"].as_str(), Some(hash.as_str()));
    assert_eq!(e["collection_sha"].as_str(), Some(hash.as_str()));
    assert_eq!(
        e["parent_hash"].as_str(),
        Some("0000000000000000000000000000000000000000000000000000000000000000")
    );
    assert_eq!(e["some_future_field"].as_str(), Some("kept"));
    assert_eq!(
        e["version_lineage"].as_array().unwrap()[0].as_str(),
        Some(hash.as_str())
    );
    // Our own write is not re-imported as someone else's deployment.
    let h = env.run(&["history", "command:review", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "deployment");
    assert_eq!(env.states()["command:review"], "synced");
}

#[test]
fn skillmeat_compat_creates_the_deployed_file_with_skillmeats_fields() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    assert!(
        !env.path("project/.claude/.skillmeat-deployed.toml")
            .exists(),
        "created without being asked"
    );
    assert_eq!(
        env.run(&["--skillmeat-compat", "deploy", "command:review"])
            .code,
        0
    );
    let doc: toml::Table = env
        .read("project/.claude/.skillmeat-deployed.toml")
        .parse()
        .unwrap();
    let e = &doc["deployed"].as_array().unwrap()[0];
    for key in [
        "artifact_name",
        "artifact_type",
        "from_collection",
        "deployed_at",
        "artifact_path",
        "content_hash",
        "local_modifications",
        "version_lineage",
        "merge_base_snapshot",
        "deployment_profile_id",
        "platform",
        "profile_root_dir",
        "collection_sha",
    ] {
        assert!(e.get(key).is_some(), "missing {key}");
    }
    let at = e["deployed_at"].as_str().unwrap();
    assert!(
        !at.ends_with('Z') && at.contains('T'),
        "SkillMeat writes naive ISO times: {at}"
    );
}

#[test]
fn the_deployed_file_skillmeat_compat_creates_lists_every_deployment_of_its_root() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    assert_eq!(
        env.run(&["--skillmeat-compat", "deploy", "command:review"])
            .code,
        0
    );
    let doc: toml::Table = env
        .read("project/.claude/.skillmeat-deployed.toml")
        .parse()
        .unwrap();
    let mut names: Vec<(&str, &str)> = doc["deployed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["artifact_type"].as_str().unwrap(),
                e["artifact_name"].as_str().unwrap(),
            )
        })
        .collect();
    names.sort();
    // The skill deployed before the file existed is in it too, so SkillMeat sees it deployed.
    assert_eq!(names, [("command", "review"), ("skill", "pdf")]);
    let pdf = doc["deployed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["artifact_name"].as_str() == Some("pdf"))
        .unwrap();
    assert!(
        !pdf["deployed_at"].as_str().unwrap().ends_with('Z'),
        "SkillMeat's naive time: {pdf}"
    );
    assert_eq!(env.states()["skill:pdf"], "synced");
}

#[test]
fn a_skillmeat_deployment_done_after_ours_is_imported_on_next_open() {
    let env = Env::new(FIXTURE);
    assert_eq!(
        env.run(&["--skillmeat-compat", "deploy", "command:review"])
            .code,
        0
    );
    // SkillMeat deploys a new collection version and rewrites its file.
    env.write_fixture(
        r#"
        //- collection/commands/review.md
        Review v2.
        //- project/.claude/commands/review.md
        Review v2.
        "#,
    );
    let path = env.path("project/.claude/.skillmeat-deployed.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let old = skillmeat_hash("Review the diff.\n");
    let new = skillmeat_hash("Review v2.\n");
    std::fs::write(&path, text.replace(&old, &new)).unwrap();
    let v = env.run(&["status", "--json"]).json();
    assert_eq!(v["artifacts"][0]["state"], "synced");
    let h = env.run(&["history", "command:review", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "import");
    assert_eq!(h["versions"][0]["has_content"], true);
}

#[test]
fn history_of_an_artifact_never_recorded_says_how_to_start() {
    let env = Env::new(FIXTURE);
    let r = env.run(&["history", "skill:pdf"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("deploy"), "{}", r.stderr);
}

#[test]
fn the_workspace_is_found_from_a_subfolder_like_git() {
    let env = Env::new(FIXTURE);
    // A project marker: `.git`, `.skillmeat/` or `.claude/` with deployments or artifacts.
    std::fs::create_dir_all(env.path("project/.git")).unwrap();
    std::fs::create_dir_all(env.path("project/src/deep")).unwrap();
    let r = env
        .command()
        .current_dir(env.path("project/src/deep"))
        .args([
            "--collection",
            env.collection().to_str().unwrap(),
            "deploy",
            "command:review",
        ])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(env.path("project/.claude/commands/review.md").exists());
}

fn skillmeat_hash(text: &str) -> String {
    skillmeat_core::hash::hash_bytes(text.as_bytes())
}

#[test]
fn an_edit_back_to_content_already_stored_adds_no_version() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    env.write("project/.claude/commands/review.md", "B\n");
    assert_eq!(env.states()["command:review"], "modified");
    assert_eq!(
        env.run(&["deploy", "command:review", "--overwrite"]).code,
        0
    );
    env.write("project/.claude/commands/review.md", "B\n");
    let v = env.run(&["status", "--json"]).json();
    assert_eq!(v["artifacts"][0]["state"], "modified");
    assert_eq!(v["artifacts"][0]["version"], "v2", "B is v2 already");
    let h = env.run(&["history", "command:review", "--json"]).json();
    assert_eq!(h["versions"].as_array().unwrap().len(), 3, "{h}");
}

#[test]
fn a_deploy_killed_after_its_swap_is_undone_on_the_next_open() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    env.write("collection/commands/review.md", "Review v2.\n");
    let out = env
        .command()
        .args([
            "--workspace",
            env.project().to_str().unwrap(),
            "--collection",
            env.collection().to_str().unwrap(),
        ])
        .args(["deploy", "command:review"])
        .env("SKILLMEAT_FAILPOINTS", "after-swap")
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        Some(9),
        "the failpoint kills the deploy"
    );
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "Review v2.\n",
        "killed after the swap"
    );
    // Opening the workspace finds the uncommitted apply and puts the old copy back.
    assert_eq!(env.states()["command:review"], "outdated");
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "Review the diff.\n"
    );
    let h = env.run(&["history", "command:review", "--json"]).json();
    assert_eq!(
        h["versions"].as_array().unwrap().len(),
        1,
        "no deployment was recorded: {h}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(env.path("project/.claude/commands"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["review.md"]);
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    assert_eq!(env.states()["command:review"], "synced");
}

#[test]
fn a_hash_only_baseline_keeps_its_content_once_a_copy_turns_up() {
    let env = Env::new(FIXTURE);
    let original = "Review the original way.\n";
    env.write("project/.claude/commands/review.md", "edited by a person\n");
    env.write(
        "project/.claude/.skillmeat-deployed.toml",
        &format!(
            "[[deployed]]\nartifact_name = \"review\"\nartifact_type = \"command\"\nfrom_collection = \"default\"\n\
             deployed_at = \"2026-01-01T00:00:00.000000\"\nartifact_path = \"commands/review.md\"\ncontent_hash = \"{}\"\n",
            skillmeat_hash(original)
        ),
    );
    let h = env.run(&["history", "review", "--json"]).json();
    let import = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["origin"] == "import")
        .unwrap();
    assert_eq!(
        import["has_content"], false,
        "nothing on disk has the baseline's content: {h}"
    );
    assert_eq!(
        env.run(&["diff", "review"]).code,
        3,
        "no content to diff from yet"
    );
    // The person puts the original text back in the collection: now the content exists.
    env.write("collection/commands/review.md", original);
    let d = env.run(&["diff", "review", "--from", "deployed", "--to", "project"]);
    assert_eq!(d.code, 0, "{d:?}");
    assert!(
        d.stdout.contains("-Review the original way."),
        "{}",
        d.stdout
    );
    // It was stored: the version no longer depends on that copy.
    std::fs::remove_file(env.path("collection/commands/review.md")).unwrap();
    let h = env.run(&["history", "review", "--json"]).json();
    let import = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["origin"] == "import")
        .unwrap();
    assert_eq!(import["has_content"], true, "{h}");
    assert_eq!(env.run(&["diff", "review"]).code, 0);
}

#[test]
fn deploying_an_unchanged_artifact_again_names_the_version_it_already_has() {
    let env = Env::new(FIXTURE);
    for _ in 0..3 {
        let r = env.run(&["deploy", "command:review"]);
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stdout.contains("deployed command:review as v1"),
            "{}",
            r.stdout
        );
    }
    let r = env.run(&["deploy", "command:review", "--overwrite"]);
    assert_eq!(r.code, 0, "{r:?}");
    let h = env.run(&["history", "command:review", "--json"]).json();
    assert_eq!(h["versions"].as_array().unwrap().len(), 1, "{h:#}");
    // New collection content is a new version, deployed again it stays that version.
    env.write("collection/commands/review.md", "Review the diff twice.\n");
    let r = env.run(&["deploy", "command:review"]);
    assert!(r.stdout.contains("as v2"), "{}", r.stdout);
    let r = env.run(&["deploy", "command:review"]);
    assert!(r.stdout.contains("as v2"), "{}", r.stdout);
    assert_eq!(env.states()["command:review"], "synced");
}
