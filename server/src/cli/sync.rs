//! `sync [ID...|--all] [--direction D] [--strategy S] [--apply]`: show the plan, apply it with `--apply`.

use indicatif::{ProgressBar, ProgressStyle};
use skillmeat_core::sync::plan::Action;
use skillmeat_core::sync::{Direction, Strategy};
use skillmeat_core::workspace::{Bulk, Selection, Summary, SyncOutcome, Workspace};
use skillmeat_core::{hash, Error};

use super::{exit, Out};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Artifact ids or unambiguous names.
    pub ids: Vec<String>,
    /// Every deployed artifact (every artifact with an upstream, for upstream-to-collection).
    #[arg(long, conflicts_with = "ids")]
    all: bool,
    /// collection-to-project, project-to-collection or upstream-to-collection.
    #[arg(long, default_value = "collection-to-project")]
    direction: String,
    /// auto, overwrite, ours, theirs or fork (project-to-collection only).
    #[arg(long, default_value = "auto")]
    strategy: String,
    /// Write the plan; without it the plan is only shown.
    #[arg(long)]
    pub apply: bool,
    /// Sync one collection artifact into every known project that has it deployed (see
    /// `projects`); each project's outcome is reported, one failing never stops the rest.
    #[arg(long, conflicts_with = "all")]
    pub all_projects: bool,
    /// How many artifacts `--all` works on at once.
    #[arg(long, default_value_t = 4)]
    jobs: usize,
}

/// The one id and the strategy of `sync ID --all-projects` (collection-to-project only).
pub fn all_projects_args(a: &Args) -> Result<(&str, Strategy), Error> {
    let direction: Direction = a.direction.parse()?;
    if direction != Direction::CollectionToProject {
        return Err(Error::invalid(
            "--all-projects syncs from the collection into each project: it takes no other --direction",
        ));
    }
    let strategy: Strategy = a.strategy.parse()?;
    if strategy == Strategy::Fork {
        return Err(Error::invalid(
            "the fork strategy only applies to project-to-collection",
        ));
    }
    match a.ids.as_slice() {
        [one] => Ok((one.as_str(), strategy)),
        _ => Err(Error::invalid(
            "sync --all-projects takes exactly one artifact id (e.g. `sync skill:pdf --all-projects`)",
        )),
    }
}

