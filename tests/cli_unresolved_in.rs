//! Content a sync left with unresolved conflict markers goes nowhere else: `add` of that copy
//! into the collection is refused as a push of it is, and `keep` refuses to stand in for the
//! markers (status would read `conflict`, not the `kept` it promised).

use crate::support;

use support::Env;

const SKILL: &str = "---\nname: pdf\ndescription: pdf tools\n---\n# PDF\nline1\nline2\nline3\n";

/// `skill:pdf` deployed, then both copies changed line2: `sync --apply` leaves markers.
fn conflicted() -> Env {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", SKILL);
    assert_eq!(env.run(&["deploy", "pdf"]).code, 0);
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &SKILL.replace("line2", "line2 project"),
    );
    env.write(
        "collection/skills/pdf/SKILL.md",
        &SKILL.replace("line2", "line2 coll"),
    );
    env.run(&["sync", "pdf", "--apply"]);
    assert!(env
        .read("project/.claude/skills/pdf/SKILL.md")
        .contains("<<<<<<<"));
    env
}

#[test]
fn add_of_a_copy_with_unresolved_markers_is_refused_like_a_push() {
    let env = conflicted();
    let copy = env.path("project/.claude/skills/pdf").display().to_string();
    support::assert_refused(
        &env,
        &["add", &copy, "--name", "pdf-copy"],
        4,
        &[
            "SKILL.md:",
            "unresolved conflict markers",
            "nothing was added",
        ],
    );
    assert!(!env.path("collection/skills/pdf-copy").exists());
}

#[test]
fn keep_of_a_copy_with_unresolved_markers_records_nothing_and_says_why() {
    let env = conflicted();
    // (keep's own drift check may refresh the lineage's caches: the copies and the record of
    // a keep are what must not change)
    let copy = env.read("project/.claude/skills/pdf/SKILL.md");
    let r = env.run(&["keep", "pdf", "--reason", "x"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(
        r.stderr.contains("unresolved conflict markers") && r.stderr.contains("resolve"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), copy);
    let log = env.run(&["log", "--op", "keep"]);
    assert!(
        !log.stdout.contains("kept"),
        "a keep was recorded: {}",
        log.stdout
    );
    let st = env.run(&["status", "--json"]).json();
    let states = support::by_id(&st, |a| a["state"].as_str().unwrap().to_string());
    assert_eq!(states["skill:pdf"], "conflict");
}
