//! Measuring and printing: medians, peak memory of child processes, budget lines.
// `wait4` is the one way to read a child's own peak RSS; std has no safe wrapper for it.
#![allow(unsafe_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn header(bin: &Path) {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "skillmeat-lsp benchmark — {cores} cores, binary {}",
        bin.display()
    );
    println!("(budgets from DESIGN §11; figures are medians unless said otherwise)\n");
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `f` `n` times and returns the median duration.
pub fn median(n: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Prints `label  value ms  (budget ≤ X ms: ok / OVER)`.
pub fn line(label: &str, value: Duration, budget_ms: Option<f64>) {
    let v = ms(value);
    match budget_ms {
        Some(b) => println!(
            "  {label:<52} {v:>9.2} ms   budget ≤ {b} ms: {}",
            if v <= b { "ok" } else { "OVER" }
        ),
        None => println!("  {label:<52} {v:>9.2} ms"),
    }
}

/// Runs a command to completion, discarding its output; returns wall time and peak RSS (KiB).
pub fn run_child(cmd: &mut Command) -> anyhow::Result<(Duration, u64)> {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let t = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain old data, and wait4 reaps exactly the child we spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    std::mem::forget(child);
    let elapsed = t.elapsed();
    anyhow::ensure!(r == pid, "wait4 failed for {cmd:?}");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    anyhow::ensure!(code == 0 || code == 1, "{cmd:?} exited with {code}");
    Ok((elapsed, usage.ru_maxrss as u64))
}
