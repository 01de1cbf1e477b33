//! Update / Merge with the collection as a buffer edit the editor applies (`skillmeat.proposeUpdate`,
//! what the Update lens and a multi-file Merge action run): a proposal until saved, every file it
//! changes listed before it applies (change annotations that need confirmation, when the client
//! supports them), and one edit, so one undo reverses every file.

use std::collections::HashMap;

use lsp_types::{
    AnnotatedTextEdit, ChangeAnnotation, Command, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, Url, WorkspaceEdit,
};
use serde_json::{json, Value};
use skillmeat_core::drift::DriftState;
use skillmeat_core::workspace::{Proposal, Workspace};
use skillmeat_core::ArtifactId;

use crate::lsp::args::{failed, invalid, Args};
use crate::lsp::state::{FolderId, State};
use crate::lsp::to_proto::RequestError;

/// The command the Update lens runs, and a Merge / Update code action that changes more than
/// one file.
pub const COMMAND: &str = "skillmeat.proposeUpdate";

/// `workspace/applyEdit` with the edit as JSON, as the server built it: the typed request would
/// read an annotated text edit back as a plain one (lsp-types' untagged `OneOf` tries `TextEdit`
/// first) and drop its `annotationId`.
pub enum ApplyEdit {}

impl lsp_types::request::Request for ApplyEdit {
    type Params = Value;
    type Result = Value;
    const METHOD: &'static str = "workspace/applyEdit";
}

/// The `workspace/applyEdit` params for a command's reply: its edit, labelled with its title.
pub fn apply_params(reply: &Value) -> Value {
    let mut p = json!({ "edit": reply["edit"] });
    if let Some(t) = reply["title"].as_str() {
        p["label"] = json!(t);
    }
    p
}

/// The id of the one change annotation a multi-file proposal carries.
const ANNOTATION: &str = "skillmeat.proposal";

/// "Update from collection" or "Merge with collection", by the artifact's state.
pub fn title(state: DriftState) -> &'static str {
    if state == DriftState::Outdated {
        "Update from collection"
    } else {
        "Merge with collection"
    }
}

/// The title of a Update/Merge proposal: `base` (from [`title`]), naming every file of the plan
/// in conflict that cannot carry markers (binary, not UTF-8, too large; deleted on one side and
/// changed on the other): the edit leaves it as it is, and after saving it stays a conflict
/// until a side is taken.
pub fn titled(base: &str, id: &ArtifactId, plan: &skillmeat_core::sync::plan::Plan) -> String {
    let stuck = plan.markerless_conflicts();
    match stuck.as_slice() {
        [] => base.to_string(),
        files => format!(
            "{base} ({} cannot be merged and stays in conflict: after saving, run `skillmeat-lsp resolve {id} --file {} --take ours|theirs|base`)",
            files.join(", "),
            files[0]
        ),
    }
}

/// The files a workspace edit changes, sorted (for the confirmation and the reply).
pub fn files(edit: &WorkspaceEdit) -> Vec<Url> {
    let mut out: Vec<Url> = match (&edit.changes, &edit.document_changes) {
        (Some(c), _) => c.keys().cloned().collect(),
        (None, Some(DocumentChanges::Edits(e))) => {
            e.iter().map(|d| d.text_document.uri.clone()).collect()
        }
        _ => Vec::new(),
    };
    out.sort();
    out
}

/// `edit` with every text edit under one change annotation that names the files and needs
/// confirmation, when it changes more than one file and the client supports annotations;
/// otherwise `edit` as it is.
pub fn annotate(edit: WorkspaceEdit, label: &str, supported: bool) -> WorkspaceEdit {
    let Some(changes) = edit.changes.as_ref().filter(|c| c.len() > 1 && supported) else {
        return edit;
    };
    let names: Vec<String> = files(&edit)
        .iter()
        .map(|u| {
            u.path_segments()
                .and_then(|mut s| s.next_back().map(str::to_string))
                .unwrap_or_else(|| u.to_string())
        })
        .collect();
    let mut uris: Vec<&Url> = changes.keys().collect();
    uris.sort();
    let edits = uris
        .into_iter()
        .map(|uri| TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: None,
            },
            edits: changes[uri]
                .iter()
                .map(|e| {
                    OneOf::Right(AnnotatedTextEdit {
                        text_edit: e.clone(),
                        annotation_id: ANNOTATION.into(),
                    })
                })
                .collect(),
        })
        .collect();
    WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Edits(edits)),
        change_annotations: Some(HashMap::from([(
            ANNOTATION.to_string(),
            ChangeAnnotation {
                label: label.into(),
                needs_confirmation: Some(true),
                description: Some(format!(
                    "changes {} files: {}",
                    names.len(),
                    names.join(", ")
                )),
            },
        )])),
    }
}

