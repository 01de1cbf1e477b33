//! The linear-space Myers search with git's cost limits and snake heuristics (xdiffi.c's
//! `xdl_recs_cmp` and `xdl_split`).

use super::prepare::bogosqrt;

/// Minimum edit cost after which the search settles for the furthest-reaching path.
const MAX_COST_MIN: isize = 256;
/// Edit cost after which a long enough snake is taken as a split point.
const HEUR_MIN_COST: isize = 256;
/// How long a run of equal lines must be to count as a good snake.
const SNAKE_CNT: isize = 20;
/// How far ahead of the cost a diagonal must reach to be "interesting".
const K_HEUR: isize = 4;

/// Where a box is split, and whether each half must be diffed minimally.
struct Split {
    i1: isize,
    i2: isize,
    min_lo: bool,
    min_hi: bool,
}

/// The linear-space Myers search over the kept lines, with git's heuristics.
pub(super) struct Myers<'a> {
    ha1: &'a [u32],
    ha2: &'a [u32],
    /// Forward and backward furthest-reaching x per diagonal, indexed by `diagonal + off`.
    kvdf: Vec<isize>,
    kvdb: Vec<isize>,
    off: isize,
    mxcost: isize,
}

impl<'a> Myers<'a> {
    pub(super) fn new(ha1: &'a [u32], ha2: &'a [u32]) -> Self {
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
    pub(super) fn compare(&mut self, ca: &mut [bool], cb: &mut [bool]) {
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
