//! Resolving conflict regions: replacing a region's lines with the chosen side, byte for byte.
//!
//! Content lines are copied as they are, so the file keeps its line endings; markers go away
//! whole. When the closing marker is the file's last line and has no newline, the replacement's
//! last newline is dropped too, so a file that ended without one still does.
//!
//! A merge input whose last line has no newline shows, inside a conflict region that reaches the
//! end of the text, with one added (a marker must start its own line; git does the same). The
//! markers cannot say so, so the caller that knows the inputs passes [`Unterminated`] and the
//! `*_exact` functions take that newline away again: taking a side gives that side's bytes
//! exactly, as `git merge-file --ours/--theirs/--union` would.

use std::str::FromStr;

use super::lines::split;
use super::parse::{parse, ParsedConflict};
use crate::error::{Error, Result};

/// What a conflict region is replaced with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Our lines.
    Ours,
    /// Their lines.
    Theirs,
    /// Our lines, then theirs.
    Both,
    /// The base lines (needs a region with a `|||||||` section).
    Base,
    /// Nothing: the region is deleted.
    None,
}

impl FromStr for Choice {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ours" => Ok(Choice::Ours),
            "theirs" => Ok(Choice::Theirs),
            "both" => Ok(Choice::Both),
            "base" => Ok(Choice::Base),
            "none" => Ok(Choice::None),
            _ => Err(Error::invalid(format!(
                "unknown resolution `{s}`: use ours, theirs, both, base or none"
            ))),
        }
    }
}

impl Choice {
    /// The name `resolve --take` and the server's `choice` use (`ours`, `theirs`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Ours => "ours",
            Choice::Theirs => "theirs",
            Choice::Both => "both",
            Choice::Base => "base",
            Choice::None => "none",
        }
    }
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which inputs of the merge that wrote the markers ended without a newline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unterminated {
    pub ours: bool,
    pub base: bool,
    pub theirs: bool,
}

impl Unterminated {
    /// From the merge's three inputs.
    pub fn of(base: &[u8], ours: &[u8], theirs: &[u8]) -> Self {
        let open = |t: &[u8]| !t.is_empty() && t.last() != Some(&b'\n');
        Unterminated {
            ours: open(ours),
            base: open(base),
            theirs: open(theirs),
        }
    }
}

/// The bytes that replace the region's lines (`conflict.span.whole`) of `text` for `choice`.
pub fn replacement(text: &[u8], conflict: &ParsedConflict, choice: Choice) -> Result<Vec<u8>> {
    replacement_in(
        text,
        &split(text),
        conflict,
        choice,
        Unterminated::default(),
    )
}

/// [`replacement`] that gives back a side's missing final newline (see the module doc).
pub fn replacement_exact(
    text: &[u8],
    conflict: &ParsedConflict,
    choice: Choice,
    ends: Unterminated,
) -> Result<Vec<u8>> {
    replacement_in(text, &split(text), conflict, choice, ends)
}

