//! The benchmark behind docs/design.md §11: deploy of 1,000 skills, drift (warm, cold, whole process;
//! warm status CPU time against `git status` CPU time on the same tree), a full hash pass,
//! SkillMeat's `sync-check` where installed, the merge engine against `git merge-file`, and sync
//! (one artifact, and `sync --all` over 100 outdated skills), and the language server (start →
//! first diagnostics, edit → published diagnostics, resident memory, on 1,000 skills), and
//! `projects` over 20 registered workspaces of 100 skills each.
//!
//! Run it with `scripts/bench.sh` (builds the release binary first). Figures are printed with the
//! budget next to them; nothing here asserts on time.

mod drift;
mod lsp;
mod merge;
mod projects;
mod report;
mod skillmeat;
mod sync;

use std::path::PathBuf;

fn main() {
    if let Err(e) = run() {
        eprintln!("bench failed: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    if let [cmd, dir] = args.as_slice() {
        if cmd == "keep" {
            return drift::keep(std::path::Path::new(dir));
        }
        if cmd == "loop" {
            return drift::status_loop(std::path::Path::new(dir));
        }
    }
    let bin = release_binary()?;
    report::header(&bin);
    if only("drift") {
        drift::run(&bin)?;
    }
    if only("merge") {
        merge::run(&bin)?;
    }
    if only("sync") {
        sync::run(&bin)?;
    }
    if only("skillmeat") {
        skillmeat::run(&bin)?;
    }
    if only("lsp") {
        lsp::run(&bin)?;
    }
    if only("projects") {
        projects::run(&bin)?;
    }
    Ok(())
}

/// The `skillmeat-lsp` binary built beside this one (`cargo build --release` puts both in one folder).
fn release_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let bin = me.with_file_name("skillmeat-lsp");
    anyhow::ensure!(
        bin.exists(),
        "{} not found: build it first with `cargo build --release` (scripts/bench.sh does)",
        bin.display()
    );
    Ok(bin)
}
