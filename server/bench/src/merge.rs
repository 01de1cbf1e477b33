//! Merge benchmark: our engine, in process and as `merge-file -p`, against `git merge-file -p`.
//!
//! Inputs are generated text (prose-like lines, blank lines, closing braces) of 1 MB and 10 MB:
//! "clean" has evenly spaced edits on both sides that never touch, "conflicting" adds edits of
//! the same lines on both sides. Every timing is the best of a few runs in the same process run,
//! so the ratio against git is what counts, not the absolute figures (docs/design.md §11: ≤ 0.35× git).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use skillmeat_core::merge::{merge_text, Labels, MergeOptions};

/// docs/design.md §11 budget for the 10 MB merge, as a fraction of git's time.
const BUDGET: f64 = 0.35;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Clean,
    Conflicting,
}

/// A deterministic pseudo-random word source, so every run merges the same inputs.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn word(&mut self) -> &'static str {
        const W: &[&str] = &[
            "skill",
            "agent",
            "command",
            "merge",
            "the",
            "of",
            "project",
            "collection",
            "upstream",
            "deploy",
            "version",
            "lineage",
            "drift",
            "conflict",
            "marker",
            "file",
            "line",
            "text",
        ];
        W[(self.next() % W.len() as u64) as usize]
    }
    fn line(&mut self, i: usize) -> String {
        match i % 10 {
            4 => String::new(),
            9 => "}".to_string(),
            _ => {
                let mut s = format!("{i:07} ");
                for _ in 0..5 + self.next() % 5 {
                    s.push_str(self.word());
                    s.push(' ');
                }
                s
            }
        }
    }
}

/// Base, ours and theirs of about `size` bytes.
fn generate(size: usize, kind: Kind) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut w = Words(0x2545_F491_4F6C_DD1D);
    let mut base = Vec::new();
    let mut lines = Vec::new();
    let mut i = 0;
    while base.len() < size {
        let l = w.line(i);
        base.extend_from_slice(l.as_bytes());
        base.push(b'\n');
        lines.push(l);
        i += 1;
    }
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let push = |v: &mut Vec<u8>, s: &str| {
        v.extend_from_slice(s.as_bytes());
        v.push(b'\n');
    };
    for (i, l) in lines.iter().enumerate() {
        let both_edit = kind == Kind::Conflicting && (i / 100) % 4 == 0;
        match i % 100 {
            // Ours rewrites a line, theirs another one far away: always clean.
            10 => {
                push(&mut ours, &format!("{l} (edited in the project)"));
                push(&mut theirs, l);
            }
            60 => {
                push(&mut ours, l);
                push(&mut theirs, &format!("{l} (edited in the collection)"));
            }
            // Ours inserts a line, theirs deletes one.
            30 => {
                push(&mut ours, l);
                push(&mut ours, "added in the project");
                push(&mut theirs, l);
            }
            80 => push(&mut ours, l),
            // Conflicting inputs: every fourth block both sides rewrite the same line.
            45 if both_edit => {
                push(&mut ours, &format!("{l} (project wording)"));
                push(&mut theirs, &format!("{l} (collection wording)"));
            }
            _ => {
                push(&mut ours, l);
                push(&mut theirs, l);
            }
        }
    }
    (base, ours, theirs)
}

/// Best wall time of each contender over `runs` rounds. The contenders take turns within a
/// round, so a burst of load from elsewhere on the machine hits all of them alike.
fn best_of<T, const N: usize>(
    runs: usize,
    mut contenders: [&mut dyn FnMut() -> Result<T>; N],
) -> Result<[(Duration, T); N]> {
    let mut best = [Duration::MAX; N];
    let mut last: [Option<T>; N] = std::array::from_fn(|_| None);
    for _ in 0..runs {
        for (i, f) in contenders.iter_mut().enumerate() {
            let t = Instant::now();
            let v = f()?;
            best[i] = best[i].min(t.elapsed());
            last[i] = Some(v);
        }
    }
    let mut out = Vec::with_capacity(N);
    for (b, l) in best.into_iter().zip(last) {
        match l {
            Some(v) => out.push((b, v)),
            None => bail!("no runs"),
        }
    }
    out.try_into()
        .map_err(|_| anyhow::anyhow!("contender count"))
}

