//! Conflict regions shown better than the markers: a CodeLens row over each live region
//! (Accept ours | theirs | both | base), and `skillmeat.acceptConflict`, the command those lenses
//! run, which answers with a buffer edit the server applies through `workspace/applyEdit` (so
//! the editor's undo reverses it and nothing is written until the person saves).

use std::collections::HashMap;

use lsp_types::{CodeLens, Command, Position, Range, TextEdit, Url, WorkspaceEdit};
use serde_json::{json, Value};
use skillmeat_core::merge::{self, Choice};

use crate::lsp::args::{failed, invalid, Args};
use crate::lsp::from_proto;
use crate::lsp::pos;
use crate::lsp::state::State;
use crate::lsp::to_proto::RequestError;

/// The document's text (the editor buffer when open) and whether its file has an open conflict
/// record, for a project file of an artifact.
pub(crate) fn text_of(s: &State, uri: &Url) -> Option<(String, String, bool)> {
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
                Some(l) => format!("Accept {choice} ({})", super::actions::flat_label(l)),
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
        out.push(compare_lens(uri, n, at));
    }
    out
}

/// `skillmeat.acceptConflict` {uri, region, choice}: the edit that replaces that region of the
/// document by the chosen side, as `{"edit": WorkspaceEdit}` (the backend applies it).
pub fn accept(s: &State, a: &Args) -> Result<Value, RequestError> {
    let r = region_of(s, a)?;
    let choice: Choice = a
        .parsed("choice")?
        .ok_or_else(|| invalid("`choice` is required: ours, theirs, both or base"))?;
    let new = merge::replacement_exact(r.text.as_bytes(), &r.conflict, choice, r.ends)
        .map_err(|e| failed(&e))?;
    let edit = WorkspaceEdit {
        changes: Some(HashMap::from([(
            r.uri.clone(),
            vec![TextEdit {
                range: pos::lines_range(&r.text, r.conflict.span.whole.clone()),
                new_text: String::from_utf8_lossy(&new).into_owned(),
            }],
        )])),
        ..Default::default()
    };
    Ok(json!({ "uri": r.uri, "region": r.index, "choice": choice.to_string(), "edit": edit }))
}

/// The conflict region a command names by `{uri, region}` (`skillmeat.acceptConflict`,
/// `skillmeat.compareConflict`): the document's text, the file inside its artifact, the region,
/// and which merge inputs ended without a final newline, so the region gives back each side's
/// exact bytes.
pub(crate) struct Region {
    pub uri: Url,
    pub text: String,
    pub rel: String,
    pub index: usize,
    pub conflict: merge::ParsedConflict,
    pub ends: merge::Unterminated,
}

/// Reads the `uri` and `region` arguments and finds that region in the document.
pub(crate) fn region_of(s: &State, a: &Args) -> Result<Region, RequestError> {
    let u = a.req("uri")?;
    let uri = from_proto::uri(u).map_err(|e| invalid(format!("`uri`: {e}")))?;
    let index = a
        .number("region")?
        .ok_or_else(|| invalid("`region` is required (the region's 0-based index)"))?
        as usize;
    let (text, rel, recorded) = text_of(s, &uri)
        .ok_or_else(|| invalid(format!("`uri`: {u} is no file of a project artifact")))?;
    let ends = from_proto::path(&uri)
        .and_then(|p| s.locate(&p))
        .and_then(|(i, id, rel)| {
            let ws = s.folders[&i].ws.as_ref()?;
            ws.merge_inputs_unterminated(&id, &rel).ok()
        })
        .unwrap_or_default();
    let conflicts = merge::parse_live(text.as_bytes(), &rel, recorded).conflicts;
    let n = conflicts.len();
    let conflict = conflicts.into_iter().nth(index).ok_or_else(|| {
        invalid(format!(
            "{rel} has {n} conflict region(s), no region #{index}"
        ))
    })?;
    Ok(Region {
        uri,
        text,
        rel,
        index,
        conflict,
        ends,
    })
}

/// `skillmeat.compareConflict` (answered by `compare`): a region's sides as a diff.
pub const COMPARE: &str = "skillmeat.compareConflict";

/// The `Compare` lens for region `n` (0-based) of `uri`, at `at`.
fn compare_lens(uri: &Url, n: usize, at: Range) -> CodeLens {
    CodeLens {
        range: at,
        command: Some(Command {
            title: "Compare".into(),
            command: COMPARE.into(),
            arguments: Some(vec![json!({ "uri": uri, "region": n })]),
        }),
        data: None,
    }
}
