//! Measuring and printing: medians, peak memory of child processes, budget lines.

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
    println!("(budgets from docs/design.md §11; figures are medians unless said otherwise)\n");
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

/// Runs a command to completion, discarding its output; returns its wall time.
pub fn run_child(cmd: &mut Command) -> anyhow::Result<Duration> {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let t = Instant::now();
    let out = cmd.output()?;
    let elapsed = t.elapsed();
    let code = out.status.code().unwrap_or(-1);
    anyhow::ensure!(
        code == 0 || code == 1,
        "{cmd:?} exited with {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(elapsed)
}

/// The peak resident memory (MiB) of one run of `cmd`, measured by GNU time: a child's own
/// `ru_maxrss` from `wait4` would carry the benchmark's resident size from the fork across
/// `exec`, so the child must be started by a small process. `None` without `/usr/bin/time`.
pub fn peak_rss_mib(cmd: &Command) -> Option<f64> {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let report = tempfile::NamedTempFile::new().ok()?;
    let mut wrapped = Command::new(time);
    wrapped
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let kib: f64 = std::fs::read_to_string(report.path())
        .ok()?
        .trim()
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

/// Prints a peak-memory line, or says why there is none.
pub fn rss_line(label: &str, mib: Option<f64>, budget_mib: Option<f64>) {
    match (mib, budget_mib) {
        (Some(m), Some(b)) => println!(
            "  {label:<52} {m:>9.1} MiB  budget ≤ {b} MiB: {}",
            if m <= b { "ok" } else { "OVER" }
        ),
        (Some(m), None) => println!("  {label:<52} {m:>9.1} MiB"),
        (None, _) => println!("  {label:<52}       n/a (install GNU time: apt-get install time)"),
    }
}

/// The CPU time (user + system) of all children reaped so far, from `/proc/self/stat`
/// (`cutime` + `cstime`, in clock ticks).
fn children_cpu() -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name (which may hold spaces) start at the last `)`.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or_else(|| anyhow::anyhow!("unreadable /proc/self/stat"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state); cutime and cstime are fields 16 and 17.
    let ticks: u64 = fields[13].parse::<u64>()? + fields[14].parse::<u64>()?;
    let hz = rustix::param::clock_ticks_per_second().max(1);
    Ok(Duration::from_secs_f64(ticks as f64 / hz as f64))
}

/// The mean CPU time (user + system) of one run of `cmd` over `n` runs: the kernel counts
/// children's CPU in clock ticks (10 ms), so one run alone would be too coarse.
pub fn mean_cpu(n: usize, cmd: &mut Command) -> anyhow::Result<Duration> {
    let before = children_cpu()?;
    for _ in 0..n {
        run_child(cmd)?;
    }
    Ok((children_cpu()? - before) / n as u32)
}
