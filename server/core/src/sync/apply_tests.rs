//! Tests of the journaled apply: commits, recovery, compare-and-swap, unique staging names.

use super::*;
use crate::id::Shape;

/// The entries of a folder, sorted.
fn names(dir: impl AsRef<Path>) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Lays out an artifact's starting content on disk.
fn put(target: &Path, tree: &Tree, shape: Shape) {
    for (rel, bytes) in &tree.files {
        let p = if shape == Shape::Folder {
            target.join(rel)
        } else {
            target.to_path_buf()
        };
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
}

fn tree(files: &[(&str, &str)]) -> Tree {
    let mut t = Tree::default();
    for (p, c) in files {
        t.files.insert(p.to_string(), c.as_bytes().to_vec());
    }
    t
}

#[test]
fn a_committed_swap_leaves_only_the_new_tree() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let target = dir.path().join("skills/pdf");
    put(&target, &tree(&[("SKILL.md", "old\n")]), Shape::Folder);
    let new = tree(&[("SKILL.md", "new\n"), ("sub/x.md", "x\n")]);
    let old = tree(&[("SKILL.md", "old\n")]);
    let swap = swap_in(
        &store,
        "skill:pdf",
        &target,
        &new,
        Shape::Folder,
        Some(&old.content_hash(Shape::Folder)),
    )
    .unwrap();
    store.in_tx(|| swap.mark_committed(&store)).unwrap();
    swap.finish(&store).unwrap();
    assert_eq!(
        crate::tree::read_artifact(&target, Shape::Folder).unwrap(),
        new
    );
    assert!(store.journal_rows().unwrap().is_empty());
    assert_eq!(names(dir.path().join("skills")), ["pdf"]);
}

#[test]
fn recovery_undoes_an_uncommitted_swap() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let target = dir.path().join("commands/review.md");
    put(&target, &tree(&[("review.md", "old\n")]), Shape::File);
    let swap = swap_in(
        &store,
        "command:review",
        &target,
        &tree(&[("review.md", "new\n")]),
        Shape::File,
        Some(&crate::hash::hash_bytes(b"old\n")),
    )
    .unwrap();
    // The process "dies" here: no commit, no finish.
    std::mem::forget(swap);
    let notes = recover(&store).unwrap();
    assert!(notes[0].contains("undid"), "{notes:?}");
    assert_eq!(fs::read_to_string(&target).unwrap(), "old\n");
    assert_eq!(names(dir.path().join("commands")), ["review.md"]);
}

#[test]
fn recovery_leaves_an_apply_in_flight_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let target = dir.path().join("commands/review.md");
    put(&target, &tree(&[("review.md", "old\n")]), Shape::File);
    // A live writer (this process) holds the lock and is between its swap and its commit.
    let held = lock::acquire(&target, "command:review", Duration::ZERO).unwrap();
    let swap = swap_in(
        &store,
        "command:review",
        &target,
        &tree(&[("review.md", "new\n")]),
        Shape::File,
        Some(&crate::hash::hash_bytes(b"old\n")),
    )
    .unwrap();
    // Another open of the workspace meanwhile must not undo it.
    let other = Store::open(&dir.path().join("l.db")).unwrap();
    assert!(recover(&other).unwrap().is_empty());
    assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
    store.in_tx(|| swap.mark_committed(&store)).unwrap();
    swap.finish(&store).unwrap();
    drop(held);
    assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
    assert_eq!(names(dir.path().join("commands")), ["review.md"]);
}

#[test]
fn recovery_takes_over_and_removes_a_dead_writers_lock() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let target = dir.path().join("skills/pdf");
    put(&target, &tree(&[("SKILL.md", "old\n")]), Shape::Folder);
    let swap = swap_in(
        &store,
        "skill:pdf",
        &target,
        &tree(&[("SKILL.md", "new\n")]),
        Shape::Folder,
        Some(&tree(&[("SKILL.md", "old\n")]).content_hash(Shape::Folder)),
    )
    .unwrap();
    std::mem::forget(swap);
    // The writer died holding its lock: a pid far above any live process.
    fs::write(lock::lock_path(&target), "999999999 2026-01-01T00:00:00Z\n").unwrap();
    let notes = recover(&store).unwrap();
    assert!(notes[0].contains("undid"), "{notes:?}");
    assert_eq!(
        crate::tree::read_artifact(&target, Shape::Folder).unwrap(),
        tree(&[("SKILL.md", "old\n")])
    );
    assert_eq!(names(dir.path().join("skills")), ["pdf"]);
}

#[test]
fn recovery_removes_a_first_apply_the_database_never_saw() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let target = dir.path().join("skills/new");
    let swap = swap_in(
        &store,
        "skill:new",
        &target,
        &tree(&[("SKILL.md", "n\n")]),
        Shape::Folder,
        None,
    )
    .unwrap();
    std::mem::forget(swap);
    recover(&store).unwrap();
    assert!(!target.exists());
}

mod cas_tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        let mut t = Tree::default();
        for (p, c) in files {
            t.files.insert(p.to_string(), c.as_bytes().to_vec());
        }
        t
    }

    #[test]
    fn a_target_changed_since_the_plan_is_left_alone_and_nothing_is_journaled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.db")).unwrap();
        let target = dir.path().join("commands/review.md");
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(&target, "planned against\n").unwrap();
        let planned = crate::hash::hash_bytes(b"planned against\n");
        // An editor saves after the plan was made.
        fs::write(&target, "planned against\nand a line the editor saved\n").unwrap();
        let err = swap_in(
            &store,
            "command:review",
            &target,
            &tree(&[("review.md", "new\n")]),
            Shape::File,
            Some(&planned),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
        assert!(
            err.to_string().contains(&target.display().to_string()),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(&target).unwrap(),
            "planned against\nand a line the editor saved\n"
        );
        assert!(store.journal_rows().unwrap().is_empty());
        let names: Vec<String> = fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["review.md"]);
    }

    #[test]
    fn staging_names_are_unique_per_apply() {
        let t = Path::new("/x/skills/pdf");
        let a = sibling(t, "stage", &unique_part());
        let b = sibling(t, "stage", &unique_part());
        assert_ne!(a, b);
        let pid = std::process::id().to_string();
        assert!(
            a.to_string_lossy()
                .contains(&format!(".pdf.skillmeat-stage-{pid}-")),
            "{a:?}"
        );
    }
}
