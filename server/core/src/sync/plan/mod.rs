//! Planning a sync: per-file three-way rules over whole trees (docs/design.md §6), no I/O.
//!
//! "Target" is the tier being written ("ours" in conflict terms) and "source" the tier content
//! comes from ("theirs"). Rules per file: unchanged; one side changed → take it; both changed
//! identically → take it; both changed differently → line merge (against an empty base when
//! both added it); deleted on one side and changed on the other → conflict that keeps the changed
//! file; binary or oversized → conflict without markers, keeping the target's bytes.
//!
//! Modes, folders and links (the tree's `Meta`) take part too: a tree equals another only when
//! both its content and its meta do, so a mode-only change is a change like any other (never reset
//! silently by a fast-forward), and meta entries merge three-way per path.

use std::collections::BTreeSet;

use super::Strategy;
use crate::hash;
use crate::id::Shape;
use crate::merge::{self, ConflictStyle, Favor, Labels, MergeOptions, MergeOutcome};
use crate::tree::Tree;

/// What happens to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Same in the result as in the target now.
    Keep,
    Add,
    Modify,
    Delete,
    /// A person must look: see [`Conflict`].
    Conflict(Conflict),
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Add => "add",
            Action::Modify => "modify",
            Action::Delete => "delete",
            Action::Conflict(_) => "conflict",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The result holds this many marker regions.
    Markers(usize),
    /// One side deleted the file, the other changed it (a modify/delete conflict): the target
    /// is left as it was — its changed file kept (`DeletedInSource`), its deletion kept
    /// (`DeletedInTarget`) — and the conflict stays open until a side is taken.
    DeletedInSource,
    DeletedInTarget,
    /// The whole target copy was deleted and the source changed it: nothing is written (a
    /// person's deletion is not undone by a sync).
    DeletedTargetCopy,
    /// Could not be merged line-wise (binary, not UTF-8, too large); the target's bytes are kept.
    Unmergeable(String),
}

impl Conflict {
    /// Whether this file's conflict is one no marker can show (a binary file, a file deleted on
    /// one side and changed on the other): it stays open until a side is taken with
    /// `resolve --file F --take ours|theirs|base`. (A deleted whole copy has its own rule.)
    pub fn is_markerless(&self) -> bool {
        matches!(
            self,
            Conflict::DeletedInSource | Conflict::DeletedInTarget | Conflict::Unmergeable(_)
        )
    }

    pub fn describe(&self) -> String {
        match self {
            Conflict::Markers(n) => {
                format!("{n} conflict region{}", if *n == 1 { "" } else { "s" })
            }
            Conflict::DeletedInSource => {
                "deleted in the source, changed in the target (kept)".into()
            }
            Conflict::DeletedInTarget => {
                "deleted in the target, changed in the source (deletion kept)".into()
            }
            Conflict::DeletedTargetCopy => {
                "the target copy was deleted, changed in the source (not restored)".into()
            }
            Conflict::Unmergeable(why) => format!("{why}; target kept, both versions stored"),
        }
    }
}

/// One file's line in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlan {
    pub path: String,
    pub action: Action,
    /// SHA-256 of the file in the result (`None`: not in the result).
    pub result_hash: Option<String>,
}

/// What kind of sync this is, as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Source and target already hold the same content.
    UpToDate,
    /// Nothing new in the source since the base: the target keeps its own changes.
    NothingToTake,
    /// The target was unmodified: it becomes the source.
    FastForward,
    /// Both changed: a three-way merge.
    Merge,
    /// The source replaces the target (strategy overwrite).
    Overwrite,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::UpToDate => "up-to-date",
            Kind::NothingToTake => "nothing-to-take",
            Kind::FastForward => "fast-forward",
            Kind::Merge => "merge",
            Kind::Overwrite => "overwrite",
        }
    }
}

/// A suggested semantic-version bump for the change the plan makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// A whole plan: the result tree and what happens to every file.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: Kind,
    pub files: Vec<FilePlan>,
    pub result: Tree,
    pub result_hash: String,
    pub target_hash: Option<String>,
    /// [`Tree::meta_digest`] of the result and of the target now.
    pub result_meta: String,
    pub target_meta: Option<String>,
    /// Mode, folder and link changes the plan makes to the target (`mode change 644 => 755 x`).
    pub meta_changes: Vec<String>,
    pub source_hash: String,
    pub base_hash: Option<String>,
    /// Number of files in conflict.
    pub conflicts: usize,
    pub bump: Bump,
    pub warnings: Vec<String>,
}

