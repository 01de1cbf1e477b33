//! The editor's Accept actions on a conflict whose sides end without a final newline (LF and
//! CRLF): each leaves that side's exact bytes, like `resolve --take` does.

use crate::support;

use serde_json::json;
use support::lsp::{action, apply_edits, edits_for, full_caps, Lsp};
use support::Env;

const P: &str = "project/.claude/commands/review.md";
const C: &str = "collection/commands/review.md";

#[test]
fn accepting_a_side_leaves_its_exact_bytes_final_newline_or_not() {
    for eol in ["\n", "\r\n"] {
        let (deployed, project, collection) = (
            format!("Review the diff.{eol}end"),
            format!("Review the diff.{eol}end (project)"),
            format!("Review the diff.{eol}end (collection)"),
        );
        let env = Env::new("");
        env.write(C, &deployed);
        assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
        env.write(P, &project);
        env.write(C, &collection);
        assert_eq!(env.run(&["sync", "command:review", "--apply"]).code, 4);
        let path = env.path(P);
        let mut lsp = Lsp::start(
            &env,
            json!({ "collectionPath": env.collection() }),
            full_caps(),
        );
        let text = lsp.open(&path, 1);
        let d = lsp.diagnostics_at(&path, 1);
        let region = d
            .iter()
            .find(|x| x["code"] == "conflict-unresolved")
            .unwrap_or_else(|| panic!("no conflict diagnostic: {d:#?}"))
            .clone();
        let actions = lsp.code_actions(
            &path,
            region["range"].clone(),
            std::slice::from_ref(&region),
        );
        for (title, want) in [
            ("Accept theirs…", &collection),
            ("Accept ours…", &project),
            ("Accept base…", &deployed),
            ("Accept theirs for all conflicts in this file", &collection),
            ("Accept ours for all conflicts in this file", &project),
        ] {
            let a = action(&actions, title);
            assert_eq!(
                apply_edits(&text, &edits_for(a, &path)),
                *want,
                "{title} with {eol:?}"
            );
        }
        lsp.finish();
    }
}
