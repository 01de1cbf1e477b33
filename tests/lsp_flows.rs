//! Progress and confirmation over the real server: `$/progress` for the start-up scan and a bulk
//! sync (cancelled half-way), `window/showMessageRequest` before rollback and overwrite.

use crate::support;

use std::time::Duration;

use serde_json::{json, Value};
use support::lsp::{bare_caps, full_caps, Answer, Lsp, Start};
use support::Env;

const BASE: &str = "---\nname: x\n---\n\none\ntwo\nthree\n";

fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

fn deployed() -> Env {
    support::pdf_and_review(BASE)
}

/// The `$/progress` values sent for `token`, in order, from what the client has received.
fn progress_of(lsp: &Lsp, token: &Value) -> Vec<Value> {
    lsp.inbox
        .iter()
        .filter(|m| m["method"] == "$/progress" && m["params"]["token"] == *token)
        .map(|m| m["params"]["value"].clone())
        .collect()
}

/// Tokens the server asked to create, in order.
fn created(lsp: &Lsp) -> Vec<Value> {
    lsp.server_requests
        .iter()
        .filter(|(m, _)| m == "window/workDoneProgress/create")
        .map(|(_, p)| p["token"].clone())
        .collect()
}

/// What the project and collection hold (not the lineage database).
fn files(env: &Env) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let (p, c) = (env.path("project/.claude"), env.collection());
    env.snapshot()
        .into_iter()
        .filter(|(k, _)| k.starts_with(&p) || k.starts_with(&c))
        .collect()
}

fn questions(lsp: &Lsp) -> Vec<Value> {
    lsp.server_requests
        .iter()
        .filter(|(m, _)| m == "window/showMessageRequest")
        .map(|(_, p)| p.clone())
        .collect()
}

