//! Revisions through the real CLI: rollback to a version (keeping what it replaced), diff between
//! any two revisions, tags naming versions, and hash prefixes.

use crate::support;

use support::assert_refused;
use support::sync_world::*;

#[test]
fn rollback_to_v1_restores_it_and_keeps_what_it_replaced() {
    let env = deployed();
    env.write(P, "B\n");
    assert_eq!(state(&env, "skill:pdf"), "modified");
    assert_refused(&env, &["rollback", "pdf", "--to", "v1"], 2, &["--yes"]);
    let r = env.run(&["rollback", "pdf", "--to", "v1", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(P), BASE);
    assert_eq!(state(&env, "skill:pdf"), "synced");
    let h = env.run(&["history", "pdf", "--json"]).json();
    let v = h["versions"].as_array().unwrap();
    assert_eq!(v[0]["origin"], "rollback");
    assert_eq!(v[1]["origin"], "local_modification");
    assert_eq!(
        v[0]["hash"], v[2]["hash"],
        "A -> B -> A: three versions, the first and last equal"
    );
    let r = env.run(&["rollback", "pdf", "--to", "v2", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read(P), "B\n");
    assert_refused(
        &env,
        &["rollback", "pdf", "--to", "v99", "--yes"],
        3,
        &["no version v99"],
    );
    assert_refused(
        &env,
        &["rollback", "pdf", "--to", "nosuchtag", "--yes"],
        3,
        &["unknown revision"],
    );
}

#[test]
fn diff_defaults_to_deployed_against_project_and_takes_any_revisions() {
    let env = deployed();
    env.write(P, &BASE.replace("two", "TWO"));
    let r = env.run(&["diff", "pdf"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("--- deployed/SKILL.md\n+++ project/SKILL.md"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("-two\n+TWO"));
    let r = env.run(&["diff", "pdf", "--from", "collection", "--to", "deployed"]);
    assert!(r.stdout.contains("identical"), "{}", r.stdout);
}

#[test]
fn tags_name_versions_and_work_as_revisions() {
    let env = deployed();
    let (code, v) = json(&env, &["tag", "pdf", "release-1", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["version"], "v1");
    env.write("project/.claude/skills/pdf/extra.md", "x\n");
    let (_, v) = json(&env, &["tag", "pdf", "release-2", "--json"]);
    assert_eq!(v["semver"], "minor", "a file was added since release-1");
    let r = env.run(&["rollback", "pdf", "--to", "release-1", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!env.path("project/.claude/skills/pdf/extra.md").exists());
    assert_refused(&env, &["tag", "pdf", "v3"], 2, &["cannot be a tag"]);
    assert_refused(&env, &["tag", "pdf", "deployed"], 2, &["cannot be a tag"]);
}

#[test]
fn hash_prefixes_resolve_and_short_ones_are_refused() {
    let env = deployed();
    let h = env.run(&["history", "pdf", "--json"]).json()["versions"][0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env.run(&["diff", "pdf", "--from", &h[..6], "--to", "project"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("identical"));
    assert_refused(
        &env,
        &["diff", "pdf", "--from", &h[..3]],
        3,
        &["unknown revision"],
    );
}
