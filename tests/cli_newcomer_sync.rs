//! What a newcomer met in `sync --all`, `stats` and `keep` (issue 12): an orphaned deployment
//! is reported and skipped, not an error; summaries count in words that agree ("1 error");
//! a sync's audit event carries how long it took; `keep` of a copy that does not differ says
//! there is nothing to keep and records nothing.

use crate::support;

use support::Env;

/// `skill:pdf` and `command:review` as in `cli_keep`, and `agent:planner`, deployed.
fn deployed() -> Env {
    support::pdf_review_deployed(
        r#"
        //- collection/agents/planner.md
        plan
        "#,
        &["planner"],
    )
}

#[test]
fn sync_all_skips_an_orphaned_deployment_with_a_note_and_succeeds() {
    let env = deployed();
    std::fs::remove_file(env.path("collection/agents/planner.md")).unwrap();
    env.write("collection/commands/review.md", "review v2\n");
    assert_eq!(env.states()["agent:planner"], "orphaned");

    let r = env.run(&["sync", "--all", "--apply", "--json"]);
    assert_eq!(
        r.code, 0,
        "an orphan is nothing to fix by syncing again: {r:?}"
    );
    let v = r.json();
    let skipped: Vec<(&str, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| Some((x["id"].as_str()?, x["skipped"].as_str()?)))
        .collect();
    assert_eq!(skipped, [("agent:planner", "orphaned")], "{v:#}");
    // Skipped: the orphan, and skill:pdf, which is up to date.
    assert_eq!(v["summary"]["skipped"], 2, "{v:#}");
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "review v2\n"
    );
    assert!(env
        .read("project/.claude/agents/planner.md")
        .starts_with("plan\n"));

    let r = env.run(&["sync", "--all"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "agent:planner  skipped: orphaned (the collection no longer has it, so there is nothing to sync from"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("3 skipped, 0 errors"), "{}", r.stdout);
    // Named, it is still the error it is.
    let r = env.run(&["sync", "planner", "--apply"]);
    assert_eq!(r.code, 3, "{r:?}");
}

#[test]
fn one_failure_reads_one_error() {
    let env = deployed();
    std::fs::remove_file(env.path("project/.claude/agents/planner.md")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(env.path("project/.claude/agents/planner.md"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let r = env.run(&["sync", "--all"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains(", 1 error\n") || r.stdout.ends_with(", 1 error"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_syncs_duration_is_recorded_for_stats() {
    let env = deployed();
    env.write("collection/commands/review.md", "review v2\n");
    // The apply pauses 150 ms before its swap: the recorded duration must include it.
    let ws = env.project();
    let col = env.collection();
    let out = env
        .command()
        .env("SKILLMEAT_FAILPOINTS", "before-swap:sleep=150")
        .arg("--workspace")
        .arg(&ws)
        .arg("--collection")
        .arg(&col)
        .args(["sync", "review", "--apply"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = env.run(&["log", "review", "--op", "sync", "--json"]).json();
    let ms = v["events"][0]["duration_ms"].as_u64().unwrap();
    assert!(ms >= 150, "the sync's event says {ms} ms: {v:#}");
    let s = env.run(&["stats", "--json"]).json();
    assert!(
        s["syncs"]["duration_ms"]["p50"].as_u64().unwrap() >= 150,
        "{s:#}"
    );
}

#[test]
fn keep_of_a_synced_copy_says_there_is_nothing_to_keep_and_records_nothing() {
    let env = deployed();
    let r = env.run(&["keep", "pdf", "--reason", "just in case"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "skill:pdf is synced: its copy matches the collection, so there is nothing to keep"
        ),
        "{}",
        r.stdout
    );
    let r = env.run(&["keep", "pdf", "--reason", "just in case", "--json"]);
    let v = r.json();
    assert_eq!(
        (v["kept"].as_bool(), v["changed"].as_bool()),
        (Some(false), Some(false)),
        "{v}"
    );
    let ops = env.run(&["log", "pdf", "--json"]).json();
    assert_eq!(
        ops["events"].as_array().unwrap().len(),
        1,
        "only the deploy: {ops}"
    );
    let st = env.run(&["status", "--json"]).json();
    let pdf = st["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap()
        .clone();
    assert!(pdf.get("kept").is_none(), "{pdf:#}");
}
