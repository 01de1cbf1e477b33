//! The code actions each state offers.

use lsp_types::{Position, Range};

use super::{check, modified_skill, render_actions, World, MAIN, SKILL};
use crate::lsp::handlers::actions;

fn actions_at(w: &mut World, rel: &str, line: u32) -> String {
    let diags = w.diagnostics_of(rel);
    let range = Range::new(Position::new(line, 0), Position::new(line, 0));
    let uri = w.uri(rel);
    let a = actions::code_actions(&mut w.state, &uri, range, &diags);
    render_actions(w, &a)
}

#[test]
fn a_modified_copy_offers_revert_and_push() {
    let mut w = modified_skill();
    check(
        &actions_at(&mut w, MAIN, 0),
        r#"
        Push to collection [quickfix] runs skillmeat.sync [{"artifact":"skill:pdf","direction":"project-to-collection","strategy":"auto","uri":"file://$ROOT/project/.claude/skills/pdf/SKILL.md"}]
        Roll back to deployed [source.skillmeat.rollback] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        "#,
    );
}

#[test]
fn an_outdated_copy_offers_the_update() {
    let mut w = World::new(SKILL)
        .deploy(&["skill:pdf"])
        .write(
            "//- collection/skills/pdf/SKILL.md\n---\nname: pdf\n---\n\none\ntwo\nthree, newer\n",
        )
        .serve();
    w.open(MAIN, None);
    check(
        &actions_at(&mut w, MAIN, 0),
        "Update from collection [quickfix] edits project/.claude/skills/pdf/SKILL.md (1 edits)",
    );
}

#[test]
fn a_conflict_region_offers_each_side() {
    let mut w = World::new(SKILL).deploy(&["skill:pdf"]).serve();
    w.open(
        MAIN,
        Some("---\nname: pdf\n---\n\n<<<<<<< project\none, ours\n=======\none, theirs\n>>>>>>> collection\ntwo\nthree\n"),
    );
    check(
        &actions_at(&mut w, MAIN, 5),
        r#"
        Accept ours (project) for this conflict [quickfix] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        Accept theirs (collection) for this conflict [quickfix] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        Accept both for this conflict [quickfix] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        Accept ours for all conflicts in this file [source.skillmeat.acceptAllOurs] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        Accept theirs for all conflicts in this file [source.skillmeat.acceptAllTheirs] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        Accept both for all conflicts in this file [source.skillmeat.acceptAllBoth] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        Revert this hunk to the deployed version [quickfix] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        Push to collection [quickfix] runs skillmeat.sync [{"artifact":"skill:pdf","direction":"project-to-collection","strategy":"auto","uri":"file://$ROOT/project/.claude/skills/pdf/SKILL.md"}]
        Roll back to deployed [source.skillmeat.rollback] edits project/.claude/skills/pdf/SKILL.md (1 edits)
        "#,
    );
}