fn replacement_in(
    text: &[u8],
    starts: &[usize],
    c: &ParsedConflict,
    choice: Choice,
    ends: Unterminated,
) -> Result<Vec<u8>> {
    let lines = |r: &std::ops::Range<usize>| -> Result<&[u8]> {
        let (Some(&s), Some(&e)) = (starts.get(r.start), starts.get(r.end)) else {
            return Err(Error::invalid(format!(
                "conflict region at lines {}-{} is outside the text; parse the text again",
                c.span.whole.start + 1,
                c.span.whole.end
            )));
        };
        Ok(&text[s..e])
    };
    let whole = lines(&c.span.whole)?;
    // The newline the renderer added to an unterminated side: only in a region that ends the
    // text, and in the closing marker's line ending.
    let at_end = starts.get(c.span.whole.end) == Some(&text.len());
    let added: &[u8] = if whole.ends_with(b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    let side = |r: &std::ops::Range<usize>, open: bool| -> Result<&[u8]> {
        let s = lines(r)?;
        Ok(match s.strip_suffix(added) {
            Some(cut) if open && at_end => cut,
            _ => s,
        })
    };
    let mut out = Vec::new();
    match choice {
        Choice::Ours => out.extend_from_slice(side(&c.span.ours, ends.ours)?),
        Choice::Theirs => out.extend_from_slice(side(&c.span.theirs, ends.theirs)?),
        Choice::Both => {
            // git's union: ours keeps its added newline, so theirs starts a line of its own.
            out.extend_from_slice(lines(&c.span.ours)?);
            out.extend_from_slice(side(&c.span.theirs, ends.theirs)?);
        }
        Choice::Base => match &c.span.base {
            Some(b) => out.extend_from_slice(side(b, ends.base)?),
            None => {
                return Err(Error::invalid(format!(
                    "conflict at line {} has no base section; merge again with the diff3 style to resolve to base",
                    c.span.whole.start + 1
                )))
            }
        },
        Choice::None => {}
    }
    if whole.last() != Some(&b'\n') && out.last() == Some(&b'\n') {
        out.pop();
        if out.last() == Some(&b'\r') {
            out.pop();
        }
    }
    Ok(out)
}

/// Resolves the `index`-th (0-based) conflict region of `text`.
pub fn resolve_one(text: &[u8], index: usize, choice: Choice) -> Result<Vec<u8>> {
    resolve_one_exact(text, index, choice, Unterminated::default())
}

/// [`resolve_one`] that gives back a side's missing final newline (see the module doc).
pub fn resolve_one_exact(
    text: &[u8],
    index: usize,
    choice: Choice,
    ends: Unterminated,
) -> Result<Vec<u8>> {
    let parsed = parse(text);
    let Some(c) = parsed.conflicts.get(index) else {
        return Err(Error::not_found(format!(
            "no conflict region #{} in the text: it has {}",
            index + 1,
            parsed.conflicts.len()
        )));
    };
    apply(text, std::slice::from_ref(c), choice, ends)
}

/// Resolves every well-formed conflict region of `text` the same way; malformed regions are left
/// as they are (the parser reports them). Fails without changing anything if one region cannot
/// take the choice.
pub fn resolve_all(text: &[u8], choice: Choice) -> Result<Vec<u8>> {
    resolve_all_exact(text, choice, Unterminated::default())
}

/// [`resolve_all`] that gives back a side's missing final newline (see the module doc).
pub fn resolve_all_exact(text: &[u8], choice: Choice, ends: Unterminated) -> Result<Vec<u8>> {
    let parsed = parse(text);
    apply(text, &parsed.conflicts, choice, ends)
}

pub(super) fn apply(
    text: &[u8],
    conflicts: &[ParsedConflict],
    choice: Choice,
    ends: Unterminated,
) -> Result<Vec<u8>> {
    let starts = split(text);
    let mut out = Vec::with_capacity(text.len());
    let mut pos = 0;
    for c in conflicts {
        let rep = replacement_in(text, &starts, c, choice, ends)?;
        let from = starts[c.span.whole.start];
        out.extend_from_slice(&text[pos..from]);
        out.extend_from_slice(&rep);
        pos = starts[c.span.whole.end];
    }
    out.extend_from_slice(&text[pos..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF3: &[u8] = b"top\r\n<<<<<<< o\r\nmine\r\n||||||| b\r\nold\r\n=======\r\ntheirs\r\n>>>>>>> t\r\nend\r\n";

    #[test]
    fn each_choice_gives_its_lines_and_keeps_crlf() {
        let r = |c| resolve_all(DIFF3, c).unwrap_or_default();
        assert_eq!(r(Choice::Ours), b"top\r\nmine\r\nend\r\n");
        assert_eq!(r(Choice::Theirs), b"top\r\ntheirs\r\nend\r\n");
        assert_eq!(r(Choice::Both), b"top\r\nmine\r\ntheirs\r\nend\r\n");
        assert_eq!(r(Choice::Base), b"top\r\nold\r\nend\r\n");
        assert_eq!(r(Choice::None), b"top\r\nend\r\n");
    }

    #[test]
    fn base_is_refused_for_a_region_without_base_section() {
        let t = b"<<<<<<< o\na\n=======\nb\n>>>>>>> t\n";
        let err = resolve_all(t, Choice::Base)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("no base section"), "{err}");
    }

    #[test]
    fn resolving_one_region_leaves_the_others() {
        let t = b"<<<<<<< o\na\n=======\nb\n>>>>>>> t\nmid\n<<<<<<< o\nc\n=======\nd\n>>>>>>> t\n";
        let got = resolve_one(t, 1, Choice::Theirs).unwrap_or_default();
        assert_eq!(got, b"<<<<<<< o\na\n=======\nb\n>>>>>>> t\nmid\nd\n");
        assert!(resolve_one(t, 2, Choice::Ours).is_err());
    }

    #[test]
    fn a_closer_without_newline_at_the_end_keeps_the_file_unterminated() {
        let t = b"x\n<<<<<<< o\na\n=======\nb\n>>>>>>> t";
        assert_eq!(resolve_all(t, Choice::Ours).unwrap_or_default(), b"x\na");
        assert_eq!(resolve_all(t, Choice::Both).unwrap_or_default(), b"x\na\nb");
    }

    #[test]
    fn an_unterminated_side_comes_back_without_the_added_newline() {
        // base "x\nend", ours "x\nend (project)\n", theirs "x\nend (collection)" (no newline).
        let t = b"x\n<<<<<<< o\nend (project)\n=======\nend (collection)\n>>>>>>> t\n";
        let ends = Unterminated::of(b"x\nend", b"x\nend (project)\n", b"x\nend (collection)");
        let r = |c| resolve_all_exact(t, c, ends).unwrap_or_default();
        assert_eq!(r(Choice::Theirs), b"x\nend (collection)");
        assert_eq!(r(Choice::Ours), b"x\nend (project)\n");
        assert_eq!(r(Choice::Both), b"x\nend (project)\nend (collection)");
        let crlf = b"x\r\n<<<<<<< o\r\np\r\n=======\r\nc\r\n>>>>>>> t\r\n";
        let ends = Unterminated {
            ours: true,
            base: false,
            theirs: true,
        };
        assert_eq!(
            resolve_all_exact(crlf, Choice::Ours, ends).unwrap_or_default(),
            b"x\r\np"
        );
        // A region followed by more text keeps its lines as they are.
        let mid = b"<<<<<<< o\np\n=======\nc\n>>>>>>> t\nafter\n";
        assert_eq!(
            resolve_all_exact(mid, Choice::Ours, ends).unwrap_or_default(),
            b"p\nafter\n"
        );
    }

    #[test]
    fn choices_parse_from_their_names() {
        for c in [
            Choice::Ours,
            Choice::Theirs,
            Choice::Both,
            Choice::Base,
            Choice::None,
        ] {
            assert_eq!(c.to_string().parse::<Choice>().ok(), Some(c));
        }
        assert!("mine".parse::<Choice>().is_err());
    }
}
