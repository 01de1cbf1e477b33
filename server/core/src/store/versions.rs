//! Versions: the lineage DAG of each artifact and the content of every version.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::{Error, Result};
use crate::hash;
use crate::id::Shape;
use crate::id::{ArtifactId, ArtifactType};
use crate::tree::Tree;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    Deployment,
    Sync,
    LocalModification,
    Merge,
    Rollback,
    Import,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Deployment => "deployment",
            Origin::Sync => "sync",
            Origin::LocalModification => "local_modification",
            Origin::Merge => "merge",
            Origin::Rollback => "rollback",
            Origin::Import => "import",
        }
    }

    fn parse(s: &str) -> Origin {
        match s {
            "deployment" => Origin::Deployment,
            "sync" => Origin::Sync,
            "local_modification" => Origin::LocalModification,
            "merge" => Origin::Merge,
            "rollback" => Origin::Rollback,
            _ => Origin::Import,
        }
    }
}

/// One stored version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    pub id: i64,
    pub number: u32,
    pub hash: String,
    pub origin: Origin,
    pub created_at: String,
    pub tag: Option<String>,
    pub message: Option<String>,
    /// Row ids of the parents, first parent first.
    pub parents: Vec<i64>,
    /// False for legacy baselines known only by hash (imported from SkillMeat).
    pub has_content: bool,
    /// [`crate::tree::Meta::digest`] of the version's modes, folders and links (`""`: plain).
    pub meta_hash: String,
}

impl VersionRow {
    /// Does this version hold exactly `tree` (content and modes, folders, links)? Only versions
    /// with stored content qualify: the ones a rollback can bring back.
    pub fn holds(&self, hash: &str, meta_hash: &str) -> bool {
        self.has_content && self.hash == hash && self.meta_hash == meta_hash
    }
}

/// What to record.
#[derive(Debug, Clone, Copy)]
pub struct NewVersion<'a> {
    pub hash: &'a str,
    pub origin: Origin,
    pub parents: &'a [i64],
    pub files: Option<&'a Tree>,
    pub message: Option<&'a str>,
}

const COLUMNS: &str = "id, number, hash, origin, created_at, tag, message, has_content, meta_hash";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        id: r.get(0)?,
        number: r.get(1)?,
        hash: r.get(2)?,
        origin: Origin::parse(&r.get::<_, String>(3)?),
        created_at: r.get(4)?,
        tag: r.get(5)?,
        message: r.get(6)?,
        has_content: r.get(7)?,
        meta_hash: r.get(8)?,
        parents: Vec::new(),
    })
}

impl Store {
    /// Records a version (and its files' blobs) as the artifact's next `vN`, whole: the row, its
    /// parents and every blob land in one transaction (the caller's, or one of its own), so a
    /// version is never visible with only some of its files, and two writers numbering versions
    /// at once take turns instead of colliding on `vN`.
    pub fn add_version(&self, artifact: &ArtifactId, v: NewVersion<'_>) -> Result<VersionRow> {
        self.atomically(|| self.insert_version(artifact, v))
    }

