//! Preparing two files for Myers as xdiff's xprepare.c does: trim the common ends and discard
//! lines with no match on the other side (and runs of lines with too many matches).

use super::myers::Myers;
use super::Changed;

/// Runs of multiply-matching lines are only discarded when at most 1 in this many of the run
/// matches uniquely.
const KPDIS_RUN: isize = 4;
/// Cap on the "too many matches" threshold.
const MAX_EQLIMIT: usize = 1024;
/// How far around a line the run of discardable lines is examined.
const SIMSCAN_WINDOW: isize = 100;

/// git's integer square root approximation (a power of two at least `sqrt(n)`).
pub(super) fn bogosqrt(mut n: usize) -> usize {
    let mut i = 1;
    while n > 0 {
        i <<= 1;
        n >>= 2;
    }
    i
}

/// Marks changed lines: trims common ends, discards lines without usable matches, and runs
/// Myers on what is left.
pub(super) fn mark_changes(
    a: &[u32],
    b: &[u32],
    count_a: &[u32],
    count_b: &[u32],
    ca: &mut Changed,
    cb: &mut Changed,
) {
    let (n1, n2) = (a.len(), b.len());
    let lim = n1.min(n2);
    let mut start = 0;
    while start < lim && a[start] == b[start] {
        start += 1;
    }
    let mut tail = 0;
    while tail < lim - start && a[n1 - 1 - tail] == b[n2 - 1 - tail] {
        tail += 1;
    }
    let (end1, end2) = (n1 - tail, n2 - tail);

    // Match counts are over the whole files: git counts the trimmed ends too.
    let ids1 = keep_lines(a, start, end1, count_b, ca);
    let ids2 = keep_lines(b, start, end2, count_a, cb);

    // Myers marks the kept lines in flags of its own; they are then spread back over the lines
    // that were kept (those not already marked as discarded), which saves an index per line.
    let mut kept1 = vec![false; ids1.len()];
    let mut kept2 = vec![false; ids2.len()];
    Myers::new(&ids1, &ids2).compare(&mut kept1, &mut kept2);
    spread(&kept1, start, end1, ca);
    spread(&kept2, start, end2, cb);
}

/// Marks line `i` of `start..end` changed when it was kept for Myers and Myers changed it.
fn spread(kept_changed: &[bool], start: usize, end: usize, changed: &mut Changed) {
    let mut r = 0;
    for i in start as isize..end as isize {
        if !changed.get(i) {
            if kept_changed[r] {
                changed.set(i, true);
            }
            r += 1;
        }
    }
}

/// Chooses which lines of `lines[start..end]` take part in Myers: those with a match on the
/// other side, unless they have very many matches and sit in a run of unmatched lines. The rest
/// are marked changed right away. Returns the kept lines' ids.
fn keep_lines(
    lines: &[u32],
    start: usize,
    end: usize,
    count_other: &[u32],
    changed: &mut Changed,
) -> Vec<u32> {
    let mlim = bogosqrt(lines.len()).min(MAX_EQLIMIT);
    // 0: no match, 1: some matches, 2: too many matches.
    let mut dis = vec![0u8; lines.len()];
    for i in start..end {
        let nm = (count_other[lines[i] as usize] as usize).min(mlim);
        dis[i] = if nm == 0 {
            0
        } else if nm >= mlim {
            2
        } else {
            1
        };
    }
    let mut ids = Vec::with_capacity(end.saturating_sub(start));
    for i in start..end {
        let keep = dis[i] == 1
            || (dis[i] == 2
                && !discard_multimatch(&dis, i as isize, start as isize, end as isize - 1));
        if keep {
            ids.push(lines[i]);
        } else {
            changed.set(i as isize, true);
        }
    }
    ids
}

/// Whether a line with many matches lies in a run dominated by unmatched lines (on both sides),
/// in which case dropping it cannot lose a useful match but saves Myers a lot of work.
fn discard_multimatch(dis: &[u8], i: isize, mut s: isize, mut e: isize) -> bool {
    if i - s > SIMSCAN_WINDOW {
        s = i - SIMSCAN_WINDOW;
    }
    if e - i > SIMSCAN_WINDOW {
        e = i + SIMSCAN_WINDOW;
    }
    let (mut rdis0, mut rpdis0) = (0isize, 1isize);
    let mut r = 1;
    while i - r >= s {
        match dis[(i - r) as usize] {
            0 => rdis0 += 1,
            2 => rpdis0 += 1,
            _ => break,
        }
        r += 1;
    }
    // Only discard multimatch lines in the middle of runs with unmatched lines.
    if rdis0 == 0 {
        return false;
    }
    let (mut rdis1, mut rpdis1) = (0isize, 1isize);
    r = 1;
    while i + r <= e {
        match dis[(i + r) as usize] {
            0 => rdis1 += 1,
            2 => rpdis1 += 1,
            _ => break,
        }
        r += 1;
    }
    if rdis1 == 0 {
        return false;
    }
    rdis1 += rdis0;
    rpdis1 += rpdis0;
    rpdis1 * KPDIS_RUN < rpdis1 + rdis1
}
