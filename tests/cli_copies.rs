//! Faithful copies through the real CLI: file and folder modes, empty folders and symlinks that
//! stay inside the artifact travel with deploy, add, sync (both ways) and rollback; a FIFO or a
//! link leading out is refused by name and nothing is written.

use crate::support;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use support::{assert_refused, Env};

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

fn chmod(p: &Path, m: u32) {
    fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();
}

/// Makes a named pipe (coreutils' `mkfifo`).
fn mkfifo(p: impl AsRef<Path>) {
    let st = std::process::Command::new("mkfifo")
        .arg(p.as_ref())
        .status()
        .expect("run mkfifo");
    assert!(st.success());
}

fn state(env: &Env, id: &str) -> String {
    env.states()[id].clone()
}

/// Every entry under `dir` with its kind, mode and bytes (or link target): what "the tree is
/// byte-identical, modes included" compares. FIFOs are listed without being opened.
fn tree_of(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for e in fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let ft = e.file_type().unwrap();
            let m = mode(&p);
            if ft.is_dir() {
                out.insert(p.clone(), format!("dir {m:o}"));
                walk(&p, out);
            } else if ft.is_symlink() {
                out.insert(
                    p.clone(),
                    format!("link {}", fs::read_link(&p).unwrap().display()),
                );
            } else if ft.is_file() {
                let bytes = String::from_utf8_lossy(&fs::read(&p).unwrap()).into_owned();
                out.insert(p.clone(), format!("file {m:o} {bytes}"));
            } else {
                out.insert(p.clone(), format!("special {m:o}"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

const TOOL: &str = "collection/skills/tool";
const PTOOL: &str = "project/.claude/skills/tool";

/// A collection skill with an executable script, a private (700) folder, an empty folder and a
/// 600 file.
fn tool() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/tool/SKILL.md
        ---
        name: tool
        ---
        Run scripts/run.sh.
        //- collection/skills/tool/scripts/run.sh
        #!/bin/sh
        echo run
        //- collection/skills/tool/private/notes.md
        private notes
        "#,
    );
    fs::create_dir(env.path(&format!("{TOOL}/data"))).unwrap();
    chmod(&env.path(&format!("{TOOL}/scripts/run.sh")), 0o755);
    chmod(&env.path(&format!("{TOOL}/private/notes.md")), 0o600);
    chmod(&env.path(&format!("{TOOL}/private")), 0o700);
    env
}

#[track_caller]
fn assert_tool_modes(env: &Env, root: &str) {
    let p = |rel: &str| env.path(&format!("{root}/{rel}"));
    assert_eq!(mode(&p("scripts/run.sh")), 0o755, "{root}/scripts/run.sh");
    assert_eq!(mode(&p("SKILL.md")), 0o644, "{root}/SKILL.md");
    assert_eq!(mode(&p("private")), 0o700, "{root}/private");
    assert_eq!(
        mode(&p("private/notes.md")),
        0o600,
        "{root}/private/notes.md"
    );
    assert!(
        p("data").is_dir(),
        "{root}/data (an empty folder) is missing"
    );
}

#[test]
fn modes_and_empty_folders_survive_deploy_sync_and_rollback() {
    let env = tool();
    let r = env.run(&["deploy", "skill:tool"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_tool_modes(&env, PTOOL);
    assert_eq!(state(&env, "skill:tool"), "synced");

    // A collection edit fast-forwards the project: nothing it does not change is reset.
    env.write(
        &format!("{TOOL}/SKILL.md"),
        "---\nname: tool\n---\nRun it.\n",
    );
    env.write(&format!("{TOOL}/scripts/new.sh"), "echo new\n");
    chmod(&env.path(&format!("{TOOL}/scripts/new.sh")), 0o755);
    assert_eq!(state(&env, "skill:tool"), "outdated");
    let r = env.run(&["sync", "skill:tool", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_tool_modes(&env, PTOOL);
    assert_eq!(mode(&env.path(&format!("{PTOOL}/scripts/new.sh"))), 0o755);
    assert_eq!(state(&env, "skill:tool"), "synced");
    assert_eq!(
        tree_of(&env.path(TOOL)).len(),
        tree_of(&env.path(PTOOL)).len()
    );

    // A mode-only change in the project is a change (git's "mode change"): status says so, and a
    // sync from the unchanged collection has nothing to take and leaves it alone.
    chmod(&env.path(&format!("{PTOOL}/scripts/run.sh")), 0o644);
    assert_eq!(state(&env, "skill:tool"), "modified");
    let d = env.run(&["diff", "skill:tool"]);
    assert!(
        d.stdout.contains("mode change 755 => 644 scripts/run.sh"),
        "{d:?}"
    );
    let r = env.run(&["sync", "skill:tool", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(mode(&env.path(&format!("{PTOOL}/scripts/run.sh"))), 0o644);

    // Rolling back to the first deployment brings its modes back, and its files.
    let r = env.run(&["rollback", "skill:tool", "--to", "v1", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(mode(&env.path(&format!("{PTOOL}/scripts/run.sh"))), 0o755);
    assert!(!env.path(&format!("{PTOOL}/scripts/new.sh")).exists());
    assert_tool_modes(&env, PTOOL);
    // ... and the 644 it replaced was kept as a version: rolling forward to it restores it.
    let h = env.run(&["history", "skill:tool", "--json"]);
    assert_eq!(h.code, 0, "{h:?}");
    let kept = h.json()["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["origin"] == "local_modification")
        .map(|v| v["version"].as_str().unwrap().to_string())
        .next()
        .expect("the mode-only change was stored as a version");
    let r = env.run(&["rollback", "skill:tool", "--to", &kept, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(mode(&env.path(&format!("{PTOOL}/scripts/run.sh"))), 0o644);
}

#[test]
fn a_project_chmod_is_kept_by_a_merge_and_pushed_by_a_sync_to_the_collection() {
    let env = tool();
    assert_eq!(env.run(&["deploy", "skill:tool"]).code, 0);
    // The project makes its folder private and adds an empty folder; the collection edits text.
    chmod(&env.path(PTOOL), 0o700);
    fs::create_dir(env.path(&format!("{PTOOL}/cache"))).unwrap();
    env.write(
        &format!("{TOOL}/SKILL.md"),
        "---\nname: tool\n---\nRun it.\n",
    );
    let r = env.run(&["sync", "skill:tool", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        env.read(&format!("{PTOOL}/SKILL.md")),
        "---\nname: tool\n---\nRun it.\n"
    );
    assert_eq!(mode(&env.path(PTOOL)), 0o700, "the folder mode was reset");
    assert!(
        env.path(&format!("{PTOOL}/cache")).is_dir(),
        "the empty folder was deleted"
    );
    assert_tool_modes(&env, PTOOL);
    // Pushing carries them into the collection.
    let r = env.run(&[
        "sync",
        "skill:tool",
        "--direction",
        "project-to-collection",
        "--apply",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(mode(&env.path(TOOL)), 0o700);
    assert!(env.path(&format!("{TOOL}/cache")).is_dir());
    assert_eq!(state(&env, "skill:tool"), "synced");
}

/// A skill whose script imports a module through `scripts/lib -> ../lib`, with a file link too.
fn linked() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/py/SKILL.md
        ---
        name: py
        ---
        Run scripts/main.py.
        //- collection/skills/py/lib/helper.py
        WORD = "helped"
        //- collection/skills/py/scripts/main.py
        import os, sys
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
        from helper import WORD
        print(WORD)
        "#,
    );
    symlink("../lib", env.path("collection/skills/py/scripts/lib")).unwrap();
    symlink(
        "../SKILL.md",
        env.path("collection/skills/py/scripts/README.md"),
    )
    .unwrap();
    env
}

#[track_caller]
fn assert_links(env: &Env, root: &str) {
    let lib = env.path(&format!("{root}/scripts/lib"));
    assert_eq!(
        fs::read_link(&lib).unwrap(),
        Path::new("../lib"),
        "{root}/scripts/lib"
    );
    assert_eq!(
        fs::read_to_string(lib.join("helper.py")).unwrap(),
        "WORD = \"helped\"\n"
    );
    let readme = env.path(&format!("{root}/scripts/README.md"));
    assert_eq!(fs::read_link(&readme).unwrap(), Path::new("../SKILL.md"));
}

#[test]
fn links_inside_a_skill_are_deployed_as_links_and_the_script_still_imports() {
    let env = linked();
    let r = env.run(&["deploy", "skill:py"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_links(&env, "project/.claude/skills/py");
    assert_eq!(state(&env, "skill:py"), "synced");
    if let Ok(out) = std::process::Command::new("python3")
        .arg(env.path("project/.claude/skills/py/scripts/main.py"))
        .output()
    {
        assert_eq!(String::from_utf8_lossy(&out.stdout), "helped\n", "{out:?}");
    }
    // A collection change fast-forwards without dropping the links.
    env.write(
        "collection/skills/py/lib/helper.py",
        "WORD = \"helped twice\"\n",
    );
    let r = env.run(&["sync", "skill:py", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lib = env.path("project/.claude/skills/py/scripts/lib");
    assert_eq!(fs::read_link(&lib).unwrap(), Path::new("../lib"));
    assert_eq!(
        fs::read_to_string(lib.join("helper.py")).unwrap(),
        "WORD = \"helped twice\"\n"
    );
    assert_eq!(state(&env, "skill:py"), "synced");
    // Rollback to the first deployment keeps them too.
    let r = env.run(&["rollback", "skill:py", "--to", "v1", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_links(&env, "project/.claude/skills/py");
}

#[test]
fn add_from_a_local_folder_keeps_links_and_modes() {
    let env = Env::new(
        r#"
        //- src/py/SKILL.md
        ---
        name: py
        ---
        //- src/py/lib/helper.py
        WORD = "helped"
        //- src/py/scripts/run.sh
        echo run
        "#,
    );
    symlink("../lib", env.path("src/py/scripts/lib")).unwrap();
    symlink("../SKILL.md", env.path("src/py/scripts/README.md")).unwrap();
    chmod(&env.path("src/py/scripts/run.sh"), 0o755);
    let src = env.path("src/py").display().to_string();
    let r = env.run(&["add", &src]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_links(&env, "collection/skills/py");
    assert_eq!(
        mode(&env.path("collection/skills/py/scripts/run.sh")),
        0o755
    );
}

#[test]
fn a_fifo_is_refused_by_name_and_nothing_is_written() {
    let env = tool();
    assert_eq!(env.run(&["deploy", "skill:tool"]).code, 0);
    let fifo = env.path(&format!("{PTOOL}/scripts/pipe"));
    mkfifo(fifo);
    env.write(
        &format!("{TOOL}/SKILL.md"),
        "---\nname: tool\n---\nchanged\n",
    );
    let before = (tree_of(&env.path(PTOOL)), tree_of(&env.path(TOOL)));
    assert_refused(
        &env,
        &["sync", "skill:tool", "--apply"],
        1,
        &["scripts/pipe", "FIFO"],
    );
    assert_refused(
        &env,
        &["deploy", "skill:tool", "--overwrite"],
        1,
        &["scripts/pipe", "FIFO"],
    );
    assert_eq!(
        (tree_of(&env.path(PTOOL)), tree_of(&env.path(TOOL))),
        before
    );
    // Status says the copy cannot be synced rather than calling it synced or outdated.
    assert_eq!(state(&env, "skill:tool"), "error");

    // In the collection: deploy refuses it and writes nothing.
    let env = tool();
    mkfifo(env.path(&format!("{TOOL}/pipe")));
    assert_refused(&env, &["deploy", "skill:tool"], 1, &["tool/pipe", "FIFO"]);
    assert!(!env.path(PTOOL).exists());
}

#[test]
fn links_leading_out_are_refused_by_name_and_nothing_is_written() {
    // Climbing out into a sibling skill: it resolves, but outside this artifact.
    let env = tool();
    env.write(
        "collection/skills/other/SKILL.md",
        "---\nname: other\n---\n",
    );
    symlink("../../other", env.path(&format!("{TOOL}/scripts/other"))).unwrap();
    assert_refused(
        &env,
        &["deploy", "skill:tool"],
        1,
        &["scripts/other", "outside the artifact"],
    );
    assert!(!env.path(PTOOL).exists());

    // Absolute, even when it points inside: a copy elsewhere would lead back to the original.
    let env = tool();
    symlink(
        env.path(&format!("{TOOL}/SKILL.md")),
        env.path(&format!("{TOOL}/abs.md")),
    )
    .unwrap();
    assert_refused(&env, &["deploy", "skill:tool"], 1, &["abs.md", "absolute"]);

    // In the project, before a sync: refused, the project tree unchanged.
    let env = tool();
    assert_eq!(env.run(&["deploy", "skill:tool"]).code, 0);
    symlink("../../../../x", env.path(&format!("{PTOOL}/out"))).unwrap();
    env.write(
        &format!("{TOOL}/SKILL.md"),
        "---\nname: tool\n---\nchanged\n",
    );
    let before = tree_of(&env.path(PTOOL));
    assert_refused(
        &env,
        &["sync", "skill:tool", "--apply"],
        1,
        &["out", "outside the artifact"],
    );
    assert_eq!(tree_of(&env.path(PTOOL)), before);
}

#[test]
fn add_from_git_carries_the_executable_bit_and_links_inside_the_skill() {
    let env = Env::new(
        r#"
        //- upstream/skills/py/SKILL.md
        ---
        name: py
        ---
        //- upstream/skills/py/lib/helper.py
        WORD = "helped"
        //- upstream/skills/py/scripts/run.sh
        echo run
        "#,
    );
    let up = support::git::Repo::init(&env, "upstream");
    symlink("../lib", env.path("upstream/skills/py/scripts/lib")).unwrap();
    symlink(
        "../SKILL.md",
        env.path("upstream/skills/py/scripts/README.md"),
    )
    .unwrap();
    chmod(&env.path("upstream/skills/py/scripts/run.sh"), 0o755);
    up.commit("py");
    let r = env.run(&["add", &up.url(), "--path", "skills/py"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_links(&env, "collection/skills/py");
    assert_eq!(
        mode(&env.path("collection/skills/py/scripts/run.sh")),
        0o755
    );
    assert_eq!(mode(&env.path("collection/skills/py/SKILL.md")), 0o644);
}

/// The one write path's compare-and-swap compares modes too: a `chmod` made while a sync is
/// paused just before its swap (editors and shells take no lock) is kept, and nothing recorded.
#[test]
fn a_chmod_just_before_the_swap_stops_the_sync_and_is_kept() {
    let env = tool();
    assert_eq!(env.run(&["deploy", "skill:tool"]).code, 0);
    env.write(&format!("{TOOL}/SKILL.md"), "---\nname: tool\n---\nv2\n");
    let history = |env: &Env| {
        env.run(&["history", "skill:tool", "--json"]).json()["versions"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = history(&env);
    let sync = env.run_paused("before-swap", &["sync", "skill:tool", "--apply"]);
    let script = env.path(&format!("{PTOOL}/scripts/run.sh"));
    chmod(&script, 0o700);
    let out = sync.resume();
    let stderr = &out.stderr;
    assert_eq!(out.code, 4, "{stderr}");
    assert!(stderr.contains("changed while"), "{stderr}");
    assert_eq!(mode(&script), 0o700, "the chmod was undone by the sync");
    assert!(env
        .read(&format!("{PTOOL}/SKILL.md"))
        .contains("Run scripts/run.sh."));
    assert_eq!(history(&env), before, "something was recorded");
    // Run again: the chmod and the collection's edit are both kept.
    assert_eq!(env.run(&["sync", "skill:tool", "--apply"]).code, 0);
    assert_eq!(mode(&script), 0o700);
    assert!(env.read(&format!("{PTOOL}/SKILL.md")).contains("v2"));
}
