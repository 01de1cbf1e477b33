//! Concurrent applies (docs/design.md §6): processes syncing the same artifacts at the same time serialize
//! through the per-artifact lock, leave no torn tree and a consistent lineage; a lock left by a
//! dead process is taken over, one held by a live process makes sync wait, then fail with exit 5.

use crate::support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::tree::{read_tree, Files};
use support::{Env, Run};

/// Names in `dir` that start with a dot: stages, moved-aside trees and lock files.
fn dot_entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// A skill with nested files; `s00` has enough of them that staging it takes a moment, so
/// overlapping runs really overlap, the others a few (twenty of them make the bulk run).
fn skill_files(name: &str, generation: u32) -> Vec<(String, String)> {
    let mut f = vec![(
        "SKILL.md".to_string(),
        format!("---\nname: {name}\n---\nGeneration {generation}.\n"),
    )];
    let parts = if name == "s00" { 20 } else { 4 };
    for i in 0..parts {
        f.push((
            format!("refs/part-{i:02}/notes.md"),
            format!("{name} part {i} generation {generation}\n").repeat(40),
        ));
    }
    if generation == 1 {
        f.push(("old/only-in-v1.md".into(), "goes away\n".into()));
    } else {
        f.push(("new/deep/only-in-v2.md".into(), "arrives\n".into()));
    }
    f
}

