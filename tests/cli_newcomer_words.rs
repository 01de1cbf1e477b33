//! What a newcomer reads after a command: `status ID` for one artifact, a dry run that would
//! conflict saying so in its exit code, `log`'s empty answers, the workspace note only when
//! something was written there, and `add` of an artifact the collection has pointing at a way
//! that works.

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
    let ids: Vec<&str> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["skill:pdf"], "{v}");
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
