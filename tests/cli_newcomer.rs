//! The CLI as a newcomer meets it: `list`, errors that point at it, "did you mean", `tag` that
//! refuses to move a tag without `--force` and compares the right versions, success words that
//! say what happened, a lock wait that says what it waits for, every environment variable
//! documented, and `merge-file`'s help showing only its own options.

use crate::support;

use support::{assert_refused, Env};

const BASE: &str = "---\nname: pdf-tools\n---\n\none\ntwo\nthree\n";
const P: &str = "project/.claude/skills/pdf-tools/SKILL.md";
const C: &str = "collection/skills/pdf-tools/SKILL.md";

/// A collection of three artifacts, of which `skill:pdf-tools` is deployed.
fn one_deployed() -> Env {
    let env = Env::new("");
    env.write(C, BASE);
    env.write("collection/commands/review.md", "Review.\n");
    env.write("collection/agents/planner.md", "Plan.\n");
    let r = env.run(&["deploy", "skill:pdf-tools"]);
    assert_eq!(r.code, 0, "{r:?}");
    env
}

#[test]
fn list_shows_every_collection_artifact_and_where_it_is_deployed_here() {
    let env = one_deployed();
    let r = env.run(&["list"]);
    assert_eq!(r.code, 0, "{r:?}");
    let line = |id: &str| {
        r.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_else(|| panic!("{id} missing:\n{}", r.stdout))
            .to_string()
    };
    assert!(
        line("skill:pdf-tools").contains(".claude/skills/pdf-tools (synced)"),
        "{}",
        r.stdout
    );
    assert!(line("command:review").contains("not deployed here"));
    assert!(line("agent:planner").contains("not deployed here"));

    let v = env.run(&["list", "--json"]).json();
    let items = v["artifacts"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{v}");
    let pdf = items.iter().find(|a| a["id"] == "skill:pdf-tools").unwrap();
    assert_eq!(pdf["deployed"][0]["path"], ".claude/skills/pdf-tools");
    assert_eq!(pdf["deployed"][0]["state"], "synced");
    assert_eq!(pdf["deployed"][0]["version"], "v1");
    let review = items.iter().find(|a| a["id"] == "command:review").unwrap();
    assert_eq!(review["deployed"].as_array().unwrap().len(), 0);
}

#[test]
fn unknown_ids_point_at_list_and_suggest_the_nearest_id() {
    let env = one_deployed();
    for args in [
        &["history", "nothing-like-it"][..],
        &["deploy", "nothing-like-it"][..],
    ] {
        let r = env.run(args);
        assert_eq!(r.code, 3, "{args:?}: {r:?}");
        assert!(r.stderr.contains("skillmeat-lsp list"), "{}", r.stderr);
        assert!(!r.stderr.contains("skillmeat-lsp status"), "{}", r.stderr);
    }
    assert_refused(
        &env,
        &["history", "pdf-tool"],
        3,
        &["did you mean `skill:pdf-tools`?"],
    );
    assert_refused(
        &env,
        &["deploy", "reveiw"],
        3,
        &["did you mean `command:review`?"],
    );
    assert_refused(
        &env,
        &["diff", "skill:review"],
        3,
        &["did you mean `command:review`?"],
    );
}

#[test]
fn tag_refuses_to_move_a_tag_without_force_and_compares_with_the_earlier_tag() {
    let env = one_deployed();
    let r = env.run(&["tag", "pdf-tools", "a", "--json"]);
    assert_eq!(r.json()["version"], "v1", "{r:?}");
    env.write(P, &BASE.replace("two", "TWO"));
    env.states(); // records v2
    env.write("project/.claude/skills/pdf-tools/extra.md", "x\n");
    env.states(); // records v3

    // An existing tag stays where it is unless --force says otherwise, like git.
    assert_refused(
        &env,
        &["tag", "pdf-tools", "a"],
        2,
        &["tag `a` already names v1", "--force"],
    );
    let r = env.run(&["tag", "pdf-tools", "a", "--force", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(
        (v["version"].clone(), v["moved_from"].clone()),
        ("v3".into(), "v1".into())
    );
    let r = env.run(&["tag", "pdf-tools", "a", "--force", "--rev", "v1"]);
    assert_eq!(r.code, 0, "{r:?}");
    // Tagging the version a tag already names is no move.
    assert_eq!(env.run(&["tag", "pdf-tools", "a", "--rev", "v1"]).code, 0);

    // v3 (a file added since v1) against the tag before it.
    let v = env.run(&["tag", "pdf-tools", "c", "--json"]).json();
    assert_eq!(v["version"], "v3");
    assert_eq!(v["semver"], "minor", "{v}");
    assert_eq!(v["since"]["tag"], "a");
    // v2 sits between a (v1) and c (v3): compared with a, one file changed — a patch, not the
    // major step back from c.
    let v = env
        .run(&["tag", "pdf-tools", "b", "--rev", "v2", "--json"])
        .json();
    assert_eq!(v["since"]["tag"], "a", "{v}");
    assert_eq!(v["since"]["version"], "v1");
    assert_eq!(v["semver"], "patch", "{v}");
    let r = env.run(&["tag", "pdf-tools", "first", "--rev", "v1", "--force"]);
    assert!(r.stdout.contains("no earlier tag"), "{}", r.stdout);
}

#[test]
fn success_words_say_what_happened() {
    let env = one_deployed();
    let r = env.run(&["sync", "pdf-tools", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("already up to date (v1)"), "{}", r.stdout);
    assert!(!r.stdout.contains("applied"), "{}", r.stdout);

    // An artifact that never conflicted: resolve says so and records nothing.
    env.write(P, &BASE.replace("two", "TWO"));
    let history = env.run(&["history", "pdf-tools", "--json"]).stdout;
    let r = env.run(&["resolve", "pdf-tools"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("skill:pdf-tools: nothing to resolve: it never had a conflict"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("recorded"), "{}", r.stdout);
    assert_eq!(env.run(&["history", "pdf-tools", "--json"]).stdout, history);
    let v = env.run(&["resolve", "pdf-tools", "--json"]).json();
    assert!(v["nothing_to_resolve"].is_string(), "{v}");
    assert!(v["version"].is_null());
}

#[test]
fn a_lock_wait_says_what_it_waits_for() {
    let env = one_deployed();
    env.write(C, &BASE.replace("one", "ONE"));
    // A lock file naming this test process: alive, and not the CLI.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let ticks = stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .nth(19)
        .unwrap()
        .to_string();
    let lock = env.path("project/.claude/skills/.pdf-tools.skillmeat-lsp.lock");
    std::fs::write(
        &lock,
        format!("{} 2026-01-01T00:00:00Z {ticks}\n", std::process::id()),
    )
    .unwrap();
    let out = env
        .command()
        .env("SKILLMEAT_LOCK_TIMEOUT_MS", "1600")
        .args([
            "--workspace",
            env.project().to_str().unwrap(),
            "--collection",
            env.collection().to_str().unwrap(),
            "sync",
            "pdf-tools",
            "--apply",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("note: waiting for skill:pdf-tools")
            && stderr.contains(".pdf-tools.skillmeat-lsp.lock")
            && stderr.contains(&std::process::id().to_string()),
        "{stderr}"
    );
    assert_eq!(env.read(P), BASE, "nothing written");
}

#[test]
fn every_environment_variable_the_product_reads_is_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("\n## Environment variables")
        .nth(1)
        .expect("README has an `## Environment variables` section");
    let section = section.split("\n## ").next().unwrap();
    let mut vars = std::collections::BTreeSet::new();
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("tests") && !p.ends_with("bench") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root.join("server/src"), &mut files);
    walk(&root.join("server/core/src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for line in text.lines() {
            let reads = line.contains("env::var") || line.contains("try_from_env");
            for lit in line.split('"').skip(1).step_by(2) {
                let is_name = !lit.is_empty()
                    && lit
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    && lit.starts_with(|c: char| c.is_ascii_uppercase());
                let ours = lit.starts_with("SKILLMEAT_") || lit.starts_with("XDG_");
                if is_name && (reads || ours) {
                    vars.insert(lit.to_string());
                }
            }
        }
    }
    assert!(vars.contains("SKILLMEAT_LOCK_TIMEOUT_MS"), "{vars:?}");
    assert!(vars.contains("NO_COLOR"), "{vars:?}");
    let missing: Vec<&String> = vars
        .iter()
        .filter(|v| !section.contains(&format!("`{v}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "README's environment section lacks {missing:?}"
    );
}

#[test]
fn merge_file_help_lists_only_its_own_options() {
    let env = Env::new("");
    for args in [
        &["merge-file", "--help"][..],
        &["help", "merge-file"][..],
        &["--json", "merge-file", "--help"][..],
    ] {
        let r = env.run_raw(args);
        assert!(
            r.stdout.contains("usage: skillmeat-lsp merge-file")
                && r.stdout.contains("marker-size <n>"),
            "{args:?}: {r:?}"
        );
        for global in ["--workspace", "--collection", "--skillmeat-compat"] {
            assert!(
                !r.stdout.contains(global),
                "{args:?} shows {global}: {}",
                r.stdout
            );
        }
    }
}
