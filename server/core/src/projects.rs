//! Every project at once: which known projects (see [`crate::registry`]) run which collection
//! artifact in which state, and a collection → project sync run in each of them.
//!
//! Each project is opened as its own [`Workspace`] (its own lineage store and lock files), so one
//! project's failure — a locked artifact, a read-only folder, a damaged store — is that project's
//! outcome and never stops the others.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::collection::Collection;
use crate::drift::DriftState;
use crate::error::{Error, Result};
use crate::id::ArtifactId;
use crate::registry::{Known, Source};
use crate::sync::{Direction, Strategy};
use crate::workspace::{Options, SyncOutcome, Workspace};

/// One deployment of a collection artifact in a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// The collection artifact (its bare id); `profile` says which root it is deployed under.
    pub id: ArtifactId,
    /// The SkillMeat profile when not Claude Code's `.claude` (as [`crate::drift::ArtifactStatus`]).
    pub profile: Option<String>,
    pub state: DriftState,
    /// The project copy's `vN` in that project's lineage.
    pub version: Option<u32>,
    /// The project copy, relative to the project root.
    pub path: String,
}

/// One project's deployments, or why it could not be read.
#[derive(Debug)]
pub struct ProjectReport {
    pub path: PathBuf,
    pub source: Source,
    pub deployments: Vec<Deployment>,
    pub error: Option<Error>,
}

