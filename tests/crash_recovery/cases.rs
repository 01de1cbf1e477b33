//! The crash-recovery cases: a skill with nested files and a command, each outdated, merged
//! with a person's edit, or pushed to the collection, with the trees before and after and the
//! workspace each starts from.

use crate::support;

use skillmeat_core::Shape;
use support::tree::{files, hash_of, Files};
use support::Env;

pub struct Case {
    pub label: &'static str,
    pub id: &'static str,
    pub shape: Shape,
    /// Extra `sync` arguments (the direction).
    pub args: &'static [&'static str],
    /// The tree the sync writes to, relative to the temporary root.
    pub target: &'static str,
    pub old: Files,
    pub new: Files,
    /// The baseline hash a completed sync records.
    pub new_baseline: String,
    pub old_state: &'static str,
    pub new_state: &'static str,
    /// A line a person wrote in the project that must survive, with the file holding it.
    pub person: Option<(&'static str, &'static str)>,
    /// Builds the deployed, drifted workspace.
    pub setup: fn(&Env),
}

pub const SKILL_V1: &str = "---\nname: pdf\ndescription: PDF tools\n---\nline 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nlast line\n";
pub const COLLECTION_EDIT: (&str, &str) = ("line 1\n", "line 1, changed in the collection\n");
pub const PROJECT_EDIT: (&str, &str) = ("last line\n", "last line, written by a person\n");
pub const PERSON_LINE: &str = "last line, written by a person";

pub fn skill_v1() -> Files {
    files(&[
        ("SKILL.md", SKILL_V1),
        ("scripts/extract.py", "print('extract')\n"),
        ("sub/gone.md", "to be deleted\n"),
        ("docs/keep.md", "docs v1\n"),
    ])
}

/// The collection moved on: SKILL.md edited, a nested file deleted (its folder with it), a
/// nested file added, another modified.
pub fn skill_v2() -> Files {
    files(&[
        (
            "SKILL.md",
            &SKILL_V1.replace(COLLECTION_EDIT.0, COLLECTION_EDIT.1),
        ),
        ("scripts/extract.py", "print('extract')\n"),
        ("added/deep/new.md", "added in the collection\n"),
        ("docs/keep.md", "docs v2\n"),
    ])
}

/// The person's edit of the project copy: SKILL.md's last line and a file of their own.
pub fn skill_project_edit() -> Files {
    let mut f = skill_v1();
    f.insert(
        "SKILL.md".into(),
        SKILL_V1
            .replace(PROJECT_EDIT.0, PROJECT_EDIT.1)
            .into_bytes(),
    );
    f.insert("notes/mine.md".into(), b"my own notes\n".to_vec());
    f
}

pub fn skill_merged() -> Files {
    let mut f = skill_v2();
    f.insert(
        "SKILL.md".into(),
        SKILL_V1
            .replace(COLLECTION_EDIT.0, COLLECTION_EDIT.1)
            .replace(PROJECT_EDIT.0, PROJECT_EDIT.1)
            .into_bytes(),
    );
    f.insert("notes/mine.md".into(), b"my own notes\n".to_vec());
    f
}

pub const CMD_V1: &str =
    "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nlast line\n";

