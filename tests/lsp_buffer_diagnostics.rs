//! Diagnostics of an open buffer over the real server: one drift-hunk hint per changed hunk with
//! the deployed text (and none when `hunkDiagnostics` is off), and conflict markers typed into a
//! buffer reported as errors until they are removed.

use crate::lsp_diagnostics::{settings, skill};
use crate::support;

use serde_json::{json, Value};
use support::lsp::{codes, full_caps, uri, Lsp};
use support::Env;

#[test]
fn drift_hunks_are_one_hint_per_changed_hunk_with_the_deployed_text() {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", &skill("pdf"));
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let main = env.path("project/.claude/skills/pdf/SKILL.md");
    let text = lsp.open(&main, 1);
    // Line 5 `one` changed, lines 7-8 `three`/`four` removed, two lines added after `six`.
    let edited = text.replace("one\n", "ONE\n").replace("three\nfour\n", "") + "seven\neight\n";
    lsp.change_full(&main, 2, &edited);
    let d = lsp.diagnostics_at(&main, 2);
    let hunks: Vec<&Value> = d.iter().filter(|x| x["code"] == "drift-hunk").collect();
    assert_eq!(hunks.len(), 3, "{d:#?}");
    let want = [
        (
            json!([5, 6]),
            "one\n",
            (5, 6),
            "changed since deployed (1 → 1 lines)",
        ),
        (json!([7, 7]), "three\nfour\n", (7, 7), "2 lines removed"),
        (json!([9, 11]), "", (9, 11), "2 lines added"),
    ];
    for (h, (lines, old, (a, b), msg)) in hunks.iter().zip(want) {
        assert_eq!(h["data"]["newLines"], lines, "{h:#}");
        assert_eq!(h["data"]["oldText"], old, "{h:#}");
        assert_eq!(h["data"]["artifact"], "skill:pdf");
        assert_eq!(h["data"]["file"], "SKILL.md");
        assert_eq!(
            h["range"],
            json!({ "start": { "line": a, "character": 0 }, "end": { "line": b, "character": 0 } })
        );
        assert!(h["message"].as_str().unwrap().starts_with(msg), "{h:#}");
    }
    // Closing the buffer without saving: the file on disk is synced, so everything clears.
    lsp.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&main) } }),
    );
    lsp.diagnostics(&main, |d| d.is_empty());
    lsp.finish();
}

#[test]
fn conflict_markers_typed_into_a_buffer_are_errors_until_removed() {
    let env = Env::new(
        r#"
        //- collection/commands/review.md
        Review.
        "#,
    );
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    let mut lsp = Lsp::start(
        &env,
        json!({ "collectionPath": env.collection(), "hunkDiagnostics": false }),
        full_caps(),
    );
    let main = env.path("project/.claude/commands/review.md");
    lsp.open(&main, 1);
    // Two regions without a base section, the first with longer markers around a heading
    // underline, then a stray closer.
    let text = "Review.\n<<<<<<<<< mine\nTitle\n=======\n=========\nOther\n>>>>>>>>> theirs\nmid\n<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n>>>>>>> stray\n";
    lsp.change_full(&main, 2, text);
    let d = lsp.diagnostics_at(&main, 2);
    assert_eq!(
        codes(&d),
        [
            "drift-modified",
            "conflict-unresolved",
            "conflict-unresolved",
            "conflict-malformed"
        ],
        "{d:#?}"
    );
    assert_eq!(
        d[1]["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 7, "character": 0 } })
    );
    assert_eq!(
        d[1]["data"],
        json!({ "artifact": "command:review", "file": "review.md", "region": 0, "hasBase": false })
    );
    assert_eq!(
        d[2]["range"],
        json!({ "start": { "line": 8, "character": 0 }, "end": { "line": 13, "character": 0 } })
    );
    assert_eq!(d[2]["data"]["region"], 1);
    assert!(
        d[2]["message"].as_str().unwrap().contains("a vs b"),
        "{:#}",
        d[2]
    );
    assert_eq!(
        d[3]["range"],
        json!({ "start": { "line": 13, "character": 0 }, "end": { "line": 14, "character": 0 } })
    );
    lsp.change_full(&main, 3, "Review.\n");
    assert!(lsp.diagnostics_at(&main, 3).is_empty());
    lsp.finish();
}
