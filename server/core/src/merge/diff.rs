//! Line diff computed the way git's xdiff computes it, so that merges agree with git.
//!
//! A three-way merge is only as git-identical as the two diffs under it: where several minimal
//! (or near-minimal) edit scripts exist, git's choice decides which hunks touch and therefore
//! which conflicts appear. So this follows xdiff's Myers diff step by step: trim the common ends,
//! discard lines that have no match on the other side (and runs of lines with too many matches),
//! run the linear-space Myers split with git's cost limits (give up on optimality after
//! `max(256, ~sqrt(N))` edit steps, take a long enough snake after 256), then slide each group of
//! changed lines down as far as it goes unless it can line up with a change on the other side.
//! git's `merge-file` uses no indent heuristic, so neither do we.

use super::lines::{renumber, zeroed};

/// One change: lines `a..a+a_len` of the old side became lines `b..b+b_len` of the new side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hunk {
    pub a: usize,
    pub a_len: usize,
    pub b: usize,
    pub b_len: usize,
}

/// Minimum edit cost after which the search settles for the furthest-reaching path.
const MAX_COST_MIN: isize = 256;
/// Edit cost after which a long enough snake is taken as a split point.
const HEUR_MIN_COST: isize = 256;
/// How long a run of equal lines must be to count as a good snake.
const SNAKE_CNT: isize = 20;
/// How far ahead of the cost a diagonal must reach to be "interesting".
const K_HEUR: isize = 4;
/// Runs of multiply-matching lines are only discarded when at most 1 in this many of the run
/// matches uniquely.
const KPDIS_RUN: isize = 4;
/// Cap on the "too many matches" threshold.
const MAX_EQLIMIT: usize = 1024;
/// How far around a line the run of discardable lines is examined.
const SIMSCAN_WINDOW: isize = 100;

/// How often each id occurs in `ids`, for ids below `classes`.
pub(crate) fn counts(ids: &[u32], classes: usize) -> Vec<u32> {
    let mut c = zeroed::<u32>(classes);
    for &id in ids {
        c[id as usize] += 1;
    }
    c
}

/// Diffs two sequences of line ids; `count_a` and `count_b` say how often each id occurs in
/// `a` and in `b` (see [`counts`]; a merge computes base's once for both of its diffs).
pub(crate) fn diff(a: &[u32], b: &[u32], count_a: &[u32], count_b: &[u32]) -> Vec<Hunk> {
    let mut ca = Changed::new(a.len());
    let mut cb = Changed::new(b.len());
    mark_changes(a, b, count_a, count_b, &mut ca, &mut cb);
    compact(a, &mut ca, &cb);
    compact(b, &mut cb, &ca);
    script(&ca, &cb)
}

/// Diffs two short id sequences taken out of larger files (conflict refinement), without
/// allocating tables sized for every class of the files.
pub(crate) fn diff_slices(a: &[u32], b: &[u32]) -> Vec<Hunk> {
    let (a, b, classes) = renumber(a, b);
    diff(&a, &b, &counts(&a, classes), &counts(&b, classes))
}

/// Per-line "changed" flags with a `false` sentinel before the first and after the last line,
/// which the group walks below rely on.
struct Changed {
    flags: Vec<bool>,
    n: isize,
}

impl Changed {
    fn new(n: usize) -> Self {
        Changed {
            flags: vec![false; n + 2],
            n: n as isize,
        }
    }
    #[inline]
    fn get(&self, i: isize) -> bool {
        self.flags[(i + 1) as usize]
    }
    #[inline]
    fn set(&mut self, i: isize, v: bool) {
        self.flags[(i + 1) as usize] = v;
    }
}

/// git's integer square root approximation (a power of two at least `sqrt(n)`).
fn bogosqrt(mut n: usize) -> usize {
    let mut i = 1;
    while n > 0 {
        i <<= 1;
        n >>= 2;
    }
    i
}

/// Marks changed lines: trims common ends, discards lines without usable matches, and runs
/// Myers on what is left.
fn mark_changes(
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

/// Where a box is split, and whether each half must be diffed minimally.
struct Split {
    i1: isize,
    i2: isize,
    min_lo: bool,
    min_hi: bool,
}

/// The linear-space Myers search over the kept lines, with git's heuristics.
struct Myers<'a> {
    ha1: &'a [u32],
    ha2: &'a [u32],
    /// Forward and backward furthest-reaching x per diagonal, indexed by `diagonal + off`.
    kvdf: Vec<isize>,
    kvdb: Vec<isize>,
    off: isize,
    mxcost: isize,
}

