//! Code actions (docs/design.md §8): accept ours / theirs / both / base for one conflict region or all of
//! a file, revert a hunk to the deployed version, update from / merge with / push to the
//! collection, roll back to deployed. Text changes are `WorkspaceEdit`s so the editor's undo
//! works; what cannot be a text edit (files added or removed) runs as a command.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Diagnostic, NumberOrString, Range,
    TextEdit, Url, WorkspaceEdit,
};
use serde_json::{json, Value};
use skillmeat_core::drift::DriftState;
use skillmeat_core::merge::{self, Choice, Unterminated};
use skillmeat_core::workspace::Proposal;
use skillmeat_core::ArtifactId;

use crate::lsp::client::Level;
use crate::lsp::from_proto;
use crate::lsp::pos;
use crate::lsp::state::{FolderId, State};

fn kind(s: &'static str) -> CodeActionKind {
    CodeActionKind::from(s)
}

fn code_of(d: &Diagnostic) -> Option<&str> {
    match &d.code {
        Some(NumberOrString::String(s))
            if d.source.as_deref() == Some(super::diagnostics::SOURCE) =>
        {
            Some(s)
        }
        _ => None,
    }
}

fn overlaps(a: &Range, b: &Range) -> bool {
    !(a.end < b.start || b.end < a.start)
}

fn edit_one(uri: &Url, range: Range, new_text: String) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(
            uri.clone(),
            vec![TextEdit { range, new_text }],
        )])),
        ..Default::default()
    }
}

fn action(
    title: String,
    kind: CodeActionKind,
    diags: Vec<Diagnostic>,
    edit: Option<WorkspaceEdit>,
    command: Option<Command>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: (!diags.is_empty()).then_some(diags),
        edit,
        command,
        ..Default::default()
    })
}

fn cmd(title: &str, command: &str, args: Value) -> Command {
    Command {
        title: title.into(),
        command: command.into(),
        arguments: Some(vec![args]),
    }
}

/// The code actions at `range` of `uri`.
pub fn code_actions(
    s: &mut State,
    uri: &Url,
    range: Range,
    context: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let Some(path) = from_proto::path(uri) else {
        return out;
    };
    let Some((i, id, rel)) = s.locate(&path) else {
        return out;
    };
    let text = match s.docs.get(&path) {
        Some(d) => d.text.clone(),
        None => match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(_) => return out,
        },
    };
    // Which sides of the merge ended without a newline, so accepting one gives its exact bytes,
    // and whether the file has an open conflict record (then fenced markers count too).
    let ws = s.folders[&i].ws.as_ref();
    let ends = ws
        .and_then(|ws| ws.merge_inputs_unterminated(&id, &rel).ok())
        .unwrap_or_default();
    let recorded = ws
        .and_then(|ws| ws.open_conflict_files(&id).ok())
        .is_some_and(|files| files.contains(&rel));
    let parsed = merge::parse_live(text.as_bytes(), &rel, recorded);
    conflict_actions(uri, &text, &parsed, range, context, ends, &mut out);
    hunk_actions(uri, &text, range, context, &mut out);
    if let Some(p) = artifact_actions(s, i, &id, &rel, uri, &text, context, &mut out) {
        s.proposals.insert((i, id), p);
    }
    out
}

