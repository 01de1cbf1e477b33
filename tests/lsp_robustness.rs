//! Odd, out-of-range and failing requests over the real server: each is answered (a result or an
//! error, never silence), nothing panics, and the server keeps serving correctly afterwards.

use crate::support;

use serde_json::{json, Value};
use support::lsp::{codes, full_caps, uri, Lsp, Start};
use support::Env;

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\n";

fn deployed() -> Env {
    support::pdf_and_review(BASE)
}

fn range(l0: u64, c0: u64, l1: u64, c1: u64) -> Value {
    json!({ "start": { "line": l0, "character": c0 }, "end": { "line": l1, "character": c1 } })
}

#[test]
fn out_of_range_positions_and_crafted_diagnostics_are_answered_without_panics() {
    let env = deployed();
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let review = env.path("project/.claude/commands/review.md");
    let text = lsp.open(&main, 1);

    // Changes past the end, backwards, and inside a surrogate pair are clamped, not fatal.
    let change = |lsp: &mut Lsp, version: i32, r: Value, t: &str| {
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(&main), "version": version }, "contentChanges": [{ "range": r, "text": t }] }),
        );
    };
    change(&mut lsp, 2, range(999, 0, 1000, 5), "tail\n");
    change(&mut lsp, 3, range(5, 3, 5, 0), "");
    change(
        &mut lsp,
        4,
        range(0, u32::MAX as u64, 0, u32::MAX as u64),
        "",
    );
    lsp.change_full(&main, 5, "---\nname: 😀x\n---\n");
    change(&mut lsp, 6, range(1, 7, 1, 7), "!");
    // The insertion inside the emoji lands after it: the buffer's hash at version 6 is the
    // hash of that text sent whole.
    let d6 = lsp.diagnostics_at(&main, 6);
    assert_eq!(codes(&d6)[0], "drift-modified");
    lsp.change_full(&main, 7, "---\nname: 😀!x\n---\n");
    let d7 = lsp.diagnostics_at(&main, 7);
    assert_eq!(d6, d7);
    // A change to a document that was never opened, and one older than the document.
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri(&review), "version": 9 }, "contentChanges": [{ "text": "x" }] }),
    );
    lsp.change_full(&main, 3, "stale");

    // Crafted drift-hunk data: out-of-range, reversed and missing line numbers.
    for data in [
        json!({ "oldText": "x\n", "newLines": [u64::MAX, u64::MAX] }),
        json!({ "oldText": "x\n", "newLines": [9, 2] }),
        json!({ "oldText": 5, "newLines": "no" }),
        json!(null),
    ] {
        let diag = json!({ "range": range(0, 0, 0, 3), "source": "skillmeat", "code": "drift-hunk", "message": "m", "data": data });
        let a = lsp.code_actions(&main, range(0, 0, 0, 3), &[diag]);
        assert!(a.iter().all(|x| x["title"].is_string()), "{a:#?}");
    }
    // Ranges far away or reversed; a position far past the end.
    lsp.code_actions(&main, range(u32::MAX as u64, 0, 0, 0), &[]);
    let h = lsp
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(&main) }, "position": { "line": u32::MAX, "character": u32::MAX } }),
        )
        .unwrap();
    assert_eq!(h, Value::Null);
    // Documents that are not files of an artifact, or not files at all.
    for u in [
        "untitled:Untitled-1".to_string(),
        uri(&env.path("project/.claude/skills/pdf")),
        uri(&env.path("elsewhere/x.md")),
    ] {
        let l = lsp
            .request(
                "textDocument/codeLens",
                json!({ "textDocument": { "uri": u } }),
            )
            .unwrap();
        assert_eq!(l, json!([]), "{u}");
        let a = lsp
            .request(
                "textDocument/codeAction",
                json!({ "textDocument": { "uri": u }, "range": range(0, 0, 0, 0), "context": { "diagnostics": [] } }),
            )
            .unwrap();
        assert_eq!(a, json!([]), "{u}");
    }
    // Malformed params of a known method, and an unknown method.
    let e = lsp
        .request("textDocument/hover", json!({ "position": "here" }))
        .unwrap_err();
    assert_eq!(e["code"], -32602, "{e:#}");
    let e = lsp.request("skillmeat/frobnicate", json!({})).unwrap_err();
    assert_eq!(e["code"], -32601, "{e:#}");
    lsp.notify("$/cancelRequest", json!({ "id": 424242 }));
    lsp.notify("$/someClientNotification", json!({ "x": 1 }));

    // Still right: back to the deployed text, everything clears.
    lsp.change_full(&main, 8, &text);
    assert!(lsp.diagnostics_at(&main, 8).is_empty());
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"], json!({ "synced": 2 }));
    lsp.finish();
}