impl Plan {
    /// Files that change on disk when the plan is applied.
    pub fn changes(&self) -> impl Iterator<Item = &FilePlan> {
        self.files.iter().filter(|f| f.action != Action::Keep)
    }

    /// The files whose conflict cannot carry markers (see [`Conflict::is_markerless`]): they
    /// stay as they are until `resolve --file F --take ...` settles them.
    pub fn markerless_conflicts(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|f| matches!(&f.action, Action::Conflict(c) if c.is_markerless()))
            .map(|f| f.path.as_str())
            .collect()
    }

    /// The plan writes nothing: the result is the target, or there is no target and nothing
    /// to create (a deleted copy left deleted).
    pub fn is_noop(&self) -> bool {
        match &self.target_hash {
            Some(t) => {
                *t == self.result_hash
                    && self.target_meta.as_deref() == Some(self.result_meta.as_str())
            }
            None => self.result.files.is_empty(),
        }
    }
}

/// Inputs of [`plan`].
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The merge base; `None` when unknown (the merge degrades to two-way).
    pub base: Option<&'a Tree>,
    pub source: &'a Tree,
    /// `None` when the target has no copy yet.
    pub target: Option<&'a Tree>,
    pub shape: Shape,
    pub strategy: Strategy,
    /// Conflict labels: target first (ours), then base, then source (theirs).
    pub labels: &'a Labels,
}

pub fn plan(input: Input<'_>) -> Plan {
    let shape = input.shape;
    let empty = Tree::default();
    let target = input.target.unwrap_or(&empty);
    let source_hash = input.source.content_hash(shape);
    let target_hash = input.target.map(|t| t.content_hash(shape));
    let base_hash = input.base.map(|b| b.content_hash(shape));
    let mut warnings = Vec::new();

    // Same content and same modes, folders and links.
    let same = |a: Option<&Tree>, a_hash: Option<&String>, b: &Tree, b_hash: &String| {
        a_hash == Some(b_hash) && a.is_some_and(|a| a.meta == b.meta)
    };
    let kind = if same(
        input.target,
        target_hash.as_ref(),
        input.source,
        &source_hash,
    ) {
        Kind::UpToDate
    } else if input.strategy == Strategy::Overwrite || input.target.is_none() {
        Kind::Overwrite
    } else if input.base.is_some()
        && base_hash == target_hash
        && input.base.map(|b| &b.meta) == input.target.map(|t| &t.meta)
    {
        Kind::FastForward
    } else if same(input.base, base_hash.as_ref(), input.source, &source_hash) {
        Kind::NothingToTake
    } else {
        Kind::Merge
    };
    if kind == Kind::Merge && input.base.is_none() {
        warnings.push(
            "the merge base is unknown (a baseline known only by its hash): merging two-way, so every difference is a conflict".into(),
        );
    }

    let mut result = Tree::default();
    let mut files = Vec::new();
    let mut conflicts = 0;
    let paths: BTreeSet<&String> = input
        .source
        .files
        .keys()
        .chain(target.files.keys())
        .chain(input.base.map(|b| b.files.keys()).into_iter().flatten())
        .collect();
    let favor = match input.strategy {
        Strategy::Ours => Favor::Ours,
        Strategy::Theirs => Favor::Theirs,
        _ => Favor::Markers,
    };
    for path in paths {
        let s = input.source.files.get(path);
        let t = target.files.get(path);
        let b = input.base.and_then(|b| b.files.get(path));
        let outcome: (Option<Vec<u8>>, Option<Conflict>) = match kind {
            Kind::UpToDate | Kind::NothingToTake => (t.cloned(), None),
            Kind::FastForward | Kind::Overwrite => (s.cloned(), None),
            Kind::Merge => merge_file(b, s, t, input.base.is_some(), favor, input.labels),
        };
        let (bytes, conflict) = outcome;
        let action = match (&conflict, t, &bytes) {
            (Some(c), _, _) => Action::Conflict(c.clone()),
            (None, None, Some(_)) => Action::Add,
            (None, Some(_), None) => Action::Delete,
            (None, Some(old), Some(new)) if old != new => Action::Modify,
            _ => Action::Keep,
        };
        if conflict.is_some() {
            conflicts += 1;
        }
        // A file on neither side of the result is not in the plan, unless it is a conflict (a
        // target's deletion kept against a source change).
        if t.is_none() && bytes.is_none() && conflict.is_none() {
            continue;
        }
        let result_hash = bytes.as_deref().map(hash::hash_bytes);
        if let Some(bytes) = bytes {
            result.files.insert(path.clone(), bytes);
        }
        files.push(FilePlan {
            path: path.clone(),
            action,
            result_hash,
        });
    }
    let bump = files.iter().fold(Bump::None, |acc, f| {
        acc.max(match f.action {
            Action::Delete => Bump::Major,
            Action::Add => Bump::Minor,
            Action::Modify | Action::Conflict(_) => Bump::Patch,
            Action::Keep => Bump::None,
        })
    });
    result.meta = match kind {
        Kind::UpToDate | Kind::NothingToTake => target.meta.clone(),
        Kind::FastForward | Kind::Overwrite => input.source.meta.clone(),
        Kind::Merge => {
            let (m, notes) = crate::tree::meta::merge(
                input.base.map(|b| &b.meta),
                &input.source.meta,
                &target.meta,
                input.strategy == Strategy::Theirs,
            );
            warnings.extend(notes);
            m
        }
    };
    if shape == Shape::Folder {
        warnings.extend(result.meta.normalize(&result.files));
    } else {
        // A single-file artifact is stored under its own name on each side: keep only its mode.
        let mode = match kind {
            Kind::UpToDate | Kind::NothingToTake => meta_mode(target),
            Kind::FastForward | Kind::Overwrite => meta_mode(input.source),
            Kind::Merge => {
                let (b, s, t) = (
                    input.base.map(meta_mode),
                    meta_mode(input.source),
                    meta_mode(target),
                );
                if b == Some(s) {
                    t
                } else {
                    s
                }
            }
        };
        result.meta = Default::default();
        if let Some(name) = result.files.keys().next().cloned() {
            result.meta.modes.insert(name, mode);
        }
        result.meta.normalize(&result.files);
    }
    let meta_changes = crate::tree::meta::describe_changes(&target.meta, &result.meta);
    let result_hash = result.content_hash(shape);
    let result_meta = result.meta_digest();
    let target_meta = input.target.map(Tree::meta_digest);
    Plan {
        result_meta,
        target_meta,
        meta_changes,
        kind,
        files,
        result,
        result_hash,
        target_hash,
        source_hash,
        base_hash,
        conflicts,
        bump,
        warnings,
    }
}

