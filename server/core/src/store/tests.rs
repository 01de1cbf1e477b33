//! Tests of the store: migrations both ways, refusal of foreign and newer databases, the DAG.

use super::*;
use crate::id::{ArtifactId, ArtifactType};
use crate::tree::Tree;

fn skill(name: &str) -> ArtifactId {
    ArtifactId::new(ArtifactType::Skill, name).unwrap()
}

fn tables(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn migrations_go_up_to_latest_and_down_to_empty_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::latest());
    assert!(tables(&store).contains(&"versions".to_string()));
    drop(store);
    for target in (0..schema::latest()).rev() {
        let store = Store::open_at(&path, target).unwrap();
        assert_eq!(store.schema_version().unwrap(), target);
    }
    let store = Store::open_at(&path, 0).unwrap();
    assert!(
        tables(&store).is_empty(),
        "down steps left {:?}",
        tables(&store)
    );
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::latest());
    store.set_meta("k", "v").unwrap();
    assert_eq!(store.meta("k").unwrap().as_deref(), Some("v"));
}

#[test]
fn schema_3_holds_hook_and_mcp_and_its_down_step_drops_only_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let mut t = Tree::default();
    t.files.insert("x".into(), b"x".to_vec());
    let add = |store: &Store, id: &ArtifactId| {
        store
            .add_version(
                id,
                NewVersion {
                    hash: "h",
                    origin: Origin::Deployment,
                    parents: &[],
                    files: Some(&t),
                    message: None,
                },
            )
            .unwrap()
    };
    // A schema-2 database with a skill, migrated up: the skill's lineage survives.
    let store = Store::open_at(&path, 2).unwrap();
    let sk = add(&store, &skill("pdf"));
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.versions(&skill("pdf")).unwrap()[0].id, sk.id);
    let mcp = ArtifactId::new(ArtifactType::Mcp, "github").unwrap();
    let hook = ArtifactId::new(ArtifactType::Hook, "pre").unwrap();
    add(&store, &mcp);
    add(&store, &hook);
    assert_eq!(store.versions(&mcp).unwrap().len(), 1);
    drop(store);
    // Down to 2: hook and mcp lineage goes, the skill's stays, no reference dangles.
    let store = Store::open_at(&path, 2).unwrap();
    let types: Vec<String> = store
        .conn()
        .prepare("SELECT type FROM artifacts")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(types, ["skill"]);
    let versions: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 1);
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.versions(&skill("pdf")).unwrap().len(), 1);
    assert!(store.versions(&mcp).unwrap().is_empty());
}

#[test]
fn newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    drop(Store::open(&path).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("PRAGMA user_version = {}", schema::latest() + 1))
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("newer skillmeat-lsp") && err.contains("l.db"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn garbage_and_foreign_databases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("g.db");
    std::fs::write(&garbage, vec![b'x'; 4096]).unwrap();
    let err = Store::open(&garbage).unwrap_err().to_string();
    assert!(err.contains("not a SQLite database"), "{err}");
    assert_eq!(std::fs::read(&garbage).unwrap(), vec![b'x'; 4096]);

    let foreign = dir.path().join("f.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("PRAGMA application_id = 42; CREATE TABLE t (x);")
            .unwrap();
    }
    let err = Store::open(&foreign).unwrap_err().to_string();
    assert!(err.contains("another program"), "{err}");
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
    let v1 = store
        .add_version(
            &id,
            NewVersion {
                hash: "ha",
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
                hash: "hb",
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
                hash: "ha",
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