/// For a code action: a one-file edit stays the action's edit; one that changes several files
/// becomes the `skillmeat.proposeUpdate` command, so it reaches the editor as
/// `workspace/applyEdit`, where the clients open every file before applying and undo it as one.
pub fn for_action(
    edit: WorkspaceEdit,
    title: &str,
    artifact: &str,
    uri: &Url,
) -> (Option<WorkspaceEdit>, Option<Command>) {
    if files(&edit).len() <= 1 {
        return (Some(edit), None);
    }
    let command = Command {
        title: title.into(),
        command: COMMAND.into(),
        arguments: Some(vec![json!({ "artifact": artifact, "uri": uri })]),
    };
    (None, Some(command))
}

/// The proposal for `id` with every open project buffer of it standing in for its file.
fn propose(s: &State, ws: &Workspace, id: &ArtifactId) -> skillmeat_core::Result<Proposal> {
    let open = s.open_buffers(ws, id);
    let buffers: Vec<(&str, &[u8])> = open.iter().map(|(r, t)| (r.as_str(), *t)).collect();
    ws.propose(id, &buffers)
}

/// `skillmeat.proposeUpdate` {artifact, uri?}: the update (outdated) or merge (conflict) of the
/// open buffers with the collection, as `{"edit", "files", "title"}` for `handlers::execute_command` to send as
/// `workspace/applyEdit`; the proposal is kept, so saving its result records it. `Ok(None)`
/// when it cannot be a text edit (files added or removed): the caller runs the sync instead.
pub fn execute(s: &mut State, i: FolderId, a: &Args) -> Result<Option<Value>, RequestError> {
    let q = a.req("artifact")?;
    let Some(ws) = s.folders[&i].ws.as_ref() else {
        return Err(invalid("the workspace could not be opened"));
    };
    let id = ws.resolve_id(q).map_err(|e| failed(&e))?;
    let Some(st) = s.status_of(i, &id) else {
        return Err(invalid(format!("{id} has no project copy to update")));
    };
    if !matches!(st.state, DriftState::Outdated | DriftState::Conflict) {
        return Err(invalid(format!(
            "{id} is {}: there is nothing to take from the collection",
            st.state
        )));
    }
    let title = title(st.state);
    let p = match s.folders[&i].ws.as_ref() {
        Some(ws) => propose(s, ws, &id).map_err(|e| failed(&e))?,
        None => return Err(invalid("the workspace could not be opened")),
    };
    let Some(edit) = super::tree_edit::tree_edit(s, i, &id, &p.plan.result) else {
        return Ok(None);
    };
    let files = files(&edit);
    let title = titled(title, &id, &p.plan);
    let edit = annotate(edit, &title, s.caps.change_annotations);
    s.proposals.insert((i, id.clone()), p);
    Ok(Some(json!({
        "artifact": id.to_string(),
        "title": title,
        "files": files,
        "edit": edit,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range, TextEdit};

    fn two_files() -> WorkspaceEdit {
        let e = |t: &str| {
            vec![TextEdit {
                range: Range::new(Position::new(0, 0), Position::new(1, 0)),
                new_text: t.into(),
            }]
        };
        WorkspaceEdit {
            changes: Some(HashMap::from([
                (
                    crate::lsp::from_proto::uri("file:///p/s/SKILL.md").unwrap(),
                    e("a\n"),
                ),
                (
                    crate::lsp::from_proto::uri("file:///p/s/reference.md").unwrap(),
                    e("b\n"),
                ),
            ])),
            ..Default::default()
        }
    }

    #[test]
    fn a_multi_file_edit_needs_confirmation_and_names_every_file() {
        let e = annotate(two_files(), "Merge with collection", true);
        let a = &e.change_annotations.as_ref().unwrap()[ANNOTATION];
        assert_eq!(a.needs_confirmation, Some(true));
        assert_eq!(
            a.description.as_deref(),
            Some("changes 2 files: SKILL.md, reference.md")
        );
        let Some(DocumentChanges::Edits(edits)) = &e.document_changes else {
            panic!("document changes expected")
        };
        assert_eq!(edits.len(), 2);
        assert!(edits
            .iter()
            .all(|d| matches!(&d.edits[..], [OneOf::Right(a)] if a.annotation_id == ANNOTATION)));
    }

    #[test]
    fn without_support_or_with_one_file_the_edit_is_unchanged() {
        assert_eq!(annotate(two_files(), "x", false), two_files());
        let mut one = two_files();
        one.changes
            .as_mut()
            .unwrap()
            .retain(|u, _| u.path().ends_with("SKILL.md"));
        assert_eq!(annotate(one.clone(), "x", true), one);
    }

    #[test]
    fn a_multi_file_action_runs_the_command() {
        let uri = crate::lsp::from_proto::uri("file:///p/s/SKILL.md").unwrap();
        let (edit, cmd) = for_action(two_files(), "Merge with collection", "skill:s", &uri);
        assert!(edit.is_none());
        assert_eq!(cmd.unwrap().command, COMMAND);
    }
}
