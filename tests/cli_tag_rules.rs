//! `tag` under pressure: parallel taggers of one artifact take turns (one version, one tag),
//! tag names follow git's ref-name rules with a length limit, and a version's message never
//! names a tag it may lose.

use crate::support;

use support::Env;

fn deployed_and_edited() -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        ---
        name: pdf
        ---
        body
        "#,
    );
    assert_eq!(env.run(&["deploy", "pdf"]).code, 0);
    env.write(
        "project/.claude/skills/pdf/SKILL.md",
        "---\nname: pdf\n---\nbody\nedit\n",
    );
    env
}

fn version_lines(env: &Env) -> Vec<String> {
    let r = env.run(&["history", "pdf"]);
    r.stdout
        .lines()
        .filter(|l| l.trim_start().starts_with('v'))
        .map(str::to_string)
        .collect()
}

#[test]
fn parallel_tags_of_one_copy_record_it_once() {
    for round in 0..3 {
        let env = deployed_and_edited();
        for r in env.run_at_once(&vec![vec!["tag", "pdf", "rel-1"]; 4]) {
            assert_eq!(r.code, 0, "round {round}: {}", r.stderr);
        }
        let lines = version_lines(&env);
        assert_eq!(
            lines.len(),
            2,
            "round {round}: the edit recorded once: {lines:#?}"
        );
        assert_eq!(
            lines.iter().filter(|l| l.contains("rel-1")).count(),
            1,
            "{lines:#?}"
        );
    }
}

#[test]
fn tag_names_follow_git_ref_rules_and_a_length_limit() {
    let env = deployed_and_edited();
    let long = "a".repeat(100_000);
    for bad in [
        long.as_str(),
        "a..b",
        "x.lock",
        ".hidden",
        "-opt",
        "a~1",
        "a:b",
        "end/",
        "a@{1}",
    ] {
        let r = env.run(&["tag", "pdf", bad]);
        assert_eq!(r.code, 2, "{}: {r:?}", &bad[..bad.len().min(20)]);
        assert!(r.stderr.contains("tag"), "{}", r.stderr);
        assert!(
            r.stderr.len() < 2000,
            "the error quotes a huge name back: {} bytes",
            r.stderr.len()
        );
    }
    support::assert_refused(
        &env,
        &["tag", "pdf", &"b".repeat(101)],
        2,
        &["too long", "100 bytes"],
    );
    assert_eq!(env.run(&["tag", "pdf", "release/1.2"]).code, 0);
}

#[test]
fn a_renamed_tag_leaves_no_stale_name_in_the_version_message() {
    let env = deployed_and_edited();
    assert_eq!(env.run(&["tag", "pdf", "rel-1"]).code, 0);
    let r = env.run(&["tag", "pdf", "rel-2", "--force"]);
    assert_eq!(r.code, 0, "{r:?}");
    let h = env.run(&["history", "pdf"]).stdout;
    assert!(h.contains("rel-2"), "{h}");
    assert!(
        !h.contains("rel-1"),
        "the version still names the tag it lost:\n{h}"
    );
}