#[test]
fn start_up_scan_reports_begin_and_end_progress_to_a_client_that_supports_it() {
    let env = deployed();
    env.write("collection/commands/review.md", "Review!\n");
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let end = lsp.wait_for("the end of the start-up progress", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let token = end["params"]["token"].clone();
    assert_eq!(created(&lsp), vec![token.clone()], "created before use");
    let values = progress_of(&lsp, &token);
    assert_eq!(values.len(), 1, "{values:#?}");
    let begin = &values[0];
    assert_eq!(begin["kind"], "begin");
    assert_eq!(begin["title"], "skillmeat: checking artifacts");
    assert_eq!(begin["cancellable"], false);
    assert_eq!(end["params"]["value"]["message"], "2 artifacts checked");
    lsp.finish();
}

#[test]
fn a_client_without_work_done_progress_gets_no_progress() {
    let env = deployed();
    env.write("collection/commands/review.md", "Review!\n");
    let mut lsp = Lsp::start(&env, settings(&env), bare_caps());
    let review = env.path("project/.claude/commands/review.md");
    // The scan ran (its diagnostics are out), and a bulk sync ran too.
    lsp.diagnostics(&review, |d| !d.is_empty());
    let r = lsp
        .command("skillmeat.sync", json!({ "all": true }))
        .unwrap();
    assert_eq!(r["summary"]["fast_forwarded"], 1);
    lsp.quiet(Duration::from_millis(200));
    assert!(created(&lsp).is_empty());
    assert!(
        !lsp.inbox.iter().any(|m| m["method"] == "$/progress"),
        "{:#?}",
        lsp.inbox
    );
    lsp.finish();
}

#[test]
fn bulk_sync_reports_progress_and_cancel_stops_it_with_the_rest_reported_cancelled() {
    const N: usize = 24;
    let env = Env::new("");
    let ids: Vec<String> = (0..N).map(|i| format!("skill:s{i:02}")).collect();
    for i in 0..N {
        env.write(&format!("collection/skills/s{i:02}/SKILL.md"), BASE);
    }
    let mut args = vec!["deploy"];
    args.extend(ids.iter().map(String::as_str));
    assert_eq!(env.run(&args).code, 0);
    for i in 0..N {
        env.write(
            &format!("collection/skills/s{i:02}/SKILL.md"),
            &BASE.replace("two", "two (c)"),
        );
    }
    // Each apply pauses 150 ms after its commit, so the sync takes long enough to cancel.
    let mut lsp = Lsp::start_with(
        &env,
        Start {
            settings: settings(&env),
            env: vec![(
                "SKILLMEAT_FAILPOINTS".into(),
                "after-commit:sleep=150".into(),
            )],
            ..Start::default()
        },
    );
    lsp.wait_for("the start-up scan's end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let id = lsp.send_request(
        "workspace/executeCommand",
        json!({ "command": "skillmeat.sync", "arguments": [{ "all": true }] }),
    );
    let begin = lsp.wait_for("the sync's progress", |m| {
        m["method"] == "$/progress"
            && m["params"]["value"]["kind"] == "begin"
            && m["params"]["value"]["title"] == "skillmeat: syncing"
    });
    let token = begin["params"]["token"].clone();
    assert_eq!(begin["params"]["value"]["cancellable"], true);
    let first = lsp.wait_for("a report", |m| {
        m["method"] == "$/progress"
            && m["params"]["token"] == token
            && m["params"]["value"]["kind"] == "report"
    });
    let msg = first["params"]["value"]["message"].as_str().unwrap();
    assert!(msg.starts_with("1/24 skill:s"), "{msg}");
    lsp.notify("window/workDoneProgress/cancel", json!({ "token": token }));
    let r = lsp.response(id).expect("a cancelled sync still answers");

    let results = r["results"].as_array().unwrap();
    assert_eq!(results.len(), N);
    let cancelled: Vec<&str> = results
        .iter()
        .filter(|x| {
            x["error"]
                .as_str()
                .is_some_and(|e| e.contains("cancelled before it started"))
        })
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    let synced: Vec<&str> = results
        .iter()
        .filter(|x| x["applied"] == true)
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(!synced.is_empty(), "{r:#}");
    assert!(!cancelled.is_empty(), "the cancel stopped nothing: {r:#}");
    assert_eq!(synced.len() + cancelled.len(), N, "{r:#}");
    assert_eq!(r["summary"]["errors"], cancelled.len());
    assert_eq!(r["summary"]["fast_forwarded"], synced.len());
    // What was cancelled is untouched; what ran is synced.
    let states = env.states();
    for id in &cancelled {
        assert_eq!(states[*id], "outdated", "{id}");
    }
    for id in &synced {
        assert_eq!(states[*id], "synced", "{id}");
    }
    // Reports count up, and the progress ends.
    lsp.wait_for("the sync's end", |m| {
        m["method"] == "$/progress"
            && m["params"]["token"] == token
            && m["params"]["value"]["kind"] == "end"
    });
    let pct: Vec<u64> = progress_of(&lsp, &token)
        .iter()
        .filter(|v| v["kind"] == "report")
        .map(|v| v["percentage"].as_u64().unwrap())
        .collect();
    assert!(pct.windows(2).all(|w| w[0] <= w[1]), "{pct:?}");
    assert!(pct.iter().all(|p| *p <= 100));
    lsp.finish();
}

#[test]
fn rollback_asks_first_and_no_changes_nothing() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "uno"),
    );
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.answer = Answer::Title("No");
    // Let the start-up scan record the edited copy first.
    lsp.command("skillmeat.status", json!({})).unwrap();
    let before = files(&env);
    let history = lsp
        .command("skillmeat.history", json!({ "artifact": "skill:pdf" }))
        .unwrap();
    let r = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "skill:pdf", "to": "v1" }),
        )
        .unwrap();
    assert_eq!(r, json!({ "cancelled": true }));
    let q = questions(&lsp);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["type"], 2, "a warning");
    let m = q[0]["message"].as_str().unwrap();
    assert!(m.contains("skill:pdf") && m.contains("v1"), "{m}");
    assert_eq!(
        q[0]["actions"],
        json!([{ "title": "Yes" }, { "title": "No" }])
    );
    assert_eq!(files(&env), before, "a No changed files");
    assert_eq!(
        lsp.command("skillmeat.history", json!({ "artifact": "skill:pdf" }))
            .unwrap(),
        history,
        "a No changed the lineage"
    );
    // Dismissing the question is a No too.
    lsp.answer = Answer::Dismiss;
    let r = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "skill:pdf", "to": "v1" }),
        )
        .unwrap();
    assert_eq!(r, json!({ "cancelled": true }));
    assert_eq!(files(&env), before);
    // Yes rolls back.
    lsp.answer = Answer::Title("Yes");
    let r = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "skill:pdf", "to": "v1" }),
        )
        .unwrap();
    assert_eq!(r["id"], "skill:pdf");
    assert_eq!(questions(&lsp).len(), 3);
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), BASE);
    lsp.finish();
}

