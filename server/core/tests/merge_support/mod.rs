//! Shared helpers for the merge tests: a seeded generator of base/ours/theirs triples, and git.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// SplitMix64: tiny, seedable, and the same on every machine, so a failing case reproduces from
/// its seed alone.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// True with probability `pct`%.
    pub fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
}

/// A file as lines; each line's bytes include its line ending, the last may have none.
pub type Doc = Vec<Vec<u8>>;

pub fn join(doc: &Doc) -> Vec<u8> {
    doc.concat()
}

/// Line contents the generator draws from: few distinct lines so diffs are ambiguous and
/// conflicts frequent, some without letters or digits (git joins conflicts across those), some
/// blank, one non-ASCII.
const POOL: &[&str] = &[
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "x1",
    "y2",
    "}",
    "{",
    "",
    "  ",
    "--",
    "foo bar",
    "caf\u{e9}",
    "# Title",
    "- item",
    "\t",
];

/// Lines that look like conflict markers, used where marker lengthening is under test.
pub const MARKERISH: &[&str] = &[
    "=======",
    "========",
    "<<<<<<< x",
    "|||||||",
    ">>>>>>>>> y",
    "==========",
];

#[derive(Clone, Copy)]
enum Eol {
    Lf,
    Crlf,
    Mixed,
}

fn eol_bytes(rng: &mut Rng, eol: Eol) -> &'static [u8] {
    match eol {
        Eol::Lf => b"\n",
        Eol::Crlf => b"\r\n",
        Eol::Mixed => {
            if rng.chance(50) {
                b"\n"
            } else {
                b"\r\n"
            }
        }
    }
}

fn pick_eol(rng: &mut Rng) -> Eol {
    match rng.below(100) {
        0..=59 => Eol::Lf,
        60..=84 => Eol::Crlf,
        _ => Eol::Mixed,
    }
}

fn line(rng: &mut Rng, eol: Eol, alphabet: usize, markerish: bool) -> Vec<u8> {
    let mut l = if markerish && rng.chance(15) {
        MARKERISH[rng.below(MARKERISH.len())].as_bytes().to_vec()
    } else {
        POOL[rng.below(alphabet.min(POOL.len()))]
            .as_bytes()
            .to_vec()
    };
    l.extend_from_slice(eol_bytes(rng, eol));
    l
}

fn random_doc(rng: &mut Rng, n: usize, eol: Eol, alphabet: usize, markerish: bool) -> Doc {
    (0..n)
        .map(|_| line(rng, eol, alphabet, markerish))
        .collect()
}

/// Drops or adds the final newline.
fn set_final_newline(doc: &mut Doc, want: bool) {
    let Some(last) = doc.last_mut() else { return };
    let has = last.ends_with(b"\n");
    if has && !want {
        last.pop();
        if last.ends_with(b"\r") {
            last.pop();
        }
        if last.is_empty() {
            // A last line of just "\n" becomes nothing; keep the document well-formed.
            doc.pop();
        }
    } else if !has && want {
        last.push(b'\n');
    }
}

fn mutate(rng: &mut Rng, base: &Doc, eol: Eol, alphabet: usize, markerish: bool) -> Doc {
    let mut d = base.clone();
    // Make every line terminated while editing; the final-newline choice is applied after.
    let had_final = !matches!(d.last(), Some(l) if !l.ends_with(b"\n"));
    if let Some(last) = d.last_mut() {
        if !last.ends_with(b"\n") {
            last.extend_from_slice(eol_bytes(rng, eol));
        }
    }
    for _ in 0..rng.below(5) {
        let n = d.len();
        match rng.below(6) {
            0 if n > 0 => {
                let at = rng.below(n);
                let len = 1 + rng.below(3.min(n - at));
                d.drain(at..at + len);
            }
            1 | 2 => {
                let at = rng.below(n + 1);
                for _ in 0..1 + rng.below(3) {
                    d.insert(at, line(rng, eol, alphabet, markerish));
                }
            }
            3 if n > 0 => {
                let at = rng.below(n);
                d[at] = line(rng, eol, alphabet, markerish);
            }
            4 if n > 0 => {
                // Flip one line's ending between LF and CRLF.
                let at = rng.below(n);
                let l = &mut d[at];
                if l.ends_with(b"\r\n") {
                    l.truncate(l.len() - 2);
                    l.push(b'\n');
                } else if l.ends_with(b"\n") {
                    l.truncate(l.len() - 1);
                    l.extend_from_slice(b"\r\n");
                }
            }
            5 if n > 1 => {
                let (a, b) = (rng.below(n), rng.below(n));
                d.swap(a, b);
            }
            _ => {}
        }
    }
    let want_final = if rng.chance(15) {
        !had_final
    } else {
        had_final
    };
    set_final_newline(&mut d, want_final);
    d
}

/// One random merge case.
pub struct Triple {
    pub base: Vec<u8>,
    pub ours: Vec<u8>,
    pub theirs: Vec<u8>,
}

