//! Sync between neighbouring tiers (docs/design.md §6): plan first, then apply atomically.
//!
//! [`plan`] is pure: from the base, source and target trees it decides, per file, what happens
//! and what the result is. [`apply`] writes a planned tree into a tier by staging it beside the
//! target and swapping with renames, under a journal row and a per-artifact lock, so a crash at
//! any instant leaves the old tree or the new one, and the next start tidies up.

pub mod apply;
pub mod failpoint;
pub mod lock;
pub mod materialise;
pub mod plan;
pub mod write;

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// Which way content flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    UpstreamToCollection,
    CollectionToProject,
    ProjectToCollection,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::UpstreamToCollection => "upstream-to-collection",
            Direction::CollectionToProject => "collection-to-project",
            Direction::ProjectToCollection => "project-to-collection",
        }
    }

    /// Names of the (source, target) tiers, used in conflict labels.
    pub fn tiers(self) -> (&'static str, &'static str) {
        match self {
            Direction::UpstreamToCollection => ("upstream", "collection"),
            Direction::CollectionToProject => ("collection", "project"),
            Direction::ProjectToCollection => ("project", "collection"),
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Direction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "upstream-to-collection" => Ok(Direction::UpstreamToCollection),
            "collection-to-project" => Ok(Direction::CollectionToProject),
            "project-to-collection" => Ok(Direction::ProjectToCollection),
            _ => Err(Error::invalid(format!(
                "unknown direction `{s}`: use collection-to-project, project-to-collection or upstream-to-collection"
            ))),
        }
    }
}

/// How differences are settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Fast-forward when the target is unmodified, else three-way merge leaving conflict markers.
    Auto,
    /// Take the source; the target's content is stored as a version first.
    Overwrite,
    /// Three-way merge; conflicting hunks take the target's side.
    Ours,
    /// Three-way merge; conflicting hunks take the source's side.
    Theirs,
    /// Project → collection only: write the project copy as a new artifact `<name>-fork`.
    Fork,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Auto => "auto",
            Strategy::Overwrite => "overwrite",
            Strategy::Ours => "ours",
            Strategy::Theirs => "theirs",
            Strategy::Fork => "fork",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Strategy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(Strategy::Auto),
            "overwrite" => Ok(Strategy::Overwrite),
            "ours" => Ok(Strategy::Ours),
            "theirs" => Ok(Strategy::Theirs),
            "fork" => Ok(Strategy::Fork),
            _ => Err(Error::invalid(format!(
                "unknown strategy `{s}`: use auto, overwrite, ours, theirs or fork"
            ))),
        }
    }
}