/// The mode of a single-file artifact's one file.
fn meta_mode(t: &Tree) -> u32 {
    t.files
        .keys()
        .next()
        .map(|n| t.meta.file_mode(n))
        .unwrap_or(crate::tree::meta::FILE_MODE)
}

/// The three-way rule for one file. `has_base` is false for a two-way merge (no base tree).
fn merge_file(
    b: Option<&Vec<u8>>,
    s: Option<&Vec<u8>>,
    t: Option<&Vec<u8>>,
    has_base: bool,
    favor: Favor,
    labels: &Labels,
) -> (Option<Vec<u8>>, Option<Conflict>) {
    if s == t {
        return (t.cloned(), None);
    }
    if has_base {
        if s == b {
            return (t.cloned(), None);
        }
        if t == b {
            return (s.cloned(), None);
        }
    }
    match (s, t) {
        (Some(s), Some(t)) => {
            let empty = Vec::new();
            let base = b.unwrap_or(&empty);
            // diff3 style: the base section lets a person (and the editor's "accept base") see and
            // take what both sides started from.
            let opts = MergeOptions {
                style: ConflictStyle::Diff3,
                favor,
                labels: labels.clone(),
                ..MergeOptions::default()
            };
            match merge::merge(base, t, s, &opts) {
                MergeOutcome::Merged(m) if m.is_clean() => (Some(m.text), None),
                MergeOutcome::Merged(m) => {
                    let n = m.conflicts;
                    (Some(m.text), Some(Conflict::Markers(n)))
                }
                MergeOutcome::NeedsManualResolution(u) => {
                    let keep = if favor == Favor::Theirs { s } else { t };
                    let conflict =
                        (favor == Favor::Markers).then(|| Conflict::Unmergeable(u.to_string()));
                    (Some(keep.clone()), conflict)
                }
            }
        }
        (None, Some(t)) => match favor {
            Favor::Theirs => (None, None),
            Favor::Ours | Favor::Union => (Some(t.clone()), None),
            Favor::Markers => (Some(t.clone()), Some(Conflict::DeletedInSource)),
        },
        (Some(s), None) => match favor {
            Favor::Ours => (None, None),
            Favor::Theirs | Favor::Union => (Some(s.clone()), None),
            // The target's deletion stays until a side is taken (`resolve --file F --take`):
            // a sync never brings back what a person deleted.
            Favor::Markers => (None, Some(Conflict::DeletedInTarget)),
        },
        (None, None) => (None, None),
    }
}

#[cfg(test)]
mod tests;
