//! Unit tests of `collection`.
use super::*;

fn env(dir: &Path) -> Env {
    Env {
        home: Some(dir.join("home")),
        ..Env::default()
    }
}

#[test]
fn resolution_order_is_flag_env_config_default() {
    let dir = tempfile::tempdir().unwrap();
    let sm = dir.path().join("home/.skillmeat");
    fs::create_dir_all(sm.join("collections/default")).unwrap();
    fs::create_dir_all(sm.join("collections/work")).unwrap();
    fs::create_dir_all(sm.join("collections/envone")).unwrap();
    let mut e = env(dir.path());
    assert_eq!(
        choose(&e).unwrap(),
        (sm.join("collections/default"), Source::Default)
    );
    fs::write(
        sm.join("config.toml"),
        "[settings]\ndefault-collection = \"work\"\n",
    )
    .unwrap();
    assert_eq!(
        choose(&e).unwrap(),
        (sm.join("collections/work"), Source::Config)
    );
    e.skillmeat_collection = Some("envone".into());
    assert_eq!(
        choose(&e).unwrap(),
        (sm.join("collections/envone"), Source::Env)
    );
    e.flag = Some(dir.path().join("x"));
    assert_eq!(choose(&e).unwrap(), (dir.path().join("x"), Source::Flag));
}

#[test]
fn config_dir_overrides_home() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = env(dir.path());
    e.config_dir = Some(dir.path().join("cfg"));
    assert_eq!(
        choose(&e).unwrap().0,
        dir.path().join("cfg/collections/default")
    );
}

#[test]
fn missing_collection_says_where_it_looked_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let err = Collection::resolve(&env(dir.path())).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("collections/default") && msg.contains("--collection"),
        "{msg}"
    );
    assert_eq!(err.kind(), crate::ErrorKind::NotFound);
}

fn skillmeat_collection(dir: &Path) {
    let data =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/skillmeat/deployed/collection");
    for f in ["collection.toml", "collection.lock"] {
        fs::copy(data.join(f), dir.join(f)).unwrap();
    }
}

fn github_record(sha: &str) -> UpstreamRecord {
    UpstreamRecord {
        origin: "github".into(),
        upstream: format!("https://github.com/u/r/tree/{sha}/skills/demo-skill"),
        upstream_path: None,
        version_spec: "v1".into(),
        resolved_sha: sha.into(),
        resolved_version: Some("v1".into()),
    }
}

#[test]
fn upstream_fields_land_in_skillmeats_shape_and_unknown_fields_survive() {
    let dir = tempfile::tempdir().unwrap();
    skillmeat_collection(dir.path());
    let id = ArtifactId::new(ArtifactType::Skill, "demo-skill").unwrap();
    let sha = "a".repeat(40);
    record(
        dir.path(),
        &id,
        &"b".repeat(64),
        Some(&github_record(&sha)),
        false,
    )
    .unwrap();
    let text = fs::read_to_string(dir.path().join("collection.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let art = &doc["artifacts"].as_array().unwrap()[0];
    assert_eq!(
        art["origin"].as_str(),
        Some("local"),
        "an existing origin is kept"
    );
    assert_eq!(art["resolved_sha"].as_str(), Some(sha.as_str()));
    assert_eq!(art["version_spec"].as_str(), Some("v1"));
    assert_eq!(art["resolved_version"].as_str(), Some("v1"));
    assert!(art.get("last_updated").is_some());
    assert_eq!(
        art["metadata"]["extra"]["frontmatter"]["name"].as_str(),
        Some("demo-skill")
    );
    let lock: toml::Table = fs::read_to_string(dir.path().join("collection.lock"))
        .unwrap()
        .parse()
        .unwrap();
    let e = &lock["lock"]["entries"]["demo-skill::skill"];
    assert_eq!(e["content_hash"].as_str(), Some("b".repeat(64).as_str()));
    assert_eq!(e["resolved_sha"].as_str(), Some(sha.as_str()));
    assert!(e["upstream"].as_str().unwrap().contains("/tree/"));
    let other = &lock["lock"]["entries"]["reviewer::agent"];
    assert_eq!(
        other["fetched"].as_str(),
        Some("2026-11-21T06:55:42.151280"),
        "other entries are untouched"
    );
    let c = Collection::open(dir.path(), Source::Flag).unwrap();
    assert_eq!(c.manifest[&id].resolved_sha.as_deref(), Some(sha.as_str()));
}

#[test]
fn a_plain_git_upstream_records_its_path_and_a_new_entry() {
    let dir = tempfile::tempdir().unwrap();
    let id = ArtifactId::new(ArtifactType::Command, "lint").unwrap();
    let rec = UpstreamRecord {
        origin: "local".into(),
        upstream: "file:///srv/x.git".into(),
        upstream_path: Some("commands/lint.md".into()),
        version_spec: "main".into(),
        resolved_sha: "c".repeat(40),
        resolved_version: None,
    };
    record(dir.path(), &id, &"d".repeat(64), Some(&rec), false).unwrap();
    assert!(
        !dir.path().join("collection.toml").exists(),
        "without create, a collection without SkillMeat's files stays without them"
    );
    record(dir.path(), &id, &"d".repeat(64), Some(&rec), true).unwrap();
    let c = Collection::open(dir.path(), Source::Flag).unwrap();
    let e = &c.manifest[&id];
    assert_eq!(e.upstream.as_deref(), Some("file:///srv/x.git"));
    assert_eq!(e.upstream_path.as_deref(), Some("commands/lint.md"));
    assert_eq!(e.path.as_deref(), Some("commands/lint.md"));
    let lock = fs::read_to_string(dir.path().join("collection.lock")).unwrap();
    assert!(lock.contains("[lock.entries.\"lint::command\"]"), "{lock}");
    assert!(
        !lock.contains("[lock.entries]\n"),
        "SkillMeat's shape: {lock}"
    );
}

#[test]
fn malformed_manifest_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("collection.toml"), "[collection\nname=").unwrap();
    let msg = Collection::open(dir.path(), Source::Flag)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("collection.toml") && msg.contains("not valid TOML"),
        "{msg}"
    );
}

#[test]
fn a_collection_skillmeat_just_created_takes_its_first_record() {
    // What `skillmeat collection create` (0.74) writes: an empty inline `artifacts = []`.
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("collection.toml"),
        "artifacts = []\n\n[collection]\nname = \"default\"\nversion = \"1.0.0\"\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("collection.lock"),
        "[lock]\nversion = \"1.0.0\"\n\n[lock.entries]\n",
    )
    .unwrap();
    let id = ArtifactId::new(ArtifactType::Skill, "demo").unwrap();
    record(dir.path(), &id, &"e".repeat(64), None, false).unwrap();
    let c = Collection::open(dir.path(), Source::Flag).unwrap();
    assert_eq!(c.manifest[&id].path.as_deref(), Some("skills/demo"));
    let doc: toml::Table = fs::read_to_string(dir.path().join("collection.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(doc["collection"]["name"].as_str(), Some("default"));
    assert_eq!(doc["artifacts"].as_array().map(Vec::len), Some(1));
}
