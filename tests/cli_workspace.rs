//! Finding the workspace (docs/design.md §12): the search never takes the user's own `~/.claude` or
//! SkillMeat's data, writing commands say where they wrote, and read-only commands in a folder
//! that is not a project create nothing.

use crate::support;

use support::Env;

/// Runs the binary in `cwd` without `--workspace`, as a person would.
fn run_in(env: &Env, cwd: &str, args: &[&str]) -> support::Run {
    let out = env
        .command()
        .current_dir(env.path(cwd))
        .arg("--collection")
        .arg(env.collection())
        .args(args)
        .output()
        .unwrap();
    support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A user whose `~/.claude` holds their own skills and `~/.skillmeat` SkillMeat's data, with a
/// new project folder under `$HOME` that has no `.claude/` of its own.
fn user_with_home_claude() -> Env {
    let env = Env::new(
        r#"
        //- collection/commands/review.md
        Review.
        //- home/.claude/skills/mine/SKILL.md
        Mine.
        //- home/.claude/settings.json
        {}
        //- home/.skillmeat/config.toml
        [settings]
        //- home/code/new-project/README.md
        A new project.
        "#,
    );
    std::fs::create_dir_all(env.path("home/code/new-project/src")).unwrap();
    env
}

#[test]
fn deploy_from_a_folder_under_home_never_writes_the_users_own_claude_folder() {
    let env = user_with_home_claude();
    let r = run_in(
        &env,
        "home/code/new-project/src",
        &["deploy", "command:review"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !env.path("home/.claude/commands").exists(),
        "deploy wrote into ~/.claude"
    );
    assert!(!env.path("home/.skillmeat/lineage.db").exists());
    assert!(!env.path("home/.claude/.skillmeat-deployed.toml").exists());
    // With no project marker anywhere below $HOME, the folder the command ran in is the project,
    // and the command says so.
    let project = env.path("home/code/new-project/src");
    assert_eq!(
        std::fs::read_to_string(project.join(".claude/commands/review.md")).unwrap(),
        "Review.\n"
    );
    assert!(
        r.stderr.contains(&format!(
            "workspace: {}",
            std::fs::canonicalize(&project).unwrap().display()
        )),
        "{}",
        r.stderr
    );
    // A marker (here `.git`) makes the folder above the project, as git finds it.
    std::fs::create_dir_all(env.path("home/code/new-project/.git")).unwrap();
    std::fs::create_dir_all(env.path("home/code/new-project/docs")).unwrap();
    let r = run_in(
        &env,
        "home/code/new-project/docs",
        &["deploy", "command:review"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(env
        .path("home/code/new-project/.claude/commands/review.md")
        .exists());
    assert!(!env.path("home/.claude/commands").exists());
}

#[test]
fn home_and_user_level_data_are_workspaces_only_when_named() {
    let env = user_with_home_claude();
    for cwd in [
        "home",
        "home/.claude",
        "home/.claude/skills/mine",
        "home/.skillmeat",
    ] {
        let before = env.snapshot();
        let r = run_in(&env, cwd, &["deploy", "command:review"]);
        assert_eq!(r.code, 2, "{cwd}: {r:?}");
        assert!(r.stderr.contains("--workspace"), "{}", r.stderr);
        support::assert_unchanged(&before, &env.snapshot(), cwd);
    }
    // Named explicitly, the home folder is used.
    let home = env.path("home");
    let r = run_in(
        &env,
        "home",
        &[
            "--workspace",
            home.to_str().unwrap(),
            "deploy",
            "command:review",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(env.path("home/.claude/commands/review.md").exists());
}

#[test]
fn read_only_commands_in_a_folder_that_is_not_a_project_create_nothing() {
    let env = user_with_home_claude();
    let before = env.snapshot();
    let r = run_in(&env, "home/code/new-project", &["status"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_in(&env, "home/code/new-project", &["status", "--json"]);
    let ws = std::fs::canonicalize(env.path("home/code/new-project")).unwrap();
    assert_eq!(r.json()["workspace"], ws.display().to_string());
    let r = run_in(
        &env,
        "home/code/new-project",
        &["history", "command:review"],
    );
    assert_eq!(r.code, 3, "never deployed: {r:?}");
    let r = run_in(
        &env,
        "home/code/new-project",
        &[
            "diff",
            "command:review",
            "--from",
            "collection",
            "--to",
            "collection",
        ],
    );
    assert!(r.code == 0 || r.code == 1, "{r:?}");
    // Named with --workspace, the same holds.
    let r = env.run(&["status"]);
    assert_eq!(r.code, 0, "{r:?}");
    support::assert_unchanged(&before, &env.snapshot(), "read-only commands");
}
