//! The first command in a project without `.skillmeat/` yet: a failure there never loses what a
//! person wrote (every profile root's deployed file is checked before the first write, and a
//! state folder a command wrote into is never discarded), two processes opening the project at
//! once share one state folder, and SkillMeat's `deployed = []` (what `skillmeat init` writes in
//! each profile root) is an empty deployed file.

use crate::support;

use support::Env;

const SKILL: &str = "---\nname: pdf\ndescription: pdf tools\n---\n# PDF\nline1\nline2\n";

/// The collection holds `skill:pdf`; SkillMeat deployed it to `.claude` and to `.agents`
/// (codex) and recorded both; no `.skillmeat/` yet.
fn skillmeat_deployed_everywhere() -> Env {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", SKILL);
    assert_eq!(
        env.run(&[
            "--skillmeat-compat",
            "deploy",
            "pdf",
            "--profile",
            "claude",
            "--profile",
            "codex"
        ])
        .code,
        0
    );
    std::fs::remove_dir_all(env.path("project/.skillmeat")).unwrap();
    env
}

fn edit(env: &Env, rel: &str, line: &str) {
    let p = env.path(rel);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(line);
    std::fs::write(p, text).unwrap();
}

#[test]
fn a_bad_deployed_file_under_another_root_refuses_a_multi_root_deploy_before_any_write() {
    let env = skillmeat_deployed_everywhere();
    edit(
        &env,
        "project/.claude/skills/pdf/SKILL.md",
        "THE PERSON'S PARAGRAPH\n",
    );
    edit(
        &env,
        "collection/skills/pdf/SKILL.md",
        "collection moved on\n",
    );
    let agents = env.path("project/.agents/.skillmeat-deployed.toml");
    let text = std::fs::read_to_string(&agents).unwrap().replace(
        "artifact_path = \"skills/pdf\"",
        "artifact_path = \"skills/../../.claude/skills/pdf\"",
    );
    std::fs::write(&agents, text).unwrap();
    // `.claude` comes first: it used to be overwritten (its edit stored in a new
    // `.skillmeat/`), then `.agents` failed and the new `.skillmeat/` was deleted.
    support::assert_refused(
        &env,
        &[
            "deploy",
            "pdf",
            "--profile",
            "claude",
            "--profile",
            "codex",
            "--overwrite",
        ],
        1,
        &[
            ".agents/.skillmeat-deployed.toml",
            "artifact_path",
            "nothing was",
        ],
    );
    assert!(env
        .read("project/.claude/skills/pdf/SKILL.md")
        .ends_with("THE PERSON'S PARAGRAPH\n"));
}

#[test]
fn a_lock_name_taken_by_a_fifo_refuses_sync_apply_before_the_copy_is_replaced() {
    let env = skillmeat_deployed_everywhere();
    edit(
        &env,
        "project/.agents/skills/pdf/SKILL.md",
        "PERSON'S ONLY COPY\n",
    );
    edit(
        &env,
        "collection/skills/pdf/SKILL.md",
        "collection moved on\n",
    );
    let fifo = env.path("project/.agents/..skillmeat-deployed.toml.skillmeat-lsp.lock");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    support::assert_refused(
        &env,
        &["sync", "pdf@codex", "--strategy", "overwrite", "--apply"],
        1,
        &[
            "..skillmeat-deployed.toml.skillmeat-lsp.lock",
            "FIFO",
            "nothing was written",
        ],
    );
    assert!(env
        .read("project/.agents/skills/pdf/SKILL.md")
        .ends_with("PERSON'S ONLY COPY\n"));
}

#[test]
fn every_profile_root_refuses_a_bad_deployed_file_before_writing() {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", SKILL);
    assert_eq!(env.run(&["deploy", "pdf", "--profile", "codex"]).code, 0);
    let agents = env.path("project/.agents/.skillmeat-deployed.toml");
    let good = std::fs::read_to_string(&agents).unwrap();
    // A bad entry: sync --apply refuses before writing (it used to write, record v2, then fail).
    std::fs::write(
        &agents,
        good.replace(
            "artifact_path = \"skills/pdf\"",
            "artifact_path = \"skills/../x\"",
        ),
    )
    .unwrap();
    edit(&env, "collection/skills/pdf/SKILL.md", "collection edit\n");
    support::assert_refused(
        &env,
        &["sync", "skill:pdf@codex", "--apply"],
        1,
        &[".agents/.skillmeat-deployed.toml", "artifact_path"],
    );
    // Not UTF-8: rollback and deploy --overwrite refuse too (rollback used to succeed).
    std::fs::write(&agents, good).unwrap();
    assert!(!env.run(&["status"]).stderr.contains("error"));
    edit(&env, "project/.agents/skills/pdf/SKILL.md", "my edit\n");
    assert!(!env.run(&["status"]).stderr.contains("error"));
    std::fs::write(&agents, b"\xff\xfe[[deployed]]\n").unwrap();
    for args in [
        &["rollback", "pdf@codex", "--to", "v1", "--yes"][..],
        &["deploy", "pdf", "--profile", "codex", "--overwrite"][..],
    ] {
        support::assert_refused(
            &env,
            args,
            1,
            &[".agents/.skillmeat-deployed.toml", "UTF-8"],
        );
    }
}

