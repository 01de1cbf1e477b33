//! Writing the merged text with git's markers and line-ending rules, recording its regions.
//!
//! Marker lines end in CRLF when the lines around the conflict do (git looks at the line before
//! the conflict in ours, then in theirs, then at the base's first line). A side whose last line
//! has no newline gets one inside a conflict, since a marker has to start on a line of its own.

use super::lines::Lines;
use super::three_way::{Chunk, Mode};
use super::{
    ConflictSpan, ConflictStyle, Favor, MarkerLen, MergeConflict, MergeOptions, MergeResult,
    Region, DEFAULT_MARKER_LEN,
};

/// The three split inputs.
pub(crate) struct Inputs<'a> {
    pub base: &'a Lines<'a>,
    pub ours: &'a Lines<'a>,
    pub theirs: &'a Lines<'a>,
}

/// The marker length to use, given the longest marker-like run found in the inputs (0: none).
pub(crate) fn marker_len(want: MarkerLen, longest_run: usize) -> usize {
    match want {
        MarkerLen::Exact(0) => DEFAULT_MARKER_LEN,
        MarkerLen::Exact(n) => n,
        MarkerLen::Auto if longest_run == 0 => DEFAULT_MARKER_LEN,
        MarkerLen::Auto => longest_run + 1,
    }
}

/// Number of lines in `text`, counting a last line without newline.
pub(crate) fn count_lines(text: &[u8]) -> usize {
    let nl = memchr::memchr_iter(b'\n', text).count();
    nl + usize::from(!text.is_empty() && text.last() != Some(&b'\n'))
}

/// A result that is one input unchanged (the other side changed nothing).
pub(crate) fn verbatim(text: &[u8], marker_len: usize) -> MergeResult {
    let n = count_lines(text);
    MergeResult {
        text: text.to_vec(),
        regions: if n > 0 {
            vec![Region::Clean { lines: 0..n }]
        } else {
            Vec::new()
        },
        conflicts: 0,
        marker_len,
    }
}

/// 1 if line `i` ends in CRLF (for an unterminated last line: the line before it), 0 if in LF,
/// -1 when it cannot be told.
fn eol_crlf(l: &Lines<'_>, i: usize) -> i8 {
    let n = l.len();
    let crlf = |line: &[u8]| i8::from(line.len() > 1 && line[line.len() - 2] == b'\r');
    if n == 0 {
        return -1;
    }
    if i + 1 < n {
        return crlf(l.line(i));
    }
    let line = l.line(i);
    if line.last() == Some(&b'\n') {
        return crlf(line);
    }
    if i == 0 {
        return -1;
    }
    crlf(l.line(i - 1))
}

/// Whether markers and added newlines for this chunk should be CRLF.
fn needs_cr(inp: &Inputs<'_>, m: &Chunk) -> bool {
    let before = |i: isize| if i > 0 { (i - 1) as usize } else { 0 };
    let mut cr = eol_crlf(inp.ours, before(m.i1));
    if cr != 0 {
        cr = eol_crlf(inp.theirs, before(m.i2));
    }
    if cr != 0 {
        cr = eol_crlf(inp.base, 0);
    }
    cr > 0
}

/// Output buffer that counts newlines, so regions get line numbers without a second pass.
struct Out {
    buf: Vec<u8>,
    nl: usize,
}

impl Out {
    fn copy(&mut self, l: &Lines<'_>, start: isize, len: isize, cr: bool, add_nl: bool) {
        if len < 1 {
            return;
        }
        let r = start as usize..(start + len) as usize;
        self.buf.extend_from_slice(l.bytes(r.clone()));
        self.nl += l.newlines(r);
        if add_nl && self.buf.last() != Some(&b'\n') {
            if cr {
                self.buf.push(b'\r');
            }
            self.buf.push(b'\n');
            self.nl += 1;
        }
    }

    fn marker(&mut self, c: u8, len: usize, label: Option<&str>, cr: bool) {
        self.buf.resize(self.buf.len() + len, c);
        if let Some(label) = label {
            self.buf.push(b' ');
            self.buf.extend_from_slice(label.as_bytes());
        }
        if cr {
            self.buf.push(b'\r');
        }
        self.buf.push(b'\n');
        self.nl += 1;
    }

