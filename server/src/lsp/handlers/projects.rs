//! Every project at once, in the editor: the main file of a collection artifact carries a
//! CodeLens and a hover saying where it is deployed ("deployed in 4 projects: 1 outdated, 1
//! modified"); the workspace folders the server opens join the registry (`folders::register`).
//!
//! Plain functions over [`State`] returning `lsp_types` values, wired into the handlers with a
//! line each.

use std::path::{Path, PathBuf};

use lsp_types::{
    CodeLens, Command, Hover, HoverContents, MarkupContent, MarkupKind, Position, Range, Url,
};
use skillmeat_core::collection::{Collection, Env};
use skillmeat_core::projects::{self, ProjectReport};
use skillmeat_core::registry::{self, Registry};
use skillmeat_core::workspace::Tier;
use skillmeat_core::{discover, ArtifactId};

use crate::lsp::from_proto;
use crate::lsp::state::State;

/// The collection artifact whose main file `path` is, with the collection holding it.
fn collection_artifact(s: &State, path: &Path) -> Option<(Collection, ArtifactId)> {
    s.folders
        .values()
        .filter_map(|f| f.ws.as_ref())
        .find_map(|ws| {
            let l = ws.locate(path)?;
            if l.tier != Tier::Collection {
                return None;
            }
            let main = discover::main_file(&ws.collection_path(&l.id), l.id.kind) == path;
            main.then(|| (ws.collection().clone(), l.id))
        })
}

/// Each known project's deployments of `id` from `collection`.
fn reports(collection: &Collection, id: &ArtifactId) -> Vec<ProjectReport> {
    let env = Env::from_process(None);
    let known = registry::known_projects(
        Registry::from_process().as_ref(),
        env.skillmeat_root().as_deref(),
    );
    projects::report(&known, collection, Some(id))
}

/// The lens on a collection artifact's main file: where it is deployed. It runs no command (the
/// hover lists the projects).
pub fn code_lens(s: &State, uri: &Url) -> Option<CodeLens> {
    let path = from_proto::path(uri)?;
    let (collection, id) = collection_artifact(s, &path)?;
    let title = projects::describe(&reports(&collection, &id), &id);
    Some(CodeLens {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        command: Some(Command {
            title,
            command: String::new(),
            arguments: None,
        }),
        data: None,
    })
}

/// The hover anywhere on a collection artifact's main file: the summary and one row per project.
pub fn hover(s: &State, uri: &Url) -> Option<Hover> {
    let path = from_proto::path(uri)?;
    let (collection, id) = collection_artifact(s, &path)?;
    let reports = reports(&collection, &id);
    let mut md = format!(
        "**{id}** (collection) — {}\n",
        projects::describe(&reports, &id)
    );
    let rows: Vec<(PathBuf, String)> = reports
        .iter()
        .flat_map(|r| {
            let mut rows: Vec<(PathBuf, String)> = r
                .deployments
                .iter()
                .map(|d| {
                    let v = d.version.map(|n| format!(" · v{n}")).unwrap_or_default();
                    let p = d
                        .profile
                        .as_deref()
                        .map(|p| format!(" ({p})"))
                        .unwrap_or_default();
                    (r.path.clone(), format!("{}{v}{p}", d.state))
                })
                .collect();
            if let Some(e) = &r.error {
                rows.push((r.path.clone(), format!("could not be read: {e}")));
            }
            rows
        })
        .collect();
    if !rows.is_empty() {
        md.push_str("\n| project | state |\n|---|---|\n");
        for (p, st) in rows {
            md.push_str(&format!("| `{}` | {st} |\n", p.display()));
        }
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: None,
    })
}