/// A random triple: mostly small edits of a common base, with the special cases git treats
/// specially mixed in (one side unchanged, both sides equal, empty base, unrelated files).
pub fn triple(rng: &mut Rng, markerish: bool) -> Triple {
    let eol = pick_eol(rng);
    let alphabet = [4, 8, 12, POOL.len()][rng.below(4)];
    let n = if rng.chance(10) {
        20 + rng.below(40)
    } else {
        rng.below(10)
    };
    let mut base = if rng.chance(6) {
        Doc::new()
    } else {
        random_doc(rng, n, eol, alphabet, markerish)
    };
    if rng.chance(20) {
        set_final_newline(&mut base, false);
    }
    let ours = match rng.below(100) {
        0..=4 => base.clone(),
        5..=7 => Doc::new(),
        8..=10 => {
            let n = rng.below(8);
            random_doc(rng, n, eol, alphabet, markerish)
        }
        _ => mutate(rng, &base, eol, alphabet, markerish),
    };
    let theirs = match rng.below(100) {
        0..=4 => base.clone(),
        5..=9 => ours.clone(),
        10..=12 => Doc::new(),
        13..=15 => {
            let n = rng.below(8);
            random_doc(rng, n, eol, alphabet, markerish)
        }
        16..=25 => mutate(rng, &ours, eol, alphabet, markerish),
        _ => mutate(rng, &base, eol, alphabet, markerish),
    };
    Triple {
        base: join(&base),
        ours: join(&ours),
        theirs: join(&theirs),
    }
}

/// A large triple with many edits over a tiny alphabet, so the diff runs into git's cost limits
/// and heuristics (edit cost above 256 in one box).
pub fn big_triple(rng: &mut Rng) -> Triple {
    let alphabet = 2 + rng.below(6);
    // Now and then a file big enough (over 32k lines per side) that git's cost limit rises
    // above 256 and its snake heuristic, not only the cut-off, picks split points.
    let n = if rng.chance(15) {
        34_000 + rng.below(6000)
    } else {
        800 + rng.below(2500)
    };
    let mut base: Doc = (0..n)
        .map(|i| {
            if rng.chance(10) {
                format!("unique {i}\n").into_bytes()
            } else {
                format!("{}\n", POOL[rng.below(alphabet)]).into_bytes()
            }
        })
        .collect();
    if rng.chance(30) {
        set_final_newline(&mut base, false);
    }
    // Either edits spread evenly over the file, or long untouched stretches between heavily
    // rewritten blocks: the second gives Myers long snakes at high cost, which is where git's
    // snake heuristic (not just the cost cut-off) decides the split.
    let blocky = rng.chance(50);
    let edit = |rng: &mut Rng, src: &Doc| -> Doc {
        let mut d = Doc::new();
        let mut rate = 38;
        for (i, l) in src.iter().enumerate() {
            if blocky && i % 40 == 0 {
                rate = if rng.chance(50) { 0 } else { 70 };
            }
            let roll = rng.below(100);
            if roll >= rate {
                d.push(l.clone());
                continue;
            }
            match roll * 38 / rate.max(1) {
                0..=14 => {}
                15..=29 => d.push(format!("{}\n", POOL[rng.below(alphabet + 2)]).into_bytes()),
                _ => {
                    d.push(l.clone());
                    d.push(format!("{}\n", POOL[rng.below(alphabet)]).into_bytes());
                }
            }
        }
        d
    };
    let ours = edit(rng, &base);
    let theirs = edit(rng, &base);
    Triple {
        base: join(&base),
        ours: join(&ours),
        theirs: join(&theirs),
    }
}

/// Shows bytes the way a person can paste them back into a test; long inputs are cut so a
/// failure report stays readable.
pub fn show(b: &[u8]) -> String {
    const MAX: usize = 3000;
    if b.len() <= MAX {
        b.escape_ascii().to_string()
    } else {
        format!("{}... ({} bytes)", b[..MAX].escape_ascii(), b.len())
    }
}

/// Where two outputs first differ, with a little context from each.
pub fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(80);
    let window = |s: &[u8]| {
        s[from.min(s.len())..(at + 80).min(s.len())]
            .escape_ascii()
            .to_string()
    };
    format!(
        "first difference at byte {at}: git \"{}\" / ours \"{}\"",
        window(a),
        window(b)
    )
}

/// `git merge-file -p` on files in `dir`, returning stdout and the exit code. Configuration that
/// could change git's output (a global `merge.conflictStyle`) is shut out.
pub fn git_merge_file(dir: &Path, args: &[String]) -> (Vec<u8>, i32) {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CEILING_DIRECTORIES", dir)
        .args(["-c", "merge.conflictStyle=merge", "merge-file", "-p"])
        .args(args)
        .args(["ours", "base", "theirs"])
        .output()
        .unwrap_or_else(|e| panic!("this test needs the system `git` on PATH: {e}"));
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code >= 0 && out.stderr.is_empty(),
        "git merge-file failed (code {code}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, code)
}
