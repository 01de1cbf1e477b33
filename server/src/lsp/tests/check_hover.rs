//! Hover text: the lineage over a main file's frontmatter, a hunk's deployed text over it.

use lsp_types::{HoverContents, Position};

use super::{check, modified_skill, World, MAIN};
use crate::lsp::handlers::hover;

fn hover_at(w: &World, rel: &str, line: u32) -> String {
    match hover::hover(&w.state, &w.uri(rel), Position::new(line, 0)) {
        Some(h) => match h.contents {
            HoverContents::Markup(m) => {
                // The Revert link carries the file's URI percent-encoded.
                let root = w.dir.path().display().to_string();
                let encoded = crate::lsp::handlers::hunk_revert::encode(&format!("file://{root}"));
                w.redact(&m.value.replace(&encoded, "$ROOT_URI"))
            }
            other => format!("{other:?}"),
        },
        None => "(no hover)".into(),
    }
}

#[test]
fn the_frontmatter_shows_state_and_lineage() {
    let w = modified_skill();
    check(
        &hover_at(&w, MAIN, 1),
        "
        **skill:pdf** — modified · v2

        | version | origin | when | hash | |
        |---|---|---|---|---|
        | v2 | local_modification | <time> | `ac45d6f` |  |
        | v1 | deployment | <time> | `cf2661c` | deployed |
        ",
    );
}

#[test]
fn a_changed_hunk_shows_the_deployed_text() {
    let w = modified_skill();
    check(
        &hover_at(&w, MAIN, 5),
        "
        **skill:pdf** · SKILL.md: changed since deployed (1 → 1 lines)

        ```diff
        -two
        +two, changed
        ```

        [Revert this hunk](command:skillmeat.revertHunk?%5B%7B%22uri%22%3A%22$ROOT_URI%2Fproject%2F.claude%2Fskills%2Fpdf%2FSKILL.md%22%2C%22line%22%3A5%7D%5D \"Put the deployed text back (an unsaved, undoable edit)\") · or the quick fix *Revert this hunk to the deployed version*
        ",
    );
    // An unchanged line below the frontmatter has nothing to say.
    check(&hover_at(&w, MAIN, 4), "(no hover)");
}
