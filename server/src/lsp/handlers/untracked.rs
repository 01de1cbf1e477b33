//! An untracked artifact (only in this project, not in the collection): its hover says how to
//! bring it under SkillMeat — add it to the collection, not deploy it (there is nothing to
//! deploy) — with a link and a code action running `skillmeat.addToCollection` {artifact}.

use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Hover, HoverContents, MarkupContent,
    MarkupKind, Url,
};
use serde_json::{json, Value};
use skillmeat_core::drift::{ArtifactStatus, DriftState};
use skillmeat_core::workspace::AddRequest;
use skillmeat_core::ArtifactId;

use crate::lsp::args::{failed, invalid, Args};
use crate::lsp::state::{FolderId, State};
use crate::lsp::to_proto::RequestError;

pub const COMMAND: &str = "skillmeat.addToCollection";

fn only_here(st: &ArtifactStatus) -> bool {
    st.state == DriftState::Untracked && st.collection.is_none()
}

fn command(id: &ArtifactId, uri: &Url) -> Command {
    Command {
        title: "Add to collection".into(),
        command: COMMAND.into(),
        arguments: Some(vec![json!({ "artifact": id.to_string(), "uri": uri })]),
    }
}

/// The hover of an untracked artifact's main file: what it is and the action that works.
pub fn hover(st: &ArtifactStatus, uri: &Url) -> Option<Hover> {
    if !only_here(st) {
        return None;
    }
    let id = &st.id;
    let args = json!([{ "artifact": id.to_string(), "uri": uri }]).to_string();
    let link = format!(
        "[Add to collection](command:{COMMAND}?{})",
        super::hunk_revert::encode(&args)
    );
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: format!(
                "**{id}** — untracked: only in this project, not in the collection, so it has no \
                 versions yet.\n\n{link} (the code action *Add to collection*, or \
                 `skillmeat-lsp add {}`) stores it in the collection as v1; then drift and sync \
                 work for it.",
                st.path
            ),
        }),
        range: None,
    })
}

/// The *Add to collection* code action for an untracked artifact.
pub fn action(st: &ArtifactStatus, uri: &Url) -> Option<CodeActionOrCommand> {
    only_here(st).then(|| {
        CodeActionOrCommand::CodeAction(CodeAction {
            title: "Add to collection".into(),
            kind: Some(CodeActionKind::from("source.skillmeat.add")),
            command: Some(command(&st.id, uri)),
            ..Default::default()
        })
    })
}

/// `skillmeat.addToCollection` {artifact}: adds the project copy to the collection, as
/// `skillmeat-lsp add <path>` does; answers with the `add` JSON.
pub fn execute(s: &mut State, i: FolderId, a: &Args) -> Result<Value, RequestError> {
    let q = a.req("artifact")?;
    let f = s
        .folders
        .get_mut(&i)
        .ok_or_else(|| invalid("the workspace folder is no longer open"))?;
    let root = f.root.clone();
    let ws =
        f.ws.as_mut()
            .ok_or_else(|| invalid("the workspace could not be opened"))?;
    let id = ws.resolve_id(q).map_err(|e| failed(&e))?;
    let path = ws.project_path(&id).map_err(|e| failed(&e))?;
    let source = path
        .to_str()
        .ok_or_else(|| invalid(format!("{}: the path is not UTF-8", path.display())))?
        .to_string();
    let done = ws
        .add(&AddRequest {
            source: &source,
            path: None,
            reference: None,
            kind: Some(id.kind),
            name: Some(&id.name),
            base: Path::new(&root),
        })
        .map_err(|e| failed(&e))?;
    Ok(crate::json::add(&done))
}
