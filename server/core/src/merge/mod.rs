//! Line-based three-way merge, conflict markers, conflict parsing and resolution (docs/design.md §7).
//!
//! The merge reproduces `git merge-file` byte for byte: the same diff (xdiff's Myers with its
//! preprocessing, cost limits and slider compaction), the same walk over both diffs, the same
//! "zealous" refinement and simplification of conflicts, and the same marker and line-ending
//! rules. That is what lets a person check our result with git, and what the differential test
//! in `tests/merge_git.rs` holds us to.
//!
//! Beyond git, the result is structured ([`MergeResult::regions`]: where each conflict region
//! landed, for callers that hold the merge result; the language server, which sees only file text,
//! finds regions with [`parse`]), markers are lengthened when an input already
//! holds marker-like lines (markdown heading underlines), and binary, non-UTF-8 or oversized inputs
//! are refused as "needs manual resolution" instead of being merged line-wise.

mod binary;
mod diff;
mod lines;
mod live;
mod parse;
mod render;
mod resolve;
mod three_way;

use std::ops::Range;

pub use binary::{check_mergeable, is_binary, BINARY_SNIFF_LEN, DEFAULT_SIZE_CAP};
pub use live::{first_live_line, is_markdown, parse_live, resolve_all_live, resolve_parsed};
pub use parse::{parse, Malformed, MalformedKind, ParsedConflict, ParsedText};
pub use resolve::{
    replacement, replacement_exact, resolve_all, resolve_all_exact, resolve_one, resolve_one_exact,
    Choice, Unterminated,
};
pub use three_way::merge_text;

/// git's marker length; also the shortest marker the parser accepts.
pub const DEFAULT_MARKER_LEN: usize = 7;

/// How a conflict is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConflictStyle {
    /// git's default: ours and theirs, with conflicts refined down to the lines that differ.
    #[default]
    Merge,
    /// `--diff3`: also the base section (`||||||| base`); conflicts are not refined.
    Diff3,
    /// `--zdiff3`: like diff3, with lines common to both sides moved out of the conflict.
    ZealousDiff3,
}

/// What to do with conflicting hunks (git's `--ours` / `--theirs` / `--union`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Favor {
    /// Leave conflicts as marker regions.
    #[default]
    Markers,
    /// Take our side of every conflict.
    Ours,
    /// Take their side of every conflict.
    Theirs,
    /// Take our side, then theirs.
    Union,
}

/// Marker length: git's 7, or long enough that no input line can be mistaken for a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarkerLen {
    /// 7, unless an input has a line starting with 7 or more of `<`, `|`, `=` or `>` (say a
    /// markdown heading underline): then one more than the longest such run.
    #[default]
    Auto,
    /// Exactly this many characters (git's `--marker-size`); 0 means git's default of 7.
    Exact(usize),
}

/// The names written after the markers, e.g. `<<<<<<< project (3f2a9c1)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// After `<<<<<<<`; `None` writes the bare marker.
    pub ours: Option<String>,
    /// After `|||||||` (diff3 styles only).
    pub base: Option<String>,
    /// After `>>>>>>>`.
    pub theirs: Option<String>,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            ours: Some("ours".into()),
            base: Some("base".into()),
            theirs: Some("theirs".into()),
        }
    }
}

impl Labels {
    /// Labels for the three sides, as `-L a -L b -L c` gives them to `git merge-file`.
    pub fn new(
        ours: impl Into<String>,
        base: impl Into<String>,
        theirs: impl Into<String>,
    ) -> Self {
        Labels {
            ours: Some(ours.into()),
            base: Some(base.into()),
            theirs: Some(theirs.into()),
        }
    }
}

/// Everything that shapes a merge's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOptions {
    pub style: ConflictStyle,
    pub favor: Favor,
    pub marker_len: MarkerLen,
    pub labels: Labels,
    /// Inputs larger than this are refused by [`merge`] (not by [`merge_text`]).
    pub size_cap: usize,
}

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            style: ConflictStyle::Merge,
            favor: Favor::Markers,
            marker_len: MarkerLen::Auto,
            labels: Labels::default(),
            size_cap: DEFAULT_SIZE_CAP,
        }
    }
}

