//! Diagnostics over the real server: every code, on files that are not open and on open buffers,
//! with the severities, ranges, `data` and `relatedInformation` of docs/lsp-extensions.md.
//! Drift hunks and markers typed into a buffer are in `lsp_buffer_diagnostics.rs`.

use crate::support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use support::lsp::{codes, find, full_caps, uri, Lsp};
use support::Env;

pub(crate) fn skill(name: &str) -> String {
    format!("---\nname: {name}\ndescription: test skill\n---\n\none\ntwo\nthree\nfour\nfive\nsix\n")
}

/// One artifact in every state that deserves a diagnostic, and one that does not:
/// `skill:mod` modified, `command:out` outdated, `agent:both` conflict, `skill:gone` orphaned,
/// `skill:marks` (a folder) with conflict markers in two files after a sync, `command:broken`
/// with an unclosed marker, `skill:calm` synced.
fn every_state() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/marks/reference.md
        alpha
        beta
        gamma
        //- collection/commands/out.md
        Review.
        Carefully.
        //- collection/commands/broken.md
        Broken.
        //- collection/agents/both.md
        Plan.
        Then act.
        Then check.
        "#,
    );
    for name in ["mod", "gone", "calm", "marks"] {
        env.write(&format!("collection/skills/{name}/SKILL.md"), &skill(name));
    }
    let ids = [
        "skill:mod",
        "skill:gone",
        "skill:calm",
        "skill:marks",
        "command:out",
        "command:broken",
        "agent:both",
    ];
    let mut args = vec!["deploy"];
    args.extend(ids);
    assert_eq!(env.run(&args).code, 0);

    env.write(
        "project/.claude/skills/mod/SKILL.md",
        &skill("mod").replace("two", "two (project)"),
    );
    env.write_fixture(
        r#"
        //- collection/commands/out.md
        Review.
        Very carefully.
        //- collection/agents/both.md
        Plan (collection).
        Then act.
        Then check.
        //- project/.claude/agents/both.md
        Plan.
        Then act.
        Then check (project).
        "#,
    );
    std::fs::remove_dir_all(env.path("collection/skills/gone")).unwrap();

    env.write(
        "collection/skills/marks/SKILL.md",
        &skill("marks").replace("two", "two (collection)"),
    );
    env.write(
        "project/.claude/skills/marks/SKILL.md",
        &skill("marks").replace("two", "two (project)"),
    );
    env.write_fixture(
        r#"
        //- collection/skills/marks/reference.md
        alpha
        beta (collection)
        gamma
        //- project/.claude/skills/marks/reference.md
        alpha
        beta (project)
        gamma
        "#,
    );
    assert_eq!(env.run(&["sync", "skill:marks", "--apply"]).code, 4);

    env.write_fixture(
        r#"
        //- project/.claude/commands/broken.md
        Broken.
        <<<<<<< project
        mine
        =======
        theirs
        "#,
    );
    env
}

pub(crate) fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

/// `status --json` of the CLI, by id.
fn cli_status(env: &Env) -> BTreeMap<String, Value> {
    support::by_id(&env.run(&["status", "--json"]).json(), Value::clone)
}

fn short(h: &Value) -> &str {
    &h.as_str().unwrap()[..7]
}

/// The range of line 0 of `text`, as the server gives artifact-level diagnostics.
fn first_line(text: &str) -> Value {
    let len = text.lines().next().unwrap_or("").encode_utf16().count();
    json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": len } })
}

/// Checks an artifact-level drift diagnostic against the CLI's view of the artifact.
#[track_caller]
fn check_drift(
    d: &Value,
    code: &str,
    severity: u64,
    status: &Value,
    main_text: &str,
    collection_main: Option<&std::path::Path>,
) {
    assert_eq!(d["code"], code, "{d:#}");
    assert_eq!(d["severity"], severity, "{d:#}");
    assert_eq!(d["source"], "skillmeat");
    assert_eq!(d["range"], first_line(main_text), "{d:#}");
    assert_eq!(
        d["data"],
        json!({ "artifact": status["id"], "state": status["state"], "hashes": status["hashes"] }),
        "{d:#}"
    );
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains(status["id"].as_str().unwrap()), "{msg}");
    for tier in ["baseline", "project", "collection"] {
        let h = &status["hashes"][tier];
        // Each tier the state is about is named by its short hash.
        let relevant = match code {
            "drift-modified" => tier != "collection",
            "drift-outdated" => tier != "project",
            "drift-conflict" => true,
            _ => tier == "baseline",
        };
        if relevant {
            assert!(msg.contains(short(h)), "{msg} lacks the {tier} hash");
        }
    }
    match collection_main {
        Some(c) => {
            let rel = d["relatedInformation"]
                .as_array()
                .expect("relatedInformation");
            assert_eq!(rel.len(), 1, "{d:#}");
            assert_eq!(rel[0]["location"]["uri"], uri(c));
            assert!(rel[0]["message"]
                .as_str()
                .unwrap()
                .contains(short(&status["hashes"]["collection"])));
        }
        None => assert!(d.get("relatedInformation").is_none(), "{d:#}"),
    }
}

