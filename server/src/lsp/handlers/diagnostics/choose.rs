//! Which diagnostics an artifact's files get: drift and upstream news on its main file;
//! conflict markers in every open file and, when the project copy moved, every file on disk;
//! changed hunks in open files (setting `hunkDiagnostics`). Unsaved buffers count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lsp_types::Diagnostic;
use skillmeat_core::drift::DriftState;
use skillmeat_core::workspace::Tier;
use skillmeat_core::ArtifactId;

use crate::lsp::state::{FolderId, State};
use crate::lsp::to_proto;

impl State {
    pub fn artifact_diagnostics(
        &self,
        i: FolderId,
        id: &ArtifactId,
    ) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        let mut out: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        let Some(ws) = self.folders[&i].ws.as_ref() else {
            return out;
        };
        // Checked before anything of the copy is read: a profile root linked out since the
        // folder opened is refused (each open file of it says so), never read through.
        let refused = |out: &mut BTreeMap<PathBuf, Vec<Diagnostic>>,
                       why: &dyn std::fmt::Display| {
            for d in self.docs.values() {
                if ws
                    .locate(&d.path)
                    .is_some_and(|l| l.tier == Tier::Project && &l.id == id)
                {
                    let diag = super::copy_refused(&id.to_string(), &d.text, why);
                    out.insert(d.path.clone(), vec![diag]);
                }
            }
        };
        let root = match ws.project_path(id) {
            Ok(root) => root,
            Err(e) => {
                refused(&mut out, &e);
                return out;
            }
        };
        let Some(st) = self.status_of(i, id) else {
            return out;
        };
        // A copy status could not read (a link out of the artifact, say) is shown as such on
        // its open files, and nothing more of it is read.
        if let (DriftState::Error, Some(e)) = (st.state, &st.error) {
            refused(&mut out, e);
            return out;
        }
        // A synced artifact with no open file and no upstream news has nothing to show: skip
        // reading its files (the start-up publish walks every artifact).
        let quiet = matches!(
            st.state,
            DriftState::Synced | DriftState::Untracked | DriftState::Removed
        ) && !self.upstream_behind.contains_key(&(i, id.clone()))
            && !self.docs.values().any(|d| d.path.starts_with(&root));
        if quiet {
            return out;
        }
        let main = skillmeat_core::discover::main_file(&root, id.kind);
        let text_of = |path: &Path| -> Option<String> {
            match self.docs.get(path) {
                Some(d) => Some(d.text.clone()),
                None => std::fs::read(path)
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
            }
        };
        let id_s = id.to_string();
        let recorded = ws.open_conflict_files(id).unwrap_or_default();
        if let Some(text) = text_of(&main) {
            let rel = ws.locate(&main).map(|l| l.rel).unwrap_or_default();
            let collection = ws.collection_file(id, &rel).and_then(|p| to_proto::uri(&p));
            let mut list = Vec::new();
            if let Some(d) = super::drift(&st, &text, collection) {
                list.push(d);
            }
            if let Some(detail) = self.upstream_behind.get(&(i, id.clone())) {
                list.push(super::upstream_behind(&id_s, &text, detail));
            }
            out.insert(main.clone(), list);
        }
        // Files that can hold markers or hunks: every open file of the artifact, and, when the
        // project copy moved from its baseline, every file of it on disk.
        let mut files: BTreeSet<PathBuf> = self
            .docs
            .values()
            .filter(|d| {
                ws.locate(&d.path)
                    .is_some_and(|l| l.tier == Tier::Project && &l.id == id)
            })
            .map(|d| d.path.clone())
            .collect();
        let moved = !matches!(
            st.state,
            DriftState::Synced | DriftState::Outdated | DriftState::Removed
        );
        if moved {
            if let Ok(tree) = skillmeat_core::tree::read_artifact(&root, id.kind.shape()) {
                for rel in tree.files.keys() {
                    let p = if id.kind.is_folder() {
                        root.join(rel)
                    } else {
                        root.clone()
                    };
                    files.insert(p);
                }
            }
        }
        for path in files {
            let Some(text) = text_of(&path) else {
                continue;
            };
            let rel = ws.locate(&path).map(|l| l.rel).unwrap_or_default();
            let list = out.entry(path.clone()).or_default();
            list.extend(super::conflicts(
                &id_s,
                &rel,
                &text,
                recorded.contains(&rel),
            ));
            let open = self.docs.contains_key(&path);
            if self.settings.hunk_diagnostics
                && open
                && st.baseline.is_some()
                && st.project != st.baseline
            {
                if let Ok(Some(deployed)) = ws.baseline_file(id, &rel) {
                    list.extend(super::hunks(
                        &id_s,
                        &rel,
                        &String::from_utf8_lossy(&deployed),
                        &text,
                    ));
                }
            }
        }
        out
    }
}