    /// Runs `f` in the caller's transaction, or in an immediate one of its own outside any.
    pub(crate) fn atomically<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.conn().is_autocommit() {
            self.in_tx(f)
        } else {
            f()
        }
    }

    /// The newest complete version of `artifact` holding exactly `v.files` — content `v.hash`
    /// and the same modes, folders and links ([`VersionRow::holds`]) — or a new one recording it
    /// (see [`Store::add_version`]); the flag says which. A stored version whose files do not add
    /// up to its hash (one half-stored by an older build) is never taken for the content.
    pub fn find_or_add_version(
        &self,
        artifact: &ArtifactId,
        v: NewVersion<'_>,
    ) -> Result<(VersionRow, bool)> {
        self.atomically(|| {
            if let Some(files) = v.files {
                let shape = artifact.kind.shape();
                let meta_hash = files.meta_digest();
                for known in self.versions(artifact)?.into_iter().rev() {
                    if !known.holds(v.hash, &meta_hash) {
                        continue;
                    }
                    if let Ok(Some(t)) = self.read_version_files(known.id) {
                        if t.content_hash(shape) == v.hash && t.meta == files.meta {
                            return Ok((known, false));
                        }
                    }
                }
            }
            Ok((self.insert_version(artifact, v)?, true))
        })
    }

    fn insert_version(&self, artifact: &ArtifactId, v: NewVersion<'_>) -> Result<VersionRow> {
        let aid = self.artifact_row(artifact)?;
        let c = self.conn();
        let number: u32 = c
            .query_row(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE artifact_id = ?1",
                [aid],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        let created_at = crate::time::now_utc();
        let (meta, meta_hash) = v
            .files
            .map(|t| (t.meta.encode(), t.meta_digest()))
            .unwrap_or_default();
        c.execute(
            "INSERT INTO versions (artifact_id, number, hash, origin, created_at, message, has_content, meta, meta_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![aid, number, v.hash, v.origin.as_str(), created_at, v.message, v.files.is_some(), meta, meta_hash],
        )
        .map_err(|e| self.err(e))?;
        let id = c.last_insert_rowid();
        for (ord, parent) in v.parents.iter().enumerate() {
            c.execute(
                "INSERT INTO version_parents (version_id, parent_id, ord) VALUES (?1, ?2, ?3)",
                params![id, parent, ord as i64],
            )
            .map_err(|e| self.err(e))?;
        }
        if let Some(tree) = v.files {
            self.insert_files(id, tree)?;
        }
        Ok(VersionRow {
            id,
            number,
            hash: v.hash.to_string(),
            origin: v.origin,
            created_at,
            tag: None,
            message: v.message.map(str::to_string),
            parents: v.parents.to_vec(),
            has_content: v.files.is_some(),
            meta_hash,
        })
    }

    fn insert_files(&self, version_id: i64, tree: &Tree) -> Result<()> {
        let c = self.conn();
        let mut blob = c
            .prepare_cached("INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?1, ?2, ?3)")
            .map_err(|e| self.err(e))?;
        let mut file = c
            .prepare_cached(
                "INSERT OR REPLACE INTO version_files (version_id, path, blob_hash) VALUES (?1, ?2, ?3)",
            )
            .map_err(|e| self.err(e))?;
        for (path, bytes) in &tree.files {
            crate::sync::failpoint::hit("store-blob").map_err(|e| Error::io(self.path(), e))?;
            let h = hash::hash_bytes(bytes);
            blob.execute(params![h, bytes.len() as i64, bytes])
                .map_err(|e| self.err(e))?;
            file.execute(params![version_id, path, h])
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Stores content for a version recorded by hash only, once the content turns up (whole, in
    /// one transaction).
    pub fn attach_content(&self, version_id: i64, tree: &Tree) -> Result<()> {
        self.atomically(|| {
            self.insert_files(version_id, tree)?;
            self.conn()
                .execute(
                    "UPDATE versions SET has_content = 1, meta = ?2, meta_hash = ?3 WHERE id = ?1",
                    params![version_id, tree.meta.encode(), tree.meta_digest()],
                )
                .map_err(|e| self.err(e))?;
            Ok(())
        })
    }

    /// All versions of an artifact, oldest first, with parents.
    pub fn versions(&self, artifact: &ArtifactId) -> Result<Vec<VersionRow>> {
        let Some(aid) = self.find_artifact(artifact)? else {
            return Ok(Vec::new());
        };
        let c = self.conn();
        let mut stmt = c
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM versions WHERE artifact_id = ?1 ORDER BY number"
            ))
            .map_err(|e| self.err(e))?;
        let mut rows: Vec<VersionRow> = stmt
            .query_map([aid], row)
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))?;
        let mut parents: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut stmt = c
            .prepare_cached(
                "SELECT p.version_id, p.parent_id FROM version_parents p
                 JOIN versions v ON v.id = p.version_id
                 WHERE v.artifact_id = ?1 ORDER BY p.version_id, p.ord",
            )
            .map_err(|e| self.err(e))?;
        let pairs = stmt
            .query_map([aid], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(|e| self.err(e))?;
        for pair in pairs {
            let (v, p) = pair.map_err(|e| self.err(e))?;
            parents.entry(v).or_default().push(p);
        }
        for r in &mut rows {
            r.parents = parents.remove(&r.id).unwrap_or_default();
        }
        Ok(rows)
    }

    pub fn version(&self, id: i64) -> Result<VersionRow> {
        let c = self.conn();
        let mut v = c
            .query_row(
                &format!("SELECT {COLUMNS} FROM versions WHERE id = ?1"),
                [id],
                row,
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "no version with row id {id} in {}",
                    self.path().display()
                ))
            })?;
        let mut stmt = c
            .prepare_cached(
                "SELECT parent_id FROM version_parents WHERE version_id = ?1 ORDER BY ord",
            )
            .map_err(|e| self.err(e))?;
        v.parents = stmt
            .query_map([id], |r| r.get(0))
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))?;
        Ok(v)
    }

    /// The newest version of an artifact.
    pub fn latest_version(&self, artifact: &ArtifactId) -> Result<Option<VersionRow>> {
        let Some(aid) = self.find_artifact(artifact)? else {
            return Ok(None);
        };
        let id: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM versions WHERE artifact_id = ?1 ORDER BY number DESC LIMIT 1",
                [aid],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        id.map(|id| self.version(id)).transpose()
    }

    /// The stored files of a version, checked against the version's content hash; `None` for a
    /// version known only by hash. Damaged or missing content is refused naming the artifact,
    /// the version and the file, so nothing is ever written from it.
    pub fn version_files(&self, version_id: i64) -> Result<Option<Tree>> {
        self.read_version_files(version_id)
    }

    /// Checks one stored version: every file present and the whole adding up to its hash (what
    /// a `verify` command runs per version). A version known only by hash passes.
    pub fn verify_version(&self, version_id: i64) -> Result<()> {
        self.read_version_files(version_id).map(|_| ())
    }

    /// Row ids of every version of every artifact, oldest first.
    pub fn all_version_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM versions ORDER BY artifact_id, number")
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| r.get(0))
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))
    }

    fn read_version_files(&self, version_id: i64) -> Result<Option<Tree>> {
        let v = self.version(version_id)?;
        if !v.has_content {
            return Ok(None);
        }
        let (kind, name): (String, String) = self
            .conn()
            .query_row(
                "SELECT a.type, a.name FROM artifacts a JOIN versions v ON v.artifact_id = a.id
                 WHERE v.id = ?1",
                [version_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        let what = format!("{kind}:{name} v{}", v.number);
        let damaged = |detail: String| {
            Error::malformed(format!(
                "the stored content of {what} is damaged ({detail}); nothing was written. The lineage database {} needs repair: run `skillmeat-lsp verify` to list every damaged version, then restore the database from a backup or work from another version",
                self.path().display()
            ))
        };
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT f.path, f.blob_hash, b.data FROM version_files f
                 LEFT JOIN blobs b ON b.hash = f.blob_hash WHERE f.version_id = ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([version_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut tree = Tree::default();
        let mut blob_hashes = Vec::new();
        for r in rows {
            let (p, h, d) = r.map_err(|e| self.err(e))?;
            let d = d.ok_or_else(|| damaged(format!("the content of `{p}` is missing")))?;
            blob_hashes.push((p.clone(), h));
            tree.files.insert(p, d);
        }
        // The type decides how the hash is taken (one file's bytes, or a folder walk).
        let shape = kind
            .parse::<ArtifactType>()
            .map_or(Shape::File, ArtifactType::shape);
        if tree.content_hash(shape) != v.hash {
            // Name the culprit when one file's bytes no longer match their own hash.
            for (p, h) in &blob_hashes {
                if hash::hash_bytes(&tree.files[p]) != *h {
                    return Err(damaged(format!("`{p}` does not match its hash")));
                }
            }
            return Err(damaged(format!(
                "its {} stored files do not add up to its hash {}; some are missing",
                tree.files.len(),
                hash::short(&v.hash)
            )));
        }
        // The modes, folders and links are checked against their digest too.
        let meta: Vec<u8> = self
            .conn()
            .query_row(
                "SELECT meta FROM versions WHERE id = ?1",
                [version_id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        tree.meta = crate::tree::Meta::decode(&meta)
            .filter(|m| m.digest() == v.meta_hash)
            .ok_or_else(|| {
                damaged("its stored modes, folders and links do not match their digest".into())
            })?;
        Ok(Some(tree))
    }

    /// Ancestors of a version (itself included) with their distance, nearest first.
    pub fn ancestors(&self, version_id: i64) -> Result<Vec<(i64, u32)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "WITH RECURSIVE anc(id, depth) AS (
                     SELECT ?1, 0
                     UNION
                     SELECT p.parent_id, anc.depth + 1 FROM version_parents p JOIN anc ON p.version_id = anc.id
                 )
                 SELECT id, MIN(depth) FROM anc GROUP BY id ORDER BY MIN(depth), id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([version_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))
    }

    /// Sets or moves a tag; tags are unique per artifact.
    pub fn set_tag(&self, version_id: i64, tag: &str) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE versions SET tag = NULL WHERE tag = ?2
                   AND artifact_id = (SELECT artifact_id FROM versions WHERE id = ?1)",
                params![version_id, tag],
            )
            .map_err(|e| self.err(e))?;
        self.conn()
            .execute(
                "UPDATE versions SET tag = ?2 WHERE id = ?1",
                params![version_id, tag],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
