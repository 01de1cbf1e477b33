//! Splitting inputs into lines and numbering equal lines alike, so the diff compares integers.
//!
//! Offsets are 32-bit: half the memory of `usize` for the per-line tables of a big merge, and
//! inputs are far below 4 GiB (the checked entry point caps them; see [`MAX_INPUT`]).

use std::collections::HashMap;
use std::ops::Range;

use super::DEFAULT_MARKER_LEN;

/// Largest input the line tables can address.
pub(crate) const MAX_INPUT: usize = u32::MAX as usize - 1;

/// One input split the way git's xdiff splits it: every line keeps its `\n` (and any `\r`
/// before it), and a last line without `\n` is a line of its own, so `a` and `a\n` differ.
#[derive(Debug)]
pub(crate) struct Lines<'a> {
    pub text: &'a [u8],
    /// Byte offset where each line starts, then `text.len()`.
    starts: Vec<u32>,
    /// Class of each line: equal bytes, equal class.
    pub ids: Vec<u32>,
}

impl<'a> Lines<'a> {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The bytes of line `i`, line ending included.
    pub fn line(&self, i: usize) -> &'a [u8] {
        line_at(self.text, &self.starts, i)
    }

    /// The bytes of a range of lines.
    pub fn bytes(&self, r: Range<usize>) -> &'a [u8] {
        &self.text[self.starts[r.start] as usize..self.starts[r.end] as usize]
    }

    /// Number of `\n` in a range of lines: all of them end in one except perhaps the very last.
    pub fn newlines(&self, r: Range<usize>) -> usize {
        let n = r.len();
        if n > 0 && r.end == self.len() && self.text.last() != Some(&b'\n') {
            n - 1
        } else {
            n
        }
    }
}

/// Length of the run of one marker character (`<`, `|`, `=`, `>`) opening `line`, when it is
/// long enough to be read as a conflict marker (7 or more); otherwise 0.
fn marker_run(line: &[u8]) -> usize {
    match line.first() {
        Some(&c) if matches!(c, b'<' | b'|' | b'=' | b'>') && line.len() >= DEFAULT_MARKER_LEN => {
            let run = line.iter().take_while(|&&b| b == c).count();
            if run >= DEFAULT_MARKER_LEN {
                run
            } else {
                0
            }
        }
        _ => 0,
    }
}

fn line_at<'a>(text: &'a [u8], starts: &[u32], i: usize) -> &'a [u8] {
    &text[starts[i] as usize..starts[i + 1] as usize]
}

/// Set in [`Table::first`] once a base line's id is seen again in base.
const SEEN_AGAIN: u32 = 1 << 31;

/// Line bytes → id. A compact open-addressing table (8 bytes a slot: 32 bits of hash, 32 of id)
/// keeps the probe for each of a big file's lines to one cache miss, where a general map with
/// slice keys touches several times the memory. An id's bytes are found through the base line
/// it was first seen on (4 bytes an id), or, for the few ids first seen in ours or theirs, a
/// slice of its own.
struct Table<'a> {
    /// `(hash >> 32) << 32 | (id + 1)`; 0 is an empty slot.
    slots: Vec<u64>,
    mask: usize,
    base: &'a [u8],
    base_starts: &'a [u32],
    /// For each id first seen in base: that base line, with [`SEEN_AGAIN`] once base repeats it.
    first: Vec<u32>,
    /// Bytes of the ids first seen after base, which follow the base ids.
    later: Vec<&'a [u8]>,
    hasher: foldhash::fast::FixedState,
}

