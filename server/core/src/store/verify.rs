//! Checking stored content against its hashes: the read-back check every restore uses
//! ([`Store::version_files`]) and the whole-store check behind `verify` (like `git fsck`).

use std::collections::{BTreeMap, HashSet};

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::hash;
use crate::id::ArtifactType;
use crate::id::Shape;
use crate::tree::Tree;

/// What is wrong with one stored thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    /// SQLite's own check of the database file failed.
    Database,
    /// A version lists a file whose blob is not stored.
    MissingBlob,
    /// A blob's bytes no longer match its SHA-256 (or its recorded size).
    DamagedBlob,
    /// A version's files no longer give the version's content hash.
    HashMismatch,
    /// A version's stored modes, folders and links no longer match their digest.
    DamagedMeta,
    /// A version names a parent that does not exist.
    MissingParent,
    /// A deployment's baseline names a version that does not exist.
    MissingBaseline,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Database => "database",
            ProblemKind::MissingBlob => "missing-blob",
            ProblemKind::DamagedBlob => "damaged-blob",
            ProblemKind::HashMismatch => "hash-mismatch",
            ProblemKind::DamagedMeta => "damaged-meta",
            ProblemKind::MissingParent => "missing-parent",
            ProblemKind::MissingBaseline => "missing-baseline",
        }
    }
}

/// One problem `verify` found, naming what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// `type:name`, when the problem belongs to an artifact.
    pub artifact: Option<String>,
    /// The version's `vN`.
    pub version: Option<u32>,
    /// The file inside the version.
    pub file: Option<String>,
    pub message: String,
}

/// What `verify` looked at, and what it found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub artifacts: usize,
    pub versions: usize,
    pub blobs: usize,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One version row as `verify` reads it.
struct VersionRef {
    id: i64,
    artifact: String,
    shape: Shape,
    number: u32,
    hash: String,
    has_content: bool,
    meta: Vec<u8>,
    meta_hash: String,
}

fn artifact_name(kind: &str, name: &str) -> (String, Shape) {
    let shape = kind
        .parse::<ArtifactType>()
        .map(ArtifactType::shape)
        .unwrap_or(Shape::Folder);
    (format!("{kind}:{name}"), shape)
}

impl Store {
    /// A stored blob's bytes, as stored (unchecked).
    pub fn blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        self.conn()
            .query_row("SELECT data FROM blobs WHERE hash = ?1", [hash], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Checks everything stored: the database file, every blob against its SHA-256, every
    /// version's files against its content hash and its modes, folders and links against their
    /// digest, parents and deployment baselines.
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut report = VerifyReport::default();
        let c = self.conn();
        let check: String = c
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if check != "ok" {
            report.problems.push(Problem {
                kind: ProblemKind::Database,
                artifact: None,
                version: None,
                file: None,
                message: format!(
                    "SQLite's check of {} failed: {check}",
                    self.path().display()
                ),
            });
        }

        // Blobs, one at a time, so a large store is never held in memory at once.
        let mut damaged: HashSet<String> = HashSet::new();
        {
            let mut stmt = c
                .prepare("SELECT hash, size, data FROM blobs")
                .map_err(|e| self.err(e))?;
            let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                let h: String = r.get(0).map_err(|e| self.err(e))?;
                let size: i64 = r.get(1).map_err(|e| self.err(e))?;
                let data: Vec<u8> = r.get(2).map_err(|e| self.err(e))?;
                report.blobs += 1;
                if hash::hash_bytes(&data) != h || size != data.len() as i64 {
                    damaged.insert(h);
                }
            }
        }

