//! The JSON of `status`, `history`, `verify` and a `sync` plan, compared whole with snapshots
//! (docs/cli-json.md is the contract): temporary paths read `<temp>`, times `<time>`.

use crate::support;

use support::snapshot::{assert_file, assert_inline, json_output};
use support::Env;

/// A deployed skill `pdf` and command `review`; then the project's skill is edited and the
/// collection's command moves on.
fn drifted() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        ---
        name: pdf
        ---
        one
        two
        //- collection/skills/pdf/scripts/run.py
        print('run')
        //- collection/commands/review.md
        Review.
        "#,
    );
    assert_eq!(env.run(&["deploy", "skill:pdf", "command:review"]).code, 0);
    env.write_fixture(
        r#"
        //- project/.claude/skills/pdf/SKILL.md
        ---
        name: pdf
        ---
        one
        TWO
        //- collection/commands/review.md
        Review carefully.
        "#,
    );
    env
}

#[test]
fn status_json_lists_each_artifact_with_its_main_file() {
    let env = drifted();
    assert_file(&json_output(&env, &["status"], 1), "status");
}

#[test]
fn history_json_lists_versions_newest_first() {
    let env = drifted();
    assert_eq!(env.run(&["status"]).code, 1); // stores the edit as a version
    assert_file(&json_output(&env, &["history", "skill:pdf"], 0), "history");
}

#[test]
fn verify_json_counts_what_was_checked() {
    let env = drifted();
    assert_inline(
        &json_output(&env, &["verify"], 0),
        r#"
        {
          "ok": true,
          "checked": {
            "artifacts": 2,
            "versions": 2,
            "blobs": 3
          },
          "problems": []
        }
        "#,
    );
}

#[test]
fn sync_plan_json_shows_the_files_and_hashes_without_writing() {
    let env = drifted();
    let before = env.snapshot();
    assert_file(
        &json_output(&env, &["sync", "command:review"], 0),
        "sync-plan",
    );
    assert_eq!(env.snapshot(), before, "a plan writes nothing");
}
