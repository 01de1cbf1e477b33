//! Which collection a workspace uses (docs/design.md §2 resolution order) and what its manifest says.

mod manifest;

pub use manifest::check_path;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::id::{ArtifactId, ArtifactType};

/// Where the chosen collection came from, so we can tell people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    Config,
    Default,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::Flag => "--collection / collectionPath setting",
            Source::Env => "SKILLMEAT_COLLECTION",
            Source::Config => "default-collection in the SkillMeat config.toml",
            Source::Default => "the default ~/.skillmeat/collections/default",
        }
    }
}

/// The environment that decides the collection, gathered in one place so tests can fake it.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub flag: Option<PathBuf>,
    pub skillmeat_collection: Option<String>,
    pub config_dir: Option<PathBuf>,
    pub home: Option<PathBuf>,
}

impl Env {
    /// Reads `SKILLMEAT_COLLECTION`, `SKILLMEAT_CONFIG_DIR` and `HOME` from the process.
    pub fn from_process(flag: Option<PathBuf>) -> Env {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        Env {
            flag,
            skillmeat_collection: var("SKILLMEAT_COLLECTION")
                .map(|v| v.to_string_lossy().into_owned()),
            config_dir: var("SKILLMEAT_CONFIG_DIR").map(PathBuf::from),
            home: var("HOME").map(PathBuf::from),
        }
    }

    /// SkillMeat's root folder: `SKILLMEAT_CONFIG_DIR`, else `~/.skillmeat`.
    pub fn skillmeat_root(&self) -> Option<PathBuf> {
        self.config_dir
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".skillmeat")))
    }
}

/// One `[[artifacts]]` entry of `collection.toml` that we use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ManifestEntry {
    pub path: Option<String>,
    pub upstream: Option<String>,
    pub upstream_path: Option<String>,
    pub version_spec: Option<String>,
    pub resolved_sha: Option<String>,
    pub resolved_version: Option<String>,
}

/// An artifact's upstream as `collection.toml` and `collection.lock` record it (see
/// [`crate::upstream::Upstream::record`] for the two forms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamRecord {
    /// SkillMeat's `origin`: `github`, or `local` for any other git repository.
    pub origin: String,
    pub upstream: String,
    pub upstream_path: Option<String>,
    pub version_spec: String,
    pub resolved_sha: String,
    /// The tag `version_spec` resolved through, as SkillMeat records it.
    pub resolved_version: Option<String>,
}

/// A resolved collection.
#[derive(Debug, Clone)]
pub struct Collection {
    pub root: PathBuf,
    pub name: String,
    pub source: Source,
    pub manifest: BTreeMap<ArtifactId, ManifestEntry>,
}

impl Collection {
    /// Applies the docs/design.md §2 order and checks the folder exists.
    pub fn resolve(env: &Env) -> Result<Collection> {
        let (root, source) = choose(env)?;
        if !root.is_dir() {
            return Err(Error::not_found(format!(
                "no collection at {} (chosen by {}); create it (an empty folder is an empty collection: `mkdir -p {}`; or `skillmeat collection create`), or pass --collection DIR / set SKILLMEAT_COLLECTION",
                root.display(),
                source.describe(),
                root.display()
            )));
        }
        Collection::open(&root, source)
    }

    /// Opens the collection at `root`, reading `collection.toml` and checking `collection.lock`
    /// when present. A manifest of the wrong shape, or a type folder that is a link leading out
    /// of the collection, is an error: nothing is read or written through it.
    pub fn open(root: &Path, source: Source) -> Result<Collection> {
        // Absolute, so paths in reports and the lineage never depend on where a command ran.
        let canonical = fs::canonicalize(root).ok();
        let root = canonical.as_deref().unwrap_or(root);
        let manifest_path = root.join("collection.toml");
        let mut name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "collection".into());
        let mut manifest = BTreeMap::new();
        if let Some(text) = crate::limits::read_manifest(&manifest_path)? {
            let parsed = manifest::parse_collection(&manifest_path, &text)?;
            if let Some(n) = parsed.name {
                name = n;
            }
            manifest = parsed.entries;
        }
        let lock_path = root.join("collection.lock");
        if let Some(text) = crate::limits::read_manifest(&lock_path)? {
            manifest::check_lock(&lock_path, &text)?;
        }
        if root.is_dir() {
            for kind in ArtifactType::ALL {
                crate::apply::check_no_link_out(root, kind.dir(), "the collection")?;
            }
        }
        Ok(Collection {
            root: root.to_path_buf(),
            name,
            source,
            manifest,
        })
    }
}

