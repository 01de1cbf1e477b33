//! The three-way walk over base→ours and base→theirs diffs, with git's conflict rules.
//!
//! Changes from both sides are walked in base order. A change that ends before the other side's
//! next change starts is taken as is; changes that overlap *or touch* (adjacent edits) form one
//! conflict, unless they are the very same change. Merge-style conflicts are then refined
//! ("zealous"): ours and theirs are diffed against each other and only the differing lines stay
//! in conflict; conflicts separated by at most three lines, or by lines without any letter or
//! digit, are joined back, because that reads better than many small ones. The diff3 styles show
//! the base and so are not refined (zdiff3 only trims lines common to both ends).

use super::diff::{self, diff_slices, Hunk};
use super::lines::{number_lines, Lines, MAX_INPUT};
use super::render::{self, Inputs};
use super::{ConflictStyle, MergeOptions, MergeResult};

/// What a merge chunk takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Both sides changed these lines differently.
    Conflict,
    /// Only ours changed here (or a conflict resolved to ours).
    Ours,
    /// Only theirs changed here (or a conflict resolved to theirs).
    Theirs,
    /// A conflict resolved to ours followed by theirs.
    Union,
    /// Both sides made the same change; ours' copy of it stands.
    Same,
}

/// One chunk of the merge: base lines `i0..i0+chg0` became `i1..i1+chg1` in ours and
/// `i2..i2+chg2` in theirs. Signed like git's, because the offset arithmetic may dip below zero
/// in intermediate steps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunk {
    pub mode: Mode,
    pub i0: isize,
    pub chg0: isize,
    pub i1: isize,
    pub chg1: isize,
    pub i2: isize,
    pub chg2: isize,
}

/// Merges without checking for binary content or size: the caller has decided the inputs are
/// text. [`super::merge`] is the checked entry point.
///
/// # Panics
/// If an input is 4 GiB or larger (the line tables use 32-bit offsets); [`super::merge`] and
/// [`super::check_mergeable`] refuse such inputs instead.
pub fn merge_text(base: &[u8], ours: &[u8], theirs: &[u8], opts: &MergeOptions) -> MergeResult {
    assert!(
        [base, ours, theirs].iter().all(|t| t.len() <= MAX_INPUT),
        "merge_text takes inputs under 4 GiB; check them with check_mergeable first"
    );
    let out_capacity = ours.len() + theirs.len() / 8 + 64;
    let numbered = number_lines(base, ours, theirs, out_capacity);
    let (base_l, ours_l, theirs_l, classes) = (
        numbered.base,
        numbered.ours,
        numbered.theirs,
        numbered.classes,
    );

    let count_base = diff::counts(&base_l.ids, classes);
    let diff_with = |side: &Lines<'_>| {
        diff::diff(
            &base_l.ids,
            &side.ids,
            &count_base,
            &diff::counts(&side.ids, classes),
        )
    };
    // The two diffs are independent; on a multi-core machine run them side by side.
    let (d1, d2) = if base_l.len() + ours_l.len() + theirs_l.len() > 20_000 {
        std::thread::scope(|s| {
            let h = s.spawn(|| diff_with(&theirs_l));
            let d1 = diff_with(&ours_l);
            // The diff has no failure path; should the thread die anyway, redo it here.
            (d1, h.join().unwrap_or_else(|_| diff_with(&theirs_l)))
        })
    } else {
        (diff_with(&ours_l), diff_with(&theirs_l))
    };

    let inputs = Inputs {
        base: &base_l,
        ours: &ours_l,
        theirs: &theirs_l,
    };
    let marker_len = render::marker_len(opts.marker_len, numbered.marker_run);

    // git returns the other side verbatim when one side did not change anything.
    if d1.is_empty() {
        return render::verbatim(theirs, marker_len);
    }
    if d2.is_empty() {
        return render::verbatim(ours, marker_len);
    }

    let chunks = walk(&d1, &d2, &inputs, opts.style);
    render::render(&inputs, &chunks, opts, marker_len, numbered.out)
}

