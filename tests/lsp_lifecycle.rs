//! How the server ends: `shutdown` then `exit` exits 0, `exit` alone exits 1 (the LSP spec), and
//! a client that closes stdin ends the server within a second whatever it is doing, with every
//! artifact wholly old or wholly new.

use crate::support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp::{bare_caps, full_caps, Lsp, Start};
use support::Env;

const BASE: &str = "---\nname: x\n---\n\none\ntwo\nthree\n";

fn settings(env: &Env) -> Value {
    json!({ "collectionPath": env.collection() })
}

fn deployed() -> Env {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env
}

#[test]
fn shutdown_then_exit_exits_0() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    assert_eq!(lsp.request("shutdown", Value::Null), Ok(Value::Null));
    lsp.notify("exit", Value::Null);
    assert_eq!(lsp.exit_code(Duration::from_secs(2)), Some(0));
}

#[test]
fn exit_without_shutdown_exits_1() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.notify("exit", Value::Null);
    assert_eq!(lsp.exit_code(Duration::from_secs(2)), Some(1));
}

#[test]
fn closing_stdin_ends_an_idle_server_and_a_half_read_frame_is_dropped() {
    let env = deployed();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    lsp.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":");
    lsp.close_stdin();
    assert_eq!(lsp.exit_code(Duration::from_secs(2)), Some(1));
    assert!(!lsp.stderr().contains("panicked"), "{}", lsp.stderr());
}

#[test]
fn closing_stdin_during_the_start_up_scan_ends_the_server_within_2_s() {
    // Enough content that the first scan (which hashes everything) takes seconds.
    let env = Env::new("");
    let big = "lorem ipsum dolor sit amet\n".repeat(40_000);
    for i in 0..150 {
        env.write(&format!("project/.claude/skills/s{i:03}/SKILL.md"), BASE);
        env.write(&format!("project/.claude/skills/s{i:03}/big.txt"), &big);
    }
    // A client that asks for nothing: `initialized` goes straight to the scan, with no request
    // to the client (which this test, asleep, would not answer) before it.
    let mut lsp = Lsp::start(&env, settings(&env), bare_caps());
    std::thread::sleep(Duration::from_millis(100));
    let closed = Instant::now();
    lsp.close_stdin();
    let code = lsp.exit_code(Duration::from_secs(2));
    assert_eq!(
        code,
        Some(1),
        "still running {:?} after stdin closed",
        closed.elapsed()
    );
    let log = lsp.stderr();
    assert!(
        !log.contains("start-up scan"),
        "the scan had ended before stdin closed, so this proved nothing:\n{log}"
    );
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn closing_stdin_during_a_bulk_sync_cancels_it_and_leaves_each_artifact_old_or_new() {
    const N: usize = 24;
    let env = Env::new("");
    let ids: Vec<String> = (0..N).map(|i| format!("skill:s{i:02}")).collect();
    for i in 0..N {
        env.write(&format!("collection/skills/s{i:02}/SKILL.md"), BASE);
        env.write(&format!("collection/skills/s{i:02}/notes.md"), "notes\n");
    }
    let mut args = vec!["deploy"];
    args.extend(ids.iter().map(String::as_str));
    assert_eq!(env.run(&args).code, 0);
    let new = BASE.replace("two", "two (c)");
    for i in 0..N {
        env.write(&format!("collection/skills/s{i:02}/SKILL.md"), &new);
        env.write(
            &format!("collection/skills/s{i:02}/notes.md"),
            "notes (c)\n",
        );
    }
    // Each apply pauses 250 ms with its old copy moved aside and the new one not yet in place:
    // the worst moment for the process to end.
    let mut lsp = Lsp::start_with(
        &env,
        Start {
            settings: settings(&env),
            env: vec![(
                "SKILLMEAT_FAILPOINTS".into(),
                "after-backup:sleep=250".into(),
            )],
            ..Start::default()
        },
    );
    lsp.wait_for("the start-up scan's end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    lsp.send_request(
        "workspace/executeCommand",
        json!({ "command": "skillmeat.sync", "arguments": [{ "all": true }] }),
    );
    lsp.wait_for("a first artifact synced", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "report"
    });
    let closed = Instant::now();
    lsp.close_stdin();
    let code = lsp.exit_code(Duration::from_secs(2));
    assert_eq!(
        code,
        Some(1),
        "still running {:?} after stdin closed",
        closed.elapsed()
    );

    let (mut old, mut synced) = (0, 0);
    for i in 0..N {
        let dir = format!("project/.claude/skills/s{i:02}");
        let pair = (
            env.read(&format!("{dir}/SKILL.md")),
            env.read(&format!("{dir}/notes.md")),
        );
        if pair == (BASE.to_string(), "notes\n".to_string()) {
            old += 1;
        } else if pair == (new.clone(), "notes (c)\n".to_string()) {
            synced += 1;
        } else {
            panic!("{dir} is half old, half new: {pair:?}");
        }
    }
    // No half-done apply left its staged or moved-aside copy.
    for e in std::fs::read_dir(env.path("project/.claude/skills")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".skillmeat-"), "left behind: {name}");
    }
    assert!(synced >= 1, "the apply in flight did not complete");
    assert!(old >= 1, "nothing was cancelled: the sync ran to its end");
    // What ended is consistent: a new server sees synced artifacts as synced, the rest outdated.
    let states = env.states();
    assert_eq!(
        states.values().filter(|s| *s == "synced").count(),
        synced,
        "{states:?}"
    );
}

#[test]
fn cancel_request_stops_a_bulk_sync_between_artifacts() {
    const N: usize = 16;
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
    let mut lsp = Lsp::start_with(
        &env,
        Start {
            settings: settings(&env),
            env: vec![(
                "SKILLMEAT_FAILPOINTS".into(),
                "after-commit:sleep=200".into(),
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
    lsp.wait_for("a first artifact synced", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "report"
    });
    lsp.notify("$/cancelRequest", json!({ "id": id }));
    let e = lsp.response(id).unwrap_err();
    assert_eq!(e["code"], -32800, "{e:#}");
    // The state thread is free again once the artifacts under way are done.
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    let states = env.states();
    let synced = states.values().filter(|s| *s == "synced").count();
    assert!((1..N).contains(&synced), "{states:?}\n{s:#}");
    assert_eq!(states.len(), N);
    lsp.finish();
}
