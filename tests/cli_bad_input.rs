//! Bad input gets a clear error naming what is wrong, the exit code of docs/design.md §9, and no writes.

use crate::support;

use support::{assert_refused, Env};

fn env_with_skill() -> Env {
    Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        ---
        name: pdf
        ---
        Body.
        "#,
    )
}

#[test]
fn traversal_ids_are_usage_errors_and_write_nothing() {
    let env = env_with_skill();
    assert_refused(
        &env,
        &["deploy", "skill:../x"],
        2,
        &["invalid artifact name", "../x"],
    );
    assert_refused(
        &env,
        &["history", "../../etc"],
        2,
        &["invalid artifact name"],
    );
    assert_refused(&env, &["deploy", "skill:.hidden"], 2, &["starts with `.`"]);
    assert_refused(
        &env,
        &["deploy", "widget:pdf"],
        2,
        &["unknown artifact type `widget`"],
    );
}

#[test]
fn unknown_artifacts_are_not_found_and_write_nothing() {
    let env = env_with_skill();
    assert_eq!(env.run(&["status"]).code, 0);
    assert_refused(
        &env,
        &["deploy", "skill:nope"],
        3,
        &["nope", "not in the collection"],
    );
    assert_refused(
        &env,
        &["history", "command:nope"],
        3,
        &["unknown artifact `command:nope`"],
    );
}

#[test]
fn a_missing_collection_is_not_found_names_where_it_looked_and_creates_nothing() {
    let env = env_with_skill();
    let before = env.snapshot();
    let r = env.run_raw(&[
        "--workspace",
        env.project().to_str().unwrap(),
        "--collection",
        "/nonexistent/collection",
        "status",
    ]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr
            .contains("no collection at /nonexistent/collection"),
        "{}",
        r.stderr
    );
    let r2 = env.run_raw(&["--workspace", env.project().to_str().unwrap(), "status"]);
    assert_eq!(r2.code, 3, "{r2:?}");
    assert!(
        r2.stderr.contains(".skillmeat/collections/default"),
        "{}",
        r2.stderr
    );
    support::assert_unchanged(&before, &env.snapshot(), "status");
}

#[test]
fn malformed_toml_files_fail_naming_the_file_and_write_nothing() {
    let env = env_with_skill();
    env.write(
        "project/.claude/.skillmeat-deployed.toml",
        "[[deployed]\nartifact_name = ",
    );
    assert_refused(
        &env,
        &["status"],
        1,
        &[".skillmeat-deployed.toml", "not valid TOML"],
    );

    let env = env_with_skill();
    env.write("collection/collection.toml", "[collection\n");
    assert_refused(&env, &["status"], 1, &["collection.toml", "not valid TOML"]);

    let env = env_with_skill();
    env.write("home/.skillmeat/config.toml", "[settings\n");
    let before = env.snapshot();
    let r = env.run_raw(&["--workspace", env.project().to_str().unwrap(), "status"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("config.toml") && r.stderr.contains("not valid TOML"),
        "{}",
        r.stderr
    );
    support::assert_unchanged(&before, &env.snapshot(), "status");
}

#[test]
fn a_symlink_out_of_the_artifact_is_never_followed() {
    let env = env_with_skill();
    env.write("secret.txt", "TOP SECRET\n");
    std::os::unix::fs::symlink(
        env.path("secret.txt"),
        env.path("collection/skills/pdf/leak.txt"),
    )
    .unwrap();
    assert_refused(
        &env,
        &["deploy", "skill:pdf"],
        1,
        &["leak.txt", "outside the artifact"],
    );
    assert!(!env.path("project/.claude/skills/pdf").exists());

    // In the project: the artifact is reported as an error, the others still get a state.
    let env = env_with_skill();
    env.write("collection/commands/review.md", "review\n");
    assert_eq!(env.run(&["deploy", "skill:pdf", "command:review"]).code, 0);
    env.write("secret.txt", "TOP SECRET\n");
    std::os::unix::fs::symlink(
        env.path("secret.txt"),
        env.path("project/.claude/skills/pdf/leak.txt"),
    )
    .unwrap();
    let r = env.run(&["status", "--json"]);
    assert_eq!(r.code, 1);
    let v = r.json();
    let pdf = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap();
    assert_eq!(pdf["state"], "error");
    assert!(pdf["error"]
        .as_str()
        .unwrap()
        .contains("outside the artifact"));
    let review = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "command:review")
        .unwrap();
    assert_eq!(review["state"], "synced");
    let db = std::fs::read(env.path("project/.skillmeat/lineage.db")).unwrap();
    assert!(
        !db.windows(10).any(|w| w == b"TOP SECRET"),
        "secret content reached the database"
    );
}

