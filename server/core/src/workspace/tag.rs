//! Tags: a name for a version, unique per artifact, usable wherever a revision is.

use super::Workspace;
use crate::error::{Error, Result};
use crate::hash;
use crate::id::ArtifactId;
use crate::store::{NewVersion, Origin};
use crate::sync::plan::Bump;

#[derive(Debug, Clone)]
pub struct TagOutcome {
    pub id: ArtifactId,
    pub tag: String,
    pub version: u32,
    pub hash: String,
    /// The semantic-version bump from the nearest earlier tagged version to the tagged one
    /// (`None` when there is no earlier tag).
    pub bump: Bump,
    /// That earlier tag and its `vN`, which `bump` compares against.
    pub since: Option<(String, u32)>,
    /// With `force`: the `vN` the tag named before it was moved.
    pub moved_from: Option<u32>,
    /// With `force`: the tag the version held before, which now names nothing.
    pub replaced: Option<String>,
}

const RESERVED: &[&str] = &["deployed", "project", "collection", "upstream"];

/// The longest tag, in bytes: a name, not a message (git refs stay well under this too).
pub const MAX_TAG: usize = 100;

fn check_tag(tag: &str) -> Result<()> {
    if tag.len() > MAX_TAG {
        return Err(Error::invalid(format!(
            "a tag of {} bytes is too long: tags are names of at most {MAX_TAG} bytes (try `release-1.2`); nothing was tagged",
            tag.len()
        )));
    }
    let looks_like_version = tag
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    // git's ref-name rules (`git check-ref-format`), so a tag can also be a git tag.
    let not_a_ref = tag.chars().any(|c| "~^:?*[\\".contains(c))
        || tag.contains("..")
        || tag.contains("@{")
        || tag.contains("//")
        || tag.starts_with(['.', '-', '/'])
        || tag.ends_with(['.', '/'])
        || tag.ends_with(".lock")
        || tag.split('/').any(|c| c.starts_with('.'));
    let bad = tag.is_empty()
        || tag.chars().any(|c| c.is_whitespace() || c.is_control())
        || not_a_ref
        || RESERVED.contains(&tag)
        || looks_like_version
        || hash::is_hash_prefix(tag);
    if bad {
        return Err(Error::invalid(format!(
            "`{}` cannot be a tag: tags follow git's ref-name rules (no spaces, `..`, `~^:?*[\\`, `@{{`, no leading `.` or `-`, no trailing `.`, `/` or `.lock`) and must not look like vN, a hash prefix, or deployed/project/collection/upstream (try `release-1.2`)",
            tag.escape_debug()
        )));
    }
    Ok(())
}

impl Workspace {
    /// Tags revision `rev` (default: the project copy) as `tag`; the project copy is recorded as a
    /// version first when it is not one yet. A tag already naming another version is moved only
    /// with `force` (as `git tag -f`); without it nothing is written.
    pub fn tag(&mut self, query: &str, tag: &str, rev: Option<&str>) -> Result<TagOutcome> {
        self.tag_with(query, tag, rev, false)
    }

    /// [`Workspace::tag`], moving an existing tag when `force` is set.
    pub fn tag_with(
        &mut self,
        query: &str,
        tag: &str,
        rev: Option<&str>,
        force: bool,
    ) -> Result<TagOutcome> {
        check_tag(tag)?;
        let id = self.resolve_id(query)?;
        let r = self.resolve_rev(&id, rev.unwrap_or("project"))?;
        // One immediate transaction from reading the versions to setting the tag: taggers of
        // the same artifact take turns, so parallel tags never record the same copy twice nor
        // move a tag the other just set without --force.
        let (v, previous, moved_from, replaced) = self.store.in_tx(|| {
            let versions = self.store.versions(&id)?;
            let existing = versions
                .iter()
                .find(|v| v.tag.as_deref() == Some(tag))
                .cloned();
            // The version the tag will name, when it is one already: the same content, modes and
            // links (as `Store::find_or_add_version` matches), not the content hash alone.
            let meta = r.tree.meta_digest();
            let found = match r.version {
                Some(v) => Some(v),
                None => versions
                    .iter()
                    .rev()
                    .find(|v| v.holds(&r.hash, &meta))
                    .cloned(),
            };
            let moves = existing
                .as_ref()
                .filter(|e| found.as_ref().is_none_or(|f| f.id != e.id));
            if let (Some(e), false) = (moves, force) {
                return Err(Error::invalid(format!(
                    "tag `{tag}` already names v{} of {id}; pass --force to move it to the {} copy (as `git tag -f` does)",
                    e.number, r.label
                )));
            }
            // A version holds one tag: naming it anew would drop the tag it has, so that too waits
            // for --force rather than losing a name silently.
            let replaced = found
                .as_ref()
                .and_then(|f| f.tag.clone())
                .filter(|t| t != tag);
            if let (Some(old), Some(f), false) = (&replaced, &found, force) {
                return Err(Error::invalid(format!(
                    "v{} of {id} is already tagged `{old}` and a version holds one tag; pass --force to rename it to `{tag}` (`{old}` then names nothing)",
                    f.number
                )));
            }
            let moved_from = moves.map(|e| e.number);
            let v = match found {
                Some(v) => v,
                None => {
                    let latest = self.store.latest_version(&id)?;
                    self.store.add_version(
                        &id,
                        NewVersion {
                            hash: &r.hash,
                            origin: Origin::LocalModification,
                            parents: &latest.iter().map(|v| v.id).collect::<Vec<_>>(),
                            files: Some(&r.tree),
                            message: Some(&format!("{} copy, recorded when it was tagged", r.label)),
                        },
                    )?
                }
            };
            // The semver note compares the tagged version with the nearest tagged version before it
            // (not the newest tag, which may be later than the version being tagged).
            let previous = versions
                .iter()
                .rev()
                .filter(|p| p.number < v.number && p.id != v.id)
                .find(|p| p.tag.as_deref().is_some_and(|t| t != tag))
                .cloned();
            self.store.set_tag(v.id, tag)?;
            self.store.audit(&crate::store::AuditEvent {
                operation: "tag",
                artifact: Some(&id),
                result: "tagged",
                detail: Some(tag),
                version: Some(v.number),
                ..Default::default()
            })?;
            Ok((v, previous, moved_from, replaced))
        })?;
        let tagged = &r.tree;
        let (bump, since) = match previous {
            Some(p) => {
                let before = self.version_tree(&id, &p)?;
                let mut b = Bump::None;
                for path in before.files.keys().chain(tagged.files.keys()) {
                    b = b.max(match (before.files.get(path), tagged.files.get(path)) {
                        (Some(_), None) => Bump::Major,
                        (None, Some(_)) => Bump::Minor,
                        (Some(x), Some(y)) if x != y => Bump::Patch,
                        _ => Bump::None,
                    });
                }
                (b, Some((p.tag.clone().unwrap_or_default(), p.number)))
            }
            None => (Bump::None, None),
        };
        Ok(TagOutcome {
            id,
            tag: tag.to_string(),
            version: v.number,
            hash: v.hash,
            bump,
            since,
            moved_from,
            replaced,
        })
    }
}