/// One of the three inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Base,
    Ours,
    Theirs,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Base => "base",
            Side::Ours => "ours",
            Side::Theirs => "theirs",
        })
    }
}

/// Why an input cannot be merged line by line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmergeableReason {
    /// A NUL byte in the first [`BINARY_SNIFF_LEN`] bytes (git's test for binary).
    Binary,
    /// Not valid UTF-8: merging lines of an unknown encoding could corrupt it.
    NotUtf8,
    /// Larger than the size cap.
    TooLarge { size: usize, cap: usize },
}

impl std::fmt::Display for UnmergeableReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnmergeableReason::Binary => write!(f, "binary file (NUL byte)"),
            UnmergeableReason::NotUtf8 => write!(f, "not UTF-8 text"),
            UnmergeableReason::TooLarge { size, cap } => {
                write!(f, "{size} bytes, over the {cap}-byte size cap")
            }
        }
    }
}

/// An input the merge refused; both contents must be kept and a person must choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unmergeable {
    pub side: Side,
    pub reason: UnmergeableReason,
}

impl std::fmt::Display for Unmergeable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} side: {}; needs manual resolution",
            self.side, self.reason
        )
    }
}

/// Result of [`merge`]: a line merge, or a refusal that needs a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    Merged(MergeResult),
    NeedsManualResolution(Unmergeable),
}

/// Where one conflict sits in a text, as 0-based half-open line ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictSpan {
    /// From the `<<<<<<<` line to the `>>>>>>>` line, both included.
    pub whole: Range<usize>,
    /// Our lines, between `<<<<<<<` and `|||||||` (or `=======`).
    pub ours: Range<usize>,
    /// The base lines after `|||||||`, when the text has that section.
    pub base: Option<Range<usize>>,
    /// Their lines, between `=======` and `>>>>>>>`.
    pub theirs: Range<usize>,
    /// Length of this region's markers.
    pub marker_len: usize,
}

/// A conflict produced by the merge: where it is in the output and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeConflict {
    /// Position in [`MergeResult::text`].
    pub span: ConflictSpan,
    /// The conflicting lines of the ours input.
    pub ours_input: Range<usize>,
    /// The conflicting lines of the theirs input.
    pub theirs_input: Range<usize>,
    /// The base lines both sides changed; known for the diff3 styles, where the base is shown
    /// (git's refinement of merge-style conflicts does not track the base).
    pub base_input: Option<Range<usize>>,
}

/// A stretch of the merged text: clean, or one conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Region {
    /// Lines of the output that need no decision.
    Clean {
        lines: Range<usize>,
    },
    Conflict(MergeConflict),
}

/// A finished line merge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MergeResult {
    /// The merged bytes, markers included; exactly what `git merge-file -p` prints.
    pub text: Vec<u8>,
    /// Clean stretches and conflicts in output order, covering every output line.
    pub regions: Vec<Region>,
    /// Number of conflict regions.
    pub conflicts: usize,
    /// Marker length used.
    pub marker_len: usize,
}

impl MergeResult {
    /// True when nothing needs a person.
    pub fn is_clean(&self) -> bool {
        self.conflicts == 0
    }

    /// The conflict regions, in output order.
    pub fn conflict_regions(&self) -> impl Iterator<Item = &MergeConflict> {
        self.regions.iter().filter_map(|r| match r {
            Region::Conflict(c) => Some(c),
            Region::Clean { .. } => None,
        })
    }

    /// git's exit status for this result: the number of conflicts, capped at 127.
    pub fn exit_code(&self) -> i32 {
        self.conflicts.min(127) as i32
    }
}

/// Merges after checking that every input is text under the size cap; refused inputs are reported
/// as needing manual resolution and are never merged line-wise (docs/design.md §6).
pub fn merge(base: &[u8], ours: &[u8], theirs: &[u8], opts: &MergeOptions) -> MergeOutcome {
    for (side, bytes) in [
        (Side::Base, base),
        (Side::Ours, ours),
        (Side::Theirs, theirs),
    ] {
        if let Err(reason) = check_mergeable(bytes, opts.size_cap) {
            return MergeOutcome::NeedsManualResolution(Unmergeable { side, reason });
        }
    }
    MergeOutcome::Merged(merge_text(base, ours, theirs, opts))
}
