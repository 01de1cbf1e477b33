//! Tests of the store's versions: the DAG, shared blobs, audit and conflict records, damaged and
//! half-stored content, racing writers. Schema tests are in `schema_tests.rs`.

use super::*;
use crate::id::{ArtifactId, ArtifactType, Shape};
use crate::tree::Tree;

pub(super) fn skill(name: &str) -> ArtifactId {
    ArtifactId::new(ArtifactType::Skill, name).unwrap()
}

#[test]
fn same_content_twice_is_two_versions_and_blobs_are_shared() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let id = skill("a");
    let mut a = Tree::default();
    a.files.insert("SKILL.md".into(), b"A".to_vec());
    let mut b = Tree::default();
    b.files.insert("SKILL.md".into(), b"B".to_vec());
    let (ha, hb) = (a.content_hash(Shape::Folder), b.content_hash(Shape::Folder));
    let v1 = store
        .add_version(
            &id,
            NewVersion {
                hash: &ha,
                origin: Origin::Deployment,
                parents: &[],
                files: Some(&a),
                message: None,
            },
        )
        .unwrap();
    let v2 = store
        .add_version(
            &id,
            NewVersion {
                hash: &hb,
                origin: Origin::LocalModification,
                parents: &[v1.id],
                files: Some(&b),
                message: None,
            },
        )
        .unwrap();
    let v3 = store
        .add_version(
            &id,
            NewVersion {
                hash: &ha,
                origin: Origin::Rollback,
                parents: &[v2.id],
                files: Some(&a),
                message: None,
            },
        )
        .unwrap();
    assert_eq!((v1.number, v2.number, v3.number), (1, 2, 3));
    let blobs: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM blobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blobs, 2);
    assert_eq!(store.version_files(v3.id).unwrap().unwrap(), a);
    let anc: Vec<i64> = store
        .ancestors(v3.id)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(anc, [v3.id, v2.id, v1.id]);
    let all = store.versions(&id).unwrap();
    assert_eq!(all[2].parents, [v2.id]);
}

#[test]
fn merge_versions_have_two_parents_and_hash_only_versions_have_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let id = skill("m");
    let base = store
        .add_version(
            &id,
            NewVersion {
                hash: "h0",
                origin: Origin::Import,
                parents: &[],
                files: None,
                message: None,
            },
        )
        .unwrap();
    assert!(store.version_files(base.id).unwrap().is_none());
    let x = store
        .add_version(
            &id,
            NewVersion {
                hash: "h1",
                origin: Origin::Sync,
                parents: &[base.id],
                files: None,
                message: None,
            },
        )
        .unwrap();
    let y = store
        .add_version(
            &id,
            NewVersion {
                hash: "h2",
                origin: Origin::LocalModification,
                parents: &[base.id],
                files: None,
                message: None,
            },
        )
        .unwrap();
    let m = store
        .add_version(
            &id,
            NewVersion {
                hash: "h3",
                origin: Origin::Merge,
                parents: &[y.id, x.id],
                files: None,
                message: Some("merged"),
            },
        )
        .unwrap();
    assert_eq!(store.version(m.id).unwrap().parents, [y.id, x.id]);
    let anc = store.ancestors(m.id).unwrap();
    assert_eq!(anc.last().unwrap(), &(base.id, 2));
}

#[test]
fn workspace_store_creates_a_gitignore_for_the_database() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open_workspace(dir.path()).unwrap());
    let ignore = std::fs::read_to_string(dir.path().join(".skillmeat/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "lineage.db*"));
}

#[test]
fn audit_events_and_conflict_records_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let id = skill("a");
    let files = vec!["SKILL.md".to_string()];
    store
        .audit(&AuditEvent {
            operation: "sync",
            artifact: Some(&id),
            direction: Some("collection-to-project"),
            strategy: Some("auto"),
            result: "conflicts",
            duration_ms: 12,
            conflict_files: &files,
            detail: None,
        })
        .unwrap();
    let log = store.audit_log(10).unwrap();
    assert_eq!(log[0].operation, "sync");
    assert_eq!(log[0].artifact.as_deref(), Some("skill:a"));
    assert_eq!(log[0].conflict_files, files);
    assert_eq!(log[0].duration_ms, 12);
    store
        .record_conflict(&ConflictRecord {
            artifact: &id,
            file_path: "SKILL.md",
            base_hash: Some("b"),
            ours_hash: Some("o"),
            theirs_hash: Some("t"),
            strategy: "auto",
        })
        .unwrap();
    assert_eq!(store.open_conflicts(&id).unwrap(), ["SKILL.md"]);
    assert_eq!(store.resolve_conflicts(&id, None, "r").unwrap(), 1);
    assert!(store.open_conflicts(&id).unwrap().is_empty());
}

