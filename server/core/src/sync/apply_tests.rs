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

/// A store and an artifact at `rel` holding `old` (nothing when `None`), in a temporary folder.
struct World {
    dir: tempfile::TempDir,
    store: Store,
    target: PathBuf,
}

fn world(rel: &str, old: Option<&Tree>, shape: Shape) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let target = dir.path().join(rel);
    if let Some(old) = old {
        put(&target, old, shape);
    }
    World { dir, store, target }
}

impl World {
    /// Stages `new` for `id` and swaps it in, planned against `old`'s content hash.
    fn swap(&self, id: &str, new: &Tree, shape: Shape, old: Option<&Tree>) -> Swap {
        let against = old.map(|t| t.content_hash(shape));
        swap_in(
            &self.store,
            id,
            &self.target,
            new,
            shape,
            against.as_deref(),
        )
        .unwrap()
    }

    fn names(&self, dir: &str) -> Vec<String> {
        names(self.dir.path().join(dir))
    }
}

#[test]
fn a_committed_swap_leaves_only_the_new_tree() {
    let old = tree(&[("SKILL.md", "old\n")]);
    let new = tree(&[("SKILL.md", "new\n"), ("sub/x.md", "x\n")]);
    let w = world("skills/pdf", Some(&old), Shape::Folder);
    let swap = w.swap("skill:pdf", &new, Shape::Folder, Some(&old));
    w.store.in_tx(|| swap.mark_committed(&w.store)).unwrap();
    swap.finish(&w.store).unwrap();
    assert_eq!(
        crate::tree::read_artifact(&w.target, Shape::Folder).unwrap(),
        new
    );
    assert!(w.store.journal_rows().unwrap().is_empty());
    assert_eq!(w.names("skills"), ["pdf"]);
}

/// A swap whose process died before its commit is undone on the next open: for a single file
/// and for a folder, and whether or not the dead writer's lock file is still there (a pid far
/// above any live process: recovery takes it over and removes it).
#[test]
fn recovery_undoes_an_uncommitted_swap_and_takes_over_a_dead_writers_lock() {
    struct Case {
        id: &'static str,
        rel: &'static str,
        dir: &'static str,
        shape: Shape,
        old: Tree,
        new: Tree,
        dead_lock: bool,
    }
    let cases = [
        Case {
            id: "command:review",
            rel: "commands/review.md",
            dir: "commands",
            shape: Shape::File,
            old: tree(&[("review.md", "old\n")]),
            new: tree(&[("review.md", "new\n")]),
            dead_lock: false,
        },
        Case {
            id: "skill:pdf",
            rel: "skills/pdf",
            dir: "skills",
            shape: Shape::Folder,
            old: tree(&[("SKILL.md", "old\n")]),
            new: tree(&[("SKILL.md", "new\n")]),
            dead_lock: true,
        },
    ];
    for c in cases {
        let w = world(c.rel, Some(&c.old), c.shape);
        let swap = w.swap(c.id, &c.new, c.shape, Some(&c.old));
        // The process "dies" here: no commit, no finish.
        std::mem::forget(swap);
        if c.dead_lock {
            fs::write(
                lock::lock_path(&w.target),
                "999999999 2026-01-01T00:00:00Z\n",
            )
            .unwrap();
        }
        let notes = recover(&w.store).unwrap();
        assert!(notes[0].contains("undid"), "{}: {notes:?}", c.id);
        assert_eq!(
            crate::tree::read_artifact(&w.target, c.shape).unwrap(),
            c.old,
            "{}",
            c.id
        );
        let name = c.rel.rsplit('/').next().unwrap();
        assert_eq!(w.names(c.dir), [name], "{}", c.id);
    }
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
fn recovery_removes_a_first_apply_the_database_never_saw() {
    let w = world("skills/new", None, Shape::Folder);
    let swap = w.swap(
        "skill:new",
        &tree(&[("SKILL.md", "n\n")]),
        Shape::Folder,
        None,
    );
    std::mem::forget(swap);
    recover(&w.store).unwrap();
    assert!(!w.target.exists());
}

mod cas_tests {
    use super::*;

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
