//! An artifact's wanted tree as a buffer edit: the whole-file text edits that turn the project
//! copy (open buffers included) into it — what a Merge / Update code action and
//! `skillmeat.proposeUpdate` hand the editor.

use std::collections::HashMap;

use lsp_types::{TextEdit, WorkspaceEdit};
use skillmeat_core::tree::Tree;
use skillmeat_core::ArtifactId;

use crate::lsp::pos;
use crate::lsp::state::{FolderId, State};
use crate::lsp::to_proto;

/// Text edits that turn the project copy of `id` (open buffers included) into `want`, when that
/// adds and removes no file and every changed file is text; otherwise `None`.
pub fn tree_edit(s: &State, i: FolderId, id: &ArtifactId, want: &Tree) -> Option<WorkspaceEdit> {
    let ws = s.folders[&i].ws.as_ref()?;
    let folder = id.kind.is_folder();
    let root = ws.project_path(id).ok()?;
    let file_path = |rel: &str| if folder { root.join(rel) } else { root.clone() };
    let mut current = skillmeat_core::tree::read_artifact(&root, id.kind.shape()).ok()?;
    for (rel, bytes) in current.files.iter_mut() {
        if let Some(d) = s.docs.get(&file_path(rel)) {
            *bytes = d.text.clone().into_bytes();
        }
    }
    let same_files = if folder {
        current.files.keys().eq(want.files.keys())
    } else {
        current.files.len() == 1 && want.files.len() == 1
    };
    if !same_files {
        return None;
    }
    let mut changes = HashMap::new();
    for ((rel, now), new) in current.files.iter().zip(want.files.values()) {
        if now == new {
            continue;
        }
        let (now, new) = (
            std::str::from_utf8(now).ok()?,
            std::str::from_utf8(new).ok()?,
        );
        let uri = to_proto::uri(&file_path(rel))?;
        changes.insert(
            uri,
            vec![TextEdit {
                range: pos::whole(now),
                new_text: new.to_string(),
            }],
        );
    }
    (!changes.is_empty()).then(|| WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}
