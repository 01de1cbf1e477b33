//! Two newcomer reports: a second tag on a tagged version no longer drops the first silently,
//! and `list` shows deployments under every profile root, not only `.claude`.

use crate::support;

use support::assert_refused;
use support::sync_world::*;

fn tags(env: &support::Env) -> Vec<(String, Option<String>)> {
    let h = env.run(&["history", "pdf", "--json"]).json();
    h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap().to_string(),
                v["tag"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn a_second_tag_on_a_tagged_version_is_refused_unless_forced() {
    let env = deployed();
    assert_eq!(env.run(&["tag", "pdf", "one"]).code, 0);
    let before = tags(&env);
    assert_refused(
        &env,
        &["tag", "pdf", "two"],
        2,
        &["already tagged `one`", "--force"],
    );
    assert_eq!(tags(&env), before, "the refused tag wrote nothing");
    assert_eq!(
        env.run(&["diff", "pdf", "--from", "one", "--to", "deployed"])
            .code,
        0,
        "`one` still names the version"
    );
    let r = env.run(&["tag", "pdf", "two", "--force"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("replacing tag one"), "{}", r.stdout);
    assert_eq!(tags(&env)[0].1.as_deref(), Some("two"));
    assert_refused(
        &env,
        &["diff", "pdf", "--from", "one", "--to", "deployed"],
        3,
        &["unknown revision"],
    );
    // Tagging a version again with the tag it holds stays a quiet no-op.
    assert_eq!(env.run(&["tag", "pdf", "two"]).code, 0);
}

#[test]
fn list_shows_deployments_under_other_profile_roots() {
    let env = deployed();
    let r = env.run(&["deploy", "skill:pdf", "--profile", "codex"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = env.run(&["list"]);
    assert_eq!(r.code, 0, "{r:?}");
    let line = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("skill:pdf"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(line.contains(".claude/skills/pdf"), "{line}");
    assert!(line.contains(".agents/skills/pdf"), "{line}");
    let v = env.run(&["list", "--json"]).json();
    let pdf = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "skill:pdf")
        .unwrap();
    let profiles: Vec<_> = pdf["deployed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["profile"].as_str().map(str::to_string))
        .collect();
    assert_eq!(profiles, vec![None, Some("codex".to_string())], "{pdf}");
}
