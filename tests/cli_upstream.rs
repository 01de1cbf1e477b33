//! The upstream tier through the real CLI, with real git repositories made in temporary folders
//! (no network): `add` from git and local sources, `check-upstream` per subtree, and
//! `sync --direction upstream-to-collection` with every strategy, keeping SkillMeat's
//! `collection.toml` / `collection.lock` current.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::git::Repo;
use support::{assert_refused, Env};

const SKILL: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\n";

/// An empty collection and project, and an upstream repository holding a skill, a command, an
/// agent and an unrelated folder, all in its first commit.
fn setup() -> (Env, Repo, String) {
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
fn added() -> (Env, Repo, String) {
    let (env, up, sha) = setup();
    let r = env.run(&["add", &up.url(), "--path", "skills/pdf", "--ref", "main"]);
    assert_eq!(r.code, 0, "{r:?}");
    (env, up, sha)
}

fn toml_of(env: &Env, rel: &str) -> toml::Table {
    env.read(rel).parse().unwrap()
}

/// The `[[artifacts]]` entry of `collection.toml` for `name`.
fn entry(env: &Env, name: &str) -> toml::Value {
    toml_of(env, "collection/collection.toml")["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"].as_str() == Some(name))
        .cloned()
        .unwrap_or_else(|| panic!("no entry {name}"))
}

/// The `[lock.entries."name::type"]` table of `collection.lock`.
fn lock_entry(env: &Env, key: &str) -> toml::Value {
    toml_of(env, "collection/collection.lock")["lock"]["entries"][key].clone()
}

/// `check-upstream --json`: (exit code, id → state).
fn check(env: &Env) -> (i32, Vec<(String, String)>) {
    let r = env.run(&["check-upstream", "--json"]);
    let v = r.json();
    let states = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (r.code, states)
}

fn state_of(env: &Env, id: &str) -> (i32, String) {
    let (code, all) = check(env);
    let s = all
        .into_iter()
        .find(|(i, _)| i == id)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("{id} not checked"));
    (code, s)
}