fn conflict_actions(
    uri: &Url,
    text: &str,
    parsed: &merge::ParsedText,
    range: Range,
    context: &[Diagnostic],
    ends: Unterminated,
    out: &mut Vec<CodeActionOrCommand>,
) {
    if parsed.conflicts.is_empty() {
        return;
    }
    for c in &parsed.conflicts {
        let region = pos::lines_range(text, c.span.whole.clone());
        if !overlaps(&region, &range) {
            continue;
        }
        let diags: Vec<Diagnostic> = context
            .iter()
            .filter(|d| code_of(d) == Some("conflict-unresolved") && d.range == region)
            .cloned()
            .collect();
        let mut choices = vec![Choice::Ours, Choice::Theirs, Choice::Both];
        if c.span.base.is_some() {
            choices.push(Choice::Base);
        }
        for choice in choices {
            let Ok(new) = merge::replacement_exact(text.as_bytes(), c, choice, ends) else {
                continue;
            };
            let label = match choice {
                Choice::Ours => c.labels.ours.clone(),
                Choice::Theirs => c.labels.theirs.clone(),
                Choice::Base => c.labels.base.clone(),
                _ => None,
            };
            let title = match label {
                // A marker's label may carry its own parentheses (`project (9f29b02)`): shown
                // flat, so the title reads `Accept ours (project, 9f29b02) for this conflict`.
                Some(l) => format!(
                    "Accept {} ({}) for this conflict",
                    choice.as_str(),
                    flat_label(&l)
                ),
                None => format!("Accept {} for this conflict", choice.as_str()),
            };
            out.push(action(
                title,
                CodeActionKind::QUICKFIX,
                diags.clone(),
                Some(edit_one(
                    uri,
                    region,
                    String::from_utf8_lossy(&new).into_owned(),
                )),
                None,
            ));
        }
    }
    for choice in [Choice::Ours, Choice::Theirs, Choice::Both, Choice::Base] {
        if choice == Choice::Base && parsed.conflicts.iter().any(|c| c.span.base.is_none()) {
            continue;
        }
        if let Ok(new) = merge::resolve_parsed(text.as_bytes(), &parsed.conflicts, choice, ends) {
            let name = choice.as_str();
            out.push(action(
                format!("Accept {name} for all conflicts in this file"),
                kind(match choice {
                    Choice::Ours => "source.skillmeat.acceptAllOurs",
                    Choice::Theirs => "source.skillmeat.acceptAllTheirs",
                    Choice::Both => "source.skillmeat.acceptAllBoth",
                    _ => "source.skillmeat.acceptAllBase",
                }),
                Vec::new(),
                Some(edit_one(
                    uri,
                    pos::whole(text),
                    String::from_utf8_lossy(&new).into_owned(),
                )),
                None,
            ));
        }
    }
}

fn hunk_actions(
    uri: &Url,
    text: &str,
    range: Range,
    context: &[Diagnostic],
    out: &mut Vec<CodeActionOrCommand>,
) {
    for d in context
        .iter()
        .filter(|d| code_of(d) == Some("drift-hunk") && overlaps(&d.range, &range))
    {
        let Some(data) = &d.data else { continue };
        let Some(old) = data.get("oldText").and_then(Value::as_str) else {
            continue;
        };
        let Some(lines) = data.get("newLines").and_then(Value::as_array) else {
            continue;
        };
        let (Some(a), Some(b)) = (
            lines.first().and_then(Value::as_u64),
            lines.get(1).and_then(Value::as_u64),
        ) else {
            continue;
        };
        let r = pos::lines_range(text, a as usize..b as usize);
        out.push(action(
            "Revert this hunk to the deployed version".into(),
            CodeActionKind::QUICKFIX,
            vec![d.clone()],
            Some(edit_one(uri, r, old.to_string())),
            None,
        ));
    }
}

