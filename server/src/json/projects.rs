//! The shapes of `list`, `projects [ID]` and `sync ID --all-projects` (docs/cli-json.md).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use skillmeat_core::collection::Collection;
use skillmeat_core::drift::ArtifactStatus;
use skillmeat_core::projects::{self, ProjectReport, ProjectSync};
use skillmeat_core::workspace::Workspace;
use skillmeat_core::ArtifactId;

use super::{sync, to_value, v, V};

#[derive(Debug, Serialize)]
pub struct List<'a> {
    pub workspace: String,
    pub collection: String,
    pub artifacts: Vec<ListArtifact<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ListArtifact<'a> {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: &'a str,
    pub deployed: Vec<ListDeployed<'a>>,
}

/// One deployment of a collection artifact in this project (one per profile root).
#[derive(Debug, Serialize)]
pub struct ListDeployed<'a> {
    pub profile: Option<&'a str>,
    pub path: &'a str,
    pub state: &'static str,
    pub version: Option<V>,
}

/// `list --json`: every artifact of the collection (`ids`) with its deployments here (`here`).
pub fn list<'a>(
    ws: &Workspace,
    ids: impl Iterator<Item = &'a ArtifactId>,
    here: &BTreeMap<&ArtifactId, Vec<&'a ArtifactStatus>>,
) -> Value {
    let artifacts = ids
        .map(|id| ListArtifact {
            id: id.to_string(),
            kind: id.kind.as_str(),
            name: &id.name,
            deployed: here
                .get(id)
                .into_iter()
                .flatten()
                .map(|a| ListDeployed {
                    profile: a.profile.as_deref(),
                    path: &a.path,
                    state: a.state.as_str(),
                    version: v(a.version),
                })
                .collect(),
        })
        .collect();
    to_value(List {
        workspace: ws.root().display().to_string(),
        collection: ws.collection().root.display().to_string(),
        artifacts,
    })
}

#[derive(Debug, Serialize)]
pub struct Projects<'a> {
    pub collection: String,
    pub artifact: Option<String>,
    pub projects: Vec<Project<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<ProjectsSummary>,
}

#[derive(Debug, Serialize)]
pub struct Project<'a> {
    pub path: String,
    pub source: &'static str,
    pub error: Option<String>,
    pub deployments: Vec<ProjectDeployment<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ProjectDeployment<'a> {
    pub id: String,
    pub profile: Option<&'a str>,
    pub state: &'static str,
    pub version: Option<V>,
    pub path: &'a str,
}

/// With an ID: in how many projects it is deployed, its deployments per state (in the states'
/// order) and the sentence the editors show.
#[derive(Debug, Serialize)]
pub struct ProjectsSummary {
    pub projects: usize,
    pub states: serde_json::Map<String, Value>,
    pub text: String,
}

/// `projects [ID] --json`: with an ID only the projects that have it deployed (or failed).
pub fn projects(
    collection: &Collection,
    only: Option<&ArtifactId>,
    reports: &[ProjectReport],
) -> Value {
    let listed = reports
        .iter()
        .filter(|r| only.is_none() || r.error.is_some() || !r.deployments.is_empty())
        .map(|r| Project {
            path: r.path.display().to_string(),
            source: r.source.as_str(),
            error: r.error.as_ref().map(|e| e.to_string()),
            deployments: r
                .deployments
                .iter()
                .map(|d| ProjectDeployment {
                    id: d.id.to_string(),
                    profile: d.profile.as_deref(),
                    state: d.state.as_str(),
                    version: v(d.version),
                    path: &d.path,
                })
                .collect(),
        })
        .collect();
    let summary = only.map(|id| {
        let (n, counts) = projects::tally(reports, id);
        ProjectsSummary {
            projects: n,
            states: counts
                .iter()
                .map(|(s, c)| (s.as_str().to_string(), Value::from(*c)))
                .collect(),
            text: projects::describe(reports, id),
        }
    });
    to_value(Projects {
        collection: collection.root.display().to_string(),
        artifact: only.map(|i| i.to_string()),
        projects: listed,
        summary,
    })
}

#[derive(Debug, Serialize)]
pub struct AllProjectsSync {
    pub id: String,
    pub applied: bool,
    pub projects: Vec<ProjectSyncResult>,
    pub summary: AllProjectsSummary,
}

/// One deployment's `sync` result (the `sync --json` shape), or the error that stopped it (or,
/// with `id` null, its whole project) alone.
#[derive(Debug, Serialize)]
pub struct ProjectSyncResult {
    pub path: String,
    /// The deployment (`skill:pdf`, `skill:pdf@codex`); null when the project could not be opened.
    pub id: Option<String>,
    pub result: Option<Value>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AllProjectsSummary {
    pub projects: usize,
    pub deployments: usize,
    pub failed: usize,
    pub conflicts: usize,
}

/// `sync ID --all-projects --json`: one entry per deployment of `id` (under every profile root)
/// in the `projects` known projects that have one, or per project that could not be opened.
pub fn sync_all_projects(
    id: &ArtifactId,
    applied: bool,
    results: &[ProjectSync],
    projects: usize,
    failed: usize,
    conflicts: usize,
) -> Value {
    let listed = results
        .iter()
        .map(|r| {
            let (result, error) = match &r.result {
                Ok(o) => (Some(sync(o)), None),
                Err(e) => (None, Some(e.to_string())),
            };
            ProjectSyncResult {
                path: r.path.display().to_string(),
                id: r.id.as_ref().map(ToString::to_string),
                result,
                error,
            }
        })
        .collect();
    to_value(AllProjectsSync {
        id: id.to_string(),
        applied,
        projects: listed,
        summary: AllProjectsSummary {
            projects,
            deployments: results.iter().filter(|r| r.id.is_some()).count(),
            failed,
            conflicts,
        },
    })
}
