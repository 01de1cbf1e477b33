//! Reading what the server sends: file URIs, diagnostic codes, a code action by title, and
//! LSP text edits applied to a string (UTF-16 positions).

use serde_json::Value;

pub fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// Codes of a diagnostics list.
pub fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The action titled `title` (exactly, or by prefix when `title` ends with `…`).
pub fn action<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| match title.strip_suffix('…') {
            Some(prefix) => a["title"].as_str().unwrap_or("").starts_with(prefix),
            None => a["title"] == title,
        })
        .unwrap_or_else(|| {
            let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
            panic!("no action {title:?} among {titles:?}")
        })
}

/// Byte offset of an LSP position (line, UTF-16 column) in `text`.
pub fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let character = pos["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16();
    }
    end
}

/// Applies LSP `TextEdit`s (non-overlapping, as a `WorkspaceEdit` holds them) to `text`.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, t);
    }
    out
}

/// The edits a code action makes to `path`.
pub fn edits_for(action: &Value, path: &std::path::Path) -> Vec<Value> {
    action["edit"]["changes"][uri(path)]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{} edits nothing in {}", action["title"], path.display()))
}

/// The first diagnostic with `code`.
pub fn find<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} among {diags:#?}"))
}
