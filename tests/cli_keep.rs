//! Intentional divergence: `keep ID --reason …` / `unkeep ID`, the `kept` state and its rule (a
//! later collection change shows again), and `sync --all` leaving kept copies alone.

use crate::support;

use support::{assert_refused, Env};

fn deployed() -> Env {
    support::pdf_review_deployed("", &[])
}

#[test]
fn a_kept_copy_reads_kept_with_its_reason_until_the_collection_changes() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        "---\nname: pdf\n---\nstaging text\n",
    );
    assert_eq!(env.artifact("skill:pdf")["state"], "modified");

    let r = env.run(&["keep", "pdf", "--reason", "uses the staging API", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["state"], "modified");
    let a = env.artifact("skill:pdf");
    assert_eq!(a["state"], "kept", "{a:#}");
    assert_eq!(a["kept"]["reason"], "uses the staging API");
    assert_eq!(a["kept"]["drift"], "modified");
    assert_eq!(a["kept"]["collection_changed"], false);
    // Kept drift is dismissed: status passes again.
    let r = env.run(&["status"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("kept: uses the staging API (modified on purpose"),
        "{}",
        r.stdout
    );

    // A new collection change is never hidden: the state reads conflict again, the keep noted.
    env.write(
        "collection/skills/pdf/SKILL.md",
        "---\nname: pdf\n---\nnew collection text\n",
    );
    let a = env.artifact("skill:pdf");
    assert_eq!(a["state"], "conflict", "{a:#}");
    assert_eq!(a["kept"]["collection_changed"], true);
    let r = env.run(&["status"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("but the collection changed since"),
        "{}",
        r.stdout
    );
    // Keeping again acknowledges the new collection copy.
    assert_eq!(
        env.run(&["keep", "pdf", "--reason", "still staging"]).code,
        0
    );
    let a = env.artifact("skill:pdf");
    assert_eq!(
        (a["state"].as_str(), a["kept"]["drift"].as_str()),
        (Some("kept"), Some("conflict"))
    );

    // unkeep clears it.
    let r = env.run(&["unkeep", "pdf"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("no longer kept; it reads conflict"),
        "{}",
        r.stdout
    );
    let a = env.artifact("skill:pdf");
    assert_eq!(a["state"], "conflict");
    assert!(a.get("kept").is_none(), "{a:#}");
    let r = env.run(&["unkeep", "pdf"]);
    assert!(
        r.stdout.contains("was not kept; nothing to do"),
        "{}",
        r.stdout
    );
}

#[test]
fn keep_and_unkeep_are_recorded_in_the_log() {
    let env = deployed();
    env.write("project/.claude/commands/review.md", "my review\n");
    assert_eq!(
        env.run(&["keep", "review", "--reason", "team style"]).code,
        0
    );
    assert_eq!(env.run(&["unkeep", "review"]).code, 0);
    let v = env.run(&["log", "review", "--json"]).json();
    let events = v["events"].as_array().unwrap();
    let ops: Vec<&str> = events
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["unkeep", "keep", "deploy"]);
    assert_eq!(events[1]["detail"], "team style");
    // The kept content was stored as a version first.
    assert_eq!(events[1]["version"], "v2");
}

#[test]
fn sync_all_skips_a_kept_copy_unless_it_is_named() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        "---\nname: pdf\n---\nstaging text\n",
    );
    env.write("collection/commands/review.md", "review v2\n");
    env.write(
        "collection/skills/pdf/SKILL.md",
        "---\nname: pdf\n---\ncollection text v2\n",
    );
    assert_eq!(env.run(&["keep", "pdf", "--reason", "staging"]).code, 0);
    // The keep was recorded against the collection's new copy: kept, not conflict.
    assert_eq!(env.artifact("skill:pdf")["state"], "kept");

    let r = env.run(&["sync", "--all", "--apply", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let skipped: Vec<&serde_json::Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["skipped"] == "kept")
        .collect();
    assert_eq!(skipped.len(), 1, "{v:#}");
    assert_eq!(skipped[0]["id"], "skill:pdf");
    assert_eq!(skipped[0]["reason"], "staging");
    assert_eq!(v["summary"]["skipped"], 1);
    assert_eq!(
        env.read("project/.claude/commands/review.md"),
        "review v2\n"
    );
    assert!(env
        .read("project/.claude/skills/pdf/SKILL.md")
        .contains("staging text"));
    let r = env.run(&["sync", "--all"]);
    assert!(
        r.stdout
            .contains("skill:pdf  skipped: kept (staging); name it to sync it anyway"),
        "{}",
        r.stdout
    );

    // Named, it syncs.
    let r = env.run(&["sync", "pdf", "--apply", "--strategy", "theirs"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(env
        .read("project/.claude/skills/pdf/SKILL.md")
        .contains("collection text v2"));
}

#[test]
fn keep_refuses_bad_input_and_changes_nothing() {
    let env = deployed();
    env.write("collection/agents/planner.md", "plan\n");
    assert_refused(
        &env,
        &["keep", "pdf", "--reason", "  "],
        2,
        &["needs a reason"],
    );
    assert_refused(
        &env,
        &["keep", "nosuch", "--reason", "x"],
        3,
        &["unknown artifact `nosuch`"],
    );
    assert_refused(
        &env,
        &["keep", "planner", "--reason", "x"],
        3,
        &["agent:planner is not deployed"],
    );
    assert_refused(&env, &["keep", "../x", "--reason", "x"], 2, &[]);
    let r = env.run(&["keep", "pdf"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--reason"), "{}", r.stderr);
}