#[test]
fn failing_commands_are_errors_and_the_server_goes_on() {
    let env = deployed();
    // A second folder whose lineage database is not a database: it cannot be opened.
    let broken = env.path("broken");
    env.write(
        "broken/.skillmeat/lineage.db",
        "this is not sqlite, just text\n",
    );
    env.write("broken/.claude/commands/review.md", "Review.\n");
    let mut lsp = Lsp::start_with(
        &env,
        Start {
            roots: vec![env.project(), broken.clone()],
            settings: json!({ "collectionPath": env.collection() }),
            ..Start::default()
        },
    );
    let e = lsp
        .command("skillmeat.status", json!({ "workspace": broken }))
        .unwrap_err();
    assert_eq!(e["code"], -32803, "{e:#}");
    assert!(e["message"].as_str().unwrap().contains("broken"), "{e:#}");
    let m = lsp.wait_for("a message about the broken folder", |m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("broken"))
    });
    assert_eq!(m["params"]["type"], 2);
    // Files of the broken folder are just not artifacts to the server.
    let inside = env.path("broken/.claude/commands/review.md");
    lsp.open(&inside, 1);
    lsp.change_full(&inside, 2, "Changed.\n");
    let l = lsp
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri(&inside) } }),
        )
        .unwrap();
    assert_eq!(l, json!([]));

    // Operations that fail on the working folder.
    for (command, args) in [
        (
            "skillmeat.resolve",
            json!({ "artifact": "pdf", "file": "../../../etc/passwd", "choice": "ours" }),
        ),
        (
            "skillmeat.diff",
            json!({ "artifact": "pdf", "from": "upstream" }),
        ),
        (
            "skillmeat.sync",
            json!({ "artifact": "pdf", "direction": "upstream-to-collection" }),
        ),
        (
            "skillmeat.rollback",
            json!({ "artifact": "pdf", "to": "v4294967296" }),
        ),
        ("skillmeat.rollback", json!({ "artifact": "pdf", "to": "" })),
        ("skillmeat.tag", json!({ "artifact": "pdf", "tag": "" })),
    ] {
        let e = lsp.command(command, args.clone()).unwrap_err();
        assert!(
            e["code"] == -32803 || e["code"] == -32602,
            "{command} {args}: {e:#}"
        );
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(env.read("project/.claude/skills/pdf/SKILL.md"), BASE);
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"], json!({ "synced": 2 }));
    lsp.finish();
}

/// What the server must answer to a frame of [`malformed_frames`].
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// An error carrying the message's own id.
    ErrorFor(u64),
    /// A parse error with id null (the id cannot be known).
    ParseError,
    /// An odd but valid frame: served like any other.
    Served(u64),
}

/// A `textDocument/codeLens` request (its answer for a non-file document is `[]`).
fn lens_request(id: u64) -> Vec<u8> {
    serde_json::to_vec(
        &json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/codeLens",
        "params": { "textDocument": { "uri": "untitled:Untitled-1" } } }),
    )
    .unwrap()
}

fn with_header(header: &str, body: &[u8]) -> Vec<u8> {
    [header.as_bytes(), body].concat()
}

fn length(body: &[u8]) -> String {
    format!("Content-Length: {}\r\n\r\n", body.len())
}

