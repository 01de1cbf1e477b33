//! Every project at once (issue 12): `projects` over 20 registered workspaces of 100 deployed
//! skills each (3 files × 4 KB), warm, as a whole process — the budget is 300 ms.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use skillmeat_core::registry::Registry;

use crate::drift::{deploy_all, generate};
use crate::report::{self, line};

const PROJECTS: usize = 20;
const SKILLS: usize = 100;
const BUDGET_MS: f64 = 300.0;

pub fn run(bin: &Path) -> anyhow::Result<()> {
    println!(
        "projects — {PROJECTS} registered workspaces × {SKILLS} deployed skills × 3 files × 4 KB"
    );
    let dir = tempfile::tempdir()?;
    let collection = dir.path().join("collection");
    let state = dir.path().join("state");
    generate(&collection, SKILLS)?;
    let registry = Registry::at(state.join("skillmeat-lsp"));
    for p in 0..PROJECTS {
        let project = dir.path().join(format!("project-{p:02}"));
        deploy_all(&project, &collection)?;
        registry.register(&project)?;
    }
    // Past the stat cache's racy window, then one run to warm every project's cache.
    std::thread::sleep(Duration::from_millis(1100));
    let cmd = || {
        let mut c = Command::new(bin);
        c.arg("--collection")
            .arg(&collection)
            .args(["projects", "--json"])
            .env("XDG_STATE_HOME", &state)
            .env("HOME", dir.path())
            .env_remove("SKILLMEAT_CONFIG_DIR")
            .current_dir(dir.path());
        c
    };
    let out = cmd().output()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let listed = v["projects"].as_array().map(Vec::len).unwrap_or(0);
    anyhow::ensure!(
        listed == PROJECTS,
        "`projects` listed {listed} projects, not {PROJECTS}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut times = Vec::new();
    for _ in 0..11 {
        times.push(report::run_child(&mut cmd())?);
    }
    times.sort();
    line(
        &format!("`projects`, {PROJECTS} × {SKILLS} skills, warm (process)"),
        times[times.len() / 2],
        Some(BUDGET_MS),
    );
    println!();
    Ok(())
}