impl<'a> Table<'a> {
    fn new(base: &'a [u8], base_starts: &'a [u32], n: usize) -> Self {
        let cap = (n.max(8) * 4 / 3).next_power_of_two();
        Table {
            slots: zeroed(cap),
            mask: cap - 1,
            base,
            base_starts,
            first: Vec::with_capacity(n),
            later: Vec::new(),
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    fn len(&self) -> usize {
        self.first.len() + self.later.len()
    }

    fn bytes_of(&self, id: u32) -> &'a [u8] {
        match self.first.get(id as usize) {
            Some(&at) => line_at(self.base, self.base_starts, (at & !SEEN_AGAIN) as usize),
            None => self.later[id as usize - self.first.len()],
        }
    }

    /// The base line holding `id`, if `id` occurs exactly once in base.
    fn unique_base_line(&self, id: u32) -> Option<usize> {
        match self.first.get(id as usize) {
            Some(&at) if at & SEEN_AGAIN == 0 => Some(at as usize),
            _ => None,
        }
    }

    fn hash(&self, line: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(line)
    }

    /// The slot holding `line`, or the empty slot where it would go.
    fn find(&self, line: &[u8], h: u64) -> usize {
        let tag = h >> 32;
        let mut i = h as usize & self.mask;
        loop {
            let s = self.slots[i];
            if s == 0 {
                return i;
            }
            if s >> 32 == tag && self.bytes_of(s as u32 - 1) == line {
                return i;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn get(&self, line: &[u8]) -> Option<u32> {
        let s = self.slots[self.find(line, self.hash(line))];
        (s != 0).then(|| (s as u32) - 1)
    }

    /// The id of base line `i`, new if its bytes were not seen before.
    fn intern_base(&mut self, i: usize) -> u32 {
        let line = line_at(self.base, self.base_starts, i);
        let h = self.hash(line);
        let slot = self.find(line, h);
        let s = self.slots[slot];
        if s != 0 {
            let id = (s as u32) - 1;
            self.first[id as usize] |= SEEN_AGAIN;
            return id;
        }
        let id = self.len() as u32;
        self.first.push(i as u32);
        self.occupy(slot, h, id);
        id
    }

    /// The id of a line of ours or theirs, new if its bytes were not seen before.
    fn intern(&mut self, line: &'a [u8]) -> u32 {
        let h = self.hash(line);
        let slot = self.find(line, h);
        let s = self.slots[slot];
        if s != 0 {
            return (s as u32) - 1;
        }
        let id = self.len() as u32;
        self.later.push(line);
        self.occupy(slot, h, id);
        id
    }

    fn occupy(&mut self, slot: usize, h: u64, id: u32) {
        self.slots[slot] = (h >> 32) << 32 | u64::from(id + 1);
        // Grow at 3/4 load: linear probing stays short, and the table stays small.
        if self.len() * 4 > self.slots.len() * 3 {
            self.grow();
        }
    }

    fn grow(&mut self) {
        let cap = self.slots.len() * 2;
        self.slots = zeroed(cap);
        self.mask = cap - 1;
        // Rare (ours and theirs bring many lines base lacks); rehashing the lines is cheaper
        // than keeping every hash around.
        for id in 0..self.len() as u32 {
            let h = self.hash(self.bytes_of(id));
            let mut i = h as usize & self.mask;
            while self.slots[i] != 0 {
                i = (i + 1) & self.mask;
            }
            self.slots[i] = (h >> 32) << 32 | u64::from(id + 1);
        }
    }
}

/// Marks a line of ours or theirs not found in base.
const NONE: u32 = u32::MAX;

/// Inputs above this many bytes in total are numbered on two threads.
const PARALLEL_BYTES: usize = 1 << 18;

/// Splits the three inputs of a merge and numbers their lines with one shared set of ids.
///
/// Hashing every line of all three files is most of a large merge's cost, yet ours and theirs are
/// mostly base's lines in base's order. So base is hashed, and then ours and theirs (side by side
/// on two threads) are walked along base comparing bytes: a line equal to the base line at the
/// walk's position takes its id without a hash lookup. Lines that do not line up are looked up,
/// and a line that occurs exactly once in base puts the walk back in step after an edit.
///
/// Every input must be at most [`MAX_INPUT`] bytes.
pub(crate) fn number_lines<'a>(
    base: &'a [u8],
    ours: &'a [u8],
    theirs: &'a [u8],
    out_capacity: usize,
) -> Numbered<'a> {
    let parallel = base.len() + ours.len() + theirs.len() > PARALLEL_BYTES;
    let split_sides = || (split32(ours), split32(theirs));
    // While base is split and hashed, the other thread splits ours and theirs into lines, then
    // gets the output buffer's pages from the OS (first-touch faults of a 10 MB buffer are a
    // visible share of a cold run's time, and this thread is otherwise idle).
    let bstarts = split32(base);
    let ((base_ids, mut table, run0), (os, ts), out) = if parallel {
        std::thread::scope(|s| {
            let h = s.spawn(|| (split_sides(), touched_buffer(out_capacity)));
            let hashed = hash_base(base, &bstarts, ours.len() + theirs.len());
            // Splitting cannot fail; if its thread died anyway, split here.
            let (sides, out) = h
                .join()
                .unwrap_or_else(|_| (split_sides(), Vec::with_capacity(out_capacity)));
            (hashed, sides, out)
        })
    } else {
        let hashed = hash_base(base, &bstarts, ours.len() + theirs.len());
        (hashed, split_sides(), Vec::with_capacity(out_capacity))
    };

    let walk =
        |text: &'a [u8], starts: &[u32]| align(text, starts, base, &bstarts, &base_ids, &table);
    let ((mut oi, run1), (mut ti, run2)) = if parallel {
        std::thread::scope(|s| {
            let h = s.spawn(|| walk(theirs, &ts));
            let o = walk(ours, &os);
            let t = h.join().unwrap_or_else(|_| walk(theirs, &ts));
            (o, t)
        })
    } else {
        (walk(ours, &os), walk(theirs, &ts))
    };

    // Lines found nowhere in base get new ids, the same for both sides.
    for (text, starts, ids) in [(ours, &os, &mut oi), (theirs, &ts, &mut ti)] {
        for (i, id) in ids.iter_mut().enumerate() {
            if *id == NONE {
                *id = table.intern(line_at(text, starts, i));
            }
        }
    }
    let classes = table.len();
    drop(table);
    Numbered {
        base: Lines {
            text: base,
            starts: bstarts,
            ids: base_ids,
        },
        ours: Lines {
            text: ours,
            starts: os,
            ids: oi,
        },
        theirs: Lines {
            text: theirs,
            starts: ts,
            ids: ti,
        },
        classes,
        marker_run: run0.max(run1).max(run2),
        out,
    }
}

/// The three inputs split and numbered, and an empty output buffer of the requested capacity.
pub(crate) struct Numbered<'a> {
    pub base: Lines<'a>,
    pub ours: Lines<'a>,
    pub theirs: Lines<'a>,
    pub classes: usize,
    /// Longest run of a marker character opening a line of any input, if 7 or more (else 0).
    pub marker_run: usize,
    pub out: Vec<u8>,
}

/// `n` zeros, written out rather than left to `calloc`: a table that is read before it is
/// written (hash probes, counters) would otherwise fault twice per page, once to map the shared
/// zero page and again to copy it on the first write.
pub(crate) fn zeroed<T: Copy + Default>(n: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, T::default());
    v
}

