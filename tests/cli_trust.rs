//! Trust boundaries (docs/design.md §12): a collection or project someone else wrote never runs code here,
//! never reads or writes outside its folders, and a database we did not create is left alone.

use crate::support;

use std::os::unix::fs::PermissionsExt;

use support::git::Repo;
use support::{assert_refused, Env};

const SKILL: &str = "---\nname: pdf\n---\nBody.\n";

/// The first 20 hex digits of the SHA-256 of `url`: the cache key earlier builds used.
fn url_key(url: &str) -> String {
    skillmeat_core::hash::hash_bytes(url.as_bytes())[..20].to_string()
}

#[test]
fn a_fetch_cache_committed_into_a_collection_is_never_used_and_its_hooks_never_run() {
    let env = Env::new("");
    let up = Repo::init(&env, "upstream");
    up.write("skills/pdf/SKILL.md", SKILL);
    let sha = up.commit("first");
    up.write("skills/pdf/SKILL.md", "---\nname: pdf\n---\nNewer.\n");
    up.commit("second");

    // Someone else's collection repository: one skill following the upstream, and a fetch cache
    // for that upstream with a hook that would leave a marker if git ever ran it.
    let hostile = Repo::init(&env, "hostile");
    hostile.write("skills/pdf/SKILL.md", SKILL);
    hostile.write(
        "collection.toml",
        &format!(
            "[collection]\nname = \"shared\"\n\n[[artifacts]]\nname = \"pdf\"\ntype = \"skill\"\npath = \"skills/pdf\"\nupstream = \"{}\"\nupstream_path = \"skills/pdf\"\nversion_spec = \"main\"\nresolved_sha = \"{sha}\"\n",
            up.url()
        ),
    );
    let cache = format!(".skillmeat-lsp/git/{}.git", url_key(&up.url()));
    let cache_dir = hostile.dir.join(&cache);
    let init = std::process::Command::new("git")
        .args(["init", "-q", "--bare", "--template="])
        .arg(&cache_dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", env.path("home"))
        .status()
        .unwrap();
    assert!(init.success());
    // Empty folders do not survive a clone; these keep the cache a repository after one.
    for keep in ["refs/heads/.keep", "refs/tags/.keep", "objects/.keep"] {
        hostile.write(&format!("{cache}/{keep}"), "");
    }
    let marker = env.path("hook-ran");
    for hook in ["reference-transaction", "post-update", "pre-auto-gc"] {
        let h = cache_dir.join("hooks").join(hook);
        std::fs::create_dir_all(h.parent().unwrap()).unwrap();
        std::fs::write(&h, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
        std::fs::set_permissions(&h, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    hostile.git(&["add", "-A", "-f"]);
    hostile.git(&["commit", "-q", "-m", "shared collection"]);
    std::fs::remove_dir_all(env.collection()).unwrap();
    let clone = std::process::Command::new("git")
        .args(["clone", "-q"])
        .arg(&hostile.dir)
        .arg(env.collection())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", env.path("home"))
        .status()
        .unwrap();
    assert!(clone.success());
    let cloned_hook = env
        .collection()
        .join(&cache)
        .join("hooks/reference-transaction");
    assert!(
        cloned_hook.metadata().unwrap().permissions().mode() & 0o111 != 0,
        "the clone keeps the hook executable, as in the report"
    );

    let r = env.run(&["check-upstream"]);
    assert_eq!(r.code, 1, "the upstream moved on: {r:?}");
    assert!(r.stdout.contains("behind"), "{}", r.stdout);
    assert!(!marker.exists(), "a hook from the collection ran");
    assert!(
        r.stdout.contains(".skillmeat-lsp/git") && r.stdout.contains("never used"),
        "the old cache is named in a warning: {}",
        r.stdout
    );
    assert!(env.path("home/.cache/skillmeat-lsp/git").is_dir());
    let r = env.run(&[
        "sync",
        "skill:pdf",
        "--direction",
        "upstream-to-collection",
        "--apply",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!marker.exists(), "a hook from the collection ran");
    assert!(env
        .read("collection/skills/pdf/SKILL.md")
        .contains("Newer."));
}

#[test]
fn hooks_never_run_even_from_the_users_own_cache() {
    // The cache repository is ours, but a hook put into it by anything else still never runs.
    let env = Env::new("");
    let up = Repo::init(&env, "upstream");
    up.write("commands/review.md", "Review.\n");
    up.commit("first");
    let r = env.run(&[
        "add",
        &up.url(),
        "--path",
        "commands/review.md",
        "--ref",
        "main",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    // Wherever the cache is, a hook in it must not run (this also held for earlier builds'
    // cache in the collection).
    let key = format!("{}.git", url_key(&up.url()));
    let cache = [
        env.path("home/.cache/skillmeat-lsp/git").join(&key),
        env.path("collection/.skillmeat-lsp/git").join(&key),
    ]
    .into_iter()
    .find(|p| p.join("HEAD").is_file())
    .expect("add made a fetch cache");
    let marker = env.path("hook-ran");
    let h = cache.join("hooks/reference-transaction");
    std::fs::create_dir_all(h.parent().unwrap()).unwrap();
    std::fs::write(&h, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
    std::fs::set_permissions(&h, std::fs::Permissions::from_mode(0o755)).unwrap();
    up.write("commands/review.md", "Review again.\n");
    up.commit("second");
    let r = env.run(&["check-upstream"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!marker.exists(), "git ran a hook of the cache repository");
}

/// [`support::three_deployed`], and a versioned rollback target for `skill:s`.
fn deployed() -> Env {
    let env = support::three_deployed();
    env.write("project/.claude/skills/s/SKILL.md", "S edited.\n");
    assert_eq!(env.run(&["status"]).code, 1);
    env
}

/// Every command that reads or writes artifacts, as the issue lists them.
const COMMANDS: &[&[&str]] = &[
    &["status"],
    &["deploy", "skill:s"],
    &["sync", "skill:s", "--apply"],
    &[
        "sync",
        "skill:s",
        "--direction",
        "project-to-collection",
        "--strategy",
        "overwrite",
        "--apply",
    ],
    &["sync", "--all", "--apply"],
    &["rollback", "skill:s", "--to", "v1", "--yes"],
    &["diff", "skill:s"],
    &["history", "skill:s"],
];

#[test]
fn collection_manifest_paths_other_than_the_artifacts_own_are_refused_by_every_command() {
    for bad in [
        "skills",
        "skills/s/..",
        "../s",
        "/tmp",
        "skills/other",
        "linkout/s",
    ] {
        let env = deployed();
        env.write(
            "collection/collection.toml",
            &format!(
                "[collection]\nname = \"c\"\n\n[[artifacts]]\nname = \"s\"\ntype = \"skill\"\npath = \"{bad}\"\n"
            ),
        );
        for args in COMMANDS {
            assert_refused(&env, args, 1, &["collection.toml", "skill:s", "`skills/s`"]);
        }
        let src = env.path("elsewhere");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("SKILL.md"), "New.\n").unwrap();
        assert_refused(
            &env,
            &[
                "add",
                src.to_str().unwrap(),
                "--type",
                "skill",
                "--name",
                "n",
            ],
            1,
            &["collection.toml", "skill:s"],
        );
        assert_eq!(env.read("collection/skills/other/SKILL.md"), "Other.\n");
    }
}

#[test]
fn deployed_file_paths_other_than_the_artifacts_own_are_refused_by_every_command() {
    for bad in ["skills", "skills/s/..", "../s", "/tmp/s"] {
        let env = deployed();
        env.write(
            "project/.claude/.skillmeat-deployed.toml",
            &format!(
                "[[deployed]]\nartifact_name = \"s\"\nartifact_type = \"skill\"\nartifact_path = \"{bad}\"\ncontent_hash = \"{}\"\n",
                "a".repeat(64)
            ),
        );
        for args in COMMANDS {
            assert_refused(
                &env,
                args,
                1,
                &[".skillmeat-deployed.toml", "skill:s", "`artifact_path`"],
            );
        }
    }
}

#[test]
fn type_folders_linked_out_of_the_collection_or_project_are_refused_by_every_command() {
    // The collection's `skills/` and the project's `.claude/skills/` in turn lead elsewhere.
    for (link, what) in [
        ("collection/skills", "outside the collection"),
        ("project/.claude/skills", "outside the project"),
        ("project/.claude", "outside the project"),
    ] {
        let env = deployed();
        let victim = env.path("victim");
        let real = env.path(link);
        std::fs::rename(&real, &victim).unwrap();
        std::os::unix::fs::symlink(&victim, &real).unwrap();
        for args in COMMANDS {
            assert_refused(&env, args, 1, &[link.rsplit('/').next().unwrap(), what]);
        }
    }
}

#[test]
fn a_manifest_path_through_a_folder_linked_outside_is_neither_read_nor_written() {
    // The report's case: `linkout -> /elsewhere`, and `collection.toml` placing an artifact there.
    let env = deployed();
    env.write_fixture(
        r#"
        //- elsewhere/victim.md
        Victim.
        //- collection/collection.toml
        [[artifacts]]
        name = "victim"
        type = "command"
        path = "linkout/victim.md"
        //- project/.claude/commands/victim.md
        Pushed.
        "#,
    );
    std::os::unix::fs::symlink(env.path("elsewhere"), env.path("collection/linkout")).unwrap();
    let r = env.run(&["status", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.stdout.contains("Victim"), "{}", r.stdout);
    assert!(
        r.stderr.contains("linkout/victim.md") && r.stderr.contains("command:victim"),
        "{}",
        r.stderr
    );
    for args in [
        &[
            "sync",
            "command:victim",
            "--direction",
            "project-to-collection",
            "--strategy",
            "overwrite",
            "--apply",
        ][..],
        &[
            "sync",
            "--all",
            "--direction",
            "project-to-collection",
            "--strategy",
            "overwrite",
            "--apply",
        ][..],
    ] {
        assert_refused(&env, args, 1, &["collection.toml", "command:victim"]);
    }
    assert_eq!(env.read("elsewhere/victim.md"), "Victim.\n");
}

#[test]
fn a_command_file_linked_to_outside_is_never_overwritten() {
    let env = deployed();
    env.write_fixture(
        r#"
        //- victim.md
        Victim.
        //- project/.claude/commands/c.md
        Pushed.
        "#,
    );
    let cmd = env.path("collection/commands/c.md");
    std::fs::remove_file(&cmd).unwrap();
    std::os::unix::fs::symlink(env.path("victim.md"), &cmd).unwrap();
    let r = env.run(&[
        "sync",
        "command:c",
        "--direction",
        "project-to-collection",
        "--strategy",
        "overwrite",
        "--apply",
    ]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("c.md") && r.stderr.contains("outside"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read("victim.md"), "Victim.\n");
}

#[test]
fn a_database_another_program_created_is_left_byte_identical() {
    let env = deployed();
    let db = env.path("project/.skillmeat/lineage.db");
    std::fs::remove_file(&db).unwrap();
    for f in ["lineage.db-wal", "lineage.db-shm"] {
        let _ = std::fs::remove_file(env.path(&format!("project/.skillmeat/{f}")));
    }
    let made = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE foo (x)'); c.execute('INSERT INTO foo VALUES (1)'); c.commit()",
            db.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(made.success());
    for args in COMMANDS {
        assert_refused(
            &env,
            args,
            1,
            &["lineage.db", "did not create", "foo", "move it away"],
        );
    }
}

#[test]
fn malformed_lock_and_manifests_are_named_with_their_key_and_nothing_is_written() {
    for (file, body, needles) in [
        (
            "collection/collection.lock",
            "lock = 3\n",
            &["collection.lock", "`lock`"][..],
        ),
        (
            "collection/collection.lock",
            "[lock.entries.\"s::skill\"]\ncontent_hash = 7\n",
            &["collection.lock", "`content_hash`"][..],
        ),
        (
            "collection/collection.lock",
            "\u{0}\u{1}garbage",
            &["collection.lock"][..],
        ),
        (
            "collection/collection.toml",
            "[[artifacts]]\nname = \"s\"\ntype = 1\n",
            &["collection.toml", "`type`"][..],
        ),
        (
            "collection/collection.toml",
            "artifacts = 5\n",
            &["collection.toml", "`artifacts`"][..],
        ),
        (
            "project/.claude/.skillmeat-deployed.toml",
            "[[deployed]]\nartifact_name = \"s\"\nartifact_type = \"skill\"\ncontent_hash = [1]\n",
            &[".skillmeat-deployed.toml", "`content_hash`"][..],
        ),
        (
            "project/.claude/.skillmeat-deployed.toml",
            "deployed = \"x\"\n",
            &[".skillmeat-deployed.toml", "`deployed`"][..],
        ),
    ] {
        let env = deployed();
        env.write(file, body);
        for args in COMMANDS {
            assert_refused(&env, args, 1, needles);
        }
    }
}

#[test]
fn limits_are_clear_errors_that_write_nothing_and_never_hang() {
    // How fast a limit answers is the benchmark's business (no timed assertions here); this
    // only guards against the pathology the limits exist for, a command taking minutes.
    let timed = |env: &Env, args: &[&str], code: i32, needles: &[&str]| {
        let before = env.snapshot();
        let started = std::time::Instant::now();
        let r = env.run(args);
        let took = started.elapsed();
        assert_eq!(r.code, code, "{args:?}: {r:?}");
        for n in needles {
            assert!(r.stderr.contains(n), "{args:?} lacks {n:?}: {}", r.stderr);
        }
        assert!(
            took < std::time::Duration::from_secs(60),
            "{args:?} took {took:?}"
        );
        support::assert_unchanged(&before, &env.snapshot(), &format!("{args:?}"));
    };
    // A manifest of 9 MiB (one long comment: valid TOML, so only the size is wrong).
    let env = deployed();
    env.write(
        "collection/collection.toml",
        &format!("# {}\n", "x".repeat(9 * 1024 * 1024)),
    );
    timed(&env, &["status"], 1, &["collection.toml", "8 MiB"]);
    let env = deployed();
    env.write(
        "project/.claude/.skillmeat-deployed.toml",
        &format!("# {}\n", "x".repeat(9 * 1024 * 1024)),
    );
    timed(&env, &["status"], 1, &[".skillmeat-deployed.toml", "8 MiB"]);

    // A name the file system could take but the names built from it could not.
    let env = deployed();
    let long = "n".repeat(200);
    env.write(&format!("collection/commands/{long}.md"), "Long.\n");
    timed(
        &env,
        &["deploy", &format!("command:{long}")],
        2,
        &["longer than 128 bytes"],
    );

    // An artifact of 10,001 files, and one of 96 MiB in three sparse files.
    let env = deployed();
    for i in 0..10_001 {
        env.write(&format!("collection/skills/many/f{i}"), "");
    }
    env.write("collection/skills/many/SKILL.md", "Many.\n");
    timed(&env, &["deploy", "skill:many"], 1, &["many", "10000 files"]);
    let env = deployed();
    env.write("collection/skills/big/SKILL.md", "Big.\n");
    for i in 0..3 {
        let f = std::fs::File::create(env.path(&format!("collection/skills/big/part{i}"))).unwrap();
        f.set_len(32 * 1024 * 1024).unwrap();
    }
    timed(&env, &["deploy", "skill:big"], 1, &["big", "64 MiB"]);
}

#[test]
fn folders_nested_thousands_deep_are_a_clear_error_not_a_stack_overflow() {
    // git stores such a tree happily; the walk used to recurse once per level and abort.
    let env = deployed();
    // Relative creation: the absolute path is longer than PATH_MAX.
    let made = std::process::Command::new("python3")
        .args([
            "-c",
            "import os,sys; os.chdir(sys.argv[1])\nfor _ in range(1500): os.mkdir('d'); os.chdir('d')\nopen('f','w').write('deep')",
            env.path("collection/skills/s").to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(made.success());
    let r = env.run(&["status"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("more than 64 deep") || r.stderr.contains("more than 64 deep"),
        "{r:?}"
    );
    assert_refused(&env, &["deploy", "skill:s"], 1, &["skills/s", "64 deep"]);
}
