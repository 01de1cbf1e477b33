//! An apply that moved the target aside and cannot put it back (a folder above it was replaced by
//! a link mid-apply) keeps its journal row: the next run, once the path resolves again, puts the
//! person's copy back, and nothing is lost or recorded as removed.

use crate::support;

use support::Env;

/// The names beside `target` that start with `.<name>.` other than lock files: a stage or a
/// moved-aside tree left behind.
fn leftovers(target: &std::path::Path) -> Vec<String> {
    let name = target.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")) && !n.ends_with(".lock"))
        .collect()
}

#[test]
fn a_copy_moved_aside_behind_a_swapped_folder_is_put_back_on_the_next_run() {
    let env = Env::new(
        r#"
        //- collection/skills/demo/SKILL.md
        ---
        name: demo
        ---
        v1
        //- collection/skills/demo/notes.md
        notes v1
        //- outside/README.md
        another folder
        "#,
    );
    let r = env.run(&["deploy", "skill:demo"]);
    assert_eq!(r.code, 0, "{r:?}");
    let claude = env.project().join(".claude");
    let target = claude.join("skills/demo");
    // The person's edit in the project, a change in the collection: the sync merges and writes.
    std::fs::write(target.join("notes.md"), "notes v1\nmy own line\n").unwrap();
    env.write(
        "collection/skills/demo/SKILL.md",
        "---\nname: demo\n---\nv2\n",
    );
    let versions = |env: &Env| {
        let r = env.run(&["history", "skill:demo", "--json"]);
        assert_eq!(r.code, 0, "{r:?}");
        r.json()["versions"].as_array().unwrap().len()
    };
    let before = versions(&env);

    let sync = env.run_paused("after-backup", &["sync", "skill:demo", "--apply"]);
    // The project's `.claude` is swapped for a link to another folder while the copy is aside.
    let moved = env.project().join(".claude.orig");
    std::fs::rename(&claude, &moved).unwrap();
    std::os::unix::fs::symlink(env.path("outside"), &claude).unwrap();
    let out = sync.resume();
    assert_ne!(out.code, 0, "the sync cannot have succeeded: {out:?}");
    // Runs while the path leads elsewhere (refused: `.claude` is a link out of the project) or
    // nowhere (`.claude` moved away) must not give up on the copy.
    let r = env.run(&["status"]);
    assert!(r.code == 0 || r.code == 1, "{r:?}");
    std::fs::remove_file(&claude).unwrap();
    let r = env.run(&["status"]);
    assert!(r.code == 0 || r.code == 1, "{r:?}");
    // A write of that artifact meanwhile is refused: it would leave the moved-aside copy for
    // good (recovery would then take the new copy for one nothing had changed).
    let r = env.run(&["deploy", "skill:demo", "--overwrite"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("interrupted"), "{}", r.stderr);

    // The person restores `.claude`; the next run puts the copy back.
    let _ = std::fs::remove_dir_all(&claude);
    std::fs::rename(&moved, &claude).unwrap();
    let r = env.run(&["status"]);
    assert!(r.code == 0 || r.code == 1, "{r:?}");
    assert!(
        r.stderr.contains("undid an interrupted apply")
            || r.stdout.contains("undid an interrupted apply"),
        "recovery should say it put the copy back: {r:?}"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("notes.md")).unwrap_or_default(),
        "notes v1\nmy own line\n",
        "the person's edit is not back in place"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("SKILL.md")).unwrap_or_default(),
        "---\nname: demo\n---\nv1\n",
        "the project copy is not the one from before the sync"
    );
    assert!(
        leftovers(&target).is_empty(),
        "a stage or moved-aside copy is left: {:?}",
        leftovers(&target)
    );
    assert_ne!(
        env.states().get("skill:demo").map(String::as_str),
        Some("removed"),
        "status takes the put-back copy for removed"
    );
    // Only the person's edit may have been recorded since (status records it on sight as a
    // `local_modification`): the failed sync recorded nothing.
    let r = env.run(&["history", "skill:demo", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let text = r.stdout.clone();
    let vs = r.json()["versions"].as_array().unwrap().clone();
    assert!(
        vs.len() <= before + 1,
        "the failed sync recorded a version: {text}"
    );
    assert!(
        !text.contains("\"sync\"") && !text.contains("\"merge\""),
        "the failed sync recorded a version: {text}"
    );
    assert!(
        out.stderr.contains("moved aside to")
            && out.stderr.contains(".demo.skillmeat-old-")
            && out.stderr.contains("put back"),
        "the error should say where the copy is and that it will be put back: {}",
        out.stderr
    );
    // And the sync now completes.
    let r = env.run(&["sync", "skill:demo", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        std::fs::read_to_string(target.join("notes.md")).unwrap(),
        "notes v1\nmy own line\n"
    );
    // (The check above can see a sync: this one is recorded so.)
    let r = env.run(&["history", "skill:demo", "--json"]);
    assert!(
        r.stdout.contains("\"sync\"") || r.stdout.contains("\"merge\""),
        "{r:?}"
    );
}
