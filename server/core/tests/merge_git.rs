//! Differential test: our merge against the system `git merge-file -p`, byte for byte and exit
//! code, over thousands of seeded random triples in every style git offers.
//!
//! `MERGE_DIFF_CASES` (default 3000) sets the number of small triples, `MERGE_DIFF_SEED` the seed;
//! a failure prints the seed, the case number and the three inputs.

use crate::merge_support;

use std::path::Path;
use std::time::Instant;

use merge_support::{
    big_triple, first_difference, git_merge_file, show, triple, Rng, Triple, MARKERISH,
};
use skillmeat_core::merge::{
    merge_text, parse, ConflictStyle, Favor, Labels, MarkerLen, MergeOptions, MergeResult, Region,
};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One way of calling git, and the options that should reproduce it.
struct Variant {
    args: Vec<String>,
    opts: MergeOptions,
}

fn variant(style: ConflictStyle, favor: Favor, labels: [&str; 3]) -> Variant {
    let mut args = Vec::new();
    match style {
        ConflictStyle::Merge => {}
        ConflictStyle::Diff3 => args.push("--diff3".to_string()),
        ConflictStyle::ZealousDiff3 => args.push("--zdiff3".to_string()),
    }
    match favor {
        Favor::Markers => {}
        Favor::Ours => args.push("--ours".to_string()),
        Favor::Theirs => args.push("--theirs".to_string()),
        Favor::Union => args.push("--union".to_string()),
    }
    for l in labels {
        args.push("-L".to_string());
        args.push(l.to_string());
    }
    Variant {
        args,
        opts: MergeOptions {
            style,
            favor,
            labels: Labels::new(labels[0], labels[1], labels[2]),
            ..MergeOptions::default()
        },
    }
}

/// Merge and diff3 style for every triple, plus one more variant drawn at random.
fn variants(rng: &mut Rng) -> Vec<Variant> {
    let plain = ["ours", "base", "theirs"];
    let fancy = [
        "project (3f2a9c1)",
        "base (0000000)",
        "collection \u{e9} (8b0e441)",
    ];
    let mut v = vec![
        variant(ConflictStyle::Merge, Favor::Markers, plain),
        variant(ConflictStyle::Diff3, Favor::Markers, plain),
    ];
    let labels = if rng.chance(50) { plain } else { fancy };
    v.push(match rng.below(6) {
        0 => variant(ConflictStyle::ZealousDiff3, Favor::Markers, labels),
        1 => variant(ConflictStyle::Merge, Favor::Ours, labels),
        2 => variant(ConflictStyle::Merge, Favor::Theirs, labels),
        3 => variant(ConflictStyle::Merge, Favor::Union, labels),
        4 => {
            let mut v = variant(ConflictStyle::Diff3, Favor::Markers, labels);
            let n = 3 + rng.below(10);
            v.args.push(format!("--marker-size={n}"));
            v.opts.marker_len = MarkerLen::Exact(n);
            v
        }
        _ => variant(ConflictStyle::Merge, Favor::Markers, labels),
    });
    v
}

fn has_markerish(t: &Triple) -> bool {
    [&t.base, &t.ours, &t.theirs].iter().any(|f| {
        f.split(|&b| b == b'\n')
            .any(|l| MARKERISH.iter().any(|m| l.starts_with(m.as_bytes())))
    })
}

/// Checks the structured result against the text: regions tile the output, the count matches,
/// and the parser finds exactly our conflicts.
fn check_regions(r: &MergeResult, parse_back: bool) -> Result<(), String> {
    let text = &r.text;
    let lines = text.iter().filter(|&&b| b == b'\n').count()
        + usize::from(!text.is_empty() && text.last() != Some(&b'\n'));
    let mut at = 0;
    for reg in &r.regions {
        let range = match reg {
            Region::Clean { lines } => lines.clone(),
            Region::Conflict(c) => c.span.whole.clone(),
        };
        if range.start != at || range.is_empty() {
            return Err(format!("regions do not tile the output: {:?}", r.regions));
        }
        at = range.end;
    }
    if at != lines {
        return Err(format!(
            "regions cover {at} of {lines} lines: {:?}",
            r.regions
        ));
    }
    if r.conflicts != r.conflict_regions().count() {
        return Err("conflict count differs from conflict regions".into());
    }
    if parse_back {
        let parsed = parse(text);
        let ours: Vec<_> = r.conflict_regions().map(|c| c.span.clone()).collect();
        let theirs: Vec<_> = parsed.conflicts.iter().map(|c| c.span.clone()).collect();
        if ours != theirs || !parsed.malformed.is_empty() {
            return Err(format!(
                "parser disagrees with the merge: merge {ours:?}, parser {theirs:?}, malformed {:?}",
                parsed.malformed
            ));
        }
    }
    Ok(())
}

