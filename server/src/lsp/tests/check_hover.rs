//! Hover text: the lineage over a main file's frontmatter, a hunk's deployed text over it.

use lsp_types::{HoverContents, Position};

use super::{check, World};
use crate::lsp::hover;

const SKILL: &str = "
    //- collection/skills/pdf/SKILL.md
    ---
    name: pdf
    ---

    one
    two
    three
";

const MAIN: &str = "project/.claude/skills/pdf/SKILL.md";

fn hover_at(w: &World, rel: &str, line: u32) -> String {
    match hover::hover(&w.state, &w.uri(rel), Position::new(line, 0)) {
        Some(h) => match h.contents {
            HoverContents::Markup(m) => w.redact(&m.value),
            other => format!("{other:?}"),
        },
        None => "(no hover)".into(),
    }
}

#[test]
fn the_frontmatter_shows_state_and_lineage() {
    let mut w = World::new(SKILL)
        .deploy(&["skill:pdf"])
        .write(&format!(
            "//- {MAIN}\n---\nname: pdf\n---\n\none\ntwo, changed\nthree\n"
        ))
        .serve();
    w.open(MAIN, None);
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
    let mut w = World::new(SKILL)
        .deploy(&["skill:pdf"])
        .write(&format!(
            "//- {MAIN}\n---\nname: pdf\n---\n\none\ntwo, changed\nthree\n"
        ))
        .serve();
    w.open(MAIN, None);
    check(
        &hover_at(&w, MAIN, 5),
        "
        **skill:pdf** · SKILL.md: changed since deployed (1 → 1 lines) (not in the deployed version)

        ```diff
        -two
        +two, changed
        ```

        Revert: the quick fix *Revert this hunk to the deployed version* on this line.
        ",
    );
    // An unchanged line below the frontmatter has nothing to say.
    check(&hover_at(&w, MAIN, 4), "(no hover)");
}