/// Runs a `merge-file -p`-style command on the three files in `dir`; returns stdout and status.
fn run_merge_file(mut cmd: Command, dir: &Path) -> Result<(Vec<u8>, i32)> {
    let out = cmd
        .current_dir(dir)
        .args([
            "-p", "-L", "ours", "-L", "base", "-L", "theirs", "ours", "base", "theirs",
        ])
        .output()
        .context("running merge-file")?;
    let code = out.status.code().unwrap_or(-1);
    if !(0..=127).contains(&code) || !out.stderr.is_empty() {
        bail!(
            "merge-file failed ({code}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok((out.stdout, code))
}

fn git_cmd() -> Command {
    let mut c = Command::new("git");
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["-c", "merge.conflictStyle=merge", "merge-file"]);
    c
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Generates the inputs, checks that all three agree byte for byte, and prints the timings.
pub fn run(bin: &Path) -> Result<()> {
    let dir = tempfile::tempdir().context("creating a temporary folder")?;
    let opts = MergeOptions {
        labels: Labels::new("ours", "base", "theirs"),
        ..MergeOptions::default()
    };
    println!("merge: three-way merge of generated text, best of N runs (docs/design.md §11: 10 MB ≤ {BUDGET}× git)");
    println!(
        "  {:<18} {:>8} {:>10} {:>14} {:>7} {:>15} {:>7}",
        "input", "confl.", "git ms", "in-process ms", "ratio", "merge-file ms", "ratio"
    );
    let mut over_budget = Vec::new();
    for (label, size, runs) in [("1 MB", 1usize << 20, 11), ("10 MB", 10usize << 20, 9)] {
        for kind in [Kind::Clean, Kind::Conflicting] {
            let (base, ours, theirs) = generate(size, kind);
            for (name, bytes) in [("base", &base), ("ours", &ours), ("theirs", &theirs)] {
                std::fs::write(dir.path().join(name), bytes)
                    .with_context(|| format!("writing {name}"))?;
            }
            // One result type for all three: (output, exit code, conflicts).
            let mut git = || {
                let (out, code) = run_merge_file(git_cmd(), dir.path())?;
                Ok((out, code, None))
            };
            let mut in_process = || {
                let r = merge_text(&base, &ours, &theirs, &opts);
                let (code, conflicts) = (r.exit_code(), r.conflicts);
                Ok((r.text, code, Some(conflicts)))
            };
            let mut binary = || {
                let mut c = Command::new(bin);
                c.arg("merge-file");
                let (out, code) = run_merge_file(c, dir.path())?;
                Ok((out, code, None))
            };
            let [(t_git, (git_out, git_code, _)), (t_ours, (our_out, our_code, conflicts)), (t_bin, (bin_out, bin_code, _))] =
                best_of(runs, [&mut git, &mut in_process, &mut binary])?;
            let conflicts = conflicts.unwrap_or_default();
            if our_out != git_out || our_code != git_code {
                bail!(
                    "{label} {}: in-process merge differs from git merge-file",
                    kind_name(kind)
                );
            }
            if bin_out != git_out || bin_code != git_code {
                bail!(
                    "{label} {}: `{} merge-file` differs from git",
                    kind_name(kind),
                    bin.display()
                );
            }
            let r_ours = ms(t_ours) / ms(t_git);
            let r_bin = ms(t_bin) / ms(t_git);
            println!(
                "  {:<18} {:>8} {:>10.1} {:>14.1} {:>6.2}× {:>15.1} {:>6.2}×",
                format!("{label} {}", kind_name(kind)),
                conflicts,
                ms(t_git),
                ms(t_ours),
                r_ours,
                ms(t_bin),
                r_bin
            );
            if size >= 10 << 20 {
                for (what, r) in [("in-process", r_ours), ("merge-file", r_bin)] {
                    if r > BUDGET {
                        over_budget
                            .push(format!("{label} {} {what} at {r:.2}× git", kind_name(kind)));
                    }
                }
            }
        }
    }
    println!("  all outputs identical to git's (bytes and exit code)");
    if over_budget.is_empty() {
        println!("  budget: every 10 MB merge within {BUDGET}× git");
    } else {
        println!("  budget: OVER {BUDGET}× git: {}", over_budget.join(", "));
    }
    Ok(())
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Clean => "clean",
        Kind::Conflicting => "conflicting",
    }
}