fn write_inputs(dir: &Path, t: &Triple) {
    for (name, bytes) in [("base", &t.base), ("ours", &t.ours), ("theirs", &t.theirs)] {
        std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    }
}

/// Runs one triple in every variant; returns a description of the first mismatch.
fn check_triple(dir: &Path, t: &Triple, vars: &[Variant]) -> Result<usize, String> {
    write_inputs(dir, t);
    let markerish = has_markerish(t);
    for v in vars {
        let ours = merge_text(&t.base, &t.ours, &t.theirs, &v.opts);
        let mut args = v.args.clone();
        if markerish && v.opts.marker_len == MarkerLen::Auto {
            // git has no automatic length; give it the one we chose.
            args.push(format!("--marker-size={}", ours.marker_len));
        } else if v.opts.marker_len == MarkerLen::Auto && ours.marker_len != 7 {
            return Err(format!(
                "marker length {} without marker-like input",
                ours.marker_len
            ));
        }
        let (git_out, git_code) = git_merge_file(dir, &args);
        if ours.text != git_out || ours.exit_code() != git_code {
            return Err(format!(
                "git merge-file -p {}\n  exit: git {git_code}, ours {}\n  {}\n  git:  \"{}\"\n  ours: \"{}\"",
                args.join(" "),
                ours.exit_code(),
                first_difference(&git_out, &ours.text),
                show(&git_out),
                show(&ours.text)
            ));
        }
        let parse_back = !markerish && v.opts.marker_len == MarkerLen::Auto;
        check_regions(&ours, parse_back).map_err(|e| format!("{} {e}", args.join(" ")))?;
    }
    Ok(vars.len())
}

fn describe(seed: u64, case: u64, t: &Triple, err: &str) -> String {
    format!(
        "seed {seed} case {case}: {err}\n  base:   \"{}\"\n  ours:   \"{}\"\n  theirs: \"{}\"",
        show(&t.base),
        show(&t.ours),
        show(&t.theirs)
    )
}

/// Runs `cases` generated triples on a few threads (git start-up dominates, so parallel runs
/// pay off even on two cores). Returns (git calls, failures).
fn run_cases(cases: u64, seed: u64, gen: fn(&mut Rng, u64) -> Triple) -> (usize, Vec<String>) {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 4) as u64;
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let dir = tmp.path().join(format!("w{t}"));
                s.spawn(move || {
                    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
                    let (mut calls, mut fails) = (0, Vec::new());
                    let mut case = t;
                    while case < cases && fails.len() < 3 {
                        let mut rng = Rng::new(seed.wrapping_mul(0x100_0000_01B3) ^ case);
                        let tr = gen(&mut rng, case);
                        let vars = variants(&mut rng);
                        match check_triple(&dir, &tr, &vars) {
                            Ok(n) => calls += n,
                            Err(e) => fails.push(describe(seed, case, &tr, &e)),
                        }
                        case += threads;
                    }
                    (calls, fails)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| (0, vec!["worker panicked".into()]))
            })
            .collect()
    });
    let calls = results.iter().map(|r| r.0).sum();
    let fails = results.into_iter().flat_map(|r| r.1).collect();
    (calls, fails)
}

#[test]
fn random_triples_merge_exactly_like_git_merge_file() {
    let cases = env_num("MERGE_DIFF_CASES", 3000);
    let seed = env_num("MERGE_DIFF_SEED", 0x5EED_2026);
    let t0 = Instant::now();
    let (calls, fails) = run_cases(cases, seed, |rng, case| triple(rng, case % 5 == 4));
    eprintln!(
        "differential: {cases} triples, {calls} git merge-file calls compared in {:.1?}",
        t0.elapsed()
    );
    assert!(
        fails.is_empty(),
        "{} mismatches with git:\n{}",
        fails.len(),
        fails.join("\n\n")
    );
}

#[test]
fn large_triples_past_the_diff_cost_limits_merge_exactly_like_git() {
    let cases = env_num("MERGE_DIFF_BIG_CASES", 24);
    let seed = env_num("MERGE_DIFF_SEED", 0x5EED_2026);
    let t0 = Instant::now();
    let (calls, fails) = run_cases(cases, seed, |rng, _| big_triple(rng));
    eprintln!(
        "differential (large): {cases} triples, {calls} git calls in {:.1?}",
        t0.elapsed()
    );
    assert!(
        fails.is_empty(),
        "{} mismatches with git:\n{}",
        fails.len(),
        fails.join("\n\n")
    );
}
