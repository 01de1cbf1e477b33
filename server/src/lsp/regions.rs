//! Conflict regions shown better than the markers: a CodeLens row over each live region
//! (Accept ours | theirs | both | base), and `skillmeat.acceptConflict`, the command those lenses
//! run, which answers with a buffer edit the server applies through `workspace/applyEdit` (so
//! the editor's undo reverses it and nothing is written until the person saves).

use std::collections::HashMap;

use lsp_types::{CodeLens, Command, Position, Range, TextEdit, Url, WorkspaceEdit};
use serde_json::{json, Value};
use skillmeat_core::merge::{self, Choice};

use super::args::{failed, invalid, Args};
use super::from_proto;
use super::pos;
use super::state::State;
use super::to_proto::RequestError;

/// The document's text (the editor buffer when open) and whether its file has an open conflict
/// record, for a project file of an artifact.
fn text_of(s: &State, uri: &Url) -> Option<(String, String, bool)> {
    let path = from_proto::path(uri)?;
    let (i, id, rel) = s.locate(&path)?;
    let text = match s.docs.get(&path) {
        Some(d) => d.text.clone(),
        None => std::fs::read_to_string(&path).ok()?,
    };
    let recorded = s.folders[&i]
        .ws
        .as_ref()
        .and_then(|ws| ws.open_conflict_files(&id).ok())
        .is_some_and(|f| f.contains(&rel));
    Some((text, rel, recorded))
}

/// One lens row per live conflict region of `uri`.
pub fn lenses(s: &State, uri: &Url) -> Vec<CodeLens> {
    let Some((text, rel, recorded)) = text_of(s, uri) else {
        return Vec::new();
    };
    let parsed = merge::parse_live(text.as_bytes(), &rel, recorded);
    let mut out = Vec::new();
    for (n, c) in parsed.conflicts.iter().enumerate() {
        let line = c.span.whole.start as u32;
        let at = Range::new(Position::new(line, 0), Position::new(line, 0));
        let mut choices = vec![
            (Choice::Ours, c.labels.ours.as_deref()),
            (Choice::Theirs, c.labels.theirs.as_deref()),
            (Choice::Both, None),
        ];
        if c.span.base.is_some() {
            choices.push((Choice::Base, c.labels.base.as_deref()));
        }
        for (choice, label) in choices {
            let title = match label {
                Some(l) => format!("Accept {choice} ({l})"),
                None => format!("Accept {choice}"),
            };
            out.push(CodeLens {
                range: at,
                command: Some(Command {
                    title,
                    command: "skillmeat.acceptConflict".into(),
                    arguments: Some(vec![
                        json!({ "uri": uri, "region": n, "choice": choice.to_string() }),
                    ]),
                }),
                data: None,
            });
        }
    }
    out
}

/// `skillmeat.acceptConflict` {uri, region, choice}: the edit that replaces that region of the
/// document by the chosen side, as `{"edit": WorkspaceEdit}` (the backend applies it).
pub fn accept(s: &State, a: &Args) -> Result<Value, RequestError> {
    let u = a.req("uri")?;
    let uri = from_proto::uri(u).map_err(|e| invalid(format!("`uri`: {e}")))?;
    let region = a
        .number("region")?
        .ok_or_else(|| invalid("`region` is required (the region's 0-based index)"))?
        as usize;
    let choice: Choice = a
        .parsed("choice")?
        .ok_or_else(|| invalid("`choice` is required: ours, theirs, both or base"))?;
    let (text, rel, recorded) = text_of(s, &uri)
        .ok_or_else(|| invalid(format!("`uri`: {u} is no file of a project artifact")))?;
    // Which sides ended without a final newline, so the region gives back that side's exact bytes.
    let ends = from_proto::path(&uri)
        .and_then(|p| s.locate(&p))
        .and_then(|(i, id, rel)| {
            let ws = s.folders[&i].ws.as_ref()?;
            ws.merge_inputs_unterminated(&id, &rel).ok()
        })
        .unwrap_or_default();
    let parsed = merge::parse_live(text.as_bytes(), &rel, recorded);
    let c = parsed.conflicts.get(region).ok_or_else(|| {
        invalid(format!(
            "{rel} has {} conflict region(s), no region #{region}",
            parsed.conflicts.len()
        ))
    })?;
    let new = merge::replacement_exact(text.as_bytes(), c, choice, ends).map_err(|e| failed(&e))?;
    let edit = WorkspaceEdit {
        changes: Some(HashMap::from([(
            uri.clone(),
            vec![TextEdit {
                range: pos::lines_range(&text, c.span.whole.clone()),
                new_text: String::from_utf8_lossy(&new).into_owned(),
            }],
        )])),
        ..Default::default()
    };
    Ok(json!({ "uri": uri, "region": region, "choice": choice.to_string(), "edit": edit }))
}
