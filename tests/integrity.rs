//! Nothing a person wrote is lost (issue 9): an editor's save during a sync is kept (the
//! compare-and-swap, made deterministic by a failpoint that pauses just before the swap); a sync
//! that runs out of disk space stores nothing half (a real 2 MB tmpfs where mounting is
//! permitted); two projects pushing and pulling one 100-file skill never leave a mixed tree.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use skillmeat_core::collection::{Collection, Source};
use skillmeat_core::id::{ArtifactId, ArtifactType, Shape};
use skillmeat_core::store::Store;
use skillmeat_core::sync::{Direction, Strategy};
use skillmeat_core::workspace::{Options, Workspace};
use support::Env;

/// Entries beside `target` whose names start with its own, other than itself and its lock.
fn beside(target: &Path) -> Vec<String> {
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

fn history_len(env: &Env, id: &str) -> usize {
    let r = env.run(&["history", id, "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    r.json()["versions"].as_array().unwrap().len()
}

/// `sync ID --apply` paused just before its swap; the editor's save; the sync let go.
fn editor_saves_during_sync(env: &Env, id: &str, file: &Path) {
    let before = history_len(env, id);
    let sync = env.run_paused("before-swap", &["sync", id, "--apply"]);
    // The editor appends a line and saves, taking no lock.
    let mut text = std::fs::read_to_string(file).unwrap();
    text.push_str("a line saved by the editor during the sync\n");
    std::fs::write(file, &text).unwrap();
    let out = sync.resume();
    let stderr = &out.stderr;
    assert_eq!(out.code, 4, "{id}: {stderr}");
    assert!(
        stderr.contains(&file.display().to_string())
            || stderr.contains(&file.parent().unwrap().display().to_string()),
        "{id}: the error should name the path: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(file).unwrap(),
        text,
        "{id}: the save is gone"
    );
    assert_eq!(history_len(env, id), before, "{id}: something was recorded");
}

#[test]
fn an_editor_save_just_before_the_swap_is_kept_and_nothing_is_recorded() {
    let env = Env::new(
        r#"
        //- collection/skills/big/SKILL.md
        ---
        name: big
        ---
        v1
        //- collection/commands/review.md
        review v1
        "#,
    );
    for i in 0..60 {
        env.write(
            &format!("collection/skills/big/refs/part-{i:02}.md"),
            &format!("part {i}\n"),
        );
    }
    let r = env.run(&["deploy", "skill:big", "command:review"]);
    assert_eq!(r.code, 0, "{r:?}");
    env.write_fixture(
        r#"
        //- collection/skills/big/SKILL.md
        ---
        name: big
        ---
        v2
        //- collection/commands/review.md
        review v2
        "#,
    );

    let skill = env.project().join(".claude/skills/big");
    editor_saves_during_sync(&env, "skill:big", &skill.join("SKILL.md"));
    assert_eq!(beside(&skill), Vec::<String>::new());
    std::fs::remove_file(env.path("go")).unwrap();
    std::fs::remove_file(env.path("go.reached")).unwrap();
    let command = env.project().join(".claude/commands/review.md");
    editor_saves_during_sync(&env, "command:review", &command);
    assert_eq!(beside(&command), Vec::<String>::new());

    // Run again, the sync merges the editor's line with the collection's change (the two touch
    // neighbouring lines, so as a conflict region holding both).
    let r = env.run(&["sync", "skill:big", "--apply"]);
    assert!(r.code == 0 || r.code == 4, "{r:?}");
    let text = std::fs::read_to_string(skill.join("SKILL.md")).unwrap();
    assert!(
        text.contains("v2") && text.contains("saved by the editor"),
        "{text}"
    );
}

/// A tmpfs of `size` mounted on a temporary folder, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs { dir })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Writes zeros into `path` until the file system is full.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![0u8; 16 * 1024];
    while f.write_all(&block).is_ok() {}
    let _ = f.sync_all();
    for size in [4096, 512, 64, 1] {
        while f.write_all(&block[..size]).is_ok() && f.sync_all().is_ok() {}
    }
}

#[test]
fn a_sync_on_a_full_disk_stores_no_half_version_and_the_next_one_keeps_everything() {
    let Some(fs) = Tmpfs::mount("2m") else {
        eprintln!("skipped: mounting a tmpfs is not permitted here");
        return;
    };
    let env = Env {
        dir: tempfile::tempdir_in(fs.dir.path()).unwrap(),
    };
    for d in ["collection", "project", "home"] {
        std::fs::create_dir_all(env.path(d)).unwrap();
    }
    env.write("collection/skills/s1/SKILL.md", "---\nname: s1\n---\nv1\n");
    let r = env.run(&["deploy", "skill:s1"]);
    assert_eq!(r.code, 0, "{r:?}");
    // The person's work: a 300 KB file of their own and an edit.
    let notes: String = (0..6000)
        .map(|i| format!("note {i:06} of mine\n"))
        .collect();
    env.write("project/.claude/skills/s1/notes.md", &notes);
    env.write(
        "project/.claude/skills/s1/SKILL.md",
        "---\nname: s1\n---\nv1 edited by a person\n",
    );
    let person =
        skillmeat_core::tree::read_artifact(&env.path("project/.claude/skills/s1"), Shape::Folder)
            .unwrap();
    let big: String = (0..12000).map(|i| format!("big line {i:08}\n")).collect();
    env.write("collection/skills/s1/big.md", &big);
    let filler = fs.dir.path().join("filler");
    fill(&filler);

    let r = env.run(&["sync", "skill:s1", "--apply"]);
    assert_ne!(r.code, 0, "the sync should fail on a full disk: {r:?}");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    std::fs::remove_file(&filler).unwrap();

    let r = env.run(&["sync", "skill:s1", "--strategy", "overwrite", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    let store = Store::open(&env.project().join(".skillmeat/lineage.db")).unwrap();
    for v in store.all_version_ids().unwrap() {
        store.verify_version(v).unwrap();
    }
    let id = ArtifactId::new(ArtifactType::Skill, "s1").unwrap();
    let h = person.content_hash(Shape::Folder);
    let kept = store
        .versions(&id)
        .unwrap()
        .into_iter()
        .find(|v| v.hash == h)
        .expect("the person's copy is not a stored version");
    assert_eq!(
        store.version_files(kept.id).unwrap().unwrap(),
        person,
        "v{} does not hold everything the person wrote",
        kept.number
    );
    drop(store);
    drop(env);
}

type Files = BTreeMap<String, Vec<u8>>;

const FILES: usize = 100;

fn generation(dir: &Path, round: usize) {
    for i in 0..FILES {
        let p = dir.join(format!("refs/f{i:03}.md"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, format!("file {i} round {round}\n")).unwrap();
    }
    std::fs::write(
        dir.join("SKILL.md"),
        format!("---\nname: big\n---\nround {round}\n"),
    )
    .unwrap();
}

/// The rounds the files of a tree come from; one round is a whole version.
fn rounds(t: &Files) -> Vec<String> {
    let mut r: Vec<String> = t
        .values()
        .map(|b| {
            let s = String::from_utf8_lossy(b);
            s.split("round ").nth(1).unwrap_or("?").trim().to_string()
        })
        .collect();
    r.sort();
    r.dedup();
    r
}

fn open(project: &Path, collection: &Path) -> Workspace {
    Workspace::open(
        project,
        Collection::open(collection, Source::Flag).unwrap(),
        Options::default(),
    )
    .unwrap()
}

/// A fast scratch folder (tmpfs when there is one): 200 rounds fsync 40,000 staged files.
fn scratch() -> tempfile::TempDir {
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::tempdir_in(&shm) {
            return d;
        }
    }
    tempfile::tempdir().unwrap()
}

#[test]
fn two_projects_pushing_and_pulling_one_skill_never_leave_a_mixed_tree() {
    let dir = scratch();
    let collection = dir.path().join("collection");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    generation(&collection.join("skills/big"), 0);
    for p in [&a, &b] {
        std::fs::create_dir_all(p.join(".claude")).unwrap();
        open(p, &collection)
            .deploy(&["skill:big".to_string()], false)
            .unwrap();
    }
    let read = |p: &Path| {
        skillmeat_core::tree::read_artifact(p, Shape::Folder)
            .unwrap()
            .files
    };
    for round in 1..=200 {
        std::thread::scope(|s| {
            let pusher = s.spawn(|| {
                generation(&a.join(".claude/skills/big"), round);
                open(&a, &collection)
                    .sync(
                        "skill:big",
                        Direction::ProjectToCollection,
                        Strategy::Overwrite,
                        true,
                    )
                    .unwrap_or_else(|e| panic!("round {round}: push: {e}"));
            });
            let puller = s.spawn(|| {
                open(&b, &collection)
                    .sync(
                        "skill:big",
                        Direction::CollectionToProject,
                        Strategy::Overwrite,
                        true,
                    )
                    .unwrap_or_else(|e| panic!("round {round}: pull: {e}"));
            });
            pusher.join().unwrap();
            puller.join().unwrap();
        });
        for (what, tree) in [
            ("collection", read(&collection.join("skills/big"))),
            ("project b", read(&b.join(".claude/skills/big"))),
        ] {
            assert_eq!(tree.len(), FILES + 1, "round {round}: {what}");
            let r = rounds(&tree);
            assert_eq!(
                r.len(),
                1,
                "round {round}: {what} is mixed from rounds {r:?}"
            );
        }
    }
    // Each pull took one whole pushed version, never a copy missing mid-swap.
}

#[test]
fn damaged_stored_content_is_refused_by_rollback_and_diff_and_nothing_is_written() {
    let env = Env::new(
        r#"
        //- collection/commands/review.md
        review v1
        "#,
    );
    assert_eq!(env.run(&["deploy", "command:review"]).code, 0);
    env.write("collection/commands/review.md", "review v2\n");
    assert_eq!(env.run(&["sync", "command:review", "--apply"]).code, 0);
    // The blob holding v1's bytes rots on disk.
    let db = rusqlite::Connection::open(env.project().join(".skillmeat/lineage.db")).unwrap();
    let changed = db
        .execute(
            "UPDATE blobs SET data = CAST('rotten\n' AS BLOB) WHERE hash = ?1",
            [skillmeat_core::hash::hash_bytes(b"review v1\n")],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(db);
    let before = history_len(&env, "command:review");
    for args in [
        &["rollback", "command:review", "--to", "v1", "--yes"][..],
        &["diff", "command:review", "--from", "v1", "--to", "project"][..],
    ] {
        let r = env.run(args);
        assert_ne!(r.code, 0, "{args:?}: {r:?}");
        assert!(
            r.stderr.contains("command:review v1") && r.stderr.contains("damaged"),
            "{args:?}: the error should name the artifact and version: {}",
            r.stderr
        );
        assert!(!r.stdout.contains("rotten"), "{args:?}: {}", r.stdout);
        assert_eq!(
            env.read("project/.claude/commands/review.md"),
            "review v2\n"
        );
    }
    assert_eq!(history_len(&env, "command:review"), before);
}

/// The window inside the swap: the old copy is already moved aside when the editor writes a new
/// file at the target's path. The editor's file stays, and the moved-aside copy (a person's
/// edit nothing has stored yet) is kept beside it under a name the error gives — never deleted.
#[test]
fn a_save_landing_after_the_old_copy_moved_aside_keeps_both() {
    let env = Env::new(
        r#"
        //- collection/commands/review.md
        review v1
        "#,
    );
    let r = env.run(&["deploy", "command:review"]);
    assert_eq!(r.code, 0, "{r:?}");
    let file = env.project().join(".claude/commands/review.md");
    // The person's edit, and a collection change: a merge writes the file.
    std::fs::write(&file, "review v1\nmy own line\n").unwrap();
    env.write("collection/commands/review.md", "review v2\n");
    let sync = env.run_paused(
        "after-backup",
        &["sync", "command:review", "--strategy", "theirs", "--apply"],
    );
    assert!(!file.exists(), "the old copy should be aside at this point");
    std::fs::write(&file, "saved by the editor into the gap\n").unwrap();
    let out = sync.resume();
    let stderr = &out.stderr;
    assert_eq!(out.code, 4, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "saved by the editor into the gap\n",
        "the editor's save is gone"
    );
    let kept: Vec<String> = beside(&file)
        .into_iter()
        .filter(|n| n.contains("skillmeat-kept-"))
        .collect();
    assert_eq!(
        kept.len(),
        1,
        "the moved-aside copy should be kept: {:?}",
        beside(&file)
    );
    let kept_path = file.with_file_name(&kept[0]);
    assert_eq!(
        std::fs::read_to_string(&kept_path).unwrap(),
        "review v1\nmy own line\n",
        "the person's edit is lost"
    );
    assert!(
        stderr.contains(&kept_path.display().to_string()),
        "the error should say where the replaced content is: {stderr}"
    );
    // What is kept is a dot-entry: never an artifact, and status still works.
    let r = env.run(&["status"]);
    assert!(r.code == 0 || r.code == 1, "{r:?}");
}
