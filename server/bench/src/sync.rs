//! Sync figures (docs/design.md §6, issue 4): one artifact's sync (plan + apply, in process and as a whole
//! process) and `sync --all --apply` over 100 outdated skills (3 files × 4 KB each), every apply
//! staged, fsynced and swapped as in real use.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use skillmeat_core::sync::{Direction, Strategy};

use crate::drift::{deployed, open};
use crate::report::{self, line};

pub const SKILLS: usize = 100;
/// The seed's target for one sync, and what we aim for per artifact.
const SYNC_BUDGET_MS: f64 = 500.0;
const PER_ARTIFACT_AIM_MS: f64 = 20.0;

/// Makes the collection copy of skill `i` differ from what was deployed: a new last line in its
/// SKILL.md, different in every round.
fn touch(collection: &Path, i: usize, round: usize) -> anyhow::Result<()> {
    let p = collection.join(format!("skills/skill-{i:04}/SKILL.md"));
    let mut text = fs::read_to_string(&p)?;
    if let Some(cut) = text.find("\nround ") {
        text.truncate(cut);
    }
    text.push_str(&format!("\nround {round}\n"));
    fs::write(&p, text)?;
    Ok(())
}

pub fn run(bin: &Path) -> anyhow::Result<()> {
    println!("sync — {SKILLS} deployed skills × 3 files × 4 KB; collection → project, auto");
    let dir = tempfile::tempdir()?;
    let collection = dir.path().join("collection");
    let project = dir.path().join("project");
    let (mut ws, _) = deployed(dir.path(), SKILLS)?;
    let mut round = 0;

    // One artifact, in process: the plan (read both copies and the base, three-way plan) and the
    // apply (versions, stage, fsync, swap, commit, SkillMeat/compat bookkeeping).
    let mut times = Vec::new();
    for _ in 0..21 {
        round += 1;
        touch(&collection, 0, round)?;
        let t = Instant::now();
        let out = ws.sync(
            "skill:skill-0000",
            Direction::CollectionToProject,
            Strategy::Auto,
            true,
        )?;
        times.push(t.elapsed());
        anyhow::ensure!(out.applied && !out.plan.is_noop(), "nothing was synced");
    }
    line(
        "one skill, plan + apply, in process",
        median_of(&times),
        Some(SYNC_BUDGET_MS),
    );

    // The same as a person runs it: `skillmeat-lsp sync ID --apply`, the whole process.
    let sync_cmd = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.arg("--workspace")
            .arg(&project)
            .arg("--collection")
            .arg(&collection)
            .args(args);
        c
    };
    let mut times = Vec::new();
    for _ in 0..11 {
        round += 1;
        touch(&collection, 0, round)?;
        let took = report::run_child(&mut sync_cmd(&["sync", "skill-0000", "--apply"]))?;
        times.push(took);
    }
    anyhow::ensure!(
        open(&project, &collection)?.status()?.all_synced(),
        "`sync ID --apply` left drift behind"
    );
    line(
        "one skill, `sync ID --apply`, whole process",
        median_of(&times),
        Some(SYNC_BUDGET_MS),
    );

    // Every skill outdated, then `sync --all --apply` in one process (bounded parallelism, 4).
    let mut all_times = Vec::new();
    for _ in 0..3 {
        round += 1;
        for i in 0..SKILLS {
            touch(&collection, i, round)?;
        }
        let took = report::run_child(&mut sync_cmd(&["sync", "--all", "--apply"]))?;
        all_times.push(took);
        let mut check = open(&project, &collection)?;
        anyhow::ensure!(
            check.status()?.all_synced(),
            "`sync --all --apply` left drift behind"
        );
    }
    let all = median_of(&all_times);
    line(
        &format!("`sync --all --apply`, {SKILLS} outdated skills (process)"),
        all,
        None,
    );
    line(
        "  per artifact",
        all / SKILLS as u32,
        Some(PER_ARTIFACT_AIM_MS),
    );
    println!();
    Ok(())
}

fn median_of(times: &[Duration]) -> Duration {
    let mut t = times.to_vec();
    t.sort();
    t[t.len() / 2]
}
