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
fn schema_5_holds_hook_and_mcp_and_its_down_step_drops_only_them() {
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
    // A schema-4 database with a skill, migrated up: the skill's lineage survives.
    let store = Store::open_at(&path, 4).unwrap();
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
    // Down to 4: hook and mcp lineage goes, the skill's stays, no reference dangles.
    let store = Store::open_at(&path, 4).unwrap();
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
fn a_database_without_our_id_is_used_only_when_empty_or_of_our_schema() {
    let dir = tempfile::tempdir().unwrap();
    // Another program's database that never set an application id.
    let foreign = dir.path().join("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE foo (x); INSERT INTO foo VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&foreign).unwrap();
    let err = Store::open(&foreign).unwrap_err().to_string();
    assert!(
        err.contains("foreign.db")
            && err.contains("did not create")
            && err.contains("foo")
            && err.contains("move it away"),
        "{err}"
    );
    assert_eq!(std::fs::read(&foreign).unwrap(), before, "bytes changed");
    // One that only set a schema version.
    let versioned = dir.path().join("v.db");
    rusqlite::Connection::open(&versioned)
        .unwrap()
        .execute_batch("PRAGMA user_version = 1;")
        .unwrap();
    assert!(Store::open(&versioned).is_err());

    // Ours from before the id was set: accepted and stamped.
    let old = dir.path().join("old.db");
    drop(Store::open(&old).unwrap());
    rusqlite::Connection::open(&old)
        .unwrap()
        .execute_batch("PRAGMA application_id = 0;")
        .unwrap();
    drop(Store::open(&old).unwrap());
    let id: i64 = rusqlite::Connection::open(&old)
        .unwrap()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 0x534b_4d54);
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
    let (ha, hb) = (a.content_hash(true), b.content_hash(true));
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
            version: Some(3),
        })
        .unwrap();
    let log = store.audit_log(10).unwrap();
    assert_eq!(log[0].operation, "sync");
    assert_eq!(log[0].artifact.as_deref(), Some("skill:a"));
    assert_eq!(log[0].conflict_files, files);
    assert_eq!(log[0].duration_ms, 12);
    assert_eq!(log[0].version, Some(3));
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

#[test]
fn a_version_keeps_its_modes_folders_and_links_and_migration_4_goes_down_and_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let id = skill("s");
    let mut tree = Tree::default();
    tree.files.insert("SKILL.md".into(), b"s".to_vec());
    tree.files.insert("run.sh".into(), b"r".to_vec());
    tree.meta.modes.insert("run.sh".into(), 0o755);
    tree.meta.dirs.insert("".into(), 0o700);
    tree.meta.dirs.insert("empty".into(), 0o755);
    tree.meta.links.insert("lib".into(), "empty".into());
    let hash = tree.content_hash(true);
    let store = Store::open(&path).unwrap();
    let v = store
        .add_version(
            &id,
            NewVersion {
                hash: &hash,
                origin: Origin::Deployment,
                parents: &[],
                files: Some(&tree),
                message: None,
            },
        )
        .unwrap();
    assert_eq!(store.version_files(v.id).unwrap(), Some(tree.clone()));
    assert!(v.holds(&hash, &tree.meta_digest()));
    assert!(
        !v.holds(&hash, ""),
        "a mode-only difference is a different copy"
    );
    assert_eq!(
        store.versions(&id).unwrap()[0].meta_hash,
        tree.meta_digest()
    );
    drop(store);
    // Down to 3: the versions survive without their meta; up again: they read as plain trees
    // (what every writer before schema 4 wrote).
    drop(Store::open_at(&path, 3).unwrap());
    let store = Store::open(&path).unwrap();
    let back = store.version_files(v.id).unwrap().unwrap();
    assert_eq!(back.files, tree.files);
    assert!(back.meta.is_plain());
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
                hash: &t.content_hash(true),
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
                hash: &t.content_hash(true),
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
    let hash = plain.content_hash(true);
    assert_eq!(
        exec.content_hash(true),
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
