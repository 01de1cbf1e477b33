//! Every SkillMeat profile root is held to `.claude`'s rule (docs/design.md §12): a project
//! someone else wrote cannot make a command read or write outside it through a profile root
//! (`.agents`, `.gemini`, `.cursor`), a type folder in one or its deployed file that is a
//! symlink; nor share one folder between two profiles through a link inside it.

use crate::cli_projects::everywhere;
use crate::support;

use std::os::unix::fs::symlink;

use support::{assert_refused, Env};

const SKILL: &str = "---\nname: pdf\n---\nPDF.\n";
const SECRET: &str = "SECRET CONTENT OUTSIDE THE PROJECT\n";

/// A deployed file SkillMeat would write for `skill:pdf` under `profile`'s `root`.
fn deployed_file(profile: &str, root: &str) -> String {
    format!(
        "# someone else's file\n[[deployed]]\nartifact_name = \"pdf\"\nartifact_type = \"skill\"\nfrom_collection = \"collection\"\ndeployed_at = \"2026-01-01T00:00:00\"\nartifact_path = \"skills/pdf\"\ncontent_hash = \"{}\"\ndeployment_profile_id = \"{profile}\"\nplatform = \"{profile}\"\nprofile_root_dir = \"{root}\"\n",
        "1".repeat(64)
    )
}

/// `skill:pdf` deployed to `.claude`, and a folder `outside/` beside the project holding a
/// profile root's worth of content: `skills/pdf` and a deployed file of `profile`.
fn world(profile: &str, root: &str) -> Env {
    let env = Env::new(
        r#"
        //- collection/skills/pdf/SKILL.md
        ---
        name: pdf
        ---
        PDF.
        "#,
    );
    std::fs::create_dir_all(env.path("project/.git")).unwrap();
    assert_eq!(env.run(&["deploy", "skill:pdf"]).code, 0);
    env.write("outside/skills/pdf/SKILL.md", SECRET);
    env.write(
        "outside/.skillmeat-deployed.toml",
        &deployed_file(profile, root),
    );
    env
}

/// The commands that read or write a deployment under `profile`.
fn commands(profile: &str) -> Vec<Vec<String>> {
    let id = format!("skill:pdf@{profile}");
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        v(&["status"]),
        v(&["deploy", "skill:pdf", "--profile", profile]),
        v(&["diff", &id, "--from", "collection", "--to", "project"]),
        v(&[
            "sync",
            &id,
            "--direction",
            "project-to-collection",
            "--strategy",
            "overwrite",
            "--apply",
        ]),
        v(&[
            "sync",
            "--all",
            "--direction",
            "project-to-collection",
            "--strategy",
            "overwrite",
            "--apply",
        ]),
        v(&["sync", "--all", "--apply"]),
    ]
}

#[test]
fn profile_roots_type_folders_and_deployed_files_linked_out_are_refused_by_every_command() {
    // (profile, its root, the link made in the project, where it leads under `outside/`)
    for (profile, root, link, to) in [
        ("codex", ".agents", ".agents", ""),
        ("gemini", ".gemini", ".gemini/skills", "skills"),
        ("cursor", ".cursor", ".cursor/skills", "skills"),
        (
            "codex",
            ".agents",
            ".agents/.skillmeat-deployed.toml",
            ".skillmeat-deployed.toml",
        ),
    ] {
        let env = world(profile, root);
        let at = env.path(&format!("project/{link}"));
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        if link.ends_with("skills") {
            // The root itself is real and holds its own deployed file.
            env.write(
                &format!("project/{root}/.skillmeat-deployed.toml"),
                &deployed_file(profile, root),
            );
        }
        symlink(env.path(&format!("outside/{to}")), &at).unwrap();
        let name = link.rsplit('/').next().unwrap();
        for args in commands(profile) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = env.run(&args);
            assert!(!r.stdout.contains("SECRET"), "{link} {args:?}: {r:?}");
            assert_refused(
                &env,
                &args,
                1,
                &[name, "outside the project", "replace the link"],
            );
        }
        assert_eq!(env.read("outside/skills/pdf/SKILL.md"), SECRET);
        assert_eq!(env.read("collection/skills/pdf/SKILL.md"), SKILL);
        assert_eq!(
            std::fs::read_dir(env.path("outside")).unwrap().count(),
            2,
            "{link}: nothing is created outside"
        );
    }
}

#[test]
fn projects_from_another_folder_never_reads_or_writes_through_a_linked_profile_root() {
    let env = world("codex", ".agents");
    // Registered while it was sound; then its `.agents` is made a link out.
    symlink(env.path("outside"), env.path("project/.agents")).unwrap();
    // The registry under `$HOME` is ours to update; the projects and `outside/` are not.
    let home = env.path("home");
    let files = || {
        let mut s = env.snapshot();
        s.retain(|p, _| !p.starts_with(&home));
        s
    };
    let before = files();
    let r = everywhere(&env, &["projects", "pdf"], &[]);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(".agents") && said.contains("outside the project"),
        "{r:?}"
    );
    support::assert_unchanged(&before, &files(), "projects pdf");
}

#[test]
fn a_profile_root_linked_to_another_profiles_root_is_refused_not_shared() {
    // One folder for Claude Code and codex (`.agents -> .claude`): two deployments with separate
    // baselines would share one copy and one deployed file. Refused, as SkillMeat's config
    // giving two profiles one root is warned about and only the first keeps it.
    let env = world("codex", ".agents");
    symlink(".claude", env.path("project/.agents")).unwrap();
    for args in [
        &["deploy", "skill:pdf", "--profile", "codex"][..],
        &["status"][..],
        &["sync", "--all", "--apply"][..],
    ] {
        assert_refused(
            &env,
            args,
            1,
            &[
                ".agents",
                "codex profile root",
                "inside the project",
                "replace the link",
            ],
        );
    }
    // Replaced by a real folder, the same project deploys to both profiles again.
    std::fs::remove_file(env.path("project/.agents")).unwrap();
    let r = env.run(&["deploy", "skill:pdf", "--profile", "codex"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.read("project/.agents/skills/pdf/SKILL.md"), SKILL);
}