/// The lines of `text` starting with `prefix`, 0-based.
fn lines_starting(text: &str, prefix: &str) -> Vec<u64> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(prefix))
        .map(|(i, _)| i as u64)
        .collect()
}

/// Checks the conflict-unresolved errors of a file: one per region, each spanning the opener
/// through the closer line (end at the start of the line after).
#[track_caller]
fn check_regions(diags: &[Value], text: &str, artifact: &str, file: &str) {
    let opens = lines_starting(text, "<<<<<<<");
    let closes = lines_starting(text, ">>>>>>>");
    let regions: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "conflict-unresolved")
        .collect();
    assert_eq!(regions.len(), opens.len(), "{diags:#?}");
    for (i, d) in regions.iter().enumerate() {
        assert_eq!(d["severity"], 1);
        assert_eq!(d["source"], "skillmeat");
        assert_eq!(
            d["range"],
            json!({ "start": { "line": opens[i], "character": 0 }, "end": { "line": closes[i] + 1, "character": 0 } })
        );
        assert_eq!(
            d["data"],
            json!({ "artifact": artifact, "file": file, "region": i, "hasBase": true })
        );
        let msg = d["message"].as_str().unwrap();
        assert!(
            msg.contains("project (") && msg.contains("collection ("),
            "{msg}"
        );
    }
}

