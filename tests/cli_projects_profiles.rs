//! `projects ID` counts a collection artifact's deployments under every profile root (`.claude`
//! and codex's `.agents`), each shown once as `type:name@profile`.

use crate::cli_projects::{everywhere, in_project};
use crate::support;

use support::Env;

#[test]
fn projects_id_counts_every_profile_root_and_names_each_once() {
    let env = Env::new("");
    env.write(
        "collection/skills/pdf/SKILL.md",
        "---\nname: pdf\n---\nPDF.\n",
    );
    std::fs::create_dir_all(env.path("p1/.git")).unwrap();
    assert_eq!(in_project(&env, "p1", &["deploy", "skill:pdf"]).code, 0);
    let r = in_project(&env, "p1", &["deploy", "skill:pdf", "--profile", "codex"]);
    assert_eq!(r.code, 0, "{r:?}");

    let v = everywhere(&env, &["projects", "pdf", "--json"], &[]).json();
    let deps = v["projects"][0]["deployments"].as_array().unwrap();
    let rows: Vec<(String, Option<String>, String)> = deps
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["profile"].as_str().map(str::to_string),
                d["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("skill:pdf".into(), None, ".claude/skills/pdf".into()),
            (
                "skill:pdf".into(),
                Some("codex".into()),
                ".agents/skills/pdf".into()
            ),
        ],
        "{v}"
    );
    assert_eq!(v["summary"]["projects"], 1, "{v}");
    assert_eq!(v["summary"]["states"]["synced"], 2, "{v}");

    let r = everywhere(&env, &["projects"], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("skill:pdf@codex "), "{}", r.stdout);
    assert!(!r.stdout.contains("@codex@codex"), "{}", r.stdout);
}