#[test]
fn skillmeat_init_s_empty_deployed_list_is_an_empty_deployed_file() {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", SKILL);
    for root in [".claude", ".agents", ".gemini"] {
        env.write(
            &format!("project/{root}/.skillmeat-deployed.toml"),
            "deployed = []\n",
        );
    }
    let r = env.run(&["status"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = env.run(&[
        "deploy",
        "pdf",
        "--profile",
        "claude",
        "--profile",
        "gemini",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    for root in [".claude", ".gemini"] {
        let text = env.read(&format!("project/{root}/.skillmeat-deployed.toml"));
        assert!(
            text.contains("[[deployed]]") && text.contains("artifact_name = \"pdf\""),
            "{root}: {text}"
        );
        assert!(!text.contains("deployed = []"), "{root}: {text}");
    }
    assert_eq!(
        env.read("project/.agents/.skillmeat-deployed.toml"),
        "deployed = []\n"
    );
    let r = env.run(&["status", "--json"]);
    let states = support::by_id(&r.json(), |a| a["state"].as_str().unwrap().to_string());
    assert_eq!(
        states.get("skill:pdf").map(String::as_str),
        Some("synced"),
        "{states:?}"
    );
    assert_eq!(
        states.get("skill:pdf@gemini").map(String::as_str),
        Some("synced"),
        "{states:?}"
    );
}

#[test]
fn processes_opening_a_new_project_at_once_share_one_lineage() {
    let env = Env::new("");
    let names: Vec<String> = (1..=6).map(|i| format!("s{i}")).collect();
    for n in &names {
        env.write(
            &format!("collection/skills/{n}/SKILL.md"),
            &format!("---\nname: {n}\n---\nbody\n"),
        );
    }
    for round in 0..4 {
        let _ = std::fs::remove_dir_all(env.project());
        std::fs::create_dir_all(env.project().join(".git")).unwrap();
        let deploys: Vec<Vec<&str>> = names.iter().map(|n| vec!["deploy", n]).collect();
        for r in env.run_at_once(&deploys) {
            assert_eq!(r.code, 0, "round {round}: {}", r.stderr);
        }
        let r = env.run(&["status", "--json"]);
        let states = support::by_id(&r.json(), |a| a["state"].as_str().unwrap().to_string());
        for n in &names {
            assert_eq!(
                states.get(&format!("skill:{n}")).map(String::as_str),
                Some("synced"),
                "round {round}: every deploy said it recorded its deployment: {states:?}"
            );
        }
    }
}

/// `resolve --file F --take` writes the copy through the write path's entry, which checks the
/// deployed file of the copy's root itself (no command does): a bad `.agents` file refuses it
/// before the markers are rewritten, and nothing is written.
#[test]
fn resolve_of_one_file_refuses_a_bad_deployed_file_before_rewriting_the_markers() {
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", SKILL);
    assert_eq!(env.run(&["deploy", "pdf", "--profile", "codex"]).code, 0);
    let copy = "project/.agents/skills/pdf/SKILL.md";
    env.write(copy, &SKILL.replace("line1", "line1 (project)"));
    env.write(
        "collection/skills/pdf/SKILL.md",
        &SKILL.replace("line1", "line1 (collection)"),
    );
    let r = env.run(&["sync", "pdf@codex", "--apply"]);
    assert!(env.read(copy).contains("<<<<<<<"), "{r:?}");
    let with_markers = env.read(copy);
    std::fs::write(
        env.path("project/.agents/.skillmeat-deployed.toml"),
        b"\xff\xfe[[deployed]]\n",
    )
    .unwrap();
    support::assert_refused(
        &env,
        &[
            "resolve",
            "pdf@codex",
            "--file",
            "SKILL.md",
            "--take",
            "theirs",
        ],
        1,
        &[
            "cannot write skill:pdf@codex",
            ".agents/.skillmeat-deployed.toml",
            "UTF-8",
        ],
    );
    assert_eq!(env.read(copy), with_markers);
}
