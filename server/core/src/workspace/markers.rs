//! Unresolved conflict markers in an artifact's content: what keeps an artifact `conflict` after
//! a sync left markers in it, and the one check that refuses to push, deploy or sync onward
//! content that still holds them.
//!
//! Markers count in a file with an open conflict record, and elsewhere only outside Markdown
//! fenced code blocks (see [`crate::merge::parse_live`]). A file with an open conflict record
//! that cannot carry markers (binary, not UTF-8, too large: [`Workspace::unmarkable_conflicts`])
//! counts as unresolved until `resolve --file F --take ours|theirs` settles it: no marker will
//! ever show that conflict, so its absence proves nothing.

use super::Workspace;
use crate::drift::{ArtifactStatus, DriftState};
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::merge;
use crate::tree::Tree;

/// Where a file of an artifact still holds a live conflict region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerHit {
    /// The file inside the artifact (`SKILL.md`, `reference.md`).
    pub file: String,
    /// 1-based line of its first region.
    pub line: usize,
}

/// The files of `tree` holding live conflict regions, given the files with an open conflict
/// record (`recorded`).
pub fn unresolved_markers(tree: &Tree, recorded: &[String]) -> Vec<MarkerHit> {
    tree.files
        .iter()
        .filter_map(|(file, bytes)| {
            let rec = recorded.iter().any(|r| r == file);
            merge::first_live_line(bytes, file, rec).map(|line| MarkerHit {
                file: file.clone(),
                line,
            })
        })
        .collect()
}

impl Workspace {
    /// Files of `id`'s project copy with an open conflict record (a sync or an editor merge left
    /// markers in them and they were not resolved yet).
    pub fn open_conflict_files(&self, id: &ArtifactId) -> Result<Vec<String>> {
        self.store.open_conflicts(id)
    }

