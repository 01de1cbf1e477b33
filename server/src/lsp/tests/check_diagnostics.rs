//! Which diagnostics each drift state and conflict publishes, and on which lines.

use super::{check, World, MAIN, SKILL};

#[test]
fn a_synced_artifact_publishes_nothing() {
    let mut w = World::new(SKILL).deploy(&["skill:pdf"]).serve();
    check(&w.diagnostics(), "");
}

#[test]
fn a_modified_project_copy_is_reported_on_its_main_file() {
    let w = World::new(SKILL).deploy(&["skill:pdf"]).write(
        "
        //- project/.claude/skills/pdf/SKILL.md
        ---
        name: pdf
        ---

        one
        two, changed here
        three
        ",
    );
    let mut w = w.serve();
    check(
        &w.diagnostics(),
        "
        project/.claude/skills/pdf/SKILL.md:1:1 info drift-modified: skill:pdf was changed in the project: project a6b880e differs from deployed cf2661c (collection unchanged); push it to the collection or revert
        ",
    );
}

#[test]
fn an_outdated_copy_and_a_conflict_are_told_apart() {
    let w = World::new(
        "
        //- collection/commands/out.md
        Out.
        //- collection/agents/both.md
        Both.
        ",
    )
    .deploy(&["command:out", "agent:both"])
    .write(
        "
        //- collection/commands/out.md
        Out, newer.
        //- collection/agents/both.md
        Both, collection side.
        //- project/.claude/agents/both.md
        Both, project side.
        ",
    );
    let mut w = w.serve();
    check(
        &w.diagnostics(),
        "
        project/.claude/agents/both.md:1:1 warning drift-conflict: agent:both changed in both tiers: project 20b7721 and collection 2b49fd1 both differ from deployed 329be6f; merge with the collection
        project/.claude/commands/out.md:1:1 warning drift-outdated: command:out is outdated: the collection moved to 6d66ca9 since deployed 0600566; update from the collection
        ",
    );
}

#[test]
fn conflict_markers_are_an_error_per_region_in_an_open_buffer() {
    let mut w = World::new(SKILL).deploy(&["skill:pdf"]).serve();
    w.open(
        MAIN,
        Some("---\nname: pdf\n---\n\n<<<<<<< project\none, ours\n=======\none, theirs\n>>>>>>> collection\ntwo\nthree\n"),
    );
    check(
        &w.diagnostics(),
        "
        project/.claude/skills/pdf/SKILL.md:1:1 info drift-modified: skill:pdf was changed in the project: project f53ab00 differs from deployed cf2661c (collection unchanged); push it to the collection or revert
        project/.claude/skills/pdf/SKILL.md:5:1 error conflict-unresolved: unresolved conflict: project vs collection; accept one side, both
        project/.claude/skills/pdf/SKILL.md:5:1 hint drift-hunk: changed since deployed (1 → 5 lines)
        ",
    );
}
