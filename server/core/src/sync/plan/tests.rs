//! Data-driven tests of the per-file rules: base, source, target trees → actions and result.

use super::*;
use crate::id::Shape;

fn tree(files: &[(&str, &str)]) -> Tree {
    let mut t = Tree::default();
    for (p, c) in files {
        t.files.insert(p.to_string(), c.as_bytes().to_vec());
    }
    t
}

fn labels() -> Labels {
    Labels::new("project", "base", "collection")
}

fn run(base: Option<&Tree>, source: &Tree, target: Option<&Tree>, strategy: Strategy) -> Plan {
    let l = labels();
    plan(Input {
        base,
        source,
        target,
        shape: Shape::Folder,
        strategy,
        labels: &l,
    })
}

fn actions(p: &Plan) -> Vec<(String, &'static str)> {
    p.files
        .iter()
        .map(|f| (f.path.clone(), f.action.as_str()))
        .collect()
}

fn action(p: &Plan, path: &str) -> Action {
    p.files
        .iter()
        .find(|f| f.path == path)
        .unwrap()
        .action
        .clone()
}

fn text(p: &Plan, path: &str) -> String {
    String::from_utf8(p.result.files[path].clone()).unwrap()
}

#[test]
fn unmodified_target_fast_forwards_with_adds_modifies_and_deletes() {
    let base = tree(&[("SKILL.md", "a\n"), ("old.md", "x\n")]);
    let source = tree(&[("SKILL.md", "b\n"), ("new.md", "n\n")]);
    let p = run(Some(&base), &source, Some(&base), Strategy::Auto);
    assert_eq!(p.kind, Kind::FastForward);
    assert_eq!(
        actions(&p),
        [
            ("SKILL.md".into(), "modify"),
            ("new.md".into(), "add"),
            ("old.md".into(), "delete")
        ]
    );
    assert_eq!(p.result, source);
    assert_eq!(p.bump, Bump::Major, "a removed file is a major change");
}