/// Runs `f` on every project with a few threads (each opens its own workspace); results come
/// back in the order of `projects`.
fn each<T: Send>(projects: &[Known], f: impl Fn(&Known) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..projects.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
        .min(projects.len().max(1));
    let run = || loop {
        let i = next.fetch_add(1, Ordering::SeqCst);
        let Some(p) = projects.get(i) else { break };
        let r = f(p);
        if let Ok(mut all) = results.lock() {
            all[i] = Some(r);
        }
    };
    std::thread::scope(|s| {
        for _ in 1..workers {
            s.spawn(run);
        }
        run();
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

fn open(project: &Known, collection: &Collection, read_only: bool) -> Result<Workspace> {
    Workspace::open(
        &project.path,
        collection.clone(),
        Options {
            skillmeat_compat: false,
            read_only,
            in_memory: false,
        },
    )
}

/// The deployments of collection artifacts (of `only`, when given) in every project.
pub fn report(
    projects: &[Known],
    collection: &Collection,
    only: Option<&ArtifactId>,
) -> Vec<ProjectReport> {
    // The collection is read once for every project (a failed scan: each project's own error).
    let scan = crate::workspace::scan_collection(collection).ok();
    // So are its copies: hashed once here, not stat'ed file by file in each project.
    let hashes = scan
        .as_ref()
        .map(|s| std::sync::Arc::new(crate::workspace::hash_collection(s)));
    let scan = scan.map(std::sync::Arc::new);
    each(projects, |p| {
        let read = || -> Result<Vec<Deployment>> {
            let mut ws = open(p, collection, true)?;
            if let Some(scan) = &scan {
                ws.share_collection_scan(scan.clone());
            }
            if let Some(hashes) = &hashes {
                ws.share_collection_hashes(hashes.clone());
            }
            let status = match only {
                // Only the one artifact's deployments (under every profile root), when this
                // project has any: no full scan.
                Some(id) => {
                    let deployed: Vec<ArtifactId> = ws
                        .store()
                        .deployments()?
                        .into_iter()
                        .map(|d| d.id)
                        .filter(|d| d.base() == *id)
                        .collect();
                    if deployed.is_empty() {
                        return Ok(Vec::new());
                    }
                    ws.status_of(Some(&deployed))?
                }
                None => ws.status_with_profiles()?,
            };
            Ok(status
                .artifacts
                .into_iter()
                .filter(|a| a.baseline.is_some() && only.is_none_or(|o| *o == a.id.base()))
                .map(|a| Deployment {
                    id: a.id.base(),
                    profile: a.profile,
                    state: a.state,
                    version: a.version,
                    path: a.path,
                })
                .collect())
        };
        match read() {
            Ok(deployments) => ProjectReport {
                path: p.path.clone(),
                source: p.source,
                deployments,
                error: None,
            },
            Err(e) => ProjectReport {
                path: p.path.clone(),
                source: p.source,
                deployments: Vec::new(),
                error: Some(e),
            },
        }
    })
}

/// Per state, how many deployments of `id` the reports hold, and in how many projects.
pub fn tally(reports: &[ProjectReport], id: &ArtifactId) -> (usize, Vec<(DriftState, usize)>) {
    let mut projects = 0;
    let mut counts: std::collections::BTreeMap<DriftState, usize> = Default::default();
    for r in reports {
        let mut here = false;
        for d in r.deployments.iter().filter(|d| &d.id == id) {
            here = true;
            *counts.entry(d.state).or_default() += 1;
        }
        projects += usize::from(here);
    }
    // What a collection author acts on first: copies behind, then copies edited.
    const ORDER: [DriftState; 8] = [
        DriftState::Outdated,
        DriftState::Conflict,
        DriftState::Modified,
        DriftState::Kept,
        DriftState::Removed,
        DriftState::Orphaned,
        DriftState::Error,
        DriftState::Synced,
    ];
    let counts = ORDER
        .iter()
        .filter_map(|s| counts.get(s).map(|n| (*s, *n)))
        .collect();
    (projects, counts)
}

/// "deployed in 4 projects: 1 outdated, 1 modified" (the synced ones are the rest); when a
/// project holds several deployments (one per profile root) the count of deployments follows,
/// as the states count deployments: "deployed in 1 project (2 deployments): 2 outdated".
pub fn describe(reports: &[ProjectReport], id: &ArtifactId) -> String {
    let (n, counts) = tally(reports, id);
    if n == 0 {
        return "deployed in no known project".to_string();
    }
    let plural = if n == 1 { "" } else { "s" };
    let deployments: usize = counts.iter().map(|(_, c)| c).sum();
    let head = if deployments > n {
        format!("deployed in {n} project{plural} ({deployments} deployments)")
    } else {
        format!("deployed in {n} project{plural}")
    };
    let drifted: Vec<String> = counts
        .iter()
        .filter(|(s, _)| *s != DriftState::Synced)
        .map(|(s, c)| match s {
            DriftState::Conflict => format!("{c} in conflict"),
            DriftState::Error => format!("{c} unreadable"),
            s => format!("{c} {s}"),
        })
        .collect();
    if drifted.is_empty() {
        format!("{head}: all synced")
    } else {
        format!("{head}: {}", drifted.join(", "))
    }
}

/// One deployment's part of a sync everywhere (or the failure that stopped a project before
/// its deployments could be synced).
#[derive(Debug)]
pub struct ProjectSync {
    pub path: PathBuf,
    /// The deployment synced: the collection artifact under one profile root (`skill:pdf`,
    /// `skill:pdf@codex`); `None` when the project itself could not be opened.
    pub id: Option<ArtifactId>,
    pub result: Result<SyncOutcome>,
}

/// Plans (with `apply`, performs) a collection → project sync of `id` for every deployment of
/// it — under every profile root — in every project, each through that project's one write
/// path. A project's or a deployment's failure is its own result and stops no other; projects
/// without a deployment of `id` are left out (and are not opened for writing).
pub fn sync_everywhere(
    projects: &[Known],
    collection: &Collection,
    id: &ArtifactId,
    strategy: Strategy,
    apply: bool,
) -> Vec<ProjectSync> {
    let id = id.base();
    let scan = crate::workspace::scan_collection(collection)
        .ok()
        .map(std::sync::Arc::new);
    let open_shared = |p: &Known, read_only: bool| -> Result<Workspace> {
        let mut ws = open(p, collection, read_only)?;
        if let Some(scan) = &scan {
            ws.share_collection_scan(scan.clone());
        }
        Ok(ws)
    };
    each(projects, |p| {
        let failed = |e: Error| {
            vec![ProjectSync {
                path: p.path.clone(),
                id: None,
                result: Err(e),
            }]
        };
        // Opened read-only first: a project that does not have it deployed is not touched.
        // A dry run goes on in that workspace; only --apply opens the project for writing.
        let read = || -> Result<(Workspace, Vec<ArtifactId>)> {
            let ws = open_shared(p, true)?;
            let deployed = ws
                .store()
                .deployments()?
                .into_iter()
                .map(|d| d.id)
                .filter(|d| d.base() == id)
                .collect();
            Ok((ws, deployed))
        };
        let (mut ws, deployed) = match read() {
            Ok(r) => r,
            Err(e) => return failed(e),
        };
        if deployed.is_empty() {
            return Vec::new();
        }
        if apply {
            drop(ws);
            ws = match open_shared(p, false) {
                Ok(ws) => ws,
                Err(e) => return failed(e),
            };
        }
        deployed
            .into_iter()
            .map(|d| ProjectSync {
                path: p.path.clone(),
                result: ws.sync_id(&d, Direction::CollectionToProject, strategy, apply),
                id: Some(d),
            })
            .collect()
    })
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str, deployments: &[(Option<&str>, DriftState)]) -> ProjectReport {
        ProjectReport {
            path: PathBuf::from(name),
            source: Source::Opened,
            deployments: deployments
                .iter()
                .map(|(profile, state)| Deployment {
                    id: ArtifactId::new(crate::ArtifactType::Skill, "pdf").unwrap(),
                    profile: profile.map(str::to_string),
                    state: *state,
                    version: Some(1),
                    path: String::new(),
                })
                .collect(),
            error: None,
        }
    }

    #[test]
    fn describe_counts_projects_and_says_states_in_words() {
        use DriftState::*;
        let id = ArtifactId::new(crate::ArtifactType::Skill, "pdf").unwrap();
        let check = |reports: &[ProjectReport], want: &str| {
            assert_eq!(describe(reports, &id), want);
        };
        check(&[], "deployed in no known project");
        check(
            &[
                project("a", &[(None, Synced)]),
                project("b", &[(None, Synced)]),
            ],
            "deployed in 2 projects: all synced",
        );
        check(
            &[
                project("a", &[(None, Conflict)]),
                project("b", &[(None, Conflict)]),
                project("c", &[(None, Outdated)]),
            ],
            "deployed in 3 projects: 1 outdated, 2 in conflict",
        );
        // One project, two profile roots: the states count deployments, and the words say so.
        check(
            &[project("a", &[(None, Outdated), (Some("codex"), Error)])],
            "deployed in 1 project (2 deployments): 1 outdated, 1 unreadable",
        );
        // A copy kept different on purpose is not "synced".
        check(
            &[
                project("a", &[(None, Kept)]),
                project("b", &[(None, Synced)]),
            ],
            "deployed in 2 projects: 1 kept",
        );
    }
}