/// Records a write into the collection in SkillMeat's files, when they exist: a new artifact gets
/// an `[[artifacts]]` entry in `collection.toml`, and `collection.lock` gets its content hash;
/// fields we don't know are left alone and both files are replaced atomically. With an upstream,
/// the entry gets SkillMeat's `origin`,
/// `upstream`, `version_spec`, `resolved_sha` (and `resolved_version`, or our `upstream_path` for
/// a plain git URL), and the lock entry `upstream`, `resolved_sha` and `resolved_version` the way
/// SkillMeat's lock manager reads them. With `create`, missing files are started in SkillMeat's
/// shape (`add` into a collection made by hand). The caller holds the manifest's lock.
pub fn record(
    root: &Path,
    id: &ArtifactId,
    hash: &str,
    upstream: Option<&UpstreamRecord>,
    create: bool,
) -> Result<()> {
    use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};
    let parse = |path: &Path, text: &str| -> Result<DocumentMut> {
        text.parse::<DocumentMut>().map_err(|e| {
            Error::malformed(format!(
                "{} is not valid TOML ({}); fix it before writing to the collection",
                path.display(),
                e.to_string().lines().next().unwrap_or("parse error")
            ))
        })
    };
    let read = |path: &Path| crate::limits::read_manifest(path);
    let now = crate::time::now_naive();
    let manifest = root.join("collection.toml");
    let lock = root.join("collection.lock");
    // Both documents are edited in memory first, so a malformed lock file stops the write
    // before the manifest changes.
    let manifest_doc = match read(&manifest)? {
        Some(text) => {
            manifest::parse_collection(&manifest, &text)?;
            Some(parse(&manifest, &text)?)
        }
        None if create => {
            let mut doc = DocumentMut::new();
            let mut c = Table::new();
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "default".into());
            c["name"] = value(name);
            c["version"] = value("1.0.0");
            c["created"] = value(now.as_str());
            c["updated"] = value(now.as_str());
            doc.insert("collection", Item::Table(c));
            Some(doc)
        }
        None => None,
    };
    let lock_doc = match read(&lock)? {
        Some(text) => {
            manifest::check_lock(&lock, &text)?;
            Some(parse(&lock, &text)?)
        }
        None if create => {
            let mut doc = DocumentMut::new();
            let mut l = Table::new();
            l["version"] = value("1.0.0");
            doc.insert("lock", Item::Table(l));
            Some(doc)
        }
        None => None,
    };
    if let Some(mut doc) = manifest_doc {
        // SkillMeat's `init` / `collection create` write `artifacts = []`: an empty inline array
        // is no entries, not a malformed file.
        let empty = match doc.get("artifacts") {
            None => true,
            Some(item) => item.as_array().is_some_and(|a| a.is_empty()),
        };
        if empty {
            doc.insert("artifacts", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let arts = doc
            .get_mut("artifacts")
            .and_then(Item::as_array_of_tables_mut)
            .ok_or_else(|| {
                Error::malformed(format!(
                    "{}: `artifacts` is not an array of tables; fix the file",
                    manifest.display()
                ))
            })?;
        let pos = arts.iter().position(|t| {
            t.get("name").and_then(Item::as_str) == Some(id.name.as_str())
                && t.get("type").and_then(Item::as_str) == Some(id.kind.as_str())
        });
        let entry = match pos {
            Some(i) => arts.get_mut(i),
            None => {
                let mut t = Table::new();
                t["name"] = value(id.name.as_str());
                t["type"] = value(id.kind.as_str());
                t["path"] = value(id.rel_path());
                t["origin"] = value(upstream.map_or("local", |u| u.origin.as_str()));
                t["added"] = value(now.as_str());
                arts.push(t);
                arts.get_mut(arts.len() - 1)
            }
        };
        if let (Some(t), Some(u)) = (entry, upstream) {
            t["upstream"] = value(u.upstream.as_str());
            match &u.upstream_path {
                Some(p) => t["upstream_path"] = value(p.as_str()),
                None => {
                    t.remove("upstream_path");
                }
            }
            t["version_spec"] = value(u.version_spec.as_str());
            t["resolved_sha"] = value(u.resolved_sha.as_str());
            match &u.resolved_version {
                Some(v) => t["resolved_version"] = value(v.as_str()),
                None => {
                    t.remove("resolved_version");
                }
            }
            if pos.is_some() {
                t["last_updated"] = value(now.as_str());
            }
        }
        if let Some(c) = doc.get_mut("collection").and_then(Item::as_table_mut) {
            c["updated"] = value(now.as_str());
        }
        crate::compat::write_atomic(&manifest, doc.to_string().as_bytes())?;
    }
    if let Some(mut doc) = lock_doc {
        let key = format!("{}::{}", id.name, id.kind);
        // SkillMeat writes `[lock.entries."name::type"]` headers only, never `[lock.entries]`.
        let implicit = || {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        };
        let entries = doc
            .entry("lock")
            .or_insert(Item::Table(Table::new()))
            .as_table_mut()
            .and_then(|l| l.entry("entries").or_insert_with(implicit).as_table_mut());
        if let Some(entries) = entries {
            let e = entries.entry(&key).or_insert(Item::Table(Table::new()));
            if let Some(e) = e.as_table_mut() {
                e["content_hash"] = value(hash);
                e["fetched"] = value(now.as_str());
                if let Some(u) = upstream {
                    e["upstream"] = value(u.upstream.as_str());
                    e["resolved_sha"] = value(u.resolved_sha.as_str());
                    match &u.resolved_version {
                        Some(v) => e["resolved_version"] = value(v.as_str()),
                        None => {
                            e.remove("resolved_version");
                        }
                    }
                }
            }
        }
        crate::compat::write_atomic(&lock, doc.to_string().as_bytes())?;
    }
    Ok(())
}

fn choose(env: &Env) -> Result<(PathBuf, Source)> {
    if let Some(flag) = &env.flag {
        return Ok((flag.clone(), Source::Flag));
    }
    let root = env.skillmeat_root();
    let by_name = |name: &str| -> Option<PathBuf> {
        let p = Path::new(name);
        if p.is_absolute() || name.contains('/') {
            Some(p.to_path_buf())
        } else {
            root.as_ref().map(|r| r.join("collections").join(name))
        }
    };
    if let Some(c) = &env.skillmeat_collection {
        if let Some(p) = by_name(c) {
            return Ok((p, Source::Env));
        }
    }
    let Some(root) = root.clone() else {
        return Err(Error::not_found(
            "no collection: HOME is not set and neither --collection, SKILLMEAT_COLLECTION nor SKILLMEAT_CONFIG_DIR is given",
        ));
    };
    let config = root.join("config.toml");
    match crate::limits::read_manifest(&config) {
        Ok(Some(text)) => {
            let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                Error::malformed(format!(
                    "{} is not valid TOML: {}; fix it or pass --collection DIR",
                    config.display(),
                    e.message()
                ))
            })?;
            let name = doc
                .get("settings")
                .and_then(|s| s.get("default-collection"))
                .and_then(|v| v.as_str());
            if let Some(p) = name.and_then(by_name) {
                return Ok((p, Source::Config));
            }
        }
        Ok(None) => {}
        Err(e) => return Err(e),
    }
    Ok((root.join("collections").join("default"), Source::Default))
}

#[cfg(test)]
mod tests;
