//! Drift figures on a generated workspace of 1,000 skills (3 files × 4 KB each).

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use skillmeat_core::collection::{Collection, Source};
use skillmeat_core::workspace::{Options, Workspace};

use crate::report::{self, line, median};

pub const SKILLS: usize = 1000;

/// Writes `n` skills of three 4 KB files into `root/skills/`.
pub fn generate(root: &Path, n: usize) -> anyhow::Result<()> {
    for i in 0..n {
        let dir = root.join(format!("skills/skill-{i:04}"));
        fs::create_dir_all(dir.join("scripts"))?;
        let body = |tag: &str| -> String {
            let mut s = format!("---\nname: skill-{i:04}\ndescription: generated {tag}\n---\n\n");
            while s.len() < 4096 {
                s.push_str(&format!(
                    "Line {} of {tag} for skill {i}: do the thing carefully.\n",
                    s.len()
                ));
            }
            s.truncate(4096);
            s
        };
        fs::write(dir.join("SKILL.md"), body("SKILL.md"))?;
        fs::write(dir.join("reference.md"), body("reference"))?;
        fs::write(dir.join("scripts/tool.py"), body("tool"))?;
    }
    Ok(())
}

pub fn open(project: &Path, collection: &Path) -> anyhow::Result<Workspace> {
    Ok(Workspace::open(
        project,
        Collection::open(collection, Source::Flag)?,
        Options::default(),
    )?)
}

/// `n` generated skills in `<root>/collection`, all deployed into `<root>/project`; returns the
/// open project workspace and how long the deploy took. Shared by every section.
pub fn deployed(root: &Path, n: usize) -> anyhow::Result<(Workspace, Duration)> {
    let collection = root.join("collection");
    let project = root.join("project");
    generate(&collection, n)?;
    deploy_all(&project, &collection)
}

/// Every artifact of `collection` deployed into a new `project`; returns the open workspace and
/// how long the deploy took.
pub fn deploy_all(project: &Path, collection: &Path) -> anyhow::Result<(Workspace, Duration)> {
    fs::create_dir_all(project.join(".claude"))?;
    let mut ws = open(project, collection)?;
    let ids: Vec<String> = ws
        .collection_artifacts()?
        .keys()
        .map(|i| i.to_string())
        .collect();
    let t = Instant::now();
    ws.deploy(&ids, false)?;
    Ok((ws, t.elapsed()))
}

pub fn run(bin: &Path) -> anyhow::Result<()> {
    println!(
        "drift — {SKILLS} skills × 3 files × 4 KB, deployed (project and collection: {} files)",
        SKILLS * 6
    );
    let dir = tempfile::tempdir()?;
    let collection = dir.path().join("collection");
    let project = dir.path().join("project");
    let (ws, took) = deployed(dir.path(), SKILLS)?;
    line(&format!("deploy {SKILLS} skills, in process"), took, None);
    line("  per skill", took / SKILLS as u32, None);
    // Files written less than the racy window ago are never trusted from the stat cache (as in
    // git); wait it out so the warm figures measure the steady state a person sees.
    std::thread::sleep(Duration::from_millis(1100));

    // Time only the status call itself for the in-process cold figure.
    let mut cold_times = Vec::new();
    for _ in 0..5 {
        ws.store().clear_stat_cache()?;
        let mut fresh = open(&project, &collection)?;
        let t = Instant::now();
        let r = fresh.status()?;
        cold_times.push(t.elapsed());
        anyhow::ensure!(r.all_synced(), "generated workspace is not synced");
    }
    cold_times.sort();
    line(
        "cold status, in process (no stat cache: hash all)",
        cold_times[2],
        Some(300.0),
    );

    let mut ws = open(&project, &collection)?;
    ws.status()?;
    let warm = median(21, || {
        ws.status()?;
        Ok(())
    })?;
    line("warm status, in process", warm, Some(10.0));

    let status_cmd = || {
        let mut c = Command::new(bin);
        c.arg("--workspace")
            .arg(&project)
            .arg("--collection")
            .arg(&collection)
            .arg("status");
        c
    };
    let warm_proc = median(11, || {
        report::run_child(&mut status_cmd())?;
        Ok(())
    })?;
    line("warm status, whole process", warm_proc, Some(40.0));
    let one_root_ratio = git_status_ratio(&project, &mut status_cmd(), &[".claude"])?;
    let cold_proc = median(5, || {
        ws.store().clear_stat_cache()?;
        report::run_child(&mut status_cmd())?;
        Ok(())
    })?;
    line(
        "cold status, whole process (no stat cache)",
        cold_proc,
        Some(300.0),
    );
    report::rss_line(
        "peak RSS of a warm status process",
        report::peak_rss_mib(&status_cmd()),
        None,
    );
    profile_roots(&mut ws, &project, warm_proc, one_root_ratio, &status_cmd)?;

    let full = median(5, || {
        for id in ws.collection_artifacts()?.keys() {
            for root in [ws.project_path(id)?, ws.collection_path(id)] {
                let t = skillmeat_core::tree::read_artifact(&root, skillmeat_core::Shape::Folder)?;
                std::hint::black_box(t.content_hash(skillmeat_core::Shape::Folder));
            }
        }
        Ok(())
    })?;
    line(
        "full SHA-256 pass over the same tree (1 thread)",
        full,
        None,
    );
    println!(
        "  cold status / full hash pass: {:.2}×   warm status / full hash pass: {:.3}×\n",
        report::ms(cold_times[2]) / report::ms(full),
        report::ms(warm) / report::ms(full)
    );
    Ok(())
}