pub fn write_files(env: &Env, root: &str, f: &Files) {
    let dir = env.path(root);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    for (rel, bytes) in f {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

pub fn deploy(env: &Env, id: &str) {
    let r = env.run(&["deploy", id]);
    assert_eq!(r.code, 0, "deploy {id}: {r:?}");
}

pub fn skill_outdated() -> Case {
    Case {
        label: "skill with nested files, outdated",
        id: "skill:pdf",
        shape: Shape::Folder,
        args: &[],
        target: "project/.claude/skills/pdf",
        old: skill_v1(),
        new: skill_v2(),
        new_baseline: hash_of(&skill_v2(), Shape::Folder),
        old_state: "outdated",
        new_state: "synced",
        person: None,
        setup: |env| {
            write_files(env, "collection/skills/pdf", &skill_v1());
            deploy(env, "skill:pdf");
            write_files(env, "collection/skills/pdf", &skill_v2());
        },
    }
}

pub fn skill_merge() -> Case {
    Case {
        label: "skill with nested files, changed on both sides",
        id: "skill:pdf",
        shape: Shape::Folder,
        args: &[],
        target: "project/.claude/skills/pdf",
        old: skill_project_edit(),
        new: skill_merged(),
        new_baseline: hash_of(&skill_v2(), Shape::Folder),
        // Both sides moved: a conflict until the merge lands, then the project keeps its edits.
        old_state: "conflict",
        new_state: "modified",
        person: Some(("SKILL.md", PERSON_LINE)),
        setup: |env| {
            write_files(env, "collection/skills/pdf", &skill_v1());
            deploy(env, "skill:pdf");
            write_files(env, "collection/skills/pdf", &skill_v2());
            write_files(env, "project/.claude/skills/pdf", &skill_project_edit());
        },
    }
}

pub fn command_outdated() -> Case {
    let new = CMD_V1.replace(COLLECTION_EDIT.0, COLLECTION_EDIT.1);
    Case {
        label: "single-file command, outdated",
        id: "command:review",
        shape: Shape::File,
        args: &[],
        target: "project/.claude/commands/review.md",
        old: files(&[("review.md", CMD_V1)]),
        new: files(&[("review.md", &new)]),
        new_baseline: skillmeat_core::hash::hash_bytes(new.as_bytes()),
        old_state: "outdated",
        new_state: "synced",
        person: None,
        setup: |env| {
            env.write("collection/commands/review.md", CMD_V1);
            deploy(env, "command:review");
            env.write(
                "collection/commands/review.md",
                &CMD_V1.replace(COLLECTION_EDIT.0, COLLECTION_EDIT.1),
            );
        },
    }
}

pub fn command_merge() -> Case {
    let collection = CMD_V1.replace(COLLECTION_EDIT.0, COLLECTION_EDIT.1);
    let project = CMD_V1.replace(PROJECT_EDIT.0, PROJECT_EDIT.1);
    let merged = collection.replace(PROJECT_EDIT.0, PROJECT_EDIT.1);
    Case {
        label: "single-file command, changed on both sides",
        id: "command:review",
        shape: Shape::File,
        args: &[],
        target: "project/.claude/commands/review.md",
        old: files(&[("review.md", &project)]),
        new: files(&[("review.md", &merged)]),
        new_baseline: skillmeat_core::hash::hash_bytes(collection.as_bytes()),
        old_state: "conflict",
        new_state: "modified",
        person: Some(("review.md", PERSON_LINE)),
        setup: |env| {
            env.write("collection/commands/review.md", CMD_V1);
            deploy(env, "command:review");
            env.write(
                "collection/commands/review.md",
                &CMD_V1.replace(COLLECTION_EDIT.0, COLLECTION_EDIT.1),
            );
            env.write(
                "project/.claude/commands/review.md",
                &CMD_V1.replace(PROJECT_EDIT.0, PROJECT_EDIT.1),
            );
        },
    }
}

pub fn skill_push() -> Case {
    let mut pushed = skill_project_edit();
    pushed.remove("sub/gone.md");
    Case {
        label: "skill pushed from the project into the collection",
        id: "skill:pdf",
        shape: Shape::Folder,
        args: &["--direction", "project-to-collection"],
        target: "collection/skills/pdf",
        old: skill_v1(),
        new: pushed.clone(),
        new_baseline: hash_of(&pushed, Shape::Folder),
        old_state: "modified",
        new_state: "synced",
        person: Some(("SKILL.md", PERSON_LINE)),
        setup: |env| {
            write_files(env, "collection/skills/pdf", &skill_v1());
            deploy(env, "skill:pdf");
            let mut pushed = skill_project_edit();
            pushed.remove("sub/gone.md");
            write_files(env, "project/.claude/skills/pdf", &pushed);
        },
    }
}
