//! SkillMeat interop: reading and updating `.claude/.skillmeat-deployed.toml` (docs/design.md §2).
//!
//! Updates go through `toml_edit`, so fields and formatting we don't know survive, and are
//! written atomically (temporary file, fsync, rename) so SkillMeat never reads half a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use crate::error::{Error, IoContext, Result};
use crate::id::{ArtifactId, ArtifactType};
use crate::profile::Profile;

pub const FILE_NAME: &str = ".skillmeat-deployed.toml";

/// One `[[deployed]]` entry as far as we use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployed {
    pub id: ArtifactId,
    /// Relative to `.claude/`.
    pub artifact_path: String,
    /// `content_hash`, or the legacy `collection_sha` when that is all there is.
    pub content_hash: String,
    pub deployed_at: Option<String>,
    pub from_collection: Option<String>,
    /// Newest first.
    pub version_lineage: Vec<String>,
    pub merge_base_snapshot: Option<String>,
}

/// The parsed file plus what could not be used, so one bad entry never hides the others.
#[derive(Debug, Default)]
pub struct Read {
    pub entries: Vec<Deployed>,
    pub skipped: Vec<String>,
}

pub fn path_in(claude_dir: &Path) -> PathBuf {
    claude_dir.join(FILE_NAME)
}

fn parse(path: &Path, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|e| {
        Error::malformed(format!(
            "{} is not valid TOML ({}); fix or delete it (SkillMeat rewrites it on its next deploy)",
            path.display(),
            e.to_string().lines().next().unwrap_or("parse error")
        ))
    })
}

/// Reads the file; `Ok(None)` when it does not exist. An entry of the wrong shape (a key of the
/// wrong type, no name or type, an `artifact_path` that is not the artifact's own) is an error
/// naming the file, the entry and the key; entries of types we do not track (any type beyond
/// skill, command, agent, hook and mcp) are listed in `skipped`.
pub fn read(path: &Path) -> Result<Option<Read>> {
    read_as(path, None)
}

/// [`read`] for the deployed file of `profile`'s root: its entries' ids carry the profile and
/// their `artifact_path` must be the profile's own (its path map may rename type folders).
pub fn read_in(path: &Path, profile: &Profile) -> Result<Option<Read>> {
    read_as(path, Some(profile))
}

fn read_as(path: &Path, profile: Option<&Profile>) -> Result<Option<Read>> {
    let Some(text) = crate::limits::read_manifest(path)? else {
        return Ok(None);
    };
    let doc = parse(path, &text)?;
    let mut out = Read::default();
    let tables = match doc.get("deployed") {
        None => return Ok(Some(out)),
        // SkillMeat's `init` writes `deployed = []`: no deployments yet.
        Some(item) if is_empty_array(item) => return Ok(Some(out)),
        Some(item) => item.as_array_of_tables().ok_or_else(|| {
            Error::malformed(format!(
                "{}: `deployed` is not an array of tables ([[deployed]]); fix or delete the file (SkillMeat rewrites it on its next deploy) — nothing was read or written",
                path.display()
            ))
        })?,
    };
    for (i, t) in tables.iter().enumerate() {
        let at = format!("{} [[deployed]] #{}", path.display(), i + 1);
        match entry(t, profile) {
            Ok(Some(d)) => out.entries.push(d),
            Ok(None) => out.skipped.push(format!(
                "{at}: artifact_type `{}` is not tracked by skillmeat-lsp",
                t.get("artifact_type").and_then(Item::as_str).unwrap_or_default()
            )),
            Err(why) => {
                return Err(Error::malformed(format!(
                    "{at}: {why}; fix or delete the entry (SkillMeat rewrites it on its next deploy) — nothing was read or written"
                )))
            }
        }
    }
    Ok(Some(out))
}

/// `deployed = []` (an inline array with nothing in it), as SkillMeat's `init` writes it.
fn is_empty_array(item: &Item) -> bool {
    item.as_array().is_some_and(|a| a.is_empty())
}

