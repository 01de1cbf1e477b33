//! Our content hash must equal SkillMeat 0.74's `compute_content_hash` (docs/design.md §3).
//!
//! `tests/data/skillmeat/hash_vectors.json` is made by `scripts/gen_hash_vectors.py`, which builds
//! each tree on disk and hashes it with SkillMeat's own function. Here each tree is written to a
//! temp dir, read back by walking the real filesystem, and hashed with `skillmeat_core::hash`.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Deserialize;
use skillmeat_core::hash::{hash_bytes, hash_folder};

#[derive(Debug, Deserialize)]
struct Vector {
    name: String,
    kind: Kind,
    files: Vec<VFile>,
    #[serde(default)]
    empty_dirs: Vec<String>,
    hash: String,
}

#[derive(Debug, Deserialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Kind {
    File,
    Folder,
}

#[derive(Debug, Deserialize)]
struct VFile {
    path: String,
    content_b64: String,
}

impl VFile {
    fn bytes(&self) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.content_b64)
            .unwrap_or_else(|e| panic!("{}: bad base64: {e}", self.path))
    }
}

fn vectors() -> Vec<Vector> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/skillmeat/hash_vectors.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Vec<Vector> = serde_json::from_str(&text).expect("hash_vectors.json parses");
    assert!(!v.is_empty(), "no vectors in {}", path.display());
    v
}

fn find<'a>(vs: &'a [Vector], name: &str) -> &'a Vector {
    vs.iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("vector {name} missing from hash_vectors.json"))
}

/// Writes the vector's tree below `dir`; returns the path SkillMeat hashed (the file or folder).
fn materialize(dir: &Path, v: &Vector) -> PathBuf {
    match v.kind {
        Kind::File => {
            assert_eq!(v.files.len(), 1, "{}: a file vector has one file", v.name);
            let p = dir.join(&v.files[0].path);
            fs::write(&p, v.files[0].bytes()).unwrap();
            p
        }
        Kind::Folder => {
            let root = dir.join("artifact");
            fs::create_dir(&root).unwrap();
            for d in &v.empty_dirs {
                fs::create_dir_all(root.join(d)).unwrap();
            }
            for f in &v.files {
                let p = root.join(&f.path);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(&p, f.bytes()).unwrap();
            }
            root
        }
    }
}

