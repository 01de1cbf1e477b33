//! Positions: LSP's (line, UTF-16 column) against byte offsets into our UTF-8 text, and applying
//! incremental changes. The one place that knows about UTF-16.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Byte offset of `pos` in `text`, clamped to the line's end and the text's end.
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The position of byte offset `at` (which must be on a char boundary).
pub fn position(text: &str, at: usize) -> Position {
    let at = at.min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..at]
        .chars()
        .map(|c| c.len_utf16() as u32)
        .sum();
    Position { line, character }
}

/// Byte offset where 0-based `line` starts (the text's length past the last line).
pub fn line_start(text: &str, line: usize) -> usize {
    if line == 0 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 1)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// The range covering whole lines `lines.start..lines.end` (0-based, end exclusive).
pub fn lines_range(text: &str, lines: std::ops::Range<usize>) -> Range {
    Range {
        start: position(text, line_start(text, lines.start)),
        end: position(text, line_start(text, lines.end)),
    }
}

/// The range of the whole text.
pub fn whole(text: &str) -> Range {
    Range {
        start: Position::new(0, 0),
        end: position(text, text.len()),
    }
}

/// Applies one change from `didChange` (ranged, or the whole text).
pub fn apply(text: &mut String, change: &TextDocumentContentChangeEvent) {
    match change.range {
        Some(r) => {
            let start = offset(text, r.start);
            let end = offset(text, r.end).max(start);
            text.replace_range(start..end, &change.text);
        }
        None => *text = change.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_map_to_byte_offsets_and_back() {
        let text = "a😀b\néx\n";
        // 😀 is two UTF-16 units and four bytes.
        assert_eq!(offset(text, Position::new(0, 3)), 5);
        assert_eq!(position(text, 5), Position::new(0, 3));
        assert_eq!(offset(text, Position::new(1, 1)), 9);
        assert_eq!(
            offset(text, Position::new(0, 99)),
            6,
            "clamped to the line end"
        );
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn incremental_changes_apply_in_place() {
        let mut t = String::from("one\ntwo\n");
        apply(
            &mut t,
            &TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(1, 0), Position::new(1, 3))),
                range_length: None,
                text: "TWO".into(),
            },
        );
        assert_eq!(t, "one\nTWO\n");
        assert_eq!(
            lines_range(&t, 1..2),
            Range::new(Position::new(1, 0), Position::new(2, 0))
        );
    }
}
