//! Revert one drift hunk from its hover: `skillmeat.revertHunk` {uri, line} answers with the
//! buffer edit that puts the deployed text back for the hunk covering `line`
//! (`handlers::execute_command` sends it with `workspace/applyEdit`, so it is undoable and
//! nothing is written), and `link` is the `command:` link the hover carries (VS Code runs it
//! from a trusted hover).

use std::collections::HashMap;

use lsp_types::{TextEdit, Url, WorkspaceEdit};
use serde_json::{json, Value};

use crate::lsp::args::{invalid, Args};
use crate::lsp::from_proto;
use crate::lsp::pos;
use crate::lsp::state::State;
use crate::lsp::to_proto::RequestError;

pub const COMMAND: &str = "skillmeat.revertHunk";

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A Markdown link that runs `skillmeat.revertHunk` for the hunk at `line` of `uri`.
pub fn link(uri: &Url, line: u32) -> String {
    let args = json!([{ "uri": uri, "line": line }]).to_string();
    format!(
        "[Revert this hunk](command:{COMMAND}?{} \"Put the deployed text back (an unsaved, undoable edit)\")",
        encode(&args)
    )
}

/// `skillmeat.revertHunk` {uri, line}: `{"uri", "line", "edit"}` for the drift hunk covering the
/// 0-based `line` of the document (its buffer text when open).
pub fn execute(s: &State, a: &Args) -> Result<Value, RequestError> {
    let u = a.req("uri")?;
    let uri = from_proto::uri(u).map_err(|e| invalid(format!("`uri`: {e}")))?;
    let line = a
        .number("line")?
        .ok_or_else(|| invalid("`line` is required (0-based)"))? as u32;
    let path = from_proto::path(&uri).ok_or_else(|| invalid("`uri` must be a file: URI"))?;
    let (i, id, rel) = s
        .locate(&path)
        .ok_or_else(|| invalid(format!("{u} is no file of a project artifact")))?;
    let ws = s.folders[&i]
        .ws
        .as_ref()
        .ok_or_else(|| invalid("the workspace could not be opened"))?;
    let text = match s.docs.get(&path) {
        Some(d) => d.text.clone(),
        None => std::fs::read_to_string(&path)
            .map_err(|e| invalid(format!("{}: {e}", path.display())))?,
    };
    let deployed = ws
        .baseline_file(&id, &rel)
        .map_err(|e| crate::lsp::args::failed(&e))?
        .ok_or_else(|| invalid(format!("{id}: {rel} has no deployed version to revert to")))?;
    let deployed = String::from_utf8_lossy(&deployed);
    let hunk = super::diagnostics::hunks(&id.to_string(), &rel, &deployed, &text)
        .into_iter()
        .find(|d| {
            let r = d.range;
            (r.start.line <= line && line < r.end.line.max(r.start.line + 1))
                || (r.start == r.end && r.start.line == line)
        })
        .ok_or_else(|| {
            invalid(format!(
                "{rel}:{}: no change against the deployed version here",
                line + 1
            ))
        })?;
    let data = hunk.data.as_ref();
    let old = data
        .and_then(|d| d.get("oldText"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let lines = data
        .and_then(|d| d.get("newLines"))
        .and_then(Value::as_array)
        .and_then(|l| Some((l.first()?.as_u64()?, l.get(1)?.as_u64()?)))
        .ok_or_else(|| invalid("the hunk carries no line range"))?;
    let range = pos::lines_range(&text, lines.0 as usize..lines.1 as usize);
    let edit = WorkspaceEdit {
        changes: Some(HashMap::from([(
            uri.clone(),
            vec![TextEdit {
                range,
                new_text: old.to_string(),
            }],
        )])),
        ..Default::default()
    };
    Ok(json!({ "uri": uri, "line": line, "edit": edit }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_link_carries_the_arguments_encoded() {
        let uri = crate::lsp::from_proto::uri("file:///p/a%20b/SKILL.md").unwrap();
        let l = super::link(&uri, 7);
        assert!(l.starts_with("[Revert this hunk](command:skillmeat.revertHunk?%5B%7B%22"));
        assert!(l.contains("%22line%22%3A7"), "{l}");
    }
}
