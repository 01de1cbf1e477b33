//! An artifact's version history, newest first, with the baseline marked.

use super::Workspace;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::store::Origin;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub number: u32,
    pub hash: String,
    pub origin: Origin,
    pub created_at: String,
    pub parents: Vec<u32>,
    pub tag: Option<String>,
    pub message: Option<String>,
    pub has_content: bool,
    pub is_baseline: bool,
}

#[derive(Debug, Clone)]
pub struct History {
    pub id: ArtifactId,
    pub entries: Vec<HistoryEntry>,
}

impl Workspace {
    pub fn history(&self, query: &str) -> Result<History> {
        let id = self.resolve_id(query)?;
        let rows = self.store.versions(&id)?;
        if rows.is_empty() {
            return Err(Error::not_found(format!(
                "{id} has no recorded versions yet; deploy it with `skillmeat-lsp deploy {id}`"
            )));
        }
        let baseline = self.store.deployment(&id)?.map(|d| d.baseline_version_id);
        let number_of = |row_id: i64| rows.iter().find(|r| r.id == row_id).map(|r| r.number);
        let entries = rows
            .iter()
            .rev()
            .map(|r| HistoryEntry {
                number: r.number,
                hash: r.hash.clone(),
                origin: r.origin,
                created_at: r.created_at.clone(),
                parents: r.parents.iter().filter_map(|p| number_of(*p)).collect(),
                tag: r.tag.clone(),
                message: r.message.clone(),
                has_content: r.has_content,
                is_baseline: Some(r.id) == baseline,
            })
            .collect();
        Ok(History { id, entries })
    }
}
