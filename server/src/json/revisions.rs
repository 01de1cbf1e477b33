//! The shapes of `history`, `deploy`, `diff`, `rollback`, `tag` and `resolve`.

use serde::Serialize;
use serde_json::Value;
use skillmeat_core::workspace::{
    DeployOutcome, DiffOutcome, History, HistoryEntry, ResolveOutcome, RollbackOutcome, TagOutcome,
};

use super::{to_value, v, V};

#[derive(Debug, Serialize)]
pub struct HistoryJson<'a> {
    pub id: String,
    pub versions: Vec<HistoryVersion<'a>>,
}

#[derive(Debug, Serialize)]
pub struct HistoryVersion<'a> {
    pub version: V,
    pub hash: &'a str,
    pub origin: &'static str,
    pub created_at: &'a str,
    pub parents: Vec<V>,
    pub tag: Option<&'a str>,
    pub message: Option<&'a str>,
    pub has_content: bool,
    pub baseline: bool,
}

impl<'a> HistoryVersion<'a> {
    fn new(e: &'a HistoryEntry) -> HistoryVersion<'a> {
        HistoryVersion {
            version: V(e.number),
            hash: &e.hash,
            origin: e.origin.as_str(),
            created_at: &e.created_at,
            parents: e.parents.iter().copied().map(V).collect(),
            tag: e.tag.as_deref(),
            message: e.message.as_deref(),
            has_content: e.has_content,
            baseline: e.is_baseline,
        }
    }
}

pub fn history(h: &History) -> Value {
    to_value(HistoryJson {
        id: h.id.to_string(),
        versions: h.entries.iter().map(HistoryVersion::new).collect(),
    })
}

#[derive(Debug, Serialize)]
pub struct Deploy<'a> {
    pub deployed: Vec<Deployed<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Deployed<'a> {
    pub id: String,
    pub hash: &'a str,
    pub version: V,
    pub already_present: bool,
    pub kept_previous: Option<V>,
    /// As in `status`: only a deployment outside `.claude` names its profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'a str>,
}

pub fn deploy(done: &[DeployOutcome]) -> Value {
    to_value(Deploy {
        deployed: done
            .iter()
            .map(|d| Deployed {
                id: d.id.to_string(),
                hash: &d.hash,
                version: V(d.version),
                already_present: d.already_present,
                kept_previous: v(d.kept_previous),
                profile: d.id.profile.as_deref(),
            })
            .collect(),
    })
}

#[derive(Debug, Serialize)]
pub struct Diff<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub from_hash: &'a str,
    pub to_hash: &'a str,
    pub files: Vec<DiffFile<'a>>,
    pub meta_changes: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct DiffFile<'a> {
    pub path: &'a str,
    pub diff: &'a str,
}

pub fn diff(d: &DiffOutcome) -> Value {
    to_value(Diff {
        from: &d.from,
        to: &d.to,
        from_hash: &d.from_hash,
        to_hash: &d.to_hash,
        files: d
            .files
            .iter()
            .map(|(path, diff)| DiffFile { path, diff })
            .collect(),
        meta_changes: &d.meta_changes,
    })
}

#[derive(Debug, Serialize)]
pub struct Rollback<'a> {
    pub id: String,
    pub to: &'a str,
    pub version: V,
    pub kept_previous: Option<V>,
}

pub fn rollback(r: &RollbackOutcome) -> Value {
    to_value(Rollback {
        id: r.id.to_string(),
        to: &r.to,
        version: V(r.version),
        kept_previous: v(r.kept_previous),
    })
}

#[derive(Debug, Serialize)]
pub struct Tag<'a> {
    pub id: String,
    pub tag: &'a str,
    pub version: V,
    pub hash: &'a str,
    pub semver: &'static str,
    pub since: Option<Since<'a>>,
    pub moved_from: Option<V>,
}

/// The nearest tagged version before a tagged one: what `semver` is measured from.
#[derive(Debug, Serialize)]
pub struct Since<'a> {
    pub tag: &'a str,
    pub version: V,
}

pub fn tag(t: &TagOutcome) -> Value {
    to_value(Tag {
        id: t.id.to_string(),
        tag: &t.tag,
        version: V(t.version),
        hash: &t.hash,
        semver: t.bump.as_str(),
        since: t.since.as_ref().map(|(tag, n)| Since {
            tag,
            version: V(*n),
        }),
        moved_from: v(t.moved_from),
    })
}

#[derive(Debug, Serialize)]
pub struct Resolve<'a> {
    pub id: String,
    pub rewritten: Vec<Rewritten<'a>>,
    pub remaining: Vec<Remaining<'a>>,
    pub version: Option<V>,
    pub kept_previous: Option<V>,
    pub nothing_to_resolve: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Rewritten<'a> {
    pub path: &'a str,
    pub regions: usize,
}

#[derive(Debug, Serialize)]
pub struct Remaining<'a> {
    pub path: &'a str,
    pub line: usize,
}

pub fn resolve(r: &ResolveOutcome) -> Value {
    to_value(Resolve {
        id: r.id.to_string(),
        rewritten: r
            .rewritten
            .iter()
            .map(|(path, n)| Rewritten { path, regions: *n })
            .collect(),
        remaining: r
            .remaining
            .iter()
            .map(|(path, l)| Remaining { path, line: *l })
            .collect(),
        version: v(r.version),
        kept_previous: v(r.kept_previous),
        nothing_to_resolve: r.nothing_to_resolve.as_deref(),
    })
}
