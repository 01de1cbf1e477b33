//! Resolving conflict regions: replacing a region's lines with the chosen side, byte for byte.
//!
//! Content lines are copied as they are, so the file keeps its line endings; markers go away
//! whole. When the closing marker is the file's last line and has no newline, the replacement's
//! last newline is dropped too, so a file that ended without one still does.

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

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Choice::Ours => "ours",
            Choice::Theirs => "theirs",
            Choice::Both => "both",
            Choice::Base => "base",
            Choice::None => "none",
        })
    }
}

/// The bytes that replace the region's lines (`conflict.span.whole`) of `text` for `choice`.
pub fn replacement(text: &[u8], conflict: &ParsedConflict, choice: Choice) -> Result<Vec<u8>> {
    replacement_in(text, &split(text), conflict, choice)
}

fn replacement_in(
    text: &[u8],
    starts: &[usize],
    c: &ParsedConflict,
    choice: Choice,
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
    let mut out = Vec::new();
    match choice {
        Choice::Ours => out.extend_from_slice(lines(&c.span.ours)?),
        Choice::Theirs => out.extend_from_slice(lines(&c.span.theirs)?),
        Choice::Both => {
            out.extend_from_slice(lines(&c.span.ours)?);
            out.extend_from_slice(lines(&c.span.theirs)?);
        }
        Choice::Base => match &c.span.base {
            Some(b) => out.extend_from_slice(lines(b)?),
            None => {
                return Err(Error::invalid(format!(
                    "conflict at line {} has no base section; merge again with the diff3 style to resolve to base",
                    c.span.whole.start + 1
                )))
            }
        },
        Choice::None => {}
    }
    let whole = lines(&c.span.whole)?;
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
    let parsed = parse(text);
    let Some(c) = parsed.conflicts.get(index) else {
        return Err(Error::not_found(format!(
            "no conflict region #{} in the text: it has {}",
            index + 1,
            parsed.conflicts.len()
        )));
    };
    apply(text, std::slice::from_ref(c), choice)
}

/// Resolves every well-formed conflict region of `text` the same way; malformed regions are left
/// as they are (the parser reports them). Fails without changing anything if one region cannot
/// take the choice.
pub fn resolve_all(text: &[u8], choice: Choice) -> Result<Vec<u8>> {
    let parsed = parse(text);
    apply(text, &parsed.conflicts, choice)
}

pub(super) fn apply(text: &[u8], conflicts: &[ParsedConflict], choice: Choice) -> Result<Vec<u8>> {
    let starts = split(text);
    let mut out = Vec::with_capacity(text.len());
    let mut pos = 0;
    for c in conflicts {
        let rep = replacement_in(text, &starts, c, choice)?;
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
