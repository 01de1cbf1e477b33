//! Differential test of taking a side: for random base/ours/theirs (many ending without a final
//! newline, LF, CRLF and mixed), resolving every conflict region of a marked merge to one side
//! gives exactly what `git merge-file --ours / --theirs / --union` writes for the same inputs.
//!
//! Clean regions merge either way, so the property is "resolve(markers, side) == git's merge
//! favoring that side", not "== that side's input". Checked on our rendered markers and on
//! git's own. `MERGE_EXACT_CASES` (default 400) and `MERGE_EXACT_SEED` choose the cases.

use crate::merge_support;

use std::path::Path;

use merge_support::{first_difference, git_merge_file, show, triple, Rng, Triple};
use skillmeat_core::merge::{
    merge_text, resolve_all_exact, Choice, ConflictStyle, MergeOptions, Unterminated,
};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Takes the final newline (LF or CRLF) off about half of the inputs.
fn unterminate(rng: &mut Rng, t: &mut Vec<u8>) {
    if rng.chance(50) {
        if t.ends_with(b"\r\n") {
            t.truncate(t.len() - 2);
        } else if t.ends_with(b"\n") {
            t.pop();
        }
    }
}

fn write_inputs(dir: &Path, t: &Triple) {
    for (name, bytes) in [("base", &t.base), ("ours", &t.ours), ("theirs", &t.theirs)] {
        std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    }
}

fn check(dir: &Path, t: &Triple) -> Result<(), String> {
    write_inputs(dir, t);
    let ends = Unterminated::of(&t.base, &t.ours, &t.theirs);
    for (style, style_arg) in [
        (ConflictStyle::Merge, None),
        (ConflictStyle::Diff3, Some("--diff3")),
        (ConflictStyle::ZealousDiff3, Some("--zdiff3")),
    ] {
        let opts = MergeOptions {
            style,
            ..MergeOptions::default()
        };
        let ours_marked = merge_text(&t.base, &t.ours, &t.theirs, &opts);
        let args = |extra: Option<&str>| -> Vec<String> {
            style_arg
                .into_iter()
                .chain(extra)
                .map(String::from)
                .collect()
        };
        let (git_marked, _) = git_merge_file(dir, &args(None));
        for (choice, favor) in [
            (Choice::Ours, "--ours"),
            (Choice::Theirs, "--theirs"),
            (Choice::Both, "--union"),
        ] {
            let (want, code) = git_merge_file(dir, &args(Some(favor)));
            if code != 0 {
                return Err(format!(
                    "git merge-file {favor} left conflicts (exit {code})"
                ));
            }
            for (whose, marked) in [("our", &ours_marked.text), ("git's", &git_marked)] {
                let got = resolve_all_exact(marked, choice, ends)
                    .map_err(|e| format!("{choice} of {whose} markers: {e}"))?;
                if got != want {
                    return Err(format!(
                        "{style:?} {choice} of {whose} markers differs from git {favor}: {}\n  markers: \"{}\"\n  git:  \"{}\"\n  got:  \"{}\"",
                        first_difference(&want, &got),
                        show(marked),
                        show(&want),
                        show(&got)
                    ));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn taking_a_side_of_every_conflict_equals_git_merge_file_favoring_it() {
    let cases = env_num("MERGE_EXACT_CASES", 400);
    let seed = env_num("MERGE_EXACT_SEED", 0x5eed_0009);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut rng = Rng::new(seed);
    let mut unterminated = 0;
    let mut conflicted = 0;
    for case in 0..cases {
        let mut t = triple(&mut rng, false);
        unterminate(&mut rng, &mut t.base);
        unterminate(&mut rng, &mut t.ours);
        unterminate(&mut rng, &mut t.theirs);
        let ends = Unterminated::of(&t.base, &t.ours, &t.theirs);
        unterminated += usize::from(ends.ours || ends.theirs);
        conflicted += usize::from(
            merge_text(&t.base, &t.ours, &t.theirs, &MergeOptions::default()).conflicts > 0,
        );
        if let Err(e) = check(tmp.path(), &t) {
            panic!(
                "seed {seed} case {case}: {e}\n  base:   \"{}\"\n  ours:   \"{}\"\n  theirs: \"{}\"",
                show(&t.base),
                show(&t.ours),
                show(&t.theirs)
            );
        }
    }
    // The generator has to reach the cases this test is about.
    assert!(
        unterminated > cases as usize / 4,
        "{unterminated} of {cases} cases had an unterminated side"
    );
    assert!(
        conflicted > cases as usize / 4,
        "{conflicted} of {cases} cases had conflicts"
    );
}
