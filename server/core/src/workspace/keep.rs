//! Intentional divergence (`keep ID --reason …`, `unkeep ID`): a project copy that differs from
//! the collection on purpose reads `kept` until the collection moves again (docs/design.md §4).

use super::Workspace;
use crate::drift::{ArtifactStatus, DriftState, Kept};
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::statcache;
use crate::store::{AuditEvent, KeptRow};
use crate::tree;

/// The longest reason kept, in bytes: a sentence or two, not a document.
pub const MAX_REASON: usize = 1000;

/// What `keep` or `unkeep` did.
#[derive(Debug, Clone)]
pub struct KeepOutcome {
    pub id: ArtifactId,
    pub reason: Option<String>,
    /// `keep`: the state the keep now stands in for. `unkeep`: the state the artifact reads now.
    pub state: DriftState,
    /// False when nothing was recorded: `unkeep` of an artifact that was not kept, `keep` of a
    /// copy that does not differ (`synced`).
    pub changed: bool,
}

/// The rule: a keep stands in for `modified`, `outdated` or `conflict` while the collection copy
/// is what it was when the keep was recorded; unresolved conflict markers, a removed or orphaned
/// copy, and any later collection change show as usual. The record is attached either way.
pub fn apply(st: &mut ArtifactStatus, row: &KeptRow, collection: Option<&str>) {
    let collection_changed = row.collection.as_deref() != collection;
    let drift = st.state;
    let hides = matches!(
        drift,
        DriftState::Modified | DriftState::Outdated | DriftState::Conflict
    ) && st.unresolved.is_none()
        && !collection_changed;
    st.kept = Some(Kept {
        reason: row.reason.clone(),
        kept_at: row.kept_at.clone(),
        drift,
        collection_changed,
    });
    if hides {
        st.state = DriftState::Kept;
    }
}

fn check_reason(id: &ArtifactId, reason: &str) -> Result<String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(Error::invalid(format!(
            "keep {id} needs a reason: say why this project's copy differs on purpose, e.g. `keep {id} --reason \"uses the staging API\"`"
        )));
    }
    if r.len() > MAX_REASON {
        return Err(Error::invalid(format!(
            "the reason for keeping {id} is {} bytes; keep it under {MAX_REASON} (a sentence or two)",
            r.len()
        )));
    }
    if r.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(format!(
            "the reason for keeping {id} holds control characters; use plain text"
        )));
    }
    Ok(r.to_string())
}

impl Workspace {
    /// The collection copy's identity (content hash and modes/folders/links digest), as drift
    /// compares it; `None` when the collection has no copy.
    fn collection_identity(&self, id: &ArtifactId) -> Option<String> {
        let path = self
            .collection_artifacts()
            .ok()
            .and_then(|m| m.get(&id.base()).cloned())
            .unwrap_or_else(|| self.collection_path(id));
        let h = statcache::hash_artifact(&path, id.kind.shape(), self.cache.get(&path)).ok()?;
        Some(tree::identity(&h.hash, &h.meta))
    }

    /// Records that this project's copy of `query` differs on purpose, with `reason`.
    pub fn keep(&mut self, query: &str, reason: &str) -> Result<KeepOutcome> {
        let id = self.resolve_id(query)?;
        let reason = check_reason(&id, reason)?;
        if self.store.deployment(&id)?.is_none() {
            return Err(Error::not_found(format!(
                "{id} is not deployed in this project, so there is no copy to keep; deploy it first (`skillmeat-lsp deploy {id}`)"
            )));
        }
        // Drift first: it stores a modified copy as a version, so what is kept is in the lineage.
        let st = self
            .status_of(Some(std::slice::from_ref(&id)))?
            .artifacts
            .into_iter()
            .next();
        if let Some((file, line)) = st.as_ref().and_then(|s| s.unresolved.clone()) {
            // A keep never stands in for markers a sync left: `kept` would be untrue.
            return Err(Error::conflict(format!(
                "{id}'s project copy still holds unresolved conflict markers ({file}:{line}); a keep cannot stand in for them, so nothing was recorded. Resolve them first (in the editor, or `skillmeat-lsp resolve {id} --take ours|theirs|both`), then keep it"
            )));
        }
        let (state, version) = st
            .map(|s| (s.kept.map(|k| k.drift).unwrap_or(s.state), s.version))
            .unwrap_or((DriftState::Removed, None));
        if matches!(state, DriftState::Removed | DriftState::Error) {
            return Err(Error::invalid(format!(
                "{id}'s project copy is {state}; there is nothing to keep — restore it first (`skillmeat-lsp rollback {id} --to deployed`)"
            )));
        }
        if state == DriftState::Synced && self.store.kept(&id)?.is_none() {
            // The copies agree: there is no divergence to keep, and a keep recorded now would
            // stand for nothing (the next collection change shows either way).
            return Ok(KeepOutcome {
                id,
                reason: Some(reason),
                state,
                changed: false,
            });
        }
        let collection = self.collection_identity(&id);
        self.store.in_tx(|| {
            self.store.set_kept(&id, &reason, collection.as_deref())?;
            self.store.audit(&AuditEvent {
                operation: "keep",
                artifact: Some(&id),
                result: "kept",
                detail: Some(&reason),
                version,
                ..Default::default()
            })
        })?;
        Ok(KeepOutcome {
            id,
            reason: Some(reason),
            state,
            changed: true,
        })
    }

    /// Clears the keep record of `query`; the artifact reads its drift state again.
    pub fn unkeep(&mut self, query: &str) -> Result<KeepOutcome> {
        let id = self.resolve_id(query)?;
        let old = self.store.kept(&id)?;
        if let Some(old) = &old {
            self.store.in_tx(|| {
                self.store.clear_kept(&id)?;
                self.store.audit(&AuditEvent {
                    operation: "unkeep",
                    artifact: Some(&id),
                    result: "unkept",
                    detail: Some(&old.reason),
                    ..Default::default()
                })
            })?;
        }
        let state = self
            .status_of(Some(std::slice::from_ref(&id)))?
            .artifacts
            .into_iter()
            .next()
            .map(|s| s.state)
            .unwrap_or(DriftState::Removed);
        Ok(KeepOutcome {
            id,
            changed: old.is_some(),
            reason: old.map(|k| k.reason),
            state,
        })
    }

    /// The artifacts a bulk sync leaves alone because their copies are kept, with the reasons.
    pub fn kept_artifacts(&self) -> Result<Vec<(ArtifactId, KeptRow)>> {
        self.store.all_kept()
    }
}
