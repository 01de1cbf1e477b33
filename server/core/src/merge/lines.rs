//! Splitting inputs into lines and numbering equal lines alike, so the diff compares integers.

use std::collections::HashMap;
use std::ops::Range;

/// One input split the way git's xdiff splits it: every line keeps its `\n` (and any `\r`
/// before it), and a last line without `\n` is a line of its own, so `a` and `a\n` differ.
#[derive(Debug)]
pub(crate) struct Lines<'a> {
    pub text: &'a [u8],
    /// Byte offset where each line starts, then `text.len()`.
    starts: Vec<usize>,
    /// Class of each line: equal bytes, equal class.
    pub ids: Vec<u32>,
}

impl<'a> Lines<'a> {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The bytes of line `i`, line ending included.
    pub fn line(&self, i: usize) -> &'a [u8] {
        &self.text[self.starts[i]..self.starts[i + 1]]
    }

    /// The bytes of a range of lines.
    pub fn bytes(&self, r: Range<usize>) -> &'a [u8] {
        &self.text[self.starts[r.start]..self.starts[r.end]]
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

    /// Length of the longest run of one marker character (`<`, `|`, `=`, `>`) opening a line,
    /// counting only runs of at least `min` (shorter ones cannot be read as markers).
    pub fn longest_marker_run(&self, min: usize) -> usize {
        let mut longest = 0;
        for i in 0..self.len() {
            let line = self.line(i);
            let Some(&c) = line.first() else { continue };
            if !matches!(c, b'<' | b'|' | b'=' | b'>') || line.len() < min {
                continue;
            }
            let run = line.iter().take_while(|&&b| b == c).count();
            if run >= min {
                longest = longest.max(run);
            }
        }
        longest
    }
}

/// Hands out class ids; one interner serves all three inputs so ids compare across them.
pub(crate) struct Interner<'a> {
    map: HashMap<&'a [u8], u32, foldhash::fast::FixedState>,
}

impl<'a> Interner<'a> {
    pub fn with_capacity(lines: usize) -> Self {
        Interner {
            map: HashMap::with_capacity_and_hasher(lines, foldhash::fast::FixedState::default()),
        }
    }

    /// Number of distinct lines seen so far; ids are below it.
    pub fn classes(&self) -> usize {
        self.map.len()
    }

    pub fn lines(&mut self, text: &'a [u8]) -> Lines<'a> {
        let starts = split(text);
        let n = starts.len() - 1;
        let mut ids = Vec::with_capacity(n);
        for w in starts.windows(2) {
            let next = self.map.len() as u32;
            ids.push(*self.map.entry(&text[w[0]..w[1]]).or_insert(next));
        }
        Lines { text, starts, ids }
    }
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
mod tests {
    use super::*;

    #[test]
    fn split_keeps_line_endings_and_an_unterminated_last_line() {
        assert_eq!(split(b""), vec![0]);
        assert_eq!(split(b"a\nb"), vec![0, 2, 3]);
        assert_eq!(split(b"a\r\nb\n"), vec![0, 3, 5]);
        assert_eq!(split(b"\n\n"), vec![0, 1, 2]);
    }

    #[test]
    fn equal_lines_share_an_id_and_a_missing_newline_makes_a_line_different() {
        let mut int = Interner::with_capacity(8);
        let a = int.lines(b"x\ny\nx");
        let b = int.lines(b"y\nx\n");
        assert_eq!(a.ids[0], b.ids[1]);
        assert_eq!(a.ids[1], b.ids[0]);
        assert_ne!(a.ids[2], a.ids[0]);
        assert_eq!(int.classes(), 3);
        assert_eq!(a.newlines(0..3), 2);
        assert_eq!(b.newlines(0..2), 2);
        assert_eq!(a.bytes(1..3), b"y\nx");
    }

    #[test]
    fn marker_runs_shorter_than_the_minimum_are_ignored() {
        let mut int = Interner::with_capacity(8);
        let l = int.lines(b"======\n=========\n<<<<<<< x\nabc =======\n");
        assert_eq!(l.longest_marker_run(7), 9);
        let l = int.lines(b"======\n");
        assert_eq!(l.longest_marker_run(7), 0);
    }
}
