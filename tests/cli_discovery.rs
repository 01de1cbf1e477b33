//! Claude Code's discovery rules through the real CLI: a folder under `skills/` without
//! `SKILL.md` directly inside is no skill, a command in a sub-folder (`/ns:name`) is no
//! SkillMeat artifact; each is named in a warning and never tracked or synced.

use crate::support;

use support::Env;

const FIXTURE: &str = r#"
//- collection/skills/pdf/SKILL.md
PDF tools.
//- collection/skills/drafts/notes.md
not a skill
//- collection/commands/git/commit.md
Commit carefully.
"#;

#[test]
fn folders_without_skill_md_and_nested_commands_are_warned_about_not_tracked() {
    let env = Env::new(FIXTURE);
    assert_eq!(env.run(&["deploy", "pdf"]).code, 0);
    env.write("project/.claude/skills/scratch/ideas.md", "maybe later\n");
    env.write("project/.claude/skills/scratch/nested/SKILL.md", "deeper\n");
    env.write(
        "project/.claude/commands/frontend/component.md",
        "Make one.\n",
    );
    let r = env.run(&["status", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    let ids: Vec<&str> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["skill:pdf"], "{v:#}");
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(".claude/skills/scratch: not a skill") && w.contains("SKILL.md")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("commands/frontend/component.md")
                && w.contains("/frontend:component")),
        "{warnings:?}"
    );
    // The table names them too.
    let r = env.run(&["status"]);
    assert!(r.stderr.contains("not a skill"), "{r:?}");
    // Neither is an artifact to deploy, sync or look up.
    for id in ["skill:drafts", "skill:scratch", "component", "commit"] {
        let r = env.run(&["history", id]);
        assert_eq!(r.code, 3, "{id}: {r:?}");
    }
    let before = env.snapshot();
    let r = env.run(&["sync", "--all", "--apply"]);
    assert_eq!(r.code, 0, "{r:?}");
    let after = env.snapshot();
    for (p, bytes) in &before {
        let s = p.to_string_lossy();
        if s.contains("scratch")
            || s.contains("frontend")
            || s.contains("drafts")
            || s.contains("/git/")
        {
            assert_eq!(after.get(p), Some(bytes), "{s} changed");
        }
    }
    assert!(!env.path("project/.claude/skills/drafts").exists());
    assert!(!env.path("project/.claude/commands/git").exists());
}
