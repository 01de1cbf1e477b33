//! Every project at once: the registry of workspaces commands ran in, SkillMeat's own project
//! list, `projects [ID]`, and `sync ID --all-projects` with one project failing (a lock held by
//! another live process) while the others are synced.

use crate::support;

use support::{Env, Run};

const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\n";

/// The collection (skill `pdf`, command `review`) and three projects `p1`..`p3`, each with `pdf`
/// deployed by a command run in it (which registers it); `p1` also has `review`.
fn three_projects() -> Env {
    let env = Env::new(
        r#"
        //- collection/commands/review.md
        Review.
        "#,
    );
    env.write("collection/skills/pdf/SKILL.md", BASE);
    for p in ["p1", "p2", "p3"] {
        std::fs::create_dir_all(env.path(&format!("{p}/.git"))).unwrap();
        let r = in_project(&env, p, &["deploy", "skill:pdf"]);
        assert_eq!(r.code, 0, "{r:?}");
    }
    assert_eq!(in_project(&env, "p1", &["deploy", "review"]).code, 0);
    env
}

pub(crate) fn in_project(env: &Env, project: &str, args: &[&str]) -> Run {
    let ws = env.path(project).display().to_string();
    let col = env.collection().display().to_string();
    let mut full = vec!["--workspace", &ws, "--collection", &col];
    full.extend_from_slice(args);
    env.run_raw(&full)
}

