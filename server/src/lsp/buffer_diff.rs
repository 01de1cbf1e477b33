//! `skillmeat.diff` against the editor's buffers: when the diff's new side is the project (the
//! default) and an open buffer of the artifact holds unsaved text, the diff shows that text,
//! not the file on disk — what the person sees is what is compared.

use serde_json::Value;
use skillmeat_core::workspace::{DiffOutcome, Tier};

use super::args::{failed, Args};
use super::state::{FolderId, State};
use super::to_proto::RequestError;

/// The diff with unsaved buffers standing in for their files, or `None` when the request is
/// not against the project or no open buffer of the artifact differs from its file (then the
/// ordinary diff answers).
pub fn with_buffers(s: &State, i: FolderId, a: &Args) -> Option<Result<Value, RequestError>> {
    let q = a.str("artifact").ok()??;
    let (from, to) = (a.str("from").ok()?, a.str("to").ok()?);
    if to.is_some_and(|t| t != "project") {
        return None;
    }
    let ws = s.folders[&i].ws.as_ref()?;
    let id = ws.resolve_id(q).ok()?;
    let project = ws.resolve_rev(&id, "project").ok()?;
    let mut tree = project.tree.clone();
    let mut unsaved = false;
    for d in s.docs.values() {
        let Some(l) = ws.locate(&d.path) else {
            continue;
        };
        if l.tier != Tier::Project || l.id != id {
            continue;
        }
        // A one-file artifact's tree holds that one file under its own key.
        let key = if id.kind.is_folder() {
            l.rel
        } else {
            match tree.files.keys().next() {
                Some(k) => k.clone(),
                None => continue,
            }
        };
        let text = d.text.as_bytes();
        if tree.files.get(&key).map(Vec::as_slice) != Some(text) {
            tree.files.insert(key, text.to_vec());
            unsaved = true;
        }
    }
    if !unsaved {
        return None;
    }
    Some((|| {
        let old = ws
            .resolve_rev(&id, from.unwrap_or("deployed"))
            .map_err(|e| failed(&e))?;
        let clean = |l: &str| l.split(' ').next().unwrap_or(l).to_string();
        let files =
            skillmeat_core::workspace::diff_trees(&old.tree, &tree, &clean(&old.label), "project");
        let hash = skillmeat_core::hash::hash_folder(
            tree.files.iter().map(|(p, b)| (p.as_str(), b.as_slice())),
        );
        Ok(crate::json::diff(&DiffOutcome {
            from: old.label,
            to: "project (unsaved buffers)".into(),
            from_hash: old.hash,
            to_hash: hash,
            files,
            meta_changes: skillmeat_core::tree::meta::describe_changes(&old.tree.meta, &tree.meta),
        }))
    })())
}