/// A version with content `files` of skill `name`, stored whole.
fn stored(store: &Store, name: &str, files: &[(&str, &str)]) -> (crate::id::ArtifactId, i64, Tree) {
    let id = skill(name);
    let mut t = Tree::default();
    for (p, c) in files {
        t.files.insert(p.to_string(), c.as_bytes().to_vec());
    }
    let v = store
        .add_version(
            &id,
            NewVersion {
                hash: &t.content_hash(Shape::Folder),
                origin: Origin::Deployment,
                parents: &[],
                files: Some(&t),
                message: None,
            },
        )
        .unwrap();
    (id, v.id, t)
}

#[test]
fn a_damaged_blob_is_refused_naming_the_artifact_version_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let (_, v, _) = stored(
        &store,
        "pdf",
        &[("SKILL.md", "skill\n"), ("ref.md", "reference\n")],
    );
    store
        .conn()
        .execute(
            "UPDATE blobs SET data = CAST('tampered' AS BLOB) WHERE hash = ?1",
            [crate::hash::hash_bytes(b"reference\n")],
        )
        .unwrap();
    let err = store.version_files(v).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::Malformed);
    let msg = err.to_string();
    assert!(
        msg.contains("skill:pdf v1") && msg.contains("ref.md") && msg.contains("damaged"),
        "{msg}"
    );
    assert!(store.verify_version(v).is_err());
}

#[test]
fn a_half_stored_version_is_refused_and_never_reused_as_the_kept_copy() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let (id, v, t) = stored(
        &store,
        "pdf",
        &[("SKILL.md", "skill\n"), ("notes.md", "notes\n")],
    );
    // What an older build left after a full disk: the row and only some of its files.
    store
        .conn()
        .execute(
            "DELETE FROM version_files WHERE version_id = ?1 AND path = 'notes.md'",
            [v],
        )
        .unwrap();
    let err = store.verify_version(v).unwrap_err().to_string();
    assert!(err.contains("do not add up"), "{err}");
    let (again, added) = store
        .find_or_add_version(
            &id,
            NewVersion {
                hash: &t.content_hash(Shape::Folder),
                origin: Origin::LocalModification,
                parents: &[v],
                files: Some(&t),
                message: None,
            },
        )
        .unwrap();
    assert!(added, "the half-stored v1 was taken for the content");
    assert_eq!(store.version_files(again.id).unwrap().unwrap(), t);
}

#[test]
fn versions_numbered_from_many_connections_at_once_never_collide() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    Store::open(&path).unwrap();
    std::thread::scope(|s| {
        for i in 0..8 {
            let path = path.clone();
            s.spawn(move || {
                let store = Store::open(&path).unwrap();
                for j in 0..40 {
                    let body = format!("{i} {j}\n");
                    stored(&store, "shared", &[("SKILL.md", body.as_str())]);
                }
            });
        }
    });
    let store = Store::open(&path).unwrap();
    let numbers: Vec<u32> = store
        .versions(&skill("shared"))
        .unwrap()
        .iter()
        .map(|v| v.number)
        .collect();
    assert_eq!(numbers, (1..=320).collect::<Vec<u32>>());
}

#[test]
fn find_or_add_reuses_a_version_only_when_it_holds_the_same_modes_folders_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("l.db")).unwrap();
    let (id, v, plain) = stored(&store, "tool", &[("SKILL.md", "s\n"), ("run.sh", "r\n")]);
    let mut exec = plain.clone();
    exec.meta.modes.insert("run.sh".into(), 0o755);
    let hash = plain.content_hash(Shape::Folder);
    assert_eq!(
        exec.content_hash(Shape::Folder),
        hash,
        "modes are not in the content hash"
    );
    let new = |t| NewVersion {
        hash: &hash,
        origin: Origin::LocalModification,
        parents: &[],
        files: Some(t),
        message: None,
    };
    let (again, added) = store.find_or_add_version(&id, new(&plain)).unwrap();
    assert!(
        !added && again.id == v,
        "the same plain copy is stored once"
    );
    let (kept, added) = store.find_or_add_version(&id, new(&exec)).unwrap();
    assert!(added, "a chmod-only change was taken for the plain version");
    assert_eq!(store.version_files(kept.id).unwrap().unwrap(), exec);
    let (found, added) = store.find_or_add_version(&id, new(&exec)).unwrap();
    assert!(!added && found.id == kept.id);
}