#[test]
fn each_side_changing_different_files_merges_cleanly() {
    let base = tree(&[("SKILL.md", "a\n"), ("ref.md", "r\n")]);
    let source = tree(&[("SKILL.md", "a2\n"), ("ref.md", "r\n")]);
    let target = tree(&[("SKILL.md", "a\n"), ("ref.md", "r2\n"), ("mine.md", "m\n")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert_eq!(p.kind, Kind::Merge);
    assert_eq!(p.conflicts, 0);
    assert_eq!(
        p.result,
        tree(&[("SKILL.md", "a2\n"), ("ref.md", "r2\n"), ("mine.md", "m\n")])
    );
}

#[test]
fn both_changing_one_file_differently_is_a_line_merge() {
    let base = tree(&[("SKILL.md", "1\n2\n3\n4\n5\n")]);
    let source = tree(&[("SKILL.md", "1\n2 source\n3\n4\n5\n")]);
    let target = tree(&[("SKILL.md", "1\n2\n3\n4 target\n5\n")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert_eq!(p.conflicts, 0);
    assert_eq!(text(&p, "SKILL.md"), "1\n2 source\n3\n4 target\n5\n");

    let source = tree(&[("SKILL.md", "1\n2\n3 source\n4\n5\n")]);
    let target = tree(&[("SKILL.md", "1\n2\n3 target\n4\n5\n")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert_eq!(actions(&p), [("SKILL.md".into(), "conflict")]);
    assert_eq!(
        text(&p, "SKILL.md"),
        "1\n2\n<<<<<<< project\n3 target\n||||||| base\n3\n=======\n3 source\n>>>>>>> collection\n4\n5\n"
    );
    let ours = run(Some(&base), &source, Some(&target), Strategy::Ours);
    assert_eq!(
        (ours.conflicts, text(&ours, "SKILL.md")),
        (0, "1\n2\n3 target\n4\n5\n".into())
    );
    let theirs = run(Some(&base), &source, Some(&target), Strategy::Theirs);
    assert_eq!(
        (theirs.conflicts, text(&theirs, "SKILL.md")),
        (0, "1\n2\n3 source\n4\n5\n".into())
    );
}

#[test]
fn identical_changes_on_both_sides_are_taken() {
    let base = tree(&[("SKILL.md", "a\n")]);
    let both = tree(&[("SKILL.md", "b\n"), ("x.md", "same\n")]);
    let mut target = both.clone();
    target.files.insert("mine.md".into(), b"m\n".to_vec());
    let p = run(Some(&base), &both, Some(&target), Strategy::Auto);
    assert_eq!(p.conflicts, 0);
    assert_eq!(p.result, target);
}

#[test]
fn added_on_both_sides_differently_merges_against_an_empty_base() {
    let base = tree(&[("SKILL.md", "a\n")]);
    let source = tree(&[("SKILL.md", "a\n"), ("new.md", "source\n")]);
    let target = tree(&[("SKILL.md", "b\n"), ("new.md", "target\n")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert_eq!(p.conflicts, 1);
    assert!(
        text(&p, "new.md").starts_with("<<<<<<< project\ntarget\n||||||| base\n=======\nsource\n"),
        "{}",
        text(&p, "new.md")
    );
    assert_eq!(text(&p, "SKILL.md"), "b\n");
}

#[test]
fn delete_against_change_leaves_the_target_as_it_was_as_a_conflict() {
    let base = tree(&[("SKILL.md", "a\n"), ("ref.md", "r\n")]);
    let source = tree(&[("SKILL.md", "a\n")]);
    let target = tree(&[("SKILL.md", "a2\n"), ("ref.md", "r changed\n")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert_eq!(
        action(&p, "ref.md"),
        Action::Conflict(Conflict::DeletedInSource)
    );
    assert_eq!(text(&p, "ref.md"), "r changed\n");
    let theirs = run(Some(&base), &source, Some(&target), Strategy::Theirs);
    assert!(!theirs.result.files.contains_key("ref.md"));

    let source = tree(&[("SKILL.md", "a\n"), ("ref.md", "r new\n")]);
    let target = tree(&[("SKILL.md", "a2\n")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert_eq!(
        action(&p, "ref.md"),
        Action::Conflict(Conflict::DeletedInTarget)
    );
    // The target's deletion is kept: a sync does not bring the file back.
    assert!(!p.result.files.contains_key("ref.md"));
}

#[test]
fn binary_files_changed_on_both_sides_keep_the_target_without_markers() {
    let base = tree(&[("img.bin", "a\0b")]);
    let source = tree(&[("img.bin", "s\0s")]);
    let target = tree(&[("img.bin", "t\0t")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert!(
        matches!(&p.files[0].action, Action::Conflict(Conflict::Unmergeable(w)) if w.contains("binary"))
    );
    assert_eq!(p.result.files["img.bin"], b"t\0t");
    let theirs = run(Some(&base), &source, Some(&target), Strategy::Theirs);
    assert_eq!(
        (theirs.conflicts, theirs.result.files["img.bin"].clone()),
        (0, b"s\0s".to_vec())
    );
}

#[test]
fn overwrite_takes_the_source_whatever_the_target_holds() {
    let base = tree(&[("SKILL.md", "a\n")]);
    let source = tree(&[("SKILL.md", "s\n")]);
    let target = tree(&[("SKILL.md", "t\n"), ("mine.md", "m\n")]);
    let p = run(Some(&base), &source, Some(&target), Strategy::Overwrite);
    assert_eq!(p.kind, Kind::Overwrite);
    assert_eq!(p.result, source);
}

#[test]
fn unchanged_source_leaves_the_target_alone_and_equal_sides_are_up_to_date() {
    let base = tree(&[("SKILL.md", "a\n")]);
    let target = tree(&[("SKILL.md", "mine\n")]);
    let p = run(Some(&base), &base, Some(&target), Strategy::Auto);
    assert_eq!(p.kind, Kind::NothingToTake);
    assert!(p.is_noop());
    let p = run(Some(&base), &target, Some(&target), Strategy::Auto);
    assert_eq!(p.kind, Kind::UpToDate);
    assert!(p.is_noop());
    assert_eq!(p.bump, Bump::None);
}

#[test]
fn unknown_base_degrades_to_two_way_with_a_warning() {
    let source = tree(&[("SKILL.md", "same\nsource\n")]);
    let target = tree(&[("SKILL.md", "same\ntarget\n")]);
    let p = run(None, &source, Some(&target), Strategy::Auto);
    assert_eq!(p.kind, Kind::Merge);
    assert!(p.warnings[0].contains("two-way"));
    assert_eq!(p.conflicts, 1);
}

#[test]
fn single_file_artifacts_hash_as_their_bytes() {
    let l = labels();
    let source = tree(&[("review.md", "s\n")]);
    let p = plan(Input {
        base: None,
        source: &source,
        target: None,
        shape: Shape::File,
        strategy: Strategy::Auto,
        labels: &l,
    });
    assert_eq!(p.result_hash, crate::hash::hash_bytes(b"s\n"));
    assert_eq!(p.bump, Bump::Minor);
}

/// Modes, folders and links take part in the plan: nothing the target did to them is reset by
/// a fast-forward, and a mode-only change is a change.
#[test]
fn meta_is_planned_like_content() {
    let base = tree(&[("SKILL.md", "b\n"), ("run.sh", "r\n")]);
    let mut source = tree(&[("SKILL.md", "s\n"), ("run.sh", "r\n")]);
    let mut target = base.clone();
    // The target made its folder private and added an empty folder; the source edited text.
    target.meta.dirs.insert("".into(), 0o700);
    target.meta.dirs.insert("cache".into(), 0o755);
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert_eq!(p.kind, Kind::Merge);
    assert_eq!(p.result.files["SKILL.md"], b"s\n");
    assert_eq!(p.result.meta, target.meta);
    assert!(p.meta_changes.is_empty(), "{:?}", p.meta_changes);

    // A mode-only change in the source fast-forwards an untouched target.
    source = base.clone();
    source.meta.modes.insert("run.sh".into(), 0o755);
    let p = run(Some(&base), &source, Some(&base), Strategy::Auto);
    assert_eq!(p.kind, Kind::FastForward);
    assert!(!p.is_noop());
    assert_eq!(p.meta_changes, ["mode change 644 => 755 run.sh"]);

    // A mode-only change in the target: nothing to take, nothing written.
    let p = run(Some(&base), &base, Some(&source), Strategy::Auto);
    assert_eq!(p.kind, Kind::NothingToTake);
    assert!(p.is_noop());
    assert_eq!(p.result.meta.file_mode("run.sh"), 0o755);

    // Same content, different modes: not up to date.
    let p = run(None, &source, Some(&base), Strategy::Auto);
    assert_ne!(p.kind, Kind::UpToDate);
}

#[test]
fn links_survive_a_fast_forward_and_a_target_that_replaced_one_by_a_file_keeps_its_file() {
    let mut base = tree(&[("SKILL.md", "b\n"), ("a.md", "a\n"), ("alias.md", "a\n")]);
    base.meta.links.insert("alias.md".into(), "a.md".into());
    let mut source = base.clone();
    source.files.insert("a.md".into(), "a2\n".into());
    source.files.insert("alias.md".into(), "a2\n".into());
    let p = run(Some(&base), &source, Some(&base), Strategy::Auto);
    assert_eq!(p.kind, Kind::FastForward);
    assert_eq!(p.result.meta.links["alias.md"], "a.md");
    // The target replaced the link by its own file; the source edited SKILL.md only.
    let mut source = base.clone();
    source.files.insert("SKILL.md".into(), "s\n".into());
    let mut target = base.clone();
    target.meta.links.clear();
    target.files.insert("alias.md".into(), "mine\n".into());
    let p = run(Some(&base), &source, Some(&target), Strategy::Auto);
    assert!(!p.result.meta.links.contains_key("alias.md"));
    assert_eq!(p.result.files["alias.md"], b"mine\n");
    assert_eq!(p.result.files["SKILL.md"], b"s\n");
}
