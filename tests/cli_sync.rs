//! Sync in both directions with every strategy, and resolve, through the real CLI. Rollback,
//! diff and tags are in `cli_revisions.rs`, upstream (git) sync in `cli_upstream.rs`.

use crate::support;

use support::assert_refused;
use support::sync_world::*;

#[test]
fn dry_run_shows_the_plan_and_writes_nothing() {
    let env = deployed();
    env.write(C, &BASE.replace("two", "TWO"));
    env.write("collection/skills/pdf/added.md", "new\n");
    std::fs::remove_file(env.path("collection/skills/pdf/notes.md")).unwrap();
    let before = env.snapshot();
    let (code, v) = json(&env, &["sync", "pdf", "--json"]);
    assert_eq!(code, 0);
    let r = &v["results"][0];
    assert_eq!(r["kind"], "fast-forward");
    assert_eq!(r["applied"], false);
    let actions: Vec<(String, String)> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["action"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("SKILL.md".into(), "modify".into()),
            ("added.md".into(), "add".into()),
            ("notes.md".into(), "delete".into())
        ]
    );
    assert_eq!(r["semver"], "major");
    // Only the stat cache and lineage may change on a dry run, never the artifact files.
    let after = env.snapshot();
    for (p, b) in &before {
        if !p.starts_with(env.path("project/.skillmeat")) {
            assert_eq!(
                after.get(p),
                Some(b),
                "{} changed on a dry run",
                p.display()
            );
        }
    }
}