/// Runs a command over every project (from the temporary root, which is no project).
pub(crate) fn everywhere(env: &Env, args: &[&str], extra_env: &[(&str, &str)]) -> Run {
    let col = env.collection().display().to_string();
    let mut c = env.command();
    c.arg("--collection").arg(&col).args(args);
    for (k, v) in extra_env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub(crate) fn canon(env: &Env, p: &str) -> String {
    std::fs::canonicalize(env.path(p))
        .unwrap()
        .display()
        .to_string()
}

/// One deployment as (id, state, version).
type Row = (String, String, String);

/// (project path → its deployments) from `projects --json`.
fn listed(v: &serde_json::Value) -> Vec<(String, Vec<Row>)> {
    v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["deployments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["id"].as_str().unwrap().to_string(),
                        d["state"].as_str().unwrap().to_string(),
                        d["version"].as_str().unwrap_or("-").to_string(),
                    )
                })
                .collect();
            (p["path"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

/// Writes a lock file for `project`'s `pdf` naming this test process (alive, and not the CLI's),
/// as a locker that does not `flock` leaves it: every writer of that artifact must wait for it.
pub(crate) fn hold_lock(env: &Env, project: &str) -> std::path::PathBuf {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 1..];
    let ticks = after.split_whitespace().nth(19).unwrap();
    let lock = env.path(&format!("{project}/.claude/skills/.pdf.skillmeat-lsp.lock"));
    std::fs::write(
        &lock,
        format!("{} 2026-01-01T00:00:00Z {ticks}\n", std::process::id()),
    )
    .unwrap();
    lock
}

#[test]
fn projects_lists_each_deployment_with_its_state_and_version() {
    let env = three_projects();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("one", "one (collection)"),
    );
    env.write(
        "p2/.claude/skills/pdf/SKILL.md",
        &BASE.replace("five", "five (p2)"),
    );
    env.write("p3/.claude/commands/local.md", "not from the collection\n");
    let r = everywhere(&env, &["projects", "--json"], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(
        listed(&v),
        vec![
            (
                canon(&env, "p1"),
                vec![
                    ("skill:pdf".into(), "outdated".into(), "v1".into()),
                    ("command:review".into(), "synced".into(), "v1".into()),
                ]
            ),
            (
                canon(&env, "p2"),
                vec![("skill:pdf".into(), "conflict".into(), "v2".into())]
            ),
            (
                canon(&env, "p3"),
                vec![("skill:pdf".into(), "outdated".into(), "v1".into())]
            ),
        ],
        "untracked project files are no deployment: {v}"
    );
    assert!(v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["source"] == "opened" && p["error"].is_null()));

    // One artifact: only the projects running it, and the tally a lens shows.
    let r = everywhere(&env, &["projects", "review", "--json"], &[]);
    let v = r.json();
    assert_eq!(v["artifact"], "command:review");
    assert_eq!(v["projects"].as_array().unwrap().len(), 1, "{v}");
    let r = everywhere(&env, &["projects", "pdf"], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("skill:pdf: deployed in 3 projects: 2 outdated, 1 in conflict"),
        "{}",
        r.stdout
    );
    let r = everywhere(&env, &["projects", "skill:pfd"], &[]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("did you mean `skill:pdf`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn sync_all_projects_plans_then_applies_everywhere_and_a_locked_project_stops_no_other() {
    let env = three_projects();
    let newer = BASE.replace("one", "one (collection)");
    env.write("collection/skills/pdf/SKILL.md", &newer);
    env.write(
        "p2/.claude/skills/pdf/SKILL.md",
        &BASE.replace("five", "five (p2)"),
    );
    let lock = hold_lock(&env, "p3");

    // The plan alone writes no artifact anywhere.
    let before = env.snapshot();
    let r = everywhere(&env, &["sync", "pdf", "--all-projects", "--json"], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(v["applied"], false);
    assert_eq!(v["projects"].as_array().unwrap().len(), 3, "{v}");
    let after = env.snapshot();
    for (p, b) in &before {
        if p.components().any(|c| c.as_os_str() == ".claude") && p.is_file() {
            assert_eq!(after.get(p), Some(b), "a dry run changed {}", p.display());
        }
    }

    let r = everywhere(
        &env,
        &["sync", "pdf", "--all-projects", "--apply", "--json"],
        &[("SKILLMEAT_LOCK_TIMEOUT_MS", "300")],
    );
    assert_eq!(r.code, 1, "one project failed: {r:?}");
    let v = r.json();
    let by_path = |p: &str| {
        v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["path"] == canon(&env, p))
            .unwrap_or_else(|| panic!("{p} missing: {v}"))
            .clone()
    };
    assert_eq!(by_path("p1")["result"]["kind"], "fast-forward");
    assert_eq!(by_path("p1")["result"]["applied"], true);
    assert_eq!(by_path("p2")["result"]["kind"], "merge");
    assert!(
        by_path("p3")["error"]
            .as_str()
            .is_some_and(|e| e.contains("locked")),
        "{v}"
    );
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(env.read("p1/.claude/skills/pdf/SKILL.md"), newer);
    assert_eq!(
        env.read("p2/.claude/skills/pdf/SKILL.md"),
        newer.replace("five", "five (p2)"),
        "merged clean: both edits kept"
    );
    assert_eq!(
        env.read("p3/.claude/skills/pdf/SKILL.md"),
        BASE,
        "untouched"
    );

    // Once the lock is gone the last project follows; the others are already up to date.
    std::fs::remove_file(lock).unwrap();
    let r = everywhere(&env, &["sync", "pdf", "--all-projects", "--apply"], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read("p3/.claude/skills/pdf/SKILL.md"), newer);
    assert!(
        r.stdout
            .contains(&format!("{}: already up to date", canon(&env, "p1"))),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("3 projects, 3 deployments, 0 failed"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_gone_workspace_is_pruned_and_skillmeats_projects_are_read() {
    let env = three_projects();
    std::fs::remove_dir_all(env.path("p2")).unwrap();
    let r = everywhere(&env, &["projects", "--json"], &[]);
    let paths: Vec<String> = listed(&r.json()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, vec![canon(&env, "p1"), canon(&env, "p3")]);

    // A project SkillMeat deployed to (recorded in its cache database) that we never opened:
    // deployed here with another state folder, so our registry does not know it.
    std::fs::create_dir_all(env.path("p4/.git")).unwrap();
    let mut c = env.command();
    c.env("XDG_STATE_HOME", env.path("elsewhere"));
    let out = c
        .args([
            "--workspace",
            env.path("p4").to_str().unwrap(),
            "--collection",
            env.collection().to_str().unwrap(),
            "deploy",
            "pdf",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    std::fs::create_dir_all(env.path("home/.skillmeat/cache")).unwrap();
    let db = rusqlite::Connection::open(env.path("home/.skillmeat/cache/cache.db")).unwrap();
    db.execute_batch(&format!(
        "CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL UNIQUE);
         INSERT INTO projects VALUES ('collection_artifacts_global', 'Collection Artifacts', '~/.skillmeat/collections');
         INSERT INTO projects VALUES ('a1', 'p4', '{}');
         INSERT INTO projects VALUES ('a2', 'p1', '{}');",
        env.path("p4").display(),
        env.path("p1").display()
    ))
    .unwrap();
    drop(db);
    let before = std::fs::read(env.path("home/.skillmeat/cache/cache.db")).unwrap();
    let r = everywhere(&env, &["projects", "--json"], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let sources: Vec<(String, String)> = v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        vec![
            (canon(&env, "p1"), "opened".into()),
            (canon(&env, "p3"), "opened".into()),
            (canon(&env, "p4"), "skillmeat".into()),
        ],
        "each project once, SkillMeat's sentinel row skipped"
    );
    assert_eq!(
        std::fs::read(env.path("home/.skillmeat/cache/cache.db")).unwrap(),
        before,
        "SkillMeat's database is only read"
    );
    let registry = env.read("home/.local/state/skillmeat-lsp/workspaces.json");
    assert!(
        !registry.contains(&canon(&env, "p4")),
        "reading SkillMeat's list registers nothing: {registry}"
    );
}

#[test]
fn a_plan_everywhere_that_would_conflict_says_so_and_exits_4() {
    let env = three_projects();
    env.write(
        "collection/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (collection)"),
    );
    env.write(
        "p2/.claude/skills/pdf/SKILL.md",
        &BASE.replace("two", "two (p2)"),
    );
    let before = env.snapshot();
    let r = everywhere(&env, &["sync", "pdf", "--all-projects"], &[]);
    assert_eq!(r.code, 4, "as a single sync's plan: {r:?}");
    assert!(r.stdout.contains("would leave conflicts"), "{}", r.stdout);
    assert!(r.stdout.contains("1 with conflicts"), "{}", r.stdout);
    let v = everywhere(&env, &["sync", "pdf", "--all-projects", "--json"], &[]).json();
    assert_eq!(v["summary"]["conflicts"], 1, "{v}");
    let after = env.snapshot();
    for (p, b) in &before {
        if p.components().any(|c| c.as_os_str() == ".claude") && p.is_file() {
            assert_eq!(after.get(p), Some(b), "a plan changed {}", p.display());
        }
    }
}
