//! CodeLens on an artifact's main file (`v3 · outdated` with Update / Diff / History).

use lsp_types::{CodeLens, Command, Position, Range, Url};
use serde_json::json;
use skillmeat_core::drift::DriftState;

use skillmeat_core::merge;
use skillmeat_core::sync::Strategy;

use crate::lsp::from_proto;
use crate::lsp::state::{FolderId, State};

fn lens(title: String, command: &str, args: serde_json::Value) -> CodeLens {
    CodeLens {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        command: Some(Command {
            title,
            command: command.into(),
            arguments: Some(vec![args]),
        }),
        data: None,
    }
}

/// Lenses for `uri` when it is an artifact's main file.
pub fn code_lens(s: &State, uri: &Url) -> Vec<CodeLens> {
    let Some(path) = from_proto::path(uri) else {
        return Vec::new();
    };
    let Some((i, id, _)) = s.locate(&path) else {
        return Vec::new();
    };
    let Some(ws) = s.folders[&i].ws.as_ref() else {
        return Vec::new();
    };
    // A profile root linked since the folder opened: nothing of the copy is read.
    let Ok(main) = ws.main_file(&id) else {
        return Vec::new();
    };
    let regions = super::regions::lenses(s, uri);
    if main != path {
        return regions;
    }
    let Some(st) = s.status_of(i, &id) else {
        return Vec::new();
    };
    let a = json!({ "artifact": id.to_string(), "uri": uri });
    let version = st
        .version
        .map(|v| format!("v{v}"))
        .unwrap_or_else(|| "unversioned".into());
    let mut out = vec![lens(
        format!("{version} · {}", st.state),
        "skillmeat.history",
        a.clone(),
    )];
    if matches!(st.state, DriftState::Outdated | DriftState::Conflict) {
        out.push(lens(
            update_title(s, i, &id),
            super::update_edit::COMMAND,
            json!({ "artifact": id.to_string(), "uri": uri, "direction": "collection-to-project" }),
        ));
    }
    if st.baseline.is_some() {
        out.push(lens("Diff".into(), "skillmeat.diff", a.clone()));
        out.push(lens("History".into(), "skillmeat.history", a));
    }
    out.extend(regions);
    out
}

/// The Update lens says what an update would do, computed without writing (a merge preview
/// with the open buffers standing in for their files): `Update: clean` or `Update: 2 conflicts`.
fn update_title(s: &State, i: FolderId, id: &skillmeat_core::ArtifactId) -> String {
    let Some(ws) = s.folders[&i].ws.as_ref() else {
        return "Update".into();
    };
    let open = s.open_buffers(ws, id);
    let buffers: Vec<(&str, &[u8])> = open.iter().map(|(r, t)| (r.as_str(), *t)).collect();
    match ws.plan_with_buffers(id, Strategy::Auto, &buffers) {
        Ok(p) => {
            // Conflicting regions, not files: what a person will have to decide.
            let regions: usize = p
                .result
                .files
                .iter()
                .map(|(rel, bytes)| merge::parse_live(bytes, rel, false).conflicts.len())
                .sum::<usize>()
                .max(p.conflicts);
            match regions {
                0 => "Update: clean".into(),
                1 => "Update: 1 conflict".into(),
                n => format!("Update: {n} conflicts"),
            }
        }
        Err(_) => "Update".into(),
    }
}
