//! Sliding each group of changed lines as far down as it goes unless it can line up with a
//! change on the other side (xdiffi.c's `xdl_change_compact`, without the indent heuristic).

use super::Changed;

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
pub(super) fn compact(ids: &[u32], ch: &mut Changed, other: &Changed) {
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