fn entry(t: &Table, profile: Option<&Profile>) -> std::result::Result<Option<Deployed>, String> {
    let s = |k: &str| -> std::result::Result<Option<String>, String> {
        match t.get(k) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| format!("`{k}` is a {}, not a string", v.type_name())),
        }
    };
    let name = s("artifact_name")?.ok_or("no `artifact_name`")?;
    let Ok(kind) = s("artifact_type")?
        .ok_or("no `artifact_type`")?
        .parse::<ArtifactType>()
    else {
        return Ok(None);
    };
    let id = ArtifactId::new(kind, &name).map_err(|e| e.to_string())?;
    let content_hash = match s("content_hash")? {
        Some(h) => h,
        None => s("collection_sha")?.ok_or(format!(
            "{id} has neither `content_hash` nor `collection_sha`"
        ))?,
    };
    let version_lineage = match t.get("version_lineage") {
        None => vec![content_hash.clone()],
        Some(v) => v
            .as_array()
            .and_then(|a| {
                a.iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or(format!(
                "{id}: `version_lineage` is not an array of strings"
            ))?,
    };
    let (id, expected) = match profile.filter(|p| p.id != crate::profile::DEFAULT) {
        Some(p) => {
            let id = id.with_profile(Some(&p.id));
            let rel = p.rel_path(&id);
            (id, Some(rel))
        }
        None => (id, None),
    };
    let artifact_path = match (s("artifact_path")?, expected) {
        (Some(p), Some(rel)) => {
            let trimmed = p.strip_suffix('/').unwrap_or(&p);
            if trimmed != rel {
                return Err(format!(
                    "{id}: `artifact_path` `{}` is not `{rel}`, where this profile keeps it",
                    p.escape_debug()
                ));
            }
            rel
        }
        (None, Some(rel)) => rel,
        (Some(p), None) => {
            crate::collection::check_path(&id, &p)
                .map_err(|why| format!("{id}: `artifact_path` {why}"))?;
            id.rel_path()
        }
        (None, None) => id.rel_path(),
    };
    let deployed_at = s("deployed_at")?;
    let from_collection = s("from_collection")?;
    let merge_base_snapshot = s("merge_base_snapshot")?;
    Ok(Some(Deployed {
        artifact_path,
        id,
        content_hash,
        deployed_at,
        from_collection,
        version_lineage,
        merge_base_snapshot,
    }))
}

/// A new baseline to record for one artifact.
#[derive(Debug, Clone)]
pub struct Baseline<'a> {
    pub id: &'a ArtifactId,
    /// The profile whose root holds the file (what a new entry records as its profile).
    pub profile: &'a Profile,
    pub content_hash: &'a str,
    pub deployed_at: &'a str,
    pub from_collection: &'a str,
}

