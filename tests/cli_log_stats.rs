//! `log` (the audit trail, newest first, filtered by artifact, time and operation) and `stats`
//! (sync count and durations, merges clean vs conflicting, open conflicts), through the real CLI.

use crate::support;

use support::{assert_refused, Env};

/// Two skills deployed: `clean` and `clash`, each with three lines to edit.
fn deployed() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/clean/SKILL.md
        ---
        name: clean
        ---
        one
        two
        three
        //- collection/skills/clash/SKILL.md
        ---
        name: clash
        ---
        one
        two
        three
        "#,
    );
    let r = env.run(&["deploy", "clean", "clash"]);
    assert_eq!(r.code, 0, "{r:?}");
    env
}

/// A clean merge of `clean` (edits on different lines) and a conflicting one of `clash`.
fn merged(env: &Env) {
    let edit = |rel: &str, from: &str, to: &str| {
        let body = env.read(rel).replace(from, to);
        env.write(rel, &body);
    };
    edit("collection/skills/clean/SKILL.md", "one", "ONE");
    edit("project/.claude/skills/clean/SKILL.md", "three", "THREE");
    edit(
        "collection/skills/clash/SKILL.md",
        "two",
        "collection's two",
    );
    edit(
        "project/.claude/skills/clash/SKILL.md",
        "two",
        "project's two",
    );
    assert_eq!(env.run(&["sync", "clean", "--apply"]).code, 0);
    assert_eq!(env.run(&["sync", "clash", "--apply"]).code, 4);
}

fn log(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["log", "--json"];
    full.extend_from_slice(args);
    let r = env.run(&full);
    assert_eq!(r.code, 0, "{r:?}");
    r.json()
}

fn ops(v: &serde_json::Value) -> Vec<String> {
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["operation"].as_str().unwrap(),
                e["artifact"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn log_lists_every_operation_newest_first_with_version_and_project() {
    let env = deployed();
    merged(&env);
    let r = env.run(&["tag", "clean", "release-1"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = log(&env, &[]);
    assert_eq!(
        ops(&v),
        [
            "tag skill:clean",
            "sync skill:clash",
            "sync skill:clean",
            "deploy skill:clash",
            "deploy skill:clean",
        ]
    );
    let events = v["events"].as_array().unwrap();
    // v1 deployed, v2 the project's edit, v3 the collection's copy, v4 their merge: tagged.
    assert_eq!(events[0]["version"], "v4", "{v:#}");
    assert_eq!(events[2]["version"], "v4");
    assert_eq!(events[0]["detail"], "release-1");
    assert_eq!(events[1]["result"], "conflicts");
    assert_eq!(events[1]["conflict_files"][0], "SKILL.md");
    assert_eq!(events[2]["result"], "merge");
    assert_eq!(events[2]["direction"], "collection-to-project");
    assert_eq!(events[4]["version"], "v1");
    assert_eq!(events[4]["project"], "project");
    assert_eq!(v["project"], "project");
    // Newest first: the ids grow downwards in time.
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");

    // The human form: one line per event with time, operation, artifact, version and project.
    let r = env.run(&["log"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", r.stdout);
    assert!(
        lines[0].contains(" tag ")
            && lines[0].contains("skill:clean")
            && lines[0].contains("v4")
            && lines[0].contains("project"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("conflicts") && lines[1].contains("in SKILL.md"),
        "{}",
        lines[1]
    );
    assert!(
        lines[4].starts_with("20") && lines[4].contains("Z  deploy"),
        "{}",
        lines[4]
    );
}

#[test]
fn log_filters_by_artifact_operation_and_time() {
    let env = deployed();
    merged(&env);
    assert_eq!(
        ops(&log(&env, &["clean"])),
        ["sync skill:clean", "deploy skill:clean"]
    );
    assert_eq!(
        ops(&log(&env, &["--op", "sync"])),
        ["sync skill:clash", "sync skill:clean"]
    );
    assert_eq!(
        ops(&log(&env, &["skill:clash", "--op", "deploy"])),
        ["deploy skill:clash"]
    );
    // Everything happened within the last hour; nothing after tomorrow.
    assert_eq!(
        log(&env, &["--since", "1h"])["events"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        log(&env, &["--since", "2999-01-01T00:00:00+02:00"])["events"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        log(&env, &["--since", "2020-01-01"])["events"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        log(&env, &["--limit", "1"])["events"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bad_op_and_since_are_usage_errors_that_list_what_is_valid() {
    let env = deployed();
    assert_refused(
        &env,
        &["log", "--op", "merge"],
        2,
        &[
            "`--op merge`",
            "add, deploy, import, keep, resolve, rollback, sync, tag, unkeep",
        ],
    );
    assert_refused(
        &env,
        &["log", "--since", "yesterday"],
        2,
        &["`--since yesterday`", "RFC 3339", "2h, 3d"],
    );
    assert_refused(&env, &["stats", "--since", "soon"], 2, &["RFC 3339"]);
    // A time ago before 1970 (or a time past 9999) is a usage error, not a panic.
    for (cmd, since) in [
        ("log", "3000w"),
        ("stats", "3000w"),
        ("log", "99999999999d"),
    ] {
        assert_refused(
            &env,
            &[cmd, "--since", since],
            2,
            &[&format!("`--since {since}`"), "outside 1970-01-01"],
        );
    }
    assert_refused(&env, &["log", "nosuch"], 3, &["unknown artifact `nosuch`"]);
}

#[test]
fn stats_count_syncs_durations_merges_and_open_conflicts() {
    let env = deployed();
    let r = env.run(&["stats", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["syncs"]["count"], 0);
    assert!(v["syncs"]["duration_ms"]["p50"].is_null());
    assert!(v["merges"]["conflict_rate"].is_null());

    merged(&env);
    let v = env.run(&["stats", "--json"]).json();
    assert_eq!(v["syncs"]["count"], 2, "{v:#}");
    assert_eq!(v["syncs"]["timed"], 2);
    let p50 = v["syncs"]["duration_ms"]["p50"].as_u64().unwrap();
    let p95 = v["syncs"]["duration_ms"]["p95"].as_u64().unwrap();
    assert!(p50 <= p95);
    assert_eq!(v["merges"]["clean"], 1);
    assert_eq!(v["merges"]["conflicting"], 1);
    assert_eq!(v["merges"]["conflict_rate"], 0.5);
    let open = v["open_conflicts"].as_array().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["artifact"], "skill:clash");
    assert_eq!(open[0]["files"][0], "SKILL.md");
    assert!(open[0]["age_secs"].as_u64().unwrap() < 3600);

    let r = env.run(&["stats"]);
    assert!(
        r.stdout.contains("syncs            2 (2 timed: p50 "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("1 clean, 1 with conflicts (conflict rate 50%)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("skill:clash  SKILL.md  open for "),
        "{}",
        r.stdout
    );

    // Resolved, the conflict is no longer open; the merge still counts.
    assert_eq!(env.run(&["resolve", "clash", "--take", "ours"]).code, 0);
    let v = env.run(&["stats", "--json"]).json();
    assert!(v["open_conflicts"].as_array().unwrap().is_empty(), "{v:#}");
    assert_eq!(v["merges"]["conflicting"], 1);
    // `--since` in the future counts nothing.
    let v = env
        .run(&["stats", "--json", "--since", "2999-01-01"])
        .json();
    assert_eq!(v["syncs"]["count"], 0);
}
