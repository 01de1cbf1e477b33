//! A workspace held open (as the language server holds one) re-checks its profile roots: a
//! root linked out of the project after the open is refused by every reader and writer of a
//! deployment under it — status of one artifact, diff, sync either way, deploy, and what the
//! server asks by id (drift with a buffer, the main file, a proposal) — before anything is read
//! or created through the link.

use std::fs;
use std::path::Path;

use skillmeat_core::collection::{Collection, Source};
use skillmeat_core::sync::{Direction, Strategy};
use skillmeat_core::workspace::{Options, Workspace};
use skillmeat_core::{ArtifactId, ArtifactType};

const SKILL: &str = "---\nname: pdf\n---\nPDF.\n";
const SECRET: &str = "SECRET CONTENT OUTSIDE THE PROJECT\n";

fn write(p: &Path, body: &str) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, body).unwrap();
}

#[test]
fn a_profile_root_linked_out_after_the_open_is_refused_by_every_reader_and_writer() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root.join("collection/skills/pdf/SKILL.md"), SKILL);
    fs::create_dir_all(root.join("project/.git")).unwrap();
    let collection = Collection::open(&root.join("collection"), Source::Flag).unwrap();
    let mut ws = Workspace::open(&root.join("project"), collection, Options::default()).unwrap();
    ws.deploy_to(&["skill:pdf".into()], false, &["codex".into()], false)
        .unwrap();

    // While it is open, `.agents` becomes a link to a folder outside holding other content.
    fs::rename(root.join("project/.agents"), root.join("outside")).unwrap();
    write(&root.join("outside/skills/pdf/SKILL.md"), SECRET);
    std::os::unix::fs::symlink(root.join("outside"), root.join("project/.agents")).unwrap();
    let outside_before: Vec<_> = fs::read_dir(root.join("outside/skills/pdf"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();

    let id = ArtifactId::new(ArtifactType::Skill, "pdf")
        .unwrap()
        .with_profile(Some("codex"));
    let refused = |what: &str, r: Result<String, skillmeat_core::Error>| {
        let msg = r.expect_err(what).to_string();
        assert!(
            msg.contains(".agents") && msg.contains("outside the project"),
            "{what}: {msg}"
        );
        assert!(!msg.contains("SECRET"), "{what}: {msg}");
    };
    refused(
        "status of one",
        ws.status_of(Some(std::slice::from_ref(&id)))
            .map(|r| format!("{r:?}")),
    );
    refused("status", ws.status().map(|r| format!("{r:?}")));
    refused(
        "diff",
        ws.diff("skill:pdf@codex", Some("collection"), Some("project"))
            .map(|d| format!("{d:?}")),
    );
    refused(
        "push",
        ws.sync(
            "skill:pdf@codex",
            Direction::ProjectToCollection,
            Strategy::Overwrite,
            true,
        )
        .map(|s| format!("{s:?}")),
    );
    refused(
        "pull",
        ws.sync(
            "skill:pdf@codex",
            Direction::CollectionToProject,
            Strategy::Overwrite,
            true,
        )
        .map(|s| format!("{s:?}")),
    );
    refused(
        "deploy",
        ws.deploy_to(&["skill:pdf".into()], true, &["codex".into()], false)
            .map(|d| format!("{d:?}")),
    );
    // What the server asks by id (no id to resolve, so no scan of the roots first): each
    // checks the copy's profile root itself.
    refused(
        "drift with a buffer",
        ws.buffers_status(&id, &[("SKILL.md", b"buffer")])
            .map(|s| format!("{s:?}")),
    );
    refused(
        "main file",
        ws.main_file(&id).map(|p| p.display().to_string()),
    );
    refused(
        "proposal",
        ws.propose(&id, &[("SKILL.md", b"buffer")])
            .map(|p| format!("{p:?}")),
    );
    refused(
        "sync by id",
        ws.sync_id(
            &id,
            Direction::CollectionToProject,
            Strategy::Overwrite,
            true,
        )
        .map(|s| format!("{s:?}")),
    );
    refused(
        "project path",
        ws.project_path(&id).map(|p| p.display().to_string()),
    );
    assert_eq!(
        fs::read_to_string(root.join("collection/skills/pdf/SKILL.md")).unwrap(),
        SKILL
    );
    assert_eq!(
        fs::read_to_string(root.join("outside/skills/pdf/SKILL.md")).unwrap(),
        SECRET
    );
    let outside_after: Vec<_> = fs::read_dir(root.join("outside/skills/pdf"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside_before, outside_after, "nothing created outside");
}
