//! `//- path` fixtures: a whole file tree written as one indented string in the test. The
//! server's in-process `check` tests (server/src/lsp/tests) compile this same file by `#[path]`.
//!
//! ```text
//! //- collection/skills/pdf/SKILL.md
//! ---
//! name: pdf
//! ---
//! Body.
//! //- collection/commands/review.md noeol
//! Review.
//! //- project/.claude/empty.md
//! ```
//!
//! The rules, exactly:
//!
//! - The indentation the non-blank lines share is stripped (fixtures sit indented in the test).
//! - A line `//- <path>` starts a file; the path is relative to the test's temporary root. Lines
//!   before the first header are ignored.
//! - A file's body is its lines up to the next header or the end of the fixture, each ending in
//!   `\n`, **less any blank (whitespace-only) lines at its end**. So a body ends with exactly one
//!   `\n` after its last non-blank line, whatever sits on the line of the closing `"#`, and a
//!   header with no lines under it makes an empty file.
//! - `noeol` after the path (as in Vim's `'noeol'`) writes the body without its final `\n`.
//! - Not expressible (keep an `env.write` for these): trailing blank lines, `\r\n` line ends,
//!   a content line that itself starts with `//- `.

/// The lines of `text` without the indentation its non-blank lines share.
pub fn dedent(text: &str) -> impl Iterator<Item = &str> {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(move |l| l.get(indent..).unwrap_or_else(|| l.trim_start()))
}

/// The files of `fixture` as (path, body), in order.
pub fn parse(fixture: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut noeol: Vec<bool> = Vec::new();
    for line in dedent(fixture) {
        if let Some(header) = line.strip_prefix("//- ") {
            let header = header.trim();
            let (path, flag) = match header.rsplit_once(char::is_whitespace) {
                Some((path, "noeol")) => (path.trim_end(), true),
                _ => (header, false),
            };
            files.push((path.to_string(), String::new()));
            noeol.push(flag);
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    for ((_, body), noeol) in files.iter_mut().zip(noeol) {
        let kept = body.trim_end_matches(|c: char| c.is_whitespace()).len();
        if kept == 0 {
            body.clear();
            continue;
        }
        // Back to the end of the last non-blank line, then keep exactly its `\n` (unless noeol).
        let end = kept + body[kept..].find('\n').unwrap_or(body.len() - kept);
        body.truncate(end);
        if !noeol {
            body.push('\n');
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn file(path: &str, body: &str) -> (String, String) {
        (path.to_string(), body.to_string())
    }

    #[test]
    fn the_closing_line_adds_nothing_to_the_last_file() {
        let indented = parse(
            r#"
            //- a.md
            A.
            //- b.md
            B.
            "#,
        );
        assert_eq!(indented, [file("a.md", "A.\n"), file("b.md", "B.\n")]);
        // The same with the closing quote at column 0, and with no final line end at all.
        assert_eq!(parse("//- b.md\nB.\n"), [file("b.md", "B.\n")]);
        assert_eq!(parse("//- b.md\nB."), [file("b.md", "B.\n")]);
    }

    #[test]
    fn blank_lines_end_a_file_only_inside_it() {
        let got = parse(
            r#"
            //- a.md
            one

              indented two

            //- b.md
            "#,
        );
        assert_eq!(
            got,
            [file("a.md", "one\n\n  indented two\n"), file("b.md", "")]
        );
    }

    #[test]
    fn noeol_drops_the_final_newline_only() {
        let got = parse(
            r#"
            //- a.md noeol
            one
            two
            //- dir with space/b.md
            B.
            "#,
        );
        assert_eq!(
            got,
            [
                file("a.md", "one\ntwo"),
                file("dir with space/b.md", "B.\n")
            ]
        );
    }

    #[test]
    fn trailing_spaces_inside_a_line_are_kept() {
        assert_eq!(
            parse("//- a.md\nkeep  \nlast  \n   \n"),
            [file("a.md", "keep  \nlast  \n")]
        );
    }
}
