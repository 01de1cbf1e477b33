//! Publishing diagnostics: each artifact's are recomputed (`diagnostics::choose`) and sent only
//! when they changed, carrying the document version; files that lost all theirs are cleared.

use std::collections::BTreeSet;
use std::path::PathBuf;

use lsp_types::Diagnostic;
use skillmeat_core::ArtifactId;

use super::client::Level;
use super::state::{FolderId, State};
use super::to_proto;

impl State {
    /// Asks the client to re-request CodeLens, when it supports being asked.
    fn lens_refresh(&self) {
        if self.caps.code_lens_refresh {
            self.client
                .request::<lsp_types::request::CodeLensRefresh>(());
        }
    }

    /// Recomputes drift from disk for `ids` of folder `i` and republishes them.
    pub fn refresh_from_disk(&mut self, i: FolderId, ids: &[ArtifactId]) {
        let Some(folder) = self.folders.get_mut(&i) else {
            return;
        };
        let Some(ws) = folder.ws.as_mut() else {
            return;
        };
        match ws.status_of(Some(ids)) {
            Ok(r) => {
                for id in ids {
                    folder.statuses.remove(id);
                }
                for a in r.artifacts {
                    folder.statuses.insert(a.id.clone(), a);
                }
            }
            Err(e) => self.log(Level::Warning, format!("skillmeat: {e}")),
        }
        for id in ids {
            self.refresh_artifact(i, id);
        }
        self.lens_refresh();
    }

    /// Recomputes the whole folder from disk (new or removed artifacts, settings changes).
    pub fn refresh_folder(&mut self, i: FolderId) {
        let Some(folder) = self.folders.get_mut(&i) else {
            return;
        };
        let Some(ws) = folder.ws.as_mut() else {
            return;
        };
        match ws.status() {
            Ok(r) => {
                folder.statuses = r.artifacts.into_iter().map(|a| (a.id.clone(), a)).collect();
            }
            Err(e) => self.log(Level::Warning, format!("skillmeat: {e}")),
        }
        self.publish_folder(i);
        self.lens_refresh();
    }

    pub fn publish_folder(&mut self, i: FolderId) {
        let mut ids: BTreeSet<ArtifactId> = self.folders[&i].statuses.keys().cloned().collect();
        ids.extend(
            self.artifact_files
                .keys()
                .filter(|(f, _)| *f == i)
                .map(|(_, id)| id.clone()),
        );
        for id in ids {
            self.refresh_artifact(i, &id);
        }
    }

    pub fn clear_folder(&mut self, i: FolderId) {
        let keys: Vec<(FolderId, ArtifactId)> = self
            .artifact_files
            .keys()
            .filter(|(f, _)| *f == i)
            .cloned()
            .collect();
        for k in keys {
            if let Some(files) = self.artifact_files.remove(&k) {
                for path in files {
                    self.publish(path, Vec::new());
                }
            }
        }
    }

    /// Recomputes and publishes every diagnostic of one artifact.
    pub fn refresh_artifact(&mut self, i: FolderId, id: &ArtifactId) {
        let fresh = self.artifact_diagnostics(i, id);
        let key = (i, id.clone());
        let old = self.artifact_files.remove(&key).unwrap_or_default();
        let mut now = BTreeSet::new();
        for (path, diags) in fresh {
            now.insert(path.clone());
            self.publish(path, diags);
        }
        for path in old.difference(&now) {
            self.publish(path.clone(), Vec::new());
        }
        if !now.is_empty() {
            self.artifact_files.insert(key, now);
        }
    }

    fn publish(&mut self, path: PathBuf, diagnostics: Vec<Diagnostic>) {
        let version = self.docs.get(&path).map(|d| d.version);
        // A document opened (or closed) with unchanged diagnostics still gets them again, so
        // what the client shows carries the version of what it has.
        let same = self
            .published
            .get(&path)
            .is_some_and(|(v, old)| *v == version && *old == diagnostics);
        let unseen_empty = diagnostics.is_empty() && !self.published.contains_key(&path);
        if same || unseen_empty {
            return;
        }
        if diagnostics.is_empty() {
            self.published.remove(&path);
        } else {
            self.published
                .insert(path.clone(), (version, diagnostics.clone()));
        }
        let Some(uri) = to_proto::uri(&path) else {
            return;
        };
        self.client
            .notify::<lsp_types::notification::PublishDiagnostics>(
                lsp_types::PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                },
            );
    }
}
