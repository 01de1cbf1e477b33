//! Document sync on the state: open documents are buffers whose unsaved text counts for drift;
//! a save records what the file now holds (a proposal's result, a resolution).

use std::path::PathBuf;

use super::client::Level;
use super::state::{Doc, State};
use super::to_proto;

impl State {
    pub fn did_open(&mut self, path: PathBuf, text: String, version: i32) {
        self.docs.insert(
            path.clone(),
            Doc {
                text,
                version,
                path: path.clone(),
            },
        );
        if let Some((i, id)) = self.artifact_at(&path) {
            self.refresh_artifact(i, &id);
        }
    }

    /// Applies a document's changes (`apply`: the handler's, which reads the protocol's ranges)
    /// in arrival order, which is the order the client sent them: every handler is handled by
    /// the owner in arrival order. Versions only have to grow (Neovim numbers
    /// changes with `b:changedtick`, which skips); a change not newer than the document is stale
    /// and ignored.
    pub fn did_change(&mut self, path: PathBuf, version: i32, apply: impl FnOnce(&mut String)) {
        let Some(doc) = self.docs.get_mut(&path) else {
            return;
        };
        if version <= doc.version {
            let current = doc.version;
            self.log(Level::Warning, format!("skillmeat: ignored a stale change to {} (version {version}, document at {current})", to_proto::uri(&path).map(|u| u.to_string()).unwrap_or_default()));
            return;
        }
        apply(&mut doc.text);
        doc.version = version;
        if let Some((i, id)) = self.artifact_at(&path) {
            self.refresh_artifact(i, &id);
        }
    }

    /// Saved content is recorded: drift is recomputed from disk (a changed copy becomes a
    /// version), and a file whose conflict markers are all gone records the resolution.
    pub fn did_save(&mut self, path: PathBuf) {
        let Some((i, id, _)) = self.locate(&path) else {
            return;
        };
        // What a save records (a proposal's result, a resolution) must outlive the server: a
        // folder kept in memory gets its state on disk first (and is registered).
        let records = self.proposals.contains_key(&(i, id.clone()))
            || self
                .folders
                .get(&i)
                .and_then(|f| f.ws.as_ref())
                .is_some_and(|ws| {
                    ws.store()
                        .open_conflicts(&id)
                        .is_ok_and(|open| !open.is_empty())
                });
        if records && self.persist(i) {
            // The reopened folder is located anew (its workspace is another handle).
            if self.locate(&path).is_none() {
                return;
            }
        }
        // A proposed update or merge is recorded once the saved copy is its result.
        if let (Some(p), Some(ws)) = (
            self.proposals.get(&(i, id.clone())),
            self.folders.get_mut(&i).and_then(|f| f.ws.as_mut()),
        ) {
            let what = if p.is_update() {
                "update from the collection"
            } else {
                "merge with the collection"
            };
            match ws.adopt_saved(&id, p) {
                Ok(Some(v)) => {
                    self.log(
                        Level::Info,
                        format!("skillmeat: {id}: saved the {what}; recorded as v{v}"),
                    );
                    self.proposals.remove(&(i, id.clone()));
                }
                Ok(None) => {}
                Err(e) => self.log(Level::Warning, format!("skillmeat: {id}: {e}")),
            }
        }
        let Some(ws) = self.folders.get_mut(&i).and_then(|f| f.ws.as_mut()) else {
            return;
        };
        // `resolve` parses every file of the artifact and records only when no marker region is
        // left; otherwise it changes nothing.
        if ws
            .store()
            .open_conflicts(&id)
            .is_ok_and(|open| !open.is_empty())
        {
            match ws.resolve(&id.to_string(), None, None) {
                Ok(r) if r.version.is_some() => {
                    self.log(
                        Level::Info,
                        format!("{id}: conflicts resolved and recorded"),
                    );
                }
                Ok(r) => {
                    for (file, _) in r.remaining.iter().filter(|(_, l)| *l == 0) {
                        self.show(
                            Level::Warning,
                            format!("{id}: {file} is still in conflict and cannot carry conflict markers: run `skillmeat-lsp resolve {id} --file {file} --take ours|theirs|base`"),
                        );
                    }
                }
                Err(e) => self.log(Level::Warning, format!("{id}: {e}")),
            }
        }
        self.refresh_from_disk(i, &[id]);
    }

    pub fn did_close(&mut self, path: PathBuf) {
        if let Some(doc) = self.docs.remove(&path) {
            if let Some((i, id, _)) = self.locate(&doc.path) {
                self.refresh_artifact(i, &id);
            }
        }
    }
}
