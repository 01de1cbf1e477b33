//! Reading the audit trail back (`log`, `stats`) and the intentional-divergence records (`keep`).

use rusqlite::{params, OptionalExtension};

use super::{AuditRow, Store};
use crate::error::Result;
use crate::id::ArtifactId;

/// Which audit events to read: all of them by default, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events of this artifact (`type:name`).
    pub artifact: Option<String>,
    /// Only events at or after this RFC 3339 UTC time (the stored form, compared as text).
    pub since: Option<String>,
    /// Only events of this operation (`sync`, `deploy`, …).
    pub operation: Option<String>,
    pub limit: Option<u32>,
}

/// One sync event, as `stats` counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRow {
    pub result: String,
    pub strategy: Option<String>,
    pub duration_ms: u64,
}

/// One unresolved conflict record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConflict {
    pub artifact: ArtifactId,
    pub file: String,
    pub detected_at: String,
}

/// Why a project copy differs from the collection on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRow {
    pub reason: String,
    pub kept_at: String,
    /// The collection copy's identity (content hash and meta digest) when the keep was recorded.
    pub collection: Option<String>,
}

impl Store {
    /// Audit events matching `f`, newest first.
    pub fn audit_query(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, at, operation, artifact, direction, strategy, result, duration_ms, conflict_files, detail, version
                 FROM audit_events
                 WHERE (?1 IS NULL OR artifact = ?1) AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR operation = ?3)
                 ORDER BY id DESC LIMIT ?4",
            )
            .map_err(|e| self.err(e))?;
        let limit = f.limit.map(i64::from).unwrap_or(-1);
        stmt.query_map(params![f.artifact, f.since, f.operation, limit], |r| {
            let files: String = r.get(8)?;
            Ok(AuditRow {
                id: r.get(0)?,
                at: r.get(1)?,
                operation: r.get(2)?,
                artifact: r.get(3)?,
                direction: r.get(4)?,
                strategy: r.get(5)?,
                result: r.get(6)?,
                duration_ms: r.get::<_, i64>(7)?.max(0) as u64,
                conflict_files: serde_json::from_str(&files).unwrap_or_default(),
                detail: r.get(9)?,
                version: r.get::<_, Option<i64>>(10)?.map(|v| v.max(0) as u32),
            })
        })
        .and_then(|it| it.collect())
        .map_err(|e| self.err(e))
    }

    /// Every sync event at or after `since` (all when `None`).
    pub fn sync_events(&self, since: Option<&str>) -> Result<Vec<SyncRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT result, strategy, duration_ms FROM audit_events
                 WHERE operation = 'sync' AND (?1 IS NULL OR at >= ?1) ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([since], |r| {
            Ok(SyncRow {
                result: r.get(0)?,
                strategy: r.get(1)?,
                duration_ms: r.get::<_, i64>(2)?.max(0) as u64,
            })
        })
        .and_then(|it| it.collect())
        .map_err(|e| self.err(e))
    }

    /// Every unresolved conflict record, oldest first.
    pub fn all_open_conflicts(&self) -> Result<Vec<OpenConflict>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "SELECT a.type, a.name, c.file_path, c.detected_at, {} FROM conflicts c
                 JOIN artifacts a ON a.id = c.artifact_id
                 WHERE c.resolved_at IS NULL ORDER BY c.detected_at, c.id",
                self.profile_column()
            ))
            .map_err(|e| self.err(e))?;
        let rows: Vec<(String, String, String, String, String)> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for (kind, name, file, detected_at, profile) in rows {
            // A row of a type this build cannot name is skipped, not an error: stats only count.
            let Ok(kind) = kind.parse() else { continue };
            let Ok(artifact) = ArtifactId::new(kind, &name) else {
                continue;
            };
            let artifact = super::id_from_row(artifact.kind, artifact.name, &profile);
            out.push(OpenConflict {
                artifact,
                file,
                detected_at,
            });
        }
        Ok(out)
    }

    /// The keep record of an artifact, if its copy is kept.
    pub fn kept(&self, id: &ArtifactId) -> Result<Option<KeptRow>> {
        let Some(aid) = self.find_artifact(id)? else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                "SELECT reason, kept_at, collection FROM kept WHERE artifact_id = ?1",
                [aid],
                |r| {
                    Ok(KeptRow {
                        reason: r.get(0)?,
                        kept_at: r.get(1)?,
                        collection: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every keep record, by artifact.
    pub fn all_kept(&self) -> Result<Vec<(ArtifactId, KeptRow)>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "SELECT a.type, a.name, k.reason, k.kept_at, k.collection, {p} FROM kept k
                 JOIN artifacts a ON a.id = k.artifact_id ORDER BY a.type, a.name, {p}",
                p = self.profile_column()
            ))
            .map_err(|e| self.err(e))?;
        let rows: Vec<(String, String, KeptRow, String)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    KeptRow {
                        reason: r.get(2)?,
                        kept_at: r.get(3)?,
                        collection: r.get(4)?,
                    },
                    r.get(5)?,
                ))
            })
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))?;
        Ok(rows
            .into_iter()
            .filter_map(|(kind, name, row, profile)| {
                let id = ArtifactId::new(kind.parse().ok()?, &name).ok()?;
                Some((super::id_from_row(id.kind, id.name, &profile), row))
            })
            .collect())
    }

    /// Records (or replaces) the keep record of an artifact.
    pub fn set_kept(&self, id: &ArtifactId, reason: &str, collection: Option<&str>) -> Result<()> {
        let aid = self.artifact_row(id)?;
        self.conn()
            .execute(
                "INSERT INTO kept (artifact_id, reason, kept_at, collection) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (artifact_id) DO UPDATE SET reason = excluded.reason,
                     kept_at = excluded.kept_at, collection = excluded.collection",
                params![aid, reason, crate::time::now_utc(), collection],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Removes the keep record of an artifact; false when there was none.
    pub fn clear_kept(&self, id: &ArtifactId) -> Result<bool> {
        let Some(aid) = self.find_artifact(id)? else {
            return Ok(false);
        };
        self.conn()
            .execute("DELETE FROM kept WHERE artifact_id = ?1", [aid])
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::ArtifactType;
    use crate::store::AuditEvent;

    #[test]
    fn migration_6_upgrades_a_schema_5_trail_and_its_down_step_keeps_the_events() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        let id = ArtifactId::new(ArtifactType::Skill, "demo").unwrap();
        // A schema-5 database with one event, written the way schema 5 writes it.
        {
            let store = Store::open_at(&path, 5).unwrap();
            store
                .conn()
                .execute(
                    "INSERT INTO audit_events (at, operation, artifact, result, duration_ms) VALUES ('2026-01-01T00:00:00.000000Z', 'deploy', 'skill:demo', 'ok', 7)",
                    [],
                )
                .unwrap();
            assert!(store.conn().prepare("SELECT * FROM kept").is_err());
        }
        let store = Store::open(&path).unwrap();
        assert!(store.schema_version().unwrap() >= 6);
        let old = store.audit_log(10).unwrap();
        assert_eq!(
            (old[0].operation.as_str(), old[0].version),
            ("deploy", None)
        );
        store
            .audit(&AuditEvent {
                operation: "keep",
                artifact: Some(&id),
                result: "kept",
                version: Some(2),
                ..Default::default()
            })
            .unwrap();
        store.set_kept(&id, "on purpose", Some("abc")).unwrap();
        assert_eq!(store.kept(&id).unwrap().unwrap().reason, "on purpose");
        let only_keep = store
            .audit_query(&AuditFilter {
                operation: Some("keep".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(only_keep.len(), 1);
        assert_eq!(only_keep[0].version, Some(2));
        drop(store);
        // Down to 5: the keep records go, every event stays.
        let store = Store::open_at(&path, 5).unwrap();
        assert!(store.conn().prepare("SELECT * FROM kept").is_err());
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }
}
