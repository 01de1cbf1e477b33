//! Finding conflict regions in any text, and reporting the ones that are malformed.
//!
//! A region opens with a run of at least 7 `<`, and its `|||||||`, `=======` and `>>>>>>>`
//! markers must have exactly the opener's length: marker-like lines of another length are
//! content. That is what makes lengthened markers (see [`super::MarkerLen::Auto`]) safe around a
//! markdown heading underline, or around a conflict that was committed by accident. A marker is
//! the run alone on its line or followed by a space or tab and a label. Outside regions, `=` and
//! `|` runs are ordinary text (heading underlines, tables); a stray `>>>>>>>` is reported.

use std::ops::Range;

use super::{ConflictSpan, Labels, DEFAULT_MARKER_LEN};

/// A well-formed conflict region found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedConflict {
    pub span: ConflictSpan,
    /// The labels after the markers (`None` for a bare marker).
    pub labels: Labels,
}

/// What is wrong with a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedKind {
    /// `<<<<<<<` without a closing `>>>>>>>` of the same length before the end of the text.
    Unclosed,
    /// Closed without a `=======` separator.
    MissingSeparator,
    /// Another `<<<<<<<` of the same length inside the region.
    Nested,
    /// A second `=======` inside one region.
    DuplicateSeparator,
    /// A `|||||||` after the separator, or a second one.
    MisplacedBase,
    /// `>>>>>>>` with no region open.
    UnopenedClose,
}

impl MalformedKind {
    /// A sentence for diagnostics.
    pub fn describe(self) -> &'static str {
        match self {
            MalformedKind::Unclosed => "conflict region is never closed (no matching >>>>>>> line)",
            MalformedKind::MissingSeparator => "conflict region has no ======= separator",
            MalformedKind::Nested => {
                "conflict region contains another region with markers of the same length"
            }
            MalformedKind::DuplicateSeparator => {
                "conflict region has more than one ======= separator"
            }
            MalformedKind::MisplacedBase => {
                "conflict region has a ||||||| base marker in the wrong place"
            }
            MalformedKind::UnopenedClose => ">>>>>>> marker without an opening <<<<<<< line",
        }
    }
}

/// A region that could not be read as a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub kind: MalformedKind,
    /// The lines involved: the region from its opener to its closer (or to the end of the text).
    pub lines: Range<usize>,
    pub marker_len: usize,
}

/// Every conflict region of a text, in order, and the malformed ones.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedText {
    pub conflicts: Vec<ParsedConflict>,
    pub malformed: Vec<Malformed>,
}

impl ParsedText {
    /// True when the text has no conflict markers needing attention.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty() && self.malformed.is_empty()
    }
}

/// A marker line: its character, run length and label.
struct Marker<'a> {
    c: u8,
    len: usize,
    label: Option<&'a [u8]>,
}

fn marker(line: &[u8]) -> Option<Marker<'_>> {
    let &c = line.first()?;
    if !matches!(c, b'<' | b'|' | b'=' | b'>') {
        return None;
    }
    let len = line.iter().take_while(|&&b| b == c).count();
    if len < DEFAULT_MARKER_LEN {
        return None;
    }
    let mut rest = &line[len..];
    if let Some(r) = rest.strip_suffix(b"\n") {
        rest = r;
    }
    if let Some(r) = rest.strip_suffix(b"\r") {
        rest = r;
    }
    match rest.first() {
        None => Some(Marker {
            c,
            len,
            label: None,
        }),
        Some(b' ' | b'\t') => Some(Marker {
            c,
            len,
            label: Some(&rest[1..]),
        }),
        Some(_) => None,
    }
}

fn label(l: Option<&[u8]>) -> Option<String> {
    l.map(|b| String::from_utf8_lossy(b).into_owned())
}

/// A region being read.
struct Open {
    start: usize,
    len: usize,
    ours_label: Option<String>,
    base: Option<(usize, Option<String>)>,
    sep: Option<usize>,
    depth: usize,
    problem: Option<MalformedKind>,
}