pub fn run(ws: &mut Workspace, a: &Args, out: &Out) -> Result<i32, Error> {
    let direction: Direction = a.direction.parse()?;
    let strategy: Strategy = a.strategy.parse()?;
    if !a.all && a.ids.is_empty() {
        return Err(Error::invalid("sync needs artifact ids, or --all"));
    }
    // Kept copies differ on purpose and an orphan has nothing to take: `--all` leaves them out
    // and says so (named, each is synced; an orphan is then the error it is).
    let queries: Vec<&str> = a.ids.iter().map(String::as_str).collect();
    let Selection {
        ids,
        kept,
        orphaned,
    } = ws.sync_selection(&queries, a.all, direction)?;
    let bar = if a.all && !out.json {
        let b = ProgressBar::new(ids.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let progress =
        |_: usize, _: usize, id: &skillmeat_core::ArtifactId, _: &Result<SyncOutcome, Error>| {
            bar.set_message(id.to_string());
            bar.inc(1);
        };
    let never = std::sync::atomic::AtomicBool::new(false);
    let mut results = ws.sync_many(
        &ids,
        Bulk {
            direction,
            strategy,
            apply: a.apply,
            parallelism: a.jobs,
        },
        &progress,
        &never,
    );
    bar.finish_and_clear();
    // One named artifact that failed is the command's error: its exit code, and (on a fresh
    // project) no `.skillmeat/` left behind.
    if !a.all && results.len() == 1 && results[0].1.is_err() {
        let (_, r) = results.remove(0);
        return r.map(|_| exit::OK);
    }
    let mut summary = Summary::default();
    for (_, r) in &results {
        summary.add(r);
    }
    summary.skipped += kept.len() + orphaned.len();
    if out.json {
        out.print_json(&crate::json::bulk_sync(
            a.apply, &results, &kept, &orphaned, &summary,
        ));
    } else {
        for (id, r) in &results {
            match r {
                Ok(o) => print_outcome(o, out),
                Err(e) => out.item_error(id, e),
            }
        }
        for (id, k) in &kept {
            out.line(format!(
                "{id}  skipped: kept ({}); name it to sync it anyway",
                k.reason
            ));
        }
        for id in &orphaned {
            out.line(format!(
                "{id}  skipped: orphaned ({})",
                crate::json::ORPHAN_REASON
            ));
        }
        if ids.len() + kept.len() + orphaned.len() > 1 {
            out.line(format!(
                "{} fast-forwarded, {} merged clean, {} with conflicts, {} skipped, {} error{}",
                summary.fast_forwarded,
                summary.merged_clean,
                summary.conflicts,
                summary.skipped,
                summary.errors,
                if summary.errors == 1 { "" } else { "s" }
            ));
        }
        if !a.apply
            && results
                .iter()
                .any(|(_, r)| r.as_ref().is_ok_and(|o| !o.plan.is_noop()))
        {
            out.line("dry run: nothing was written; pass --apply to apply this plan");
        }
    }
    if summary.errors > 0 {
        return Ok(exit::DRIFT_OR_FAILED);
    }
    // Like `git merge-tree`, a plan that would leave conflicts says so in its exit code too, so a
    // script can check before it applies.
    Ok(if summary.conflicts > 0 {
        exit::CONFLICTS
    } else {
        exit::OK
    })
}

fn print_outcome(o: &SyncOutcome, out: &Out) {
    let p = &o.plan;
    let mut head = format!(
        "{}  {}  {} ({})",
        o.id,
        o.direction,
        p.kind.as_str(),
        o.strategy
    );
    if p.conflicts > 0 {
        head.push_str(&format!(
            ", {} file{} in conflict",
            p.conflicts,
            if p.conflicts == 1 { "" } else { "s" }
        ));
    }
    if p.bump != skillmeat_core::sync::plan::Bump::None {
        head.push_str(&format!(", semver: {}", p.bump.as_str()));
    }
    out.line(head);
    for w in &p.warnings {
        out.line(format!("  warning: {w}"));
    }
    for f in p.changes() {
        let detail = match &f.action {
            Action::Conflict(c) => c.describe(),
            _ => f
                .result_hash
                .as_deref()
                .map(|h| hash::short(h).to_string())
                .unwrap_or_default(),
        };
        out.line(format!("  {:<8} {}  {}", f.action.as_str(), f.path, detail));
    }
    for m in &p.meta_changes {
        out.line(format!("  {m}"));
    }
    if p.is_noop() {
        // Nothing to write: say so, whether or not --apply was given.
        out.line(match (p.kind, o.version) {
            (skillmeat_core::sync::plan::Kind::NothingToTake, _) => {
                "  nothing to take: the target is left as it is".to_string()
            }
            // A conflict that kept the target (a binary file): nothing written, not up to date.
            _ if p.conflicts > 0 => format!(
                "  nothing written: {} file{} in conflict kept as {} (see `status`)",
                p.conflicts,
                if p.conflicts == 1 { "" } else { "s" },
                if p.conflicts == 1 {
                    "it is"
                } else {
                    "they are"
                }
            ),
            (_, Some(v)) => format!("  already up to date (v{v})"),
            (_, None) => "  already up to date".to_string(),
        });
    } else if o.applied {
        let mut done = String::from("  applied");
        if let Some(v) = o.version {
            done.push_str(&format!(", now v{v}"));
        }
        if let Some(k) = o.kept_previous {
            done.push_str(&format!(", previous content kept as v{k}"));
        }
        if let Some(f) = &o.forked_as {
            done.push_str(&format!(", written as {f}"));
        }
        let unmarkable = p.markerless_conflicts();
        if o.has_conflicts() && unmarkable.len() < p.conflicts {
            done.push_str(&format!(
                "; conflict markers are in the files: take a side with `skillmeat-lsp resolve {} --take ours|theirs|both`, or edit them away and run `skillmeat-lsp resolve {}`",
                o.id, o.id
            ));
        }
        for f in unmarkable {
            // No marker shows this conflict: say how to settle it.
            done.push_str(&format!(
                "; {f} stays in conflict (it cannot carry markers): `skillmeat-lsp resolve {} --file {f} --take ours|theirs|base`",
                o.id
            ));
        }
        out.line(done);
    }
}
