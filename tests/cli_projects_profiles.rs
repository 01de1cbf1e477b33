//! `projects ID` counts a collection artifact's deployments under every profile root (`.claude`
//! and codex's `.agents`), each shown once as `type:name@profile`.

use crate::cli_projects::{canon, everywhere, hold_lock, in_project};
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

#[test]
fn sync_all_projects_syncs_every_profiles_deployment_and_one_failing_project_stops_no_other() {
    const BASE: &str = "---\nname: pdf\n---\n\none\ntwo\nthree\nfour\nfive\n";
    let env = Env::new("");
    env.write("collection/skills/pdf/SKILL.md", BASE);
    for p in ["p1", "p2", "p3"] {
        std::fs::create_dir_all(env.path(&format!("{p}/.git"))).unwrap();
        assert_eq!(in_project(&env, p, &["deploy", "skill:pdf"]).code, 0);
    }
    let r = in_project(&env, "p2", &["deploy", "skill:pdf", "--profile", "codex"]);
    assert_eq!(r.code, 0, "{r:?}");
    let newer = BASE.replace("one", "one (collection)");
    env.write("collection/skills/pdf/SKILL.md", &newer);
    env.write(
        "p2/.agents/skills/pdf/SKILL.md",
        &BASE.replace("five", "five (codex)"),
    );
    let lock = hold_lock(&env, "p3");
    let quick = [("SKILLMEAT_LOCK_TIMEOUT_MS", "300")];

    let r = everywhere(&env, &["sync", "pdf", "--all-projects", "--json"], &quick);
    let v = r.json();
    let rows = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["path"].as_str().unwrap().to_string(),
                    x["id"].as_str().unwrap_or("-").to_string(),
                )
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let (p1, p2, p3) = (canon(&env, "p1"), canon(&env, "p2"), canon(&env, "p3"));
    let want: Vec<(String, String)> = vec![
        (p1.clone(), "skill:pdf".into()),
        (p2.clone(), "skill:pdf".into()),
        (p2.clone(), "skill:pdf@codex".into()),
        (p3.clone(), "skill:pdf".into()),
    ];
    assert_eq!(rows(&v), want, "{v:#}");
    assert_eq!(v["applied"], false);
    assert_eq!(
        env.read("p2/.agents/skills/pdf/SKILL.md"),
        BASE.replace("five", "five (codex)"),
        "a dry run writes nothing"
    );

    let r = everywhere(
        &env,
        &["sync", "pdf", "--all-projects", "--apply", "--json"],
        &quick,
    );
    assert_eq!(r.code, 1, "one project failed: {r:?}");
    let v = r.json();
    assert_eq!(rows(&v), want, "{v:#}");
    let entry = |i: usize| {
        let (path, id) = &want[i];
        v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["path"] == path.as_str() && x["id"] == id.as_str())
            .cloned()
            .unwrap()
    };
    assert_eq!(entry(0)["result"]["kind"], "fast-forward", "{v:#}");
    assert_eq!(entry(1)["result"]["kind"], "fast-forward", "{v:#}");
    assert_eq!(entry(2)["result"]["kind"], "merge", "{v:#}");
    assert_eq!(entry(2)["result"]["applied"], true, "{v:#}");
    assert!(
        entry(3)["error"]
            .as_str()
            .is_some_and(|e| e.contains("locked")),
        "{v:#}"
    );
    assert_eq!(v["summary"]["projects"], 3, "{v:#}");
    assert_eq!(v["summary"]["deployments"], 4, "{v:#}");
    assert_eq!(v["summary"]["failed"], 1, "{v:#}");
    assert_eq!(env.read("p1/.claude/skills/pdf/SKILL.md"), newer);
    assert_eq!(env.read("p2/.claude/skills/pdf/SKILL.md"), newer);
    assert_eq!(
        env.read("p2/.agents/skills/pdf/SKILL.md"),
        newer.replace("five", "five (codex)"),
        "the codex copy merged clean: both edits kept"
    );
    assert_eq!(env.read("p3/.claude/skills/pdf/SKILL.md"), BASE);
    // SkillMeat's record of the codex root follows the sync.
    let deployed = env.read("p2/.agents/.skillmeat-deployed.toml");
    assert!(
        deployed.contains("deployment_profile_id = \"codex\""),
        "{deployed}"
    );

    std::fs::remove_file(lock).unwrap();
    let r = everywhere(&env, &["sync", "pdf", "--all-projects", "--apply"], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read("p3/.claude/skills/pdf/SKILL.md"), newer);
    assert!(
        r.stdout
            .contains(&format!("{p2} (skill:pdf@codex): already up to date")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("3 projects, 4 deployments, 0 failed"),
        "{}",
        r.stdout
    );
}