/// Finds the conflict regions of `text` (any text: a merge result, a file someone edited).
pub fn parse(text: &[u8]) -> ParsedText {
    let mut out = ParsedText::default();
    let mut open: Option<Open> = None;
    let mut start = 0;
    let mut li = 0;
    while start < text.len() {
        let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |p| start + p + 1);
        let line = &text[start..end];
        start = end;
        let this = li;
        li += 1;
        let Some(mk) = marker(line) else { continue };
        let Some(r) = open.as_mut() else {
            match mk.c {
                b'<' => {
                    open = Some(Open {
                        start: this,
                        len: mk.len,
                        ours_label: label(mk.label),
                        base: None,
                        sep: None,
                        depth: 0,
                        problem: None,
                    })
                }
                b'>' => out.malformed.push(Malformed {
                    kind: MalformedKind::UnopenedClose,
                    lines: this..this + 1,
                    marker_len: mk.len,
                }),
                _ => {}
            }
            continue;
        };
        if mk.len != r.len {
            continue;
        }
        match mk.c {
            b'<' => {
                r.depth += 1;
                r.problem.get_or_insert(MalformedKind::Nested);
            }
            b'>' if r.depth > 0 => r.depth -= 1,
            _ if r.depth > 0 => {}
            b'|' => {
                if r.sep.is_some() || r.base.is_some() {
                    r.problem.get_or_insert(MalformedKind::MisplacedBase);
                } else {
                    r.base = Some((this, label(mk.label)));
                }
            }
            b'=' => {
                if r.sep.is_some() {
                    r.problem.get_or_insert(MalformedKind::DuplicateSeparator);
                } else {
                    r.sep = Some(this);
                }
            }
            _ => {
                // The closer of this region.
                let Some(r) = open.take() else { continue };
                let whole = r.start..this + 1;
                match (r.problem, r.sep) {
                    (Some(kind), _) => out.malformed.push(Malformed {
                        kind,
                        lines: whole,
                        marker_len: r.len,
                    }),
                    (None, None) => out.malformed.push(Malformed {
                        kind: MalformedKind::MissingSeparator,
                        lines: whole,
                        marker_len: r.len,
                    }),
                    (None, Some(sep)) => {
                        let ours_end = r.base.as_ref().map_or(sep, |b| b.0);
                        let (base, base_label) = match r.base {
                            Some((at, l)) => (Some(at + 1..sep), l),
                            None => (None, None),
                        };
                        out.conflicts.push(ParsedConflict {
                            span: ConflictSpan {
                                whole,
                                ours: r.start + 1..ours_end,
                                base,
                                theirs: sep + 1..this,
                                marker_len: r.len,
                            },
                            labels: Labels {
                                ours: r.ours_label,
                                base: base_label,
                                theirs: label(mk.label),
                            },
                        });
                    }
                }
            }
        }
    }
    if let Some(r) = open {
        out.malformed.push(Malformed {
            kind: r.problem.unwrap_or(MalformedKind::Unclosed),
            lines: r.start..li,
            marker_len: r.len,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_style_region_is_found_with_its_labels() {
        let t = b"a\n<<<<<<< ours\nx\n=======\ny\nz\n>>>>>>> theirs\nb\n";
        let p = parse(t);
        assert!(p.malformed.is_empty());
        assert_eq!(p.conflicts.len(), 1);
        let c = &p.conflicts[0];
        assert_eq!(c.span.whole, 1..7);
        assert_eq!(c.span.ours, 2..3);
        assert_eq!(c.span.base, None);
        assert_eq!(c.span.theirs, 4..6);
        assert_eq!(c.labels.ours.as_deref(), Some("ours"));
        assert_eq!(c.labels.theirs.as_deref(), Some("theirs"));
    }

    #[test]
    fn a_diff3_region_with_crlf_has_a_base_section_and_clean_labels() {
        let t = b"<<<<<<< a\r\nx\r\n||||||| b\r\nbase\r\n=======\r\n>>>>>>> c\r\n";
        let p = parse(t);
        let c = &p.conflicts[0];
        assert_eq!(c.span.ours, 1..2);
        assert_eq!(c.span.base, Some(3..4));
        assert_eq!(c.span.theirs, 5..5);
        assert_eq!(c.labels.base.as_deref(), Some("b"));
        assert_eq!(c.labels.theirs.as_deref(), Some("c"));
    }

    #[test]
    fn markers_of_another_length_inside_a_region_are_content() {
        let t = b"<<<<<<<< o\nTitle\n=======\n<<<<<<< x\n========\n>>>>>>>> t\n";
        let p = parse(t);
        assert!(p.malformed.is_empty(), "{:?}", p.malformed);
        assert_eq!(p.conflicts[0].span.ours, 1..4);
        assert_eq!(p.conflicts[0].span.theirs, 5..5);
        assert_eq!(p.conflicts[0].span.marker_len, 8);
    }

    #[test]
    fn heading_underlines_outside_regions_are_text() {
        let p = parse(b"Title\n=======\n\nSub\n|||||||\n");
        assert!(p.is_clean());
    }

    #[test]
    fn lines_that_only_start_like_markers_are_not_markers() {
        let p = parse(b"<<<<<<<<<x\n>>>>>>>y\n");
        assert!(p.is_clean());
    }

    #[test]
    fn an_unclosed_region_is_reported_to_the_end_of_the_text() {
        let p = parse(b"a\n<<<<<<< o\nx\n=======\ny");
        assert_eq!(
            p.malformed,
            vec![Malformed {
                kind: MalformedKind::Unclosed,
                lines: 1..5,
                marker_len: 7
            }]
        );
        assert!(p.conflicts.is_empty());
    }

    #[test]
    fn a_region_without_separator_is_reported() {
        let p = parse(b"<<<<<<< o\nx\n>>>>>>> t\n");
        assert_eq!(p.malformed[0].kind, MalformedKind::MissingSeparator);
        assert_eq!(p.malformed[0].lines, 0..3);
    }

    #[test]
    fn a_nested_region_is_reported_once_for_the_outer_region() {
        let t = b"<<<<<<< a\n<<<<<<< b\nx\n=======\ny\n>>>>>>> b\n=======\nz\n>>>>>>> a\nafter\n";
        let p = parse(t);
        assert_eq!(p.malformed.len(), 1);
        assert_eq!(p.malformed[0].kind, MalformedKind::Nested);
        assert_eq!(p.malformed[0].lines, 0..9);
        assert!(p.conflicts.is_empty());
    }

    #[test]
    fn duplicate_separator_misplaced_base_and_stray_closer_are_reported() {
        let p = parse(b"<<<<<<< a\nx\n=======\ny\n=======\n>>>>>>> b\n");
        assert_eq!(p.malformed[0].kind, MalformedKind::DuplicateSeparator);
        let p = parse(b"<<<<<<< a\n=======\n|||||||\n>>>>>>> b\n");
        assert_eq!(p.malformed[0].kind, MalformedKind::MisplacedBase);
        let p = parse(b"x\n>>>>>>> b\n");
        assert_eq!(p.malformed[0].kind, MalformedKind::UnopenedClose);
        assert_eq!(p.malformed[0].lines, 1..2);
    }

    #[test]
    fn a_region_after_a_malformed_one_is_still_found() {
        let t = b"<<<<<<< a\n>>>>>>> b\n<<<<<<< c\nx\n=======\ny\n>>>>>>> d";
        let p = parse(t);
        assert_eq!(p.malformed.len(), 1);
        assert_eq!(p.conflicts.len(), 1);
        assert_eq!(p.conflicts[0].span.whole, 2..7);
    }
}
