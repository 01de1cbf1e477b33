//! What a newcomer reads after a command: `status ID` for one artifact, a dry run that would
//! conflict saying so in its exit code, `log`'s empty answers, the workspace note only when
//! something was written there, `add` of an artifact the collection has pointing at a way that
//! works and never copying a workspace's state, usage errors as JSON, next steps that work.

use crate::support;

use support::{assert_refused, Env};

/// `skill:pdf` and `command:review` deployed; the project and the collection then changed the
/// same line of `skill:pdf` differently, so a sync of it conflicts.
fn conflicting() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        one
        two
        three
        //- collection/commands/review.md
        Review.
        "#,
    );
    assert_eq!(env.run(&["deploy", "skill:pdf", "command:review"]).code, 0);
    env.write("project/.claude/skills/pdf/SKILL.md", "one\nours\nthree\n");
    env.write("collection/skills/pdf/SKILL.md", "one\ntheirs\nthree\n");
    env
}

#[test]
fn status_with_ids_shows_only_those_and_exits_by_their_drift() {
    let env = conflicting();
    let r = env.run(&["status", "command:review"]);
    assert_eq!(r.code, 0, "only the synced artifact was asked for: {r:?}");
    assert!(r.stdout.contains("command:review"), "{}", r.stdout);
    assert!(!r.stdout.contains("skill:pdf"), "{}", r.stdout);

    let v = env.run(&["status", "pdf", "--json"]).json();
    let listed: Vec<String> = support::by_id(&v, |a| a["state"].clone())
        .into_keys()
        .collect();
    assert_eq!(listed, ["skill:pdf"], "{v}");
    assert_eq!(v["summary"], serde_json::json!({"conflict": 1}), "{v}");
    assert_eq!(env.run(&["status", "skill:pdf"]).code, 1);

    assert_refused(
        &env,
        &["status", "skill:pfd"],
        3,
        &["did you mean `skill:pdf`"],
    );
}

#[test]
fn a_dry_run_that_would_conflict_exits_4_and_writes_nothing() {
    let env = conflicting();
    let before = env.snapshot();
    let r = env.run(&["sync", "skill:pdf"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stdout.contains("dry run: nothing was written"),
        "{}",
        r.stdout
    );
    support::assert_unchanged(&before, &env.snapshot(), "sync without --apply");
    // A plan without conflicts is still exit 0.
    assert_eq!(env.run(&["sync", "command:review"]).code, 0);
}

#[test]
fn log_says_whether_nothing_happened_or_nothing_matched() {
    let env = Env::new("//- collection/commands/review.md\nReview.\n");
    let r = env.run(&["log"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("no events recorded yet"), "{}", r.stdout);
    assert!(!r.stdout.contains("filter"), "{}", r.stdout);

    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    let r = env.run(&["log", "--op", "rollback"]);
    assert!(
        r.stdout.contains("no events match this filter"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_workspace_note_appears_only_when_the_command_wrote_there() {
    let env = Env::new("//- collection/commands/review.md\nReview.\n");
    let r = env.run(&["deploy", "command:review"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("workspace: "), "{}", r.stderr);
    // Already up to date: nothing was written, so no workspace is named.
    let r = env.run(&["sync", "command:review", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("already up to date"), "{}", r.stdout);
    assert!(!r.stderr.contains("workspace: "), "{}", r.stderr);
}

#[test]
fn adding_again_an_artifact_without_upstream_points_at_a_push_not_at_itself() {
    let env = Env::new("//- elsewhere/notes.md\nNotes.\n");
    let src = env.path("elsewhere/notes.md").display().to_string();
    assert_eq!(env.run(&["add", &src]).code, 0);
    let r = env.run(&["add", &src]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("--direction project-to-collection"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("upstream-to-collection"), "{}", r.stderr);
    // And the error that advice used to lead to does not send the reader back to `add` alone.
    let r = env.run(&[
        "sync",
        "command:notes",
        "--direction",
        "upstream-to-collection",
    ]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("--direction project-to-collection"),
        "{}",
        r.stderr
    );
}

/// Runs the binary in `cwd` (below the temporary root) with only `--collection`, as a person
/// typing in that folder would.
fn run_in(env: &Env, cwd: &str, args: &[&str]) -> support::Run {
    env.command()
        .current_dir(env.path(cwd))
        .arg("--collection")
        .arg(env.collection())
        .args(args)
        .output()
        .unwrap()
        .into()
}

#[test]
fn add_never_copies_the_state_of_a_workspace_into_the_collection() {
    let env = Env::new(
        r#"
        //- home/src/wave/SKILL.md
        Wave.
        //- home/src/old/SKILL.md
        Old.
        //- home/src/old/.skillmeat/lineage.db
        a workspace's lineage, not the skill's
        "#,
    );
    // Run in the skill's own folder, which becomes the workspace (its lineage is recorded
    // there, so a killed add is recovered): that state is not the skill's content.
    let r = run_in(&env, "home/src/wave", &["add", "."]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("1 file)"), "{}", r.stdout);
    let files: Vec<_> = support::tree::read_tree(&env.collection().join("skills/wave"))
        .into_keys()
        .collect();
    assert_eq!(files, ["SKILL.md"]);

    // A source folder holding a workspace's state from before: left out, and said so.
    let src = env.path("home/src/old").display().to_string();
    let r = env.run(&["add", &src]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("left out of skill:old"), "{}", r.stderr);
    let files: Vec<_> = support::tree::read_tree(&env.collection().join("skills/old"))
        .into_keys()
        .collect();
    assert_eq!(files, ["SKILL.md"]);

    // A check that only reads creates nothing in a folder that is no project.
    std::fs::create_dir_all(env.path("home/empty")).unwrap();
    assert_eq!(run_in(&env, "home/empty", &["verify"]).code, 0);
    assert!(!env.path("home/empty/.skillmeat").exists());
}

#[test]
fn usage_errors_with_json_are_one_json_object_too() {
    let env = Env::new("");
    for args in [
        &["--json", "keep", "skill:x"][..],
        &["--json", "frobnicate"],
        &["--json", "log", "--limit", "abc"],
    ] {
        let r = env.run(args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        let v = r.json();
        assert_eq!(v["error"]["code"], 2, "{v}");
        assert_eq!(v["error"]["kind"], "invalid", "{v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty(), "{v}");
    }
}

#[test]
fn the_next_steps_a_command_prints_work_as_printed() {
    let env = conflicting();
    let r = env.run(&["sync", "skill:pdf", "--apply"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stdout
            .contains("`skillmeat-lsp resolve skill:pdf --take ours|theirs|both`"),
        "{}",
        r.stdout
    );
    // The printed step, taken as printed, resolves the conflict.
    let r = env.run(&["resolve", "skill:pdf", "--take", "theirs"]);
    assert_eq!(r.code, 0, "{r:?}");
    // history says its times are UTC, as log does.
    let r = env.run(&["history", "skill:pdf"]);
    let line = r.stdout.lines().nth(1).unwrap_or_default().to_string();
    assert!(
        line.split_whitespace()
            .any(|w| w.len() == 9 && w.ends_with('Z')),
        "{}",
        r.stdout
    );
}