/// git's `xdl_do_merge`: combines both scripts into chunks, then refines conflicts by style.
fn walk(d1: &[Hunk], d2: &[Hunk], inp: &Inputs<'_>, style: ConflictStyle) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::with_capacity(d1.len() + d2.len());
    let (n0, n1, n2) = (
        inp.base.len() as isize,
        inp.ours.len() as isize,
        inp.theirs.len() as isize,
    );
    let (mut x1, mut x2) = (0usize, 0usize);
    while x1 < d1.len() && x2 < d2.len() {
        let (a, b) = (&d1[x1], &d2[x2]);
        let (a_i1, a_chg1, a_i2, a_chg2) = (
            a.a as isize,
            a.a_len as isize,
            a.b as isize,
            a.b_len as isize,
        );
        let (b_i1, b_chg1, b_i2, b_chg2) = (
            b.a as isize,
            b.a_len as isize,
            b.b as isize,
            b.b_len as isize,
        );
        if a_i1 + a_chg1 < b_i1 {
            // Ours changes strictly before theirs' next change (not even touching it).
            let i2 = b_i2 - b_i1 + a_i1;
            append(&mut out, Mode::Ours, a_i1, a_chg1, a_i2, a_chg2, i2, a_chg1);
            x1 += 1;
            continue;
        }
        if b_i1 + b_chg1 < a_i1 {
            let i1 = a_i2 - a_i1 + b_i1;
            append(
                &mut out,
                Mode::Theirs,
                b_i1,
                b_chg1,
                i1,
                b_chg1,
                b_i2,
                b_chg2,
            );
            x2 += 1;
            continue;
        }
        let same = a_i1 == b_i1
            && a_chg1 == b_chg1
            && a_chg2 == b_chg2
            && inp.ours.ids[a.b..a.b + a.b_len] == inp.theirs.ids[b.b..b.b + b.b_len];
        if !same {
            // Overlapping or touching changes: one conflict spanning both.
            let off = a_i1 - b_i1;
            let ffo = off + a_chg1 - b_chg1;
            let (mut i0, mut i1, mut i2) = (a_i1, a_i2, b_i2);
            if off > 0 {
                i0 -= off;
                i1 -= off;
            } else {
                i2 += off;
            }
            let mut chg0 = a_i1 + a_chg1 - i0;
            let mut chg1 = a_i2 + a_chg2 - i1;
            let mut chg2 = b_i2 + b_chg2 - i2;
            if ffo < 0 {
                chg0 -= ffo;
                chg1 -= ffo;
            } else {
                chg2 += ffo;
            }
            append(&mut out, Mode::Conflict, i0, chg0, i1, chg1, i2, chg2);
        }
        let end1 = a_i1 + a_chg1;
        let end2 = b_i1 + b_chg1;
        if end1 >= end2 {
            x2 += 1;
        }
        if end2 >= end1 {
            x1 += 1;
        }
    }
    for a in &d1[x1..] {
        let (i0, chg0) = (a.a as isize, a.a_len as isize);
        let i2 = i0 + n2 - n0;
        append(
            &mut out,
            Mode::Ours,
            i0,
            chg0,
            a.b as isize,
            a.b_len as isize,
            i2,
            chg0,
        );
    }
    for b in &d2[x2..] {
        let (i0, chg0) = (b.a as isize, b.a_len as isize);
        let i1 = i0 + n1 - n0;
        append(
            &mut out,
            Mode::Theirs,
            i0,
            chg0,
            i1,
            chg0,
            b.b as isize,
            b.b_len as isize,
        );
    }

    match style {
        ConflictStyle::ZealousDiff3 => trim_common_ends(&mut out, inp),
        ConflictStyle::Diff3 => {}
        ConflictStyle::Merge => {
            out = refine(out, inp);
            simplify(&mut out, inp.ours);
        }
    }
    out
}

