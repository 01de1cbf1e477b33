//! The upstream tier through the real CLI, with real git repositories made in temporary folders
//! (no network): `check-upstream` per subtree, and `sync --direction upstream-to-collection` with
//! every strategy, keeping SkillMeat's `collection.toml` / `collection.lock` current. `add` is in
//! `cli_upstream_add.rs`, refused input in `cli_upstream_errors.rs`; the shared world is
//! `support::upstream`.

use crate::support;

use support::git::Repo;
use support::upstream::*;
use support::Env;

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