/// An empty buffer whose pages have already been faulted in.
fn touched_buffer(cap: usize) -> Vec<u8> {
    let mut v = vec![1u8; cap];
    v.clear();
    v
}

/// Numbers base's lines; returns their ids, the table and base's longest marker-like run.
fn hash_base<'a>(
    base: &'a [u8],
    starts: &'a [u32],
    side_bytes: usize,
) -> (Vec<u32>, Table<'a>, usize) {
    let nb = starts.len() - 1;
    // Room for base's lines and a guess at the lines the sides add.
    let mut table = Table::new(base, starts, nb + side_bytes / 400 + 16);
    let mut run = 0;
    let ids = (0..nb)
        .map(|i| {
            run = run.max(marker_run(line_at(base, starts, i)));
            table.intern_base(i)
        })
        .collect();
    (ids, table, run)
}

/// How many base lines ahead of the walk a line is looked for before falling back to hashing.
const LOOKAHEAD: usize = 3;

/// Finds base ids for the lines of `text` (split at `starts`) by walking along base; lines not
/// in base get [`NONE`]. Also returns the longest marker-like run of `text`.
fn align<'a>(
    text: &'a [u8],
    starts: &[u32],
    base: &'a [u8],
    base_starts: &[u32],
    base_ids: &[u32],
    table: &Table<'a>,
) -> (Vec<u32>, usize) {
    let nb = base_ids.len();
    let mut ids = Vec::with_capacity(starts.len() - 1);
    let mut j = 0;
    let mut run = 0;
    'lines: for w in starts.windows(2) {
        let line = &text[w[0] as usize..w[1] as usize];
        run = run.max(marker_run(line));
        for k in 0..LOOKAHEAD.min(nb.saturating_sub(j)) {
            if line_at(base, base_starts, j + k) == line {
                ids.push(base_ids[j + k]);
                j += k + 1;
                continue 'lines;
            }
        }
        match table.get(line) {
            Some(id) => {
                if let Some(at) = table.unique_base_line(id) {
                    if at >= j {
                        j = at + 1;
                    }
                }
                ids.push(id);
            }
            None => ids.push(NONE),
        }
    }
    (ids, run)
}

/// [`split`] with 32-bit offsets, for the merge's per-line tables.
fn split32(text: &[u8]) -> Vec<u32> {
    let mut starts = Vec::with_capacity(text.len() / 32 + 2);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i as u32 + 1));
    if starts.last() != Some(&(text.len() as u32)) {
        starts.push(text.len() as u32);
    }
    starts
}

/// Line start offsets of `text`, followed by `text.len()`.
pub(crate) fn split(text: &[u8]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(text.len() / 32 + 2);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
    if starts.last() != Some(&text.len()) {
        starts.push(text.len());
    }
    starts
}

/// Renumbers two id sequences densely from 0, so a small diff inside a large file does not need
/// tables sized for the whole file. Returns the new sequences and the number of classes.
pub(crate) fn renumber(a: &[u32], b: &[u32]) -> (Vec<u32>, Vec<u32>, usize) {
    let mut map: HashMap<u32, u32, foldhash::fast::FixedState> =
        HashMap::with_capacity_and_hasher(a.len() + b.len(), Default::default());
    let mut conv = |s: &[u32]| -> Vec<u32> {
        s.iter()
            .map(|&id| {
                let next = map.len() as u32;
                *map.entry(id).or_insert(next)
            })
            .collect()
    };
    let na = conv(a);
    let nb = conv(b);
    (na, nb, map.len())
}

#[cfg(test)]
#[path = "lines_tests.rs"]
mod tests;
