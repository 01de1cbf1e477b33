//! Audit events (one per operation) and conflict records.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::id::ArtifactId;

/// One operation, as the audit log keeps it.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    pub operation: &'a str,
    pub artifact: Option<&'a ArtifactId>,
    pub direction: Option<&'a str>,
    pub strategy: Option<&'a str>,
    pub result: &'a str,
    pub duration_ms: u64,
    pub conflict_files: &'a [String],
    pub detail: Option<&'a str>,
    /// The `vN` the operation recorded or moved to, when it produced one.
    pub version: Option<u32>,
}

/// An audit event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub operation: String,
    pub artifact: Option<String>,
    pub direction: Option<String>,
    pub strategy: Option<String>,
    pub result: String,
    pub duration_ms: u64,
    pub conflict_files: Vec<String>,
    pub detail: Option<String>,
    pub version: Option<u32>,
}

/// A conflict as detected by a sync or merge.
#[derive(Debug, Clone)]
pub struct ConflictRecord<'a> {
    pub artifact: &'a ArtifactId,
    pub file_path: &'a str,
    pub base_hash: Option<&'a str>,
    pub ours_hash: Option<&'a str>,
    pub theirs_hash: Option<&'a str>,
    pub strategy: &'a str,
}

impl Store {
    pub fn audit(&self, e: &AuditEvent<'_>) -> Result<()> {
        let files = serde_json::to_string(e.conflict_files).unwrap_or_else(|_| "[]".into());
        self.conn()
            .execute(
                "INSERT INTO audit_events (at, operation, artifact, direction, strategy, result, duration_ms, conflict_files, detail, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    crate::time::now_utc(),
                    e.operation,
                    e.artifact.map(|a| a.to_string()),
                    e.direction,
                    e.strategy,
                    e.result,
                    e.duration_ms as i64,
                    files,
                    e.detail,
                    e.version
                ],
            )
            .map_err(|err| self.err(err))?;
        Ok(())
    }

    /// Recent audit events, newest first.
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditRow>> {
        self.audit_query(&super::AuditFilter {
            limit: Some(limit),
            ..Default::default()
        })
    }

    pub fn record_conflict(&self, c: &ConflictRecord<'_>) -> Result<i64> {
        let aid = self.artifact_row(c.artifact)?;
        self.conn()
            .execute(
                "INSERT INTO conflicts (artifact_id, file_path, detected_at, base_hash, ours_hash, theirs_hash, strategy)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![aid, c.file_path, crate::time::now_utc(), c.base_hash, c.ours_hash, c.theirs_hash, c.strategy],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Marks every open conflict of an artifact (optionally one file) resolved.
    pub fn resolve_conflicts(
        &self,
        artifact: &ArtifactId,
        file: Option<&str>,
        resolved_hash: &str,
    ) -> Result<usize> {
        let aid = self.artifact_row(artifact)?;
        self.conn()
            .execute(
                "UPDATE conflicts SET resolved_at = ?1, resolved_hash = ?2
                 WHERE artifact_id = ?3 AND resolved_at IS NULL AND (?4 IS NULL OR file_path = ?4)",
                params![crate::time::now_utc(), resolved_hash, aid, file],
            )
            .map_err(|e| self.err(e))
    }

    /// The blob hashes (base, ours, theirs) of the newest unresolved conflict record of one
    /// file: what the merge that wrote its markers started from.
    pub fn open_conflict_sides(
        &self,
        artifact: &ArtifactId,
        file: &str,
    ) -> Result<Option<[Option<String>; 3]>> {
        let Some(aid) = self.find_artifact(artifact)? else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                "SELECT base_hash, ours_hash, theirs_hash FROM conflicts
                 WHERE artifact_id = ?1 AND file_path = ?2 AND resolved_at IS NULL
                 ORDER BY id DESC LIMIT 1",
                params![aid, file],
                |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Files of an artifact with unresolved conflict records.
    pub fn open_conflicts(&self, artifact: &ArtifactId) -> Result<Vec<String>> {
        let Some(aid) = self.find_artifact(artifact)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT DISTINCT file_path FROM conflicts WHERE artifact_id = ?1 AND resolved_at IS NULL ORDER BY file_path")
            .map_err(|e| self.err(e))?;
        stmt.query_map([aid], |r| r.get(0))
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))
    }

    /// Whether the artifact ever had a conflict record, open or resolved.
    pub fn ever_conflicted(&self, artifact: &ArtifactId) -> Result<bool> {
        let Some(aid) = self.find_artifact(artifact)? else {
            return Ok(false);
        };
        self.conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM conflicts WHERE artifact_id = ?1)",
                [aid],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}