#[test]
fn every_drift_and_conflict_code_is_published_for_files_that_are_not_open() {
    let env = every_state();
    let st = cli_status(&env);
    assert_eq!(st["skill:mod"]["state"], "modified");
    assert_eq!(st["command:out"]["state"], "outdated");
    assert_eq!(st["agent:both"]["state"], "conflict");
    assert_eq!(st["skill:gone"]["state"], "orphaned");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let p = |rel: &str| env.path(&format!("project/.claude/{rel}"));
    let c = |rel: &str| env.path(&format!("collection/{rel}"));
    // Wait for the seven publishes however slow the start-up scan is, then listen a while
    // longer for any extra ones.
    let publish = |m: &Value| m["method"] == "textDocument/publishDiagnostics";
    let mut seen = lsp.gather("publishDiagnostics", 7, publish);
    seen.extend(
        lsp.quiet(std::time::Duration::from_millis(300))
            .into_iter()
            .filter(publish),
    );
    assert_eq!(
        seen.len(),
        7,
        "one publish per file with diagnostics: {seen:#?}"
    );

    let main = p("skills/mod/SKILL.md");
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-modified"]);
    check_drift(
        &d[0],
        "drift-modified",
        3,
        &st["skill:mod"],
        &env.read("project/.claude/skills/mod/SKILL.md"),
        Some(&c("skills/mod/SKILL.md")),
    );

    let main = p("commands/out.md");
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-outdated"]);
    check_drift(
        &d[0],
        "drift-outdated",
        2,
        &st["command:out"],
        &env.read("project/.claude/commands/out.md"),
        Some(&c("commands/out.md")),
    );

    let main = p("agents/both.md");
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-conflict"]);
    check_drift(
        &d[0],
        "drift-conflict",
        2,
        &st["agent:both"],
        &env.read("project/.claude/agents/both.md"),
        Some(&c("agents/both.md")),
    );

    let main = p("skills/gone/SKILL.md");
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-orphaned"]);
    check_drift(
        &d[0],
        "drift-orphaned",
        3,
        &st["skill:gone"],
        &env.read("project/.claude/skills/gone/SKILL.md"),
        None,
    );

    // After a sync with conflicts the artifact reads `conflict` while its markers remain (the
    // collection is the new baseline; the message says how to finish) and every file with
    // markers gets one error per region, open or not.
    assert_eq!(st["skill:marks"]["state"], "conflict");
    let main = p("skills/marks/SKILL.md");
    let text = env.read("project/.claude/skills/marks/SKILL.md");
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-conflict", "conflict-unresolved"]);
    assert_eq!(
        d[0]["data"]["unresolved"],
        json!({ "file": "SKILL.md", "line": lines_starting(&text, "<<<<<<<")[0] + 1 })
    );
    assert_eq!(
        d[0]["data"]["hashes"]["baseline"],
        d[0]["data"]["hashes"]["collection"]
    );
    check_regions(&d, &text, "skill:marks", "SKILL.md");
    let reference = p("skills/marks/reference.md");
    let text = env.read("project/.claude/skills/marks/reference.md");
    let d = lsp.diagnostics(&reference, |d| !d.is_empty());
    assert_eq!(codes(&d), ["conflict-unresolved"]);
    check_regions(&d, &text, "skill:marks", "reference.md");

    let main = p("commands/broken.md");
    let d = lsp.diagnostics(&main, |d| !d.is_empty());
    assert_eq!(codes(&d), ["drift-modified", "conflict-malformed"]);
    let m = find(&d, "conflict-malformed");
    assert_eq!(m["severity"], 1);
    // From the opener (line 1) to the end of the text (5 lines).
    assert_eq!(
        m["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 5, "character": 0 } })
    );
    assert_eq!(
        m["data"],
        json!({ "artifact": "command:broken", "file": "broken.md" })
    );
    assert!(
        m["message"].as_str().unwrap().contains("never closed"),
        "the message says what is wrong in words: {m:#}"
    );

    // A synced artifact gets nothing; files that are not open get diagnostics without a version.
    let calm = uri(&p("skills/calm/SKILL.md"));
    let later = lsp.quiet(std::time::Duration::from_millis(300));
    assert!(
        !seen
            .iter()
            .chain(later.iter())
            .any(|m| m["params"]["uri"] == json!(calm)),
        "a synced artifact got diagnostics"
    );
    for m in &seen {
        assert!(
            matches!(m["params"].get("version"), None | Some(Value::Null)),
            "{m}"
        );
    }
    lsp.finish();
}

#[test]
fn open_buffers_get_the_same_codes_with_their_version_and_hunk_hints() {
    let env = every_state();
    let st = cli_status(&env);
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let p = |rel: &str| env.path(&format!("project/.claude/{rel}"));
    // Let the start-up publishes pass, so what follows answers the opens.
    lsp.diagnostics(&p("commands/broken.md"), |d| !d.is_empty());

    let files = [
        ("commands/out.md", vec!["drift-outdated"]),
        ("agents/both.md", vec!["drift-conflict", "drift-hunk"]),
        ("skills/gone/SKILL.md", vec!["drift-orphaned"]),
        ("skills/mod/SKILL.md", vec!["drift-modified", "drift-hunk"]),
        (
            "skills/marks/SKILL.md",
            vec![
                "drift-conflict",
                "conflict-unresolved",
                "drift-hunk",
                "drift-hunk",
            ],
        ),
        (
            "commands/broken.md",
            vec!["drift-modified", "conflict-malformed", "drift-hunk"],
        ),
    ];
    let mut got = BTreeMap::new();
    for (n, (rel, want)) in files.iter().enumerate() {
        let path = p(rel);
        let version = 10 + n as i32;
        lsp.open(&path, version);
        let d = lsp.diagnostics_at(&path, version);
        assert_eq!(codes(&d), *want, "{rel}: {d:#?}");
        got.insert(*rel, d);
    }

    // The outdated command's warning is the same as for the unopened file.
    let d = &got["commands/out.md"];
    check_drift(
        &d[0],
        "drift-outdated",
        2,
        &st["command:out"],
        &env.read("project/.claude/commands/out.md"),
        Some(&env.path("collection/commands/out.md")),
    );

    // Hunk hints: one per changed hunk of the buffer against the deployed version.
    let h = find(&got["agents/both.md"], "drift-hunk");
    assert_eq!(h["severity"], 4);
    assert_eq!(
        h["range"],
        json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 3, "character": 0 } })
    );
    assert_eq!(
        h["data"],
        json!({ "artifact": "agent:both", "file": "both.md", "oldText": "Then check.\n", "newLines": [2, 3] })
    );

    // Editing the open buffer of the outdated command makes it a conflict, as typed.
    lsp.change_full(
        &path_of(&env, "commands/out.md"),
        20,
        "Review!\nCarefully.\n",
    );
    let d = lsp.diagnostics_at(&p("commands/out.md"), 20);
    assert_eq!(codes(&d), ["drift-conflict", "drift-hunk"]);
    assert_eq!(d[0]["range"], first_line("Review!\n"));
    assert_eq!(d[0]["data"]["state"], "conflict");
    assert_ne!(
        d[0]["data"]["hashes"]["project"], st["command:out"]["hashes"]["project"],
        "the project hash is the buffer's, not the file's"
    );
    lsp.finish();
}

fn path_of(env: &Env, rel: &str) -> std::path::PathBuf {
    env.path(&format!("project/.claude/{rel}"))
}
