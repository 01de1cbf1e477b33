//! `list`: every artifact of the collection, with where each is deployed in this project (its
//! path under each profile root and its state) — what a newcomer asks before `deploy`.

use std::collections::BTreeMap;

use skillmeat_core::drift::ArtifactStatus;
use skillmeat_core::workspace::Workspace;
use skillmeat_core::{ArtifactId, Error};

use super::{exit, Out};

pub fn run(ws: &mut Workspace, out: &Out) -> Result<i32, Error> {
    let in_collection = ws.collection_artifacts()?;
    let report = ws.status_with_profiles()?;
    let mut here: BTreeMap<&ArtifactId, Vec<&ArtifactStatus>> = BTreeMap::new();
    // A deployment under another profile root (`codex`) carries its profile in its id; it is
    // listed under the collection artifact it was deployed from.
    for a in report.artifacts.iter().filter(|a| a.baseline.is_some()) {
        if let Some((id, _)) = in_collection.get_key_value(&a.id.base()) {
            here.entry(id).or_default().push(a);
        }
    }
    if out.json {
        out.print_json(&crate::json::list(ws, in_collection.keys(), &here));
        return Ok(exit::OK);
    }
    out.line(format!(
        "collection  {} (from {})",
        ws.collection().root.display(),
        ws.collection().source.describe()
    ));
    out.line(format!("workspace   {}", ws.root().display()));
    if in_collection.is_empty() {
        out.line(
            "the collection holds no artifacts yet; put one in with `skillmeat-lsp add SOURCE`",
        );
        return Ok(exit::OK);
    }
    let width = in_collection
        .keys()
        .map(|id| id.to_string().len())
        .max()
        .unwrap_or(0);
    for id in in_collection.keys() {
        let where_ = match here.get(id) {
            Some(list) => list
                .iter()
                .map(|a| format!("{} ({})", a.path, a.state.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            None => "not deployed here".to_string(),
        };
        out.line(format!("  {:<width$}  {where_}", id.to_string()));
    }
    Ok(exit::OK)
}
