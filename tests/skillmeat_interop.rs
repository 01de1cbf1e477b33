//! Interop with a project deployed by the real SkillMeat 0.74 CLI, captured by
//! `scripts/capture_skillmeat_project.sh` into `server/core/tests/data/skillmeat/deployed/`.
//! The collection is put where SkillMeat keeps it (`$HOME/.skillmeat/collections/default`) so
//! these runs use no flags at all: zero set-up, as for a SkillMeat user opening their project.

use crate::support;

use std::path::Path;

use support::{skillmeat_world, Env};

const CAPTURE: &str = support::SKILLMEAT_CAPTURE;

/// Runs in the project folder with no flags, like a person typing the command there.
fn run_here(env: &Env, args: &[&str]) -> support::Run {
    let out = env
        .command()
        .current_dir(env.project())
        .args(args)
        .output()
        .unwrap();
    support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn states(env: &Env) -> Vec<(String, String)> {
    let v = run_here(env, &["status", "--json"]).json();
    v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().into(),
                a["state"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn a_skillmeat_deployed_project_is_synced_with_zero_set_up() {
    let env = skillmeat_world();
    let r = run_here(&env, &["status", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert!(
        v["collection_source"]
            .as_str()
            .unwrap()
            .contains("config.toml"),
        "{v}"
    );
    let got: Vec<(String, String)> = states(&env);
    assert_eq!(
        got,
        [
            ("skill:demo-skill".into(), "synced".into()),
            ("command:review".into(), "synced".into()),
            ("agent:reviewer".into(), "synced".into()),
        ]
    );
    // The imported baselines carry the content, found in the project copies.
    let h = run_here(&env, &["history", "demo-skill", "--json"]).json();
    assert_eq!(h["versions"][0]["origin"], "import");
    assert_eq!(h["versions"][0]["has_content"], true);
}

#[test]
fn editing_a_skillmeat_deployed_skill_shows_modified() {
    let env = skillmeat_world();
    assert_eq!(run_here(&env, &["status"]).code, 0);
    let skill = env.project().join(".claude/skills/demo-skill/SKILL.md");
    let mut text = std::fs::read_to_string(&skill).unwrap();
    text.push_str("\nA line added in the project.\n");
    std::fs::write(&skill, text).unwrap();
    let r = run_here(&env, &["status"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("modified   skill:demo-skill"),
        "{}",
        r.stdout
    );
    assert_eq!(
        states(&env)[0],
        ("skill:demo-skill".into(), "modified".into())
    );
}

#[test]
fn our_deploy_keeps_skillmeats_file_readable_and_its_fields_intact() {
    let env = skillmeat_world();
    let collection_cmd = env.path("home/.skillmeat/collections/default/commands/review.md");
    std::fs::write(
        &collection_cmd,
        "---\ndescription: Review the current diff\n---\n\nNew body.\n",
    )
    .unwrap();
    assert_eq!(
        states(&env)[1],
        ("command:review".into(), "outdated".into())
    );
    assert_eq!(run_here(&env, &["deploy", "command:review"]).code, 0);
    assert_eq!(states(&env)[1], ("command:review".into(), "synced".into()));

    let text =
        std::fs::read_to_string(env.project().join(".claude/.skillmeat-deployed.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let entries = doc["deployed"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let review = entries
        .iter()
        .find(|e| e["artifact_name"].as_str() == Some("review"))
        .unwrap();
    let want = skillmeat_core::hash::hash_bytes(&std::fs::read(&collection_cmd).unwrap());
    assert_eq!(review["content_hash"].as_str(), Some(want.as_str()));
    for kept in [
        "deployment_profile_id",
        "platform",
        "profile_root_dir",
        "from_collection",
        "artifact_path",
    ] {
        assert!(review.get(kept).is_some(), "lost {kept}");
    }
    let skill = entries
        .iter()
        .find(|e| e["artifact_name"].as_str() == Some("demo-skill"))
        .unwrap();
    let original: toml::Table = std::fs::read_to_string(
        Path::new(CAPTURE).join("project/.claude/.skillmeat-deployed.toml"),
    )
    .unwrap()
    .parse()
    .unwrap();
    assert_eq!(
        skill,
        &original["deployed"].as_array().unwrap()[0],
        "an entry we did not deploy changed"
    );
}