#[test]
fn collection_to_project_fast_forwards_adds_and_deletes_files() {
    let env = deployed();
    env.write(C, &BASE.replace("two", "TWO"));
    env.write("collection/skills/pdf/added.md", "new\n");
    std::fs::remove_file(env.path("collection/skills/pdf/notes.md")).unwrap();
    assert_eq!(state(&env, "skill:pdf"), "outdated");
    let r = env.run(&["sync", "pdf", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(P), BASE.replace("two", "TWO"));
    assert_eq!(env.read("project/.claude/skills/pdf/added.md"), "new\n");
    assert!(!env.path("project/.claude/skills/pdf/notes.md").exists());
    assert_eq!(state(&env, "skill:pdf"), "synced");
    let h = env.run(&["history", "pdf", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "sync");
    assert_eq!(h["versions"][0]["baseline"], true);
}

#[test]
fn collection_to_project_merges_edits_on_different_lines_cleanly() {
    let env = deployed();
    env.write(C, &BASE.replace("two", "two (collection)"));
    env.write(P, &BASE.replace("four", "four (project)"));
    assert_eq!(state(&env, "skill:pdf"), "conflict");
    let (code, v) = json(&env, &["sync", "pdf", "--apply", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["results"][0]["kind"], "merge");
    assert_eq!(
        env.read(P),
        BASE.replace("two", "two (collection)")
            .replace("four", "four (project)")
    );
    // The project keeps its own change on top of the new baseline: modified, ready to push.
    assert_eq!(state(&env, "skill:pdf"), "modified");
    let h = env.run(&["history", "pdf", "--json"]).json();
    let top = &h["versions"][0];
    assert_eq!(top["origin"], "merge");
    assert_eq!(
        top["parents"].as_array().unwrap().len(),
        2,
        "a merge has two parents: {h}"
    );
}

#[test]
fn conflicting_edits_leave_labelled_markers_and_exit_4_until_resolved() {
    let env = deployed();
    env.write(C, &BASE.replace("three", "three (collection)"));
    env.write(P, &BASE.replace("three", "three (project)"));
    let r = env.run(&["sync", "pdf", "--apply"]);
    assert_eq!(r.code, 4, "{r:?}");
    let text = env.read(P);
    assert!(text.contains("<<<<<<< project ("), "{text}");
    assert!(
        text.contains("three (project)\n||||||| deployed ("),
        "{text}"
    );
    assert!(
        text.contains("three\n=======\nthree (collection)\n>>>>>>> collection ("),
        "{text}"
    );

    let r = env.run(&["resolve", "pdf"]);
    assert_eq!(r.code, 4, "markers remain: {r:?}");
    assert!(r.stdout.contains("SKILL.md:"), "{}", r.stdout);
    let r = env.run(&["resolve", "pdf", "--take", "theirs"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(P), BASE.replace("three", "three (collection)"));
    let h = env.run(&["history", "pdf", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "merge");
    assert_eq!(state(&env, "skill:pdf"), "synced");
}

#[test]
fn resolve_by_each_choice_gives_that_side() {
    for (choice, want) in [
        ("ours", "three (project)\n"),
        ("theirs", "three (collection)\n"),
        ("both", "three (project)\nthree (collection)\n"),
        ("base", "Carefully.\n"),
        ("none", ""),
    ] {
        let env = deployed();
        env.write(
            "collection/commands/review.md",
            "Review.\nthree (collection)\n",
        );
        env.write(
            "project/.claude/commands/review.md",
            "Review.\nthree (project)\n",
        );
        assert_eq!(env.run(&["sync", "review", "--apply"]).code, 4);
        let r = env.run(&["resolve", "review", "--take", choice]);
        assert_eq!(r.code, 0, "{choice}: {r:?}");
        assert_eq!(
            env.read("project/.claude/commands/review.md"),
            format!("Review.\n{want}"),
            "{choice}"
        );
    }
}

#[test]
fn resolving_by_hand_is_recorded_once_the_markers_are_gone() {
    let env = deployed();
    env.write(C, &BASE.replace("three", "three (collection)"));
    env.write(P, &BASE.replace("three", "three (project)"));
    assert_eq!(env.run(&["sync", "pdf", "--apply"]).code, 4);
    env.write(P, &BASE.replace("three", "three (both, by hand)"));
    let (code, v) = json(&env, &["resolve", "pdf", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["version"].as_str().unwrap().starts_with('v'));
}

#[test]
fn ours_and_theirs_strategies_settle_conflicting_hunks() {
    for (strategy, want) in [
        ("ours", "three (project)"),
        ("theirs", "three (collection)"),
    ] {
        let env = deployed();
        env.write(
            C,
            &BASE
                .replace("three", "three (collection)")
                .replace("one", "one (collection)"),
        );
        env.write(P, &BASE.replace("three", "three (project)"));
        let r = env.run(&["sync", "pdf", "--strategy", strategy, "--apply"]);
        assert_eq!(r.code, 0, "{strategy}: {r:?}");
        let text = env.read(P);
        assert!(
            text.contains(want) && text.contains("one (collection)"),
            "{strategy}: {text}"
        );
        assert!(!text.contains("<<<<<<<"));
    }
}

#[test]
fn overwrite_takes_the_collection_and_keeps_the_project_copy_as_a_version() {
    let env = deployed();
    env.write(P, "my own words\n");
    env.write("project/.claude/skills/pdf/mine.md", "mine\n");
    env.write(C, &BASE.replace("one", "ONE"));
    let (code, v) = json(
        &env,
        &[
            "sync",
            "pdf",
            "--strategy",
            "overwrite",
            "--apply",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(env.read(P), BASE.replace("one", "ONE"));
    assert!(!env.path("project/.claude/skills/pdf/mine.md").exists());
    let kept = v["results"][0]["kept_previous"]
        .as_str()
        .unwrap()
        .to_string();
    let d = env.run(&["diff", "pdf", "--from", &kept, "--to", "project"]);
    assert!(
        d.stdout.contains("-my own words"),
        "the replaced content is retrievable: {}",
        d.stdout
    );
}

#[test]
fn project_to_collection_pushes_and_records_it_in_skillmeats_files() {
    let env = deployed();
    env.write("collection/collection.toml", "[collection]\nname = \"default\"\n\n[[artifacts]]\nname = \"pdf\"\ntype = \"skill\"\npath = \"skills/pdf\"\nkeep_me = 1\n");
    env.write(
        "collection/collection.lock",
        "[lock]\nversion = \"1.0.0\"\n",
    );
    env.write(P, &BASE.replace("five", "five (pushed)"));
    let r = env.run(&[
        "sync",
        "pdf",
        "--direction",
        "project-to-collection",
        "--apply",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(C), BASE.replace("five", "five (pushed)"));
    assert_eq!(state(&env, "skill:pdf"), "synced");
    let manifest = env.read("collection/collection.toml");
    assert!(manifest.contains("keep_me = 1"), "{manifest}");
    let lock: toml::Table = env.read("collection/collection.lock").parse().unwrap();
    let h = env.run(&["status", "--json"]).json()["artifacts"][0]["hashes"]["collection"].clone();
    assert_eq!(
        lock["lock"]["entries"]["pdf::skill"]["content_hash"].as_str(),
        h.as_str()
    );
}

#[test]
fn pushing_over_a_changed_collection_merges_and_leaves_the_project_outdated() {
    let env = deployed();
    env.write(C, &BASE.replace("one", "one (collection)"));
    env.write(P, &BASE.replace("five", "five (project)"));
    let r = env.run(&[
        "sync",
        "pdf",
        "--direction",
        "project-to-collection",
        "--apply",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        env.read(C),
        BASE.replace("one", "one (collection)")
            .replace("five", "five (project)")
    );
    assert_eq!(state(&env, "skill:pdf"), "outdated");
    assert_eq!(env.run(&["sync", "pdf", "--apply"]).code, 0);
    assert_eq!(state(&env, "skill:pdf"), "synced");
}

#[test]
fn fork_writes_the_project_copy_as_a_new_collection_artifact() {
    let env = deployed();
    env.write(P, "forked words\n");
    let (code, v) = json(
        &env,
        &[
            "sync",
            "pdf",
            "--direction",
            "project-to-collection",
            "--strategy",
            "fork",
            "--apply",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["results"][0]["forked_as"], "skill:pdf-fork");
    assert_eq!(
        env.read("collection/skills/pdf-fork/SKILL.md"),
        "forked words\n"
    );
    assert_eq!(
        env.read(C),
        BASE,
        "the original collection artifact is untouched"
    );
    let (_, v) = json(
        &env,
        &[
            "sync",
            "pdf",
            "--direction",
            "project-to-collection",
            "--strategy",
            "fork",
            "--apply",
            "--json",
        ],
    );
    assert_eq!(v["results"][0]["forked_as"], "skill:pdf-fork-2");
    assert_refused(
        &env,
        &["sync", "pdf", "--strategy", "fork", "--apply"],
        2,
        &["fork strategy only applies to project-to-collection"],
    );
}

#[test]
fn binary_files_changed_on_both_sides_conflict_without_markers_and_both_are_kept() {
    let env = deployed();
    std::fs::write(env.path("collection/skills/pdf/logo.bin"), b"base\0").unwrap();
    assert_eq!(env.run(&["deploy", "pdf"]).code, 0);
    std::fs::write(env.path("collection/skills/pdf/logo.bin"), b"collection\0").unwrap();
    std::fs::write(
        env.path("project/.claude/skills/pdf/logo.bin"),
        b"project\0",
    )
    .unwrap();
    let (code, v) = json(&env, &["sync", "pdf", "--apply", "--json"]);
    assert_eq!(code, 4, "{v}");
    let f = &v["results"][0]["files"][0];
    assert_eq!(f["action"], "conflict");
    assert!(f["conflict"].as_str().unwrap().contains("binary"));
    assert_eq!(
        std::fs::read(env.path("project/.claude/skills/pdf/logo.bin")).unwrap(),
        b"project\0"
    );
    // The collection's side is stored as a version too.
    let h = env.run(&["history", "pdf", "--json"]).json();
    let origins: Vec<&str> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["origin"].as_str().unwrap())
        .collect();
    assert!(origins.contains(&"sync"), "{origins:?}");
}

#[test]
fn sync_all_reports_a_summary_and_one_failure_does_not_stop_the_rest() {
    let env = deployed();
    env.write("collection/commands/review.md", "Review v2.\n");
    env.write("collection/agents/planner.md", "plan\n");
    assert_eq!(env.run(&["deploy", "agent:planner"]).code, 0);
    // The planner's project copy turns into a FIFO, which no sync can read: its sync fails,
    // the others go on.
    std::fs::remove_file(env.path("project/.claude/agents/planner.md")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(env.path("project/.claude/agents/planner.md"))
        .status()
        .unwrap();
    assert!(fifo.success());
    env.write(C, &BASE.replace("one", "ONE"));
    let (code, v) = json(&env, &["sync", "--all", "--apply", "--json"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["fast_forwarded"], 2, "{v:#}");
    assert_eq!(v["summary"]["errors"], 1, "{v:#}");
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "Review v2.\n"
    );
    assert_eq!(env.read(P), BASE.replace("one", "ONE"));
}

#[test]
fn bad_sync_arguments_are_usage_errors() {
    let env = deployed();
    assert_refused(
        &env,
        &["sync", "pdf", "--direction", "sideways"],
        2,
        &["unknown direction"],
    );
    assert_refused(
        &env,
        &["sync", "pdf", "--strategy", "yolo"],
        2,
        &["unknown strategy"],
    );
    assert_refused(&env, &["sync"], 2, &["--all"]);
    assert_refused(
        &env,
        &["sync", "skill:nope", "--apply"],
        3,
        &["unknown artifact"],
    );
}