fn write_skill(env: &Env, tier: &str, name: &str, generation: u32) {
    let dir = env.path(&format!("{tier}/{name}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    for (rel, body) in skill_files(name, generation) {
        env.write(&format!("{tier}/{name}/{rel}"), &body);
    }
}

fn expected(name: &str, generation: u32) -> Files {
    skill_files(name, generation)
        .into_iter()
        .map(|(p, b)| (p, b.into_bytes()))
        .collect()
}

/// `n` deployed skills whose collection copies then moved on (outdated).
fn outdated_skills(n: usize) -> (Env, Vec<String>) {
    let env = Env::new("");
    let names: Vec<String> = (0..n).map(|i| format!("s{i:02}")).collect();
    for name in &names {
        write_skill(&env, "collection/skills", name, 1);
    }
    let ids: Vec<String> = names.iter().map(|n| format!("skill:{n}")).collect();
    let mut args = vec!["deploy"];
    args.extend(ids.iter().map(String::as_str));
    let r = env.run(&args);
    assert_eq!(r.code, 0, "deploy: {r:?}");
    for name in &names {
        write_skill(&env, "collection/skills", name, 2);
    }
    (env, names)
}

fn spawn(env: &Env, args: &[&str], extra_env: &[(&str, &str)]) -> Child {
    let mut c = env.command();
    c.arg("--workspace")
        .arg(env.project())
        .arg("--collection")
        .arg(env.collection())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in extra_env {
        c.env(k, v);
    }
    c.spawn().expect("spawn skillmeat-lsp")
}

fn finish(child: Child) -> Run {
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `args` in two processes started together.
fn twice_at_once(env: &Env, args: &[&str]) -> (Run, Run) {
    let a = spawn(env, args, &[]);
    let b = spawn(env, args, &[]);
    (finish(a), finish(b))
}

/// Each version's parents exist and are older; exactly one baseline; the baseline holds `hash`.
#[track_caller]
fn assert_lineage(env: &Env, id: &str, hash: &str) {
    let r = env.run(&["history", id, "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let versions = r.json()["versions"].as_array().unwrap().clone();
    let num = |v: &Value| -> u32 { v.as_str().unwrap()[1..].parse().unwrap() };
    let known: Vec<u32> = versions.iter().map(|v| num(&v["version"])).collect();
    for v in &versions {
        for p in v["parents"].as_array().unwrap() {
            assert!(
                known.contains(&num(p)) && num(p) < num(&v["version"]),
                "{id}: bad parent {p} of {}: {versions:#?}",
                v["version"]
            );
        }
    }
    let baselines: Vec<&Value> = versions
        .iter()
        .filter(|v| v["baseline"] == Value::Bool(true))
        .collect();
    assert_eq!(baselines.len(), 1, "{id}: {versions:#?}");
    assert_eq!(baselines[0]["hash"], hash, "{id}: {versions:#?}");
    // One sync, however many processes asked for it: the new content is recorded once.
    let with_hash = versions.iter().filter(|v| v["hash"] == hash).count();
    assert_eq!(with_hash, 1, "{id}: {versions:#?}");
}

fn project_hash(env: &Env, id: &str) -> String {
    let v = env.run(&["status", "--json"]).json();
    v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()["hashes"]["project"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The errors a `--json` sync reported, one line each (its full output is long).
fn errors(r: &Run) -> Vec<String> {
    serde_json::from_str::<Value>(&r.stdout)
        .ok()
        .and_then(|v| v["results"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|i| Some(format!("{}: {}", i["id"], i.get("error")?)))
        .collect()
}

/// A run that did the sync, or found it already done (the other process got there first).
#[track_caller]
fn assert_finished(r: &Run, what: &str) {
    assert_eq!(
        r.code,
        0,
        "{what}: exit {}, errors {:#?}, stderr {}",
        r.code,
        errors(r),
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
}

#[test]
fn two_processes_syncing_one_skill_at_once_serialize_and_leave_the_new_tree() {
    // Several rounds: the two runs overlap differently each time.
    for round in 0..4 {
        let (env, _) = outdated_skills(1);
        let (a, b) = twice_at_once(&env, &["sync", "skill:s00", "--apply", "--json"]);
        let what = format!("round {round}");
        assert_finished(&a, &what);
        assert_finished(&b, &what);
        let kinds: Vec<String> = [&a, &b]
            .iter()
            .map(|r| r.json()["results"][0]["kind"].as_str().unwrap().to_string())
            .collect();
        assert!(
            kinds.contains(&"fast-forward".to_string()),
            "{what}: nobody applied the sync: {kinds:?}"
        );
        let skills = env.project().join(".claude/skills");
        assert_eq!(
            read_tree(&skills.join("s00")),
            expected("s00", 2),
            "{what}: torn tree"
        );
        assert_eq!(dot_entries(&skills), Vec::<String>::new(), "{what}");
        assert_eq!(env.states()["skill:s00"], "synced", "{what}");
        let h = project_hash(&env, "skill:s00");
        assert_lineage(&env, "skill:s00", &h);
    }
}

#[test]
fn two_bulk_syncs_over_twenty_skills_at_once_serialize_per_artifact() {
    let (env, names) = outdated_skills(20);
    let (a, b) = twice_at_once(&env, &["sync", "--all", "--apply", "--json"]);
    assert_finished(&a, "first --all");
    assert_finished(&b, "second --all");
    for r in [&a, &b] {
        assert_eq!(r.json()["summary"]["errors"], 0, "{:#?}", errors(r));
    }
    // Between them, every skill was fast-forwarded exactly once.
    let applied: usize = [&a, &b]
        .iter()
        .map(|r| r.json()["summary"]["fast_forwarded"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(
        applied,
        names.len(),
        "a: {}\nb: {}",
        a.json()["summary"],
        b.json()["summary"]
    );
    let skills = env.project().join(".claude/skills");
    let states = env.states();
    for name in &names {
        assert_eq!(read_tree(&skills.join(name)), expected(name, 2), "{name}");
        let id = format!("skill:{name}");
        assert_eq!(states[&id], "synced", "{id}");
        let h = project_hash(&env, &id);
        assert_lineage(&env, &id, &h);
    }
    assert_eq!(dot_entries(&skills), Vec::<String>::new());
}

#[test]
fn a_command_opening_the_workspace_mid_apply_leaves_that_apply_alone() {
    // Every command's open recovers interrupted applies; one still in flight in another process
    // (here paused right after its swap, before its commit) is not interrupted and must be left.
    let (env, _) = outdated_skills(1);
    let skills = env.project().join(".claude/skills");
    let applying = spawn(
        &env,
        &["sync", "skill:s00", "--apply"],
        &[("SKILLMEAT_FAILPOINTS", "after-swap:sleep=1500")],
    );
    let started = Instant::now();
    while !dot_entries(&skills)
        .iter()
        .any(|n| n.starts_with(".s00.skillmeat-old-"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the apply never reached its swap"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let r = env.run(&["status", "--json"]);
    assert!(r.code == 0 || r.code == 1, "{r:?}");
    let warnings = r.json()["warnings"].to_string();
    assert!(
        !warnings.contains("interrupted apply"),
        "status undid an apply in flight: {warnings}"
    );
    let a = finish(applying);
    assert_finished(&a, "the paused apply");
    assert_eq!(read_tree(&skills.join("s00")), expected("s00", 2));
    assert_eq!(dot_entries(&skills), Vec::<String>::new());
    assert_eq!(env.states()["skill:s00"], "synced");
    let h = project_hash(&env, "skill:s00");
    assert_lineage(&env, "skill:s00", &h);
}

/// The pid of a process that has exited and been reaped: certainly not alive.
fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

#[test]
fn a_lock_left_by_a_dead_process_is_taken_over() {
    let (env, _) = outdated_skills(1);
    let lock = env.project().join(".claude/skills/.s00.skillmeat-lsp.lock");
    std::fs::write(&lock, format!("{} 2026-01-01T00:00:00Z\n", dead_pid())).unwrap();
    let started = Instant::now();
    let r = env.run(&["sync", "skill:s00", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took over only after {:?}",
        started.elapsed()
    );
    assert_eq!(
        read_tree(&env.project().join(".claude/skills/s00")),
        expected("s00", 2)
    );
    assert!(!lock.exists(), "the taken-over lock was not released");
}

#[test]
fn a_lock_naming_a_pid_now_used_by_a_later_process_is_taken_over_at_once() {
    let (env, _) = outdated_skills(1);
    let lock = env.project().join(".claude/skills/.s00.skillmeat-lsp.lock");
    // The lock's pid is alive, but that process started after the lock was taken: the pid was
    // reused, the holder is gone.
    let mut later = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(&lock, format!("{} 2026-01-01T00:00:00Z\n", later.id())).unwrap();
    let started = Instant::now();
    let r = env.run(&["sync", "skill:s00", "--apply"]);
    let took = started.elapsed();
    let alive = later.try_wait().unwrap().is_none();
    later.kill().unwrap();
    later.wait().unwrap();
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        alive,
        "the process under the reused pid should still be running"
    );
    assert!(
        took < Duration::from_secs(5),
        "took over only after {took:?}"
    );
    assert_eq!(
        read_tree(&env.project().join(".claude/skills/s00")),
        expected("s00", 2)
    );
    assert!(!lock.exists(), "the taken-over lock was not released");
}

/// A helper process that holds the artifact's lock the way another skillmeat-lsp does (a lock
/// file naming its live pid), sleeping for `seconds` and, with `release`, removing it at the end.
fn lock_holder(lock: &Path, seconds: f64, release: bool) -> Child {
    let script = if release {
        format!("sleep {seconds}; rm -f '{}'", lock.display())
    } else {
        format!("exec sleep {seconds}")
    };
    let child = Command::new("sh").arg("-c").arg(script).spawn().unwrap();
    // Taken now, after the holder started: a lock time before its start would mean its pid was
    // reused by a later process, and the lock stale.
    let now = skillmeat_core::time::now_utc();
    std::fs::write(lock, format!("{} {now}\n", child.id())).unwrap();
    child
}

#[test]
fn a_live_lock_makes_sync_wait_then_fail_with_exit_5_naming_the_lock() {
    let (env, _) = outdated_skills(1);
    let skills = env.project().join(".claude/skills");
    let lock = skills.join(".s00.skillmeat-lsp.lock");
    let mut holder = lock_holder(&lock, 60.0, false);
    let started = Instant::now();
    let child = spawn(
        &env,
        &["sync", "skill:s00", "--apply"],
        &[("SKILLMEAT_LOCK_TIMEOUT_MS", "800")],
    );
    let r = finish(child);
    let waited = started.elapsed();
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(r.code, 5, "{r:?}");
    assert!(
        r.stderr.contains(&lock.display().to_string()),
        "the error should name the lock file: {}",
        r.stderr
    );
    assert!(
        waited >= Duration::from_millis(800),
        "gave up after {waited:?}, before its timeout"
    );
    // Nothing was written, and the holder's lock is still the holder's.
    assert_eq!(read_tree(&skills.join("s00")), expected("s00", 1));
    assert!(lock.exists(), "sync removed a lock it did not hold");
    assert_eq!(env.states()["skill:s00"], "outdated");
    // Once the holder is gone its lock is stale, and the same sync goes through.
    let r = env.run(&["sync", "skill:s00", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(read_tree(&skills.join("s00")), expected("s00", 2));
    assert_eq!(dot_entries(&skills), Vec::<String>::new());
}

#[test]
fn a_sync_waits_for_a_live_lock_and_proceeds_once_it_is_released() {
    let (env, _) = outdated_skills(1);
    let skills = env.project().join(".claude/skills");
    let lock = skills.join(".s00.skillmeat-lsp.lock");
    let mut holder = lock_holder(&lock, 0.7, true);
    let started = Instant::now();
    let r = env.run(&["sync", "skill:s00", "--apply"]);
    let waited = started.elapsed();
    holder.wait().unwrap();
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        waited >= Duration::from_millis(600),
        "did not wait for the holder: {waited:?}"
    );
    assert_eq!(read_tree(&skills.join("s00")), expected("s00", 2));
    assert_eq!(dot_entries(&skills), Vec::<String>::new());
}

#[test]
fn parallel_syncs_and_drift_checks_never_show_a_database_error() {
    // Half the project copies carry a person's file, so drift checks record versions of the same
    // artifacts the syncs are numbering theirs for.
    let (env, names) = outdated_skills(12);
    for name in names.iter().step_by(2) {
        env.write(
            &format!("project/.claude/skills/{name}/mine.md"),
            "my own notes\n",
        );
    }
    let sync: &[&str] = &["sync", "--all", "--apply", "--json"];
    let status: &[&str] = &["status", "--json"];
    let children: Vec<Child> = (0..6)
        .map(|i| spawn(&env, if i % 2 == 0 { sync } else { status }, &[]))
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        let r = finish(c);
        for raw in [
            "SqliteFailure",
            "constraint failed",
            "database is locked",
            "UNIQUE",
            "panicked",
        ] {
            assert!(
                !r.stdout.contains(raw) && !r.stderr.contains(raw),
                "run {i} showed a raw error: {}\n{}",
                r.stdout,
                r.stderr
            );
        }
        assert!(
            matches!(r.code, 0 | 1),
            "run {i}: exit {}: {}",
            r.code,
            r.stderr
        );
    }
    let skills = env.project().join(".claude/skills");
    for name in &names {
        let mut want = expected(name, 2);
        if names.iter().step_by(2).any(|n| n == name) {
            want.insert("mine.md".into(), b"my own notes\n".to_vec());
        }
        assert_eq!(read_tree(&skills.join(name)), want, "{name}");
    }
}