/// Every kind of malformed frame, each with what it must be answered with.
fn malformed_frames() -> Vec<(&'static str, Vec<u8>, Expect)> {
    use Expect::*;
    let b = lens_request;
    let mut utf8 = b(913);
    let at = utf8.len() - 4; // inside the last string
    utf8.splice(at..at, [0xff, 0xfe]);
    let mut huge = b"X-Padding: ".to_vec();
    huge.extend(vec![b'a'; 100_000]);
    huge.extend_from_slice(b"\r\n\r\n");
    let mut oversize = b"Content-Length: 67108865\r\n\r\n".to_vec();
    oversize.resize(oversize.len() + (64 << 20) + 1, b' ');
    let bytewise = [length(&b(915)).as_bytes(), &b(915)].concat();
    vec![
        ("non-numeric Content-Length", with_header("Content-Length: twelve\r\n\r\n", &b(901)), ErrorFor(901)),
        ("Content-Length with a plus sign", with_header(&format!("Content-Length: +{}\r\n\r\n", b(902).len()), &b(902)), ErrorFor(902)),
        ("Content-Length with a space inside", with_header("Content-Length: 1 0\r\n\r\n", &b(903)), ErrorFor(903)),
        ("overflowing Content-Length", with_header("Content-Length: 184467440737095516160\r\n\r\n", &b(904)), ErrorFor(904)),
        ("negative Content-Length", with_header("Content-Length: -1\r\n\r\n", &b(905)), ErrorFor(905)),
        ("empty Content-Length", with_header("Content-Length:\r\n\r\n", &b(906)), ErrorFor(906)),
        ("headers without Content-Length", with_header("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n", &b(907)), ErrorFor(907)),
        ("a body without headers", b(908), ErrorFor(908)),
        ("a length shorter than the body", with_header("Content-Length: 5\r\n\r\n", &b(909)), ParseError),
        ("a length longer than the body", with_header(&format!("Content-Length: {}\r\n\r\n", b(910).len() + 40), &b(910)), ErrorFor(910)),
        ("headers never ended by a blank line", with_header(&format!("Content-Length: {}\r\n", b(911).len()), &b(911)), ErrorFor(911)),
        ("two different Content-Lengths", with_header("Content-Length: 3\r\nContent-Length: 4\r\n\r\n", &b(912)), ErrorFor(912)),
        ("invalid UTF-8 in the body", with_header(&length(&utf8), &utf8), ErrorFor(913)),
        ("a 100 kB header line", huge, ParseError),
        ("garbage between frames", b"hello\r\n".to_vec(), ParseError),
        ("an empty body", b"Content-Length: 0\r\n\r\n".to_vec(), ParseError),
        ("a body that is not JSON", b"Content-Length: 12\r\n\r\n{not json!!}".to_vec(), ParseError),
        ("JSON that is not JSON-RPC", b"Content-Length: 10\r\n\r\n{\"id\":919}".to_vec(), ErrorFor(919)),
        ("a frame over 64 MiB", oversize, ParseError),
        ("lower-case names and a Content-Type", with_header(&format!("content-length: {}\r\ncontent-type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n", b(914).len()), &b(914)), Served(914)),
        ("bare newlines", with_header(&format!("Content-Length: {}\n\n", b(916).len()), &b(916)), Served(916)),
        ("a frame written a byte at a time", bytewise, Served(915)),
    ]
}

#[test]
fn every_malformed_frame_is_answered_and_the_next_request_is_served_within_5_s() {
    let env = deployed();
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection() }),
        full_caps(),
    );
    for (name, bytes, expect) in malformed_frames() {
        if name.contains("a byte at a time") {
            for byte in &bytes {
                lsp.send_raw(std::slice::from_ref(byte));
            }
        } else {
            lsp.send_raw(&bytes);
        }
        let started = std::time::Instant::now();
        let next = lsp.send_request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": "untitled:Untitled-1" } }),
        );
        assert_eq!(lsp.response(next), Ok(json!([])), "{name}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{name}: the next request took {:?}",
            started.elapsed()
        );
        let answered = lsp.inbox.iter().any(|m| match expect {
            Expect::ErrorFor(id) => m["id"] == json!(id) && m["error"]["code"].is_i64(),
            Expect::ParseError => m["id"].is_null() && m["error"]["code"] == -32700,
            Expect::Served(id) => m["id"] == json!(id) && m["result"] == json!([]),
        });
        assert!(
            answered,
            "{name}: no answer {expect:?}; got {:#?}",
            lsp.inbox
        );
        lsp.inbox.clear();
    }
    let s = lsp.command("skillmeat.status", json!({})).unwrap();
    assert_eq!(s["summary"], json!({ "synced": 2 }));
    lsp.finish();
}
