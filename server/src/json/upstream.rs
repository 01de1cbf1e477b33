//! The shapes of `check-upstream` and `add`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use skillmeat_core::upstream::Upstream;
use skillmeat_core::workspace::{AddOutcome, UpstreamCheck, Workspace};
use skillmeat_core::{ArtifactId, Error};

use super::{to_value, V};

/// Where an upstream is: its git URL, the path inside, and the ref followed.
#[derive(Debug, Serialize)]
pub struct UpstreamRef<'a> {
    pub url: &'a str,
    pub path: &'a str,
    #[serde(rename = "ref")]
    pub reference: &'a str,
}

impl<'a> UpstreamRef<'a> {
    fn new(u: &'a Upstream) -> UpstreamRef<'a> {
        UpstreamRef {
            url: &u.url,
            path: &u.path,
            reference: u.version_spec(),
        }
    }
}

/// The `check-upstream --json` shape (docs/cli-json.md).
#[derive(Debug, Serialize)]
pub struct CheckUpstream<'a> {
    pub collection: &'a Path,
    pub artifacts: Vec<Value>,
    pub summary: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Serialize)]
pub struct UpstreamChecked<'a> {
    pub id: String,
    pub state: &'static str,
    pub upstream: UpstreamRef<'a>,
    pub resolved_sha: Option<&'a str>,
    pub current_sha: &'a str,
    pub hashes: UpstreamHashes<'a>,
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct UpstreamHashes<'a> {
    pub collection: &'a str,
    pub upstream: Option<&'a str>,
}

/// An artifact whose upstream could not be checked.
#[derive(Debug, Serialize)]
pub struct UpstreamFailed {
    pub id: String,
    pub state: &'static str,
    pub error: String,
}

pub fn check_upstream(
    ws: &Workspace,
    results: &[(ArtifactId, Result<UpstreamCheck, Error>)],
) -> Value {
    let mut summary: BTreeMap<&str, usize> = BTreeMap::new();
    let artifacts = results
        .iter()
        .map(|(id, r)| match r {
            Ok(c) => {
                *summary.entry(c.state.as_str()).or_default() += 1;
                to_value(UpstreamChecked {
                    id: id.to_string(),
                    state: c.state.as_str(),
                    upstream: UpstreamRef::new(&c.upstream),
                    resolved_sha: c.resolved_sha.as_deref(),
                    current_sha: &c.current_sha,
                    hashes: UpstreamHashes {
                        collection: &c.collection_hash,
                        upstream: c.upstream_hash.as_deref(),
                    },
                    warnings: &c.warnings,
                })
            }
            Err(e) => {
                *summary.entry("error").or_default() += 1;
                to_value(UpstreamFailed {
                    id: id.to_string(),
                    state: "error",
                    error: e.to_string(),
                })
            }
        })
        .collect();
    to_value(CheckUpstream {
        collection: &ws.collection().root,
        artifacts,
        summary,
    })
}

/// The `add --json` shape.
#[derive(Debug, Serialize)]
pub struct Add<'a> {
    pub id: String,
    pub path: &'a Path,
    pub hash: &'a str,
    pub files: usize,
    pub version: V,
    pub upstream: Option<AddUpstream<'a>>,
}

#[derive(Debug, Serialize)]
pub struct AddUpstream<'a> {
    #[serde(flatten)]
    pub at: UpstreamRef<'a>,
    pub resolved_sha: &'a str,
    pub resolved_version: Option<&'a str>,
}

pub fn add(o: &AddOutcome) -> Value {
    to_value(Add {
        id: o.id.to_string(),
        path: &o.path,
        hash: &o.hash,
        files: o.files,
        version: V(o.version),
        upstream: o.upstream.as_ref().map(|u| AddUpstream {
            at: UpstreamRef::new(&u.upstream),
            resolved_sha: &u.resolved_sha,
            resolved_version: u.tag.as_deref(),
        }),
    })
}