        let versions: Vec<VersionRef> = {
            let mut stmt = c
                .prepare(
                    "SELECT v.id, a.type, a.name, v.number, v.hash, v.has_content, v.meta, v.meta_hash
                     FROM versions v JOIN artifacts a ON a.id = v.artifact_id
                     ORDER BY a.type, a.name, v.number",
                )
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    let (artifact, shape) =
                        artifact_name(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?);
                    Ok(VersionRef {
                        id: r.get(0)?,
                        artifact,
                        shape,
                        number: r.get(3)?,
                        hash: r.get(4)?,
                        has_content: r.get(5)?,
                        meta: r.get(6)?,
                        meta_hash: r.get(7)?,
                    })
                })
                .map_err(|e| self.err(e))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(|e| self.err(e))?
        };
        report.versions = versions.len();
        report.artifacts = versions
            .iter()
            .map(|v| v.artifact.as_str())
            .collect::<HashSet<_>>()
            .len();
        let by_id: BTreeMap<i64, &VersionRef> = versions.iter().map(|v| (v.id, v)).collect();

        let mut files = c
            .prepare(
                "SELECT f.path, f.blob_hash, b.data FROM version_files f
                 LEFT JOIN blobs b ON b.hash = f.blob_hash WHERE f.version_id = ?1",
            )
            .map_err(|e| self.err(e))?;
        let mut parents = c
            .prepare("SELECT parent_id FROM version_parents WHERE version_id = ?1 ORDER BY ord")
            .map_err(|e| self.err(e))?;
        for v in &versions {
            let problem = |kind, file: Option<&str>, message: String| Problem {
                kind,
                artifact: Some(v.artifact.clone()),
                version: Some(v.number),
                file: file.map(str::to_string),
                message,
            };
            let ps: Vec<i64> = parents
                .query_map([v.id], |r| r.get(0))
                .and_then(|it| it.collect())
                .map_err(|e| self.err(e))?;
            for p in ps.iter().filter(|p| !by_id.contains_key(p)) {
                report.problems.push(problem(
                    ProblemKind::MissingParent,
                    None,
                    format!(
                        "{} v{}: parent (row {p}) does not exist",
                        v.artifact, v.number
                    ),
                ));
            }
            if !v.has_content {
                continue;
            }
            // The modes, folders and links are checked the way a restore checks them.
            let meta_ok =
                crate::tree::Meta::decode(&v.meta).is_some_and(|m| m.digest() == v.meta_hash);
            if !meta_ok {
                report.problems.push(problem(
                    ProblemKind::DamagedMeta,
                    None,
                    format!(
                        "{} v{}: its stored modes, folders and links no longer match their digest",
                        v.artifact, v.number
                    ),
                ));
            }
            let rows: Vec<(String, String, Option<Vec<u8>>)> = files
                .query_map([v.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .and_then(|it| it.collect())
                .map_err(|e| self.err(e))?;
            let mut tree = Tree::default();
            let mut whole = true;
            for (path, blob_hash, data) in rows {
                match data {
                    None => {
                        whole = false;
                        report.problems.push(problem(
                            ProblemKind::MissingBlob,
                            Some(&path),
                            format!(
                                "{} v{}: file `{path}`: blob {} is missing",
                                v.artifact,
                                v.number,
                                hash::short(&blob_hash)
                            ),
                        ));
                    }
                    Some(_) if damaged.contains(&blob_hash) => {
                        whole = false;
                        report.problems.push(problem(
                            ProblemKind::DamagedBlob,
                            Some(&path),
                            format!(
                                "{} v{}: file `{path}`: blob {} no longer matches its SHA-256",
                                v.artifact,
                                v.number,
                                hash::short(&blob_hash)
                            ),
                        ));
                    }
                    Some(d) => {
                        tree.files.insert(path, d);
                    }
                }
            }
            // A damaged file already explains a wrong content hash; report the hash only when
            // every file is intact (a file missing from the version, or a wrong recorded hash).
            if whole {
                let got = tree.content_hash(v.shape);
                if got != v.hash {
                    report.problems.push(problem(
                        ProblemKind::HashMismatch,
                        None,
                        format!(
                            "{} v{}: its files hash to {}, not to the recorded {}",
                            v.artifact,
                            v.number,
                            hash::short(&got),
                            hash::short(&v.hash)
                        ),
                    ));
                }
            }
        }

        let mut stmt = c
            .prepare(
                "SELECT a.type, a.name, d.baseline_version_id FROM deployments d
                 JOIN artifacts a ON a.id = d.artifact_id ORDER BY a.type, a.name",
            )
            .map_err(|e| self.err(e))?;
        let deployments: Vec<(String, String, i64)> = stmt
            .query_map(params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))?;
        for (kind, name, baseline) in deployments {
            if !by_id.contains_key(&baseline) {
                let (artifact, _) = artifact_name(&kind, &name);
                report.problems.push(Problem {
                    kind: ProblemKind::MissingBaseline,
                    message: format!(
                        "{artifact}: the deployment's baseline (version row {baseline}) does not exist"
                    ),
                    artifact: Some(artifact),
                    version: None,
                    file: None,
                });
            }
        }
        Ok(report)
    }
}
