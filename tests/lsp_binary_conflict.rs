//! A conflict in a file that cannot carry markers (binary here): it stays a conflict — status
//! and diagnostics name it, a push is refused — until `resolve --file F --take ours|theirs`
//! settles it, in the CLI and in the editor, whose Merge names the file it cannot merge.

use crate::lsp_commands::{settings, BASE};
use crate::support;

use serde_json::json;
use support::lsp::{apply_edits, full_caps, Lsp};
use support::Env;

const PDF: &str = "project/.claude/skills/pdf";

/// skill:pdf deployed with `data.bin`, then `data.bin` changed in both tiers and SKILL.md
/// changed apart in each.
fn both_changed_binary() -> Env {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    std::fs::write(env.path("collection/skills/pdf/data.bin"), b"a\0b\0base").unwrap();
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    std::fs::write(env.path(&format!("{PDF}/data.bin")), b"a\0b\0proj").unwrap();
    std::fs::write(env.path("collection/skills/pdf/data.bin"), b"a\0b\0coll").unwrap();
    env.write(&format!("{PDF}/SKILL.md"), &BASE.replace("one", "one (p)"));
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("six", "six (c)"),
    );
    env
}

fn state(env: &Env) -> (String, serde_json::Value) {
    let r = env.run(&["status", "--json"]);
    let v = r.json();
    let a = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap()
        .clone();
    (
        a["state"].as_str().unwrap().to_string(),
        a["unresolved"].clone(),
    )
}

#[test]
fn a_binary_conflict_from_a_cli_sync_stays_a_conflict_until_a_side_is_taken() {
    let env = both_changed_binary();
    let sync = env.run(&["sync", "skill:pdf", "--apply"]);
    assert_eq!(sync.code, 4, "{sync:?}");
    assert!(
        sync.stdout
            .contains("data.bin stays in conflict (it cannot carry markers)")
            && !sync.stdout.contains("conflict markers are in the files"),
        "{sync:?}"
    );
    let (st, unresolved) = state(&env);
    assert_eq!(st, "conflict");
    assert_eq!(unresolved["file"], "data.bin", "{unresolved}");
    // A push would overwrite the collection's binary: refused, nothing written.
    support::assert_refused(
        &env,
        &[
            "sync",
            "skill:pdf",
            "--direction",
            "project-to-collection",
            "--apply",
        ],
        4,
        &[
            "data.bin has an open conflict",
            "--file data.bin --take ours|theirs",
        ],
    );
    // Without a side it is not resolved (there are no markers to remove).
    let r = env.run(&["resolve", "skill:pdf"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stdout.contains("data.bin: open conflict"), "{r:?}");
    assert_eq!(state(&env).0, "conflict");
    // `both` cannot be a binary's side.
    let r = env.run(&[
        "resolve",
        "skill:pdf",
        "--file",
        "data.bin",
        "--take",
        "both",
    ]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("take ours or theirs"), "{r:?}");
    // Theirs: the collection's bytes, exactly; the conflict closes.
    let r = env.run(&[
        "resolve",
        "skill:pdf",
        "--file",
        "data.bin",
        "--take",
        "theirs",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        std::fs::read(env.path(&format!("{PDF}/data.bin"))).unwrap(),
        b"a\0b\0coll"
    );
    assert_ne!(state(&env).0, "conflict");
}

#[test]
fn the_editor_merge_names_the_binary_and_saving_it_leaves_the_conflict_open() {
    let env = both_changed_binary();
    let mut lsp = Lsp::start(&env, settings(&env), full_caps());
    let main = env.path(&format!("{PDF}/SKILL.md"));
    let text = lsp.open(&main, 1);
    let actions = lsp.code_actions(
        &main,
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
        &[],
    );
    let merge = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Merge with collection")
        })
        .unwrap_or_else(|| panic!("no Merge action: {actions:#?}"));
    let title = merge["title"].as_str().unwrap();
    assert!(
        title.contains("data.bin cannot be merged")
            && title.contains("resolve skill:pdf --file data.bin --take ours|theirs"),
        "{title}"
    );
    let uri = support::lsp::uri(&main);
    let edits = merge["edit"]["changes"][&uri].as_array().unwrap().clone();
    let merged = apply_edits(&text, &edits);
    assert!(
        merged.contains("one (p)") && merged.contains("six (c)"),
        "{merged}"
    );
    lsp.change_full(&main, 2, &merged);
    std::fs::write(&main, &merged).unwrap();
    lsp.save(&main);
    lsp.wait_for("the warning naming data.bin", |m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("data.bin is still in conflict"))
    });
    let status = lsp.command("skillmeat.status", json!({})).unwrap();
    let pdf = status["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap();
    assert_eq!(pdf["state"], "conflict", "{pdf:#}");
    assert_eq!(pdf["unresolved"]["file"], "data.bin", "{pdf:#}");
    lsp.finish();
    assert_eq!(
        std::fs::read(env.path("collection/skills/pdf/data.bin")).unwrap(),
        b"a\0b\0coll"
    );
}

#[test]
fn a_sync_whose_only_change_is_a_binary_conflict_says_nothing_was_written_not_up_to_date() {
    let env = both_changed_binary();
    // Only data.bin differs: SKILL.md back to what was deployed in both tiers.
    env.write(&format!("{PDF}/SKILL.md"), BASE);
    env.write("collection/skills/pdf/SKILL.md", BASE);
    let sync = env.run(&["sync", "skill:pdf", "--apply"]);
    assert_eq!(sync.code, 4, "{sync:?}");
    assert!(
        sync.stdout.contains("nothing written: 1 file in conflict")
            && !sync.stdout.contains("up to date"),
        "{sync:?}"
    );
    assert_eq!(state(&env).0, "conflict");
    support::assert_refused(
        &env,
        &[
            "sync",
            "skill:pdf",
            "--direction",
            "project-to-collection",
            "--apply",
        ],
        4,
        &["data.bin has an open conflict"],
    );
}