    /// Line index just past everything written (a partial last line counts).
    fn end_line(&self) -> usize {
        self.nl + usize::from(!self.buf.is_empty() && self.buf.last() != Some(&b'\n'))
    }
}

/// git's `xdl_fill_merge_buffer`, recording clean and conflict regions on the way; writes into
/// `buf` (empty, ideally with room for the result).
pub(crate) fn render(
    inp: &Inputs<'_>,
    chunks: &[Chunk],
    opts: &MergeOptions,
    marker_len: usize,
    buf: Vec<u8>,
) -> MergeResult {
    let mut out = Out { buf, nl: 0 };
    let mut regions = Vec::new();
    let mut clean_from = 0;
    let show_base = matches!(
        opts.style,
        ConflictStyle::Diff3 | ConflictStyle::ZealousDiff3
    );
    let labels = &opts.labels;
    let mut i: isize = 0;

    for m in chunks {
        let mode = match (m.mode, opts.favor) {
            (Mode::Conflict, Favor::Ours) => Mode::Ours,
            (Mode::Conflict, Favor::Theirs) => Mode::Theirs,
            (Mode::Conflict, Favor::Union) => Mode::Union,
            (mode, _) => mode,
        };
        match mode {
            Mode::Same => continue,
            Mode::Ours | Mode::Theirs | Mode::Union => {
                out.copy(inp.ours, i, m.i1 - i, false, false);
                if matches!(mode, Mode::Ours | Mode::Union) {
                    let cr = needs_cr(inp, m);
                    out.copy(inp.ours, m.i1, m.chg1, cr, mode == Mode::Union);
                }
                if matches!(mode, Mode::Theirs | Mode::Union) {
                    out.copy(inp.theirs, m.i2, m.chg2, false, false);
                }
            }
            Mode::Conflict => {
                let cr = needs_cr(inp, m);
                out.copy(inp.ours, i, m.i1 - i, false, false);
                let start = out.nl;
                if start > clean_from {
                    regions.push(Region::Clean {
                        lines: clean_from..start,
                    });
                }
                out.marker(b'<', marker_len, labels.ours.as_deref(), cr);
                let ours_from = out.nl;
                out.copy(inp.ours, m.i1, m.chg1, cr, true);
                let ours = ours_from..out.nl;
                let base = if show_base {
                    out.marker(b'|', marker_len, labels.base.as_deref(), cr);
                    let from = out.nl;
                    out.copy(inp.base, m.i0, m.chg0, cr, true);
                    Some(from..out.nl)
                } else {
                    None
                };
                out.marker(b'=', marker_len, None, cr);
                let theirs_from = out.nl;
                out.copy(inp.theirs, m.i2, m.chg2, cr, true);
                let theirs = theirs_from..out.nl;
                out.marker(b'>', marker_len, labels.theirs.as_deref(), cr);
                clean_from = out.nl;
                let range = |s: isize, n: isize| s as usize..(s + n) as usize;
                regions.push(Region::Conflict(MergeConflict {
                    span: ConflictSpan {
                        whole: start..out.nl,
                        ours,
                        base,
                        theirs,
                        marker_len,
                    },
                    ours_input: range(m.i1, m.chg1),
                    theirs_input: range(m.i2, m.chg2),
                    base_input: show_base.then(|| range(m.i0, m.chg0)),
                }));
            }
        }
        i = m.i1 + m.chg1;
    }
    let n1 = inp.ours.len() as isize;
    out.copy(inp.ours, i, n1 - i, false, false);
    let end = out.end_line();
    if end > clean_from {
        regions.push(Region::Clean {
            lines: clean_from..end,
        });
    }
    let conflicts = regions
        .iter()
        .filter(|r| matches!(r, Region::Conflict(_)))
        .count();
    MergeResult {
        text: out.buf,
        regions,
        conflicts,
        marker_len,
    }
}