#[allow(clippy::too_many_arguments)]
fn artifact_actions(
    s: &State,
    i: FolderId,
    id: &ArtifactId,
    rel: &str,
    uri: &Url,
    text: &str,
    context: &[Diagnostic],
    out: &mut Vec<CodeActionOrCommand>,
) -> Option<Proposal> {
    let st = s.status_of(i, id)?;
    let ws = s.folders[&i].ws.as_ref()?;
    let mut proposal = None;
    let a = id.to_string();
    let drift_diags: Vec<Diagnostic> = context
        .iter()
        .filter(|d| code_of(d).is_some_and(|c| c.starts_with("drift-") && c != "drift-hunk"))
        .cloned()
        .collect();
    let attach = |k: &'static str| {
        if drift_diags.is_empty() {
            kind(k)
        } else {
            CodeActionKind::QUICKFIX
        }
    };
    match st.state {
        DriftState::Outdated | DriftState::Conflict => {
            let (title, k) = if st.state == DriftState::Outdated {
                ("Update from collection", "source.skillmeat.update")
            } else {
                ("Merge with collection", "source.skillmeat.merge")
            };
            // Every open file of the artifact counts with its unsaved text, so the edits never
            // undo what a person typed in another buffer.
            let mut open = s.open_buffers(ws, id);
            if !open.iter().any(|(r, _)| r == rel) {
                open.push((rel.to_string(), text.as_bytes()));
            }
            let buffers: Vec<(&str, &[u8])> = open.iter().map(|(r, t)| (r.as_str(), *t)).collect();
            // The edit is a proposal: nothing is recorded until the buffers are saved with its
            // result (see `State::did_save`).
            match ws.propose(id, &buffers) {
                // The title names a file the merge cannot settle (binary, modify/delete), with
                // an edit or without one (the sync the action then runs leaves it open too).
                Ok(p) => match super::tree_edit::tree_edit(s, i, id, &p.plan.result) {
                    Some(edit) => {
                        let title = super::update_edit::titled(title, id, &p.plan);
                        let (edit, command) = super::update_edit::for_action(edit, &title, &a, uri);
                        out.push(action(title, attach(k), drift_diags.clone(), edit, command));
                        proposal = Some(p);
                    }
                    None => out.push(action(
                        super::update_edit::titled(title, id, &p.plan),
                        attach(k),
                        drift_diags.clone(),
                        None,
                        Some(cmd(title, "skillmeat.sync", json!({ "artifact": a, "direction": "collection-to-project", "strategy": "auto", "uri": uri }))),
                    )),
                },
                Err(e) => s.log(Level::Warning, format!("skillmeat: {a}: {e}")),
            }
        }
        _ => {}
    }
    out.extend(super::untracked::action(&st, uri));
    if matches!(st.state, DriftState::Modified | DriftState::Orphaned) {
        out.push(action(
            "Push to collection".into(),
            attach("source.skillmeat.push"),
            drift_diags.clone(),
            None,
            Some(cmd("Push to collection", "skillmeat.sync", json!({ "artifact": a, "direction": "project-to-collection", "strategy": "auto", "uri": uri }))),
        ));
    }
    if matches!(st.state, DriftState::Modified | DriftState::Conflict) {
        let edit = ws
            .resolve_rev(id, "deployed")
            .ok()
            .and_then(|b| super::tree_edit::tree_edit(s, i, id, &b.tree));
        let title = "Roll back to deployed";
        match edit {
            Some(e) => out.push(action(
                title.into(),
                kind("source.skillmeat.rollback"),
                Vec::new(),
                Some(e),
                None,
            )),
            None => out.push(action(
                title.into(),
                kind("source.skillmeat.rollback"),
                Vec::new(),
                None,
                Some(cmd(
                    title,
                    "skillmeat.rollback",
                    json!({ "artifact": a, "to": "deployed", "uri": uri }),
                )),
            )),
        }
    }
    proposal
}

/// A conflict marker's label without nested parentheses: `project (9f29b02)` → `project, 9f29b02`.
pub(super) fn flat_label(label: &str) -> String {
    match label.strip_suffix(')').and_then(|l| l.split_once(" (")) {
        Some((name, rest)) => format!("{name}, {rest}"),
        None => label.to_string(),
    }
}

#[cfg(test)]
mod label_tests {
    #[test]
    fn a_marker_label_with_a_version_reads_flat_in_a_title() {
        assert_eq!(super::flat_label("project (9f29b02)"), "project, 9f29b02");
        assert_eq!(super::flat_label("collection"), "collection");
    }
}
