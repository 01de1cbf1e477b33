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
//!
//! The files follow xdiff's own layout: `prepare` (xprepare.c: trimming and discarding lines),
//! `myers` (xdiffi.c's `xdl_recs_cmp` and `xdl_split`), `compact` (xdiffi.c's
//! `xdl_change_compact`: sliding groups of changes); this file holds the entry points and
//! `script` (xdiffi.c's `xdl_build_script`).

mod compact;
mod myers;
mod prepare;

use super::lines::{renumber, zeroed};
use compact::compact;
use prepare::mark_changes;

/// One change: lines `a..a+a_len` of the old side became lines `b..b+b_len` of the new side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hunk {
    pub a: usize,
    pub a_len: usize,
    pub b: usize,
    pub b_len: usize,
}

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
    use super::prepare::bogosqrt;
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