/// Adds a chunk, or widens the previous one when the new one overlaps or touches it on either
/// side (then they are one conflict unless both came from the same side).
#[allow(clippy::too_many_arguments)]
fn append(
    out: &mut Vec<Chunk>,
    mode: Mode,
    i0: isize,
    chg0: isize,
    i1: isize,
    chg1: isize,
    i2: isize,
    chg2: isize,
) {
    if let Some(m) = out.last_mut() {
        if i1 <= m.i1 + m.chg1 || i2 <= m.i2 + m.chg2 {
            if mode != m.mode {
                m.mode = Mode::Conflict;
            }
            m.chg0 = i0 + chg0 - m.i0;
            m.chg1 = i1 + chg1 - m.i1;
            m.chg2 = i2 + chg2 - m.i2;
            return;
        }
    }
    out.push(Chunk {
        mode,
        i0,
        chg0,
        i1,
        chg1,
        i2,
        chg2,
    });
}

fn ids<'a>(l: &'a Lines<'_>, start: isize, len: isize) -> &'a [u32] {
    &l.ids[start as usize..(start + len) as usize]
}

/// zdiff3: lines both sides agree on at either end of a conflict move out of it.
fn trim_common_ends(chunks: &mut [Chunk], inp: &Inputs<'_>) {
    for m in chunks.iter_mut().filter(|m| m.mode == Mode::Conflict) {
        while m.chg1 > 0
            && m.chg2 > 0
            && inp.ours.ids[m.i1 as usize] == inp.theirs.ids[m.i2 as usize]
        {
            m.chg1 -= 1;
            m.chg2 -= 1;
            m.i1 += 1;
            m.i2 += 1;
        }
        while m.chg1 > 0
            && m.chg2 > 0
            && inp.ours.ids[(m.i1 + m.chg1 - 1) as usize]
                == inp.theirs.ids[(m.i2 + m.chg2 - 1) as usize]
        {
            m.chg1 -= 1;
            m.chg2 -= 1;
        }
    }
}

/// Zealous refinement: diff ours against theirs inside each conflict and keep only the hunks
/// that differ as conflicts; identical sides become a clean "same change".
fn refine(chunks: Vec<Chunk>, inp: &Inputs<'_>) -> Vec<Chunk> {
    let mut out = Vec::with_capacity(chunks.len());
    for m in chunks {
        // Nothing to refine when one side is empty.
        if m.mode != Mode::Conflict || m.chg1 == 0 || m.chg2 == 0 {
            out.push(m);
            continue;
        }
        let hunks = diff_slices(ids(inp.ours, m.i1, m.chg1), ids(inp.theirs, m.i2, m.chg2));
        if hunks.is_empty() {
            out.push(Chunk {
                mode: Mode::Same,
                ..m
            });
            continue;
        }
        for h in &hunks {
            out.push(Chunk {
                mode: Mode::Conflict,
                i1: m.i1 + h.a as isize,
                chg1: h.a_len as isize,
                i2: m.i2 + h.b as isize,
                chg2: h.b_len as isize,
                // The base range no longer matches the narrowed sides; merge style never
                // shows it, so it is kept only as the whole conflict's.
                i0: m.i0,
                chg0: m.chg0,
            });
        }
    }
    out
}

fn lines_contain_alnum(l: &Lines<'_>, start: isize, len: isize) -> bool {
    (start..start + len).any(|i| l.line(i as usize).iter().any(u8::is_ascii_alphanumeric))
}

/// Joins neighbouring conflicts separated by at most three lines, or by lines without any
/// letter or digit (git's `XDL_MERGE_ZEALOUS_ALNUM`, the level `merge-file` uses).
fn simplify(chunks: &mut Vec<Chunk>, ours: &Lines<'_>) {
    let mut w = 0; // index of the chunk being extended
    let mut r = 1;
    while r < chunks.len() {
        let (m, next) = (chunks[w], chunks[r]);
        let begin = m.i1 + m.chg1;
        let end = next.i1;
        let keep_apart = m.mode != Mode::Conflict
            || next.mode != Mode::Conflict
            || (end - begin > 3 && lines_contain_alnum(ours, begin, end - begin));
        if keep_apart {
            w += 1;
            chunks[w] = next;
        } else {
            let m = &mut chunks[w];
            m.chg1 = next.i1 + next.chg1 - m.i1;
            m.chg2 = next.i2 + next.chg2 - m.i2;
        }
        r += 1;
    }
    chunks.truncate((w + 1).min(chunks.len()));
}
