//! `add` through the real CLI: from git (a `file://` URL, a repository path with a tag, a GitHub
//! spec recorded in SkillMeat's own form) and from local folders and files, keeping SkillMeat's
//! existing `collection.toml` entries.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::upstream::*;
use support::Env;

#[test]
fn add_from_a_file_url_copies_the_subtree_and_records_upstream_ref_sha_and_hash() {
    let (env, up, sha) = setup();
    let r = env.run(&[
        "add",
        &up.url(),
        "--path",
        "skills/pdf",
        "--ref",
        "main",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["id"], "skill:pdf");
    assert_eq!(v["files"], 2);
    assert_eq!(v["upstream"]["resolved_sha"], sha.as_str());
    assert_eq!(v["upstream"]["ref"], "main");
    assert_eq!(env.read(C), SKILL);
    assert_eq!(
        env.read("collection/skills/pdf/scripts/run.py"),
        "print('run')\n"
    );
    assert!(
        !env.path("collection/skills/pdf/docs").exists() && !env.path("collection/docs").exists()
    );
    let e = entry(&env, "pdf");
    assert_eq!(e["type"].as_str(), Some("skill"));
    assert_eq!(e["path"].as_str(), Some("skills/pdf"));
    assert_eq!(e["upstream"].as_str(), Some(up.url().as_str()));
    assert_eq!(e["upstream_path"].as_str(), Some("skills/pdf"));
    assert_eq!(e["version_spec"].as_str(), Some("main"));
    assert_eq!(e["resolved_sha"].as_str(), Some(sha.as_str()));
    let l = lock_entry(&env, "pdf::skill");
    assert_eq!(l["content_hash"].as_str(), v["hash"].as_str());
    assert_eq!(l["resolved_sha"].as_str(), Some(sha.as_str()));
    assert!(l["fetched"].as_str().is_some());
    // The fetch cache is in the user's cache folder, never in the collection.
    assert!(env.path("home/.cache/skillmeat-lsp/git").is_dir());
    assert!(!env.path("collection/.skillmeat-lsp").exists());
    assert_eq!(
        check(&env),
        (0, vec![("skill:pdf".into(), "current".into())])
    );
}

#[test]
fn add_from_a_plain_repository_path_with_a_tag_records_the_resolved_version() {
    let (env, up, sha) = setup();
    up.git(&["tag", "-a", "v1", "-m", "v1"]);
    let r = env.run(&[
        "add",
        &up.path(),
        "--path",
        "commands/review.md",
        "--ref",
        "v1",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("added command:review"), "{}", r.stdout);
    assert_eq!(
        env.read("collection/commands/review.md"),
        "Review.\nCarefully.\n"
    );
    let e = entry(&env, "review");
    assert_eq!(e["upstream"].as_str(), Some(up.path().as_str()));
    assert_eq!(e["version_spec"].as_str(), Some("v1"));
    assert_eq!(e["resolved_version"].as_str(), Some("v1"));
    assert_eq!(e["resolved_sha"].as_str(), Some(sha.as_str()));
    // The tag does not move when main does.
    up.write("commands/review.md", "Review.\nQuickly.\n");
    up.commit("edit review on main");
    assert_eq!(state_of(&env, "command:review"), (0, "current".into()));
}

#[test]
fn add_an_agent_from_git_by_type_and_a_new_name() {
    let (env, up, _) = setup();
    let r = env.run(&[
        "add",
        &up.url(),
        "--path",
        "agents/planner.md",
        "--type",
        "agent",
        "--name",
        "lead-planner",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read("collection/agents/lead-planner.md"), "Plan.\n");
    assert_eq!(entry(&env, "lead-planner")["type"].as_str(), Some("agent"));
    // No --ref: the default branch, in SkillMeat's words.
    assert_eq!(
        entry(&env, "lead-planner")["version_spec"].as_str(),
        Some("latest")
    );
    assert_eq!(state_of(&env, "agent:lead-planner"), (0, "current".into()));
}

#[test]
fn add_from_a_local_folder_or_file_copies_it_without_an_upstream() {
    let env = Env::new(
        r#"
        //- src/my-skill/SKILL.md
        ---
        name: my-skill
        ---
        Body.
        //- src/my-skill/ref/notes.md
        Notes.
        //- src/lint.md
        Lint it.
        //- src/helper.md
        Help.
        "#,
    );
    let src = env.path("src");
    let add = |args: &[&str]| {
        let mut full = vec!["add"];
        full.extend_from_slice(args);
        let r = env.run(&full);
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
    };
    add(&[src.join("my-skill").to_str().unwrap()]);
    add(&[src.join("lint.md").to_str().unwrap()]);
    add(&[
        src.join("helper.md").to_str().unwrap(),
        "--type",
        "agent",
        "--name",
        "helper-agent",
    ]);
    assert_eq!(
        env.read("collection/skills/my-skill/ref/notes.md"),
        "Notes.\n"
    );
    assert_eq!(env.read("collection/commands/lint.md"), "Lint it.\n");
    assert_eq!(env.read("collection/agents/helper-agent.md"), "Help.\n");
    let e = entry(&env, "lint");
    assert_eq!(e["type"].as_str(), Some("command"));
    assert_eq!(e["origin"].as_str(), Some("local"));
    assert!(e.get("upstream").is_none());
    assert!(lock_entry(&env, "my-skill::skill")["content_hash"].is_str());
    let r = env.run(&["check-upstream", "--json"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["artifacts"].as_array().unwrap().len(), 0);
}

#[test]
fn add_from_a_github_spec_is_recorded_in_skillmeats_own_form() {
    let (env, up, sha) = setup();
    // No network: git itself rewrites github.com to a local folder holding `anthropics/skills`.
    let hub = env.path("hub");
    std::fs::create_dir_all(hub.join("anthropics")).unwrap();
    let out = Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(&up.dir)
        .arg(hub.join("anthropics/skills.git"))
        .env("HOME", env.path("home"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    env.write(
        "home/.gitconfig",
        &format!(
            "[url \"file://{}/\"]\n\tinsteadOf = https://github.com/\n",
            hub.display()
        ),
    );
    let r = env.run(&["add", "anthropics/skills/skills/pdf@main"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(C), SKILL);
    let e = entry(&env, "pdf");
    assert_eq!(e["origin"].as_str(), Some("github"));
    assert_eq!(
        e["upstream"].as_str().unwrap(),
        format!("https://github.com/anthropics/skills/tree/{sha}/skills/pdf")
    );
    assert_eq!(e["version_spec"].as_str(), Some("main"));
    assert_eq!(e["resolved_sha"].as_str(), Some(sha.as_str()));
    assert!(e.get("upstream_path").is_none());
    assert_eq!(
        lock_entry(&env, "pdf::skill")["upstream"].as_str(),
        e["upstream"].as_str()
    );
    // Read back from SkillMeat's form: the ref comes from version_spec, not the URL's commit.
    assert_eq!(
        check(&env),
        (0, vec![("skill:pdf".into(), "current".into())])
    );
}

#[test]
fn add_keeps_skillmeats_existing_entries_and_fields() {
    let (env, up, _) = setup();
    let data =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("core/tests/data/skillmeat/deployed/collection");
    for f in ["collection.toml", "collection.lock"] {
        std::fs::copy(data.join(f), env.path(&format!("collection/{f}"))).unwrap();
    }
    let before = env.read("collection/collection.toml");
    let r = env.run(&["add", &up.url(), "--path", "skills/pdf"]);
    assert_eq!(r.code, 0, "{r:?}");
    let after = env.read("collection/collection.toml");
    // Everything SkillMeat wrote is still there, byte for byte, apart from `updated`.
    let kept: Vec<&str> = before
        .lines()
        .filter(|l| !l.starts_with("updated = "))
        .collect();
    for l in kept {
        assert!(after.contains(l), "lost {l:?}:\n{after}");
    }
    assert_eq!(entry(&env, "demo-skill")["origin"].as_str(), Some("local"));
    assert!(entry(&env, "pdf")["resolved_sha"].is_str());
    assert!(lock_entry(&env, "reviewer::agent")["content_hash"].is_str());
}
