//! Drift states (docs/design.md §4): the pure rule from baseline, project and collection hashes.

use std::collections::BTreeMap;
use std::fmt;

use crate::id::ArtifactId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DriftState {
    Synced,
    Modified,
    Outdated,
    Conflict,
    Removed,
    Orphaned,
    Untracked,
    /// The artifact could not be read (see the status's `error`).
    Error,
    /// The project copy differs on purpose (`keep ID --reason …`) and the collection has not
    /// moved since the keep; [`ArtifactStatus::kept`] holds the reason and the state it hides.
    Kept,
}

impl DriftState {
    pub const ALL: [DriftState; 9] = [
        DriftState::Synced,
        DriftState::Modified,
        DriftState::Outdated,
        DriftState::Conflict,
        DriftState::Removed,
        DriftState::Orphaned,
        DriftState::Untracked,
        DriftState::Error,
        DriftState::Kept,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DriftState::Synced => "synced",
            DriftState::Modified => "modified",
            DriftState::Outdated => "outdated",
            DriftState::Conflict => "conflict",
            DriftState::Removed => "removed",
            DriftState::Orphaned => "orphaned",
            DriftState::Untracked => "untracked",
            DriftState::Error => "error",
            DriftState::Kept => "kept",
        }
    }
}

impl fmt::Display for DriftState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of a deployed artifact (one with a baseline).
pub fn classify_deployed(
    baseline: &str,
    project: Option<&str>,
    collection: Option<&str>,
) -> DriftState {
    let Some(project) = project else {
        return DriftState::Removed;
    };
    let Some(collection) = collection else {
        return DriftState::Orphaned;
    };
    match (project == baseline, collection == baseline) {
        (true, true) => DriftState::Synced,
        (false, true) => DriftState::Modified,
        (true, false) => DriftState::Outdated,
        // Both moved to the same content: nothing to reconcile; the caller moves the baseline.
        (false, false) if project == collection => DriftState::Synced,
        (false, false) => DriftState::Conflict,
    }
}

/// One artifact's line in a status report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactStatus {
    pub id: ArtifactId,
    pub state: DriftState,
    /// The project copy, relative to the workspace root (`.claude/skills/x`).
    pub path: String,
    /// Its main file, relative to the workspace root (`.claude/skills/x/SKILL.md`,
    /// `.claude/commands/x.md`): what an editor opens for the artifact.
    pub main_file: String,
    pub baseline: Option<String>,
    pub project: Option<String>,
    pub collection: Option<String>,
    /// The `vN` of the project's current content, when it is a recorded version.
    pub version: Option<u32>,
    /// For untracked artifacts: does an artifact of that id in the collection have equal content?
    pub matches_collection: Option<bool>,
    /// While a sync's conflict record is open and its markers remain: the file and 1-based line
    /// of the first region (the state then reads `conflict`); line 0 for an open conflict in a
    /// file that cannot carry markers (binary, not UTF-8, too large).
    pub unresolved: Option<(String, usize)>,
    pub error: Option<String>,
    /// The SkillMeat profile of a deployment outside `.claude` (`codex`, `gemini`, `cursor`);
    /// `None` for Claude Code's `.claude`, which bare ids mean.
    pub profile: Option<String>,
    /// The keep record (`keep ID --reason …`), whenever one exists, whatever the state reads.
    pub kept: Option<Kept>,
}

/// Intentional divergence as `status` sees it (docs/design.md §4, `kept`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub reason: String,
    pub kept_at: String,
    /// The state the keep stands in for (`modified`, `outdated`, `conflict`, or `synced` once
    /// the copies agree again).
    pub drift: DriftState,
    /// The collection copy changed since the keep: the state then reads `drift` again.
    pub collection_changed: bool,
}

impl ArtifactStatus {
    /// The id as shown and accepted: `type:name`, with `@profile` for another profile's copy.
    pub fn shown_id(&self) -> String {
        // The id carries its profile (`ArtifactId::profile`), shown as `@profile`.
        self.id.to_string()
    }
}

/// A whole workspace's drift.
#[derive(Debug, Clone)]
pub struct StatusReport {
    pub workspace: std::path::PathBuf,
    pub collection: std::path::PathBuf,
    pub collection_source: &'static str,
    pub artifacts: Vec<ArtifactStatus>,
    pub warnings: Vec<String>,
}

impl StatusReport {
    pub fn summary(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for a in &self.artifacts {
            *m.entry(a.state.as_str()).or_insert(0) += 1;
        }
        m
    }

    /// True when every artifact is synced.
    pub fn all_synced(&self) -> bool {
        self.artifacts.iter().all(|a| a.state == DriftState::Synced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DriftState::*;

    #[test]
    fn table_of_design_section_4() {
        let cases = [
            ("b", Some("b"), Some("b"), Synced),
            ("b", Some("p"), Some("b"), Modified),
            ("b", Some("b"), Some("c"), Outdated),
            ("b", Some("p"), Some("c"), Conflict),
            ("b", Some("x"), Some("x"), Synced),
            ("b", None, Some("b"), Removed),
            ("b", None, None, Removed),
            ("b", Some("b"), None, Orphaned),
            ("b", Some("p"), None, Orphaned),
        ];
        for (b, p, c, want) in cases {
            assert_eq!(
                classify_deployed(b, p, c),
                want,
                "baseline {b} project {p:?} collection {c:?}"
            );
        }
    }
}