impl<'a> Myers<'a> {
    fn new(ha1: &'a [u32], ha2: &'a [u32]) -> Self {
        let ndiags = ha1.len() + ha2.len() + 3;
        Myers {
            ha1,
            ha2,
            kvdf: vec![0; ndiags + 1],
            kvdb: vec![0; ndiags + 1],
            off: ha2.len() as isize + 1,
            mxcost: (bogosqrt(ndiags) as isize).max(MAX_COST_MIN),
        }
    }

    #[inline]
    fn f(&self, d: isize) -> isize {
        self.kvdf[(d + self.off) as usize]
    }
    #[inline]
    fn set_f(&mut self, d: isize, v: isize) {
        self.kvdf[(d + self.off) as usize] = v;
    }
    #[inline]
    fn b(&self, d: isize) -> isize {
        self.kvdb[(d + self.off) as usize]
    }
    #[inline]
    fn set_b(&mut self, d: isize, v: isize) {
        self.kvdb[(d + self.off) as usize] = v;
    }
    #[inline]
    fn eq(&self, i1: isize, i2: isize) -> bool {
        self.ha1[i1 as usize] == self.ha2[i2 as usize]
    }

    /// Divide and conquer over boxes of the kept lines, marking the changed ones. An explicit
    /// stack (low half first, as git's recursion) keeps deep splits off the thread stack.
    fn compare(&mut self, ca: &mut [bool], cb: &mut [bool]) {
        let mut stack = vec![(
            0isize,
            self.ha1.len() as isize,
            0isize,
            self.ha2.len() as isize,
            false,
        )];
        while let Some((mut off1, mut lim1, mut off2, mut lim2, need_min)) = stack.pop() {
            while off1 < lim1 && off2 < lim2 && self.eq(off1, off2) {
                off1 += 1;
                off2 += 1;
            }
            while off1 < lim1 && off2 < lim2 && self.eq(lim1 - 1, lim2 - 1) {
                lim1 -= 1;
                lim2 -= 1;
            }
            if off1 == lim1 {
                cb[off2 as usize..lim2 as usize].fill(true);
            } else if off2 == lim2 {
                ca[off1 as usize..lim1 as usize].fill(true);
            } else {
                let spl = self.split(off1, lim1, off2, lim2, need_min);
                stack.push((spl.i1, lim1, spl.i2, lim2, spl.min_hi));
                stack.push((off1, spl.i1, off2, spl.i2, spl.min_lo));
            }
        }
    }