    /// Refuses content that still holds conflict markers: `what` is the operation (`push`,
    /// `deploy`, `sync`), `tier` where the content comes from. Project content counts its open
    /// conflict records; other tiers have none.
    pub fn refuse_markers(
        &self,
        id: &ArtifactId,
        tree: &Tree,
        project: bool,
        what: &str,
        tier: &str,
    ) -> Result<()> {
        let recorded = if project {
            self.open_conflict_files(id)?
        } else {
            Vec::new()
        };
        let hits = unresolved_markers(tree, &recorded);
        let Some(first) = hits.first() else {
            if let Some(f) = self.unmarkable_conflicts(id, tree, &recorded)?.first() {
                return Err(Error::conflict(format!(
                    "{id}: {}/{f} has an open conflict and cannot carry conflict markers ({}); nothing was {}. To finish: run `skillmeat-lsp resolve {id} --file {f} --take ours|theirs|base`, then {what} again",
                    self.tier_path(id, project),
                    if self.is_modify_delete(id, tree, f)? {
                        "deleted on one side and changed on the other"
                    } else {
                        "binary, not UTF-8 or too large"
                    },
                    match what {
                        "push" => "pushed",
                        "deploy" => "deployed",
                        _ => "synced",
                    }
                )));
            }
            return Ok(());
        };
        let place = |h: &MarkerHit| {
            if id.kind.is_folder() {
                format!("{}/{}:{}", self.tier_path(id, project), h.file, h.line)
            } else {
                format!("{}:{}", self.tier_path(id, project), h.line)
            }
        };
        let more = match hits.len() {
            1 => String::new(),
            n => format!(
                " (and {} more file{})",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        let finish = if project {
            format!("accept a side for each region in the editor, or run `skillmeat-lsp resolve {id} --take ours|theirs|both`, then {what} again")
        } else {
            format!("resolve them in the {tier} copy first, then {what} again")
        };
        Err(Error::conflict(format!(
            "{id}: {} still holds unresolved conflict markers{more}; nothing was {}. To finish: {finish}",
            place(first),
            match what {
                "push" => "pushed",
                "deploy" => "deployed",
                _ => "synced",
            }
        )))
    }

    /// The plan step's check: a sync never carries markers onward — not from the project into
    /// the collection (push), nor from the collection into the project.
    pub(super) fn refuse_onward(
        &self,
        id: &ArtifactId,
        direction: crate::sync::Direction,
        source: &Tree,
    ) -> Result<()> {
        use crate::sync::Direction;
        match direction {
            Direction::ProjectToCollection => {
                self.refuse_markers(id, source, true, "push", "project")
            }
            Direction::CollectionToProject => {
                self.refuse_markers(id, source, false, "sync", "collection")
            }
            Direction::UpstreamToCollection => Ok(()),
        }
    }

    /// The artifact's folder (or file) in a tier, relative to the workspace root for the
    /// project and absolute for the collection.
    fn tier_path(&self, id: &ArtifactId, project: bool) -> String {
        let p = if project {
            // Shown in a message only, never read through.
            self.project_path_unchecked(id)
        } else {
            self.collection_path(id)
        };
        p.strip_prefix(&self.root)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned()
    }

    /// Makes a status read `conflict` while a sync's conflict record is open and its markers
    /// remain in the project content (`tree`, or the project copy on disk when `None`), and
    /// names where. Other states are left as the drift rule gave them.
    pub fn mark_unresolved(&self, st: &mut ArtifactStatus, tree: Option<&Tree>) -> Result<()> {
        if !matches!(st.state, DriftState::Modified | DriftState::Conflict) {
            return Ok(());
        }
        let recorded = self.open_conflict_files(&st.id)?;
        if recorded.is_empty() {
            return Ok(());
        }
        let read;
        let tree = match tree {
            Some(t) => t,
            None => {
                read = crate::tree::read_artifact(&self.project_path(&st.id)?, st.id.kind.shape())?;
                &read
            }
        };
        let hits: Vec<MarkerHit> = unresolved_markers(tree, &recorded)
            .into_iter()
            .filter(|h| recorded.contains(&h.file))
            .collect();
        if let Some(h) = hits.into_iter().next() {
            st.state = DriftState::Conflict;
            st.unresolved = Some((h.file, h.line));
        } else if let Some(f) = self
            .unmarkable_conflicts(&st.id, tree, &recorded)?
            .into_iter()
            .next()
        {
            // Line 0: the file has no lines to point at (see `ArtifactStatus::unresolved`).
            st.state = DriftState::Conflict;
            st.unresolved = Some((f, 0));
        }
        Ok(())
    }

    /// The files of `recorded` (open conflict records of `id`) that cannot carry conflict
    /// markers: the project's file in `tree`, or a side the record stored, is binary, not UTF-8
    /// or over the merge's size cap; or the record is a modify/delete conflict (one side deleted
    /// the file, the other changed it: [`Workspace::is_modify_delete`]).
    pub fn unmarkable_conflicts(
        &self,
        id: &ArtifactId,
        tree: &Tree,
        recorded: &[String],
    ) -> Result<Vec<String>> {
        let unmergeable = |b: &[u8]| merge::check_mergeable(b, merge::DEFAULT_SIZE_CAP).is_err();
        let mut out = Vec::new();
        for f in recorded {
            let mut hit = tree.files.get(f).is_some_and(|b| unmergeable(b));
            if !hit {
                if let Some(sides) = self.store.open_conflict_sides(id, f)? {
                    hit = modify_delete(&sides, tree.files.contains_key(f));
                    for h in sides.iter().flatten().filter(|_| !hit) {
                        if self.store.blob(h)?.is_some_and(|b| unmergeable(&b)) {
                            hit = true;
                            break;
                        }
                    }
                }
            }
            if hit {
                out.push(f.clone());
            }
        }
        Ok(out)
    }
}

impl Workspace {
    /// Whether `file`'s open conflict record of `id` is a modify/delete conflict that still
    /// stands: one side deleted the file, the other changed it, and the project copy (`tree`)
    /// is still as the sync left it. No marker can show it; a side is taken with
    /// `resolve --file F --take ours|theirs|base`.
    pub fn is_modify_delete(&self, id: &ArtifactId, tree: &Tree, file: &str) -> Result<bool> {
        Ok(self
            .store
            .open_conflict_sides(id, file)?
            .is_some_and(|s| modify_delete(&s, tree.files.contains_key(file))))
    }
}

/// A conflict record's sides (base, ours, theirs) are a modify/delete conflict that still
/// stands: exactly one of ours and theirs is a deletion, and the project still has the file
/// exactly when ours did (a record left behind once the file came back by `deploy` or a
/// `--strategy theirs` sync, or went by `--strategy theirs`, no longer stands).
fn modify_delete(sides: &[Option<String>; 3], present: bool) -> bool {
    let [_, ours, theirs] = sides;
    ours.is_none() != theirs.is_none() && ours.is_some() == present
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_files_count_every_region_others_only_unfenced_ones() {
        let mut t = Tree::default();
        let fenced = b"```\n<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n```\n".to_vec();
        t.files.insert("SKILL.md".into(), fenced.clone());
        t.files.insert("notes.md".into(), fenced);
        assert!(unresolved_markers(&t, &[]).is_empty());
        let hits = unresolved_markers(&t, &["notes.md".to_string()]);
        assert_eq!(
            hits,
            [MarkerHit {
                file: "notes.md".into(),
                line: 2
            }]
        );
    }
}