/// Runs as an unprivileged user when we are root, since root reads any file regardless of mode.
fn unprivileged(env: &Env, args: &[&str]) -> support::Run {
    use std::os::unix::fs::PermissionsExt;
    let is_root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let mut full = vec![
        "--workspace".to_string(),
        env.project().display().to_string(),
        "--collection".to_string(),
        env.collection().display().to_string(),
    ];
    full.extend(args.iter().map(|s| s.to_string()));
    let mut cmd = if is_root {
        // Let the unprivileged user reach and write the temporary tree.
        fn open_up(p: &std::path::Path) {
            let md = std::fs::symlink_metadata(p).unwrap();
            if md.is_dir() {
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).unwrap();
                for e in std::fs::read_dir(p).unwrap() {
                    open_up(&e.unwrap().path());
                }
            } else if md.is_file() && md.permissions().mode() & 0o777 != 0 {
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o666)).unwrap();
            }
        }
        open_up(env.root());
        let mut c = std::process::Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            support::BIN,
        ]);
        c
    } else {
        std::process::Command::new(support::BIN)
    };
    cmd.args(&full)
        .env("HOME", env.root().join("home"))
        .env("NO_COLOR", "1")
        .env_remove("SKILLMEAT_COLLECTION")
        .env_remove("SKILLMEAT_CONFIG_DIR")
        .env_remove("XDG_CACHE_HOME");
    let out = cmd.output().unwrap();
    support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

#[test]
fn an_unreadable_file_is_reported_by_path_and_blocks_nothing_else() {
    use std::os::unix::fs::PermissionsExt;
    let env = env_with_skill();
    env.write_fixture(
        r#"
        //- collection/commands/review.md
        review
        //- collection/agents/locked.md
        locked
        "#,
    );
    let locked = env.path("collection/agents/locked.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();

    let before = env.snapshot();
    let r = unprivileged(&env, &["deploy", "agent:locked"]);
    assert_eq!(r.code, 5, "permission problems exit 5: {r:?}");
    assert!(
        r.stderr.contains("locked.md") && r.stderr.contains("permission"),
        "{}",
        r.stderr
    );
    assert!(!env.path("project/.claude/agents/locked.md").exists());
    let after = env.snapshot();
    let new: Vec<_> = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .filter(|k| !k.starts_with(env.path("project/.skillmeat")))
        .collect();
    assert!(new.is_empty(), "failed deploy wrote {new:?}");

    let r = unprivileged(&env, &["deploy", "skill:pdf", "command:review"]);
    assert_eq!(r.code, 0, "{r:?}");
    let project_locked = env.path("project/.claude/skills/pdf/SKILL.md");
    std::fs::set_permissions(&project_locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = unprivileged(&env, &["status", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    let pdf = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap();
    assert_eq!(pdf["state"], "error");
    assert!(pdf["error"].as_str().unwrap().contains("SKILL.md"), "{pdf}");
    let review = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "command:review")
        .unwrap();
    assert_eq!(review["state"], "synced");
}

#[test]
fn a_database_from_a_newer_schema_is_refused_and_left_alone() {
    let env = env_with_skill();
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    let db = env.path("project/.skillmeat/lineage.db");
    {
        let c = std::process::Command::new("python3")
            .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 999'); c.commit()", db.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(c.success());
    }
    assert_refused(
        &env,
        &["status"],
        1,
        &["lineage.db", "newer skillmeat-lsp", "upgrade"],
    );
}

#[test]
fn a_corrupt_database_is_refused_and_left_alone() {
    let env = env_with_skill();
    env.write("project/.skillmeat/lineage.db", &"garbage ".repeat(600));
    assert_refused(
        &env,
        &["status"],
        1,
        &["lineage.db", "not a SQLite database"],
    );
}

#[test]
fn unknown_commands_and_flags_are_usage_errors() {
    let env = env_with_skill();
    assert_refused(&env, &["frobnicate"], 2, &["unrecognized subcommand"]);
    assert_refused(&env, &["status", "--bogus"], 2, &["--bogus"]);
}
