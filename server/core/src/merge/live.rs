//! Which marker regions are live conflicts: in a file a sync left an open conflict record for,
//! every region; anywhere else, only regions outside Markdown fenced code blocks, so a skill
//! that documents conflict markers in a ```` ``` ```` example is never reported, rewritten or
//! refused as a conflict.

use super::parse::{parse, ParsedConflict, ParsedText};
use super::resolve::{apply, Choice, Unterminated};
use crate::error::Result;

/// True for the file names Markdown fences apply to.
pub fn is_markdown(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    [".md", ".markdown", ".mdx"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// A fence line's character and run length (CommonMark: up to three spaces of indent, then
/// three or more backticks or tildes; a backtick fence's info string has no backtick).
fn fence(line: &[u8]) -> Option<(u8, usize, &[u8])> {
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let &c = rest.first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let len = rest.iter().take_while(|&&b| b == c).count();
    if len < 3 {
        return None;
    }
    let info = &rest[len..];
    if c == b'`' && info.contains(&b'`') {
        return None;
    }
    Some((c, len, info))
}

/// For each line of `text` (split after `\n`), whether it belongs to a fenced code block,
/// fence lines included. A fence left open runs to the end of the text, as in CommonMark.
pub fn fenced_lines(text: &[u8]) -> Vec<bool> {
    let mut out = Vec::new();
    let mut open: Option<(u8, usize)> = None;
    for line in text.split_inclusive(|&b| b == b'\n') {
        match (open, fence(line)) {
            (None, Some((c, len, _))) => {
                open = Some((c, len));
                out.push(true);
            }
            (Some((c, len)), Some((c2, len2, info)))
                if c2 == c && len2 >= len && info.iter().all(|b| b.is_ascii_whitespace()) =>
            {
                open = None;
                out.push(true);
            }
            (Some(_), _) => out.push(true),
            (None, None) => out.push(false),
        }
    }
    out
}

/// The text with every fenced line emptied (its line ending kept), so line numbers stay the
/// same and no marker inside a fence is seen.
fn without_fences(text: &[u8]) -> Vec<u8> {
    let fenced = fenced_lines(text);
    let mut out = Vec::with_capacity(text.len());
    for (line, f) in text.split_inclusive(|&b| b == b'\n').zip(fenced) {
        if f {
            if line.ends_with(b"\n") {
                out.push(b'\n');
            }
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The live conflict regions of file `rel` with content `text`: all of them when the file has an
/// open conflict record (`recorded`), else those outside Markdown fenced code blocks.
pub fn parse_live(text: &[u8], rel: &str, recorded: bool) -> ParsedText {
    if recorded || !is_markdown(rel) {
        return parse(text);
    }
    // Cheap exit for the common case: no fence at all.
    if !text.windows(3).any(|w| w == b"```" || w == b"~~~") {
        return parse(text);
    }
    parse(&without_fences(text))
}

/// The 1-based line of the first live region (well-formed or not) of a file, if any.
pub fn first_live_line(text: &[u8], rel: &str, recorded: bool) -> Option<usize> {
    let p = parse_live(text, rel, recorded);
    let a = p.conflicts.first().map(|c| c.span.whole.start);
    let b = p.malformed.first().map(|m| m.lines.start);
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b) + 1),
        (a, b) => a.or(b).map(|l| l + 1),
    }
}

/// Resolves every live well-formed region of the file the same way (see [`super::resolve_all`]).
pub fn resolve_all_live(text: &[u8], rel: &str, recorded: bool, choice: Choice) -> Result<Vec<u8>> {
    let parsed = parse_live(text, rel, recorded);
    resolve_parsed(text, &parsed.conflicts, choice, Unterminated::default())
}

/// Resolves the given regions (found by a parse of this same text) the same way.
pub fn resolve_parsed(
    text: &[u8],
    conflicts: &[ParsedConflict],
    choice: Choice,
    ends: Unterminated,
) -> Result<Vec<u8>> {
    apply(text, conflicts, choice, ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &[u8] = b"# Resolving\n\nA conflict looks like this:\n\n```text\n<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n```\n\nDone.\n";

    #[test]
    fn markers_in_a_fence_are_not_live_unless_the_file_has_an_open_record() {
        assert!(parse_live(DOC, "SKILL.md", false).is_clean());
        assert_eq!(first_live_line(DOC, "SKILL.md", false), None);
        assert_eq!(parse_live(DOC, "SKILL.md", true).conflicts.len(), 1);
        // Fences mean nothing outside Markdown.
        assert_eq!(parse_live(DOC, "run.py", false).conflicts.len(), 1);
    }

    #[test]
    fn markers_outside_a_fence_stay_live_with_their_line() {
        let mut t = DOC.to_vec();
        t.extend_from_slice(b"<<<<<<< project (1)\na\n=======\nb\n>>>>>>> collection (2)\n");
        let p = parse_live(&t, "SKILL.md", false);
        assert_eq!(p.conflicts.len(), 1);
        assert_eq!(first_live_line(&t, "SKILL.md", false), Some(14));
        let resolved = resolve_all_live(&t, "SKILL.md", false, Choice::Theirs).unwrap_or_default();
        let mut want = DOC.to_vec();
        want.extend_from_slice(b"b\n");
        assert_eq!(resolved, want, "the fenced example is left as it was");
    }

    #[test]
    fn tilde_fences_longer_closers_and_unclosed_fences() {
        let t = b"~~~~\n<<<<<<< a\n~~~\nx\n=======\n~~~~~\n>>>>>>> b\n";
        // `~~~` is too short to close a `~~~~` fence; `~~~~~` closes it, so `>>>>>>>` is outside.
        let f = fenced_lines(t);
        assert_eq!(f, [true, true, true, true, true, true, false]);
        assert_eq!(parse_live(t, "a.md", false).malformed.len(), 1);
        let open = b"```\n<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n";
        assert!(parse_live(open, "a.md", false).is_clean());
        assert!(
            fence(b"    ```\n").is_none(),
            "four spaces make an indented code block"
        );
    }
}
