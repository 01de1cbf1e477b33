//! Tests of the store's schema: migrations both ways (the modes, folders and links of schema 4,
//! hooks and MCP servers of schema 5, one lineage per profile of schema 7), and refusal of foreign, newer and damaged databases.

use super::tests::skill;
use super::*;
use crate::id::{ArtifactId, ArtifactType, Shape};
use crate::tree::Tree;

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

/// Records a deployment of `id` whose SKILL.md is `content` (its hash, for these tests, too).
fn deploy(store: &Store, id: &ArtifactId, content: &str) -> VersionRow {
    let mut t = Tree::default();
    t.files
        .insert("SKILL.md".into(), content.as_bytes().to_vec());
    let v = store
        .add_version(
            id,
            NewVersion {
                hash: content,
                origin: Origin::Deployment,
                parents: &[],
                files: Some(&t),
                message: None,
            },
        )
        .unwrap();
    store
        .set_baseline(id, v.id, "2026-11-29T00:00:00Z", "default")
        .unwrap();
    v
}

#[test]
fn released_migrations_keep_their_exact_text() {
    // A released migration is never edited (its SQL has run on people's databases): the text of
    // 1 to 7, however the source spells it (5 and 7 share parts through macros), is what shipped.
    let mut all = String::new();
    for m in schema::MIGRATIONS.iter().filter(|m| m.version <= 7) {
        all.push_str(&format!("{}\n{}\n{}\n", m.version, m.up, m.down));
    }
    assert_eq!(
        crate::hash::hash_bytes(all.as_bytes()),
        "98c4b42b5dead3c414943372ff015ce4ad14138e600904f757f0bdf4b4ee5522"
    );
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
fn schema_7_keeps_one_lineage_per_profile_and_a_schema_5_store_upgrades_through_6_and_7() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    // A schema-5 store (before 6's and 7's profiles) with a deployed skill, opened by this
    // build: it goes up through 6 and 7.
    let store = Store::open_at(&path, 5).unwrap();
    let old = deploy(&store, &skill("demo"), "a1");
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 7);
    let d = store.deployment(&skill("demo")).unwrap().unwrap();
    assert_eq!(
        (d.baseline_version_id, d.id.profile.clone()),
        (old.id, None)
    );
    // The codex deployment of the same skill is another lineage: its own v1 and baseline.
    let codex = skill("demo").with_profile(Some("codex"));
    let v = deploy(&store, &codex, "b2");
    assert_eq!(v.number, 1);
    assert_eq!(store.versions(&skill("demo")).unwrap().len(), 1);
    let all: Vec<String> = store
        .deployments()
        .unwrap()
        .into_iter()
        .map(|d| format!("{} {}", d.id, d.baseline_hash))
        .collect();
    assert_eq!(all, ["skill:demo a1", "skill:demo@codex b2"]);
    drop(store);
    // Down to 6 drops only the other profile's lineage; up again finds Claude Code's intact.
    let store = Store::open_at(&path, 6).unwrap();
    let rows: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.deployments().unwrap().len(), 1);
    assert!(store.versions(&codex).unwrap().is_empty());
}

#[test]
fn migration_7_down_keeps_claude_codes_kept_row_and_drops_only_the_other_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let store = Store::open(&path).unwrap();
    let claude = skill("demo");
    let codex = skill("demo").with_profile(Some("codex"));
    let other = skill("pdf");
    for id in [&claude, &codex, &other] {
        deploy(&store, id, &id.to_string());
    }
    store.set_kept(&claude, "staging API", Some("c1")).unwrap();
    store.set_kept(&codex, "codex wording", Some("c2")).unwrap();
    let kept: Vec<String> = store
        .all_kept()
        .unwrap()
        .into_iter()
        .map(|(id, k)| format!("{id} {}", k.reason))
        .collect();
    assert_eq!(
        kept,
        ["skill:demo staging API", "skill:demo@codex codex wording"]
    );
    drop(store);

    // Down to 6: the codex keep goes with its lineage; Claude Code's stays on its own row.
    let store = Store::open_at(&path, 6).unwrap();
    let rows: Vec<(String, String)> = store
        .conn()
        .prepare("SELECT a.name, k.reason FROM kept k JOIN artifacts a ON a.id = k.artifact_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows, [("demo".to_string(), "staging API".to_string())]);
    let dangling: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM kept WHERE artifact_id NOT IN (SELECT id FROM artifacts)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dangling, 0);
    let fk: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0, "a reference dangles after the down step");
    drop(store);

    // Up again: the keep reads back on the same deployment, with its collection identity.
    let store = Store::open(&path).unwrap();
    let k = store.kept(&claude).unwrap().unwrap();
    assert_eq!(
        (k.reason.as_str(), k.collection.as_deref()),
        ("staging API", Some("c1"))
    );
    assert!(store.kept(&codex).unwrap().is_none());
    assert!(store.kept(&other).unwrap().is_none());
    assert_eq!(store.deployments().unwrap().len(), 2);
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
    let hash = tree.content_hash(Shape::Folder);
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