#[test]
fn overwrite_sync_asks_first_but_a_dry_run_or_another_strategy_does_not() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "uno"),
    );
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("one", "eins"),
    );
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.answer = Answer::Title("No");
    lsp.command("skillmeat.status", json!({})).unwrap();
    let before = files(&env);
    let args = json!({ "artifact": "skill:pdf", "strategy": "overwrite" });
    let r = lsp.command("skillmeat.sync", args.clone()).unwrap();
    assert_eq!(r, json!({ "cancelled": true }));
    let q = questions(&lsp);
    assert_eq!(q.len(), 1);
    assert!(
        q[0]["message"].as_str().unwrap().contains("Overwrite"),
        "{q:#?}"
    );
    assert_eq!(files(&env), before);

    let mut dry = args.clone();
    dry["dryRun"] = json!(true);
    let r = lsp.command("skillmeat.sync", dry).unwrap();
    assert_eq!(r["applied"], false);
    let r = lsp
        .command(
            "skillmeat.sync",
            json!({ "artifact": "skill:pdf", "strategy": "ours", "dryRun": true }),
        )
        .unwrap();
    assert_eq!(r["applied"], false);
    assert_eq!(questions(&lsp).len(), 1, "only the overwrite asked");

    lsp.answer = Answer::Title("Yes");
    let r = lsp.command("skillmeat.sync", args).unwrap();
    assert_eq!(r["applied"], true);
    assert!(r["results"][0]["kept_previous"].is_string(), "{r:#}");
    assert_eq!(
        env.read("project/.claude/skills/pdf/SKILL.md"),
        BASE.replace("one", "eins")
    );
    lsp.finish();
}

#[test]
fn no_question_when_confirm_destructive_is_off_or_the_client_cannot_ask() {
    let env = deployed();
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "uno"),
    );
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection(), "confirmDestructive": false }),
        full_caps(),
    );
    lsp.answer = Answer::Title("No");
    let r = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "skill:pdf", "to": "deployed" }),
        )
        .unwrap();
    assert_eq!(r["id"], "skill:pdf", "{r:#}");
    assert!(questions(&lsp).is_empty());
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), BASE);
    // Turned back on at run time, it asks again.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "skillmeat": { "confirmDestructive": true } } }),
    );
    let r = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "skill:pdf", "to": "deployed" }),
        )
        .unwrap();
    assert_eq!(r, json!({ "cancelled": true }));
    assert_eq!(questions(&lsp).len(), 1);
    lsp.finish();

    // A client without `window.showMessage` cannot be asked: the command runs.
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        &BASE.replace("one", "uno"),
    );
    let mut lsp = Lsp::start(&env, settings(&env), bare_caps());
    lsp.answer = Answer::Title("No");
    let r = lsp
        .command(
            "skillmeat.rollback",
            json!({ "artifact": "skill:pdf", "to": "deployed" }),
        )
        .unwrap();
    assert_eq!(r["id"], "skill:pdf", "{r:#}");
    assert!(questions(&lsp).is_empty());
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), BASE);
    lsp.finish();
}
