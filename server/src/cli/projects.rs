//! `projects [ID]`: every known project (see `skillmeat_core::registry`) with each deployment of a
//! collection artifact, its state and version; and `sync ID --all-projects`, the same sync in
//! each of them.

use skillmeat_core::collection::{Collection, Env};
use skillmeat_core::projects::{self, ProjectReport};
use skillmeat_core::registry::{self, Known, Registry};
use skillmeat_core::sync::Strategy;
use skillmeat_core::{ArtifactId, Error};

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this collection artifact (id or unambiguous name).
    pub id: Option<String>,
}

/// Every project known: the ones this product opened, then the ones SkillMeat's cache lists.
pub fn known(env: &Env) -> Vec<Known> {
    registry::known_projects(
        Registry::from_process().as_ref(),
        env.skillmeat_root().as_deref(),
    )
}

/// Resolves what a person typed against the collection's artifacts.
fn collection_id(collection: &Collection, query: &str) -> Result<ArtifactId, Error> {
    let found = skillmeat_core::discover::scan(&collection.root)?;
    let mut ids: Vec<ArtifactId> = found.artifacts.into_keys().collect();
    ids.extend(collection.manifest.keys().cloned());
    skillmeat_core::id::IdQuery::parse(query)?
        .resolve(ids.iter())
        .map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found(format!(
                "{e} (looked in the collection at {})",
                collection.root.display()
            )),
            e => e,
        })
}

pub fn run(env: &Env, collection: &Collection, a: &Args, out: &Out) -> Result<i32, Error> {
    let only =
        a.id.as_deref()
            .map(|q| collection_id(collection, q))
            .transpose()?;
    let known = known(env);
    let reports = projects::report(&known, collection, only.as_ref());
    let failed = reports.iter().any(|r| r.error.is_some());
    if out.json {
        out.print_json(&crate::json::projects(collection, only.as_ref(), &reports));
    } else {
        print(&known, only.as_ref(), &reports, out);
    }
    Ok(if failed {
        exit::DRIFT_OR_FAILED
    } else {
        exit::OK
    })
}

fn print(known: &[Known], only: Option<&ArtifactId>, reports: &[ProjectReport], out: &Out) {
    if known.is_empty() {
        out.line("no known projects yet: a project is remembered once a skillmeat-lsp command runs in it or an editor opens it");
        return;
    }
    for r in reports {
        if only.is_some() && r.error.is_none() && r.deployments.is_empty() {
            continue;
        }
        out.line(format!("{}  ({})", r.path.display(), r.source.as_str()));
        if let Some(e) = &r.error {
            out.line(format!("  error: {e}"));
            continue;
        }
        if r.deployments.is_empty() {
            out.line("  no collection artifact deployed");
        }
        let width = r
            .deployments
            .iter()
            .map(|d| shown(d).len())
            .max()
            .unwrap_or(0);
        for d in &r.deployments {
            let version = d
                .version
                .map(|n| format!("v{n}"))
                .unwrap_or_else(|| "-".into());
            out.line(format!(
                "  {} {:<width$}  {version}",
                out.state(d.state),
                shown(d)
            ));
        }
    }
    if let Some(id) = only {
        out.line(format!("{id}: {}", projects::describe(reports, id)));
    }
}

fn shown(d: &projects::Deployment) -> String {
    match &d.profile {
        Some(p) => format!("{}@{p}", d.id),
        None => d.id.to_string(),
    }
}

/// `sync ID --all-projects [--strategy S] [--apply]`: the plan (or its result) per project; the
/// exit code is 1 when any project failed, else 4 when any was (or, planned, would be) left
/// with conflicts.
pub fn sync_all(
    env: &Env,
    collection: &Collection,
    query: &str,
    strategy: Strategy,
    apply: bool,
    out: &Out,
) -> Result<i32, Error> {
    let id = collection_id(collection, query)?;
    let results = projects::sync_everywhere(&known(env), collection, &id, strategy, apply);
    let failed = results.iter().filter(|r| r.result.is_err()).count();
    // Conflicts left, or (a plan) that would be left: as a single `sync`, exit 4 either way.
    let conflicts = results
        .iter()
        .filter(|r| matches!(&r.result, Ok(o) if o.has_conflicts()))
        .count();
    let mut paths: Vec<&std::path::Path> = results.iter().map(|r| r.path.as_path()).collect();
    paths.dedup();
    let n = paths.len();
    if out.json {
        out.print_json(&crate::json::sync_all_projects(
            &id, apply, &results, n, failed, conflicts,
        ));
    } else {
        if results.is_empty() {
            out.line(format!("{id} is not deployed in any known project"));
        }
        for r in &results {
            // `.claude`'s deployment is the project's; another root's is named by its id.
            let at = match &r.id {
                Some(d) if d.profile.is_some() => format!("{} ({d})", r.path.display()),
                _ => r.path.display().to_string(),
            };
            match &r.result {
                Ok(o) => out.line(format!("{at}: {}", outcome_words(o))),
                Err(e) => out.item_error(at, e),
            }
        }
        let deployments = results.iter().filter(|r| r.id.is_some()).count();
        out.line(format!(
            "{id}: {n} project{}, {deployments} deployment{}, {failed} failed, {conflicts} with conflicts{}",
            if n == 1 { "" } else { "s" },
            if deployments == 1 { "" } else { "s" },
            if apply {
                ""
            } else {
                "; dry run: nothing was written; pass --apply to apply"
            }
        ));
    }
    Ok(if failed > 0 {
        exit::DRIFT_OR_FAILED
    } else if conflicts > 0 {
        exit::CONFLICTS
    } else {
        exit::OK
    })
}

/// What a project's sync did (or would do), in a few words.
fn outcome_words(o: &skillmeat_core::workspace::SyncOutcome) -> String {
    let p = &o.plan;
    if p.is_noop() && p.conflicts > 0 {
        // A conflict that keeps the target (a file that cannot carry markers): nothing is
        // written, and it is not up to date.
        return format!(
            "nothing written: {} file(s) in conflict kept as they are; resolve there with `skillmeat-lsp resolve {} --file F --take ours|theirs|base`",
            p.conflicts, o.id
        );
    }
    if p.is_noop() {
        return match o.version {
            Some(v) => format!("already up to date (v{v})"),
            None => "already up to date".to_string(),
        };
    }
    let mut s = format!("{} ({})", p.kind.as_str(), o.strategy);
    if p.conflicts > 0 {
        s.push_str(&format!(", {} file(s) in conflict", p.conflicts));
    }
    if o.applied {
        if let Some(v) = o.version {
            s.push_str(&format!(", applied as v{v}"));
        }
        if o.has_conflicts() {
            s.push_str(&format!(
                "; resolve there with `skillmeat-lsp resolve {}`",
                o.id
            ));
        }
    } else if o.has_conflicts() {
        s.push_str(", would leave conflicts");
    } else {
        s.push_str(", would apply");
    }
    s
}
