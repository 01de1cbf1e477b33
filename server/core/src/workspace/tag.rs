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
    /// The semantic-version bump the tagged content is from the previous tag (or the first version).
    pub bump: Bump,
}

const RESERVED: &[&str] = &["deployed", "project", "collection", "upstream"];

fn check_tag(tag: &str) -> Result<()> {
    let looks_like_version = tag
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let bad = tag.is_empty()
        || tag.chars().any(|c| c.is_whitespace() || c.is_control())
        || RESERVED.contains(&tag)
        || looks_like_version
        || hash::is_hash_prefix(tag);
    if bad {
        return Err(Error::invalid(format!(
            "`{}` cannot be a tag: tags have no spaces and must not look like vN, a hash prefix, or deployed/project/collection/upstream (try `release-1.2`)",
            tag.escape_debug()
        )));
    }
    Ok(())
}

impl Workspace {
    /// Tags revision `rev` (default: the project copy) as `tag`; the project copy is recorded as a
    /// version first when it is not one yet.
    pub fn tag(&mut self, query: &str, tag: &str, rev: Option<&str>) -> Result<TagOutcome> {
        check_tag(tag)?;
        let id = self.resolve_id(query)?;
        let r = self.resolve_rev(&id, rev.unwrap_or("project"))?;
        let previous_tagged = self
            .store
            .versions(&id)?
            .into_iter()
            .rev()
            .find(|v| v.tag.is_some() && v.tag.as_deref() != Some(tag));
        let v = match r.version {
            Some(v) => v,
            None => match self
                .store
                .versions(&id)?
                .into_iter()
                .rev()
                .find(|v| v.hash == r.hash)
            {
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
                            message: Some(&format!("{} copy, tagged {tag}", r.label)),
                        },
                    )?
                }
            },
        };
        self.store.in_tx(|| {
            self.store.set_tag(v.id, tag)?;
            self.store.audit(&crate::store::AuditEvent {
                operation: "tag",
                artifact: Some(&id),
                result: "tagged",
                detail: Some(tag),
                version: Some(v.number),
                ..Default::default()
            })
        })?;
        let bump = match previous_tagged {
            Some(p) => {
                let before = self.version_tree(&id, &p)?;
                let mut b = Bump::None;
                for path in before.files.keys().chain(r.tree.files.keys()) {
                    b = b.max(match (before.files.get(path), r.tree.files.get(path)) {
                        (Some(_), None) => Bump::Major,
                        (None, Some(_)) => Bump::Minor,
                        (Some(x), Some(y)) if x != y => Bump::Patch,
                        _ => Bump::None,
                    });
                }
                b
            }
            None => Bump::None,
        };
        Ok(TagOutcome {
            id,
            tag: tag.to_string(),
            version: v.number,
            hash: v.hash,
            bump,
        })
    }
}
