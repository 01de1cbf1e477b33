//! Deployment baselines: what we last put into the project for each artifact.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::id::{ArtifactId, ArtifactType};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub id: ArtifactId,
    pub baseline_version_id: i64,
    pub baseline_hash: String,
    /// The baseline's modes, folders and links ([`crate::tree::Meta::digest`]; `""`: plain).
    pub baseline_meta: String,
    pub baseline_number: u32,
    pub deployed_at: String,
    pub from_collection: String,
}

impl Store {
    pub fn set_baseline(
        &self,
        artifact: &ArtifactId,
        version_id: i64,
        deployed_at: &str,
        from_collection: &str,
    ) -> Result<()> {
        let aid = self.artifact_row(artifact)?;
        self.conn()
            .execute(
                "INSERT INTO deployments (artifact_id, baseline_version_id, deployed_at, from_collection)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (artifact_id) DO UPDATE SET
                   baseline_version_id = excluded.baseline_version_id,
                   deployed_at = excluded.deployed_at,
                   from_collection = excluded.from_collection",
                params![aid, version_id, deployed_at, from_collection],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The deployment of one artifact.
    pub fn deployment(&self, id: &ArtifactId) -> Result<Option<Deployment>> {
        let Some(aid) = self.find_artifact(id)? else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                "SELECT d.baseline_version_id, v.hash, v.number, d.deployed_at, d.from_collection, v.meta_hash
                 FROM deployments d JOIN versions v ON v.id = d.baseline_version_id
                 WHERE d.artifact_id = ?1",
                [aid],
                |r| {
                    Ok(Deployment {
                        id: id.clone(),
                        baseline_version_id: r.get(0)?,
                        baseline_hash: r.get(1)?,
                        baseline_number: r.get(2)?,
                        deployed_at: r.get(3)?,
                        from_collection: r.get(4)?,
                        baseline_meta: r.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every deployment with its baseline hash, by id.
    pub fn deployments(&self) -> Result<Vec<Deployment>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT a.type, a.name, d.baseline_version_id, v.hash, v.number, d.deployed_at, d.from_collection, v.meta_hash, a.profile
                 FROM deployments d
                 JOIN artifacts a ON a.id = d.artifact_id
                 JOIN versions v ON v.id = d.baseline_version_id
                 ORDER BY a.type, a.name, a.profile",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let kind: String = r.get(0)?;
                Ok((
                    kind,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let (kind, name, vid, hash, number, at, from, meta, profile) =
                r.map_err(|e| self.err(e))?;
            // Rows are only ever written from validated ids; skip anything else rather than fail.
            let Ok(kind) = kind.parse::<ArtifactType>() else {
                continue;
            };
            out.push(Deployment {
                id: super::id_from_row(kind, name, &profile),
                baseline_version_id: vid,
                baseline_hash: hash,
                baseline_meta: meta,
                baseline_number: number,
                deployed_at: at,
                from_collection: from,
            });
        }
        Ok(out)
    }
}