/// Every regular file below `root` as (relative `/`-separated path, bytes), in directory order.
fn walk(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn go(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().expect("UTF-8 file name");
            let rel = format!("{prefix}{name}");
            let ft = entry.file_type().unwrap();
            if ft.is_dir() {
                go(&entry.path(), &format!("{rel}/"), out);
            } else if ft.is_file() {
                out.push((rel, fs::read(entry.path()).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    go(root, "", &mut out);
    out
}

/// Our hash of what is on disk at `target`.
fn our_hash(kind: Kind, target: &Path) -> String {
    match kind {
        Kind::File => hash_bytes(&fs::read(target).unwrap()),
        Kind::Folder => {
            let files = walk(target);
            hash_folder(files.iter().map(|(p, b)| (p.as_str(), b)))
        }
    }
}

fn our_hash_of_vector(v: &Vector) -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let target = materialize(dir.path(), v);
    our_hash(v.kind, &target)
}

#[test]
fn every_skillmeat_hash_vector_matches_our_hash_of_the_tree_on_disk() {
    let vs = vectors();
    let mut mismatches = Vec::new();
    for v in &vs {
        let ours = our_hash_of_vector(v);
        if ours != v.hash {
            mismatches.push(format!("{}: skillmeat {} ours {}", v.name, v.hash, ours));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} vectors disagree with SkillMeat:\n{}",
        mismatches.len(),
        vs.len(),
        mismatches.join("\n")
    );
}

#[test]
fn vectors_cover_ordering_unicode_binary_crlf_empty_and_file_cases() {
    let vs = vectors();
    for name in [
        "file-command-md",
        "file-empty",
        "file-crlf",
        "file-binary-nul-ff",
        "file-unicode-name",
        "folder-skill-md-only",
        "folder-skill-nested-helper",
        "folder-sort-slash-vs-dot-vs-dash",
        "folder-sort-dir-vs-dotted-name",
        "folder-sort-chars-below-slash",
        "folder-nested-deep",
        "folder-unicode-names-codepoint-order",
        "folder-empty-files",
        "folder-binary-files",
        "folder-crlf-content",
        "folder-with-empty-dirs",
        "folder-hidden-files-included",
    ] {
        find(&vs, name);
    }
    for v in &vs {
        assert_eq!(v.hash.len(), 64, "{}: hash is 64 hex digits", v.name);
        assert!(
            v.hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{}: lowercase hex",
            v.name
        );
    }
}

/// The ordering vectors would catch a hash that sorts paths as plain strings (byte order), or
/// that does not sort at all: those give different digests from SkillMeat's.
#[test]
fn ordering_vectors_reject_plain_string_sort_of_paths() {
    use sha2::{Digest, Sha256};
    let vs = vectors();
    for name in [
        "folder-sort-slash-vs-dot-vs-dash",
        "folder-sort-dir-vs-dotted-name",
        "folder-sort-chars-below-slash",
        "folder-sort-prefix-dirs",
        "folder-nested-deep",
    ] {
        let v = find(&vs, name);
        let mut files: Vec<(String, Vec<u8>)> = v
            .files
            .iter()
            .map(|f| (f.path.clone(), f.bytes()))
            .collect();
        files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut h = Sha256::new();
        for (p, b) in &files {
            h.update(p.as_bytes());
            h.update(b);
        }
        let byte_sorted = skillmeat_core::hash::hex(&h.finalize());
        assert_ne!(
            byte_sorted, v.hash,
            "{name}: byte-order sort must not match SkillMeat"
        );
    }
}

#[test]
fn single_file_hash_ignores_the_name_and_folder_hash_includes_paths() {
    let vs = vectors();
    let file = find(&vs, "file-empty");
    assert_eq!(file.hash, hash_bytes(b""));
    // Same bytes under a different name: the folder hash changes.
    let a = find(&vs, "folder-skill-md-only");
    let renamed = hash_folder([("skill.md", a.files[0].bytes())]);
    assert_ne!(renamed, a.hash);
}

#[test]
fn empty_folders_do_not_change_a_folder_hash() {
    let vs = vectors();
    assert_eq!(
        find(&vs, "folder-with-empty-dirs").hash,
        find(&vs, "folder-skill-nested-helper").hash
    );
    assert_eq!(
        our_hash_of_vector(find(&vs, "folder-with-empty-dirs")),
        find(&vs, "folder-skill-nested-helper").hash
    );
}

#[test]
fn path_and_content_are_concatenated_without_a_separator() {
    // SkillMeat feeds path bytes then content bytes with nothing between, so {"ab": "c"} and
    // {"a": "bc"} hash alike. We reproduce that exactly (compatibility beats elegance here).
    let vs = vectors();
    let x = find(&vs, "folder-concat-ambiguity-ab-c");
    let y = find(&vs, "folder-concat-ambiguity-a-bc");
    assert_eq!(x.hash, y.hash);
    assert_eq!(our_hash_of_vector(x), x.hash);
    assert_eq!(our_hash_of_vector(y), y.hash);
}

#[test]
fn folder_hash_does_not_depend_on_the_order_files_are_given() {
    let vs = vectors();
    let v = find(&vs, "folder-unicode-names-codepoint-order");
    let mut files: Vec<(String, Vec<u8>)> = v
        .files
        .iter()
        .map(|f| (f.path.clone(), f.bytes()))
        .collect();
    files.reverse();
    assert_eq!(
        hash_folder(files.iter().map(|(p, b)| (p.as_str(), b))),
        v.hash
    );
    files.sort();
    assert_eq!(
        hash_folder(files.iter().map(|(p, b)| (p.as_str(), b))),
        v.hash
    );
}

/// `tests/data/skillmeat/deployed/` was written by the real SkillMeat (scripts/
/// capture_skillmeat_project.sh): every baseline it recorded must equal our hash of the copy it
/// deployed, for the skill folder and for the single-file command and agent.
#[test]
fn skillmeat_deploy_baselines_equal_our_hash_of_the_deployed_copies() {
    let claude =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/skillmeat/deployed/project/.claude");
    let text = fs::read_to_string(claude.join(".skillmeat-deployed.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let deployed = doc["deployed"].as_array().expect("[[deployed]] entries");
    let mut kinds = Vec::new();
    for d in deployed {
        let kind = d["artifact_type"].as_str().unwrap();
        let rel = d["artifact_path"].as_str().unwrap();
        let recorded = d["content_hash"].as_str().unwrap();
        let path = claude.join(rel);
        let ours = our_hash(
            if path.is_dir() {
                Kind::Folder
            } else {
                Kind::File
            },
            &path,
        );
        assert_eq!(
            ours, recorded,
            "{kind} {rel}: SkillMeat recorded {recorded}"
        );
        kinds.push(kind.to_string());
    }
    kinds.sort();
    assert_eq!(kinds, ["agent", "command", "skill"]);
}