/// Records new baselines, creating the file when `create` is set and it does not exist yet.
/// Returns whether the file was written.
pub fn record(path: &Path, baselines: &[Baseline<'_>], create: bool) -> Result<bool> {
    let text = match crate::limits::read_manifest(path)? {
        Some(t) => {
            // The same checks as reading, so a file of the wrong shape is never edited.
            read_as(path, baselines.first().map(|b| b.profile))?;
            t
        }
        None if !create => return Ok(false),
        None => String::new(),
    };
    let mut doc = parse(path, &text)?;
    if !doc.contains_key("deployed") || doc.get("deployed").is_some_and(is_empty_array) {
        doc.insert("deployed", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let tables = doc
        .get_mut("deployed")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| {
            Error::malformed(format!(
                "{}: `deployed` is not an array of tables; fix or delete the file",
                path.display()
            ))
        })?;
    for b in baselines {
        let existing = tables.iter_mut().find(|t| {
            t.get("artifact_name").and_then(Item::as_str) == Some(b.id.name.as_str())
                && t.get("artifact_type").and_then(Item::as_str) == Some(b.id.kind.as_str())
        });
        match existing {
            Some(t) => update(t, b),
            None => tables.push(fresh(b)),
        }
    }
    write_atomic(path, doc.to_string().as_bytes())?;
    Ok(true)
}

fn update(t: &mut Table, b: &Baseline<'_>) {
    let old = t
        .get("content_hash")
        .or_else(|| t.get("collection_sha"))
        .and_then(Item::as_str)
        .map(str::to_string);
    let mut lineage: Vec<String> = t
        .get("version_lineage")
        .and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_else(|| old.iter().cloned().collect());
    if old.as_deref() != Some(b.content_hash) {
        if let Some(old) = &old {
            t["parent_hash"] = value(old.as_str());
        }
        lineage.insert(0, b.content_hash.to_string());
    }
    t["content_hash"] = value(b.content_hash);
    if t.contains_key("collection_sha") {
        t["collection_sha"] = value(b.content_hash);
    }
    t["deployed_at"] = value(b.deployed_at);
    t["from_collection"] = value(b.from_collection);
    t["merge_base_snapshot"] = value(b.content_hash);
    t["local_modifications"] = value(false);
    t["version_lineage"] = value(lineage_array(&lineage));
    t.remove("modification_detected_at");
}

fn fresh(b: &Baseline<'_>) -> Table {
    let mut t = Table::new();
    t["artifact_name"] = value(b.id.name.as_str());
    t["artifact_type"] = value(b.id.kind.as_str());
    t["from_collection"] = value(b.from_collection);
    t["deployed_at"] = value(b.deployed_at);
    t["artifact_path"] = value(b.profile.rel_path(b.id));
    t["content_hash"] = value(b.content_hash);
    t["local_modifications"] = value(false);
    t["version_lineage"] = value(lineage_array(&[b.content_hash.to_string()]));
    t["merge_base_snapshot"] = value(b.content_hash);
    t["deployment_profile_id"] = value(b.profile.id.as_str());
    t["platform"] = value(b.profile.platform());
    t["profile_root_dir"] = value(b.profile.root_dir.as_str());
    t["collection_sha"] = value(b.content_hash);
    t
}

fn lineage_array(hashes: &[String]) -> Array {
    let mut a: Array = hashes.iter().map(String::as_str).collect();
    // SkillMeat writes one hash per line; keep that shape so diffs of the file stay readable.
    for v in a.iter_mut() {
        v.decor_mut().set_prefix("\n    ");
    }
    a.set_trailing(",\n");
    a.set_trailing_comma(false);
    a
}

/// Writes `bytes` to `path` via a temporary sibling, fsync and rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).at(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(crate::layout::temp_name(
        &name,
        &std::process::id().to_string(),
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp).at(&tmp)?;
        f.write_all(bytes).at(&tmp)?;
        f.sync_all().at(&tmp)?;
        fs::rename(&tmp, path).at(path)?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"[[deployed]]
artifact_name = "demo-skill"
artifact_type = "skill"
from_collection = "default"
deployed_at = "2026-11-21T05:22:16.634903"
artifact_path = "skills/demo-skill"
content_hash = "aaaa"
local_modifications = false
version_lineage = [
    "aaaa",
]
modification_detected_at = "2026-11-21T05:23:42.254034"
merge_base_snapshot = "aaaa"
deployment_profile_id = "claude_code"
platform = "claude_code"
profile_root_dir = ".claude"
collection_sha = "aaaa"
future_field = { nested = 1 }

[[deployed]]
artifact_name = "reviewer"
artifact_type = "agent"
artifact_path = "agents/reviewer.md"
collection_sha = "bbbb"
"#;

    #[test]
    fn legacy_collection_sha_and_missing_lineage_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        fs::write(&p, SAMPLE).unwrap();
        let r = read(&p).unwrap().unwrap();
        assert_eq!(r.entries.len(), 2);
        assert_eq!(r.entries[1].content_hash, "bbbb");
        assert_eq!(r.entries[1].version_lineage, ["bbbb"]);
    }

    #[test]
    fn recording_a_baseline_keeps_unknown_fields_and_prepends_lineage() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        fs::write(&p, SAMPLE).unwrap();
        let id = ArtifactId::new(ArtifactType::Skill, "demo-skill").unwrap();
        let claude = crate::profile::builtins().remove(0);
        let b = Baseline {
            id: &id,
            profile: &claude,
            content_hash: "cccc",
            deployed_at: "2026-11-22T00:00:00.000000",
            from_collection: "default",
        };
        assert!(record(&p, &[b], false).unwrap());
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains("future_field = { nested = 1 }"), "{text}");
        assert!(!text.contains("modification_detected_at"));
        let doc: toml::Table = text.parse().unwrap();
        let e = &doc["deployed"].as_array().unwrap()[0];
        assert_eq!(e["content_hash"].as_str(), Some("cccc"));
        assert_eq!(e["collection_sha"].as_str(), Some("cccc"));
        assert_eq!(e["parent_hash"].as_str(), Some("aaaa"));
        let lineage: Vec<&str> = e["version_lineage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(lineage, ["cccc", "aaaa"]);
        // The other entry is untouched.
        assert!(text.contains("collection_sha = \"bbbb\""));
    }

    #[test]
    fn absent_file_is_not_created_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        let id = ArtifactId::new(ArtifactType::Command, "review").unwrap();
        let claude = crate::profile::builtins().remove(0);
        let b = Baseline {
            id: &id,
            profile: &claude,
            content_hash: "dddd",
            deployed_at: "t",
            from_collection: "default",
        };
        assert!(!record(&p, std::slice::from_ref(&b), false).unwrap());
        assert!(!p.exists());
        assert!(record(&p, &[b], true).unwrap());
        let r = read(&p).unwrap().unwrap();
        assert_eq!(r.entries[0].artifact_path, "commands/review.md");
    }

    #[test]
    fn malformed_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        fs::write(&p, "[[deployed]\nname=").unwrap();
        let msg = read(&p).unwrap_err().to_string();
        assert!(
            msg.contains(FILE_NAME) && msg.contains("not valid TOML"),
            "{msg}"
        );
        let id = ArtifactId::new(ArtifactType::Command, "x").unwrap();
        let claude = crate::profile::builtins().remove(0);
        let b = Baseline {
            id: &id,
            profile: &claude,
            content_hash: "e",
            deployed_at: "t",
            from_collection: "c",
        };
        assert!(record(&p, &[b], true).is_err());
        assert_eq!(fs::read_to_string(&p).unwrap(), "[[deployed]\nname=");
    }

    #[test]
    fn entries_of_the_wrong_shape_are_errors_naming_the_entry_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        let head = "[[deployed]]\nartifact_name = \"s\"\nartifact_type = \"skill\"\ncontent_hash = \"aa\"\n";
        for (extra, needle) in [
            ("artifact_path = \"skills\"\n", "`artifact_path`"),
            ("artifact_path = \"skills/s/..\"\n", "`artifact_path`"),
            ("artifact_path = \"../s\"\n", "`artifact_path`"),
            ("artifact_path = \"/tmp/s\"\n", "`artifact_path`"),
            ("deployed_at = 5\n", "`deployed_at`"),
            ("version_lineage = \"aa\"\n", "`version_lineage`"),
        ] {
            fs::write(&p, format!("{head}{extra}")).unwrap();
            let msg = read(&p).unwrap_err().to_string();
            assert!(
                msg.contains(FILE_NAME) && msg.contains("#1") && msg.contains(needle),
                "{extra}: {msg}"
            );
        }
        fs::write(&p, "[[deployed]]\nartifact_type = \"skill\"\n").unwrap();
        assert!(read(&p)
            .unwrap_err()
            .to_string()
            .contains("no `artifact_name`"));
        fs::write(&p, "deployed = 3\n").unwrap();
        assert!(read(&p).unwrap_err().to_string().contains("`deployed`"));
        fs::write(
            &p,
            format!("{head}artifact_path = \"skills/s\"\n[[deployed]]\nartifact_name = \"h\"\nartifact_type = \"workflow\"\n"),
        )
        .unwrap();
        let r = read(&p).unwrap().unwrap();
        assert_eq!((r.entries.len(), r.skipped.len()), (1, 1));
    }
}
