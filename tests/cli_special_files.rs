//! Special files a shared collection or a project can hold where skillmeat-lsp expects its own:
//! a lock file that is a link leading out, a FIFO where a manifest or lock belongs. None is
//! written through, none makes a command wait.

use crate::support;

use std::time::{Duration, Instant};

use support::{three_deployed as deployed, Env};

/// Runs the binary on `env`, killing it after 10 s; returns (exit code, stderr, time taken).
fn run_bounded(env: &Env, args: &[&str]) -> (Option<i32>, String, Duration) {
    let mut cmd = env.command();
    cmd.arg("--workspace")
        .arg(env.project())
        .arg("--collection")
        .arg(env.collection())
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err, started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            return (None, String::new(), started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[test]
fn a_lock_file_linked_out_of_the_collection_or_project_is_never_written_through() {
    // A shared collection commits `skills/.s.skillmeat-lsp.lock -> ../../victim` (git keeps
    // links); taking the lock used to write the pid into the victim.
    for (lock, args) in [
        (
            "collection/skills/.s.skillmeat-lsp.lock",
            &[
                "sync",
                "skill:s",
                "--direction",
                "project-to-collection",
                "--strategy",
                "overwrite",
                "--apply",
            ][..],
        ),
        (
            "project/.claude/skills/.other.skillmeat-lsp.lock",
            &["deploy", "skill:other"][..],
        ),
    ] {
        let env = deployed();
        env.write("project/.claude/skills/s/SKILL.md", "S edited.\n");
        env.write("collection/skills/other/SKILL.md", "Other newer.\n");
        env.write("victim", "precious\n");
        let depth = lock.matches('/').count();
        std::os::unix::fs::symlink(format!("{}victim", "../".repeat(depth)), env.path(lock))
            .unwrap();
        let (code, err, _) = run_bounded(&env, args);
        assert_eq!(
            env.read("victim"),
            "precious\n",
            "{args:?} wrote through {lock}"
        );
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(
            err.contains(".skillmeat-lsp.lock") && err.contains("remove it"),
            "{err}"
        );
    }
}

#[test]
fn a_fifo_where_a_manifest_or_lock_belongs_is_refused_at_once() {
    for fifo in [
        "collection/collection.toml",
        "collection/collection.lock",
        "project/.claude/.skillmeat-deployed.toml",
        "collection/commands/.c.md.skillmeat-lsp.lock",
    ] {
        let env = deployed();
        env.write("project/.claude/commands/c.md", "C edited.\n");
        mkfifo(&env.path(fifo));
        let kept = env.read("collection/commands/c.md");
        let name = fifo.rsplit('/').next().unwrap();
        for args in [
            &["status"][..],
            &[
                "sync",
                "command:c",
                "--direction",
                "project-to-collection",
                "--strategy",
                "overwrite",
                "--apply",
            ][..],
        ] {
            if name.ends_with(".lock") && args == ["status"] {
                continue; // status takes no lock
            }
            let (code, err, took) = run_bounded(&env, args);
            assert!(
                took < Duration::from_secs(5),
                "{args:?} with a FIFO at {fifo} hung"
            );
            assert_eq!(code, Some(1), "{args:?} with a FIFO at {fifo}: {err}");
            assert!(err.contains(name), "{err}");
        }
        assert_eq!(env.read("collection/commands/c.md"), kept);
    }
}

#[test]
fn a_lineage_database_that_is_a_link_is_refused_and_what_it_points_at_is_left_alone() {
    // Another project's database (ours, so every other check passes), and a link to it.
    let env = deployed();
    let db = env.path("project/.skillmeat/lineage.db");
    let other = env.path("other-project.db");
    std::fs::rename(&db, &other).unwrap();
    for f in ["lineage.db-wal", "lineage.db-shm"] {
        let _ = std::fs::remove_file(env.path(&format!("project/.skillmeat/{f}")));
    }
    std::os::unix::fs::symlink("../../other-project.db", &db).unwrap();
    env.write("collection/skills/s/SKILL.md", "S newer.\n");
    for args in [
        &["status"][..],
        &["deploy", "skill:s"][..],
        &["history", "skill:s"][..],
    ] {
        support::assert_refused(&env, args, 1, &["lineage.db", "symlink"]);
    }
}