fn sync_upstream(env: &Env, extra: &[&str]) -> (i32, serde_json::Value) {
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

const C: &str = "collection/skills/pdf/SKILL.md";

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
    let env = Env::new("");
    env.write("src/my-skill/SKILL.md", "---\nname: my-skill\n---\nBody.\n");
    env.write("src/my-skill/ref/notes.md", "Notes.\n");
    env.write("src/lint.md", "Lint it.\n");
    env.write("src/helper.md", "Help.\n");
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

#[test]
fn behind_is_decided_by_the_artifacts_own_subtree_not_any_commit() {
    let (env, up, _) = added();
    up.write("docs/README.md", "docs, edited\n");
    up.write("commands/review.md", "Review.\n");
    up.commit("elsewhere in the repository");
    assert_eq!(state_of(&env, "skill:pdf"), (0, "current".into()));
    up.write("skills/pdf/scripts/run.py", "print('run, faster')\n");
    up.commit("the skill's own subtree");
    assert_eq!(state_of(&env, "skill:pdf"), (1, "behind".into()));
    let r = env.run(&["check-upstream", "pdf"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("behind") && r.stdout.contains("upstream-to-collection"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_collection_edit_is_ahead_and_with_an_upstream_change_diverged() {
    let (env, up, _) = added();
    env.write(C, &SKILL.replace("five", "five, edited here"));
    assert_eq!(
        state_of(&env, "skill:pdf"),
        (0, "ahead".into()),
        "ahead alone needs no sync"
    );
    up.write(
        "skills/pdf/SKILL.md",
        &SKILL.replace("one", "one, upstream"),
    );
    up.commit("upstream edit");
    assert_eq!(state_of(&env, "skill:pdf"), (1, "diverged".into()));
}

#[test]
fn sync_fast_forwards_an_unedited_copy_and_moves_resolved_sha_in_toml_and_lock() {
    let (env, up, first) = added();
    up.write("skills/pdf/SKILL.md", &SKILL.replace("two", "TWO"));
    up.write("skills/pdf/new.md", "new\n");
    up.remove("skills/pdf/scripts/run.py");
    let second = up.commit("upstream moves on");
    let (code, v) = sync_upstream(&env, &["--apply"]);
    assert_eq!(code, 0, "{v}");
    let r = &v["results"][0];
    assert_eq!(r["kind"], "fast-forward");
    assert_eq!(r["semver"], "major");
    assert_eq!(env.read(C), SKILL.replace("two", "TWO"));
    assert_eq!(env.read("collection/skills/pdf/new.md"), "new\n");
    assert!(!env.path("collection/skills/pdf/scripts/run.py").exists());
    let e = entry(&env, "pdf");
    assert_eq!(e["resolved_sha"].as_str(), Some(second.as_str()));
    assert_ne!(first, second);
    let l = lock_entry(&env, "pdf::skill");
    assert_eq!(l["resolved_sha"].as_str(), Some(second.as_str()));
    assert_eq!(l["content_hash"].as_str(), r["hashes"]["result"].as_str());
    assert_eq!(state_of(&env, "skill:pdf"), (0, "current".into()));
    // A second sync has nothing to take.
    let (code, v) = sync_upstream(&env, &["--apply"]);
    assert_eq!(
        (code, v["results"][0]["kind"].as_str()),
        (0, Some("up-to-date"))
    );
}

#[test]
fn dry_run_shows_the_upstream_plan_and_leaves_the_collection_alone() {
    let (env, up, first) = added();
    up.write("skills/pdf/SKILL.md", &SKILL.replace("two", "TWO"));
    up.commit("upstream moves on");
    let toml_before = env.read("collection/collection.toml");
    let lock_before = env.read("collection/collection.lock");
    let (code, v) = sync_upstream(&env, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["results"][0]["kind"], "fast-forward");
    assert_eq!(v["results"][0]["applied"], false);
    assert_eq!(env.read(C), SKILL);
    assert_eq!(env.read("collection/collection.toml"), toml_before);
    assert_eq!(env.read("collection/collection.lock"), lock_before);
    assert_eq!(
        entry(&env, "pdf")["resolved_sha"].as_str(),
        Some(first.as_str())
    );
}

#[test]
fn sync_merges_a_collection_edit_on_another_line_cleanly() {
    let (env, up, _) = added();
    env.write(C, &SKILL.replace("five", "five, ours"));
    up.write("skills/pdf/SKILL.md", &SKILL.replace("one", "one, theirs"));
    let head = up.commit("upstream edit");
    let (code, v) = sync_upstream(&env, &["--apply"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["results"][0]["kind"], "merge");
    assert_eq!(v["results"][0]["conflicts"], 0);
    assert_eq!(
        env.read(C),
        SKILL
            .replace("one", "one, theirs")
            .replace("five", "five, ours")
    );
    assert_eq!(
        entry(&env, "pdf")["resolved_sha"].as_str(),
        Some(head.as_str())
    );
    // Upstream's change is in; the collection's own edit is what remains.
    assert_eq!(state_of(&env, "skill:pdf"), (0, "ahead".into()));
}

#[test]
fn a_conflict_is_left_as_labelled_markers_and_exits_4() {
    let (env, up, _) = added();
    env.write(C, &SKILL.replace("three", "three, ours"));
    up.write(
        "skills/pdf/SKILL.md",
        &SKILL.replace("three", "three, theirs"),
    );
    let head = up.commit("upstream edit");
    let (code, v) = sync_upstream(&env, &["--apply"]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["results"][0]["conflicts"], 1);
    let text = env.read(C);
    assert!(text.contains("<<<<<<< collection ("), "{text}");
    assert!(
        text.contains("three, ours") && text.contains("three, theirs"),
        "{text}"
    );
    assert!(
        text.contains(&format!(">>>>>>> upstream {}", &head[..7])),
        "{text}"
    );
    assert_eq!(
        entry(&env, "pdf")["resolved_sha"].as_str(),
        Some(head.as_str()),
        "the merge took upstream in; the markers are the collection's to settle"
    );
}

/// A skill whose line `three` was changed both in the collection and upstream.
fn conflicting() -> (Env, Repo) {
    let (env, up, _) = added();
    env.write(C, &SKILL.replace("three", "three, ours"));
    env.write("collection/skills/pdf/local.md", "only here\n");
    up.write(
        "skills/pdf/SKILL.md",
        &SKILL.replace("three", "three, theirs"),
    );
    up.commit("upstream edit");
    (env, up)
}

#[test]
fn theirs_ours_and_overwrite_strategies_settle_the_conflict() {
    let (env, _up) = conflicting();
    let (code, _) = sync_upstream(&env, &["--strategy", "theirs", "--apply"]);
    assert_eq!(code, 0);
    assert_eq!(env.read(C), SKILL.replace("three", "three, theirs"));
    assert_eq!(env.read("collection/skills/pdf/local.md"), "only here\n");

    let (env, _up) = conflicting();
    let (code, _) = sync_upstream(&env, &["--strategy", "ours", "--apply"]);
    assert_eq!(code, 0);
    assert_eq!(env.read(C), SKILL.replace("three", "three, ours"));

    let (env, _up) = conflicting();
    let (code, v) = sync_upstream(&env, &["--strategy", "overwrite", "--apply"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["results"][0]["kind"], "overwrite");
    assert_eq!(env.read(C), SKILL.replace("three", "three, theirs"));
    assert!(!env.path("collection/skills/pdf/local.md").exists());
    assert!(
        v["results"][0]["kept_previous"].is_string(),
        "the overwritten collection copy is kept as a version: {v}"
    );
    assert_eq!(state_of(&env, "skill:pdf"), (0, "current".into()));
}

#[test]
fn the_merge_base_survives_upstream_rewriting_its_history() {
    let (env, up, first) = added();
    env.write(C, &SKILL.replace("five", "five, ours"));
    // Upstream amends its only commit: the recorded commit is no longer on any branch.
    up.write("skills/pdf/SKILL.md", &SKILL.replace("one", "one, theirs"));
    up.git(&["add", "-A"]);
    up.git(&["commit", "-q", "--amend", "-m", "rewritten"]);
    up.git(&["reflog", "expire", "--expire=now", "--all"]);
    up.git(&["gc", "-q", "--prune=now"]);
    assert!(!up.has(&first), "the recorded commit is gone upstream");
    let (code, v) = sync_upstream(&env, &["--apply"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["results"][0]["kind"], "merge");
    assert_eq!(
        env.read(C),
        SKILL
            .replace("one", "one, theirs")
            .replace("five", "five, ours")
    );
}

#[test]
fn sync_all_upstream_to_collection_covers_every_artifact_with_an_upstream() {
    let (env, up, _) = added();
    assert_eq!(
        env.run(&["add", &up.url(), "--path", "commands/review.md"])
            .code,
        0
    );
    env.write("collection/agents/local-only.md", "Local.\n");
    up.write("skills/pdf/SKILL.md", &SKILL.replace("two", "TWO"));
    up.write("commands/review.md", "Review.\nQuickly.\n");
    up.commit("both move");
    let r = env.run(&[
        "sync",
        "--all",
        "--direction",
        "upstream-to-collection",
        "--apply",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["summary"]["fast_forwarded"], 2, "{v}");
    assert_eq!(v["results"].as_array().unwrap().len(), 2);
    assert_eq!(
        env.read("collection/commands/review.md"),
        "Review.\nQuickly.\n"
    );
    assert_eq!(env.read(C), SKILL.replace("two", "TWO"));
    let (code, states) = check(&env);
    assert_eq!(code, 0);
    assert!(states.iter().all(|(_, s)| s == "current"), "{states:?}");
}

#[test]
fn diff_to_upstream_shows_what_a_sync_would_take() {
    let (env, up, _) = added();
    up.write("skills/pdf/SKILL.md", &SKILL.replace("two", "TWO"));
    up.commit("upstream edit");
    let r = env.run(&[
        "diff",
        "skill:pdf",
        "--from",
        "collection",
        "--to",
        "upstream",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("-two") && r.stdout.contains("+TWO"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_missing_repository_is_not_found_and_writes_nothing() {
    let (env, _up, _) = setup();
    let missing = format!("file://{}", env.path("no-such-repo").display());
    assert_refused(
        &env,
        &["add", &missing, "--path", "skills/pdf"],
        3,
        &["does not appear to be a git repository"],
    );
}

#[test]
fn a_bad_ref_is_not_found_and_writes_nothing() {
    let (env, up, _) = setup();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--ref", "nope"],
        3,
        &["no branch or tag `nope`"],
    );
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--ref=-x"],
        2,
        &["not a valid branch, tag or commit name"],
    );
}

#[test]
fn a_path_leaving_or_missing_from_the_repository_writes_nothing() {
    let (env, up, _) = setup();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "../outside"],
        2,
        &["leaves the repository"],
    );
    // Found only after fetching: the fetch cache made for it goes too.
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/nope"],
        3,
        &["`skills/nope` does not exist"],
    );
}

#[test]
fn invalid_names_and_wrong_types_are_usage_errors_and_write_nothing() {
    let (env, up, _) = setup();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--name", "../x"],
        2,
        &["invalid artifact name"],
    );
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--type", "widget"],
        2,
        &["unknown artifact type"],
    );
    assert_refused(
        &env,
        &[
            "add",
            &up.url(),
            "--path",
            "commands/review.md",
            "--type",
            "skill",
        ],
        2,
        &["a skill is a folder holding SKILL.md"],
    );
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "docs"],
        2,
        &["has no SKILL.md"],
    );
}

#[test]
fn adding_an_artifact_twice_is_refused_and_the_first_stays() {
    let (env, up, _) = added();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf"],
        2,
        &["skill:pdf is already in the collection", "--name"],
    );
}

#[test]
fn a_symlink_leaving_the_artifact_upstream_is_refused() {
    let (env, up, _) = setup();
    std::os::unix::fs::symlink("../../docs/README.md", up.dir.join("skills/pdf/leak.md")).unwrap();
    up.commit("a link out");
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf"],
        1,
        &["outside the artifact"],
    );
}

#[test]
fn check_upstream_of_an_artifact_without_upstream_is_not_found() {
    let env = Env::new("");
    env.write("collection/commands/lint.md", "Lint.\n");
    assert_refused(&env, &["check-upstream", "lint"], 3, &["has no upstream"]);
    // The project has state from here on (a failed sync of one artifact still opened it).
    assert_eq!(env.run(&["status"]).code, 0);
    assert_refused(
        &env,
        &["sync", "lint", "--direction", "upstream-to-collection"],
        3,
        &["has no upstream"],
    );
}

#[test]
fn an_unreachable_upstream_is_reported_per_artifact_and_the_others_are_still_checked() {
    let (env, up, _) = added();
    assert_eq!(
        env.run(&["add", &up.url(), "--path", "commands/review.md"])
            .code,
        0
    );
    // The review command's upstream moves away.
    let text = env.read("collection/collection.toml").replace(
        &format!("upstream = \"{}\"\nupstream_path = \"commands", up.url()),
        &format!(
            "upstream = \"file://{}\"\nupstream_path = \"commands",
            env.path("gone").display()
        ),
    );
    env.write("collection/collection.toml", &text);
    let r = env.run(&["check-upstream", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    assert_eq!(v["summary"]["current"], 1);
    assert_eq!(v["summary"]["error"], 1);
    assert!(r.stderr.is_empty() || !r.stderr.contains("panicked"));
}

/// A SkillMeat baseline known only by its hash, in a project whose lineage never saw that content,
/// is found in the upstream's cached history and serves as the merge base: the sync merges
/// three-way (no two-way warning) and keeps both sides' changes.
#[test]
fn a_legacy_baseline_known_only_by_hash_is_found_in_the_upstream_history() {
    let (env, up, _) = added();
    let original = skillmeat_core::hash::hash_folder([
        ("SKILL.md", SKILL),
        ("scripts/run.py", "print('run')\n"),
    ]);
    up.write(
        "skills/pdf/SKILL.md",
        &SKILL.replace("two", "two (upstream)"),
    );
    up.commit("upstream edits line two");
    let (code, _) = sync_upstream(&env, &["--apply"]);
    assert_eq!(code, 0);

    // A second project, deployed by SkillMeat at the original content, then edited on line four.
    let other = env.path("project2");
    std::fs::create_dir_all(other.join(".claude/skills/pdf/scripts")).unwrap();
    std::fs::write(
        other.join(".claude/skills/pdf/SKILL.md"),
        SKILL.replace("four", "four (project)"),
    )
    .unwrap();
    std::fs::write(
        other.join(".claude/skills/pdf/scripts/run.py"),
        "print('run')\n",
    )
    .unwrap();
    std::fs::write(
        other.join(".claude/.skillmeat-deployed.toml"),
        format!(
            "[[deployed]]\nartifact_name = \"pdf\"\nartifact_type = \"skill\"\nfrom_collection = \"default\"\n\
             deployed_at = \"2026-01-01T00:00:00.000000\"\nartifact_path = \"skills/pdf\"\ncontent_hash = \"{original}\"\n"
        ),
    )
    .unwrap();
    let collection = env.collection();
    let run = |args: &[&str]| {
        let mut full = vec![
            "--workspace",
            other.to_str().unwrap(),
            "--collection",
            collection.to_str().unwrap(),
        ];
        full.extend_from_slice(args);
        env.run_raw(&full)
    };
    let h = run(&["history", "pdf", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "import");
    assert_eq!(
        h["versions"][0]["has_content"], true,
        "the baseline's content was not found upstream: {h}"
    );
    let r = run(&["sync", "pdf", "--apply", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["results"][0]["kind"], "merge");
    assert!(
        v["results"][0]["warnings"].as_array().unwrap().is_empty(),
        "{v}"
    );
    assert_eq!(
        std::fs::read_to_string(other.join(".claude/skills/pdf/SKILL.md")).unwrap(),
        SKILL
            .replace("two", "two (upstream)")
            .replace("four", "four (project)")
    );
}
