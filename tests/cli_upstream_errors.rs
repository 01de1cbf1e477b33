//! Upstream input that is refused and writes nothing: a missing repository, a bad ref, a path
//! leaving or missing from the repository, invalid names, a second add, a link leading out; and
//! `check-upstream` naming an artifact without an upstream or an unreachable one.

use crate::support;

use support::upstream::*;
use support::{assert_refused, Env};

#[test]
fn a_missing_repository_is_not_found_and_writes_nothing() {
    let (env, _up, _) = setup();
    let missing = format!("file://{}", env.path("no-such-repo").display());
    assert_refused(
        &env,
        &["add", &missing, "--path", "skills/pdf"],
        3,
        &["does not appear to be a git repository"],
    );
}

#[test]
fn a_bad_ref_is_not_found_and_writes_nothing() {
    let (env, up, _) = setup();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--ref", "nope"],
        3,
        &["no branch or tag `nope`"],
    );
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--ref=-x"],
        2,
        &["not a valid branch, tag or commit name"],
    );
}

#[test]
fn a_path_leaving_or_missing_from_the_repository_writes_nothing() {
    let (env, up, _) = setup();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "../outside"],
        2,
        &["leaves the repository"],
    );
    // Found only after fetching: the fetch cache made for it goes too.
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/nope"],
        3,
        &["`skills/nope` does not exist"],
    );
}

#[test]
fn invalid_names_and_wrong_types_are_usage_errors_and_write_nothing() {
    let (env, up, _) = setup();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--name", "../x"],
        2,
        &["invalid artifact name"],
    );
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf", "--type", "widget"],
        2,
        &["unknown artifact type"],
    );
    assert_refused(
        &env,
        &[
            "add",
            &up.url(),
            "--path",
            "commands/review.md",
            "--type",
            "skill",
        ],
        2,
        &["a skill is a folder holding SKILL.md"],
    );
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "docs"],
        2,
        &["has no SKILL.md"],
    );
}

#[test]
fn adding_an_artifact_twice_is_refused_and_the_first_stays() {
    let (env, up, _) = added();
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf"],
        2,
        &["skill:pdf is already in the collection", "--name"],
    );
}

#[test]
fn a_symlink_leaving_the_artifact_upstream_is_refused() {
    let (env, up, _) = setup();
    std::os::unix::fs::symlink("../../docs/README.md", up.dir.join("skills/pdf/leak.md")).unwrap();
    up.commit("a link out");
    assert_refused(
        &env,
        &["add", &up.url(), "--path", "skills/pdf"],
        1,
        &["outside the artifact"],
    );
}

#[test]
fn check_upstream_of_an_artifact_without_upstream_is_not_found() {
    let env = Env::new(
        r#"
        //- collection/commands/lint.md
        Lint.
        "#,
    );
    assert_refused(&env, &["check-upstream", "lint"], 3, &["has no upstream"]);
    // The project has state from here on (a failed sync of one artifact still opened it).
    assert_eq!(env.run(&["status"]).code, 0);
    assert_refused(
        &env,
        &["sync", "lint", "--direction", "upstream-to-collection"],
        3,
        &["has no upstream"],
    );
}

#[test]
fn an_unreachable_upstream_is_reported_per_artifact_and_the_others_are_still_checked() {
    let (env, up, _) = added();
    assert_eq!(
        env.run(&["add", &up.url(), "--path", "commands/review.md"])
            .code,
        0
    );
    // The review command's upstream moves away.
    let text = env.read("collection/collection.toml").replace(
        &format!("upstream = \"{}\"\nupstream_path = \"commands", up.url()),
        &format!(
            "upstream = \"file://{}\"\nupstream_path = \"commands",
            env.path("gone").display()
        ),
    );
    env.write("collection/collection.toml", &text);
    let r = env.run(&["check-upstream", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    assert_eq!(v["summary"]["current"], 1);
    assert_eq!(v["summary"]["error"], 1);
    assert!(r.stderr.is_empty() || !r.stderr.contains("panicked"));
}