    /// Finds the middle snake of a box, or a good-enough split point once the cost limits hit.
    fn split(
        &mut self,
        off1: isize,
        lim1: isize,
        off2: isize,
        lim2: isize,
        need_min: bool,
    ) -> Split {
        let (dmin, dmax) = (off1 - lim2, lim1 - off2);
        let (fmid, bmid) = (off1 - off2, lim1 - lim2);
        let odd = (fmid - bmid) & 1 != 0;
        let (mut fmin, mut fmax) = (fmid, fmid);
        let (mut bmin, mut bmax) = (bmid, bmid);
        self.set_f(fmid, off1);
        self.set_b(bmid, lim1);

        let mut ec: isize = 1;
        loop {
            let mut got_snake = false;

            // Extend the forward diagonal domain by one, or shrink it at the box edges; the
            // outer neighbours get -1 so the core loop needs no bound checks.
            if fmin > dmin {
                fmin -= 1;
                self.set_f(fmin - 1, -1);
            } else {
                fmin += 1;
            }
            if fmax < dmax {
                fmax += 1;
                self.set_f(fmax + 1, -1);
            } else {
                fmax -= 1;
            }
            let mut d = fmax;
            while d >= fmin {
                let mut i1 = if self.f(d - 1) >= self.f(d + 1) {
                    self.f(d - 1) + 1
                } else {
                    self.f(d + 1)
                };
                let prev1 = i1;
                let mut i2 = i1 - d;
                while i1 < lim1 && i2 < lim2 && self.eq(i1, i2) {
                    i1 += 1;
                    i2 += 1;
                }
                if i1 - prev1 > SNAKE_CNT {
                    got_snake = true;
                }
                self.set_f(d, i1);
                if odd && bmin <= d && d <= bmax && self.b(d) <= i1 {
                    return Split {
                        i1,
                        i2,
                        min_lo: true,
                        min_hi: true,
                    };
                }
                d -= 2;
            }

            if bmin > dmin {
                bmin -= 1;
                self.set_b(bmin - 1, isize::MAX);
            } else {
                bmin += 1;
            }
            if bmax < dmax {
                bmax += 1;
                self.set_b(bmax + 1, isize::MAX);
            } else {
                bmax -= 1;
            }
            d = bmax;
            while d >= bmin {
                let mut i1 = if self.b(d - 1) < self.b(d + 1) {
                    self.b(d - 1)
                } else {
                    self.b(d + 1) - 1
                };
                let prev1 = i1;
                let mut i2 = i1 - d;
                while i1 > off1 && i2 > off2 && self.eq(i1 - 1, i2 - 1) {
                    i1 -= 1;
                    i2 -= 1;
                }
                if prev1 - i1 > SNAKE_CNT {
                    got_snake = true;
                }
                self.set_b(d, i1);
                if !odd && fmin <= d && d <= fmax && i1 <= self.f(d) {
                    return Split {
                        i1,
                        i2,
                        min_lo: true,
                        min_hi: true,
                    };
                }
                d -= 2;
            }

            if need_min {
                ec += 1;
                continue;
            }

            // Past the heuristic threshold with a good snake in hand: take the diagonal that
            // got furthest (penalised by its distance from the middle) if it ends in a snake.
            if got_snake && ec > HEUR_MIN_COST {
                if let Some(spl) = self.forward_snake(ec, fmin, fmax, fmid, off1, lim1, off2, lim2)
                {
                    return spl;
                }
                if let Some(spl) = self.backward_snake(ec, bmin, bmax, bmid, off1, lim1, off2, lim2)
                {
                    return spl;
                }
            }

            // Enough is enough: split at the furthest-reaching path, forward or backward.
            if ec >= self.mxcost {
                let (mut fbest, mut fbest1) = (-1isize, -1isize);
                let mut d = fmax;
                while d >= fmin {
                    let mut i1 = self.f(d).min(lim1);
                    let mut i2 = i1 - d;
                    if lim2 < i2 {
                        i1 = lim2 + d;
                        i2 = lim2;
                    }
                    if fbest < i1 + i2 {
                        fbest = i1 + i2;
                        fbest1 = i1;
                    }
                    d -= 2;
                }
                let (mut bbest, mut bbest1) = (isize::MAX, isize::MAX);
                let mut d = bmax;
                while d >= bmin {
                    let mut i1 = off1.max(self.b(d));
                    let mut i2 = i1 - d;
                    if i2 < off2 {
                        i1 = off2 + d;
                        i2 = off2;
                    }
                    if i1 + i2 < bbest {
                        bbest = i1 + i2;
                        bbest1 = i1;
                    }
                    d -= 2;
                }
                return if (lim1 + lim2) - bbest < fbest - (off1 + off2) {
                    Split {
                        i1: fbest1,
                        i2: fbest - fbest1,
                        min_lo: true,
                        min_hi: false,
                    }
                } else {
                    Split {
                        i1: bbest1,
                        i2: bbest - bbest1,
                        min_lo: false,
                        min_hi: true,
                    }
                };
            }
            ec += 1;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn forward_snake(
        &self,
        ec: isize,
        fmin: isize,
        fmax: isize,
        fmid: isize,
        off1: isize,
        lim1: isize,
        off2: isize,
        lim2: isize,
    ) -> Option<Split> {
        let mut best = 0;
        let mut found = None;
        let mut d = fmax;
        while d >= fmin {
            let dd = (d - fmid).abs();
            let i1 = self.f(d);
            let i2 = i1 - d;
            let v = (i1 - off1) + (i2 - off2) - dd;
            if v > K_HEUR * ec
                && v > best
                && off1 + SNAKE_CNT <= i1
                && i1 < lim1
                && off2 + SNAKE_CNT <= i2
                && i2 < lim2
            {
                let mut k = 1;
                while self.eq(i1 - k, i2 - k) {
                    if k == SNAKE_CNT {
                        best = v;
                        found = Some((i1, i2));
                        break;
                    }
                    k += 1;
                }
            }
            d -= 2;
        }
        found.map(|(i1, i2)| Split {
            i1,
            i2,
            min_lo: true,
            min_hi: false,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn backward_snake(
        &self,
        ec: isize,
        bmin: isize,
        bmax: isize,
        bmid: isize,
        off1: isize,
        lim1: isize,
        off2: isize,
        lim2: isize,
    ) -> Option<Split> {
        let mut best = 0;
        let mut found = None;
        let mut d = bmax;
        while d >= bmin {
            let dd = (d - bmid).abs();
            let i1 = self.b(d);
            let i2 = i1 - d;
            let v = (lim1 - i1) + (lim2 - i2) - dd;
            if v > K_HEUR * ec
                && v > best
                && off1 < i1
                && i1 <= lim1 - SNAKE_CNT
                && off2 < i2
                && i2 <= lim2 - SNAKE_CNT
            {
                let mut k = 0;
                while self.eq(i1 + k, i2 + k) {
                    if k == SNAKE_CNT - 1 {
                        best = v;
                        found = Some((i1, i2));
                        break;
                    }
                    k += 1;
                }
            }
            d -= 2;
        }
        found.map(|(i1, i2)| Split {
            i1,
            i2,
            min_lo: false,
            min_hi: true,
        })
    }
}

/// A run of changed lines `start..end` (empty when `start == end`: the gap above line `start`).
#[derive(Clone, Copy)]
struct Group {
    start: isize,
    end: isize,
}

impl Group {
    fn first(ch: &Changed) -> Group {
        let mut g = Group { start: 0, end: 0 };
        while ch.get(g.end) {
            g.end += 1;
        }
        g
    }

    fn next(&mut self, ch: &Changed) -> bool {
        if self.end == ch.n {
            return false;
        }
        self.start = self.end + 1;
        self.end = self.start;
        while ch.get(self.end) {
            self.end += 1;
        }
        true
    }

    fn previous(&mut self, ch: &Changed) -> bool {
        if self.start == 0 {
            return false;
        }
        self.end = self.start - 1;
        self.start = self.end;
        while ch.get(self.start - 1) {
            self.start -= 1;
        }
        true
    }

    /// Slides the group one line down if the line after it equals its first line, swallowing
    /// a following group it bumps into.
    fn slide_down(&mut self, ids: &[u32], ch: &mut Changed) -> bool {
        if self.end < ch.n && ids[self.start as usize] == ids[self.end as usize] {
            ch.set(self.start, false);
            self.start += 1;
            ch.set(self.end, true);
            self.end += 1;
            while ch.get(self.end) {
                self.end += 1;
            }
            true
        } else {
            false
        }
    }

    fn slide_up(&mut self, ids: &[u32], ch: &mut Changed) -> bool {
        if self.start > 0 && ids[(self.start - 1) as usize] == ids[(self.end - 1) as usize] {
            self.start -= 1;
            ch.set(self.start, true);
            self.end -= 1;
            ch.set(self.end, false);
            while ch.get(self.start - 1) {
                self.start -= 1;
            }
            true
        } else {
            false
        }
    }
}

/// git's `xdl_change_compact` without the indent heuristic: each group of changes is merged with
/// neighbours it can touch, then placed as low as it slides, or back up to line up with a change
/// in the other file. `ch` belongs to `ids`; `other` is the other file's flags.
fn compact(ids: &[u32], ch: &mut Changed, other: &Changed) {
    let mut g = Group::first(ch);
    let mut go = Group::first(other);
    loop {
        if g.end != g.start {
            let mut earliest_end;
            let mut end_matching_other;
            loop {
                let groupsize = g.end - g.start;
                end_matching_other = -1;
                while g.slide_up(ids, ch) {
                    let synced = go.previous(other);
                    debug_assert!(synced, "group sync broken sliding up");
                }
                earliest_end = g.end;
                if go.end > go.start {
                    end_matching_other = g.end;
                }
                while g.slide_down(ids, ch) {
                    let synced = go.next(other);
                    debug_assert!(synced, "group sync broken sliding down");
                    if go.end > go.start {
                        end_matching_other = g.end;
                    }
                }
                if groupsize == g.end - g.start {
                    break;
                }
            }
            if g.end != earliest_end && end_matching_other != -1 {
                while go.end == go.start {
                    let slid = g.slide_up(ids, ch);
                    let synced = go.previous(other);
                    debug_assert!(slid && synced, "match disappeared");
                    if !(slid && synced) {
                        break;
                    }
                }
            }
        }
        if !g.next(ch) {
            break;
        }
        let synced = go.next(other);
        debug_assert!(synced, "group sync broken moving to next group");
    }
}

/// Collects the changed runs of both files into hunks, in file order.
fn script(ca: &Changed, cb: &Changed) -> Vec<Hunk> {
    let mut hunks = Vec::new();
    let (mut i1, mut i2) = (ca.n, cb.n);
    while i1 >= 0 || i2 >= 0 {
        if ca.get(i1 - 1) || cb.get(i2 - 1) {
            let (l1, l2) = (i1, i2);
            while ca.get(i1 - 1) {
                i1 -= 1;
            }
            while cb.get(i2 - 1) {
                i2 -= 1;
            }
            hunks.push(Hunk {
                a: i1 as usize,
                a_len: (l1 - i1) as usize,
                b: i2 as usize,
                b_len: (l2 - i2) as usize,
            });
        }
        i1 -= 1;
        i2 -= 1;
    }
    hunks.reverse();
    hunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &str) -> Vec<u32> {
        s.bytes().map(|b| b as u32).collect()
    }

    fn d(a: &str, b: &str) -> Vec<(usize, usize, usize, usize)> {
        let (a, b) = (ids(a), ids(b));
        diff(&a, &b, &counts(&a, 256), &counts(&b, 256))
            .into_iter()
            .map(|h| (h.a, h.a_len, h.b, h.b_len))
            .collect()
    }

    #[test]
    fn identical_sequences_have_no_hunks() {
        assert!(d("abc", "abc").is_empty());
        assert!(d("", "").is_empty());
    }

    #[test]
    fn insertion_deletion_and_replacement_are_found() {
        assert_eq!(d("ac", "abc"), vec![(1, 0, 1, 1)]);
        assert_eq!(d("abc", "ac"), vec![(1, 1, 1, 0)]);
        assert_eq!(d("abc", "axc"), vec![(1, 1, 1, 1)]);
        assert_eq!(d("", "ab"), vec![(0, 0, 0, 2)]);
        assert_eq!(d("ab", ""), vec![(0, 2, 0, 0)]);
    }

    #[test]
    fn an_ambiguous_insertion_slides_down_as_far_as_it_goes() {
        // Inserting one "a" into "aa" could be at 0, 1 or 2; git reports the last position.
        assert_eq!(d("aa", "aaa"), vec![(2, 0, 2, 1)]);
        assert_eq!(d("xaay", "xaaay"), vec![(3, 0, 3, 1)]);
    }

    #[test]
    fn bogosqrt_is_a_power_of_two_at_least_the_square_root() {
        assert_eq!(bogosqrt(0), 1);
        assert_eq!(bogosqrt(1), 2);
        assert_eq!(bogosqrt(4), 4);
        assert_eq!(bogosqrt(1 << 20), 2048);
    }

    #[test]
    fn long_sequences_with_many_edits_still_produce_a_valid_script() {
        // Past git's cost limits the script need not be minimal, but it must transform a to b.
        let a: Vec<u32> = (0..5000u32).map(|i| (i * 7919) % 13).collect();
        let b: Vec<u32> = (0..5000u32).map(|i| (i * 104729) % 11).collect();
        let hunks = diff(&a, &b, &counts(&a, 13), &counts(&b, 13));
        let mut out = Vec::new();
        let mut pos = 0;
        for h in &hunks {
            out.extend_from_slice(&a[pos..h.a]);
            out.extend_from_slice(&b[h.b..h.b + h.b_len]);
            pos = h.a + h.a_len;
        }
        out.extend_from_slice(&a[pos..]);
        assert_eq!(out, b);
    }
}