/// The same skills deployed by SkillMeat to `.agents`, `.gemini` and `.cursor` as well (four
/// profile roots, 4,000 deployments): warm status per deployment must not grow.
fn profile_roots(
    ws: &mut Workspace,
    project: &Path,
    warm_one_root: Duration,
    one_root_ratio: Option<f64>,
    status_cmd: &dyn Fn() -> Command,
) -> anyhow::Result<()> {
    let report = ws.status()?;
    for root in [".agents", ".gemini", ".cursor"] {
        let mut toml = String::new();
        for a in &report.artifacts {
            copy_dir(
                &project.join(&a.path),
                &project.join(root).join("skills").join(&a.id.name),
            )?;
            toml.push_str(&format!(
                "[[deployed]]\nartifact_name = \"{}\"\nartifact_type = \"skill\"\nartifact_path = \"skills/{}\"\ncontent_hash = \"{}\"\n\n",
                a.id.name,
                a.id.name,
                a.baseline.as_deref().unwrap_or_default()
            ));
        }
        fs::write(project.join(root).join(".skillmeat-deployed.toml"), toml)?;
    }
    std::thread::sleep(Duration::from_millis(1100));
    report::run_child(&mut status_cmd())?;
    let warm4 = median(11, || {
        report::run_child(&mut status_cmd())?;
        Ok(())
    })?;
    line(
        "warm status, whole process, four profile roots",
        warm4,
        None,
    );
    println!(
        "  per deployment: one root {:.1} µs, four roots {:.1} µs (must not grow)",
        report::ms(warm_one_root) * 1000.0 / SKILLS as f64,
        report::ms(warm4) * 1000.0 / (4 * SKILLS) as f64
    );
    // The same comparison as for one root, on the tree with all four roots committed: each
    // root's deployments have their own lineage now, and their check must cost what git's does.
    let roots = [".claude", ".agents", ".gemini", ".cursor"];
    if let (Some(one), Some(four)) = (
        one_root_ratio,
        git_status_ratio(project, &mut status_cmd(), &roots)?,
    ) {
        println!(
            "  four roots: warm status CPU / git status CPU {four:.2}× (one root {one:.2}×; must not grow)"
        );
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for e in fs::read_dir(from)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()))?;
        } else {
            fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

/// Keeps a generated, deployed workspace at `dir` for profiling (`skillmeat-bench keep DIR`).
pub fn keep(dir: &Path) -> anyhow::Result<()> {
    deployed(dir, SKILLS).map(|_| ())
}

/// Runs warm status 200 times on a kept workspace, printing the median (for `perf record`).
pub fn status_loop(dir: &Path) -> anyhow::Result<()> {
    let mut ws = open(&dir.join("project"), &dir.join("collection"))?;
    ws.status()?;
    let m = median(200, || {
        ws.status()?;
        Ok(())
    })?;
    line("warm status, in process", m, Some(10.0));
    Ok(())
}

/// Warm `status` CPU time against `git status` CPU time on the same project tree (its profile
/// roots `roots` with every deployed skill, committed to a git repository), in the same run;
/// returns the ratio.
fn git_status_ratio(
    project: &Path,
    status: &mut Command,
    roots: &[&str],
) -> anyhow::Result<Option<f64>> {
    let git = |args: &[&str]| -> anyhow::Result<()> {
        let out = Command::new("git")
            .arg("-C")
            .arg(project)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "bench")
            .env("GIT_AUTHOR_EMAIL", "bench@example.invalid")
            .env("GIT_COMMITTER_NAME", "bench")
            .env("GIT_COMMITTER_EMAIL", "bench@example.invalid")
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    };
    if git(&["init", "-q"]).is_err() {
        println!("  git status comparison: n/a (git not found)");
        return Ok(None);
    }
    let mut add = vec!["add", "-A"];
    add.extend(roots);
    git(&add)?;
    git(&["commit", "-q", "-m", "bench"])?;
    // Past git's racy window too, so its index vouches for every file.
    std::thread::sleep(Duration::from_millis(1100));
    let mut git_status = Command::new("git");
    git_status
        .arg("-C")
        .arg(project)
        .arg("status")
        .arg("--porcelain");
    report::run_child(&mut git_status)?;
    report::run_child(status)?;
    let ours = report::mean_cpu(21, status)?;
    let theirs = report::mean_cpu(21, &mut git_status)?;
    line("warm status, whole process, CPU (user + sys)", ours, None);
    line(
        "`git status` on the same tree, CPU (user + sys)",
        theirs,
        None,
    );
    let ratio = report::ms(ours) / report::ms(theirs).max(0.001);
    println!(
        "  warm status CPU / git status CPU ({} root{}): {ratio:.2}×",
        roots.len(),
        if roots.len() == 1 { "" } else { "s" }
    );
    Ok(Some(ratio))
}
